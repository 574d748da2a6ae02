"""Set Goals and Learn and Improve, driven the way a district team would use them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QListView, QPushButton, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from navtool_desktop import paths
from navtool_desktop.core import planning
from navtool_desktop.core.records import Action, Consensus, Cycle, District, Goal, Participant, Plan, Rating, TeamMember
from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui import messages
from navtool_desktop.ui.improve_screen import ImproveScreen
from navtool_desktop.ui.main_window import MainWindow
from navtool_desktop.ui.plan_models import (
    ActionTableModel,
    BoardColumnModel,
    GoalListModel,
    IdRole,
    SuggestionModel,
    TargetTableModel,
    marks_text,
)
from navtool_desktop.ui.plan_screen import ActionDialog, PlanScreen

TODAY = date(2026, 3, 1)
VOICE, GOAL_SETTING = "agency.voice", "agency.goal-setting"
ANY_GOAL = "0b6f2b8e-3c1a-4e5b-9a7d-2f4c6e8a0b1c"


@pytest.fixture
def store(repo: Repository, pack: Pack) -> DistrictStore:
    """A district with a team and one assessed cycle (Agency only): Voice is lowest and disputed."""
    store = repo.create_district(District(
        name="Pine Ridge USD", vision="Every learner known by name & ready <for life>.",
        team=(TeamMember(name="Ana Peña", role="Superintendent"),
              TeamMember(name="Ben Olsen", role="Board chair"))))
    cycle = Cycle(title="Fall retreat", date="2025-09-20", scope=("agency",), framework_id=pack.id,
                  framework_version=pack.version)
    people = [Participant(name=f"Leader {n}", role_group="leader") for n in range(3)]
    people += [Participant(code=f"L-{n}", role_group="learner") for n in range(3)]
    ratings = [Rating(participant_id=p.id, competency_id=VOICE,
                      level="operationalizing" if p.role_group == "leader" else "establishing")
               for p in people]
    store.import_cycle(cycle, people, ratings, consensus=[
        Consensus(competency_id=VOICE, level="establishing"),
        Consensus(competency_id=GOAL_SETTING, level="developing"),
        Consensus(competency_id="agency.collective-efficacy", level="operationalizing")])
    return store


def plan_screen(qtbot: QtBot, pack: Pack, store: DistrictStore) -> PlanScreen:
    screen = PlanScreen(pack, store, today=lambda: TODAY)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    return screen


def test_priority_goal_actions_and_overdue_survive_reopening(
    qtbot: QtBot, pack: Pack, store: DistrictStore, repo: Repository, data_dir: Path
) -> None:
    screen = plan_screen(qtbot, pack, store)
    assert screen.empty.isVisible()
    screen.new_plan()
    plan = store.plans()[0]
    assert plan.status == "draft" and plan.period_start == "2026-03-01"
    assert "Every learner known by name &amp; ready &lt;for life&gt;." in screen.vision.text()

    # the suggestions, strongest first, with their reasons in words
    first = screen.suggestion_model.index(0)
    assert first.data(Qt.ItemDataRole.UserRole + 1) == VOICE
    text = first.data()
    assert "Voice (Agency): Establishing, 9 points" in text
    assert "Role groups 2 levels apart: leaders say Operationalizing, learners say Establishing" in text
    with qtbot.waitSignal(screen.saved):
        screen.suggestions.setCurrentIndex(first)
        screen.accept_button.click()
    goal = store.goals(plan.id)[0]
    assert (goal.competency_id, goal.current_level, goal.target_level) == (VOICE, "establishing", "developing")
    assert VOICE not in [screen.suggestion_model.suggestion(n).competency_id
                         for n in range(screen.suggestion_model.rowCount())]

    # set the target: Operationalizing by June 2027, long term, in our words
    screen.tabs.setCurrentIndex(1)
    screen.target_level.setCurrentIndex(2)
    screen.target_date.setDate(QDate(2027, 6, 1))
    screen.term.setCurrentIndex(1)
    screen.statement.clear()
    with qtbot.waitSignal(screen.saved, timeout=3000):
        qtbot.keyClicks(screen.statement, "Every student helps shape school decisions.")
    screen.practice_combo.setCurrentIndex(0)
    screen.add_practice_measure()
    screen.measure_text.setText("Student members on every school site council")
    qtbot.keyClick(screen.measure_text, Qt.Key.Key_Return)

    # two actions: one due before today, one later
    dialog = ActionDialog([m.name for m in store.profile.team], goal_id=goal.id)
    qtbot.addWidget(dialog)
    assert [dialog.owner.itemText(n) for n in range(dialog.owner.count())] == ["Ana Peña", "Ben Olsen"]
    qtbot.keyClicks(dialog.description, "Student voice survey")
    dialog.owner.setCurrentIndex(1)
    dialog.start.setDate(QDate(2026, 1, 10))
    dialog.due.setDate(QDate(2026, 2, 20))
    dialog.status.setCurrentIndex(1)  # in progress
    late = screen.save_action(dialog.action())  # type: ignore[arg-type]
    assert late is not None
    later = screen.save_action(Action(goal_id=goal.id, description="Train student council members",
                                      owner="Mrs. O'Brien (volunteer)", start="2026-04-01",
                                      due="2026-05-30", resources="Meeting room"))
    assert later is not None

    # the overdue action stands out: words, icon and colour
    model = screen.action_model
    late_row = model.row_of(late.id)
    attention = model.index(late_row, ActionTableModel.ATTENTION)
    assert attention.data() == "Overdue (9 days)"
    assert attention.data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(model.row_of(later.id), ActionTableModel.ATTENTION).data() == ""
    assert [r.overdue for r in screen.timeline.rows() if not r.heading] == [True, False]

    # change its status; blocked is marked too, done clears the mark
    screen.actions.setCurrentIndex(model.index(model.row_of(late.id), 0))
    screen.set_action_status("blocked")
    assert model.index(model.row_of(late.id), ActionTableModel.ATTENTION).data() == "Overdue (9 days) · Blocked"
    screen.set_action_status("done")
    assert model.index(model.row_of(late.id), ActionTableModel.ATTENTION).data() == ""
    screen.notes.date.setDate(QDate(2026, 2, 25))
    qtbot.keyClicks(screen.notes.text, "Survey closed with 412 answers.")
    qtbot.keyClick(screen.notes.text, Qt.Key.Key_Return)
    assert screen.notes.notes.count() == 1

    # everything is on disk: close and open the folder again
    goal_id, late_id = goal.id, late.id
    repo.close()
    with Repository(data_dir) as again:
        reopened = again.open_district(store.id)
        [saved_plan] = reopened.plans()
        [saved_goal] = reopened.goals(saved_plan.id)
        assert saved_goal.id == goal_id
        assert (saved_goal.target_level, saved_goal.target_date, saved_goal.term) == (
            "operationalizing", "2027-06-01", "long")
        assert saved_goal.statement == "Every student helps shape school decisions."
        practice = pack.competency(VOICE).levels[0].practices[0]
        assert [(m.text, m.practices) for m in saved_goal.measures] == [
            (practice.text, (practice.id,)), ("Student members on every school site council", ())]
        actions = {a.description: a for a in reopened.actions(goal_id)}
        assert actions["Student voice survey"].status == "done"
        assert actions["Student voice survey"].owner == "Ben Olsen"
        assert actions["Train student council members"].owner == "Mrs. O'Brien (volunteer)"
        assert [(n.date, n.text) for n in reopened.progress_notes(late_id)] == [
            ("2026-02-25", "Survey closed with 412 answers.")]


def test_priorities_reorder_add_own_and_remove(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    screen.accept_suggestion(0)
    screen.add_own("culture.relationships")
    screen.add_own("culture.relationships")
    assert screen.status.text() == "Already a priority of this plan"

    def order() -> list[str]:
        return [screen.goal_model.goal(n).competency_id for n in range(screen.goal_model.rowCount())]

    assert order() == [VOICE, "culture.relationships"]
    own = store.goals()[1]
    assert own.current_level == "not_sure"  # not in the cycle's scope: no level to copy
    screen.priorities.setFocus()
    screen.priorities.setCurrentIndex(screen.goal_model.index(1))
    qtbot.keyClick(screen.priorities, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert order() == ["culture.relationships", VOICE]
    assert screen.priorities.currentIndex().row() == 0
    # the order is saved: a new screen on the same store shows it
    again = plan_screen(qtbot, pack, store)
    assert [again.goal_model.goal(n).competency_id for n in range(again.goal_model.rowCount())] == [
        "culture.relationships", VOICE]
    assert sorted((g.rank, g.competency_id) for g in store.goals()) == [
        (0, "culture.relationships"), (1, VOICE)]
    qtbot.keyClick(screen.priorities, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert order() == [VOICE, "culture.relationships"]
    assert [r.label for r in screen.timeline_rows()] == ["Voice (Agency)", "Relationships (Culture)"]
    screen.priorities.setCurrentIndex(screen.goal_model.index(1))
    screen.remove_priority()  # no actions yet: nothing to confirm
    assert order() == [VOICE]
    assert [g.competency_id for g in store.goals()] == [VOICE]


def test_a_goal_needs_a_statement(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    goal = screen.accept_suggestion(0)
    assert goal is not None
    screen.statement.clear()
    screen.save_goal_now()
    assert screen.status.text() == "Not saved: the goal needs a statement"
    assert store.goals()[0].statement == goal.statement


def test_an_approved_plan_is_read_only_until_revised(qtbot: QtBot, pack: Pack, store: DistrictStore,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    screen.accept_suggestion(0)
    plan = store.plans()[0]
    screen.set_approval(plan, "Ana Peña, Superintendent")
    approved = store.plans()[0]
    assert approved.status == "approved" and approved.approved_by == "Ana Peña, Superintendent"
    assert approved.approved_at
    assert screen.approval.text().startswith(
        f"Approved by Ana Peña, Superintendent on {approved.approved_at[:10]}. An approved plan does not change")
    # Nothing the team approved can be edited on screen (trial finding 9) ...
    frozen = [screen.statement, screen.target_level, screen.target_date, screen.measure_text,
              screen.plan_title, screen.period_start, screen.period_end, *screen._priority_controls]
    assert [w for w in frozen if w.isEnabled()] == []
    assert screen.status_combo.isEnabled()  # ... but the actions' progress moves on
    # ... nor behind the screen's back: the store refuses, and the screen says so.
    warned: list[str] = []
    monkeypatch.setattr(messages, "warn", lambda _p, _t, text: warned.append(text))
    assert screen.save_goal_now(statement="Changed after approval.") is None
    assert warned and "approved, so it cannot change" in warned[0]
    assert store.goals(plan.id)[0].statement != "Changed after approval."
    assert store.plans()[0].approved_by == "Ana Peña, Superintendent"
    # To change it: a revision, a draft of its own.
    assert screen.approve_button.text() == "Make a re&vision"
    screen.toggle_approval()
    revision = screen.plan
    assert revision is not None and revision.id != plan.id and revision.revises == plan.id
    assert revision.status == "draft" and screen.approval.text() == "Draft: not approved yet"
    assert screen.statement.isEnabled()
    assert [g.competency_id for g in store.goals(revision.id)] == [g.competency_id for g in store.goals(plan.id)]


def test_goal_dates_follow_the_plan_period(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    goal = screen.accept_suggestion(0)
    assert goal is not None and goal.target_date == "2027-02-28"
    screen.period_end.setDate(QDate(2027, 6, 30))
    moved = store.goals()[0]
    assert moved.target_date == "2027-06-30" and moved.statement.endswith("by 2027-06-30.")
    assert screen.target_date.date() == QDate(2027, 6, 30)
    assert screen.statement.toPlainText() == moved.statement


def test_learn_and_improve_follows_the_priority_order(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    for competency in (VOICE, GOAL_SETTING, "agency.collective-efficacy"):
        screen.add_own(competency)
    screen.priorities.setCurrentIndex(screen.goal_model.index(2))
    screen.move_priority(-1)
    screen.move_priority(-1)
    team = [VOICE, GOAL_SETTING, "agency.collective-efficacy"]
    team = [team[2], team[0], team[1]]
    assert [screen.goal_model.goal(n).competency_id for n in range(3)] == team
    improve = ImproveScreen(pack, store, today=lambda: TODAY)
    qtbot.addWidget(improve)
    improve.reload()
    assert [improve.target_model._rows[n][0].competency_id for n in range(3)] == team


def test_action_dialog_checks_what_it_needs(qtbot: QtBot) -> None:
    dialog = ActionDialog([], goal_id="0b6f2b8e-3c1a-4e5b-9a7d-2f4c6e8a0b1c")
    qtbot.addWidget(dialog)
    assert dialog.action() is None and dialog.problem.text() == "Say what the action is."
    qtbot.keyClicks(dialog.description, "Family forum")
    dialog.start.setDate(QDate(2026, 5, 1))
    dialog.due.setDate(QDate(2026, 4, 1))
    assert dialog.action() is None and "before the start" in dialog.problem.text()
    dialog.start.setDate(dialog.start.minimumDate())  # "no date"
    action = dialog.action()
    assert action is not None and action.start == "" and action.due == "2026-04-01"


def demo_store(repo: Repository, pack: Pack) -> DistrictStore:
    from navtool_desktop.core.demo import generate
    from navtool_desktop.storage.demo import save_demo

    return save_demo(repo, generate(pack, years=1), backup=False)


def test_action_board_moves_actions_with_keys_and_notes_progress(
    qtbot: QtBot, pack: Pack, repo: Repository
) -> None:
    store = demo_store(repo, pack)
    screen = ImproveScreen(pack, store, today=lambda: date(2025, 1, 20))
    qtbot.addWidget(screen)
    screen.show()
    counts = {s: m.rowCount() for s, m in screen.columns.items()}
    assert counts == {"not_started": 10, "in_progress": 5, "done": 0, "blocked": 0}
    column = screen.column_views["in_progress"]
    first = screen.columns["in_progress"].action(0)
    assert "Overdue (66 days)" in screen.columns["in_progress"].index(0).data()
    column.setFocus()
    column.setCurrentIndex(screen.columns["in_progress"].index(0))
    qtbot.keyClick(column, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert next(a for a in store.actions() if a.id == first.id).status == "done"
    assert screen.columns["done"].row_of(first.id) == 0
    done = screen.column_views["done"]
    assert done.currentIndex().row() == 0  # still chosen: keep moving with the keyboard
    qtbot.keyClick(done, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert next(a for a in store.actions() if a.id == first.id).status == "blocked"
    assert not screen.right_button.isEnabled()  # blocked is the last column
    screen.left_button.click()
    screen.notes.text.setText("Coaching contract signed.")
    screen.notes.add_note()
    assert [n.text for n in store.progress_notes(first.id)][-1] == "Coaching contract signed."


def test_growth_charts_and_targets(qtbot: QtBot, pack: Pack, repo: Repository) -> None:
    store = demo_store(repo, pack)
    screen = ImproveScreen(pack, store)
    qtbot.addWidget(screen)
    screen.growth_list.setCurrentRow(0)  # every condition
    assert [line.label for line in screen.chart.lines()] == [c.name for c in pack.conditions]
    assert all(len(line.series.points) == 4 for line in screen.chart.lines())
    screen.growth_list.setCurrentRow(2)  # Culture
    lines = screen.chart.lines()
    assert lines[0].label == "Culture (average)" and lines[0].bold
    assert [line.label for line in lines[1:]] == [c.name for c in pack.condition("culture").competencies]
    assert "Culture" in screen.growth_list.item(2).text()
    plan = store.plans()[0]
    rows = screen.target_model.rowCount()
    assert rows == len(store.goals(plan.id)) == 5
    results = [screen.target_model.index(r, 3).data() for r in range(rows)]
    assert set(results) <= {"Reached", "Not reached"}
    reached = results.count("Reached")
    assert screen.targets_summary.text() == f"{reached} of 5 goals reached their target level"


def test_models_pass_the_model_tester(qtmodeltester: ModelTester, pack: Pack, store: DistrictStore) -> None:
    from navtool_desktop.core.results import CycleInput, cycle_results

    cycle = store.cycles()[0]
    results = cycle_results(pack, CycleInput.of(store.cycle(cycle.id)))
    suggestions = SuggestionModel(pack)
    suggestions.set_suggestions(planning.suggest_priorities(pack, results))
    assert suggestions.rowCount() == 3
    qtmodeltester.check(suggestions)
    plan = Plan(title="P", period_start="2025-10-01", period_end="2026-09-30")
    goals = [Goal(plan_id=plan.id, competency_id=VOICE, current_level="establishing",
                  target_level="developing", target_date="2026-06-01", term="short", statement="S")]
    goal_model = GoalListModel(pack)
    goal_model.set_goals(goals, {goals[0].id: planning.target_reached(goals[0], "2025-01-01", [results])})
    qtmodeltester.check(goal_model)
    actions = [Action(goal_id=goals[0].id, description="A", due="2026-01-01", status="blocked"),
               Action(goal_id=goals[0].id, description="B", status="in_progress")]
    table = ActionTableModel(lambda: TODAY)
    table.set_actions(actions)
    qtmodeltester.check(table)
    column = BoardColumnModel("blocked", pack, lambda: TODAY)
    column.set_actions(actions, {goals[0].id: goals[0]})
    assert column.rowCount() == 1
    qtmodeltester.check(column)
    targets = TargetTableModel(pack)
    targets.set_rows([(goals[0], planning.target_reached(goals[0], "2025-01-01", [results]))])
    assert targets.index(0, 3).data() == "Not reached"
    qtmodeltester.check(targets)


def test_main_window_has_the_plan_screens(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    names = [window.nav.item(i).text() for i in range(window.nav.count())]
    at = names.index("Set Goals")
    assert names[at - 1:at + 2] == ["Results", "Set Goals", "Learn and Improve"]
    assert window.plan_screen is not None and window.improve is not None


def dark_pixels(view: QListView, index: QModelIndex) -> int:
    """How many pixels of a drawn item are dark: its text, when it can be read."""
    image = view.viewport().grab(view.visualRect(index)).toImage()
    return sum(image.pixelColor(x, y).lightness() < 110
               for x in range(image.width()) for y in range(image.height()))


def test_a_moved_card_shows_its_text_in_the_new_column(qtbot: QtBot, pack: Pack, repo: Repository) -> None:
    """Ctrl+Right on a card: the new column holds it, chosen, and its words can be read."""
    store = demo_store(repo, pack)
    screen = ImproveScreen(pack, store, today=lambda: date(2025, 1, 20))
    qtbot.addWidget(screen)
    # the app's own look: the chosen card used to be drawn as white text on a pale tint
    screen.setStyleSheet(paths.resource("style.qss").read_text(encoding="utf-8"))
    screen.resize(1280, 760)
    screen.show()
    qtbot.waitExposed(screen)
    source = screen.column_views["not_started"]
    moved = screen.columns["not_started"].action(0)  # overdue: its card has the warning icon too
    source.setFocus()
    source.setCurrentIndex(screen.columns["not_started"].index(0))
    qtbot.keyClick(source, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)

    model, view = screen.columns["in_progress"], screen.column_views["in_progress"]
    assert screen.columns["not_started"].row_of(moved.id) == -1
    index = model.index(model.row_of(moved.id))
    assert index.isValid() and index.data(IdRole) == moved.id
    lines = index.data().splitlines()
    assert lines[0] == moved.description
    assert lines[-1] == "\u26a0 Overdue (6 days)"
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == index.data()
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    assert view.currentIndex() == index  # still chosen: keep moving with the keyboard
    assert screen.picked_label.text() == f"Chosen: {moved.description} (In progress)"
    assert view.horizontalScrollBar().maximum() == 0  # cards wrap to the column

    qtbot.wait(10)
    assert dark_pixels(view, index) > 200  # the words are drawn, not only the icon
    # and once more into Done, where the card has no icon at all
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    done, done_view = screen.columns["done"], screen.column_views["done"]
    index = done.index(done.row_of(moved.id))
    assert index.data().splitlines()[0] == moved.description
    qtbot.wait(10)
    assert dark_pixels(done_view, index) > 200


def test_set_goals_without_a_plan_says_what_to_do(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    screen = plan_screen(qtbot, pack, store)
    assert screen.empty.isVisible()
    assert screen.empty_text.text().startswith("No plan yet. Create one with \u201cNew plan\u201d")
    for hidden in (screen.tabs, screen.plan_fields, screen.approval, screen.approve_button,
                   screen.plan_title):
        assert not hidden.isVisible()
    buttons = [b for b in screen.findChildren(QPushButton) if b.isVisible()]
    assert buttons and all(b.text().strip() for b in buttons)  # no blank button
    assert screen.plan_combo.placeholderText() == "No plan yet" and not screen.plan_combo.isEnabled()
    # the empty state does not push the rest apart: it starts right under the vision
    assert screen.empty.geometry().top() - screen.vision.geometry().bottom() < 40

    screen.empty_button.click()
    assert len(store.plans()) == 1
    assert not screen.empty.isVisible()
    for shown in (screen.tabs, screen.plan_fields, screen.approval, screen.approve_button):
        assert shown.isVisible()
    assert screen.approve_button.text() == "Appro&ve\u2026"


def test_counts_say_one_or_many(qtbot: QtBot, pack: Pack, store: DistrictStore,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    one_day = Action(goal_id=ANY_GOAL, description="A", due="2026-02-28")
    assert marks_text(planning.action_marks(one_day, TODAY), one_day, TODAY) == "Overdue (1 day)"
    two_days = one_day.replace(due="2026-02-27")
    assert marks_text(planning.action_marks(two_days, TODAY), two_days, TODAY) == "Overdue (2 days)"

    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    goal = screen.accept_suggestion(0)
    assert goal is not None
    screen.save_action(Action(goal_id=goal.id, description="Student voice survey"))
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask", lambda _parent, _title, text, **_kw: asked.append(text) or False)
    screen.priorities.setCurrentIndex(screen.goal_model.index(0))
    screen.remove_priority()
    assert asked == ["Remove Voice (Agency) with its goal and 1 action?"]
    screen.save_action(Action(goal_id=goal.id, description="Train student council members"))
    screen.remove_priority()
    assert asked[-1] == "Remove Voice (Agency) with its goal and 2 actions?"

    improve = ImproveScreen(pack, store, today=lambda: TODAY)
    qtbot.addWidget(improve)
    assert improve.targets_summary.text() == "0 of 1 goal reached its target level"
    screen.accept_suggestion(0)
    improve.reload()
    assert improve.targets_summary.text() == "0 of 2 goals reached their target level"


def test_actions_outside_the_plan_period_are_kept_with_a_note(
    qtbot: QtBot, pack: Pack, store: DistrictStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()  # 2026-03-01 to 2027-02-28
    goal = screen.accept_suggestion(0)
    assert goal is not None
    screen.tabs.setCurrentIndex(1)
    notes: list[str] = []

    def fill(dialog: ActionDialog) -> int:
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.description, "Summer institute for coaches")
        dialog.start.setDate(QDate(2026, 6, 1))
        dialog.due.setDate(QDate(2026, 6, 30))
        assert dialog.period_note.isHidden()  # inside the plan period: nothing to say
        dialog.due.setDate(QDate(2027, 6, 30))
        notes.append(dialog.period_note.text())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ActionDialog, "exec", fill)
    screen.new_action()
    assert notes == ["\u26a0 The due date is outside the plan period (2026-03-01 to 2027-02-28). "
                     "It is kept as entered."]
    [saved] = store.actions(goal.id)  # a note, not a refusal
    assert (saved.start, saved.due) == ("2026-06-01", "2027-06-30")
    assert screen.status.text() == "Saved (dated outside the plan period)"


def test_action_dialog_points_out_dates_outside_the_period(qtbot: QtBot) -> None:
    dialog = ActionDialog([], goal_id=ANY_GOAL, period=("2026-03-01", "2027-02-28"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.description, "Family forum")
    dialog.start.setDate(QDate(2026, 2, 1))
    dialog.due.setDate(QDate(2026, 4, 1))
    assert dialog.period_note.isVisible()
    assert dialog.period_note.text().startswith("\u26a0 The start date is outside the plan period")
    assert dialog.outside_period() == ("start",)
    dialog.due.setDate(QDate(2027, 4, 1))
    assert dialog.period_note.text().startswith("\u26a0 Both dates are outside the plan period")
    # the note is shown whole: the dialog is tall enough for its wrapped lines
    note = dialog.period_note
    assert note.height() >= note.heightForWidth(note.width())
    assert dialog.action() is not None  # still accepted
    dialog.start.setDate(dialog.start.minimumDate())  # no start date
    dialog.due.setDate(QDate(2026, 4, 1))
    assert not dialog.period_note.isVisible() and dialog.outside_period() == ()
    # without a plan period (an action on its own) there is nothing to compare with
    alone = ActionDialog([], goal_id=ANY_GOAL)
    qtbot.addWidget(alone)
    alone.due.setDate(QDate(2040, 1, 1))
    assert alone.period_note.isHidden()


def test_a_new_action_is_offered_the_resources_of_its_goals_condition(
    qtbot: QtBot, pack: Pack, store: DistrictStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    screen.add_own("learner-supports.personalized-supports")
    screen.priorities.setCurrentIndex(screen.goal_model.index(0))
    goal = screen.goal
    assert goal is not None and goal.competency_id == "learner-supports.personalized-supports"
    condition = pack.competency(goal.competency_id).condition_id
    offered: list[list[str]] = []

    def look(dialog: ActionDialog) -> int:
        qtbot.addWidget(dialog)
        completer = dialog.resources.completer()
        assert completer is not None
        model = completer.model()
        offered.append([model.index(r, 0).data() for r in range(model.rowCount())])
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ActionDialog, "exec", look)
    screen.new_action()
    assert offered == [[r.title for r in pack.resources_for(condition)]]
    assert "Golden Ticket" in offered[0]


DISK_FULL = "The disk is full, so your last change was not saved. Earlier work is safe."


def test_refused_saves_on_the_plan_screens_say_so_once_and_change_nothing(
    qtbot: QtBot, pack: Pack, repo: Repository, monkeypatch: pytest.MonkeyPatch,
    dialogs: list[tuple[str, str]]
) -> None:
    """Set Goals and Learn and Improve save the app's one way (ui/saving.try_save)."""
    from navtool_desktop.storage.errors import StoreWriteError

    store = demo_store(repo, pack)

    def full(*_args: object) -> object:
        raise StoreWriteError(DISK_FULL)

    monkeypatch.setattr(store, "save_action", full)
    monkeypatch.setattr(store, "save_plan", full)
    board = ImproveScreen(pack, store, today=lambda: date(2025, 1, 20))
    qtbot.addWidget(board)
    board.show()
    errors: list[str] = []
    board.error.connect(errors.append)
    first = board.columns["in_progress"].action(0)
    column = board.column_views["in_progress"]
    column.setFocus()
    column.setCurrentIndex(board.columns["in_progress"].index(0))
    for _key in range(3):  # a burst of refused moves: one dialog, then the status line
        qtbot.keyClick(column, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert next(a for a in store.actions() if a.id == first.id).status == "in_progress"
    assert board.columns["in_progress"].row_of(first.id) == 0  # shown where the store has it
    assert board.status.text() == f"Not saved: {DISK_FULL}"
    assert dialogs == [("Not saved", DISK_FULL)] and errors == [DISK_FULL] * 3
    screen = plan_screen(qtbot, pack, store)
    plans = len(store.plans())
    screen.new_plan()
    assert len(store.plans()) == plans and screen.status.text() == f"Not saved: {DISK_FULL}"
    assert dialogs == [("Not saved", DISK_FULL)] * 2


def test_the_plan_screens_save_nothing_in_a_read_only_district(
    qtbot: QtBot, pack: Pack, repo: Repository, data_dir: Path, dialogs: list[tuple[str, str]]
) -> None:
    store = demo_store(repo, pack)
    district = store.id
    repo.close()
    with Repository(data_dir, read_only=True) as reader:
        readonly = reader.open_district(district, auto_backup=False)
        board = ImproveScreen(pack, readonly, today=lambda: date(2025, 1, 20))
        qtbot.addWidget(board)
        first = board.columns["in_progress"].action(0)
        assert board.set_status(first, "done") is None
        assert next(a for a in readonly.actions() if a.id == first.id).status == "in_progress"
        assert "read-only" in board.status.text()
        assert len(dialogs) == 1 and "read-only" in dialogs[0][1]


def pdf_words(data: bytes, tmp_path: Path) -> str:
    """The plan PDF's text as poppler's pdftotext reads it, on one line."""
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is not installed (make debs installs it)")
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    text = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select what the field holds, type ``text`` over it and press Enter."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for char in text:  # key events carrying the text (QTest types ASCII only: "ñ" too)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_what_is_typed_for_the_board_reaches_the_store_and_the_plan_pdf(
    qtbot: QtBot, pack: Pack, store: DistrictStore, tmp_path: Path
) -> None:
    from navtool_desktop.reports import render_plan
    from navtool_desktop.reports.data import load_plan

    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    goal = screen.accept_suggestion(0)
    assert goal is not None
    screen.tabs.setCurrentIndex(1)
    # the goal: who leads it, what it costs beyond its actions and who pays
    type_into(qtbot, screen.lead, "Chloé Durand")
    type_into(qtbot, screen.goal_cost, "2500")
    type_into(qtbot, screen.goal_funding, "Title II-A")
    assert screen.flush()
    # a measure with its baseline, target, data source and timing
    type_into(qtbot, screen.measure_text, "Staff who say students set their own goals")
    for edit, text in ((screen.measure_baseline, "41%"), (screen.measure_target, "70%"),
                       (screen.measure_source, "Spring staff survey"), (screen.measure_when, "Each May")):
        assert edit.isEnabled()
        type_into(qtbot, edit, text)
    # an action with a cost and a funding source (the action dialog)
    dialog = ActionDialog([m.name for m in store.profile.team], goal_id=goal.id,
                          funding=screen._funding_sources())
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.description, "Coach every teacher on goal setting")
    type_into(qtbot, dialog.cost, "1200")
    type_into(qtbot, dialog.funding, "General fund")
    action = dialog.action()
    assert action is not None and screen.save_action(action) is not None
    # the adoption record and the board's calendar
    screen.meeting_date.setDate(QDate(2026, 3, 19))
    type_into(qtbot, screen.resolution, "2026-117")
    type_into(qtbot, screen.vote, "5 for, 0 against, 1 absent")
    type_into(qtbot, screen.report_dates, "2027-01-15, 2026-10-15")

    saved_goal = store.goals()[0]
    assert (saved_goal.lead, saved_goal.cost, saved_goal.funding) == ("Chloé Durand", 2500, "Title II-A")
    measure = saved_goal.measures[-1]
    assert (measure.text, measure.baseline, measure.target, measure.source, measure.when) == (
        "Staff who say students set their own goals", "41%", "70%", "Spring staff survey", "Each May")
    saved_action = store.actions(goal.id)[0]
    assert (saved_action.cost, saved_action.funding) == (1200, "General fund")
    plan = store.plans()[0]
    assert (plan.meeting_date, plan.resolution, plan.vote, plan.report_dates) == (
        "2026-03-19", "2026-117", "5 for, 0 against, 1 absent", ("2026-10-15", "2027-01-15"))
    assert screen.report_dates.text() == "2026-10-15, 2027-01-15"  # as the store holds them

    text = pdf_words(render_plan(pack, load_plan(store, pack, plan.id, today=TODAY)).pdf, tmp_path)
    for words in ("Chloé Durand", "Title II-A", "General fund", "41%", "70%", "Spring staff survey",
                  "Each May", "Resolution number 2026-117", "Vote 5 for, 0 against, 1 absent",
                  "Board meeting March 19, 2026", "October 15, 2026", "January 15, 2027",
                  "Total cost of the plan: $3,700"):
        assert words in text, words


