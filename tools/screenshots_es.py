"""Screenshots of the app in Spanish, on the demo district, to look at the translation in place.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots_es.py [OUT_DIR]

Saves the rating screen, the handover, a condition page, the Export and Sign and Reflect and
Listen screens and the keyboard help (a 1280x720 laptop's window, less its title bar and panel),
and pages of the Spanish rating sheets (full and compact, drawn with poppler's ``pdftoppm``)
to docs/translation/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QTextBrowser

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

    if os.environ.get("QT_QPA_PLATFORM", "") == "offscreen":  # a laptop's 1280x720 screen, not Qt's 800x600
        screen = Path(tempfile.mkdtemp()) / "screen.json"
        screen.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 720,
                                                   "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen}"
    app = QApplication(sys.argv[:1])
    apply_style(app)
    install_qt_translation(app)
    pack = load_default_pack()
    with tempfile.TemporaryDirectory() as tmp, Repository(Path(tmp)) as repo:
        store = save_demo(repo, generate(pack), backup=False)
        window = MainWindow(pack, store)
        window.resize(1280, 720 - 48)  # the window manager's title bar and panel take the rest
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
        window.show_screen(window.index_of(cycles))
        grab("es-reflect-listen.png")
        help_text = QTextBrowser()
        help_text.setHtml(window.shortcuts_text())
        help_text.resize(640, 672)
        help_text.show()
        app.processEvents()
        help_text.grab().save(str(out / "es-keyboard-help.png"))
        print(out / "es-keyboard-help.png")
        help_text.close()
        sheets(pack, store, out)
        window._close_confirmed = True
        window.close()
    return 0


def sheets(pack: object, store: object, out: Path) -> None:
    """The first competency's page of the full rating sheet, and the compact sheet's first page."""
    from navtool_desktop.reports.sheet import render_rating_sheet

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm (poppler-utils) is not installed: no rating sheet pages", file=sys.stderr)
        return
    cycle = max(store.cycles(), key=lambda c: c.date)  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as tmp:
        for name, compact, page in (("es-rating-sheet-page", False, 2), ("es-rating-sheet-compact", True, 1)):
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(render_rating_sheet(pack, store.profile, cycle, compact=compact))  # type: ignore[arg-type,attr-defined]
            subprocess.run([pdftoppm, "-png", "-r", "90", "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdf), str(out / name)], check=True)
            print(out / f"{name}.png")


if __name__ == "__main__":
    sys.exit(main())
