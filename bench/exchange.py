"""Import and merge 60 participant bundles of a full cycle (30 competencies each) from a folder.

Each round starts from a facilitator laptop that has the cycle but none of the 60 people,
imports the folder (checking every bundle, merging, one write of the cycle file), and is
timed from the first file read to the summary. Target: under 3 s. Prints the median.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench import Result, median

PARTICIPANTS = 60
ROUNDS = 5
TARGET_S = 3.0


def _prepare(root: Path) -> tuple[Path, Path, int]:
    """A facilitator data folder (cycle, nobody in it) and a folder of 60 bundles."""
    from navtool_desktop import paths
    from navtool_desktop.core.records import Cycle, District, Participant, Rating
    from navtool_desktop.exchange import export_bundle
    from navtool_desktop.framework import load_pack
    from navtool_desktop.storage import Repository

    pack = load_pack(paths.default_pack_dir())
    roles = ("educator", "leader", "community_member", "learner")
    levels = ("establishing", "developing", "operationalizing", "refining", "not_sure")
    facilitator, stick = root / "facilitator", root / "stick"
    stick.mkdir()
    with Repository(root / "source") as repo:
        store = repo.create_district(District(name="Bench Valley Schools"))
        cycle = store.create_cycle(Cycle(title="Fall", date="2025-10-01", framework_id=pack.id,
                                          framework_version=pack.version)).cycle
        base = store.backup().path
        people = [Participant(name=f"Person {n}", role_group=roles[n % 4]) for n in range(PARTICIPANTS)]
        ratings = [Rating(participant_id=p.id, competency_id=c.id, level=levels[(n + k) % 5],
                          note="We see this in some buildings." if k % 7 == 0 else "")
                   for n, p in enumerate(people) for k, c in enumerate(pack.competencies)]
        store.delete_cycle(cycle.id)
        store.import_cycle(cycle, people, ratings)
        for person in people:
            export_bundle(store, pack, "participant", stick / f"{person.name}.navtool",
                          cycle_id=cycle.id, participant_id=person.id, unprotected_ok=True)
    with Repository(facilitator) as repo:
        repo.restore(base)
    return facilitator, stick, len(ratings)


def _one_round(facilitator: Path, stick: Path, work: Path) -> float:
    from navtool_desktop import paths
    from navtool_desktop.exchange import import_paths
    from navtool_desktop.framework import load_pack
    from navtool_desktop.storage import Repository

    pack = load_pack(paths.default_pack_dir())
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(facilitator, work)
    with Repository(work) as repo:
        store = repo.open_last() or repo.open_district(repo.list_districts()[0].id)
        start = time.perf_counter()
        summary = import_paths(repo, pack, [stick], store=store)
        elapsed = time.perf_counter() - start
    if summary.refused or summary.total("added") == 0:
        raise RuntimeError(summary.text())
    return elapsed


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="navtool-bench-exchange-") as tmp:
        root = Path(tmp)
        facilitator, stick, ratings = _prepare(root)
        times = [_one_round(facilitator, stick, root / f"round{n}") for n in range(ROUNDS)]
    return [Result(f"import {PARTICIPANTS} participant bundles ({ratings} ratings), median",
                   median(times), "s", TARGET_S),
            Result("  ratings checked and merged per second", ratings / median(times), "/s")]


def main() -> int:
    results = run()
    for r in results:
        target = "" if r.target is None else f" (target < {r.target:g} {r.unit})"
        verdict = "" if r.ok is None else ("  ok" if r.ok else "  OVER TARGET")
        print(f"{r.name.strip()}: {r.value:.3f} {r.unit}{target}{verdict}")
    return 0 if all(r.ok is not False for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
