"""The repository: every district's data, saved durably with TinyDB.

Layout of the data folder (one writer at a time, see :mod:`~navtool_desktop.storage.lock`)::

    settings.json                       the last district opened
    navtool.lock                        who has the folder open
    districts/<district-id>/district.json        profile, cycle index, plans, goals, actions
    districts/<district-id>/cycles/<cycle-id>.json  participants, ratings, responses,
                                                    consensus, tallies of one cycle
    backups/<district-id>/<UTC time>.zip

Saving a rating rewrites only its cycle's file, so its cost does not grow with history.
Every file is a TinyDB database (stock ``tinydb.TinyDB(path)`` opens it) with a ``meta``
table holding its format version.

Typical use::

    repo = Repository()                      # the user's data folder, locked for writing
    store = repo.open_last() or repo.create_district(District(name="Pine Ridge USD"))
    cycle = store.create_cycle(Cycle(title="Fall 2025", date="2025-10-01",
                                     framework_id=pack.id, framework_version=pack.version))
    alex = store.save_participant(cycle.id, Participant(name="Alex", role_group="educator"))
    store.save_rating(cycle.id, Rating(participant_id=alex.id, competency_id=...,
                                       level="developing"))
    store.cycle(cycle.id).ratings            # what was saved

Every failure raises a :class:`~navtool_desktop.storage.errors.StoreError` whose message
can be shown as is. A repository is used from one thread only (TinyDB is not thread-safe):
in the app that is the GUI thread; background jobs read files or write documents, never
the store.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from tinydb import TinyDB

from navtool_desktop import paths
from navtool_desktop.core.clock import HybridClock, new_laptop_id, system_now
from navtool_desktop.core.records import (
    Action,
    Consensus,
    Cycle,
    District,
    Goal,
    Participant,
    Plan,
    ProgressNote,
    QuestionResponse,
    Rating,
    Record,
    RecordError,
    Tally,
    Tombstone,
    new_id,
    utc_now,
    version_key,
    version_of,
)
from navtool_desktop.fileio import TEMP_SUFFIX
from navtool_desktop.i18n import _
from navtool_desktop.storage import backup as backups
from navtool_desktop.storage.atomic import (
    AtomicJSONStorage,
    atomic_write,
    decode_json,
    encode_json,
    read_bytes,
)
from navtool_desktop.storage.errors import (
    BackupInfo,
    DamagedStoreError,
    InvalidChangeError,
    NotFoundError,
    ReadOnlyStoreError,
    StoreError,
    write_failure,
)
from navtool_desktop.storage.lock import FolderLock
from navtool_desktop.storage.schema import META, SCHEMA_VERSION, meta_table, upgrade

R = TypeVar("R", bound=Record)

SETTINGS = "settings.json"
DISTRICT_FILE = "district.json"
#: How many cycles' data stay in memory at once (the rest are re-read when needed).
OPEN_CYCLES = 6
#: A district opened for writing is backed up if its newest backup is older than this.
AUTO_BACKUP_AGE = timedelta(hours=24)

_DISTRICT_TABLES = ("district", "cycles", "plans", "goals", "actions", "progress")
_CYCLE_TABLES = ("participants", "ratings", "responses", "consensus", "tallies")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


class _File:
    """One TinyDB store file: its durable storage, its TinyDB handle, format checks."""

    def __init__(self, path: Path, kind: str, read_only: bool) -> None:
        self.path = path
        self.kind = kind
        self.storage = AtomicJSONStorage(path, read_only=read_only)
        self.db = TinyDB(storage=lambda: self.storage)

    def create(self, tables: Mapping[str, Mapping[str, Any]]) -> None:
        """Write a new file holding ``tables`` (record dicts keyed by doc id) in one step."""
        data: dict[str, Any] = {META: meta_table(self.kind)}
        data.update({name: dict(docs) for name, docs in tables.items()})
        self.storage.replace_all(data)

    def load(self, before_upgrade: Callable[[], None] | None = None) -> dict[str, Any]:
        """The file's data, upgraded to the current format (the caller handles damage).

        ``before_upgrade`` runs before an upgraded file is written (to back it up).
        """
        data = self.storage.read()
        assert data is not None
        data, changed = upgrade(self.path, data, self.kind)
        if changed:
            if self.storage.read_only:
                self.storage.adopt(data)
            else:
                if before_upgrade is not None:
                    before_upgrade()
                self.storage.write(data)
        return data

    def change(self, mutate: Callable[[dict[str, Any]], None]) -> None:
        """Apply ``mutate`` to the raw tables and write once (several records at once)."""
        data = self.storage.read()
        assert data is not None
        try:
            mutate(data)
        except BaseException:
            self.storage.forget()
            raise
        self.storage.write(data)


class _Records(Generic[R]):
    """The records of one TinyDB table, indexed by id in memory.

    The index changes only after the file was written, so a failed save leaves memory
    and disk as they were.
    """

    def __init__(self, file: _File, table: str, cls: type[R]) -> None:
        self.file = file
        self.table_name = table
        self.cls = cls
        self.records: dict[str, R] = {}
        self.doc_ids: dict[str, int] = {}

    def load(self, raw: Mapping[str, Any]) -> None:
        table = raw.get(self.table_name, {})
        if not isinstance(table, dict):
            raise RecordError(f"table {self.table_name} is not an object")
        for doc_id, doc in table.items():
            record = self.cls.from_dict(doc)
            self.records[record.id] = record  # type: ignore[attr-defined]
            self.doc_ids[record.id] = int(doc_id)  # type: ignore[attr-defined]

    def put(self, record: R, replaces: str | None = None) -> R:
        """Insert or update ``record``; ``replaces`` is another record id it takes over."""
        rid: str = record.id  # type: ignore[attr-defined]
        table = self.file.db.table(self.table_name)
        data = record.to_dict()
        slot = self.doc_ids.get(rid) or (self.doc_ids.get(replaces) if replaces else None)
        if slot is not None:
            if table.update(data, doc_ids=[slot]) != [slot]:
                raise StoreError(_("The saved data changed unexpectedly; reopen the district."))
        else:
            slot = table.insert(data)
        if replaces and replaces != rid:
            self.records.pop(replaces, None)
            self.doc_ids.pop(replaces, None)
        self.records[rid] = record
        self.doc_ids[rid] = slot
        return record

    def forget(self, ids: Iterable[str]) -> None:
        for rid in ids:
            self.records.pop(rid, None)
            self.doc_ids.pop(rid, None)

    def raw_remove(self, data: dict[str, Any], ids: Iterable[str]) -> None:
        table = data.setdefault(self.table_name, {})
        for rid in ids:
            if rid in self.doc_ids:
                table.pop(str(self.doc_ids[rid]), None)


# --- batches of records that keep their own times (used by merging imports) -----------

#: A record to save, and the id of an older record it takes the place of (or None).
Put = tuple[Record, str | None]


def _versioned(record: R) -> R:
    """A record with its version written out (data from before versions gets its own time)."""
    if getattr(record, "version", "x"):
        return record
    return record.replace(version=version_of(record))  # type: ignore[call-arg]


def _received(store: DistrictStore, record: R) -> R:
    """A record coming from elsewhere: versioned, and this laptop's clock moved past it."""
    record = _versioned(record)
    store.repo.clock.receive(version_of(record))
    return record


