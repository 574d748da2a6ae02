"""One save path: a screen shows only what the store accepted, and nothing typed is lost on close.

Each test drives real screens on a real district in a temporary folder; a refused save is a
real ``StoreWriteError`` from the store's own method, or a district opened read-only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_pass_the_laptop import take_turn

from navtool_desktop.core.records import Cycle, District, Participant, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage.errors import StoreWriteError
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui import messages
from navtool_desktop.ui.cycles_screen import CyclesScreen
from navtool_desktop.ui.main_window import MainWindow

DISK_FULL = "The disk is full, so your last change was not saved. Earlier work is safe."


@pytest.fixture
def store(repo: Repository) -> DistrictStore:
    return repo.create_district(District(name="Pine Ridge USD", state="Montana"))


@pytest.fixture
def cycle(store: DistrictStore, pack: Pack) -> Cycle:
    cycle = Cycle(title="Fall retreat", date="2026-10-01", framework_id=pack.id,
                  framework_version=pack.version)
    store.create_cycle(cycle)
    store.save_participant(cycle.id, Participant(name="Ana Peña", role_group="educator"))
    return cycle


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every warning or error dialog the screens would show, as (title, text)."""
    seen: list[tuple[str, str]] = []
    for name in ("warn", "error"):
        monkeypatch.setattr(messages, name, lambda _p, title, text: seen.append((title, text)))
    return seen


def ana_id(store: DistrictStore, cycle: Cycle) -> str:
    return next(iter(store.cycle(cycle.id).participants))


def rate_as_ana(qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle) -> None:
    screen.participants.setCurrentRow(0)
    screen.participants.setFocus()
    qtbot.keyClick(screen.participants, Qt.Key.Key_Return)  # "Who is rating?"
    take_turn(qtbot, screen, "Ana")


def on_disk(data_dir: Path, store: DistrictStore, cycle: Cycle) -> list[dict[str, str]]:
    path = data_dir / "districts" / store.id / "cycles" / f"{cycle.id}.json"
    return list(json.loads(path.read_text(encoding="utf-8"))["ratings"].values())


def test_a_refused_rating_does_not_look_saved(qtbot: QtBot, pack: Pack, store: DistrictStore,
                                              cycle: Cycle, data_dir: Path,
                                              dialogs: list[tuple[str, str]],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    rate_as_ana(qtbot, screen, store, cycle)
    panel = screen.rating_panel
    assert panel is not None

    def full(*_args: object) -> Rating:
        raise StoreWriteError(DISK_FULL)

    monkeypatch.setattr(store, "save_rating", full)
    for key in (Qt.Key.Key_3, Qt.Key.Key_2, Qt.Key.Key_1):
        qtbot.keyClick(panel, key)
    assert on_disk(data_dir, store, cycle) == []
    assert panel.rated_count() == 0
    assert panel.progress.text() == "0 of 30 rated"
    assert not any(b.isChecked() for b in panel.level_buttons.values())
    assert panel.list.item(0).text().endswith("not rated yet")
    assert panel.current_row == 0  # a refused level does not move on to the next competency
    assert dialogs == [("Not saved", DISK_FULL)]  # one dialog for the burst, not one per key
    assert DISK_FULL in panel.help.text()  # the rest of the burst is said on the panel

    monkeypatch.undo()  # the disk has room again: the next key saves, and says so
    qtbot.keyClick(panel, Qt.Key.Key_3)
    assert [r["level"] for r in on_disk(data_dir, store, cycle)] == ["operationalizing"]
    assert panel.rated_count() == 1 and panel.current_row == 1


def test_a_read_only_district_opens_no_rating(qtbot: QtBot, pack: Pack, store: DistrictStore,
                                              cycle: Cycle, data_dir: Path,
                                              dialogs: list[tuple[str, str]]) -> None:
    with Repository(data_dir, read_only=True) as reader:
        readonly = reader.open_district(store.id, auto_backup=False)
        screen = CyclesScreen(pack, readonly)
        qtbot.addWidget(screen)
        screen.participants.setCurrentRow(0)
        qtbot.keyClick(screen.participants, Qt.Key.Key_Return)  # Enter on a participant
        assert screen.rating_panel is None and screen.turn_step is None
        screen.start_rating(ana_id(store, cycle))  # and a double-click
        assert screen.rating_panel is None
        assert dialogs == []


def test_closing_asks_before_a_rationale_without_a_level_is_lost(
        qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle,
        monkeypatch: pytest.MonkeyPatch) -> None:
    store.save_rating(cycle.id, Rating(participant_id=ana_id(store, cycle),
                                       competency_id=pack.competencies[0].id, level="developing"))
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    window.show()
    screen = window.consensus
    assert screen is not None
    window.show_screen(window.index_of(screen))
    qtbot.keyClicks(screen.rationale, "Only the high school has a data team.")
    asked: list[str] = []

    def keep_open(_parent: object, _title: str, text: str, **_kw: object) -> bool:
        asked.append(text)
        return False

    monkeypatch.setattr(messages, "ask", keep_open)
    window.close()
    assert window.isVisible()  # the person said no: nothing is lost
    assert len(asked) == 1 and "Consensus" in asked[0]
    assert screen.rationale.toPlainText() == "Only the high school has a data team."

    monkeypatch.setattr(messages, "ask", lambda *_a, **_k: True)
    window.close()
    assert not window.isVisible()


def test_a_returning_rater_sees_their_first_note_and_starts_at_the_first_unrated(
        qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle, data_dir: Path) -> None:
    """Trial finding 1: the note on competency 1 was blanked on return, then erased by a key."""
    note = "Only the high school has a data team."
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    rate_as_ana(qtbot, screen, store, cycle)
    panel = screen.rating_panel
    assert panel is not None
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_N)
    qtbot.keyClicks(panel.note, note)
    qtbot.keyClick(panel.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    for key in (Qt.Key.Key_2, Qt.Key.Key_3):
        qtbot.keyClick(panel, key)
    screen.finish_rating()
    first = pack.competencies[0].id
    assert {r["competency_id"]: r["note"] for r in on_disk(data_dir, store, cycle)}[first] == note

    screen.back_to_overview()
    rate_as_ana(qtbot, screen, store, cycle)
    panel = screen.rating_panel
    assert panel is not None
    assert panel.current_row == 2  # the first one not rated yet
    panel.go_to(0)
    assert panel.note.toPlainText() == note
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_2)  # the same level again keeps the note
    assert {r["competency_id"]: r["note"] for r in on_disk(data_dir, store, cycle)}[first] == note


