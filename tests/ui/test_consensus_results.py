"""Consensus and Results screens, driven on a real repository in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from navtool_desktop.core.demo import generate
from navtool_desktop.core.records import Consensus, Cycle, District, Participant, Rating, Tally
from navtool_desktop.core.results import CycleInput, cycle_results, low_agreement_rule
from navtool_desktop.framework import Pack
from navtool_desktop.storage.demo import save_demo
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui.charts import choice_name
from navtool_desktop.ui.consensus_screen import CompetencyListModel, ConsensusScreen
from navtool_desktop.ui.main_window import MainWindow
from navtool_desktop.ui.results_screen import (
    ChangeRole,
    EquityModel,
    HeatMapModel,
    LevelRole,
    ResultsScreen,
    SourceRole,
    StatusRole,
)

COMPETENCY = "culture.relationships"


@pytest.fixture
def store(repo: Repository) -> DistrictStore:
    return repo.create_district(District(name="Pine Ridge USD", state="Montana"))


def make_cycle(store: DistrictStore, pack: Pack, title: str = "Fall retreat", when: str = "2026-10-01",
               scope: tuple[str, ...] | None = ("culture",)) -> Cycle:
    cycle = Cycle(title=title, date=when, scope=scope, framework_id=pack.id,
                  framework_version=pack.version)
    store.create_cycle(cycle)
    return cycle


def rate(store: DistrictStore, cycle: Cycle, role: str, levels: list[str],
         competency: str = COMPETENCY) -> None:
    """One new participant of ``role`` per level, each rating ``competency`` at that level."""
    for n, level in enumerate(levels):
        person = store.save_participant(cycle.id, Participant(name=f"{role} {n}", role_group=role))
        store.save_rating(cycle.id, Rating(participant_id=person.id, competency_id=competency,
                                           level=level))


def screen_on(qtbot: QtBot, pack: Pack, store: DistrictStore) -> ConsensusScreen:
    screen = ConsensusScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    return screen


def row_of(screen: ConsensusScreen, competency_id: str) -> int:
    assert screen.results is not None
    return [c.competency_id for c in screen.results.competencies].index(competency_id)


def test_consensus_and_rationale_survive_a_restart(qtbot: QtBot, pack: Pack, data_dir: Path) -> None:
    repo = Repository(data_dir)
    store = repo.create_district(District(name="Pine Ridge USD"))
    cycle = make_cycle(store, pack)
    rate(store, cycle, "educator", ["developing", "operationalizing", "operationalizing"])
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    window.show()
    screen = window.consensus
    assert screen is not None
    window.show_screen(window.index_of(screen))
    first, second = (c.competency_id for c in screen.results.competencies[:2])  # type: ignore[union-attr]
    assert screen.consensus_state.text() == "No consensus yet"
    screen.setFocus()
    qtbot.keyClick(screen, Qt.Key.Key_3)
    qtbot.keyClick(screen, Qt.Key.Key_R)
    assert window.focusWidget() is screen.rationale
    qtbot.keyClicks(screen.rationale, "Advisory & mentoring <in every school>.")
    assert screen.pending()
    with qtbot.waitSignal(screen.saved) as blocker:
        qtbot.keyClick(screen.rationale, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert screen.rationale.toPlainText() == "Advisory & mentoring <in every school>."
    qtbot.keyClick(screen.rationale, Qt.Key.Key_Escape)
    assert window.focusWidget() is screen
    assert blocker.args[0].level == "operationalizing"
    assert screen.save_state.text() == "✓ Saved"
    assert screen.consensus_state.text() == "Recorded: Operationalizing"
    # the second competency is saved by moving on, without Save
    qtbot.keyClick(screen, Qt.Key.Key_J)
    assert screen.competency_id == second
    qtbot.keyClick(screen, Qt.Key.Key_0)
    qtbot.keyClick(screen, Qt.Key.Key_K)
    assert screen.competency_id == first
    window.close()
    repo.close()

    again = Repository(data_dir)
    try:
        reopened = again.open_district(store.id, auto_backup=False)
        saved = reopened.cycle(cycle.id).consensus
        assert saved[first].level == "operationalizing"
        assert saved[first].rationale == "Advisory & mentoring <in every school>."
        assert saved[second].level == "not_sure"
        fresh = screen_on(qtbot, pack, reopened)
        assert fresh.competency_id == first
        assert fresh.rationale.toPlainText() == "Advisory & mentoring <in every school>."
        assert fresh.level_buttons["operationalizing"].isChecked()
        assert fresh.consensus_state.text() == "Recorded: Operationalizing"
        fresh.go_to(1)
        assert fresh.level_buttons["not_sure"].isChecked()
        fresh.go_to(2)
        assert fresh.consensus_state.text() == "No consensus yet"
        model = fresh.model
        marks = [model.data(model.index(r)) for r in range(3)]
        assert marks[0].startswith("●") and marks[1].startswith("●") and marks[2].startswith("○")
    finally:
        again.close()


def test_a_level_key_without_save_is_saved_when_the_window_closes(qtbot: QtBot, pack: Pack,
                                                                  store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    window.show()
    screen = window.consensus
    assert screen is not None
    window.show_screen(window.index_of(screen))
    qtbot.keyClick(screen, Qt.Key.Key_2)
    assert "Not saved yet" in screen.save_state.text()
    window.close()
    first = pack.condition("culture").competencies[0].id
    assert store.cycle(cycle.id).consensus[first].level == "developing"


def test_a_closed_cycle_cannot_be_changed(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    store.save_cycle(cycle.replace(status="closed"))
    screen = screen_on(qtbot, pack, store)
    qtbot.keyClick(screen, Qt.Key.Key_2)
    assert not screen.pending()
    assert not screen.level_buttons["developing"].isEnabled()
    assert "closed" in screen.closed_note.text()


def test_tallies_count_in_the_bars(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    rate(store, cycle, "educator", ["developing", "developing", "refining"])
    store.save_tally(cycle.id, Tally(competency_id=COMPETENCY, role_group="community_member",
                                     counts={"establishing": 4, "developing": 1, "not_sure": 2}))
    screen = screen_on(qtbot, pack, store)
    screen.go_to(row_of(screen, COMPETENCY))
    overall = {row.label: row.total for row in screen.overall_chart.rows()}
    assert overall == {"Establishing": 4, "Developing": 3, "Operationalizing": 0, "Refining": 1,
                       "Not sure": 2}
    groups = {row.label.split(" (")[0]: row for row in screen.groups_chart.rows()}
    community = groups["Community member"]
    assert community.label == "Community member (7)"
    assert (community.count("establishing"), community.count("developing"), community.count("not_sure")) \
        == (4, 1, 2)
    assert groups["Educator"].count("developing") == 2
    assert "10 people" in screen.overall_title.text()
    assert "7 from paper tallies" in screen.overall_title.text()


def test_small_groups_are_hidden_not_counted(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    rate(store, cycle, "educator", ["developing", "developing", "refining", "refining"])
    rate(store, cycle, "community_member", ["developing", "developing", "establishing"])
    rate(store, cycle, "learner", ["establishing", "refining"])
    screen = screen_on(qtbot, pack, store)
    screen.go_to(row_of(screen, COMPETENCY))
    groups = {row.label.split(" (")[0]: row for row in screen.groups_chart.rows()}
    # 2 learners are hidden, and the 3 community members with them: overall minus the
    # educators gives only the two groups' votes together, never the learners'
    for name in ("Learner", "Community member"):
        assert groups[name].label == name  # no head count either
        assert groups[name].values == () and groups[name].note == "hidden to protect a group of fewer than 3 people"
    assert groups["Leader"].note == "no ratings"
    assert groups["Educator"].note == "" and groups["Educator"].total == 4
    assert "Learner: hidden" in screen.groups_chart.accessibleDescription()
    assert "All ratings: 9 people" in screen.overall_title.text()
    assert screen.privacy_note.text().startswith("Privacy: a role group's counts are shown only when at least 3")
    assert "Hidden in this cycle: Community member, Learner." in screen.privacy_note.text()
    screen.set_presentation(True)  # the projector shows the same, with the rule
    assert groups["Learner"].note and screen.privacy_note.isVisible()


def test_a_cycle_under_the_threshold_shows_no_counts_on_screen(qtbot: QtBot, pack: Pack,
                                                                store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    rate(store, cycle, "learner", ["establishing", "refining"])
    screen = screen_on(qtbot, pack, store)
    screen.go_to(row_of(screen, COMPETENCY))
    [overall] = screen.overall_chart.rows()
    assert overall.values == () and overall.note == "Fewer than 3 people rated in this cycle, so no counts are shown."
    assert screen.overall_title.text() == "All ratings"
    assert screen.agreement_flag.text() == ""


def test_low_agreement_is_flagged_with_its_rule(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    rate(store, cycle, "educator", ["establishing", "establishing", "refining", "refining"])
    agreed = pack.condition("culture").competencies[0].id
    rate(store, cycle, "leader", ["developing"] * 3, competency=agreed)
    screen = screen_on(qtbot, pack, store)
    screen.go_to(row_of(screen, agreed))
    assert "Low agreement" not in screen.agreement_flag.text()
    screen.go_to(row_of(screen, COMPETENCY))
    assert screen.agreement_flag.text() == "⚠ Low agreement"
    assert screen.agreement_flag.toolTip() == low_agreement_rule()
    assert screen.agreement_rule.text() == low_agreement_rule() and screen.agreement_rule.isVisible()
    assert "Establishing" in screen.median_label.text()
    row = row_of(screen, COMPETENCY)
    assert screen.model.data(screen.model.index(row)).endswith("⚠")
    assert not screen.model.data(screen.model.index(row_of(screen, agreed))).endswith("⚠")


def test_presentation_mode_toggles_and_escape_leaves(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    make_cycle(store, pack)
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    window.show()
    screen = window.consensus
    assert screen is not None
    window.show_screen(window.index_of(screen))
    with qtbot.waitSignal(screen.presentation_changed) as blocker:
        screen.present_button.click()
    assert blocker.args == [True]
    assert screen.presenting and screen.property("presentation") is True
    assert window.isFullScreen()
    assert not window.nav.isVisible() and not screen.left.isVisible()
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert not screen.presenting and screen.property("presentation") is False
    assert not window.isFullScreen()
    assert window.nav.isVisible() and screen.left.isVisible()
    qtbot.keyClick(screen, Qt.Key.Key_F11)
    assert screen.presenting and window.isFullScreen()
    qtbot.keyClick(screen, Qt.Key.Key_F11)
    assert not screen.presenting


def test_screens_read_ratings_again_when_shown(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    window.show()
    consensus, results = window.consensus, window.results_screen
    assert consensus is not None and results is not None
    rate(store, cycle, "educator", ["refining"] * 3)  # as if entered in Reflect and Listen
    window.show_screen(window.index_of(consensus))
    consensus.go_to(row_of(consensus, COMPETENCY))
    assert {r.label: r.total for r in consensus.overall_chart.rows()}["Refining"] == 3
    window.show_screen(window.index_of(results))
    row = [c.competency_id for c in results.results.competencies].index(COMPETENCY)  # type: ignore[union-attr]
    assert results.heat_model.index(row, 0).data(LevelRole) == "refining"


@pytest.fixture
def demo_store(repo: Repository, pack: Pack) -> DistrictStore:
    return save_demo(repo, generate(pack, years=1), backup=False)


def test_heat_map_cells_match_the_results(qtbot: QtBot, pack: Pack, demo_store: DistrictStore) -> None:
    cycle = max(demo_store.cycles(), key=lambda c: c.date)
    screen = ResultsScreen(pack, demo_store)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.cycle_combo.cycle_id() == cycle.id  # newest first
    expected = cycle_results(pack, CycleInput.of(demo_store.cycle(cycle.id)))
    model = screen.heat_model
    assert model.rowCount() == len(expected.competencies) == 30
    for row, result in enumerate(expected.competencies):
        assert model.index(row, 0).data(LevelRole) == result.level
        assert model.index(row, 0).data(SourceRole) == result.level_source
        assert model.index(row, HeatMapModel.COMPETENCY).data() == pack.competency(result.competency_id).name
        for n, level in enumerate(("establishing", "developing", "operationalizing", "refining")):
            cell = model.index(row, 2 + n)
            if level == result.level:
                assert cell.data() == ("●" if result.level_source == "consensus" else "median")
                assert cell.data(Qt.ItemDataRole.BackgroundRole) is not None
            else:
                assert cell.data() is None
    spans = model.condition_spans()
    assert [count for _first, count in spans] == [len(c.competency_ids) for c in expected.conditions]
    first_condition = pack.condition(expected.conditions[0].condition_id)
    assert model.index(0, HeatMapModel.CONDITION).data().startswith(f"★ {first_condition.name}")
    assert screen.strengths.count() == 3 and screen.growth.count() == 3


def test_median_is_marked_where_there_is_no_consensus(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    rate(store, cycle, "educator", ["developing", "developing", "operationalizing"])
    other = pack.condition("culture").competencies[0].id
    store.save_consensus(cycle.id, Consensus(competency_id=other, level="refining"))
    screen = ResultsScreen(pack, store)
    qtbot.addWidget(screen)
    model = screen.heat_model
    ids = [model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(model.rowCount())]
    median_row, consensus_row = ids.index(COMPETENCY), ids.index(other)
    assert model.index(median_row, 3).data() == "median"
    assert model.index(median_row, 3).data(Qt.ItemDataRole.FontRole).italic()
    assert model.index(consensus_row, 5).data() == "●"
    assert model.index(consensus_row, 2).data(Qt.ItemDataRole.BackgroundRole) is not None  # below: tinted


def test_comparison_arrows_for_two_cycles(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    comps = [c.id for c in pack.condition("culture").competencies]
    before = make_cycle(store, pack, "Fall 2025", "2025-10-01")
    after = make_cycle(store, pack, "Spring 2026", "2026-03-01")
    for comp, was, now in zip(comps, ("developing", "operationalizing", "developing"),
                              ("operationalizing", "developing", "developing"), strict=False):
        store.save_consensus(before.id, Consensus(competency_id=comp, level=was))
        store.save_consensus(after.id, Consensus(competency_id=comp, level=now))
    screen = ResultsScreen(pack, store)
    qtbot.addWidget(screen)
    assert screen.cycle_combo.cycle_id() == after.id
    model = screen.heat_model
    changes = [model.index(r, HeatMapModel.CHANGE).data() for r in range(model.rowCount())]
    roles = [model.index(r, 0).data(ChangeRole) for r in range(model.rowCount())]
    assert roles[:3] == ["up", "down", "same"]
    assert changes[:3] == ["▲ up", "▼ down", "= same"]
    if len(comps) > 3:
        assert roles[3] == "unrated" and changes[3] == ""
    assert "Fall 2025" in screen.compared.text()
    assert model.headerData(HeatMapModel.CHANGE, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.ToolTipRole) == "Change since Fall 2025"
    # the older cycle has nothing before it
    screen.cycle_combo.select(before.id)
    assert screen.compared.text() == "No earlier cycle to compare with."
    assert model.index(0, HeatMapModel.CHANGE).data() is None


def test_equity_lens_hides_small_groups_and_the_threshold_changes_only_by_a_record(
        qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    cycle = make_cycle(store, pack)
    rate(store, cycle, "educator", ["developing", "operationalizing", "operationalizing"])
    rate(store, cycle, "leader", ["refining"] * 4)
    rate(store, cycle, "learner", ["establishing", "developing"])
    screen = ResultsScreen(pack, store)
    qtbot.addWidget(screen)
    assert not hasattr(screen, "threshold")  # no browsing control that lowers it
    model = screen.equity_model
    educator, leader, learner = model.index(0, 2), model.index(0, 3), model.index(0, 2 + 3)
    assert leader.data(StatusRole) == "shown" and leader.data().startswith("4.0")
    for cell in (learner, educator):  # the learners, and the next-smallest group with them
        assert cell.data(StatusRole) == "suppressed"
        assert cell.data() == "hidden"
        assert cell.data(Qt.ItemDataRole.ToolTipRole).startswith("Hidden to protect a group of fewer than 3 people.")
    assert "at least 3 people" in screen.privacy.text()
    # raising to 5 hides the leaders too: a recorded change, with what it does
    dialog = screen.threshold_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.threshold.setValue(4)
    assert dialog.effect.text().startswith("No role group changes")
    dialog.threshold.setValue(5)
    assert dialog.effect.text() == "Hidden from now on: Leader."
    dialog.accept()
    assert dialog.result() == 0 and "Enter your name" in dialog.error.text()
    dialog.who.setText("Ana Peña")
    dialog.accept()
    assert dialog.result() == 1
    screen.apply_threshold(dialog)
    saved = store.get_cycle(cycle.id)
    assert saved.threshold == 5
    [change] = saved.threshold_changes
    assert (change.by, change.old, change.new, change.reveals) == (
        "Ana Peña", 3, 5, "Hidden from now on: Leader.")
    assert model.index(0, 3).data(StatusRole) == "suppressed"
    assert "at least 5 people" in screen.privacy.text()
    assert "Threshold changed from 3 to 5 by Ana Peña" in screen.privacy.text()
    # lowering again says what it reveals; it cannot go below 3
    dialog = screen.threshold_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.threshold.setValue(2)
    assert dialog.threshold.value() == 3
    assert dialog.effect.text() == ("Shown from now on, with their counts: Leader. "
                                    "Groups of 3 to 4 people can be shown on their own.")


def test_item_models_are_valid(qtmodeltester, qtbot: QtBot, pack: Pack,  # type: ignore[no-untyped-def]
                               demo_store: DistrictStore) -> None:
    cycle = max(demo_store.cycles(), key=lambda c: c.date)
    results = cycle_results(pack, CycleInput.of(demo_store.cycle(cycle.id)))
    listing = CompetencyListModel(pack)
    listing.set_results(results)
    qtmodeltester.check(listing)
    heat = HeatMapModel(pack)
    heat.set_results(results)
    qtmodeltester.check(heat)
    equity = EquityModel(pack)
    equity.set_results(results)
    qtmodeltester.check(equity)
    assert choice_name("not_sure") == "Not sure"


def test_a_competency_fewer_than_three_rated_shows_no_counts_on_screen(qtbot: QtBot, pack: Pack,
                                                                         store: DistrictStore) -> None:
    """Attack: 5 educators rated Relationships, but only one of them rated Celebrations."""
    cycle = make_cycle(store, pack)
    rate(store, cycle, "educator", ["developing"] * 5)
    person = next(iter(store.cycle(cycle.id).participants.values()))
    store.save_rating(cycle.id, Rating(participant_id=person.id, competency_id="culture.celebrations",
                                       level="refining"))
    screen = screen_on(qtbot, pack, store)
    screen.go_to(row_of(screen, "culture.celebrations"))
    assert screen.overall_title.text() == "All ratings"
    assert [row.note for row in screen.overall_chart.rows()] == [
        "Fewer than 3 people rated this, so no counts are shown for it."]
    groups = {row.label.split(" (")[0]: row for row in screen.groups_chart.rows()}
    assert groups["Educator"].values == () and groups["Educator"].note.startswith("hidden")
    assert "Refining" not in screen.median_label.text()
    screen.go_to(row_of(screen, COMPETENCY))  # where all five rated, their counts show
    assert "All ratings: 5 people" in screen.overall_title.text()
    # the rule has no memory: the open cycle's note says to show counts once rating is over
    assert "once everyone has rated" in screen.privacy_note.text()
