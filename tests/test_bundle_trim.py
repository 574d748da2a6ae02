"""What the frozen bundle leaves out (build/spec_common.py): Qt's OpenGL integrations, spare
Wayland shells and frames, readline, the network clients and TLS (pyHanko's two network modules
replaced by ones that refuse), and the Linux libraries every desktop has."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

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


def test_exporting_and_signing_work_without_what_the_bundle_leaves_out(tmp_path: Path) -> None:
    """Render every document, sign and verify the plan in a fresh interpreter that is made to
    look like the bundle: importing a module the spec leaves out fails as it would there, and
    pyHanko's two network modules are the bundle's replacements. All of it must still work."""
    import subprocess

    script = tmp_path / "run.py"
    script.write_text("""
import importlib.abc
import importlib.util
import sys
from pathlib import Path

BUILD = Path(sys.argv[1])
sys.path.insert(0, str(BUILD))
import spec_common
sys.path.remove(str(BUILD))
LEFT_OUT = (*spec_common.PY_EXCLUDES, *spec_common.NETWORK_EXCLUDES)


class LikeTheBundle(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in spec_common.OFFLINE_MODULES:
            return importlib.util.spec_from_file_location(name, BUILD / spec_common.OFFLINE_MODULES[name])
        if any(name == out or name.startswith(out + ".") for out in LEFT_OUT):
            raise ModuleNotFoundError(f"not in the bundle: {name}", name=name)
        return None


sys.meta_path.insert(0, LikeTheBundle())
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
from navtool_desktop.core.pins import check_pin, hash_pin
from navtool_desktop.phones import PinBook
assert check_pin("2468", hash_pin("2468")) and not check_pin("2469", hash_pin("2468"))
book = PinBook()
book.set_codes({"p1": "ABCD2345"})
assert book.participant_of_code("ABCD2345") == "p1"
for name in spec_common.OFFLINE_MODULES:
    print("replaced", name, Path(sys.modules[name].__file__).relative_to(BUILD).as_posix())
print("\\n".join(sorted(sys.modules)))
""", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(REPO / "build")], capture_output=True, text=True,
                          check=False, cwd=REPO, env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    common = _spec_common()
    left_out = (*common.PY_EXCLUDES, *common.NETWORK_EXCLUDES)
    assert [m for m in lines if m not in common.OFFLINE_MODULES
            and any(m == out or m.startswith(out + ".") for out in left_out)] == []
    for name, path in common.OFFLINE_MODULES.items():  # pyHanko did load the replacements
        assert f"replaced {name} {path}" in lines
    assert "reportlab.graphics.shapes" in lines and "uharfbuzz" in lines and "PIL.Image" in lines
    assert "hashlib" in lines and "_hashlib" not in lines  # hashes from Python's own modules


def _load_offline(name: str) -> ModuleType:
    path = REPO / "build" / _spec_common().OFFLINE_MODULES[name]
    spec = importlib.util.spec_from_file_location(f"offline_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _names_imported_from(module: str) -> set[str]:
    """Every name pyHanko's installed modules import from ``module`` (absolute or relative)."""
    import pyhanko
    import pyhanko_certvalidator

    names: set[str] = set()
    for package in (pyhanko, pyhanko_certvalidator):
        root = Path(next(iter(package.__path__)))
        for source in root.rglob("*.py"):
            parts = source.relative_to(root).with_suffix("").parts
            dotted = ".".join((package.__name__, *(parts[:-1] if parts[-1] == "__init__" else parts)))
            if dotted == module or dotted.startswith(module + "."):
                continue  # the original itself and its own submodules
            is_package = source.name == "__init__.py"
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom):
                    continue
                if node.level:
                    base = dotted.split(".")[: len(dotted.split(".")) - node.level + (1 if is_package else 0)]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                if target == module:
                    names.update(alias.name for alias in node.names)
    return names


