"""SIGKILL at every move of an import's commit (the WriteBatch): the district opens, every
cycle it lists has its file, no temp file is left after the next start, and importing the
same bundle again brings in everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from exchange_helpers import make_setup

from navtool_desktop.core.records import Cycle, Participant, Rating
from navtool_desktop.exchange import import_paths, write_bundle
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.storage.check import check_data_dir

REPO = Path(__file__).resolve().parents[2]

_CHILD = """
import os, signal, sys
from navtool_desktop import fileio, paths
from navtool_desktop.exchange import import_paths
from navtool_desktop.framework import load_pack
from navtool_desktop.storage import Repository, atomic

kill_at, calls, in_commit = int(sys.argv[3]), 0, False
real_replace, real_sync, real_commit = fileio.replace_with_retry, fileio.fsync_folder, atomic.WriteBatch.commit

def step():
    global calls
    if in_commit:
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

def replace(src, dst):
    step()
    real_replace(src, dst)

def sync(folder):
    step()
    real_sync(folder)

def commit(self):
    global in_commit
    in_commit = True
    real_commit(self)

fileio.replace_with_retry, fileio.fsync_folder, atomic.WriteBatch.commit = replace, sync, commit
pack = load_pack(paths.default_pack_dir())
with Repository(sys.argv[1]) as repo:
    store = repo.open_last()
    print(import_paths(repo, pack, [__import__("pathlib").Path(sys.argv[2])], store=store).ok)
print("finished", flush=True)
"""


def _everything(data_dir: Path, district_id: str) -> dict[str, set[str]]:
    with Repository(data_dir, read_only=True) as repo:
        store = repo.open_district(district_id)
        return {c.id: set(store.cycle(c.id).ratings) for c in store.cycles()}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kill_at", range(1, 9))
def test_sigkill_at_every_step_of_an_import_commit(repo: Repository, pack: Pack, tmp_path: Path,
                                                   kill_at: int) -> None:
    setup = make_setup(repo, pack)
    store = setup.store
    first = tmp_path / "first.navtool"
    first.write_bytes(write_bundle(make_content(store, pack, "district", answers=True)))
    laptop = tmp_path / "laptop-b"
    with Repository(laptop) as other:
        assert import_paths(other, pack, [first]).ok
    # on laptop A: two new cycles with ratings, and a change to the first one
    for n in range(2):
        cycle = store.create_cycle(Cycle(title=f"Spring {n}", date=f"2026-0{n + 3}-01",
                                         framework_id=pack.id, framework_version=pack.version))
        person = store.save_participant(cycle.cycle.id, Participant(name="P", role_group="leader"))
        store.save_rating(cycle.cycle.id, Rating(participant_id=person.id,
                                                 competency_id=setup.competencies[0],
                                                 level="refining"))
    store.save_rating(setup.cycle_id, Rating(participant_id=setup.people[3].id,
                                             competency_id=setup.competencies[5],
                                             level="establishing"))
    bundle = tmp_path / "second.navtool"
    bundle.write_bytes(write_bundle(make_content(store, pack, "district", answers=True)))
    wanted = {c.id: set(store.cycle(c.id).ratings) for c in store.cycles()}
    before = _everything(laptop, store.id)
    assert before != wanted

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.run([sys.executable, "-c", _CHILD, str(laptop), str(bundle), str(kill_at)],
                           env=env, capture_output=True, text=True, check=False, timeout=300)
    assert child.returncode in (0, -signal.SIGKILL), child.stderr
    with Repository(laptop) as other:  # the next start: every listed cycle has its file
        reopened = other.open_district(store.id, auto_backup=False)
        for cycle in reopened.cycles():
            reopened.cycle(cycle.id)
    folder = laptop / "districts" / store.id
    assert not [p for p in folder.rglob(".*") if p.name.endswith(".tmp")]
    assert not [p for p in check_data_dir(laptop, pack).problems if "missing" in p]
    with Repository(laptop) as other:  # importing again brings in everything
        assert import_paths(other, pack, [bundle], store=other.open_district(store.id)).ok
    assert _everything(laptop, store.id) == wanted
