"""Save the privacy screenshots to docs/screenshots/: the Consensus screen and a report page with a hidden pair.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/privacy_screenshots.py [OUT_DIR]

On the demo district: its latest cycle has 2 leaders, so the leaders and the next-smallest
group (the community members) are hidden together.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from navtool_desktop.core.demo import generate
from navtool_desktop.reports.data import load_report
from navtool_desktop.reports.report import render_report
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
        consensus = window.consensus
        assert consensus is not None and consensus.results is not None
        print("hidden:", consensus.results.disclosure.hidden_groups)
        window.show_screen(window.index_of(consensus))
        consensus.go_to(1)
        app.processEvents()
        window.grab().save(str(out / "privacy-consensus.png"))
        results = window.results_screen
        assert results is not None
        window.show_screen(window.index_of(results))
        results.tabs.setCurrentIndex(1)
        app.processEvents()
        window.grab().save(str(out / "privacy-equity.png"))
        window.close()
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(render_report(pack, load_report(store, pack, today=date(2025, 6, 20))))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        page = next(n for n, body in enumerate(text.split("\f"), 1) if "Hidden to protect" in body)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(out / "privacy-report")], check=True)
        print(out / "privacy-consensus.png", out / "privacy-equity.png", out / "privacy-report.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
