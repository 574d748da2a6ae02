"""Planning rules: priority suggestions and their ranking, targets reached, overdue, growth."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from navtool_desktop.core import planning
from navtool_desktop.core.records import Action, Consensus, Cycle, Goal, Participant, Plan, Rating
from navtool_desktop.core.results import CycleInput, CycleResults, cycle_results
from navtool_desktop.framework import Pack

GOAL_SETTING, VOICE, EFFICACY = "agency.goal-setting", "agency.voice", "agency.collective-efficacy"
TYPES, NETWORKS = "partnerships.types-of-partnerships", "partnerships.networks"
PLAN_ID = "0b6f2b8e-3c1a-4e5b-9a7d-2f4c6e8a0b1c"


def run(pack: Pack, when: str, consensus: dict[str, str],
        votes: Sequence[tuple[str, str, str, int]] = (),
        scope: tuple[str, ...] | None = ("agency", "partnerships")) -> CycleResults:
    """One cycle's results: ``votes`` are (role group, competency, level, how many people)."""
    cycle = Cycle(title=f"Cycle {when}", date=when, scope=scope, framework_id=pack.id,
                  framework_version=pack.version)
    people: list[Participant] = []
    ratings: list[Rating] = []
    for role, competency, level, count in votes:
        for _n in range(count):
            person = Participant(name=f"P{len(people)}", role_group=role)
            people.append(person)
            ratings.append(Rating(participant_id=person.id, competency_id=competency, level=level))
    agreed = tuple(Consensus(competency_id=c, level=lv) for c, lv in consensus.items())
    return cycle_results(pack, CycleInput(cycle, tuple(people), tuple(ratings), (), agreed))


# --- suggestions ----------------------------------------------------------------------------


@pytest.fixture
def fall(pack: Pack) -> CycleResults:
    return run(pack, "2025-09-20", {
        GOAL_SETTING: "establishing", VOICE: "operationalizing", EFFICACY: "developing",
        TYPES: "operationalizing", NETWORKS: "establishing",
    }, votes=[("leader", VOICE, "refining", 3), ("learner", VOICE, "developing", 3)])


def test_suggestions_are_ranked_by_score_with_their_reasons(pack: Pack, fall: CycleResults) -> None:
    found = planning.suggest_priorities(pack, fall)
    assert [(s.competency_id, s.score) for s in found] == [
        (VOICE, 6), (GOAL_SETTING, 5), (NETWORKS, 3), (EFFICACY, 2)]
    kinds = {s.competency_id: [r.kind for r in s.reasons] for s in found}
    assert kinds[VOICE] == [planning.PRIORITY_CONDITION, planning.LOW_AGREEMENT, planning.GROUP_GAP]
    assert kinds[GOAL_SETTING] == [planning.LOWEST_LEVEL, planning.PRIORITY_CONDITION]
    assert kinds[NETWORKS] == [planning.LOWEST_LEVEL]
    assert TYPES not in kinds  # no reason at all: not suggested


def test_reasons_read_as_plain_words(pack: Pack, fall: CycleResults) -> None:
    voice = planning.suggest_priorities(pack, fall)[0]
    texts = [planning.reason_text(pack, r) for r in voice.reasons]
    assert texts[-1] == "Role groups 2 levels apart: leaders say Refining, learners say Developing"
    networks = planning.suggest_priorities(pack, fall)[2]
    assert planning.reason_text(pack, networks.reasons[0]) == (
        "At Establishing, the lowest level in this cycle")


def test_chosen_competencies_are_left_out(pack: Pack, fall: CycleResults) -> None:
    found = planning.suggest_priorities(pack, fall, exclude=[VOICE, NETWORKS])
    assert [s.competency_id for s in found] == [GOAL_SETTING, EFFICACY]


def test_ties_go_to_the_lower_average_vote_before_framework_order(pack: Pack) -> None:
    results = run(pack, "2025-09-20", {TYPES: "establishing", NETWORKS: "establishing"},
                  votes=[("educator", TYPES, "developing", 3), ("educator", NETWORKS, "establishing", 3)],
                  scope=("partnerships",))
    assert [s.competency_id for s in planning.suggest_priorities(pack, results)] == [NETWORKS, TYPES]


def test_a_hidden_role_group_never_makes_a_gap(pack: Pack) -> None:
    results = run(pack, "2025-09-20", {}, scope=("agency",), votes=[
        ("leader", VOICE, "refining", 2), ("learner", VOICE, "establishing", 3),
        ("educator", VOICE, "establishing", 3)])
    assert planning.group_gap(results.competency(VOICE)) is None
    results = run(pack, "2025-09-20", {}, scope=("agency",), votes=[
        ("leader", VOICE, "operationalizing", 3), ("learner", VOICE, "establishing", 3),
        ("educator", VOICE, "developing", 3)])
    gap = planning.group_gap(results.competency(VOICE))
    assert gap is not None and gap.gap == 2
    assert gap.high == ("leader", "operationalizing") and gap.low == ("learner", "establishing")


def test_next_level_is_the_default_target() -> None:
    assert planning.next_level("establishing") == "developing"
    assert planning.next_level("refining") == "refining"
    assert planning.next_level("not_sure") == "developing"
    assert planning.next_level(None) == "developing"


