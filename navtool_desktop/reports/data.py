"""What each document prints, gathered from a district's store into plain immutable inputs.

The renderers take these inputs only (never the store), so tests and the benchmark can
build them by hand; :func:`load_plan` and :func:`load_report` read them from a store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from navtool_desktop.core import planning
from navtool_desktop.core.records import (
    Action,
    Cycle,
    District,
    Goal,
    Participant,
    Plan,
    ProgressNote,
    QuestionResponse,
    Rating,
)
from navtool_desktop.core.results import CycleResults, previous_cycle
from navtool_desktop.errors import UserFacingError
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from navtool_desktop.storage import DistrictStore


class ReportInputError(UserFacingError, ValueError):
    """The store holds nothing to print (no plan, no cycle, an unknown id); says what in words."""


@dataclass(frozen=True)
class Signer:
    """One signer box on the approval page: who signs, and the certificate's fingerprint when known."""

    role: str
    name: str = ""
    fingerprint: str = ""


#: The signers of a plan when the team names none: the design's two (DESIGN section 6).
DEFAULT_SIGNER_ROLES: tuple[str, ...] = ("Superintendent", "Board chair")


def signer_role_name(role: str) -> str:
    """A default signer's role as shown (the English name matches the team's roles)."""
    names = {"Superintendent": _("Superintendent"), "Board chair": _("Board chair")}
    return names.get(role, role)


def default_signers(district: District) -> tuple[Signer, ...]:
    """A box for the superintendent and one for the board chair, named from the team when it says."""
    out = []
    for role in DEFAULT_SIGNER_ROLES:
        member = next((m for m in district.team if m.role.strip().casefold() == role.casefold()), None)
        out.append(Signer(role=member.role if member else signer_role_name(role), name=member.name if member else ""))
    return tuple(out)


def plan_signers(plan: Plan, district: District) -> tuple[Signer, ...]:
    """The signature boxes the plan sets (its :attr:`Plan.signers`), else :func:`default_signers`."""
    if plan.signers:
        return tuple(Signer(role=s.role.strip(), name=s.name.strip()) for s in plan.signers)
    return default_signers(district)


@dataclass(frozen=True)
class PlanInput:
    """Everything the plan PDF prints.

    ``results`` is the cycle the plan was built from (the latest cycle on or before the
    plan's creation day, else the latest one); ``history`` holds every cycle's results,
    for the goals' latest levels. ``actions`` and ``notes`` are keyed by goal and action id.
    """

    district: District
    plan: Plan
    goals: Sequence[Goal]
    actions: Mapping[str, Sequence[Action]]
    results: CycleResults | None = None
    history: Sequence[CycleResults] = ()
    notes: Mapping[str, Sequence[ProgressNote]] = field(default_factory=dict)
    signers: Sequence[Signer] = ()
    root_fingerprint: str = ""
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class ReportInput:
    """Everything the assessment report prints: one cycle's results and its notes.

    ``ratings`` are the cycle's individual ratings and ``responses`` its answers to guiding
    questions; ``participants`` tell how many people could have written a text. Only the
    texts are printed, never who wrote them, under the rule of :mod:`core.written`.
    """

    district: District
    results: CycleResults
    ratings: Sequence[Rating] = ()
    today: date = field(default_factory=date.today)
    #: The results of the cycle before this one (same framework), for "change since", or None.
    previous: CycleResults | None = None
    participants: Sequence[Participant] = ()
    responses: Sequence[QuestionResponse] = ()


def pick_plan(plans: Sequence[Plan], plan_id: str | None) -> Plan:
    """The plan asked for, else the one in force (:func:`planning.current_plan`)."""
    if plan_id:
        found = next((p for p in plans if p.id == plan_id), None)
        if found is None:
            raise ReportInputError(_("there is no plan with id {id}").format(id=plan_id))
        return found
    plan = planning.current_plan(plans)
    if plan is None:
        raise ReportInputError(_("the district has no plan yet"))
    return plan


def pick_cycle(cycles: Sequence[Cycle], cycle_id: str | None) -> Cycle:
    """The cycle asked for (an id, or ``latest``/None for the most recent by date)."""
    if not cycles:
        raise ReportInputError(_("the district has no cycles yet"))
    if cycle_id in (None, "", "latest"):
        return sorted(cycles, key=lambda c: (c.date, c.created))[-1]
    found = next((c for c in cycles if c.id == cycle_id), None)
    if found is None:
        raise ReportInputError(_("there is no cycle with id {id}").format(id=cycle_id))
    return found


def baseline_cycle(cycles: Sequence[Cycle], plan: Plan) -> Cycle | None:
    """The cycle a plan was built from: the latest dated on or before its creation day."""
    ordered = sorted(cycles, key=lambda c: (c.date, c.created))
    before = [c for c in ordered if c.date <= planning.goal_set_on(plan)]
    if before:
        return before[-1]
    return ordered[-1] if ordered else None


def load_plan(store: DistrictStore, pack: Pack, plan_id: str | None = None, *,
              today: date | None = None, threshold: int | None = None) -> PlanInput:
    """A plan of the store with its goals, actions, notes and the results behind it."""
    plan = pick_plan(store.plans(), plan_id)
    goals = tuple(store.goals(plan.id))
    actions = {g.id: tuple(planning.ordered_actions(store.actions(g.id))) for g in goals}
    notes = {a.id: tuple(sorted(store.progress_notes(a.id), key=lambda n: n.date))
             for group in actions.values() for a in group}
    cycles = planning.on_pack(pack, store.cycles())
    history = tuple(store.results.cycle(pack, c.id, max(threshold, c.threshold) if threshold else None)
                    for c in cycles)
    base = baseline_cycle(cycles, plan)
    results = next((r for r in history if base is not None and r.cycle.id == base.id), None)
    district = store.profile
    return PlanInput(district, plan, goals, actions, results, history, notes, plan_signers(plan, district),
                     today=today or date.today())


def load_report(store: DistrictStore, pack: Pack, cycle_id: str | None = None, *,
                today: date | None = None, threshold: int | None = None) -> ReportInput:
    """One cycle's results (``latest`` by default) and its rating notes."""
    cycle = pick_cycle(store.cycles(), cycle_id)
    if cycle.framework_id != pack.id:
        raise ReportInputError(_("the cycle uses the framework \u201c{used}\u201d, not \u201c{loaded}\u201d")
                               .format(used=cycle.framework_id, loaded=pack.id))
    data = store.cycle(cycle.id)
    results = store.results.cycle(pack, cycle.id, threshold)
    same = [c for c in store.cycles() if c.framework_id == pack.id]
    before = previous_cycle(same, cycle.id)
    previous = store.results.cycle(pack, before.id, threshold) if before is not None else None
    return ReportInput(store.profile, results, tuple(data.ratings.values()), today or date.today(), previous,
                       tuple(data.participants.values()), tuple(data.responses.values()))
