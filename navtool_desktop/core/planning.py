"""Set Goals and Learn and Improve rules: priority suggestions, targets reached, overdue actions, growth.

Pure functions over the domain records and :mod:`~navtool_desktop.core.results` (no Qt, no
storage), shared by the plan screens, the ``navtool plan`` command and reports.

Terms used throughout:

* a competency's **level** in a cycle is its heat-map level (consensus, else median; see
  :func:`~navtool_desktop.core.results.heat_level`); "not sure" counts as no level;
* a goal is **set** on the day its plan was created: only cycles dated after that day can
  show the goal reached (a cycle on the same day is the baseline the goal came from);
* an action is **overdue** when its due date is before today and it is not done (a blocked
  action can be overdue too; blocked actions are always marked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from navtool_desktop.core.records import LEVELS, RATING_CHOICES, Action, Cycle, Goal, Plan, StatusChange, new_id
from navtool_desktop.core.results import SHOWN, CompetencyResult, CycleResults, level_index
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.vocabulary import role_name

# --- priority suggestions -------------------------------------------------------------------

#: Why a competency is suggested as a priority.
PRIORITY_CONDITION = "priority_condition"
LOWEST_LEVEL = "lowest_level"
LOW_AGREEMENT = "low_agreement"
GROUP_GAP = "group_gap"
REASON_KINDS: tuple[str, ...] = (LOWEST_LEVEL, PRIORITY_CONDITION, LOW_AGREEMENT, GROUP_GAP)

#: Points each reason adds to a suggestion's score.
REASON_WEIGHTS: dict[str, int] = {LOWEST_LEVEL: 3, PRIORITY_CONDITION: 2, LOW_AGREEMENT: 2,
                                  GROUP_GAP: 2}
#: Role groups whose medians lie this many levels apart or more disagree "a lot".
GROUP_GAP_STEPS = 2


def suggestion_rule() -> str:
    """The suggestion rule, as shown to people."""
    return _(
        "Suggested priorities: a competency is suggested when it is at the lowest level found in "
        "the cycle (3 points), belongs to one of the four priority conditions (2 points), has low "
        "agreement (2 points), or role groups shown in the results place it two or more levels "
        "apart (2 points). The most points come first; ties go to the lower level, then the "
        "lower average vote, then framework order."
    )


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason to suggest a competency.

    ``level`` is the competency's level (for :data:`LOWEST_LEVEL`); ``high`` and ``low``
    name the role groups furthest apart and ``gap`` the levels between them (for
    :data:`GROUP_GAP`).
    """

    kind: str
    level: str | None = None
    high: tuple[str, str] | None = None  # (role group, median level)
    low: tuple[str, str] | None = None
    gap: int = 0

    @property
    def weight(self) -> int:
        return REASON_WEIGHTS[self.kind]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A competency suggested as a priority, with its reasons (strongest first) and score."""

    competency_id: str
    condition_id: str
    level: str | None
    mean: float | None
    reasons: tuple[Reason, ...]

    @property
    def score(self) -> int:
        return sum(r.weight for r in self.reasons)


def group_gap(result: CompetencyResult) -> Reason | None:
    """The :data:`GROUP_GAP` reason when shown role groups' medians are far apart, else None.

    Only groups shown in the results (enough people, see the anonymity threshold) count.
    """
    medians = [(g.role_group, g.summary.median) for g in result.groups
               if g.status == SHOWN and g.summary is not None and g.summary.median is not None]
    if len(medians) < 2:
        return None
    high = max(medians, key=lambda m: level_index(m[1]) or 0)
    low = min(medians, key=lambda m: level_index(m[1]) or 0)
    gap = (level_index(high[1]) or 0) - (level_index(low[1]) or 0)
    if gap < GROUP_GAP_STEPS:
        return None
    return Reason(GROUP_GAP, high=high, low=low, gap=gap)


def suggest_priorities(pack: Pack, results: CycleResults,
                       exclude: Iterable[str] = ()) -> tuple[Suggestion, ...]:
    """Competencies of a cycle worth making priorities, ranked by :data:`suggestion_rule()`.

    Only competencies with at least one reason are listed; ids in ``exclude`` (already
    chosen) are left out.
    """
    skip = set(exclude)
    levels = [level_index(c.level) for c in results.competencies]
    lowest = min((n for n in levels if n is not None), default=None)
    order = {c.id: n for n, c in enumerate(pack.competencies)}
    found: list[Suggestion] = []
    for result in results.competencies:
        if result.competency_id in skip:
            continue
        index = level_index(result.level)
        reasons: list[Reason] = []
        if index is not None and index == lowest:
            reasons.append(Reason(LOWEST_LEVEL, level=result.level))
        if pack.condition(result.condition_id).priority:
            reasons.append(Reason(PRIORITY_CONDITION))
        if result.overall.low_agreement:
            reasons.append(Reason(LOW_AGREEMENT))
        gap = group_gap(result)
        if gap is not None:
            reasons.append(gap)
        if reasons:
            found.append(Suggestion(result.competency_id, result.condition_id,
                                    result.level if index is not None else None,
                                    result.overall.mean, tuple(reasons)))
    return tuple(sorted(found, key=lambda s: (
        -s.score,
        level_index(s.level) or len(LEVELS) + 1,
        s.mean if s.mean is not None else len(LEVELS) + 1,
        order.get(s.competency_id, len(order)))))


def level_name(pack: Pack, level: str | None) -> str:
    """The pack's name for a level (``—`` for none or not sure)."""
    for stage in pack.stages:
        if stage.id == level:
            return stage.name
    return _("not sure") if level == "not_sure" else "\u2014"


