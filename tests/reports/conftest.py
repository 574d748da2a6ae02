"""Fixtures for the document tests: a district with a plan and a cycle, PDF text and checks."""

from __future__ import annotations

import pytest

#: 2048-bit keys keep the suite quick; the app's default is 3072.
from report_helpers import TEST_KEY_BITS

from navtool_desktop.framework import Pack
from navtool_desktop.signing import Identity, RootAuthority, create_root, issue_signer


@pytest.fixture(scope="session")
def root() -> RootAuthority:
    return create_root("Peña Valley Unified", key_bits=TEST_KEY_BITS)


@pytest.fixture(scope="session")
def superintendent(root: RootAuthority) -> Identity:
    return issue_signer(root, "Ana Peña", "Superintendent", key_bits=TEST_KEY_BITS)


@pytest.fixture(scope="session")
def board_chair(root: RootAuthority) -> Identity:
    return issue_signer(root, "Nguyễn Văn An", "Board chair", key_bits=TEST_KEY_BITS)


@pytest.fixture(scope="session")
def demo_plan(pack: Pack):  # type: ignore[no-untyped-def]
    """The demo district's current plan, as the plan PDF's input (built once, no store)."""
    from datetime import date

    from navtool_desktop.core.demo import generate
    from navtool_desktop.core.planning import current_plan
    from navtool_desktop.core.results import CycleInput, cycle_results
    from navtool_desktop.reports.data import PlanInput, baseline_cycle, default_signers

    demo = generate(pack, years=1, participants=12)
    plan = current_plan(demo.plans)
    assert plan is not None
    goals = tuple(g for g in demo.goals if g.plan_id == plan.id)
    actions = {g.id: tuple(a for a in demo.actions if a.goal_id == g.id) for g in goals}
    history = tuple(cycle_results(pack, CycleInput(dc.cycle, tuple(dc.participants), tuple(dc.ratings),
                                                   tuple(dc.tallies), tuple(dc.consensus)))
                    for dc in demo.cycles)
    base = baseline_cycle([r.cycle for r in history], plan)
    results = next(r for r in history if base is not None and r.cycle.id == base.id)
    notes = {a.id: tuple(n for n in demo.notes if n.action_id == a.id) for a in demo.actions}
    return PlanInput(demo.district, plan, goals, actions, results, history, notes,
                     default_signers(demo.district), today=date(2025, 3, 1))
