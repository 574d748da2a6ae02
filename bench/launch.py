"""Launch of the frozen app against a bare Qt window frozen the same way, and bundle size.

Builds (if out of date) ``dist/navtool`` and ``dist/bare_window`` with ``make bundle
bundle-bare``, then starts each ``RUNS`` times, alternating, under
``QT_QPA_PLATFORM=offscreen`` until its main window is shown (``--exit-when-shown``; the
bare window quits on show too). Reports both medians, their ratio, and ``du`` of
``dist/navtool``. Targets (DESIGN.md section 7): under 1.0 s, under 3x the bare window,
under 125 MB (of 10^6 bytes). Run alone with ``python -m bench.launch``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dist" / "navtool" / ("navtool.exe" if os.name == "nt" else "navtool")
BARE = ROOT / "dist" / "bare_window" / ("bare_window.exe" if os.name == "nt" else "bare_window")
RUNS = 7


def build() -> None:
    """Bring both frozen programs up to date (same spec helpers, same virtual environment)."""
    subprocess.run(["make", "--no-print-directory", "-s", "bundle", "bundle-bare"], cwd=ROOT, check=True)


def launch_seconds(argv: list[str], data_dir: Path) -> float:
    """Wall time from spawning ``argv`` until it exits after showing its window."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NAVTOOL_DATA_DIR=str(data_dir))
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, timeout=120, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return elapsed


def folder_mb(folder: Path) -> float:
    """Size on disk of ``folder`` in MB of 10^6 bytes (du -sk; falls back to summing file sizes)."""
    try:
        out = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True).stdout
        return int(out.split()[0]) * 1024 / 1e6
    except (OSError, subprocess.CalledProcessError, ValueError):
        return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure(runs: int = RUNS) -> dict[str, float]:
    import tempfile

    build()
    app_times: list[float] = []
    demo_times: list[float] = []
    bare_times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="navtool-bench-") as tmp, \
            tempfile.TemporaryDirectory(prefix="navtool-bench-demo-") as demo_tmp:
        data_dir, demo_dir = Path(tmp), Path(demo_tmp)
        # a district with three years of cycles and plans: what a team opens every day
        subprocess.run([str(APP), "--data-dir", str(demo_dir), "demo"], capture_output=True, check=True)
        launch_seconds([str(APP), "--exit-when-shown"], data_dir)  # warm the file cache once
        launch_seconds([str(BARE)], data_dir)
        for _ in range(runs):
            app_times.append(launch_seconds([str(APP), "--exit-when-shown"], data_dir))
            demo_times.append(launch_seconds([str(APP), "--exit-when-shown"], demo_dir))
            bare_times.append(launch_seconds([str(BARE)], data_dir))
    app, bare = statistics.median(app_times), statistics.median(bare_times)
    demo = statistics.median(demo_times)
    return {"app_s": app, "bare_s": bare, "ratio": app / bare, "demo_s": demo,
            "demo_ratio": demo / bare, "bundle_mb": folder_mb(APP.parent),
            "bare_mb": folder_mb(BARE.parent)}


def run() -> list[object]:
    """Results for ``python -m bench`` (see bench/__init__.py)."""
    from bench import Result

    m = measure()
    return [
        Result(f"frozen app launch to window shown (median of {RUNS})", m["app_s"], "s", 1.0),
        Result(f"frozen bare Qt window launch (median of {RUNS})", m["bare_s"], "s"),
        Result("app launch / bare window launch", m["ratio"], "x", 3.0),
        Result(f"frozen app with the demo district open (median of {RUNS})", m["demo_s"], "s", 1.0),
        Result("demo district launch / bare window launch", m["demo_ratio"], "x", 3.0),
        Result("bundle size, dist/navtool", m["bundle_mb"], "MB", 125.0),
        Result("bare window bundle size, dist/bare_window", m["bare_mb"], "MB"),
    ]


def main() -> int:
    m = measure()
    print(f"frozen app launch, median of {RUNS}:   {m['app_s']:.3f} s   (target < 1.0 s)")
    print(f"frozen bare window, median of {RUNS}:  {m['bare_s']:.3f} s")
    print(f"ratio app / bare:               {m['ratio']:.2f} x   (target < 3 x)")
    print(f"with the demo district:         {m['demo_s']:.3f} s   ({m['demo_ratio']:.2f} x)")
    print(f"bundle size dist/navtool:       {m['bundle_mb']:.1f} MB  (target < 125 MB)")
    print(f"bare window bundle size:        {m['bare_mb']:.1f} MB")
    ok = m["app_s"] < 1.0 and m["ratio"] < 3.0 and m["bundle_mb"] < 125.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