def reason_text(pack: Pack, reason: Reason) -> str:
    """A reason in plain words."""
    if reason.kind == LOWEST_LEVEL:
        return _("At {level}, the lowest level in this cycle").format(
            level=level_name(pack, reason.level))
    if reason.kind == PRIORITY_CONDITION:
        return _("In one of the four priority conditions")
    if reason.kind == LOW_AGREEMENT:
        return _("Low agreement among the team")
    assert reason.high is not None and reason.low is not None
    return _("Role groups {gap} levels apart: {high} say {high_level}, {low} say {low_level}").format(
        gap=reason.gap, high=role_name(reason.high[0], plural=True),
        high_level=level_name(pack, reason.high[1]), low=role_name(reason.low[0], plural=True),
        low_level=level_name(pack, reason.low[1]))


def next_level(level: str | None) -> str:
    """The default target: one level up (Refining stays Refining; no level aims at Developing)."""
    if level not in LEVELS:
        return LEVELS[1]
    return LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)]


# --- plans ---------------------------------------------------------------------------------


def current_plan(plans: Iterable[Plan]) -> Plan | None:
    """The plan in force: the latest approved one, else the latest draft (by period, then creation)."""
    ordered = sorted(plans, key=lambda p: (p.period_start, p.created))
    approved = [p for p in ordered if p.status == "approved"]
    if approved:
        return approved[-1]
    return ordered[-1] if ordered else None


def goal_set_on(plan: Plan) -> str:
    """The day a plan's goals count as set (the plan's creation day, ISO date)."""
    return plan.created[:10]


def ordered_goals(goals: Iterable[Goal]) -> list[Goal]:
    """A plan's goals in the team's order of priority: by rank, then as given (creation).

    Every list of goals shown or printed (Set Goals, Learn and Improve, ``navtool plan``, the
    plan PDF, the CSV and XLSX tables) comes in this order.
    """
    return [g for _n, g in sorted(enumerate(goals), key=lambda ng: (ng[1].rank, ng[0]))]


def default_statement(competency: str, current: str, target: str, by: str) -> str:
    """The statement a new goal starts with (``current``/``target`` are level names)."""
    return _("Move {competency} from {current} to {target} by {date}.").format(
        competency=competency, current=current, target=target, date=by)


def new_goal(pack: Pack, plan: Plan, competency_id: str, results: CycleResults | None,
             existing: Sequence[Goal], *, level_word: Callable[[str], str] | None = None) -> Goal:
    """The goal made when the team accepts a suggestion or adds a competency as a priority.

    Its current level is the competency's level in ``results`` (the cycle chosen; "not sure"
    without one), its target one level up (:func:`next_level`), its date the plan's end, its
    rank after the plan's ``existing`` goals, and its statement :func:`default_statement`
    (levels named by ``level_word``, by default the pack's stage names).
    """
    words = level_word or (lambda level: level_name(pack, level))
    level = None
    if results is not None:
        try:
            level = results.competency(competency_id).level
        except KeyError:
            level = None
    current = level if level in RATING_CHOICES else "not_sure"
    target = next_level(current)
    rank = max((g.rank + 1 for g in existing), default=0)
    return Goal(plan_id=plan.id, competency_id=competency_id, current_level=current,
                target_level=target, target_date=plan.period_end, term="short", rank=rank,
                statement=default_statement(pack.competency(competency_id).name, words(current),
                                            words(target), plan.period_end))


