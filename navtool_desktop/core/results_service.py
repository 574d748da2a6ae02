"""One home for results: a cycle's results computed once, kept until that cycle changes.

The consensus, results, plan and improve screens, the CLI, the tables and the PDFs all ask
a :class:`ResultsService` (``DistrictStore.results``) instead of calling
:func:`~navtool_desktop.core.results.cycle_results` themselves. It is pure: the store feeds
it through :class:`ResultsSource`, whose :meth:`~ResultsSource.cycle_stamp` changes whenever
a cycle's data or its record changes (the store keys it by the cycle file's write
generation and the cycle record's version). A stamp of None means "not known without
reading the cycle": the results are computed again.

A source may also keep **summaries on disk** (:meth:`ResultsSource.read_summary`), so a new
session does not compute every cycle again: a summary is used only when its key (the cycle
file's fingerprint, the cycle record, the pack and the threshold, see :func:`summary_key`)
matches exactly, and it is checked as it is decoded (:func:`decode_results`); anything else
is ignored and computed again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Protocol

from navtool_desktop.core import disclosure, results
from navtool_desktop.core.planning import on_pack
from navtool_desktop.core.records import Consensus, Cycle, Record
from navtool_desktop.core.results import CycleInput, CycleResults, CycleSource, cycle_results
from navtool_desktop.framework import Pack

#: Raised when the way results are computed or stored changes: older summaries are ignored.
SUMMARY_FORMAT = 1
#: The classes a summary may hold, by name (nothing else is ever built from a file).
_CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    results.CycleResults, results.CompetencyResult, results.ConditionResult, results.GroupResult,
    results.VoteSummary, results.Distribution, disclosure.Disclosure)}
_RECORDS: dict[str, type[Record]] = {"Cycle": Cycle, "Consensus": Consensus}


def _encode(value: Any) -> Any:
    if isinstance(value, Record):
        return {"record": type(value).__name__, "data": value.to_dict()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"class": type(value).__name__,
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"frozenset": sorted(_encode(v) for v in value)}
    if isinstance(value, Mapping):
        return {"map": {str(k): _encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep {type(value).__name__} in a results summary")  # a programming error


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise ValueError("a list outside a tuple")
        return value
    if "record" in value:
        return _RECORDS[value["record"]].from_dict(value["data"])
    if "class" in value:
        cls = _CLASSES[value["class"]]
        return cls(**{k: _decode(v) for k, v in value["fields"].items()})
    if "tuple" in value:
        return tuple(_decode(v) for v in value["tuple"])
    if "frozenset" in value:
        return frozenset(_decode(v) for v in value["frozenset"])
    if "map" in value:
        return {k: _decode(v) for k, v in value["map"].items()}
    raise ValueError("an unknown value")


def encode_results(key: str, found: CycleResults) -> bytes:
    """A cycle's results as summary bytes under ``key``."""
    return json.dumps({"key": key, "results": _encode(found)}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def decode_results(key: str, raw: bytes, cycle: Cycle) -> CycleResults | None:
    """The results in a summary, or None unless it is whole, under ``key`` and of ``cycle``."""
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        found = _decode(data["results"])
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    if not isinstance(found, CycleResults) or found.cycle != cycle:
        return None
    return found


def summary_key(fingerprint: str, cycle: Cycle, pack: Pack, threshold: int | None) -> str:
    """What a summary must match to be used: the cycle file's content (``fingerprint``), the
    cycle record, the pack, the threshold asked for and :data:`SUMMARY_FORMAT`."""
    text = json.dumps([SUMMARY_FORMAT, fingerprint, cycle.to_dict(), pack.id, pack.version,
                       threshold], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResultsSource(Protocol):
    """What the service reads: the cycles, one cycle's data, and a stamp of its state."""

    def cycles(self) -> Sequence[Cycle]: ...

    def cycle(self, cycle_id: str) -> CycleSource: ...

    def cycle_stamp(self, cycle_id: str) -> Hashable | None: ...

    def get_cycle(self, cycle_id: str) -> Cycle: ...

    def cycle_fingerprint(self, cycle_id: str) -> str | None:
        """A hash of the cycle file's bytes (None: no summaries kept)."""

    def read_summary(self, cycle_id: str, threshold: int | None) -> bytes | None:
        """The summary kept for a cycle and threshold, if any."""

    def write_summary(self, cycle_id: str, threshold: int | None, raw: bytes) -> None:
        """Keep a summary (failures are ignored: it is only a cache)."""


class ResultsService:
    """Each cycle's results for a pack and threshold, cached by the cycle's stamp."""

    def __init__(self, source: ResultsSource) -> None:
        self._source = source
        # (id(pack), cycle id, threshold) -> (pack, stamp, results); the pack is kept so its
        # id() is not reused while the entry lives.
        self._cache: dict[tuple[int, str, int | None], tuple[Pack, Hashable, CycleResults]] = {}
        #: How many times results were computed (not served from the cache), and read
        #: from a summary on disk.
        self.computed = 0
        self.from_disk = 0

    def cycle(self, pack: Pack, cycle_id: str, threshold: int | None = None) -> CycleResults:
        """One cycle's results (``threshold`` as in :func:`cycle_results`)."""
        key = (id(pack), cycle_id, threshold)
        stamp = self._source.cycle_stamp(cycle_id)
        hit = self._cache.get(key)
        if hit is not None and stamp is not None and hit[0] is pack and hit[1] == stamp:
            return hit[2]
        fingerprint = self._source.cycle_fingerprint(cycle_id)
        summary = (summary_key(fingerprint, self._source.get_cycle(cycle_id), pack, threshold)
                   if fingerprint is not None else None)
        found = self._from_summary(cycle_id, threshold, summary)
        if found is None:
            found = cycle_results(pack, CycleInput.of(self._source.cycle(cycle_id)), threshold)
            self.computed += 1
            if summary is not None and found.cycle == self._source.get_cycle(cycle_id):
                self._source.write_summary(cycle_id, threshold, encode_results(summary, found))
        stamp = self._source.cycle_stamp(cycle_id)  # known now that the cycle was read
        if stamp is not None:
            self._cache[key] = (pack, stamp, found)
        return found

    def _from_summary(self, cycle_id: str, threshold: int | None, summary: str | None) -> CycleResults | None:
        if summary is None:
            return None
        raw = self._source.read_summary(cycle_id, threshold)
        if raw is None:
            return None
        found = decode_results(summary, raw, self._source.get_cycle(cycle_id))
        if found is not None:
            self.from_disk += 1
        return found

    def across(self, pack: Pack, threshold: int | None = None) -> list[CycleResults]:
        """Results across cycles: every cycle on ``pack``'s framework, oldest first
        (:func:`~navtool_desktop.core.planning.on_pack`): growth, targets reached, the plan PDF."""
        return [self.cycle(pack, c.id, threshold) for c in on_pack(pack, self._source.cycles())]

    def forget(self) -> None:
        """Drop every cached result (the store was read again from its files)."""
        self._cache.clear()
