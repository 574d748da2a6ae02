"""Save screenshots of the app's screens to docs/screenshots/, on the demo district.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from navtool_desktop.core.demo import generate
from navtool_desktop.storage.demo import save_demo
from navtool_desktop.storage.repository import Repository
from navtool_desktop.ui.app import apply_style, load_default_pack
from navtool_desktop.ui.main_window import MainWindow


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_style(app)
    pack = load_default_pack()
    with tempfile.TemporaryDirectory() as tmp, Repository(Path(tmp)) as repo:
        store = save_demo(repo, generate(pack), backup=False)
        window = MainWindow(pack, store)
        window.resize(1280, 800)
        window.show()
        app.processEvents()

        def grab(name: str) -> None:
            app.processEvents()
            window.grab().save(str(out / name))
            print(out / name)

        browser = window.browser
        browser.show_item("culture")
        grab("framework-condition.png")
        browser.show_item("culture.relationships")
        grab("framework-competency.png")
        browser.focus_search()
        browser.search_box.setText("PDSA")
        browser._open_first_hit()
        grab("framework-search.png")

        window.show_screen(1)
        grab("shared-vision.png")
        cycles = window.cycles
        assert cycles is not None
        window.show_screen(2)
        grab("reflect-cycle.png")
        cycles.start_rating()
        assert cycles.rating_panel is not None
        cycles.rating_panel.go_to(4)
        grab("reflect-rating.png")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