def move_goal(goals: Iterable[Goal], goal_id: str, delta: int) -> list[Goal]:
    """Move one goal ``delta`` places in the order of priority; the goals whose rank changed.

    The result is renumbered 0, 1, 2… in the new order (save all of it in one write, see
    ``DistrictStore.save_goals``); empty when the move would leave the list.
    """
    ordered = ordered_goals(goals)
    row = next((n for n, g in enumerate(ordered) if g.id == goal_id), None)
    if row is None or not 0 <= row + delta < len(ordered) or delta == 0:
        return []
    ordered.insert(row + delta, ordered.pop(row))
    return [g.replace(rank=n) for n, g in enumerate(ordered) if g.rank != n]


def rank_as(goals: Iterable[Goal], order: Sequence[str]) -> list[Goal]:
    """Give the goals the order of ``order`` (goal ids, or competency ids); the goals whose
    rank changed. Goals not named keep their order after the named ones."""
    ordered = ordered_goals(goals)
    place = {key: n for n, key in enumerate(order)}
    unknown = [key for key in order if not any(key in (g.id, g.competency_id) for g in ordered)]
    if unknown:
        raise ValueError(_("the plan has no goal {id}").format(id=unknown[0]))
    first = len(place)
    ranked = sorted(enumerate(ordered), key=lambda ng: (
        place.get(ng[1].id, place.get(ng[1].competency_id, first)), ng[0]))
    return [g.replace(rank=n) for n, (_i, g) in enumerate(ranked) if g.rank != n]


# --- approval and revisions -----------------------------------------------------------------

DRAFT, APPROVED = "draft", "approved"


class PlanFrozenError(ValueError):
    """An approved plan was to change (its goals and actions are what was approved)."""


def approve(plan: Plan, by: str, at: str) -> Plan:
    """The plan approved by ``by`` (names and roles) at ``at`` (UTC time)."""
    who = by.strip()
    if not who:
        raise ValueError(_("say who approves the plan"))
    if plan.status == APPROVED:
        raise PlanFrozenError(_("The plan \u201c{title}\u201d is already approved.").format(
            title=plan.title))
    return plan.replace(status=APPROVED, approved_by=who, approved_at=at)


def frozen_message(plan: Plan) -> str:
    return _("The plan \u201c{title}\u201d is approved, so it cannot change; make a revision "
             "of it to change it.").format(title=plan.title)


#: What may change on an approved plan: who signs it and the adoption record (the meeting, the
#: resolution, the vote and the dates the board hears progress are recorded when the board acts).
PLAN_FIELDS_AFTER_APPROVAL = frozenset({"signers", "meeting_date", "resolution", "vote", "report_dates",
                                        "updated", "version", "prior"})
#: What may change on an action of an approved plan: its progress (Learn and Improve).
ACTION_FIELDS_AFTER_APPROVAL = frozenset({"status", "status_history", "updated", "version", "prior"})


def _changed_fields(old: object, new: object) -> set[str]:
    return {name for name in getattr(old, "__dataclass_fields__", {})
            if getattr(old, name) != getattr(new, name)}


def check_plan_change(stored: Plan | None, plan: Plan) -> None:
    """Refuse a change of an approved plan (:class:`PlanFrozenError`) beyond its signers
    and meeting date. A draft may be approved; an approved plan stays approved."""
    if stored is None or stored.status != APPROVED:
        return
    if _changed_fields(stored, plan) - PLAN_FIELDS_AFTER_APPROVAL:
        raise PlanFrozenError(frozen_message(stored))


def check_goal_change(plan: Plan) -> None:
    """Refuse adding, changing, re-ranking or removing a goal of an approved plan."""
    if plan.status == APPROVED:
        raise PlanFrozenError(frozen_message(plan))


def check_action_change(plan: Plan, stored: Action | None, action: Action | None) -> None:
    """Refuse a change of an approved plan's actions other than their status (progress);
    ``action`` None is a removal, ``stored`` None an addition."""
    if plan.status != APPROVED:
        return
    if stored is None or action is None or _changed_fields(stored, action) - ACTION_FIELDS_AFTER_APPROVAL:
        raise PlanFrozenError(frozen_message(plan))


