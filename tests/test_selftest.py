"""``navtool --self-test`` from source, and its step registry (skip, fail, pass)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from navtool_desktop import paths, selftest
from navtool_desktop.selftest import Context, Step, StepError, feature, run, run_steps


def _ok(ctx: Context) -> str:
    ctx.values["thing"] = 1
    return "fine"


def test_step_names_run_in_the_documented_order() -> None:
    names = [s.name for s in selftest.STEPS]
    assert names[0] == "load content pack"
    assert names[-1] == "show the main window"
    for name in ("create the demo district", "save and reopen", "render the plan PDF", "sign the plan",
                 "verify the signature", "sign and import a district summary"):
        assert name in names


def test_a_step_whose_module_is_missing_is_skipped_as_not_built() -> None:
    out = io.StringIO()
    steps = [Step("ok step", _ok), Step("future step", _ok, needs=("navtool_desktop.no_such_feature",))]
    assert run_steps(steps, Context(Path(".")), out) == (1, 0, 1)
    assert out.getvalue().splitlines() == ["ok   ok step: fine", "skip future step: not built yet"]


def test_a_step_whose_module_exists_fails_if_its_function_is_missing() -> None:
    def uses_missing(ctx: Context) -> str:
        feature("navtool_desktop.paths", "no_such_function")
        return "unreachable"

    out = io.StringIO()
    assert run_steps([Step("lookup", uses_missing, needs=("navtool_desktop.paths",))],
                     Context(Path(".")), out) == (0, 1, 0)
    line = out.getvalue().strip()
    assert line.startswith("FAIL lookup: navtool_desktop.paths has no no_such_function()")
    assert "selftest.py" in line


def test_a_step_missing_an_earlier_steps_output_is_skipped_naming_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "PRODUCERS", {"never_made": "make thing"})

    def needs_thing(ctx: Context) -> str:
        return str(ctx.need("never_made"))

    out = io.StringIO()
    assert run_steps([Step("later", needs_thing)], Context(Path(".")), out) == (0, 0, 1)
    assert out.getvalue().strip() == "skip later: needs \u201cmake thing\u201d"


def test_run_exits_1_when_a_step_fails_and_restores_the_data_folder(data_dir: Path) -> None:
    def broken(ctx: Context) -> str:
        assert ctx.data_dir.is_dir() and paths.data_dir() == ctx.data_dir
        raise StepError("it broke")

    out = io.StringIO()
    assert run([Step("fine", _ok), Step("broken", broken)], out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[1:3] == ["ok   fine: fine", "FAIL broken: it broke"]
    assert lines[-1].startswith("self-test FAILED")
    assert paths.data_dir() == data_dir.resolve()


def test_unexpected_exceptions_fail_the_step_with_their_type() -> None:
    def crashes(ctx: Context) -> str:
        raise KeyError("x")

    out = io.StringIO()
    assert run_steps([Step("crash", crashes)], Context(Path(".")), out) == (0, 1, 0)
    assert out.getvalue().startswith("FAIL crash: KeyError")


@pytest.mark.gui
def test_self_test_from_source_passes(data_dir: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "navtool_desktop", "--self-test"], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[0].startswith("navtool ") and lines[0].endswith("self-test")
    assert "ok   load content pack: 12 conditions, 30 competencies" in lines
    steps = lines[1:-1]
    assert len(steps) == len(selftest.STEPS)
    assert all(line[:5] in ("ok   ", "skip ") for line in steps), lines
    assert any(line.startswith("ok   show the main window: shown") for line in steps)
    for line in steps:  # a module in the code base never reports "not built yet"
        if line.endswith("not built yet"):
            step = next(s for s in selftest.STEPS if line == f"skip {s.name}: not built yet")
            assert not all(selftest.module_exists(m) for m in step.needs)
    assert lines[-1].startswith("self-test passed")
    assert not data_dir.exists()  # the user's (here: the test's) data folder is untouched
