"""Plan rules with one home (core/planning.py): every output follows the team's priority
order, an approved plan is read-only (a revision changes it), goal dates follow the period.

Each defect here was reproduced on the old code (issue 15, trial finding 9)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from report_helpers import pdf_text

from navtool_desktop.cli import main
from navtool_desktop.core import planning
from navtool_desktop.core.records import Action, Cycle, District, Goal, Plan, ProgressNote, utc_now
from navtool_desktop.framework import Pack
from navtool_desktop.reports import load_plan, render_plan
from navtool_desktop.storage import Repository
from navtool_desktop.storage.errors import InvalidChangeError
from navtool_desktop.storage.repository import DistrictStore

VOICE, GOAL_SETTING, EFFICACY = "agency.voice", "agency.goal-setting", "agency.collective-efficacy"
START, END = "2026-12-01", "2027-11-30"


@pytest.fixture
def store(repo: Repository, pack: Pack) -> DistrictStore:
    """A district with one cycle and a draft plan of three goals, made Voice, Goal Setting,
    Collective Efficacy in that order, each with one action."""
    store = repo.create_district(District(name="Pine Ridge USD"))
    store.import_cycle(Cycle(title="Fall retreat", date="2026-11-20", scope=("agency",),
                             framework_id=pack.id, framework_version=pack.version))
    plan = store.save_plan(Plan(title="Plan", period_start=START, period_end=END))
    for rank, competency in enumerate((VOICE, GOAL_SETTING, EFFICACY)):
        name = pack.competency(competency).name
        goal = store.save_goal(Goal(  # as planning.new_goal makes it (kept literal: the old code lacks it)
            plan_id=plan.id, competency_id=competency, current_level="not_sure",
            target_level="developing", target_date=END, term="short", rank=rank,
            statement=f"Move {name} from not sure to Developing by {END}."))
        store.save_action(Action(goal_id=goal.id, description=f"Act on {competency}", due=END))
    return store


def rerank_the_old_way(store: DistrictStore, order: list[str]) -> None:
    """What Set Goals did: one save_goal per goal with its new rank."""
    goals = {g.competency_id: g for g in store.goals()}
    for rank, competency in enumerate(order):
        store.save_goal(goals[competency].replace(rank=rank, updated=utc_now()))


TEAM_ORDER = [EFFICACY, VOICE, GOAL_SETTING]


def test_the_signed_plan_pdf_follows_the_priority_order(store: DistrictStore, pack: Pack,
                                                        tmp_path: Path) -> None:
    rerank_the_old_way(store, TEAM_ORDER)
    data = load_plan(store, pack)
    assert [g.competency_id for g in data.goals] == TEAM_ORDER
    text = " ".join(pdf_text(render_plan(pack, data).pdf, tmp_path).split())
    names = [pack.competency(c).name for c in TEAM_ORDER]
    places = [text.index(f"Goal {n}: {name}") for n, name in enumerate(names, 1)]
    assert places == sorted(places)


def test_navtool_plan_and_the_actions_csv_follow_the_priority_order(
        store: DistrictStore, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rerank_the_old_way(store, TEAM_ORDER)
    store.repo.close()
    assert main(["plan", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g["competency"] for g in data["goals"]] == TEAM_ORDER
    out = tmp_path / "actions.csv"
    assert main(["export-csv", "--what", "actions", "--out", str(out)]) == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r[5] for r in rows[1:]] == [f"Act on {c}" for c in TEAM_ORDER]


def test_reordering_is_one_write_of_every_rank(store: DistrictStore) -> None:
    goals = store.goals()
    moved = planning.move_goal(goals, goals[2].id, -2)
    assert [g.rank for g in moved] == [0, 1, 2]
    before = store._file.storage.read()["meta"]["1"]["generation"]  # type: ignore[index]
    store.save_goals(moved)
    assert store._file.storage.read()["meta"]["1"]["generation"] == before + 1  # type: ignore[index]
    with Repository(store.repo.folder, read_only=True) as again:
        assert [g.competency_id for g in again.open_district(store.id).goals()] == TEAM_ORDER


def test_an_approved_plan_is_read_only(store: DistrictStore) -> None:
    plan = store.plans()[0]
    approved = store.save_plan(plan.replace(status="approved", approved_by="Ana Peña, Superintendent",
                                            approved_at=utc_now()))
    goal = store.goals(plan.id)[0]
    action = store.actions(goal.id)[0]
    refusals = [
        lambda: store.save_goal(goal.replace(statement="Changed after approval.")),
        lambda: store.save_goal(goal.replace(measures=(*goal.measures,))  # a new measure
                                .replace(target_level="refining")),
        lambda: store.save_goal(goal.replace(rank=5)),
        lambda: store.delete_goal(goal.id),
        lambda: store.save_action(action.replace(description="Changed")),
        lambda: store.save_action(Action(goal_id=goal.id, description="Added after approval")),
        lambda: store.delete_action(action.id),
        lambda: store.save_plan(approved.replace(period_end="2028-06-30")),
        lambda: store.save_plan(approved.replace(title="Another title")),
    ]
    for refused in refusals:
        with pytest.raises(InvalidChangeError, match="approved, so it cannot change"):
            refused()
    with Repository(store.repo.folder, read_only=True) as again:
        on_disk = again.open_district(store.id)
        assert on_disk.goals(plan.id) == store.goals(plan.id)
        assert on_disk.plans()[0].approved_by == "Ana Peña, Superintendent"
    # Progress goes on: action status and notes, and who signs.
    store.save_action(action.replace(status="in_progress"))
    store.save_progress_note(ProgressNote(action_id=action.id, date="2027-01-10", text="Started"))
    store.save_plan(approved.replace(meeting_date="2026-12-15"))


def test_a_revision_is_a_new_draft_with_copies(store: DistrictStore) -> None:
    plan = store.save_plan(planning.approve(store.plans()[0], "Board", utc_now()))
    old_goals = store.goals(plan.id)
    revision = store.revise_plan(plan.id)
    assert revision.status == "draft" and revision.revises == plan.id and revision.id != plan.id
    assert not revision.approved_by
    new_goals = store.goals(revision.id)
    assert [g.competency_id for g in new_goals] == [g.competency_id for g in old_goals]
    assert {g.id for g in new_goals}.isdisjoint(g.id for g in old_goals)
    assert [a.description for g in new_goals for a in store.actions(g.id)] == \
        [a.description for g in old_goals for a in store.actions(g.id)]
    store.save_goal(new_goals[0].replace(statement="Revised."))  # the draft changes
    assert store.goals(plan.id) == old_goals  # the approved one does not
    # The approved plan stays in force until the revision is approved.
    assert planning.current_plan(store.plans()) == store.plans()[0] == plan
    store.save_plan(planning.approve(store.get_plan(revision.id), "Board", utc_now()))
    assert planning.current_plan(store.plans()).id == revision.id  # type: ignore[union-attr]


def test_goal_dates_follow_a_changed_period(store: DistrictStore) -> None:
    plan = store.plans()[0]
    own = store.goals(plan.id)[1]
    store.save_goal(own.replace(target_date="2027-06-30", statement="Our own words."))
    store.save_plan(plan.replace(period_start="2027-07-01", period_end="2028-06-30"))
    goals = {g.competency_id: g for g in store.goals(plan.id)}
    assert goals[VOICE].target_date == "2028-06-30"
    assert goals[VOICE].statement.endswith("by 2028-06-30.")
    assert goals[GOAL_SETTING].target_date == "2028-06-30"  # it was before the new period
    assert goals[GOAL_SETTING].statement == "Our own words."
    with Repository(store.repo.folder, read_only=True) as again:
        assert {g.target_date for g in again.open_district(store.id).goals()} == {"2028-06-30"}


def test_a_goal_inside_the_new_period_keeps_its_date(store: DistrictStore) -> None:
    plan = store.plans()[0]
    own = store.goals(plan.id)[0]
    store.save_goal(own.replace(target_date="2027-06-30"))
    store.save_plan(plan.replace(period_end="2027-12-31"))
    dates = {g.competency_id: g.target_date for g in store.goals(plan.id)}
    assert dates == {VOICE: "2027-06-30", GOAL_SETTING: "2027-12-31", EFFICACY: "2027-12-31"}


def test_new_goal_from_a_suggestion(pack: Pack) -> None:
    plan = Plan(title="Plan", period_start=START, period_end=END)
    first = planning.new_goal(pack, plan, VOICE, None, [])
    assert (first.current_level, first.target_level, first.rank, first.target_date) == \
        ("not_sure", "developing", 0, END)
    assert first.statement == f"Move Voice from not sure to Developing by {END}."
    later = planning.new_goal(pack, plan, EFFICACY, None, [first, first.replace(rank=4)],
                              level_word=str.upper)
    assert later.rank == 5 and later.statement == f"Move Collective Efficacy from NOT_SURE to DEVELOPING by {END}."


def test_rank_as_and_move_goal(pack: Pack) -> None:
    plan = Plan(title="Plan", period_start=START, period_end=END)
    goals: list[Goal] = []
    for competency in (VOICE, GOAL_SETTING, EFFICACY):
        goals.append(planning.new_goal(pack, plan, competency, None, goals))
    assert planning.move_goal(goals, goals[0].id, -1) == []
    assert planning.move_goal(goals, goals[0].id, 3) == []
    ranked = {g.id: g.rank for g in planning.rank_as(goals, [EFFICACY])}
    assert ranked == {goals[2].id: 0, goals[0].id: 1, goals[1].id: 2}
    with pytest.raises(ValueError, match="no goal"):
        planning.rank_as(goals, ["agency.nothing"])
