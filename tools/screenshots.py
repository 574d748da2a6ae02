"""Save screenshots of the app's screens to docs/screenshots/, on the demo district.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [OUT_DIR] [--framework]
    xvfb-run -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python tools/screenshots.py docs/screenshots/xvfb-1366x768

--framework saves only the framework browser's pictures. Offscreen, the window is 1280x800;
on a real (or virtual, Xvfb) display it fills the screen's available area, as a maximised
window would, and each picture is the whole screen as a person would see it.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from navtool_desktop.core.demo import generate
from navtool_desktop.storage.demo import save_demo
from navtool_desktop.storage.repository import Repository
from navtool_desktop.ui.app import apply_style, load_default_pack
from navtool_desktop.ui.main_window import MainWindow


def export_sign_screens(app: QApplication, window: MainWindow, tmp: Path, grab: Callable[[str], None]) -> None:
    """Export and Sign with two signers of the demo district, then a check of the signed plan."""
    from PySide6.QtCore import QEventLoop

    from navtool_desktop.reports.data import default_signers, load_plan
    from navtool_desktop.reports.plan import render_plan
    from navtool_desktop.reports.signed import sign_rendered, with_signer

    export = window.export_screen
    assert export is not None
    export.signing_dir = tmp / "signing"  # never the real data folder
    assert window.store is not None
    district = window.store.profile.name
    superintendent, chair = (s.name or s.role for s in default_signers(window.store.profile))
    usb = tmp / "usb"
    usb.mkdir()
    passphrase, root_passphrase = "demo passphrase", "demo root passphrase"
    first = export.folder.create_identity(superintendent, "Superintendent", district, passphrase,
                                          new_root=usb / "district-root.p12", root_passphrase=root_passphrase)
    export.folder.create_identity(chair, "Board chair", district, passphrase,
                                  existing_root=usb / "district-root.p12", root_passphrase=root_passphrase)
    window.show_screen(window.index_of(export))
    export.refresh_identities(select=first.p12)
    export.status.setText("Saved to strategic-plan-signed.pdf")  # no path of this machine in a picture
    export.folder_note.setText(export.folder_note.text().replace(str(tmp), "\u2026"))
    grab("export-sign.png")

    identity = export.folder.load(first, passphrase)
    data, slot = with_signer(load_plan(window.store, window.pack), identity)
    signed = tmp / "strategic-plan-signed.pdf"
    signed.write_bytes(sign_rendered(render_plan(window.pack, data).pdf, identity, slot, district))
    loop = QEventLoop()
    export.verified.connect(lambda _report: loop.quit())
    export.verify_file(signed)
    loop.exec()
    grab("verify.png")


def framework_screens(window: MainWindow, grab: Callable[[str], None]) -> None:
    """The framework browser: pages, level meanings, resources, glossary, search."""
    browser = window.browser
    browser.show_item("culture")
    grab("framework-condition.png")
    browser.show_item("learner-supports")
    grab("framework-condition-resources.png")
    browser.show_item("agency.voice")
    grab("framework-competency.png")
    browser.show_item("learner-supports.equity-and-access")
    grab("framework-level-meanings.png")
    browser.follow_link("glossary:learning-community")
    grab("framework-glossary.png")
    browser.show_item("about")
    grab("framework-at-a-glance.png")
    browser.focus_search()
    browser.search_box.setText("PDSA")
    browser._open_first_hit()
    grab("framework-search.png")
    browser.search_box.clear()


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_style(app)
    pack = load_default_pack()
    with tempfile.TemporaryDirectory() as tmp, Repository(Path(tmp)) as repo:
        store = save_demo(repo, generate(pack), backup=False)
        window = MainWindow(pack, store)
        on_screen = app.platformName() != "offscreen"
        screen = app.primaryScreen()
        if on_screen:
            window.setGeometry(screen.availableGeometry())
        else:
            window.resize(1280, 800)
        window.show()
        app.processEvents()

        def grab(name: str) -> None:
            app.processEvents()
            picture = screen.grabWindow(0) if on_screen else window.grab()
            picture.save(str(out / name))
            print(out / name)

        framework_screens(window, grab)
        if "--framework" in sys.argv:
            window.close()
            return 0

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
        cycles.finish_rating()  # hand over, so the other screens open again
        cycles.back_to_overview()

        # Consensus and Results: a competency with low agreement, then the projector view
        consensus = window.consensus
        assert consensus is not None and consensus.results is not None
        window.show_screen(window.index_of(consensus))
        flagged = next((n for n, c in enumerate(consensus.results.competencies)
                        if c.overall.low_agreement), 0)
        consensus.go_to(flagged)
        grab("consensus-view.png")
        consensus.set_presentation(True)
        if not on_screen:
            window.showNormal()  # offscreen "full screen" is 800x800: show it at projector size
            window.resize(1280, 800)
        app.processEvents()
        grab("consensus-presentation.png")
        consensus.set_presentation(False)
        if on_screen:
            window.showNormal()
            window.setGeometry(screen.availableGeometry())
        else:
            window.resize(1280, 800)
        results = window.results_screen
        assert results is not None
        window.show_screen(window.index_of(results))
        results.tabs.setCurrentIndex(0)
        grab("results-heatmap.png")
        results.tabs.setCurrentIndex(1)
        grab("results-equity.png")

        # Set Goals and Learn and Improve on the newest plan, seen in the middle of its period
        plan_screen, improve = window.plan_screen, window.improve
        assert plan_screen is not None and improve is not None
        mid_period = date(2025, 2, 10)
        plan_screen.today = improve.today = lambda: mid_period
        window.show_screen(window.index_of(plan_screen))
        plan_screen.tabs.setCurrentIndex(0)
        grab("set-goals-priorities.png")
        plan_screen.tabs.setCurrentIndex(1)
        plan_screen.actions.setCurrentIndex(plan_screen.action_model.index(0, 0))
        grab("set-goals-plan.png")
        plan_screen.tabs.setCurrentIndex(2)
        grab("plan-timeline.png")
        window.show_screen(window.index_of(improve))
        improve.tabs.setCurrentIndex(1)
        improve.growth_list.setCurrentRow(2)
        grab("improve-growth.png")
        export_sign_screens(app, window, Path(tmp), grab)
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