def test_switching_district_asks_before_a_draft_is_lost(qtbot: QtBot, pack: Pack, repo: Repository,
                                                       store: DistrictStore, cycle: Cycle,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from navtool_desktop.ui.app import Session

    other = repo.create_district(District(name="Cedar Falls USD"))
    store.save_rating(cycle.id, Rating(participant_id=ana_id(store, cycle),
                                       competency_id=pack.competencies[0].id, level="developing"))
    session = Session(pack, repo)
    window = session.open_window(store)
    qtbot.addWidget(window)
    window.show()
    screen = window.consensus
    assert screen is not None
    window.show_screen(window.index_of(screen))
    qtbot.keyClicks(screen.rationale, "Only the high school has a data team.")
    monkeypatch.setattr(messages, "ask", lambda *_a, **_k: False)
    assert session.switch(window, other.id) is None
    assert window.isVisible() and session.window is window
    assert screen.rationale.toPlainText() == "Only the high school has a data team."
    monkeypatch.setattr(messages, "ask", lambda *_a, **_k: True)  # now let it go
    assert window.close()


def test_a_profile_the_store_refuses_is_not_let_go_on_close(qtbot: QtBot, pack: Pack, store: DistrictStore,
                                                           dialogs: list[tuple[str, str]],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    window.show()
    vision = window.vision
    assert vision is not None
    window.show_screen(window.index_of(vision))

    def full(*_args: object) -> object:
        raise StoreWriteError(DISK_FULL)

    monkeypatch.setattr(store, "save_profile", full)
    qtbot.keyClicks(vision.vision, "Every learner leaves ready.")
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask", lambda _p, _t, text, **_k: asked.append(text) or False)
    window.close()
    assert window.isVisible() and vision.pending()
    assert vision.status.text() == f"Not saved: {DISK_FULL}"
    assert dialogs == [("Not saved", DISK_FULL)] and len(asked) == 1 and "Shared Vision" in asked[0]
    monkeypatch.undo()  # room on the disk again: closing saves it, and asks nothing
    window.close()
    assert not window.isVisible() and store.profile.vision == "Every learner leaves ready."


def test_a_refused_tick_is_taken_back(qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle,
                                      dialogs: list[tuple[str, str]],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    rate_as_ana(qtbot, screen, store, cycle)
    panel = screen.rating_panel
    assert panel is not None
    panel.auto_advance.setChecked(False)
    qtbot.keyClick(panel, Qt.Key.Key_2)

    def full(*_args: object) -> Rating:
        raise StoreWriteError(DISK_FULL)

    monkeypatch.setattr(store, "save_rating", full)
    qtbot.keyClick(panel, Qt.Key.Key_Space)
    assert panel.practices.item(0).checkState() == Qt.CheckState.Unchecked
    assert store.cycle(cycle.id).rating_for(ana_id(store, cycle), pack.competencies[0].id).practices == ()
    assert panel.ratings[pack.competencies[0].id].practices == ()
