"""Storage with ten years of history: 40 cycles x 60 participants x 30 competencies.

Measures the median and p95 of saving one rating beside the floor (an atomic replace of
a small file with the same fsync sequence, in the same folder, timed in turn with the
saves) and the same save into a copy that keeps each cycle in one file (as before cycles
were kept in parts, see ``storage/atomic.CycleStorage``); the time to open the history and
load one cycle's results, and the peak memory (RSS) of a process that does so and then
walks every cycle (growth over time). Opening and memory run in fresh subprocesses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Result, median, percentile

YEARS, PARTICIPANTS = 10, 60
SAVES = 300
ROOT = Path(__file__).resolve().parent.parent


def build(data_dir: Path) -> int:
    """Write the demo district with the full history; return the number of ratings."""
    from navtool_desktop import paths
    from navtool_desktop.core.demo import generate
    from navtool_desktop.framework import load_pack
    from navtool_desktop.storage import Repository
    from navtool_desktop.storage.demo import save_demo

    demo = generate(load_pack(paths.default_pack_dir()), years=YEARS,
                    participants=PARTICIPANTS, scoped_cycles=False)
    with Repository(data_dir) as repo:
        save_demo(repo, demo)
    return sum(len(c.ratings) for c in demo.cycles)


def whole_copy(data_dir: Path, copy_dir: Path) -> None:
    """A copy of the data folder with every cycle in one file (format 2, as before parts):
    the "before" store, saved to in the same run as the "after" one."""
    import shutil

    from navtool_desktop.storage import atomic

    shutil.copytree(data_dir, copy_dir)
    for folder in list((copy_dir / "districts").glob("*/cycles/*")):
        if folder.is_dir():
            head = folder.with_suffix(".json")
            atomic.atomic_write(head, atomic.read_whole(head))
            shutil.rmtree(folder)


def time_saves(data_dir: Path, whole_dir: Path) -> dict[str, list[float]]:
    """Save ratings into the newest cycle, interleaved with the floor and the old layout.

    Each round times four things back to back, so all see the same load on the disk and
    the CPU: the floor (an atomic replace of a small file with the same fsync sequence, in
    the cycle file's folder), the same replace of a file as big as the whole cycle (the
    I/O any save that rewrites the whole cycle pays), a save (the cycle kept in parts),
    and the same save into the copy that keeps each cycle in one file (before parts).
    """
    from navtool_desktop.core.records import LEVELS, Rating
    from navtool_desktop.storage import Repository, atomic

    times: dict[str, list[float]] = {"floor": [], "whole_file": [], "save": [], "save_whole": []}
    split_at = atomic.SPLIT_AT
    atomic.SPLIT_AT = 1 << 40  # the copy's cycles stay in one file; the others are in parts
    with Repository(data_dir) as repo, Repository(whole_dir) as old_repo:
        store, old_store = repo.open_last(), old_repo.open_last()
        assert store is not None and old_store is not None
        cycle = store.cycles()[-1]
        data = store.cycle(cycle.id)
        old_store.cycle(cycle.id)
        people = list(data.participants)
        comps = sorted({r.competency_id for r in data.ratings.values()})
        head = next((data_dir / "districts").rglob(f"{cycle.id}.json"))
        assert (atomic.parts_folder(head) / f"{people[0]}.json").is_file(), "not kept in parts"
        folder = head.parent
        floor_file = folder / ".bench-floor.json"
        small = atomic.encode_json({"meta": {"1": {"kind": "bench", "generation": 1}}})
        atomic.atomic_write(floor_file, small)
        # The same replace with the whole cycle's bytes: what any whole-file save must pay.
        big_file = folder / ".bench-whole-file.json"
        big = atomic.read_whole(head)
        atomic.atomic_write(big_file, big)
        try:
            for n in range(SAVES):
                start = time.perf_counter()
                atomic.atomic_write(floor_file, small, small)
                times["floor"].append(time.perf_counter() - start)
                start = time.perf_counter()
                atomic.atomic_write(big_file, big, big)
                times["whole_file"].append(time.perf_counter() - start)
                for key, into in (("save", store), ("save_whole", old_store)):
                    rating = Rating(participant_id=people[n % len(people)],
                                    competency_id=comps[n * 7 % len(comps)],
                                    level=LEVELS[n % 4], note=f"bench {n} {key}")
                    start = time.perf_counter()
                    into.save_rating(cycle.id, rating)
                    times[key].append(time.perf_counter() - start)
        finally:
            atomic.SPLIT_AT = split_at
            floor_file.unlink()
            big_file.unlink()
    return times


def child(data_dir: str) -> None:
    """In a fresh process: open, load the latest cycle's results, walk every cycle."""
    import statistics

    start = time.perf_counter()
    from navtool_desktop.core.records import LEVELS
    from navtool_desktop.storage import Repository

    imported = time.perf_counter()
    repo = Repository(Path(data_dir))
    store = repo.open_last()
    assert store is not None
    latest = store.cycle(store.cycles()[-1].id)
    by_comp: dict[str, list[int]] = {}
    for rating in latest.ratings.values():
        if rating.level in LEVELS:
            by_comp.setdefault(rating.competency_id, []).append(LEVELS.index(rating.level))
    results = {c: statistics.median(v) for c, v in by_comp.items()}
    opened = time.perf_counter()
    growth = []
    for cycle in store.cycles():
        levels = [LEVELS.index(r.level) for r in store.cycle(cycle.id).ratings.values()
                  if r.level in LEVELS]
        growth.append(statistics.mean(levels))
    walked = time.perf_counter()
    repo.close()
    peak_mb = _peak_mb()
    print(json.dumps({"import": imported - start, "open": opened - imported,
                      "walk": walked - opened, "peak_mb": peak_mb,
                      "competencies": len(results), "cycles": len(growth)}))


