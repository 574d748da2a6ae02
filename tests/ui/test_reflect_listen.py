"""Shared Vision and Reflect and Listen, driven like a facilitator at a retreat would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_pass_the_laptop import take_turn
from tinydb import TinyDB

from navtool_desktop.core.records import Cycle, District, Participant, Tally
from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui import messages
from navtool_desktop.ui.cycles_screen import CyclesScreen
from navtool_desktop.ui.main_window import MainWindow
from navtool_desktop.ui.vision_screen import VisionScreen

KEYS = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_0]
LEVEL_OF_KEY = ["establishing", "developing", "operationalizing", "refining", "not_sure"]


@pytest.fixture
def store(repo: Repository) -> DistrictStore:
    return repo.create_district(District(name="Pine Ridge USD", state="Montana"))


@pytest.fixture
def cycle(store: DistrictStore, pack: Pack) -> Cycle:
    cycle = Cycle(title="Fall retreat", date="2026-10-01", framework_id=pack.id,
                  framework_version=pack.version)
    store.create_cycle(cycle)
    store.save_participant(cycle.id, Participant(name="Ana Peña", role_group="educator"))
    store.save_participant(cycle.id, Participant(code="L-07", role_group="learner"))
    return cycle


def cycle_file(data_dir: Path, store: DistrictStore, cycle: Cycle) -> Path:
    return data_dir / "districts" / store.id / "cycles" / f"{cycle.id}.json"


def select_participant(screen: CyclesScreen, label: str) -> None:
    for row in range(screen.participants.count()):
        if screen.participants.item(row).text().startswith(label):
            screen.participants.setCurrentRow(row)
            return
    raise AssertionError(f"{label} not listed")


def test_vision_is_saved_as_you_type(qtbot: QtBot, store: DistrictStore, data_dir: Path) -> None:
    screen = VisionScreen(store)
    qtbot.addWidget(screen)
    screen.show()
    screen.vision.setFocus()
    with qtbot.waitSignal(screen.saved, timeout=3000) as blocker:
        qtbot.keyClicks(screen.vision, "Every learner leaves ready & curious <always>.")
    assert screen.status.text() == "Saved"
    assert blocker.args[0].vision == "Every learner leaves ready & curious <always>."
    on_disk = TinyDB(data_dir / "districts" / store.id / "district.json", access_mode="r")
    profile = next(iter(on_disk.table("district").all()))
    on_disk.close()
    assert profile["vision"] == "Every learner leaves ready & curious <always>."


def test_vision_refuses_an_empty_name_and_keeps_the_old_one(qtbot: QtBot, store: DistrictStore) -> None:
    screen = VisionScreen(store)
    qtbot.addWidget(screen)
    screen.name.clear()
    screen.save_now()
    assert "needs a name" in screen.status.text()
    assert store.profile.name == "Pine Ridge USD"


def test_rate_all_thirty_competencies_by_keyboard(
    qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle, data_dir: Path
) -> None:
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    qtbot.waitActive(screen)
    select_participant(screen, "Ana Peña")
    screen.participants.setFocus()
    qtbot.keyClick(screen.participants, Qt.Key.Key_Return)  # "Who is rating?"
    take_turn(qtbot, screen, "Ana")
    panel = screen.rating_panel
    assert panel is not None
    qtbot.waitUntil(panel.hasFocus)
    for n in range(30):  # one key per competency, and nothing else
        qtbot.keyClick(panel, KEYS[n % 5])
    # evidence and a note on the first competency, still by keyboard
    qtbot.keyClick(panel, Qt.Key.Key_Home)  # ignored key: nothing happens
    for _ in range(29):
        qtbot.keyClick(panel, Qt.Key.Key_K)
    assert panel.current_row == 0
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.keyClick(panel, Qt.Key.Key_Space)
    qtbot.keyClick(panel, Qt.Key.Key_N)
    qtbot.keyClicks(panel.note, "Strong at the high school")
    qtbot.keyClick(panel.note, Qt.Key.Key_Escape)
    assert panel.rated_count() == 30

    raw = json.loads(cycle_file(data_dir, store, cycle).read_text(encoding="utf-8"))
    ratings = list(raw["ratings"].values())
    assert len(ratings) == 30
    by_comp = {r["competency_id"]: r for r in ratings}
    for n, comp in enumerate(pack.competencies):
        assert by_comp[comp.id]["level"] == LEVEL_OF_KEY[n % 5]
    first = by_comp[pack.competencies[0].id]
    second_practice = [p.id for cell in pack.competencies[0].levels for p in cell.practices][1]
    assert first["practices"] == [second_practice]
    assert first["note"] == "Strong at the high school"
    TinyDB(cycle_file(data_dir, store, cycle), access_mode="r").close()


def test_pass_the_laptop_hides_the_previous_participants_ratings(
    qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle
) -> None:
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    select_participant(screen, "Ana Peña")
    screen.start_rating()
    first = screen.rating_panel
    assert first is not None
    for _ in range(5):
        qtbot.keyClick(first, Qt.Key.Key_3)
    qtbot.mouseClick(first.done_button, Qt.MouseButton.LeftButton)
    assert screen.pages.currentWidget() is screen.handover
    assert "5 ratings saved" in screen.handover_text.text()
    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)
    select_participant(screen, "L-07")
    screen.start_rating()
    second = screen.rating_panel
    assert second is not None and second is not first
    assert second.ratings == {} and second.rated_count() == 0
    assert not any(b.isChecked() for b in second.level_buttons.values())
    assert "—" not in "".join(second.list.item(r).text() for r in range(second.list.count()))
    # the learner sees learner questions, not the adults' ones
    assert screen.questions is not None
    learners_q = pack.conditions[0].questions["learners"][0].text
    adults_q = pack.conditions[0].questions["educators_leaders_community"][0].text
    texts = [screen.questions.body.itemAt(i).widget().text()
             for i in range(screen.questions.body.count())
             if screen.questions.body.itemAt(i).widget() is not None
             and hasattr(screen.questions.body.itemAt(i).widget(), "text")
             and not hasattr(screen.questions.body.itemAt(i).widget(), "toPlainText")]
    assert learners_q in texts and adults_q not in texts
    # the Equity questions are written for district staff, not for learners
    equity_q = pack.conditions[0].questions["equity"][0].text
    assert equity_q not in texts


def test_guiding_question_answers_are_saved(
    qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle
) -> None:
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    select_participant(screen, "L-07")
    screen.start_rating()
    assert screen.questions is not None
    qid = pack.conditions[0].questions["learners"][0].id
    edit = screen.questions._edits[qid]
    qtbot.keyClicks(edit, "It means we all own it.")
    screen.finish_rating()
    answers = [r for r in store.cycle(cycle.id).responses.values() if r.question_id == qid]
    assert [a.text for a in answers] == ["It means we all own it."]


def test_tally_dialog_records_counts_as_tallies(
    qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle
) -> None:
    from navtool_desktop.ui.cycle_dialogs import TallyDialog

    dialog = TallyDialog(pack, [c.id for c in pack.competencies], [])
    qtbot.addWidget(dialog)
    dialog.competency.setCurrentIndex(2)
    dialog.spins[("community_member", "developing")].setValue(7)
    dialog.spins[("community_member", "not_sure")].setValue(2)
    tallies = dialog.tallies()
    assert [(t.role_group, t.counts["developing"], t.counts["not_sure"]) for t in tallies] == [
        ("community_member", 7, 2)]
    for t in tallies:
        store.save_tally(cycle.id, t)
    saved = list(store.cycle(cycle.id).tallies.values())
    assert saved[0].competency_id == pack.competencies[2].id and isinstance(saved[0], Tally)
    assert len(store.cycle(cycle.id).participants) == 2  # no fake people


def test_new_cycle_with_some_conditions(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    from navtool_desktop.ui.cycle_dialogs import NewCycleDialog

    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    assert screen.right.currentWidget() is screen.empty
    dialog = NewCycleDialog(pack)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title, "Spring check-in")
    dialog.some_conditions.setChecked(True)
    dialog.accept()
    cycle = dialog.cycle()
    assert cycle.scope == ("shared-vision", "culture", "agency", "transparency")
    screen.create_cycle(cycle)
    assert store.get_cycle(cycle.id).title == "Spring check-in"
    assert "Shared Vision, Culture, Agency, Transparency" in screen.cycle_info.text()


def test_closed_cycle_cannot_be_rated(qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(messages, "ask", lambda _p, _t, text, **_kw: asked.append(text) or answer[0])
    screen.toggle_closed()
    assert store.get_cycle(cycle.id).status == "closed" and asked == []  # closing asks nothing
    assert not screen.rate_button.isEnabled()
    assert not screen.edit_participant_button.isEnabled()
    screen.toggle_closed()  # reopening is explicit: asked, and "no" keeps it closed
    assert store.get_cycle(cycle.id).status == "closed" and "Reopen" in asked[0]
    answer[0] = True
    screen.toggle_closed()
    assert store.get_cycle(cycle.id).status == "open"


def test_main_window_with_a_district_has_the_cycle_screens(
    qtbot: QtBot, pack: Pack, store: DistrictStore
) -> None:
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert names[:3] == ["Framework", "Shared Vision", "Reflect and Listen"]
    assert "Pine Ridge USD" in window.windowTitle()


def test_tally_counts_survive_switching_competency(
    qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle
) -> None:
    from navtool_desktop.ui.cycle_dialogs import TallyDialog

    dialog = TallyDialog(pack, [c.id for c in pack.competencies], [])
    qtbot.addWidget(dialog)
    dialog.spins[("educator", "establishing")].setValue(3)
    dialog.spins[("educator", "not_sure")].setValue(2)
    dialog.competency.setCurrentIndex(1)
    assert dialog.spins[("educator", "establishing")].value() == 0  # a clean grid for the next one
    dialog.spins[("leader", "developing")].setValue(4)
    dialog.competency.setCurrentIndex(0)
    assert dialog.spins[("educator", "establishing")].value() == 3  # what was typed is still there
    dialog.competency.setCurrentIndex(1)
    found = {(t.competency_id, t.role_group): t.counts for t in dialog.tallies()}
    assert found == {
        (pack.competencies[0].id, "educator"): {"establishing": 3, "developing": 0, "operationalizing": 0,
                                                "refining": 0, "not_sure": 2},
        (pack.competencies[1].id, "leader"): {"establishing": 0, "developing": 4, "operationalizing": 0,
                                              "refining": 0, "not_sure": 0},
    }


def test_rating_is_private_and_finished_by_keyboard(
    qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle
) -> None:
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    screen = window.cycles
    assert screen is not None
    window.show_screen(window.index_of(screen))
    select_participant(screen, "Ana Peña")
    screen.start_rating()
    panel = screen.rating_panel
    assert panel is not None
    assert not window.nav.isEnabled()  # no way to the consensus view (everyone's votes) ...
    assert not any(a.isEnabled() for a in window._screen_actions)  # ... not even by Ctrl+4
    qtbot.waitUntil(panel.hasFocus)
    qtbot.keyClick(panel, Qt.Key.Key_2)
    qtbot.keyClick(panel, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # "I'm &done"
    assert screen.pages.currentWidget() is screen.handover
    qtbot.keyClick(screen.next_button, Qt.Key.Key_Return)  # the next person: who is rating?
    assert screen.turn_step is not None and not window.nav.isEnabled()
    qtbot.keyClick(screen.turn_step, Qt.Key.Key_Escape)  # the facilitator takes the laptop back
    assert screen.pages.currentIndex() == 0 and window.nav.isEnabled()


def test_an_unrated_competency_shows_no_level_and_evidence_can_come_first(
    qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle
) -> None:
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    select_participant(screen, "Ana Peña")
    screen.start_rating()
    panel = screen.rating_panel
    assert panel is not None
    qtbot.keyClick(panel, Qt.Key.Key_3)  # rates the first one, moves to the second
    assert panel.current_row == 1
    assert not any(b.isChecked() for b in panel.level_buttons.values())
    assert "not rated yet" in panel.list.item(1).text()
    qtbot.keyClick(panel, Qt.Key.Key_Space)  # evidence before a level: kept
    first_practice = panel.practices.item(0).data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(panel, Qt.Key.Key_2)
    saved = store.cycle(cycle.id).rating_for(panel.participant_id, pack.competencies[1].id)
    assert saved is not None and saved.level == "developing" and saved.practices == (first_practice,)


def test_a_note_is_saved_after_a_pause_in_typing(
    qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle
) -> None:
    screen = CyclesScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    qtbot.waitActive(screen)
    select_participant(screen, "Ana Peña")
    screen.start_rating()
    panel = screen.rating_panel
    assert panel is not None
    panel.auto_advance.setChecked(False)
    qtbot.keyClick(panel, Qt.Key.Key_1)
    qtbot.keyClick(panel, Qt.Key.Key_N)
    qtbot.waitUntil(panel.note.hasFocus)
    qtbot.keyClicks(panel.note, "Only at the middle school")
    comp = pack.competencies[0].id

    def saved_note() -> str:
        rating = store.cycle(cycle.id).rating_for(panel.participant_id, comp)
        return rating.note if rating else ""

    qtbot.waitUntil(lambda: saved_note() == "Only at the middle school", timeout=5000)  # no Esc pressed


def test_rating_shows_what_every_level_means(qtbot: QtBot, pack: Pack) -> None:
    from navtool_desktop.ui.rating_entry import RatingPanel

    panel = RatingPanel(pack, ["agency.voice"], "p1")
    qtbot.addWidget(panel)
    shown = panel.levels_view.toPlainText()
    for level in ("establishing", "developing", "operationalizing", "refining"):
        meaning = pack.stage(level).meaning
        assert meaning in shown
        assert panel.level_buttons[level].toolTip() == meaning
        assert panel.level_buttons[level].accessibleDescription() == meaning


def test_each_phase_screen_states_its_purpose(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    for key, phase in (("vision", "shared-vision"), ("cycles", "reflect-and-listen"),
                       ("plan", "set-goals"), ("improve", "learn-and-improve")):
        host = window._screens[key]
        purpose = next(p.purpose for p in pack.phases if p.id == phase)
        assert purpose in host.purpose.text() and not host.purpose.isHidden()
    assert window._screens["consensus"].purpose.isHidden()