def _later(a: Record, b: Record) -> bool:
    """Whether record ``a`` is the later version of the two (versions, then content)."""
    return version_key(a) > version_key(b)


def _slot_plan(raw: dict[str, Any], records: _Records[Any], puts: Sequence[Put]) -> list[tuple[Put, int]]:
    """Write ``puts`` into the raw table; return each with the document slot it took."""
    table = raw.setdefault(records.table_name, {})
    next_slot = max((int(k) for k in table), default=0) + 1
    placed = []
    for record, replaces in puts:
        rid = record.id  # type: ignore[attr-defined]
        slot = records.doc_ids.get(rid) or (records.doc_ids.get(replaces) if replaces else None)
        if slot is None:
            slot, next_slot = next_slot, next_slot + 1
        table[str(slot)] = record.to_dict()
        placed.append(((record, replaces), slot))
    return placed


def _write(file: _File, parts: Sequence[tuple[_Records[Any], Sequence[Put]]],
           removals: Sequence[tuple[_Records[Any], Sequence[str]]] = ()) -> None:
    """One atomic write of every part (and removal), then the in-memory index (only after
    it succeeded)."""
    placed: list[tuple[_Records[Any], list[tuple[Put, int]]]] = []

    def mutate(raw: dict[str, Any]) -> None:
        placed.clear()
        for records, ids in removals:
            records.raw_remove(raw, ids)
        for records, puts in parts:
            if puts:
                placed.append((records, _slot_plan(raw, records, puts)))

    file.change(mutate)
    for records, ids in removals:
        records.forget(ids)
    for records, items in placed:
        for (record, replaces), slot in items:
            rid = record.id  # type: ignore[attr-defined]
            if replaces and replaces != rid:
                records.records.pop(replaces, None)
                records.doc_ids.pop(replaces, None)
            records.records[rid] = record
            records.doc_ids[rid] = slot
    # TinyDB caches each table's next document id; documents were added behind its back.
    storage = file.storage
    file.db = TinyDB(storage=lambda: storage)


class CycleData:
    """One cycle's saved data, kept current by the :class:`DistrictStore` that made it.

    The mappings are read-only views keyed by record id (``consensus`` by competency id).
    """

    def __init__(self, cycle: Cycle, file: _File) -> None:
        self.cycle = cycle
        self._file = file
        self._participants = _Records(file, "participants", Participant)
        self._ratings = _Records(file, "ratings", Rating)
        self._responses = _Records(file, "responses", QuestionResponse)
        self._consensus = _Records(file, "consensus", Consensus)
        self._tallies = _Records(file, "tallies", Tally)
        self._tombstones = _Records(file, "tombstones", Tombstone)
        self._by_pair: dict[tuple[str, str], str] = {}

    def _load(self, raw: Mapping[str, Any]) -> None:
        for records in self._all():
            records.load(raw)
        self._by_pair = {(r.participant_id, r.competency_id): r.id
                         for r in self._ratings.records.values()}

    def _all(self) -> tuple[_Records[Any], ...]:
        return (self._participants, self._ratings, self._responses, self._consensus,
                self._tallies, self._tombstones)

    @property
    def participants(self) -> Mapping[str, Participant]:
        return MappingProxyType(self._participants.records)

    @property
    def ratings(self) -> Mapping[str, Rating]:
        return MappingProxyType(self._ratings.records)

    @property
    def responses(self) -> Mapping[str, QuestionResponse]:
        return MappingProxyType(self._responses.records)

    @property
    def consensus(self) -> Mapping[str, Consensus]:
        """Consensus records by competency id."""
        return MappingProxyType({c.competency_id: c for c in self._consensus.records.values()})

    @property
    def tallies(self) -> Mapping[str, Tally]:
        return MappingProxyType(self._tallies.records)

    @property
    def tombstones(self) -> Mapping[str, Tombstone]:
        """Records deleted from this cycle (participants, ratings, answers...), by id."""
        return MappingProxyType(self._tombstones.records)

    def rating_for(self, participant_id: str, competency_id: str) -> Rating | None:
        rid = self._by_pair.get((participant_id, competency_id))
        return self._ratings.records[rid] if rid else None


