"""Exporting a full signed plan: the demo district with 40 goals and 150 actions, rendered and signed.

The design's target: the whole signed plan export under 1.5 s. Run alone with
``python -m bench.reports``; the first (cold) run also loads the embedded font.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from bench import Result, median

GOALS = 40
ACTIONS = 150
ROUNDS = 7
TARGET_S = 1.5


def _big_plan():  # type: ignore[no-untyped-def]
    """The demo district's current plan, grown to GOALS goals and ACTIONS actions."""
    from navtool_desktop import paths
    from navtool_desktop.core.demo import generate
    from navtool_desktop.core.planning import current_plan
    from navtool_desktop.core.records import LEVELS, Action, Goal, Measure, ProgressNote
    from navtool_desktop.core.results import CycleInput, cycle_results
    from navtool_desktop.framework import load_pack
    from navtool_desktop.reports import PlanInput, default_signers
    from navtool_desktop.reports.data import baseline_cycle

    pack = load_pack(paths.default_pack_dir())
    demo = generate(pack, years=2)
    plan = current_plan(demo.plans)
    assert plan is not None
    history = tuple(cycle_results(pack, CycleInput(dc.cycle, tuple(dc.participants), tuple(dc.ratings),
                                                   tuple(dc.tallies), tuple(dc.consensus))) for dc in demo.cycles)
    base = baseline_cycle([r.cycle for r in history], plan)
    results = next(r for r in history if base is not None and r.cycle.id == base.id)
    start = date.fromisoformat(plan.period_start)
    comps = pack.competencies
    goals, actions, notes = [], {}, {}
    for n in range(GOALS):
        comp = comps[n % len(comps)]
        current = LEVELS[n % 3]
        goal = Goal(plan_id=plan.id, competency_id=comp.id, current_level=current, target_level=LEVELS[n % 3 + 1],
                    target_date=(start + timedelta(days=240 + 30 * (n % 20))).isoformat(),
                    term="short" if n % 2 else "long",
                    statement=f"Move {comp.name} from {current} to {LEVELS[n % 3 + 1]} in every school, with "
                              "families and learners as partners.",
                    measures=tuple(Measure(text=f"Evidence that: {p.text}", practices=(p.id,))
                                   for p in comp.levels[0].practices[:2]))
        goals.append(goal)
        count = ACTIONS // GOALS + (1 if n < ACTIONS % GOALS else 0)
        group = []
        for k in range(count):
            begin = start + timedelta(days=25 * k + 7 * (n % 5))
            action = Action(goal_id=goal.id, description=f"Step {k + 1} for {comp.name.lower()}: plan, run and "
                                                         "review a session with every school's team",
                            owner=demo.district.team[(n + k) % len(demo.district.team)].name,
                            start=begin.isoformat(), due=(begin + timedelta(days=40)).isoformat(),
                            resources="Two substitute days per school; coaching hours",
                            status=("done", "in_progress", "not_started", "blocked")[(n + k) % 4])
            group.append(action)
            notes[action.id] = (ProgressNote(action_id=action.id, date=(begin + timedelta(days=10)).isoformat(),
                                             text="First session held; notes shared with the team."),)
        actions[goal.id] = tuple(group)
    data = PlanInput(demo.district, plan, tuple(goals), actions, results, history, notes,
                     default_signers(demo.district), today=date(2025, 3, 1))
    assert sum(len(a) for a in actions.values()) == ACTIONS
    return pack, data


def run() -> list[Result]:
    from navtool_desktop.reports import render_plan
    from navtool_desktop.reports.signed import sign_rendered, with_signer
    from navtool_desktop.signing import create_root, issue_signer, verify_pdf_bytes

    pack, data = _big_plan()
    root = create_root(data.district.name)
    superintendent = issue_signer(root, data.signers[0].name or "Ana Peña", "Superintendent")
    data, slot = with_signer(data, superintendent)
    times, render_times, pages, pdf = [], [], 0, b""
    for _ in range(ROUNDS):
        start = time.perf_counter()
        rendered = render_plan(pack, data)
        middle = time.perf_counter()
        pdf = sign_rendered(rendered.pdf, superintendent, slot, data.district.name)
        times.append(time.perf_counter() - start)
        render_times.append(middle - start)
        pages = rendered.approval_page + 1
    report = verify_pdf_bytes(pdf, [root.certificate])
    if not (report.ok and report.trusted):
        raise RuntimeError("the benchmark's signed plan does not verify")
    return [
        Result(f"signed plan, {GOALS} goals, {ACTIONS} actions, {pages} pages: median", median(times[1:]), "s",
               TARGET_S),
        Result("  of which rendering (ReportLab + empty fields), median", median(render_times[1:]), "s"),
        Result("  first run (loads the font), once", times[0], "s"),
        Result(f"  PDF size ({len(pdf) // 1024} KiB)", len(pdf) / 1024, "KiB"),
    ]


def main() -> None:
    """Print the medians (``python -m bench.reports``)."""
    for result in run():
        target = "" if result.target is None else f"  (target < {result.target:g} {result.unit})"
        print(f"{result.name:<60} {result.value:8.2f} {result.unit}{target}")


if __name__ == "__main__":
    main()
