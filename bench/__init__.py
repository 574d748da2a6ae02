"""Benchmarks (``make bench`` runs ``python -m bench``); never timed tests.

Each module ``bench/<area>.py`` has ``run() -> list[Result]``; ``bench/__main__.py`` runs
them all (or the ones named on its command line) and prints the results.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One measured quantity, with its target when the design sets one."""

    name: str
    value: float
    unit: str
    target: float | None = None

    @property
    def ok(self) -> bool | None:
        return None if self.target is None else self.value < self.target


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)
