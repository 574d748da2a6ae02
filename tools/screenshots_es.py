"""Screenshots of the app in Spanish, on the demo district, to look at the translation in place.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots_es.py [OUT_DIR]

Saves the rating screen, its guiding questions, the handover, a condition page and the
Export and Sign screen to docs/translation/screenshots/ (the rating sheet's page is a PDF:
``navtool rating-sheet --lang es``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from navtool_desktop import i18n


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/translation/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    i18n.set_language("es")
    from navtool_desktop.core.demo import generate
    from navtool_desktop.storage.demo import save_demo
    from navtool_desktop.storage.repository import Repository
    from navtool_desktop.ui.app import apply_style, install_qt_translation, load_default_pack
    from navtool_desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    apply_style(app)
    install_qt_translation(app)
    pack = load_default_pack()
    with tempfile.TemporaryDirectory() as tmp, Repository(Path(tmp)) as repo:
        store = save_demo(repo, generate(pack), backup=False)
        window = MainWindow(pack, store)
        window.resize(1280, 720)
        window.show()

        def grab(name: str) -> None:
            app.processEvents()
            window.grab().save(str(out / name))
            print(out / name)

        window.browser.show_item("culture")
        grab("es-condition-page.png")
        cycles = window.cycles
        assert cycles is not None
        window.show_screen(2)
        cycles.start_rating()
        panel = cycles.rating_panel
        assert panel is not None
        panel.go_to(4)
        grab("es-rating.png")
        cycles.finish_rating()
        grab("es-handover.png")
        cycles.back_to_overview()
        export = window.export_screen
        assert export is not None
        window.show_screen(window.index_of(export))
        grab("es-export-sign.png")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