@dataclass(frozen=True, slots=True)
class Revision:
    """A new draft of a plan with copies of its goals and actions (new ids)."""

    plan: Plan
    goals: tuple[Goal, ...]
    actions: tuple[Action, ...]


def revise(plan: Plan, goals: Iterable[Goal], actions: Iterable[Action], at: str) -> Revision:
    """A revision of ``plan``: a draft that records which plan it revises (``revises``),
    with copies of the goals (same order) and actions. The approved plan stays as it was,
    and stays the plan in force until the revision is approved (:func:`current_plan`)."""
    copy = plan.replace(id=new_id(), status=DRAFT, approved_by="", approved_at="", revises=plan.id,
                        title=plan.title, created=at, updated=at, version="", prior="")
    new_goals: list[Goal] = []
    goal_ids: dict[str, str] = {}
    for n, goal in enumerate(ordered_goals(goals)):
        fresh = goal.replace(id=new_id(), plan_id=copy.id, rank=n, updated=at, version="", prior="")
        goal_ids[goal.id] = fresh.id
        new_goals.append(fresh)
    new_actions = tuple(a.replace(id=new_id(), goal_id=goal_ids[a.goal_id], updated=at, version="",
                                  prior="")
                        for a in actions if a.goal_id in goal_ids)
    return Revision(copy, tuple(new_goals), new_actions)


def follow_period(old: Plan, new: Plan, goals: Iterable[Goal]) -> list[Goal]:
    """The goals whose dates follow a changed plan period; the changed goals only.

    A goal dated at the old period's end, or outside the new period, moves to the new end;
    its statement's "by <old date>" moves with it (a statement the team rewrote without
    that date is left alone).
    """
    if (old.period_start, old.period_end) == (new.period_start, new.period_end):
        return []
    moved = []
    for goal in goals:
        date_ = goal.target_date
        if date_ == old.period_end or not new.period_start <= date_ <= new.period_end:
            statement = goal.statement.replace(date_, new.period_end) if date_ else goal.statement
            if (new.period_end, statement) != (goal.target_date, goal.statement):
                moved.append(goal.replace(target_date=new.period_end, statement=statement))
    return moved


# --- targets reached -----------------------------------------------------------------------

REACHED, NOT_REACHED, NOT_ASSESSED = "reached", "not_reached", "not_assessed"
TARGET_STATUSES: tuple[str, ...] = (REACHED, NOT_REACHED, NOT_ASSESSED)


@dataclass(frozen=True, slots=True)
class TargetCheck:
    """Whether a goal's target level was reached, and by which cycle.

    ``level`` and ``cycle_id`` come from the latest cycle after the goal was set that gives
    the competency a level; both are None when there is no such cycle (:data:`NOT_ASSESSED`).
    """

    goal_id: str
    target_level: str
    status: str
    level: str | None = None
    cycle_id: str | None = None
    cycle_date: str | None = None


def target_reached(goal: Goal, set_on: str, results: Sequence[CycleResults]) -> TargetCheck:
    """Compare a goal's target with the competency's level in the latest later cycle.

    Cycles dated on or before ``set_on`` (ISO date) are ignored, as are cycles that do not
    cover the competency or give it no level. Reached means at the target level or above.
    """
    later = sorted((r for r in results if r.cycle.date > set_on),
                   key=lambda r: (r.cycle.date, r.cycle.created), reverse=True)
    for result in later:
        try:
            level = result.competency(goal.competency_id).level
        except KeyError:
            continue
        index = level_index(level)
        if index is None:
            continue
        target = level_index(goal.target_level) or 0
        return TargetCheck(goal.id, goal.target_level, REACHED if index >= target else NOT_REACHED,
                           level, result.cycle.id, result.cycle.date)
    return TargetCheck(goal.id, goal.target_level, NOT_ASSESSED)


# --- overdue actions -----------------------------------------------------------------------

OVERDUE, BLOCKED = "overdue", "blocked"


def is_overdue(action: Action, today: date) -> bool:
    """Due before ``today`` and not done (blocked actions included)."""
    return bool(action.due) and action.status != "done" and date.fromisoformat(action.due) < today


def action_marks(action: Action, today: date) -> tuple[str, ...]:
    """What to call attention to: :data:`OVERDUE` and/or :data:`BLOCKED`, in that order."""
    marks = []
    if is_overdue(action, today):
        marks.append(OVERDUE)
    if action.status == "blocked":
        marks.append(BLOCKED)
    return tuple(marks)


