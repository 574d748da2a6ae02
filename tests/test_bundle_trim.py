"""What the frozen bundle leaves out of Qt (build/spec_common.py): no OpenGL integrations, one
Wayland shell and Qt's own window frames, no readline."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _spec_common():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "build"))
    try:
        import spec_common
    finally:
        sys.path.remove(str(REPO / "build"))
    return spec_common


def test_the_bundle_keeps_the_desktop_plugins_and_leaves_out_opengl_and_svg() -> None:
    keep = _spec_common().keep_entry
    plugins = "PySide6/Qt/plugins"
    for kept in ("platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so",
                 "wayland-shell-integration/libxdg-shell.so", "wayland-decoration-client/libbradient.so",
                 "platforminputcontexts/libibusplatforminputcontextplugin.so",
                 "platformthemes/libqxdgdesktopportal.so", "platforms/qwindows.dll", "styles/qmodernwindowsstyle.dll"):
        assert keep(f"{plugins}/{kept}"), kept
    for dropped in ("xcbglintegrations/libqxcb-glx-integration.so", "xcbglintegrations/libqxcb-egl-integration.so",
                    "wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
                    "wayland-graphics-integration-client/libvulkan-server.so",
                    "wayland-shell-integration/libivi-shell.so", "wayland-shell-integration/libwl-shell-plugin.so",
                    "wayland-decoration-client/libadwaita.so", "imageformats/libqsvg.so"):
        assert not keep(f"{plugins}/{dropped}"), dropped
    assert "readline" in _spec_common().PY_EXCLUDES


def test_exporting_and_signing_never_import_what_the_bundle_leaves_out(tmp_path: Path) -> None:
    """Render every document, sign and verify the plan in a fresh interpreter, then look at
    what it imported: nothing the spec excludes (the frozen app would fail there)."""
    import subprocess

    script = tmp_path / "run.py"
    script.write_text("""
import sys
from datetime import date
from navtool_desktop import paths
from navtool_desktop.core.demo import generate
from navtool_desktop.core.planning import current_plan
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.framework import load_pack
from navtool_desktop.reports import PlanInput, ReportInput, default_signers, render_plan, render_rating_sheet
from navtool_desktop.reports.progress import render_progress_with_twin
from navtool_desktop.reports.report import render_report_with_twin
from navtool_desktop.signing import create_root, issue_signer, sign_pdf_bytes, verify_pdf_bytes
pack = load_pack(paths.default_pack_dir())
demo = generate(pack, years=1, participants=6)
plan = current_plan(demo.plans)
goals = tuple(g for g in demo.goals if g.plan_id == plan.id)
actions = {g.id: tuple(a for a in demo.actions if a.goal_id == g.id) for g in goals}
dc = demo.cycles[-1]
results = cycle_results(pack, CycleInput(dc.cycle, tuple(dc.participants), tuple(dc.ratings), tuple(dc.tallies),
                                         tuple(dc.consensus)))
data = PlanInput(demo.district, plan, goals, actions, results, (results,), {}, default_signers(demo.district),
                 today=date(2025, 3, 1))
root = create_root("T", key_bits=2048)
signer = issue_signer(root, "Ana", "Superintendent", key_bits=2048)
signed = sign_pdf_bytes(render_plan(pack, data).pdf, signer, role="Superintendent", force=True)
assert verify_pdf_bytes(signed, [root.certificate]).ok
render_report_with_twin(pack, ReportInput(demo.district, results, today=date(2025, 3, 1)))
render_progress_with_twin(pack, data)
render_rating_sheet(pack, demo.district, dc.cycle)
print("\\n".join(sorted(sys.modules)))
""", encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                         cwd=REPO, env={**__import__("os").environ, "PYTHONPATH": str(REPO)}).stdout.split()
    excluded = _spec_common().PY_EXCLUDES
    imported = [m for m in out if m.startswith(excluded) and m.split(".")[0] in
                ("readline", "reportlab", "tkinter", "PIL", "lxml", "pyhanko", "click")]
    assert imported == []
    assert "reportlab.graphics.shapes" in out and "uharfbuzz" in out and "PIL.Image" in out  # (the check runs)