def test_the_offline_replacements_define_what_pyhanko_imports_from_the_originals() -> None:
    """A pyHanko upgrade that imports another name from a replaced module fails here, not in
    the frozen app."""
    for name in _spec_common().OFFLINE_MODULES:
        wanted = _names_imported_from(name)
        assert wanted, name  # (the scan finds the importers)
        module = _load_offline(name)
        assert wanted <= set(module.__all__) and all(hasattr(module, n) for n in wanted), (name, wanted)


def test_the_offline_replacements_refuse_with_a_clear_message() -> None:
    timestamper = _load_offline("pyhanko.sign.timestamps.aiohttp_client")
    with pytest.raises(RuntimeError, match="works offline"):
        timestamper.HTTPTimeStamper("http://127.0.0.1:9/")
    fetchers = _load_offline("pyhanko_certvalidator.fetchers.aiohttp_fetchers")
    with pytest.raises(RuntimeError, match="does not fetch certificates"):
        fetchers.AIOHttpFetcherBackend()


def test_libraries_every_linux_desktop_has_are_left_to_the_system() -> None:
    keep = _spec_common().keep_entry
    for system in ("libstdc++.so.6", "libgcc_s.so.1", "libfontconfig.so.1", "libfreetype.so.6",
                   "libX11.so.6", "libz.so.1", "libexpat.so.1", "libdbus-1.so.3",
                   "libsystemd.so.0", "libgcrypt.so.20", "libpng16.so.16", "libXau.so.6"):
        assert not keep(system), system
    for bundled in ("libglib-2.0.so.0", "libsqlite3.so.0", "libzstd.so.1", "liblzma.so.5", "libffi.so.8",
                    "libpython3.11.so.1.0", "PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libicudata.so.73",
                    "pillow.libs/libXau-154567c4.so.6.0.0", "pillow.libs/libjpeg-6dc8d115.so.62.4.0",
                    "libxcb-cursor.so.0"):
        assert keep(bundled), bundled


def test_pillows_libxau_is_the_system_copy_when_there_is_one() -> None:
    swap = _spec_common().system_libxau_for_pillow
    toc = [("libXau.so.6", "/usr/lib/libXau.so.6", "BINARY"),
           ("pillow.libs/libXau-154567c4.so.6.0.0", "/venv/pillow.libs/libXau-154567c4.so.6.0.0", "BINARY"),
           ("pillow.libs/libjpeg-6dc8d115.so.62.4.0", "/venv/pillow.libs/libjpeg-6dc8d115.so.62.4.0", "BINARY")]
    assert swap(toc) == [toc[0], ("pillow.libs/libXau-154567c4.so.6.0.0", "/usr/lib/libXau.so.6", "BINARY"), toc[2]]
    assert swap(toc[1:]) == toc[1:]  # no system copy collected (Windows, macOS): unchanged


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("gcc") is None
                    or shutil.which("ldd") is None, reason="needs Linux, gcc and ldd")
def test_the_library_check_names_a_library_the_bundle_lacks(tmp_path: Path) -> None:
    """build/check_libraries.py on a folder whose library links to one that is then removed."""
    import subprocess

    bundle = tmp_path / "navtool"
    internal = bundle / "_internal"
    internal.mkdir(parents=True)
    (tmp_path / "ghost.c").write_text("int ghost(void) { return 1; }\n", encoding="utf-8")
    (tmp_path / "app.c").write_text("int ghost(void);\nint app(void) { return ghost(); }\n", encoding="utf-8")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(internal / "libnavghost.so.1"),
                    "-Wl,-soname,libnavghost.so.1", str(tmp_path / "ghost.c")], check=True)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(internal / "libnavapp.so"), str(tmp_path / "app.c"),
                    f"-L{internal}", "-l:libnavghost.so.1"], check=True)
    check = [sys.executable, str(REPO / "build" / "check_libraries.py"), str(bundle)]
    whole = subprocess.run(check, capture_output=True, text=True, check=False)
    assert whole.returncode == 0 and "2 ELF files, 0 missing" in whole.stdout, whole.stdout
    (internal / "libnavghost.so.1").unlink()
    broken = subprocess.run(check, capture_output=True, text=True, check=False)
    assert broken.returncode == 1
    assert "not found: _internal/libnavapp.so: libnavghost.so.1" in broken.stdout