def days_overdue(action: Action, today: date) -> int:
    """How many days past its due date an overdue action is (0 if it is not overdue)."""
    return (today - date.fromisoformat(action.due)).days if is_overdue(action, today) else 0


# --- growth across cycles ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrowthPoint:
    """One cycle's value: a level index 1–4 (competency) or mean level index (condition).

    ``value`` is None when the cycle did not cover the item or gave it no level.
    """

    cycle_id: str
    date: str
    title: str
    value: float | None


@dataclass(frozen=True, slots=True)
class GrowthSeries:
    """An item's values by cycle date, oldest first."""

    item_id: str
    points: tuple[GrowthPoint, ...]

    @property
    def known(self) -> tuple[GrowthPoint, ...]:
        return tuple(p for p in self.points if p.value is not None)

    @property
    def change(self) -> float | None:
        """Last known value minus first known value (None with fewer than two)."""
        known = self.known
        if len(known) < 2:
            return None
        assert known[0].value is not None and known[-1].value is not None
        return round(known[-1].value - known[0].value, 2)


def on_pack(pack: Pack, cycles: Iterable[Cycle]) -> list[Cycle]:
    """The cycles run on ``pack``'s framework, oldest first (by date, then creation): the
    cycles whose results go "across cycles" (growth, targets reached, the plan PDF)."""
    return sorted((c for c in cycles if c.framework_id == pack.id), key=lambda c: (c.date, c.created))


def _by_date(results: Sequence[CycleResults]) -> list[CycleResults]:
    return sorted(results, key=lambda r: (r.cycle.date, r.cycle.created))


def competency_growth(pack: Pack, results: Sequence[CycleResults]) -> tuple[GrowthSeries, ...]:
    """Each competency's level index by cycle, in pack order (one point per cycle)."""
    ordered = _by_date(results)
    levels = [{c.competency_id: level_index(c.level) for c in r.competencies} for r in ordered]
    return tuple(GrowthSeries(comp.id, tuple(
        GrowthPoint(r.cycle.id, r.cycle.date, r.cycle.title,
                    None if by_id.get(comp.id) is None else float(by_id[comp.id] or 0))
        for r, by_id in zip(ordered, levels, strict=True))) for comp in pack.competencies)


def condition_growth(pack: Pack, results: Sequence[CycleResults]) -> tuple[GrowthSeries, ...]:
    """Each condition's mean level index by cycle, in pack order (one point per cycle)."""
    ordered = _by_date(results)
    means = [{c.condition_id: c.level_mean for c in r.conditions} for r in ordered]
    return tuple(GrowthSeries(cond.id, tuple(
        GrowthPoint(r.cycle.id, r.cycle.date, r.cycle.title, by_id.get(cond.id))
        for r, by_id in zip(ordered, means, strict=True))) for cond in pack.conditions)


def ordered_actions(actions: Iterable[Action]) -> list[Action]:
    """Actions by start date, then due date (undated last), then description."""
    return sorted(actions, key=lambda a: (a.start or "9999", a.due or "9999", a.description.casefold()))


def status_on(action: Action, day: str) -> str:
    """An action's status on ``day`` (ISO date): the last one set on or before it, and "not
    started" before the first. An action saved before statuses had a history keeps its current
    status whatever the day (nothing earlier is known)."""
    if not action.status_history:
        return action.status
    status = "not_started"
    for change in action.status_history:
        if change.on > day:
            break
        status = change.status
    return status


def record_status(stored: Action | None, action: Action, day: str) -> Action:
    """``action`` with its status history kept up to date as it is saved on ``day``.

    The history on disk is the one that counts (a screen's copy may be older); a new status
    is recorded from ``day`` (a second change the same day replaces the first). A new action
    keeps a history it brings (an import, the demo) or starts one on ``day``.
    """
    if stored is None:
        if action.status_history:
            return action
        return action.replace(status_history=(StatusChange(on=day, status=action.status),))
    history = stored.status_history
    if action.status == stored.status:
        return action.replace(status_history=history)
    if not history:  # saved before histories were kept: its old status counts from its last save
        history = (StatusChange(on=min(stored.updated[:10], day), status=stored.status),)
    day = max(day, history[-1].on)  # a clock that went back never reorders the history
    kept = tuple(c for c in history if c.on < day)
    return action.replace(status_history=(*kept, StatusChange(on=day, status=action.status)))