class DistrictStore:
    """One district's data: profile, cycles and their results, plans. Made by :class:`Repository`."""

    def __init__(self, repo: Repository, district_id: str) -> None:
        self.repo = repo
        self.id = district_id
        self.folder = repo.districts_folder / district_id
        self.read_only = repo.read_only
        self._attach()
        self._changed = False
        self._closed = False

    def _attach(self) -> None:
        """Fresh handles on the district file (nothing read yet) and no cycle in memory."""
        self._file = _File(self.folder / DISTRICT_FILE, "district", self.read_only)
        self._profile = _Records(self._file, "district", District)
        self._cycles = _Records(self._file, "cycles", Cycle)
        self._plans = _Records(self._file, "plans", Plan)
        self._goals = _Records(self._file, "goals", Goal)
        self._actions = _Records(self._file, "actions", Action)
        self._notes = _Records(self._file, "progress", ProgressNote)
        self._tombstones = _Records(self._file, "tombstones", Tombstone)
        self._open: OrderedDict[str, CycleData] = OrderedDict()

    # --- opening ----------------------------------------------------------------------

    def _load(self) -> None:
        raw = self.repo._read_file(self._file, self.id)
        try:
            for records in (self._profile, self._cycles, self._plans, self._goals,
                            self._actions, self._notes, self._tombstones):
                records.load(raw)
        except (RecordError, ValueError) as exc:
            raise self.repo._damaged(self._file.path, self.id, "invalid", str(exc)) from None
        if len(self._profile.records) != 1:
            raise self.repo._damaged(self._file.path, self.id, "invalid",
                                     _("it holds no district profile"))
        if not self.read_only:
            self._remove_temp_files()

    def _remove_temp_files(self) -> None:
        """Temp files left by a crash mid-save: the real files were never touched."""
        for folder in (self.folder, self.folder / "cycles"):
            for leftover in folder.glob(f".*{TEMP_SUFFIX}"):
                with contextlib.suppress(OSError):
                    leftover.unlink()

    def _writable(self) -> None:
        if self._closed:
            raise StoreError(_("This district was closed; open it again."))
        if self.read_only:
            raise ReadOnlyStoreError(_("This data is open read-only; the change was not saved."))
        self._changed = True

    def _stamp(self, record: R, previous: Record | None = None) -> R:
        """``record`` as saved now: this laptop's time and a version later than ``previous``
        (the record it replaces), whatever the clocks said."""
        after = version_of(previous) if previous is not None else ""
        stamp = self.repo.now()
        version = self.repo.clock.tick(after)
        return record.replace(updated=stamp, version=version, prior=after)  # type: ignore[call-arg]

    def _tombstone(self, kind: str, record: Record) -> Tombstone:
        return Tombstone(id=record.id, kind=kind,  # type: ignore[attr-defined]
                         version=self.repo.clock.tick(version_of(record)), deleted=self.repo.now())

    def tombstones(self) -> list[Tombstone]:
        """Cycles, plans, goals, actions and progress notes deleted from this district."""
        return list(self._tombstones.records.values())

    # --- profile ----------------------------------------------------------------------

    @property
    def profile(self) -> District:
        return next(iter(self._profile.records.values()))

    def save_profile(self, district: District) -> District:
        """Save the district profile (its id cannot change)."""
        self._writable()
        if district.id != self.id:
            raise InvalidChangeError(_("The profile belongs to another district."))
        district = self._stamp(district, self.profile)
        return self._profile.put(district, replaces=self.profile.id)

    # --- cycles -----------------------------------------------------------------------

    def cycles(self) -> list[Cycle]:
        """Every cycle of the district, oldest first."""
        return sorted(self._cycles.records.values(), key=lambda c: (c.date, c.created))

    def get_cycle(self, cycle_id: str) -> Cycle:
        try:
            return self._cycles.records[cycle_id]
        except KeyError:
            raise NotFoundError(_("There is no cycle with id {id}.").format(id=cycle_id)) from None

    def create_cycle(self, cycle: Cycle) -> CycleData:
        """Add a new, empty cycle."""
        return self.import_cycle(self._stamp(cycle))

    def import_cycle(self, cycle: Cycle, participants: Sequence[Participant] = (),
                     ratings: Sequence[Rating] = (), responses: Sequence[QuestionResponse] = (),
                     consensus: Sequence[Consensus] = (),
                     tallies: Sequence[Tally] = ()) -> CycleData:
        """Add a new cycle with all its data in one write (imports, the demo district)."""
        self._writable()
        if cycle.id in self._cycles.records:
            raise InvalidChangeError(_("A cycle with id {id} already exists.").format(id=cycle.id))
        people = {p.id for p in participants}
        for record in (*ratings, *responses):
            if record.participant_id not in people:
                raise InvalidChangeError(_("A rating or answer names a participant who is not "
                                           "in the cycle."))
        pairs = [(r.participant_id, r.competency_id) for r in ratings]
        if len(set(pairs)) != len(pairs):
            raise InvalidChangeError(_("A participant rates the same competency twice."))
        if len({c.competency_id for c in consensus}) != len(consensus):
            raise InvalidChangeError(_("A competency has two consensus records."))
        tables = {name: {str(n): _versioned(r).to_dict() for n, r in enumerate(records, 1)}
                  for name, records in zip(_CYCLE_TABLES, (participants, ratings, responses,
                                                           consensus, tallies), strict=True)}
        file = self._cycle_file(cycle.id)
        try:
            file.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failure(file.path, exc) from None
        # The cycle's file first, then the index entry: a crash in between leaves an
        # unlisted file (harmless), never an index entry without its file.
        file.create(tables)
        self._cycles.put(_versioned(cycle))
        data = CycleData(cycle, file)
        data._load(file.storage.read() or {})
        self._remember(cycle.id, data)
        return data

    def save_cycle(self, cycle: Cycle) -> Cycle:
        """Change a cycle's title, date, scope or status (open/closed)."""
        self._writable()
        cycle = self._stamp(cycle, self.get_cycle(cycle.id))
        self._cycles.put(cycle)
        if cycle.id in self._open:
            self._open[cycle.id].cycle = cycle
        return cycle

    def delete_cycle(self, cycle_id: str) -> None:
        """Remove a cycle and all its data (the latest backup still has it); a tombstone
        keeps bundles from bringing it back."""
        self._writable()
        stone = self._tombstone("cycle", self.get_cycle(cycle_id))
        _write(self._file, [(self._tombstones, [(stone, None)])], [(self._cycles, [cycle_id])])
        self._open.pop(cycle_id, None)
        with contextlib.suppress(OSError):
            self._cycle_file(cycle_id).path.unlink()

    def cycle(self, cycle_id: str) -> CycleData:
        """A cycle's participants, ratings, responses, consensus and tallies."""
        data = self._open.get(cycle_id)
        if data is not None:
            self._open.move_to_end(cycle_id)
            return data
        cycle = self.get_cycle(cycle_id)
        file = self._cycle_file(cycle_id)
        raw = self.repo._read_file(file, self.id)
        data = CycleData(cycle, file)
        try:
            data._load(raw)
        except (RecordError, ValueError) as exc:
            raise self.repo._damaged(file.path, self.id, "invalid", str(exc)) from None
        self._remember(cycle_id, data)
        return data

    def _cycle_file(self, cycle_id: str) -> _File:
        return _File(self.folder / "cycles" / f"{cycle_id}.json", "cycle", self.read_only)

    def _remember(self, cycle_id: str, data: CycleData) -> None:
        self._open[cycle_id] = data
        self._open.move_to_end(cycle_id)
        while len(self._open) > OPEN_CYCLES:
            _, old = self._open.popitem(last=False)
            old._file.storage.forget()

    def _open_cycle(self, cycle_id: str) -> CycleData:
        self._writable()
        data = self.cycle(cycle_id)
        if data.cycle.status == "closed":
            raise InvalidChangeError(_("The cycle \u201c{title}\u201d is closed; reopen it to "
                                       "change its data.").format(title=data.cycle.title))
        return data

    @staticmethod
    def _participant(data: CycleData, participant_id: str) -> None:
        if participant_id not in data._participants.records:
            raise InvalidChangeError(_("That participant is not part of the cycle "
                                       "\u201c{title}\u201d.").format(title=data.cycle.title))

    # --- cycle data -------------------------------------------------------------------

    def save_participant(self, cycle_id: str, participant: Participant) -> Participant:
        """Add or change a participant of a cycle (name, code, role group)."""
        data = self._open_cycle(cycle_id)
        if participant.id in data._tombstones.records:
            raise InvalidChangeError(_("That participant was removed from the cycle."))
        previous = data._participants.records.get(participant.id)
        return data._participants.put(self._stamp(participant, previous))

    def delete_participant(self, cycle_id: str, participant_id: str) -> None:
        """Remove a participant with their ratings and answers, in one write, leaving
        tombstones so that no bundle brings them back."""
        data = self._open_cycle(cycle_id)
        self._participant(data, participant_id)
        self._remove_people(data, [participant_id])

    def _remove_people(self, data: CycleData, people: Sequence[str],
                       puts: Sequence[tuple[_Records[Any], Sequence[Put]]] = ()) -> None:
        """Remove participants with their ratings and answers (and write ``puts``) at once."""
        ratings = [r for r in data._ratings.records.values() if r.participant_id in people]
        answers = [r for r in data._responses.records.values() if r.participant_id in people]
        stones = [self._tombstone("participant", data._participants.records[p]) for p in people]
        stones += [self._tombstone("rating", r) for r in ratings]
        stones += [self._tombstone("response", r) for r in answers]
        _write(data._file, [*puts, (data._tombstones, [(t, None) for t in stones])],
               [(data._participants, list(people)), (data._ratings, [r.id for r in ratings]),
                (data._responses, [r.id for r in answers])])
        data._by_pair = {(r.participant_id, r.competency_id): r.id
                         for r in data._ratings.records.values()}

    def merge_participants(self, cycle_id: str, keep_id: str, drop_id: str, *,
                           prefer_dropped: Iterable[str] = ()) -> Participant:
        """Make two participants who are the same person one: ``drop_id``'s ratings and
        answers go to ``keep_id``; where both rated a competency, the newer rating wins
        unless its competency id is in ``prefer_dropped`` (then the dropped one's rating
        does). ``drop_id`` is removed with a tombstone. One write; returns the kept person.
        """
        data = self._open_cycle(cycle_id)
        self._participant(data, keep_id)
        self._participant(data, drop_id)
        if keep_id == drop_id:
            raise InvalidChangeError(_("Choose two different participants to merge."))
        prefer = set(prefer_dropped)
        keep = data._participants.records[keep_id]
        rating_puts: list[Put] = []
        for rating in [r for r in data._ratings.records.values() if r.participant_id == drop_id]:
            mine = data.rating_for(keep_id, rating.competency_id)
            if mine is not None and rating.competency_id not in prefer and (
                    mine.level == rating.level or _later(mine, rating)):
                continue
            moved = rating.replace(id=new_id(), participant_id=keep_id)
            rating_puts.append((self._stamp(moved, mine or rating), mine.id if mine else None))
        answer_puts: list[Put] = []
        for answer in [r for r in data._responses.records.values() if r.participant_id == drop_id]:
            moved = answer.replace(id=new_id(), participant_id=keep_id)
            answer_puts.append((self._stamp(moved, answer), None))
        kept = self._stamp(keep, keep)
        self._remove_people(data, [drop_id], [(data._participants, [(kept, None)]),
                                              (data._ratings, rating_puts),
                                              (data._responses, answer_puts)])
        return kept

    def save_rating(self, cycle_id: str, rating: Rating) -> Rating:
        """Save one rating; it replaces the participant's earlier rating of that competency.

        Returns the rating as saved, stamped with the time. Only this cycle's file is
        rewritten.
        """
        data = self._open_cycle(cycle_id)
        self._participant(data, rating.participant_id)
        if not data.cycle.covers(rating.competency_id):
            raise InvalidChangeError(_("{competency} is not in the scope of this cycle.")
                                     .format(competency=rating.competency_id))
        pair = (rating.participant_id, rating.competency_id)
        previous = data.rating_for(*pair)
        rating = self._stamp(rating, previous)
        data._ratings.put(rating, replaces=data._by_pair.get(pair))
        data._by_pair[pair] = rating.id
        return rating

    def ratings(self, cycle_id: str) -> list[Rating]:
        """Every rating of a cycle."""
        return list(self.cycle(cycle_id)._ratings.records.values())

    def save_response(self, cycle_id: str, response: QuestionResponse) -> QuestionResponse:
        """Save a participant's answer to a guiding question."""
        data = self._open_cycle(cycle_id)
        self._participant(data, response.participant_id)
        return data._responses.put(self._stamp(response,
                                               data._responses.records.get(response.id)))

    def save_consensus(self, cycle_id: str, consensus: Consensus) -> Consensus:
        """Record the team's level for a competency (replaces an earlier one)."""
        data = self._open_cycle(cycle_id)
        old = data.consensus.get(consensus.competency_id)
        return data._consensus.put(self._stamp(consensus, old), replaces=old.id if old else None)

    def save_tally(self, cycle_id: str, tally: Tally) -> Tally:
        """Record paper votes for a competency and role group (replaces earlier ones)."""
        data = self._open_cycle(cycle_id)
        old = next((t for t in data._tallies.records.values()
                    if (t.competency_id, t.role_group) == (tally.competency_id, tally.role_group)),
                   None)
        return data._tallies.put(self._stamp(tally, old), replaces=old.id if old else None)

    # --- plans, goals, actions, progress ------------------------------------------------

    def plans(self) -> list[Plan]:
        return sorted(self._plans.records.values(), key=lambda p: (p.period_start, p.created))

    def goals(self, plan_id: str | None = None) -> list[Goal]:
        return [g for g in self._goals.records.values() if plan_id in (None, g.plan_id)]

    def actions(self, goal_id: str | None = None) -> list[Action]:
        return [a for a in self._actions.records.values() if goal_id in (None, a.goal_id)]

    def progress_notes(self, action_id: str | None = None) -> list[ProgressNote]:
        notes = [n for n in self._notes.records.values() if action_id in (None, n.action_id)]
        return sorted(notes, key=lambda n: (n.date, n.updated))

    def save_plan(self, plan: Plan) -> Plan:
        self._writable()
        return self._plans.put(self._stamp(plan, self._plans.records.get(plan.id)))

    def save_goal(self, goal: Goal) -> Goal:
        self._writable()
        self._require(self._plans, goal.plan_id, _("plan"))
        return self._goals.put(self._stamp(goal, self._goals.records.get(goal.id)))

    def save_action(self, action: Action) -> Action:
        self._writable()
        self._require(self._goals, action.goal_id, _("goal"))
        return self._actions.put(self._stamp(action, self._actions.records.get(action.id)))

    def save_progress_note(self, note: ProgressNote) -> ProgressNote:
        self._writable()
        self._require(self._actions, note.action_id, _("action"))
        return self._notes.put(self._stamp(note, self._notes.records.get(note.id)))

    def delete_plan(self, plan_id: str) -> None:
        """Remove a plan with its goals, actions and notes, in one write."""
        self._require(self._plans, plan_id, _("plan"))
        goals = [g.id for g in self.goals(plan_id)]
        self._delete_tree([plan_id], goals)

    def delete_goal(self, goal_id: str) -> None:
        self._require(self._goals, goal_id, _("goal"))
        self._delete_tree([], [goal_id])

    def delete_action(self, action_id: str) -> None:
        self._require(self._actions, action_id, _("action"))
        self._delete_tree([], [], [action_id])

    def delete_progress_note(self, note_id: str) -> None:
        self._require(self._notes, note_id, _("progress note"))
        self._delete_tree([], [], [], [note_id])

    def _delete_tree(self, plans: list[str], goals: list[str], actions: Iterable[str] = (),
                     notes: Iterable[str] = ()) -> None:
        """Remove plan records with everything under them, leaving tombstones: one write."""
        self._writable()
        actions = [*actions, *(a.id for a in self._actions.records.values() if a.goal_id in goals)]
        notes = [*notes, *(n.id for n in self._notes.records.values() if n.action_id in actions)]
        parts: tuple[tuple[str, _Records[Any], list[str]], ...] = (
            ("plan", self._plans, plans), ("goal", self._goals, goals),
            ("action", self._actions, list(actions)), ("note", self._notes, list(notes)))
        stones = [self._tombstone(kind, records.records[rid])
                  for kind, records, ids in parts for rid in ids]
        _write(self._file, [(self._tombstones, [(t, None) for t in stones])],
               [(records, ids) for _kind, records, ids in parts])

    @staticmethod
    def _require(records: _Records[Any], rid: str, what: str) -> None:
        if rid not in records.records:
            raise NotFoundError(_("There is no {what} with id {id}.").format(what=what, id=rid))

    # --- merging (imports) ---------------------------------------------------------------

    def merge_cycle(self, cycle_id: str, *, participants: Sequence[Participant] = (),
                    ratings: Sequence[tuple[Rating, str | None]] = (),
                    responses: Sequence[QuestionResponse] = (),
                    consensus: Sequence[tuple[Consensus, str | None]] = (),
                    tallies: Sequence[tuple[Tally, str | None]] = (),
                    tombstones: Sequence[Tombstone] = (),
                    removed: Mapping[str, Sequence[str]] | None = None) -> None:
        """Add or replace records of a cycle in one write of its file, closed or not.

        Unlike the ``save_*`` methods, records keep their own ``updated`` time and version
        (merging relies on them). Each pair names the older record a record replaces, if
        any. ``tombstones`` are added; ``removed`` maps a table (participants, ratings,
        responses, consensus, tallies) to the ids of records taken out.
        """
        self._writable()
        data = self.cycle(cycle_id)
        for stone in tombstones:
            self.repo.clock.receive(stone.version)
        tables = {"participants": data._participants, "ratings": data._ratings,
                  "responses": data._responses, "consensus": data._consensus,
                  "tallies": data._tallies}
        _write(data._file, [(data._participants, [(_received(self, p), None) for p in participants]),
                            (data._ratings, [(_received(self, r), o) for r, o in ratings]),
                            (data._responses, [(_received(self, r), None) for r in responses]),
                            (data._consensus, [(_received(self, c), o) for c, o in consensus]),
                            (data._tallies, [(_received(self, t), o) for t, o in tallies]),
                            (data._tombstones, [(t, None) for t in tombstones])],
               [(tables[name], list(ids)) for name, ids in (removed or {}).items()])
        data._by_pair = {(r.participant_id, r.competency_id): r.id
                         for r in data._ratings.records.values()}

    def merge_district(self, *, profile: District | None = None, cycles: Sequence[Cycle] = (),
                       plans: Sequence[Plan] = (), goals: Sequence[Goal] = (),
                       actions: Sequence[Action] = (), notes: Sequence[ProgressNote] = (),
                       tombstones: Sequence[Tombstone] = (),
                       removed: Mapping[str, Sequence[str]] | None = None) -> None:
        """Replace the profile and cycle records, add or replace plan records, add
        tombstones and take out records (``removed``: table name to ids; a removed cycle's
        file is deleted after): one write of the district file."""
        self._writable()
        old_profile = self.profile.id
        for stone in tombstones:
            self.repo.clock.receive(stone.version)
        tables = {"cycles": self._cycles, "plans": self._plans, "goals": self._goals,
                  "actions": self._actions, "progress": self._notes}
        _write(self._file, [(self._profile, [(_received(self, profile), old_profile)] if profile else []),
                            (self._cycles, [(_received(self, c), None) for c in cycles]),
                            (self._plans, [(_received(self, p), None) for p in plans]),
                            (self._goals, [(_received(self, g), None) for g in goals]),
                            (self._actions, [(_received(self, a), None) for a in actions]),
                            (self._notes, [(_received(self, n), None) for n in notes]),
                            (self._tombstones, [(t, None) for t in tombstones])],
               [(tables[name], list(ids)) for name, ids in (removed or {}).items()])
        for cycle in cycles:
            if cycle.id in self._open:
                self._open[cycle.id].cycle = cycle
        for cycle_id in (removed or {}).get("cycles", ()):
            self._open.pop(cycle_id, None)
            with contextlib.suppress(OSError):
                self._cycle_file(cycle_id).path.unlink()

    # --- backups ----------------------------------------------------------------------

    def backups(self) -> tuple[BackupInfo, ...]:
        """This district's backups, newest first."""
        return self.repo.backups(self.id)

    def backup(self) -> BackupInfo:
        """Zip the district's files now (and thin older backups)."""
        if self.read_only:
            raise ReadOnlyStoreError(_("This data is open read-only; no backup was made."))
        info = backups.make_backup(self.folder, self.repo.backups_folder / self.id, self.id,
                                   self.profile.name)
        self._changed = False
        return info

    def backup_if_due(self, max_age: timedelta = AUTO_BACKUP_AGE) -> BackupInfo | None:
        """Back up if the newest backup is older than ``max_age`` (or there is none)."""
        if self.read_only:
            return None
        existing = self.backups()
        if existing:
            newest = datetime.fromisoformat(existing[0].created)
            if datetime.now(UTC) - newest < max_age:
                return None
        return self.backup()

    def reload(self) -> None:
        """Read the district again from its files (after :meth:`Repository.restore` replaced
        them, say), so this same object stays usable by everyone who holds it.

        Works on a closed store too: it is open again afterwards, and the repository hands
        it out again. Raises like :meth:`Repository.open_district` if the files are damaged.
        """
        for data in self._open.values():
            data._file.storage.forget()
        self._file.storage.forget()
        self._closed = True  # until the files were read whole
        self._attach()
        self._load()
        self._closed = False
        self.repo._stores[self.id] = self

    def close(self) -> None:
        """Back up if anything changed, then release memory; the store cannot be used after."""
        if self._closed:
            return
        if self._changed and not self.read_only:
            with contextlib.suppress(StoreError):
                self.backup()
        for data in self._open.values():
            data._file.storage.forget()
        self._open.clear()
        self._file.storage.forget()
        self._closed = True


