"""Every screen fits a school laptop: 1280x720 and 1366x768 at scale 1.0, 1920x1080 at 1.5.

A window shown on a screen that is too small for it is cut off: the trial (review 2026-12-01,
finding 4) lost the progress-note field and the goal reorder buttons off the bottom of a 1280x720
screen. Here each screen of a full (demo) district is shown in a window the size of the laptop's
screen less its title bar and panel; the window must not need more room than that, and each named
control must be fully visible once its scroll areas have scrolled to it.

The 1.5 case runs this file as a script in a child process with ``QT_SCALE_FACTOR=1.5`` and an
offscreen screen of 1920x1080 device pixels (Qt's offscreen ``configfile``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea, QTabWidget, QWidget

from navtool_desktop.core.records import Cycle, Participant
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui.main_window import MainWindow

#: Room a laptop's window manager takes: the title bar and a panel (openbox + tint2, GNOME, Windows).
DECORATION = 48
REPO = Path(__file__).resolve().parents[2]


def _button(root: QWidget, text: str) -> QAbstractButton:
    found = [b for b in root.findChildren(QAbstractButton) if b.text() == text]
    assert found, f"no button {text!r}"
    return found[0]


def _tab(tabs: QTabWidget, index: int) -> None:
    tabs.setCurrentIndex(index)


def _named_controls(window: MainWindow) -> Iterator[tuple[str, Callable[[], list[QWidget]]]]:
    """(screen, the controls that must be reachable on it), each built when it is shown."""
    def vision() -> list[QWidget]:
        return [window.vision.vision]

    def cycles() -> list[QWidget]:
        screen = window.cycles
        return [screen.close_button, screen.rate_button, screen.tally_button]

    def rating() -> list[QWidget]:
        screen = window.cycles
        screen.start_rating(next(iter(screen.store.cycle(screen.cycle.id).participants)))
        panel = screen.rating_panel
        assert panel is not None
        buttons = [b for b in panel.findChildren(QAbstractButton) if b.text()[:1] in list("12340")]
        return [*buttons, panel.note, panel.done_button]

    def first_person() -> str:
        screen = window.cycles
        return next(iter(screen.store.cycle(screen.cycle.id).participants))

    def who() -> list[QWidget]:  # pass the laptop: who is rating, is this you, the PIN
        screen = window.cycles
        screen.ask_who()
        step = screen.turn_step
        return [step.filter, step.list, step.choose_button, step.back_button]

    def confirm() -> list[QWidget]:
        screen = window.cycles
        screen.confirm_rater(first_person())
        step = screen.turn_step
        return [step.name, step.yes_button, step.no_button, *step.language_buttons.values()]

    def pin() -> list[QWidget]:
        screen = window.cycles
        screen.ask_pin(first_person(), screen.home_language)
        step = screen.turn_step
        return [step.pin, step.repeat, step.message, step.go_button, step.skip_button, step.back_button]

    def handover() -> list[QWidget]:
        screen = window.cycles
        screen.finish_rating()
        return [screen.handover_text, screen.next_button, screen.overview_button]

    def consensus() -> list[QWidget]:
        screen = window.consensus
        return [screen.save_button, screen.rationale, screen.present_button]

    def results() -> list[QWidget]:
        return [window.results_screen.tabs.tabBar()]

    def plan() -> list[QWidget]:
        screen = window.plan_screen
        _tab(screen.tabs, 0)  # Priorities: the reorder buttons
        return [_button(screen, _("Move up (Ctrl+Up)")), _button(screen, _("Move down (Ctrl+Down)")),
                screen.remove_button]

    def improve() -> list[QWidget]:
        notes = window.improve.notes
        return [notes.text, notes.add_button, notes.date]

    def export() -> list[QWidget]:
        screen = window.export_screen
        return [screen.sign_button, screen.compact_button, screen.add_signature_button]

    def exchange() -> list[QWidget]:
        return [b for b in window.exchange.findChildren(QAbstractButton) if b.isVisibleTo(window)]

    yield from [("Shared Vision", vision), ("Reflect and Listen", cycles), ("Consensus", consensus),
                ("Results", results), ("Set Goals", plan), ("Learn and Improve", improve),
                ("Export and Sign", export), ("Exchange", exchange), ("Reflect and Listen", who),
                ("Reflect and Listen", confirm), ("Reflect and Listen", pin), ("Reflect and Listen", rating),
                ("Reflect and Listen", handover)]


def _reveal(control: QWidget) -> None:
    """Scroll every scroll area holding the control so that it shows, innermost first, as a
    person would. (``ensureWidgetVisible`` can stop short when the scroll bar that appears
    narrows the page, longer lines wrap and the page grows: then scroll on by what is left.)"""
    parent = control.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(control, 0, 0)
            QApplication.processEvents()
            below = control.mapTo(parent.viewport(), QPoint(0, control.height())).y() - parent.viewport().height()
            if below > 0:
                bar = parent.verticalScrollBar()
                bar.setValue(bar.value() + below)
        parent = parent.parentWidget()
    QApplication.processEvents()


def _fully_visible(control: QWidget, window: QWidget) -> str:
    """Empty when the whole control shows in the window; else what is wrong."""
    if not control.isVisible():
        return "hidden"
    inside = QRect(control.mapTo(window, QPoint(0, 0)), control.size())
    if not window.rect().contains(inside):
        return f"at {inside.getRect()}, outside the window's {window.width()}x{window.height()}"
    shown = control.visibleRegion().boundingRect()
    if shown.size() != control.size():
        return f"only {shown.width()}x{shown.height()} of {control.width()}x{control.height()} shows"
    return ""


def _sideways(window: MainWindow) -> Iterator[tuple[str, int]]:
    """(tab, px) for each tab of the shown screen that is wider than the window has room for: a
    screen may scroll down, but a row of buttons that pushes it sideways hides the last ones
    (Spanish runs about 25% longer than English)."""
    page = window.screens.currentWidget()
    scroll = page.findChild(QScrollArea, "screenScroll")
    tabs = [t for t in page.findChildren(QTabWidget) if t.isVisible()][:1]
    shown = tabs[0].currentIndex() if tabs else -1
    for state in [None, *range(tabs[0].count() if tabs else 0)]:
        if state is not None:
            tabs[0].setCurrentIndex(state)
        QApplication.processEvents()
        if scroll is not None and scroll.horizontalScrollBar().maximum() > 0:
            label = f" [{tabs[0].tabText(state).replace('&', '')}]" if state is not None else ""
            yield label, scroll.horizontalScrollBar().maximum()
    if tabs:
        tabs[0].setCurrentIndex(shown)
        QApplication.processEvents()


def check_screens(window: MainWindow, width: int, height: int) -> list[str]:
    """What does not fit a ``width`` x ``height`` screen (logical pixels): empty when all fits."""
    room_w, room_h = width, height - DECORATION
    window.resize(room_w, room_h)
    window.show()
    QApplication.processEvents()
    problems: list[str] = []
    for name, controls in _named_controls(window):
        index = next(i for i in range(window.nav.count()) if window.nav.item(i).text() == _(name))
        window.show_screen(index)
        QApplication.processEvents()
        named = controls()
        problems += fit_problems(window, name, named, room_w, room_h)
        problems += [f"{name}{state}: the screen scrolls sideways by {wider} px" for state, wider in _sideways(window)]
    return problems


def fit_problems(window: QWidget, name: str, controls: list[Any], room_w: int, room_h: int) -> list[str]:
    """What on one screen (or step) does not fit ``room_w`` x ``room_h``: the window's size and
    each named control, scrolled into view, wholly inside the visible area."""
    QApplication.processEvents()
    problems = []
    hint = window.minimumSizeHint()
    if hint.width() > room_w or hint.height() > room_h:
        problems.append(f"{name}: the window needs {hint.width()}x{hint.height()}")
    if window.width() > room_w or window.height() > room_h:
        problems.append(f"{name}: the window grew to {window.width()}x{window.height()}")
    for control in controls:
        _reveal(control)
        wrong = _fully_visible(control, window)
        if wrong:
            label = control.objectName() or getattr(control, "text", lambda: "")() or type(control).__name__
            problems.append(f"{name}: {label!r} is outside the visible area ({wrong})")
    return problems


def build_district(repo: Repository, pack: Pack) -> tuple[DistrictStore, str]:
    """The demo district with an open cycle and a participant (rating can start)."""
    from navtool_desktop.core.demo import generate
    from navtool_desktop.storage.demo import save_demo

    store = save_demo(repo, generate(pack, years=1), backup=False)
    cycle = Cycle(title="Spring retreat", date="2027-03-12", framework_id=pack.id,
                  framework_version=pack.version)
    store.create_cycle(cycle)
    store.save_participant(cycle.id, Participant(name="Rosa Martínez", role_group="educator"))
    return store, cycle.id


def open_window(pack: Pack, district: tuple[DistrictStore, str], repo: Repository) -> MainWindow:
    store, cycle_id = district
    window = MainWindow(pack, store, repo=repo)
    assert window.cycles is not None
    window.cycles.reload(select=cycle_id)  # the open cycle, where rating can start
    return window


@pytest.mark.parametrize(("width", "height", "scale", "lang"),
                         [(1280, 720, "1", "en"), (1366, 768, "1", "en"), (1920, 1080, "1.5", "en"),
                          (1280, 720, "1", "es"), (1920, 1080, "1.5", "es")])
def test_every_screen_fits_a_school_laptop(tmp_path: Path, width: int, height: int,
                                           scale: str, lang: str) -> None:
    """Each size runs in its own process: Qt's screen and scale are fixed when the app starts.
    Spanish runs about 25% longer than English: it must fit the smallest screens too."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(Path(__file__)), str(tmp_path / "data"), lang],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    factor = float(scale)
    assert report["screen"] == [round(width / factor), round(height / factor)]
    assert report["problems"] == [], "\n".join(report["problems"])


def _main() -> None:
    from navtool_desktop import i18n, paths
    from navtool_desktop.framework import load_pack
    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.ui.app import apply_style, install_qt_translation

    app = QApplication(sys.argv[:1])
    paths.set_data_dir(Path(sys.argv[1]))
    i18n.set_language(sys.argv[2] if len(sys.argv) > 2 else "en")
    install_qt_translation(app)
    apply_style(app)  # the app's type sizes (11 pt and up), as on a laptop
    pack = load_localized(load_pack(paths.default_pack_dir()), i18n.language())
    repo = Repository()
    try:
        window = open_window(pack, build_district(repo, pack), repo)
        available = app.primaryScreen().availableGeometry()
        problems = check_screens(window, available.width(), available.height())
        window.cycles.finish_rating()
        window._close_confirmed = True
        window.close()
    finally:
        repo.close()
    print(json.dumps({"screen": [available.width(), available.height()], "problems": problems}))


if __name__ == "__main__":
    _main()