def _peak_mb() -> float:
    """This process's peak memory. On Linux from /proc (VmHWM), because ``ru_maxrss`` carries the
    parent's peak over fork and exec: after the network benchmark it read 528 MB for an 88 MB child."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource  # Unix only, like this fallback

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def growth_child(data_dir: str) -> None:
    """In a fresh process: the growth view's results across all cycles, as the screens
    get them (``store.results.across``): the first time, again unchanged, and again after
    one rating was saved; and, for comparison, recomputing every cycle (what each show of
    Set Goals or Learn and Improve did before the results service)."""
    from navtool_desktop import paths
    from navtool_desktop.core import planning
    from navtool_desktop.core.records import Rating
    from navtool_desktop.core.results import CycleInput, cycle_results
    from navtool_desktop.framework import load_pack
    from navtool_desktop.storage import Repository

    pack = load_pack(paths.default_pack_dir())
    repo = Repository(Path(data_dir))
    store = repo.open_last()
    assert store is not None

    def timed(work):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        work()
        return time.perf_counter() - start

    first = timed(lambda: planning.competency_growth(pack, store.results.across(pack)))
    again = timed(lambda: planning.competency_growth(pack, store.results.across(pack)))
    cycle = store.cycles()[-1]
    rating = next(iter(store.cycle(cycle.id).ratings.values()))
    store.save_rating(cycle.id, Rating(participant_id=rating.participant_id,
                                       competency_id=rating.competency_id, level="refining"))
    changed = timed(lambda: planning.competency_growth(pack, store.results.across(pack)))
    recompute = timed(lambda: planning.competency_growth(pack, [
        cycle_results(pack, CycleInput.of(store.cycle(c.id))) for c in planning.on_pack(pack, store.cycles())]))
    repo.close()
    print(json.dumps({"first": first, "again": again, "changed": changed, "recompute": recompute}))


def _run_child(data_dir: Path, name: str = "child") -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", f"import sys; from bench.store import {name}; "
                          f"{name}(sys.argv[1])", str(data_dir)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="navtool-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        start = time.perf_counter()
        ratings = build(data_dir)
        built = time.perf_counter() - start
        from navtool_desktop.storage.atomic import read_whole

        files = list((data_dir / "districts").rglob("*.json"))
        size = sum(p.stat().st_size for p in files)
        cycle_size = max(len(read_whole(p)) for p in (data_dir / "districts").glob("*/cycles/*.json"))
        whole_copy(data_dir, Path(tmp) / "whole")
        times = time_saves(data_dir, Path(tmp) / "whole")
        runs = [_run_child(data_dir) for _ in range(5)]
        growth = [_run_child(data_dir, "growth_child") for _ in range(3)]
    floor, save, before = (median(times[k]) * 1000 for k in ("floor", "save", "save_whole"))
    return [
        Result(f"history built ({ratings} ratings, {size / 1e6:.0f} MB of JSON)", built, "s"),
        Result("floor: atomic replace of a small file, median", floor, "ms"),
        Result("floor: atomic replace of a small file, p95", percentile(times["floor"], 0.95) * 1000, "ms"),
        Result(f"  replace of a {cycle_size / 1e6:.1f} MB file (no encoding), median",
               median(times["whole_file"]) * 1000, "ms"),
        Result(f"  replace of a {cycle_size / 1e6:.1f} MB file / floor, median",
               median(times["whole_file"]) * 1000 / floor, "x"),
        Result("save one rating (cycle in parts), median", save, "ms", 3 * floor),
        Result("save one rating, p95", percentile(times["save"], 0.95) * 1000, "ms"),
        Result("save one rating / floor, median", save / floor, "x", 3),
        Result(f"  before: save into one {cycle_size / 1e6:.1f} MB cycle file, median", before, "ms"),
        Result("  before: save into one cycle file / floor, median", before / floor, "x"),
        Result("  before: save into one cycle file, p95",
               percentile(times["save_whole"], 0.95) * 1000, "ms"),
        Result("open history + load one cycle's results, median",
               median([r["open"] for r in runs]) * 1000, "ms", 500),
        Result("  import of the storage modules, median",
               median([r["import"] for r in runs]) * 1000, "ms"),
        Result("walk all 40 cycles (growth), median", median([r["walk"] for r in runs]) * 1000,
               "ms"),
        Result("growth view: results of all 40 cycles, recomputed (each show before), median",
               median([g["recompute"] for g in growth]) * 1000, "ms"),
        Result("growth view: results of all 40 cycles, first show, median",
               median([g["first"] for g in growth]) * 1000, "ms", 300),
        Result("growth view: shown again, nothing changed, median",
               median([g["again"] for g in growth]) * 1000, "ms", 300),
        Result("growth view: shown again after one rating saved, median",
               median([g["changed"] for g in growth]) * 1000, "ms", 300),
        Result("peak RSS (open, results, walk all cycles)", max(r["peak_mb"] for r in runs),
               "MB", 250),
    ]

if __name__ == "__main__":
    os.chdir(ROOT)
    for result in run():
        print(result)
