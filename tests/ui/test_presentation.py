"""Consensus on a projector (F11): nothing cut off, "saved" and the keys in view.

Sizes: 1366x768 and 1920x1080 (also at 150 %), and 1280x720.

The trial (review 2026-12-01, finding 10) found the role-group bars clipped on the right, the
title cut off at the top after J, the level keys not saving, and "Not saved yet" and the keys
below the fold. Each size runs in its own process (Qt's screen is fixed when the app starts),
on a demo district with a hostile, very long note.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from test_fits_screen import DECORATION, REPO, _fully_visible, _reveal

from navtool_desktop.core.records import Participant, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui.main_window import MainWindow

HOSTILE = ("<script>alert(1)</script> \u202eevil\u202c \x07 " + "ж" * 3000)


def _district(repo: Repository, pack: Pack) -> DistrictStore:
    from navtool_desktop.core.demo import generate
    from navtool_desktop.storage.demo import save_demo

    store = save_demo(repo, generate(pack, years=1), backup=False)
    newest = sorted(store.cycles(), key=lambda c: (c.date, c.created))[-1]
    store.save_cycle(newest.replace(status="open"))
    first = pack.competencies[0].id if newest.covers(pack.competencies[0].id) else next(
        c.id for c in pack.competencies if newest.covers(c.id))
    person = store.save_participant(newest.id, Participant(name="Hostile Writer", role_group="educator"))
    store.save_rating(newest.id, Rating(participant_id=person.id, competency_id=first, level="developing",
                                        note=HOSTILE))
    return store


def _show_whole(control: QWidget) -> None:
    """Scroll so that the whole control shows (``_reveal`` shows a text box's cursor only)."""
    _reveal(control)
    parent = control.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None and parent.widget() is not None:
        top_left = control.mapTo(parent.widget(), QPoint(0, 0))
        half_w, half_h = control.width() // 2, control.height() // 2
        parent.ensureVisible(top_left.x() + half_w, top_left.y() + half_h, half_w + 1, half_h + 1)
    QApplication.processEvents()


def check_presentation(window: MainWindow, store: DistrictStore) -> list[str]:
    """What a projector of the window's screen would not show whole; empty when all shows."""
    problems: list[str] = []
    screen = window.consensus
    assert screen is not None
    window.show_screen(window.index_of(screen))
    screen.go_to(0)
    room = window.screen().geometry()
    # first the everyday view, in a window less the title bar and panel: the form stays in view too
    window.resize(room.width(), room.height() - DECORATION)
    QApplication.processEvents()
    for control in (screen.title, screen.consensus_state, screen.save_state, screen.rationale,
                    screen.save_button, screen.help, *screen.level_buttons.values()):
        wrong = _fully_visible(control, window)
        if wrong:
            label = control.objectName() or getattr(control, "text", lambda: "")() or type(control).__name__
            problems.append(f"everyday view: {label!r} is cut off ({wrong})")
    screen.set_presentation(True)
    QApplication.processEvents()
    if window.width() > room.width() or window.height() > room.height():
        problems.append(f"the window is {window.width()}x{window.height()} on {room.width()}x{room.height()}")

    def always(step: str) -> None:
        """Controls that must show without scrolling anything."""
        for name in ("breadcrumb", "title", "consensus_state", "save_state", "help", "rationale"):
            wrong = _fully_visible(getattr(screen, name), window)
            if wrong:
                problems.append(f"{step}: {name} is cut off ({wrong})")
        for level, button in screen.level_buttons.items():
            wrong = _fully_visible(button, window)
            if wrong:
                problems.append(f"{step}: the {level} button is cut off ({wrong})")

    always("first competency")
    evidence: list[QWidget] = [screen.overall_title, screen.overall_chart, screen.groups_title,
                               screen.groups_chart, screen.privacy_note, screen.median_label,
                               screen.agreement_rule, screen.written_view]
    for control in evidence:
        _show_whole(control)
        wrong = _fully_visible(control, window)
        if wrong:
            problems.append(f"{control.objectName() or type(control).__name__} is cut off ({wrong})")
    if "ж" * 100 not in screen.written_view.toPlainText() or "\u202e" in screen.written_view.toPlainText():
        problems.append("the long note is missing, or its right-to-left override is shown")
    # the level key saves at once, and says so where the room can see it
    QTest.keyClick(screen, Qt.Key.Key_3)
    QApplication.processEvents()
    cycle = screen.cycle
    assert cycle is not None
    saved = store.cycle(cycle.id).consensus.get(screen.competency_id or "")
    if saved is None or saved.level != "operationalizing":
        problems.append("key 3 did not save the team's level")
    if screen.save_state.text() != "\u2713 Saved" or "Operationalizing" not in screen.consensus_state.text():
        problems.append(f"not shown as saved: {screen.save_state.text()!r} {screen.consensus_state.text()!r}")
    always("after saving")
    for key in ("J", "K", "1-4", "Esc"):
        if key not in screen.help.text():
            problems.append(f"the keys on screen do not name {key}")
    # scrolled down on one competency, J shows the next from its top
    _show_whole(screen.written_view)
    QTest.keyClick(screen, Qt.Key.Key_J)
    QApplication.processEvents()
    if screen.current_row != 1 or screen.scroll.verticalScrollBar().value() != 0:
        problems.append("J did not show the next competency from its top")
    always("after J")
    QTest.keyClick(screen, Qt.Key.Key_Escape)
    screen.set_presentation(False)
    return problems


@pytest.mark.parametrize(("width", "height", "scale"),
                         [(1366, 768, "1"), (1920, 1080, "1"), (1280, 720, "1"), (1920, 1080, "1.5")])
def test_presentation_fits_a_projector(tmp_path: Path, width: int, height: int, scale: str) -> None:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "projector", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               PYTHONPATH=os.pathsep.join([str(REPO), str(Path(__file__).parent),
                                           os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(Path(__file__)), str(tmp_path / "data")],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["screen"] == [round(width / float(scale)), round(height / float(scale))]
    assert report["problems"] == [], "\n".join(report["problems"])


def _main() -> None:
    from navtool_desktop import paths
    from navtool_desktop.framework import load_pack
    from navtool_desktop.ui.app import apply_style

    app = QApplication(sys.argv[:1])
    apply_style(app)
    paths.set_data_dir(Path(sys.argv[1]))
    pack = load_pack(paths.default_pack_dir())
    repo = Repository()
    try:
        store = _district(repo, pack)
        window = MainWindow(pack, store, repo=repo)
        window.show()
        problems = check_presentation(window, store)
        if len(sys.argv) > 2:  # a screenshot for docs/screenshots (tools/retreat_screenshots.py)
            screen = window.consensus
            screen.go_to(0)
            screen.set_presentation(True)
            QApplication.processEvents()
            window.grab().save(sys.argv[2])
            screen.set_presentation(False)
        window._close_confirmed = True
        window.close()
    finally:
        repo.close()
    size = app.primaryScreen().geometry()
    print(json.dumps({"screen": [size.width(), size.height()], "problems": problems}))


if __name__ == "__main__":
    _main()
