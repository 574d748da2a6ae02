"""Page pictures of the board documents on the demo district, for docs/screenshots/.

``PYTHONPATH=. python tools/document_pages.py [OUT_DIR]`` renders the plan to adopt, its
progress report, the assessment report and both rating sheets, prints their page counts,
and writes chosen pages as PNG with poppler's ``pdftoppm`` (which must be installed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

#: (document, page, picture name)
PAGES = (
    ("plan", 2, "plan-adopt-at-a-glance"),
    ("plan", 7, "plan-adopt-goals"),
    ("plan", 11, "plan-adopt-timeline"),
    ("plan", 13, "plan-adopt-approval"),
    ("progress", 1, "progress-report-page-1"),
    ("progress", 4, "progress-report-timeline"),
    ("report", 4, "report-equity-and-change"),
    ("sheet", 2, "rating-sheet-full"),
    ("compact", 1, "rating-sheet-compact"),
    ("handout", 2, "rating-sheet-handout"),
)


def documents() -> dict[str, bytes]:
    """The demo district's documents, as a board and a retreat would get them."""
    from navtool_desktop import paths
    from navtool_desktop.core.demo import generate
    from navtool_desktop.core.planning import current_plan
    from navtool_desktop.core.results import CycleInput, cycle_results
    from navtool_desktop.framework import load_pack
    from navtool_desktop.reports import ReportInput, render_plan, render_rating_sheet, render_report
    from navtool_desktop.reports.data import PlanInput, baseline_cycle, default_signers
    from navtool_desktop.reports.progress import render_progress

    pack = load_pack(paths.default_pack_dir())
    demo = generate(pack)
    plan = current_plan(demo.plans)
    assert plan is not None
    goals = tuple(g for g in demo.goals if g.plan_id == plan.id)
    actions = {g.id: tuple(a for a in demo.actions if a.goal_id == g.id) for g in goals}
    history = tuple(cycle_results(pack, CycleInput(dc.cycle, tuple(dc.participants), tuple(dc.ratings),
                                                   tuple(dc.tallies), tuple(dc.consensus))) for dc in demo.cycles)
    base = baseline_cycle([r.cycle for r in history], plan)
    results = next(r for r in history if base is not None and r.cycle.id == base.id)
    notes = {a.id: tuple(n for n in demo.notes if n.action_id == a.id) for a in demo.actions}
    data = PlanInput(demo.district, plan, goals, actions, results, history, notes, default_signers(demo.district),
                     today=date(2025, 3, 1))
    latest = demo.cycles[-1]
    return {
        "plan": render_plan(pack, data).pdf,
        "progress": render_progress(pack, data),
        "report": render_report(pack, ReportInput(demo.district, history[-1], tuple(latest.ratings),
                                                  date(2025, 7, 1), history[-2], tuple(latest.participants),
                                                  tuple(latest.responses))),
        "sheet": render_rating_sheet(pack, demo.district, latest.cycle),
        "compact": render_rating_sheet(pack, demo.district, latest.cycle, compact=True),
        "handout": render_rating_sheet(pack, demo.district, latest.cycle, handout=True),
    }


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm (poppler-utils) is not installed", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, pdf in documents().items():
            files[name] = Path(tmp) / f"{name}.pdf"
            files[name].write_bytes(pdf)
            info = subprocess.run(["pdfinfo", str(files[name])], capture_output=True, text=True).stdout
            pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")
            print(f"{name}: {pages} pages")
        for name, page, picture in PAGES:
            subprocess.run([pdftoppm, "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                            str(files[name]), str(out / picture)], check=True)
            print(f"wrote {out / picture}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