class DistrictSummary:
    """A district as listed before opening it: id, name, state, and any problem reading it."""

    def __init__(self, district_id: str, name: str, state: str = "",
                 problem: str | None = None) -> None:
        self.id, self.name, self.state, self.problem = district_id, name, state, problem

    def __repr__(self) -> str:
        return f"DistrictSummary({self.id!r}, {self.name!r})"


class Repository:
    """Every district in one data folder. Locks the folder unless ``read_only``.

    ``Repository(read_only=False)`` raises
    :class:`~navtool_desktop.storage.errors.StoreLockedError` if another copy of the app
    has the folder open; the caller can then offer ``Repository(read_only=True)``.
    """

    def __init__(self, data_dir: Path | str | None = None, *, read_only: bool = False,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.folder = Path(data_dir) if data_dir is not None else paths.data_dir()
        self.read_only = read_only
        #: The wall clock (tests give each "laptop" its own); versions come from :attr:`clock`.
        self.wall = clock or system_now
        self.districts_folder = self.folder / "districts"
        self.backups_folder = self.folder / "backups"
        self._lock = FolderLock(self.folder)
        self._stores: dict[str, DistrictStore] = {}
        self._upgraded: set[str] = set()
        if not read_only:
            self._lock.acquire(utc_now())
        self.laptop_id = self._laptop_id()
        self.clock = HybridClock(self.laptop_id, self.wall)

    def now(self) -> str:
        """This laptop's wall time as record times are written."""
        return self.wall().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def _laptop_id(self) -> str:
        """This data folder's laptop id (made once and kept in settings.json)."""
        found = self._settings().get("laptop_id")
        if isinstance(found, str) and found.isalnum() and found.islower() and len(found) <= 32:
            return found
        laptop = new_laptop_id()
        if not self.read_only:
            self._save_settings({"laptop_id": laptop})
        return laptop

    def set_laptop_name(self, name: str) -> None:
        """Name this laptop for other laptops' import summaries (default: the computer's name)."""
        self._save_settings({"laptop_name": name.strip()[:60]})

    @property
    def laptop_name(self) -> str:
        """What this laptop is called in other laptops' import summaries."""
        name = self._settings().get("laptop_name")
        if isinstance(name, str) and name.strip():
            return name.strip()[:60]
        import socket

        return (socket.gethostname() or "?")[:60]

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every open district (backing up changed ones) and release the lock."""
        for store in self._stores.values():
            store.close()
        self._stores.clear()
        self._lock.release()

    # --- districts --------------------------------------------------------------------

    def list_districts(self) -> list[DistrictSummary]:
        """Every district in the folder, by name; damaged ones carry a ``problem``."""
        found = []
        try:
            folders = [p for p in self.districts_folder.iterdir()
                       if p.is_dir() and not p.name.startswith(".")]
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(_("The data folder {folder} cannot be read ({reason}).")
                             .format(folder=self.districts_folder,
                                     reason=exc.strerror or exc)) from None
        for folder in folders:
            path = folder / DISTRICT_FILE
            try:
                raw = decode_json(path, read_bytes(path))
                doc = next(iter(raw["district"].values()))
                found.append(DistrictSummary(folder.name, str(doc["name"]), str(doc["state"])))
            except StoreError as exc:
                found.append(DistrictSummary(folder.name, folder.name, problem=str(exc)))
            except (ValueError, KeyError, TypeError, AttributeError, StopIteration):
                found.append(DistrictSummary(folder.name, folder.name,
                                             problem=_("district.json is damaged.")))
        return sorted(found, key=lambda d: d.name.casefold())

    def create_district(self, district: District) -> DistrictStore:
        """Make a new district folder holding ``district`` as its profile, and open it."""
        if self.read_only:
            raise ReadOnlyStoreError(_("This data is open read-only; the district was not "
                                       "created."))
        folder = self.districts_folder / district.id
        if folder.exists():
            raise InvalidChangeError(_("A district with id {id} already exists.")
                                     .format(id=district.id))
        try:
            (folder / "cycles").mkdir(parents=True)
        except OSError as exc:
            raise write_failure(folder, exc) from None
        if not district.version:
            district = district.replace(version=self.clock.tick(), updated=self.now())
        file = _File(folder / DISTRICT_FILE, "district", False)
        file.create({"district": {"1": district.to_dict()}})
        return self.open_district(district.id)

    def open_district(self, district_id: str, *, auto_backup: bool = True) -> DistrictStore:
        """Open a district (remembered as the last one used).

        Raises :class:`NotFoundError`, :class:`DamagedStoreError` (with backups to offer)
        or :class:`SchemaTooNewError`. When writable, a backup is made if the newest one
        is older than a day.
        """
        store = self._stores.get(district_id)
        if store is not None and not store._closed:
            self._remember_last(district_id)
            return store
        if not (self.districts_folder / district_id).is_dir():
            raise NotFoundError(_("There is no district with id {id} in {folder}.")
                                .format(id=district_id, folder=self.districts_folder))
        store = DistrictStore(self, district_id)
        store._load()
        self._stores[district_id] = store
        self._remember_last(district_id)
        if not self.read_only and auto_backup:
            with contextlib.suppress(StoreError):  # a backup must never block work
                store.backup_if_due()
        return store

    def last_district_id(self) -> str | None:
        """The district opened last, if it still exists."""
        settings = self._settings()
        last = settings.get("last_district")
        if isinstance(last, str) and (self.districts_folder / last).is_dir():
            return last
        return None

    def open_last(self) -> DistrictStore | None:
        """Open the district used last time, or None if there is none."""
        last = self.last_district_id()
        return self.open_district(last) if last else None

    # --- backups and restore ----------------------------------------------------------

    def backups(self, district_id: str) -> tuple[BackupInfo, ...]:
        """A district's backups, newest first."""
        return backups.list_backups(self.backups_folder / district_id, district_id)

    def restore(self, backup_path: Path | str) -> str:
        """Replace (or add) a district with the content of a backup; return its id.

        The backup is checked completely first; the current district, if it can be read,
        is backed up before it is replaced. Nothing changes if anything fails.
        """
        if self.read_only:
            raise ReadOnlyStoreError(_("This data is open read-only; nothing was restored."))
        manifest, files = backups.read_backup(Path(backup_path))
        district_id = manifest["district_id"]
        target = self.districts_folder / district_id
        open_store = self._stores.pop(district_id, None)
        if open_store is not None:
            open_store.close()
        if target.exists():
            with contextlib.suppress(StoreError):
                backups.make_backup(target, self.backups_folder / district_id, district_id,
                                    str(manifest.get("name", "")))
        staging = self.districts_folder / f".restore-{district_id}-{_stamp()}"
        old = self.districts_folder / f".replaced-{district_id}-{_stamp()}"
        try:
            (staging / "cycles").mkdir(parents=True)
            for name, raw in files.items():
                atomic_write(staging / name, raw)
            if target.exists():
                os.replace(target, old)
            os.replace(staging, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                if old.exists() and not target.exists():
                    os.replace(old, target)
            shutil.rmtree(staging, ignore_errors=True)
            raise write_failure(target / DISTRICT_FILE, exc) from None
        except StoreError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        shutil.rmtree(old, ignore_errors=True)
        return district_id

    # --- internals --------------------------------------------------------------------

    def _read_file(self, file: _File, district_id: str) -> dict[str, Any]:
        def backup_first() -> None:
            # Once per session: the backup holds every file as it was before upgrading.
            if district_id not in self._upgraded:
                backups.make_backup(self.districts_folder / district_id,
                                    self.backups_folder / district_id, district_id, "")
                self._upgraded.add(district_id)

        try:
            return file.load(backup_first)
        except DamagedStoreError as exc:
            raise self._damaged(file.path, district_id, exc.reason, str(exc)) from None

    def _damaged(self, path: Path, district_id: str, reason: str,
                 detail: str) -> DamagedStoreError:
        """Set a damaged file aside (never overwrite it) and offer the district's backups."""
        set_aside = None
        if not self.read_only and path.exists():
            set_aside = path.with_name(f"{path.name}.corrupt-{_stamp()}")
            try:
                os.replace(path, set_aside)
            except OSError:
                set_aside = None
        found = self.backups(district_id)
        earlier = sorted(path.parent.glob(f"{path.name}.corrupt-*"))
        if reason == "missing" and earlier:
            # set aside by an earlier attempt to open it: say so, not "missing"
            detail = _("{file} was damaged and was set aside earlier as {name}.").format(
                file=path.name, name=earlier[-1].name)
        message = _("{detail} The file was not changed{moved}. {offer}").format(
            detail=detail if detail.endswith(".") else detail + ".",
            moved=(_(" and was set aside as {name}").format(name=set_aside.name)
                   if set_aside else ""),
            offer=(_("The newest backup is from {time}; restore it to go on.")
                   .format(time=found[0].created) if found
                   else _("No backup of this district was found.")))
        return DamagedStoreError(message, path, reason, set_aside, found)

    def _remember_last(self, district_id: str) -> None:
        if not self.read_only and self._settings().get("last_district") != district_id:
            self._save_settings({"last_district": district_id})

    def _settings(self) -> dict[str, Any]:
        """The small settings file (a TinyDB file too: ``{"settings": {"1": {...}}}``)."""
        try:
            data = json.loads(read_bytes(self.folder / SETTINGS).decode("utf-8"))
            doc = data["settings"]["1"]
        except (StoreError, ValueError, KeyError, TypeError):
            return {}  # settings are a convenience; a damaged file is simply replaced
        return doc if isinstance(doc, dict) else {}

    def _save_settings(self, changes: Mapping[str, Any]) -> None:
        settings = {**self._settings(), **changes, "schema": SCHEMA_VERSION}
        with contextlib.suppress(StoreError):
            atomic_write(self.folder / SETTINGS, encode_json({"settings": {"1": settings}}))


def iter_store_files(data_dir: Path) -> Iterator[Path]:
    """Every store file under a data folder (for checks and tests)."""
    for folder in sorted((data_dir / "districts").glob("*")):
        if folder.is_dir() and not folder.name.startswith("."):
            yield from backups.store_files(folder)
