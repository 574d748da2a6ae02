"""SIGKILL at each file move of the schema 1 -> 2 migration: the next start finishes it and
no record is lost (the v1 sample in tests/data)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.storage.check import check_data_dir
from navtool_desktop.storage.repository import iter_store_files

SAMPLES = Path(__file__).resolve().parent.parent / "data"
REPO = Path(__file__).resolve().parents[2]

_CHILD = """
import os, signal, sys
from navtool_desktop import fileio
from navtool_desktop.storage import Repository

kill_at, calls = int(sys.argv[2]), 0
real_replace = fileio.replace_with_retry

def replace(src, dst):
    global calls
    calls += 1
    if calls == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

fileio.replace_with_retry = replace
with Repository(sys.argv[1]) as repo:
    store = repo.open_last()
    for cycle in store.cycles():
        store.cycle(cycle.id)
print("moves", calls, flush=True)
"""


def _contents(folder: Path) -> dict[str, object]:
    with Repository(folder) as repo:
        store = repo.open_last()
        assert store is not None
        out: dict[str, object] = {"profile": store.profile.to_dict(),
                                  "plans": sorted(p.id for p in store.plans()),
                                  "goals": sorted(g.id for g in store.goals())}
        for cycle in store.cycles():
            data = store.cycle(cycle.id)
            out[cycle.id] = (sorted(data.participants), sorted(data.ratings),
                             sorted(data.consensus), sorted(data.responses))
        return out


def _run(folder: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", _CHILD, str(folder), str(kill_at)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_migration_killed_at_any_file_move_finishes_on_the_next_start(
        tmp_path: Path, pack: Pack) -> None:
    whole = tmp_path / "whole"
    shutil.copytree(SAMPLES / "store-v1", whole)
    done = _run(whole, 0)
    assert done.returncode == 0, done.stderr
    moves = int(done.stdout.split()[-1])
    assert moves >= 2
    expected = _contents(whole)
    for kill_at in range(1, moves + 1):
        folder = tmp_path / f"kill{kill_at}"
        shutil.copytree(SAMPLES / "store-v1", folder)
        killed = _run(folder, kill_at)
        assert killed.returncode == -9, (kill_at, killed.stdout, killed.stderr)
        assert _contents(folder) == expected, kill_at
        report = check_data_dir(folder, pack)
        assert report.ok, (kill_at, report.problems)
        for path in iter_store_files(folder):
            assert json.loads(path.read_text("utf-8"))["meta"]["1"]["schema"] == 2, path.name
