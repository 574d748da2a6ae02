"""Kill a saving process at random moments: every acknowledged rating must survive."""

from __future__ import annotations

import os
import random
import select
import signal
import time
import warnings
from pathlib import Path

import pytest
from tinydb import TinyDB

from navtool_desktop.core.records import LEVELS, Cycle, District, Participant, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.storage.repository import iter_store_files

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def _saver(data_dir: Path, district_id: str, cycle_id: str, pairs: list[tuple[str, str]],
           round_no: int, ack_fd: int) -> None:
    """The child: save ratings forever, acknowledging each after save_rating returns."""
    rng = random.Random(round_no)
    repo = Repository(data_dir)
    store = repo.open_district(district_id, auto_backup=False)
    seq = 0
    while True:
        person, comp = rng.choice(pairs)
        seq += 1
        saved = store.save_rating(cycle_id, Rating(participant_id=person, competency_id=comp,
                                                   level=rng.choice(LEVELS),
                                                   note=f"{round_no}:{seq}"))
        os.write(ack_fd, f"{person} {comp} {saved.id} {round_no}:{seq}\n".encode())


def _start_child(*args: object) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(read_fd)
            _saver(*args, write_fd)  # type: ignore[arg-type]
        except BaseException:
            import traceback

            os.write(2, traceback.format_exc().encode())  # shown if the test fails
            code = 2
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def _read_acks(fd: int, pid: int, rng: random.Random) -> bytes:
    """Collect acknowledgements, then kill the child at a random moment.

    Mostly a random time after its first acknowledgement (so it is saving, whatever
    the machine's load), sometimes a random time after it started.
    """
    chunks: list[bytes] = []
    now = time.monotonic()
    early = rng.random() < 0.1
    until = now + (rng.uniform(0.0, 0.02) if early else 5.0)
    while (left := until - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            if not chunks and not early:
                until = time.monotonic() + rng.uniform(0.0, 0.03)
            chunks.append(chunk)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status), "the saving child stopped on its own (it failed)"
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _version(note: str) -> tuple[int, int]:
    round_no, seq = note.split(":")
    return int(round_no), int(seq)


def run_kills(data_dir: Path, pack: Pack, kills: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    with Repository(data_dir) as repo:
        store = repo.create_district(District(name="Crash Test USD"))
        people = [Participant(name=f"P{n}", role_group="educator") for n in range(20)]
        comps = [c.id for c in pack.competencies]
        cycle = Cycle(title="Crash", date="2025-10-01", framework_id=pack.id,
                      framework_version=pack.version)
        # A realistic file size (600 ratings) so a kill often lands mid-write.
        store.import_cycle(cycle, people, [
            Rating(participant_id=p.id, competency_id=c, level="developing", note="0:0")
            for p in people for c in comps])
        district_id = store.id
    pairs = [(p.id, c) for p in people for c in comps]
    acked: dict[tuple[str, str], tuple[int, int]] = {}
    acked_ids: set[str] = set()
    cycle_file = data_dir / "districts" / district_id / "cycles" / f"{cycle.id}.json"
    total_acks = mid_write = 0
    for round_no in range(1, kills + 1):
        pid, fd = _start_child(data_dir, district_id, cycle.id, pairs, round_no)
        out = _read_acks(fd, pid, rng)
        for line in out.decode().splitlines(keepends=True):
            if not line.endswith("\n"):
                continue  # cut by the kill: never acknowledged
            person, comp, rid, note = line.split()
            acked[(person, comp)] = _version(note)
            acked_ids.add(rid)
            total_acks += 1
        mid_write += any(cycle_file.parent.glob(".*.tmp"))  # killed while writing
        # Stock TinyDB opens every file...
        for path in iter_store_files(data_dir):
            db = TinyDB(path)
            try:
                assert db.tables()
            finally:
                db.close()
        db = TinyDB(cycle_file)
        on_disk = {(d["participant_id"], d["competency_id"]): d for d in db.table("ratings")}
        db.close()
        # ...and every acknowledged rating is there (or a newer one for the same pair).
        for pair, version in acked.items():
            assert _version(on_disk[pair]["note"]) >= version, (round_no, pair)
        assert len(on_disk) == len(pairs)
        acked = {pair: _version(doc["note"]) for pair, doc in on_disk.items()
                 if pair in acked}
    with Repository(data_dir, read_only=True) as repo:
        ratings = repo.open_district(district_id).ratings(cycle.id)
        assert len(ratings) == len(pairs)
    return total_acks, mid_write


def test_sigkill_never_loses_an_acknowledged_rating(data_dir: Path, pack: Pack) -> None:
    acks, mid_write = run_kills(data_dir, pack, kills=200, seed=1)
    assert acks > 150  # the children did save between kills
    print(f"{acks} saves acknowledged, {mid_write} of 200 kills during a write")
    assert mid_write > 0  # kills did hit saves in progress (typically 20-35%)


@pytest.mark.slow
def test_sigkill_many_times(data_dir: Path, pack: Pack) -> None:
    run_kills(data_dir, pack, kills=2000, seed=2)