# --- plans and targets ----------------------------------------------------------------------


def plan(status: str = "draft", start: str = "2025-10-01", created: str = "2025-09-30T10:00:00Z") -> Plan:
    return Plan(title="Plan", period_start=start, period_end="2026-09-30", status=status,
                approved_by="Dana Begay" if status == "approved" else "",
                approved_at="2025-10-20T10:00:00Z" if status == "approved" else "", created=created)


def test_current_plan_is_the_latest_approved_else_the_latest_draft() -> None:
    old = plan("approved", start="2024-10-01")
    newer_draft = plan("draft", start="2025-10-01")
    assert planning.current_plan([newer_draft, old]) == old
    assert planning.current_plan([newer_draft, plan("draft", start="2023-10-01")]) == newer_draft
    assert planning.current_plan([]) is None
    assert planning.goal_set_on(newer_draft) == "2025-09-30"


def goal(target: str = "operationalizing") -> Goal:
    return Goal(plan_id=PLAN_ID, competency_id=VOICE, current_level="developing",
                target_level=target, target_date="2026-06-01", term="short", statement="Grow voice.")


def test_target_reached_uses_the_latest_cycle_after_the_goal_was_set(pack: Pack) -> None:
    before = run(pack, "2025-01-10", {VOICE: "refining"})
    same_day = run(pack, "2025-02-01", {VOICE: "refining"})
    spring = run(pack, "2025-03-01", {VOICE: "developing"})
    not_covering = run(pack, "2025-06-01", {}, scope=("partnerships",))
    unsure = run(pack, "2025-07-01", {VOICE: "not_sure"})
    cycles = [spring, before, not_covering, same_day, unsure]
    check = planning.target_reached(goal(), "2025-02-01", cycles)
    assert (check.status, check.level, check.cycle_id) == (
        planning.NOT_REACHED, "developing", spring.cycle.id)
    fall = run(pack, "2025-09-01", {VOICE: "operationalizing"})
    check = planning.target_reached(goal(), "2025-02-01", [*cycles, fall])
    assert (check.status, check.level, check.cycle_date) == (
        planning.REACHED, "operationalizing", "2025-09-01")
    above = run(pack, "2025-10-01", {VOICE: "refining"})
    assert planning.target_reached(goal(), "2025-02-01", [above]).status == planning.REACHED


def test_target_not_assessed_without_a_later_cycle(pack: Pack) -> None:
    check = planning.target_reached(goal(), "2025-02-01", [run(pack, "2025-01-10", {VOICE: "refining"})])
    assert check.status == planning.NOT_ASSESSED and check.level is None


# --- overdue --------------------------------------------------------------------------------

TODAY = date(2026, 3, 1)


def action(due: str, status: str = "in_progress") -> Action:
    return Action(goal_id=PLAN_ID, description="Learning walk", start="2026-01-05", due=due,
                  status=status)


@pytest.mark.parametrize(("due", "status", "marks"), [
    ("2026-02-28", "in_progress", ("overdue",)),
    ("2026-02-28", "not_started", ("overdue",)),
    ("2026-03-01", "in_progress", ()),  # due today is not late yet
    ("2026-02-01", "done", ()),
    ("2026-02-01", "blocked", ("overdue", "blocked")),
    ("2026-04-01", "blocked", ("blocked",)),
    ("", "not_started", ()),
])
def test_overdue_rule(due: str, status: str, marks: tuple[str, ...]) -> None:
    assert planning.action_marks(action(due, status), TODAY) == marks
    assert planning.is_overdue(action(due, status), TODAY) == ("overdue" in marks)


def test_days_overdue() -> None:
    assert planning.days_overdue(action("2026-02-20"), TODAY) == 9
    assert planning.days_overdue(action("2026-02-20", "done"), TODAY) == 0


# --- growth ---------------------------------------------------------------------------------


def test_growth_across_three_cycles(pack: Pack) -> None:
    fall = run(pack, "2024-09-20", {VOICE: "establishing", GOAL_SETTING: "developing",
                                    EFFICACY: "developing"})
    winter = run(pack, "2024-12-05", {TYPES: "developing"}, scope=("partnerships",))
    spring = run(pack, "2025-03-10", {VOICE: "operationalizing", GOAL_SETTING: "operationalizing",
                                      EFFICACY: "not_sure"})
    series = {s.item_id: s for s in planning.competency_growth(pack, [spring, fall, winter])}
    voice = series[VOICE]
    assert [p.date for p in voice.points] == ["2024-09-20", "2024-12-05", "2025-03-10"]
    assert [p.value for p in voice.points] == [1.0, None, 3.0]
    assert voice.change == 2.0
    assert [p.value for p in series[EFFICACY].points] == [2.0, None, None]
    assert series[EFFICACY].change is None  # one known point only
    assert list(series)[:2] == [c.id for c in pack.competencies[:2]]  # pack order

    agency = {s.item_id: s for s in planning.condition_growth(pack, [fall, winter, spring])}["agency"]
    # fall: establishing, developing, developing -> mean 1.67; spring: 3, 3 (not sure left out)
    assert [p.value for p in agency.points] == [1.67, None, 3.0]
    assert agency.change == 1.33
