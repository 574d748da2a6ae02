"""Run every benchmark module in ``bench/`` (or those named) and print their results."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

from bench import Result


def modules(names: list[str]) -> list[str]:
    found = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                   if not m.name.startswith("_"))
    return [n for n in found if not names or n in names]


def main(argv: list[str]) -> int:
    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}  platform: {sys.platform}")
    failed = 0
    for name in modules(argv):
        start = time.perf_counter()
        results: list[Result] = importlib.import_module(f"bench.{name}").run()
        print(f"\n[{name}] ({time.perf_counter() - start:.1f} s)")
        for r in results:
            verdict = "" if r.ok is None else ("  ok" if r.ok else "  OVER TARGET")
            target = "" if r.target is None else f"  (target < {r.target:g} {r.unit})"
            print(f"  {r.name:<52} {r.value:10.2f} {r.unit:<3}{target}{verdict}")
            failed += r.ok is False
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
