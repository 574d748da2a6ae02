"""One home for results: a cycle's results computed once, kept until that cycle changes.

The consensus, results, plan and improve screens, the CLI, the tables and the PDFs all ask
a :class:`ResultsService` (``DistrictStore.results``) instead of calling
:func:`~navtool_desktop.core.results.cycle_results` themselves. It is pure: the store feeds
it through :class:`ResultsSource`, whose :meth:`~ResultsSource.cycle_stamp` changes whenever
a cycle's data or its record changes (the store keys it by the cycle file's write
generation and the cycle record's version). A stamp of None means "not known without
reading the cycle": the results are computed again.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol

from navtool_desktop.core.planning import on_pack
from navtool_desktop.core.records import Cycle
from navtool_desktop.core.results import CycleInput, CycleResults, CycleSource, cycle_results
from navtool_desktop.framework import Pack


class ResultsSource(Protocol):
    """What the service reads: the cycles, one cycle's data, and a stamp of its state."""

    def cycles(self) -> Sequence[Cycle]: ...

    def cycle(self, cycle_id: str) -> CycleSource: ...

    def cycle_stamp(self, cycle_id: str) -> Hashable | None: ...


class ResultsService:
    """Each cycle's results for a pack and threshold, cached by the cycle's stamp."""

    def __init__(self, source: ResultsSource) -> None:
        self._source = source
        # (id(pack), cycle id, threshold) -> (pack, stamp, results); the pack is kept so its
        # id() is not reused while the entry lives.
        self._cache: dict[tuple[int, str, int | None], tuple[Pack, Hashable, CycleResults]] = {}
        #: How many times results were computed (not served from the cache).
        self.computed = 0

    def cycle(self, pack: Pack, cycle_id: str, threshold: int | None = None) -> CycleResults:
        """One cycle's results (``threshold`` as in :func:`cycle_results`)."""
        key = (id(pack), cycle_id, threshold)
        stamp = self._source.cycle_stamp(cycle_id)
        hit = self._cache.get(key)
        if hit is not None and stamp is not None and hit[0] is pack and hit[1] == stamp:
            return hit[2]
        results = cycle_results(pack, CycleInput.of(self._source.cycle(cycle_id)), threshold)
        self.computed += 1
        stamp = self._source.cycle_stamp(cycle_id)  # known now that the cycle was read
        if stamp is not None:
            self._cache[key] = (pack, stamp, results)
        return results

    def across(self, pack: Pack, threshold: int | None = None) -> list[CycleResults]:
        """Results across cycles: every cycle on ``pack``'s framework, oldest first
        (:func:`~navtool_desktop.core.planning.on_pack`): growth, targets reached, the plan PDF."""
        return [self.cycle(pack, c.id, threshold) for c in on_pack(pack, self._source.cycles())]

    def forget(self) -> None:
        """Drop every cached result (the store was read again from its files)."""
        self._cache.clear()