def test_a_report_date_that_is_not_a_date_is_not_saved(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    type_into(qtbot, screen.report_dates, "2026-10-15, 2027-13-01")
    assert store.plans()[0].report_dates == ()
    assert screen.status.text().startswith("Not saved: write each report date as year-month-day")
    assert screen.report_dates.text() == "2026-10-15, 2027-13-01"  # kept to correct


def test_an_approved_plan_keeps_its_adoption_record_and_goal_fields(
    qtbot: QtBot, pack: Pack, store: DistrictStore
) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    assert screen.accept_suggestion(0) is not None
    screen.tabs.setCurrentIndex(1)
    screen.set_approval(store.plans()[0], "Ana Peña")
    for widget in (screen.lead, screen.goal_cost, screen.goal_funding, screen.measure_baseline):
        assert not widget.isEnabled()  # what the team approved stays
    # the adoption record is filled in when the board acts, after the team's approval
    for widget in (screen.meeting_date, screen.resolution, screen.vote, screen.report_dates):
        assert widget.isEnabled()
    screen.meeting_date.setDate(QDate(2026, 4, 2))
    screen.resolution.setText("2026-118")
    screen.vote.setText("5-0")
    assert screen.save_adoption() is not None
    plan = store.plans()[0]
    assert (plan.meeting_date, plan.resolution, plan.vote, plan.status) == ("2026-04-02", "2026-118", "5-0",
                                                                             "approved")


def test_alt_l_goes_to_the_goal_lead(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    assert screen.accept_suggestion(0) is not None
    screen.tabs.setCurrentIndex(1)
    screen.activateWindow()
    qtbot.waitActive(screen)
    screen.statement.setFocus()
    qtbot.waitUntil(screen.statement.hasFocus)
    qtbot.keyClick(screen.statement, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert screen.lead.hasFocus()


def test_closing_keeps_what_was_typed_in_a_field_not_yet_left(
    qtbot: QtBot, pack: Pack, store: DistrictStore
) -> None:
    """The adoption record and a measure's details save when the field is left; a close
    may come first, so they are part of the close contract (flush)."""
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    assert screen.accept_suggestion(0) is not None
    screen.tabs.setCurrentIndex(1)
    type_into(qtbot, screen.measure_text, "Students who set a goal each term")
    assert not screen.pending()
    screen.resolution.setText("2026-118")  # typed, the field not left
    screen.measure_target.setText("90%")
    assert screen.pending()
    assert screen.flush() and not screen.pending()
    assert store.plans()[0].resolution == "2026-118"
    assert store.goals()[0].measures[-1].target == "90%"
    screen.report_dates.setText("someday")
    assert screen.pending() and not screen.flush()  # said, not lost silently
    assert screen.status.text().startswith("Not saved: write each report date")


def test_the_network_agenda_shows_beside_the_plan(qtbot: QtBot, pack: Pack, store: DistrictStore) -> None:
    """Coach and network view: a district sees its network's agenda in Set Goals, marked against its goals."""
    screen = plan_screen(qtbot, pack, store)
    screen.new_plan()
    plan_id = screen.plan_combo.currentData()
    from navtool_desktop.core.records import Goal

    store.save_goal(Goal(plan_id=plan_id, competency_id="culture.celebrations", current_level="establishing",
                         target_level="developing", target_date="2027-06-30", term="short",
                         statement="Celebrate growth in every school."))
    screen.reload(select=plan_id)
    assert screen.agenda.goals == ["culture.celebrations"]
    tabs = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    assert tabs[-1] == "Networ&k agenda"
    assert screen.agenda.folder == store.folder
    assert plan_id and sorted(screen.agenda.goals) == sorted(g.competency_id for g in store.goals(plan_id))
    assert "No agenda yet" in screen.agenda.body.text()
