"""Participants you can fix: edit, remove (after asking), merge two entries of one person,
and the question an import asks when it brings someone who is already here."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from navtool_desktop.core.records import Cycle, District, Participant, Rating
from navtool_desktop.exchange import export_bundle, import_paths
from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui import messages
from navtool_desktop.ui.cycle_dialogs import MergeParticipantDialog, ParticipantDialog
from navtool_desktop.ui.cycles_screen import CyclesScreen
from navtool_desktop.ui.exchange_screen import ExchangeScreen


@pytest.fixture
def store(repo: Repository) -> DistrictStore:
    return repo.create_district(District(name="Pine Ridge USD"))


@pytest.fixture
def cycle(store: DistrictStore, pack: Pack) -> Cycle:
    cycle = Cycle(title="Fall retreat", date="2026-10-01", framework_id=pack.id,
                  framework_version=pack.version)
    store.create_cycle(cycle)
    return cycle


def _rows(screen: CyclesScreen) -> list[str]:
    return [screen.participants.item(r).text() for r in range(screen.participants.count())]


def _choose(screen: CyclesScreen, text: str) -> None:
    rows = _rows(screen)
    screen.participants.setCurrentRow(rows.index(text))


def _answer(monkeypatch: pytest.MonkeyPatch, yes: bool) -> list[str]:
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask", lambda _p, _t, text, **_kw: asked.append(text) or yes)
    return asked


def _dialogs(monkeypatch: pytest.MonkeyPatch, fill: object) -> None:
    """Run every dialog's ``fill`` instead of showing it, then accept it."""
    def exec_(dialog: QDialog) -> int:
        fill(dialog)  # type: ignore[operator]
        return QDialog.DialogCode.Accepted.value

    for cls in (ParticipantDialog, MergeParticipantDialog):
        monkeypatch.setattr(cls, "exec", exec_)


def test_a_learner_entered_as_leader_is_corrected_with_f2(
        qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle,
        monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = store.save_participant(cycle.id, Participant(code="L-07", role_group="leader"))
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    assert _rows(screen) == ["L-07  ·  Leader"]

    def fill(dialog: ParticipantDialog) -> None:
        assert dialog.windowTitle() == "Edit participant" and dialog.code.text() == "L-07"
        assert dialog.role.currentData() == "leader"  # shows what is saved
        dialog.role.setCurrentIndex(dialog.role.findData("learner"))

    _dialogs(monkeypatch, fill)
    screen.participants.setFocus()
    qtbot.keyClick(screen.participants, Qt.Key.Key_F2)
    assert _rows(screen) == ["L-07  ·  Learner"]
    saved = store.cycle(cycle.id).participants[wrong.id]  # the same person, a new version
    assert saved.role_group == "learner" and saved.version > wrong.version


def test_removing_asks_first_and_leaves_a_tombstone(
        qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle,
        monkeypatch: pytest.MonkeyPatch) -> None:
    jo = store.save_participant(cycle.id, Participant(name="Jo", role_group="educator"))
    store.save_participant(cycle.id, Participant(name="Sam", role_group="educator"))
    store.save_rating(cycle.id, Rating(participant_id=jo.id, competency_id=pack.competencies[0].id,
                                       level="developing"))
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    _choose(screen, "Jo  ·  Educator")
    asked = _answer(monkeypatch, False)
    screen.participants.setFocus()
    qtbot.keyClick(screen.participants, Qt.Key.Key_Delete)
    assert "Jo" in asked[0] and "1 ratings" in asked[0]
    assert jo.id in store.cycle(cycle.id).participants  # "no" keeps Jo
    _answer(monkeypatch, True)
    qtbot.mouseClick(screen.remove_participant_button, Qt.MouseButton.LeftButton)
    assert _rows(screen) == ["Sam  ·  Educator"]
    data = store.cycle(cycle.id)
    assert jo.id in data.tombstones and not data.ratings


def test_two_entries_of_one_person_are_merged_after_asking_where_they_differ(
        qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle,
        monkeypatch: pytest.MonkeyPatch) -> None:
    comps = [c.id for c in pack.competencies[:2]]
    rosa = store.save_participant(cycle.id, Participant(name="Rosa Martínez", role_group="educator"))
    again = store.save_participant(cycle.id, Participant(name="Rosa Martínez", role_group="educator"))
    store.save_participant(cycle.id, Participant(name="Ana", role_group="leader"))
    store.save_rating(cycle.id, Rating(participant_id=rosa.id, competency_id=comps[0], level="developing"))
    store.save_rating(cycle.id, Rating(participant_id=again.id, competency_id=comps[0], level="refining"))
    store.save_rating(cycle.id, Rating(participant_id=again.id, competency_id=comps[1], level="refining"))
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    screen.participants.setCurrentRow(_rows(screen).index("Rosa Martínez  ·  Educator"))
    keep = screen.participants.currentItem().data(Qt.ItemDataRole.UserRole)
    drop = again.id if keep == rosa.id else rosa.id

    def fill(dialog: MergeParticipantDialog) -> None:
        # the look-alike is offered first
        assert dialog.people.item(0).text() == "Rosa Martínez  ·  Educator"
        assert dialog.chosen() == drop

    _dialogs(monkeypatch, fill)
    asked = _answer(monkeypatch, True)
    qtbot.mouseClick(screen.merge_participant_button, Qt.MouseButton.LeftButton)
    assert "differ on 1 competencies" in asked[0] and "Refining" in asked[0]
    assert _rows(screen) == ["Ana  ·  Leader", "Rosa Martínez  ·  Educator"]
    data = store.cycle(cycle.id)
    assert {r.competency_id: r.level for r in data.ratings.values() if r.participant_id == keep} == {
        comps[0]: "refining", comps[1]: "refining"}  # every rating kept; the newer of the pair
    assert drop in data.tombstones


def test_an_import_that_brings_the_same_person_asks_and_merges(
        qtbot: QtBot, pack: Pack, data_dir: Path, tmp_path: Path) -> None:
    with Repository(data_dir) as repo:
        store = repo.create_district(District(name="Pine Ridge USD"))
        cycle = store.create_cycle(Cycle(title="Fall retreat", date="2026-10-01",
                                         framework_id=pack.id, framework_version=pack.version)).cycle
        export_bundle(store, pack, "cycle", tmp_path / "start.navtool", cycle_id=cycle.id, answers=True,
                      unprotected_ok=True)
        maria = store.save_participant(cycle.id, Participant(name="Maria", role_group="learner"))
        with Repository(tmp_path / "b") as other:
            import_paths(other, pack, [tmp_path / "start.navtool"])
            theirs = other.open_district(store.id)
            twin = theirs.save_participant(cycle.id, Participant(name="Maria", role_group="learner"))
            theirs.save_rating(cycle.id, Rating(participant_id=twin.id,
                                                competency_id=pack.competencies[0].id,
                                                level="developing"))
            export_bundle(theirs, pack, "cycle", tmp_path / "b.navtool", cycle_id=cycle.id, answers=True,
                          unprotected_ok=True)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        asked: list[str] = []
        screen.confirm = lambda _title, text: asked.append(text) or True  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.imported, timeout=20000):
            screen.start_import(tmp_path / "b.navtool")
        assert len(asked) == 1 and "Maria  ·  Learner" in asked[0] and "same person" in asked[0]
        data = store.cycle(cycle.id)
        assert list(data.participants) == [maria.id] and twin.id in data.tombstones
        assert [r.participant_id for r in data.ratings.values()] == [maria.id]
        assert "Merged 1 participant" in screen.summary_view.toPlainText()
        assert screen.person_box.count() == 1


