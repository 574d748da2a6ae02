"""Draw the demo plan's approval page signed by "Nguyễn Văn An" and "José Ñúñez" (README picture).

    PYTHONPATH=. .venv/bin/python tools/signed_plan.py [OUT.png] [--pdf OUT.pdf]

Needs poppler's pdftoppm. Keys are made fresh, so fingerprints and times change per run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs/screenshots/signed-approval-page.png")
    parser.add_argument("--pdf", type=Path, help="also keep the signed PDF here")
    parser.add_argument("--dpi", type=int, default=90)
    args = parser.parse_args(argv)

    from navtool_desktop import paths
    from navtool_desktop.core.demo import generate
    from navtool_desktop.core.planning import current_plan
    from navtool_desktop.core.records import PlanSigner
    from navtool_desktop.core.results import CycleInput, cycle_results
    from navtool_desktop.framework import load_pack
    from navtool_desktop.reports.data import PlanInput, baseline_cycle, plan_signers
    from navtool_desktop.reports.plan import render_plan
    from navtool_desktop.reports.signed import sign_rendered, with_signer
    from navtool_desktop.signing import create_root, issue_signer, sign_pdf_bytes

    pack = load_pack(paths.default_pack_dir())
    demo = generate(pack, years=1, participants=12)
    plan = current_plan(demo.plans)
    assert plan is not None
    plan = plan.replace(signers=(PlanSigner(role="Superintendent", name="Nguyễn Văn An"),
                                 PlanSigner(role="Board chair", name="José Ñúñez")),
                        meeting_date="2025-01-14")
    goals = tuple(g for g in demo.goals if g.plan_id == plan.id)
    actions = {g.id: tuple(a for a in demo.actions if a.goal_id == g.id) for g in goals}
    history = tuple(cycle_results(pack, CycleInput(dc.cycle, tuple(dc.participants), tuple(dc.ratings),
                                                   tuple(dc.tallies), tuple(dc.consensus)))
                    for dc in demo.cycles)
    base = baseline_cycle([r.cycle for r in history], plan)
    results = next((r for r in history if base is not None and r.cycle.id == base.id), None)
    district = demo.district
    data = PlanInput(district, plan, goals, actions, results, history, {}, plan_signers(plan, district),
                     today=date(2025, 1, 6))
    root = create_root(district.name)
    an = issue_signer(root, "Nguyễn Văn An", "Superintendent")
    jose = issue_signer(root, "José Ñúñez", "Board chair")
    data, slot = with_signer(data, an)
    rendered = render_plan(pack, data)
    signed = sign_pdf_bytes(sign_rendered(rendered.pdf, an, slot, district.name), jose,
                            reason="Approval of the strategic action plan", location=district.name)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm (poppler-utils) is needed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "signed.pdf"
        pdf.write_bytes(signed)
        page = str(rendered.approval_page)
        subprocess.run([pdftoppm, "-png", "-r", str(args.dpi), "-f", page, "-l", page, "-singlefile", str(pdf),
                        str(Path(tmp) / "page")], check=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "page.png", args.out)
    if args.pdf:
        args.pdf.write_bytes(signed)
    print(f"wrote {args.out} (approval page {rendered.approval_page})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
