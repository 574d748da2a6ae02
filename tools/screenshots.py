"""Save screenshots of the app's screens to docs/screenshots/ (run with QT_QPA_PLATFORM=offscreen).

    .venv/bin/python tools/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from navtool_desktop.ui.app import apply_style, load_default_pack
from navtool_desktop.ui.main_window import MainWindow


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_style(app)
    window = MainWindow(load_default_pack())
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
