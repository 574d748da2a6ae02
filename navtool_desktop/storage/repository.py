"""The repository: every district's data, saved durably with TinyDB.

Layout of the data folder (one writer at a time, see :mod:`~navtool_desktop.storage.lock`)::

    settings.json                       the last district opened
    navtool.lock                        who has the folder open
    districts/<district-id>/district.json        profile, cycle index, plans, goals, actions
    districts/<district-id>/cycles/<cycle-id>.json  participants, ratings, responses,
                                                    consensus, tallies of one cycle
    districts/<district-id>/cycles/<cycle-id>/<participant-id>.json
                                        a large cycle's ratings, one file per participant
                                        (see :class:`~navtool_desktop.storage.atomic.CycleStorage`)
    backups/<district-id>/<UTC time>.zip
    backups/<district-id>/replaced-<time>/   what a restore replaced, kept whole
    restore-journal.json                a restore under way (see :meth:`Repository.restore`)

Saving a rating rewrites only its cycle's file (or, in a large cycle, that participant's
file), so its cost grows neither with history nor with the cycle.
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
import re
import secrets
import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from tinydb import TinyDB

from navtool_desktop import paths
from navtool_desktop.core import planning
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
from navtool_desktop.core.results_service import ResultsService
from navtool_desktop.fileio import TEMP_SUFFIX, fsync_folder
from navtool_desktop.i18n import _
from navtool_desktop.storage import backup as backups
from navtool_desktop.storage.atomic import (
    COMMIT_SUFFIX,
    PARTS_TABLE,
    AtomicJSONStorage,
    Changed,
    CycleStorage,
    WriteBatch,
    atomic_write,
    bump_generation,
    decode_json,
    disk_fingerprint,
    encode_json,
    file_generation,
    finish_commit,
    is_doc_id,
    parts_folder,
    read_bytes,
    read_whole,
    read_whole_data,
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
#: Where each cycle's results summary is kept, under the data folder, by district (a cache).
SUMMARIES = Path("cache") / "results"
#: Where phone rating keeps each cycle's PIN and code hashes, by district (``phones/keys.py``).
PHONE_KEYS = Path("phones")
#: A results summary larger than this is neither written nor read (bytes).
MAX_SUMMARY = 16 * 1024 * 1024
#: A district opened for writing is backed up if its newest backup is older than this.
AUTO_BACKUP_AGE = timedelta(hours=24)

_DISTRICT_TABLES = ("district", "cycles", "plans", "goals", "actions", "progress")
_CYCLE_TABLES = ("participants", "ratings", "responses", "consensus", "tallies")


JOURNAL = "restore-journal.json"
#: The steps of a restore, in order; :data:`restore_step` is called with each name (tests
#: kill the process there to prove that every moment of a restore survives a crash).
RESTORE_STEPS: tuple[str, ...] = (
    "staged", "staging synced", "journal written",
    "before moving the old folder aside", "after moving the old folder aside",
    "after syncing the move aside",
    "before moving the new folder in", "after moving the new folder in",
    "after syncing the move in",
    "before keeping the old folder", "after keeping the old folder",
    "after syncing the kept folder", "journal removed")
#: A store file's temp file (``.<file>.<8 hex>.tmp``) or kept old copy (``.<file>.old-<pid>.tmp``),
#: a cycle's commit journal's (``..<cycle id>.commit.json.<8 hex>.tmp``) included.
_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_STORE_TEMP = re.compile(rf"\.(district|{_ID}|\.{_ID}\.commit)\.json\.([0-9a-f]{{8}}|old-[0-9]+)"
                         + re.escape(TEMP_SUFFIX))
_LEFTOVER = re.compile(r"^\.(restore|replaced)-([0-9a-f-]{36})-([0-9A-Za-z]+)\Z")


def restore_step(name: str) -> None:
    """Called at each of :data:`RESTORE_STEPS` (does nothing; a test hook)."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _unique_stamp() -> str:
    return f"{_stamp()}{secrets.token_hex(3)}"


def _set_aside_name(path: Path) -> Path:
    """A free name to set a damaged file aside under (``<name>.corrupt-<time>``): never
    one already taken, even within the same second or after the clock went back."""
    aside = path.with_name(f"{path.name}.corrupt-{_stamp()}")
    while aside.exists() or aside.is_symlink():
        aside = path.with_name(f"{path.name}.corrupt-{_unique_stamp()}")
    return aside


class _File:
    """One TinyDB store file: its durable storage, its TinyDB handle, format checks."""

    def __init__(self, path: Path, kind: str, read_only: bool,
                 guard: Callable[[], None] | None = None,
                 batch: Callable[[], WriteBatch | None] | None = None) -> None:
        self.path = path
        self.kind = kind
        kept_in = CycleStorage if kind == "cycle" else AtomicJSONStorage
        self.storage = kept_in(path, read_only=read_only, guard=guard, batch=batch)
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
        generation = file_generation(data)
        data, changed = upgrade(self.path, data, self.kind)
        if changed:
            bump_generation(data, generation - file_generation(data))  # kept across upgrades
            if self.storage.read_only:
                self.storage.adopt(data)
            else:
                if before_upgrade is not None:
                    before_upgrade()
                self.storage.write(data)
        return data

    def change(self, mutate: Callable[[dict[str, Any]], Changed | None]) -> None:
        """Apply ``mutate`` to the raw tables and write once (several records at once).

        ``mutate`` returns what it changed (see :data:`Changed`; None: anything), so that a
        cycle kept in parts rewrites only the parts that changed.
        """
        data = self.storage.read()
        assert data is not None
        try:
            changed = mutate(data)
        except BaseException:
            self.storage.forget()
            raise
        self.storage.expect(changed)
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
        self._next_slot: int | None = None  # the next free document id, once looked for

    def free_slot(self, table: Mapping[str, Any]) -> int:
        """A document id for a new record of ``table`` (the raw table): one more than the
        highest, as TinyDB's ``insert`` takes, looked for once (1,800 ratings: 0.4 ms)."""
        if self._next_slot is None:
            self._next_slot = max((int(k) for k in table if is_doc_id(k)), default=0) + 1
        while str(self._next_slot) in table:
            self._next_slot += 1
        self._next_slot += 1
        return self._next_slot - 1

    def load(self, raw: Mapping[str, Any]) -> None:
        table = raw.get(self.table_name, {})
        if not isinstance(table, dict):
            raise RecordError(_("table {table} is not an object").format(table=self.table_name))
        for doc_id, doc in table.items():
            if not is_doc_id(doc_id):
                raise RecordError(_("table {table} has a document id {id} that is not a number")
                                  .format(table=self.table_name, id=doc_id[:40]))
            record = self.cls.from_dict(doc)
            self.records[record.id] = record  # type: ignore[attr-defined]
            self.doc_ids[record.id] = int(doc_id)  # type: ignore[attr-defined]

    def put(self, record: R, replaces: str | None = None) -> R:
        """Insert or update ``record``; ``replaces`` is another record id it takes over."""
        rid: str = record.id  # type: ignore[attr-defined]
        data = record.to_dict()
        slot = self.doc_ids.get(rid) or (self.doc_ids.get(replaces) if replaces else None)
        new = slot is None

        def update(raw: dict[str, Any]) -> Changed:
            # What TinyDB's ``Table.update(data, doc_ids=[slot])`` and ``insert`` do, without
            # copying the whole table twice (a save with thousands of ratings spent a
            # millisecond there).
            nonlocal slot
            table = raw.setdefault(self.table_name, {})
            if new:
                slot = self.free_slot(table)
                table[str(slot)] = data
            else:
                doc = table.get(str(slot))
                if not isinstance(doc, dict):
                    raise StoreError(_("The saved data changed unexpectedly; reopen the district."))
                doc.update(data)
            return _changed(self.table_name, [str(slot)])

        self.file.change(update)
        assert slot is not None
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


def _changed(table: str, slots: Iterable[str]) -> Changed:
    """What a write to ``table``'s documents ``slots`` changes (see :data:`Changed`)."""
    return (False, frozenset(slots)) if table == PARTS_TABLE else (True, frozenset())


# --- batches of records that keep their own times (used by merging imports) -----------

#: A record to save, and the id of an older record it takes the place of (or None).
Put = tuple[Record, str | None]


def _versioned(record: R) -> R:
    """A record with its version written out (data from before versions gets its own time)."""
    if getattr(record, "version", "x"):
        return record
    return record.replace(version=version_of(record))


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
    placed = []
    for record, replaces in puts:
        rid = record.id  # type: ignore[attr-defined]
        slot = records.doc_ids.get(rid) or (records.doc_ids.get(replaces) if replaces else None)
        if slot is None:
            slot = records.free_slot(table)
        table[str(slot)] = record.to_dict()
        placed.append(((record, replaces), slot))
    return placed


def _write(file: _File, parts: Sequence[tuple[_Records[Any], Sequence[Put]]],
           removals: Sequence[tuple[_Records[Any], Sequence[str]]] = (), *, bump: int = 0) -> None:
    """One atomic write of every part (and removal), then the in-memory index (only after
    it succeeded). ``bump`` raises the file's write counter by that much more (the writes
    of a cycle file that goes, so the store generation never shrinks)."""
    placed: list[tuple[_Records[Any], list[tuple[Put, int]]]] = []

    def mutate(raw: dict[str, Any]) -> Changed:
        placed.clear()
        head, slots = bool(bump), set[str]()
        for records, ids in removals:
            gone = [str(records.doc_ids[rid]) for rid in ids if rid in records.doc_ids]
            table_head, table_slots = _changed(records.table_name, gone)
            head, slots = head or (table_head and bool(gone)), slots | table_slots
            records.raw_remove(raw, ids)
        for records, puts in parts:
            if puts:
                placed.append((records, _slot_plan(raw, records, puts)))
                table_head, table_slots = _changed(records.table_name,
                                                   [str(slot) for _put, slot in placed[-1][1]])
                head, slots = head or table_head, slots | table_slots
        if bump:
            bump_generation(raw, bump)
        return head, frozenset(slots)

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
        self._batch: WriteBatch | None = None
        self._attach()
        self._changed = False
        self._closed = False

    def _attach(self) -> None:
        """Fresh handles on the district file (nothing read yet) and no cycle in memory."""
        self._file = _File(self.folder / DISTRICT_FILE, "district", self.read_only,
                           self.repo._guard, self._current_batch)
        self._profile = _Records(self._file, "district", District)
        self._cycles = _Records(self._file, "cycles", Cycle)
        self._plans = _Records(self._file, "plans", Plan)
        self._goals = _Records(self._file, "goals", Goal)
        self._actions = _Records(self._file, "actions", Action)
        self._notes = _Records(self._file, "progress", ProgressNote)
        self._tombstones = _Records(self._file, "tombstones", Tombstone)
        self._open: OrderedDict[str, CycleData] = OrderedDict()
        #: The write generation of cycle files let go from memory (see :meth:`cycle_stamp`).
        self._generations: dict[str, int] = {}
        #: The fingerprint of cycle files read for a summary only, never opened since.
        self._fingerprints: dict[str, str] = {}
        #: Each cycle's results, computed once until the cycle changes (read again: forgotten).
        self.results = ResultsService(self)

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
            count = len(self._profile.records)
            raise self.repo._damaged(self._file.path, self.id, "invalid",
                                     _("it holds no district profile") if not count else
                                     _("it holds {count} district profiles, not one")
                                     .format(count=count))
        if not self.read_only:
            self._finish_commits()
            self._remove_temp_files()

    def _finish_commits(self) -> None:
        """Finish each write of several cycle files that a kill cut short (its journal)."""
        for journal in sorted((self.folder / "cycles").glob(f".*{COMMIT_SUFFIX}")):
            try:
                finish_commit(journal)
            except OSError as exc:
                raise write_failure(journal, exc) from None

    def _remove_temp_files(self) -> None:
        """Temp files left by a crash mid-save (the real files were never touched): only
        names the store makes (see :func:`fileio.write_temp` and ``WriteBatch``)."""
        cycles = self.folder / "cycles"
        parts = [p for p in cycles.glob("*") if p.is_dir() and backups.RECORD_ID.match(p.name)]
        for folder in (self.folder, cycles, *parts):
            for leftover in folder.glob(f".*{TEMP_SUFFIX}"):
                if _STORE_TEMP.fullmatch(leftover.name):
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
        return record.replace(updated=stamp, version=version, prior=after)

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
        for named in (*(r.participant_id for r in ratings), *(r.participant_id for r in responses)):
            if named not in people:
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
        cycle = self._cycles.put(_versioned(cycle))  # the cycle as stored, version and all
        data = CycleData(cycle, file)
        data._load(file.storage.read() or {})
        self._remember(cycle.id, data)
        return data

    def save_cycle(self, cycle: Cycle) -> Cycle:
        """Change a cycle's title, date, scope, status (open/closed) or anonymity threshold.

        The threshold changes only with its change recorded (:meth:`Cycle.with_threshold`), and
        recorded changes are never dropped.
        """
        self._writable()
        stored = self.get_cycle(cycle.id)
        known = stored.threshold_changes
        if cycle.threshold_changes[:len(known)] != known:
            raise InvalidChangeError(_("The record of this cycle's threshold changes cannot be altered."))
        if cycle.threshold != stored.threshold and not (
                len(cycle.threshold_changes) > len(known) and cycle.threshold_changes[-1].new == cycle.threshold):
            raise InvalidChangeError(_("A cycle's threshold changes only through a recorded change."))
        cycle = self._stamp(cycle, stored)
        self._cycles.put(cycle)
        if cycle.id in self._open:
            self._open[cycle.id].cycle = cycle
        if cycle.status == "closed":
            self.forget_phone_keys(cycle.id)  # rating on phones has closed with the cycle
        return cycle

    def phone_keys_path(self, cycle_id: str) -> Path:
        """Where phone rating keeps a cycle's PIN and personal-code hashes (``phones/keys.py``):
        beside the data, never in it, so no backup or bundle carries them."""
        return self.repo.folder / PHONE_KEYS / self.id / f"{cycle_id}.json"

    def forget_phone_keys(self, cycle_id: str, *, strict: bool = False) -> None:
        """Remove the PIN and personal-code hashes phone rating keeps for a cycle, and the temp
        files of them a killed write left: four-digit PIN hashes are cracked offline in
        seconds, so none outlives rating. ``strict``: a file that cannot be removed is a
        StoreWriteError (else it is left to the next try)."""
        path = self.phone_keys_path(cycle_id)
        for kept in (path, *path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}")):
            try:
                kept.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                if strict:
                    raise write_failure(kept, exc) from None

    def delete_cycle(self, cycle_id: str) -> None:
        """Remove a cycle and all its data (the latest backup still has it); a tombstone
        keeps bundles from bringing it back."""
        self._writable()
        stone = self._tombstone("cycle", self.get_cycle(cycle_id))
        try:  # the store generation must not shrink when a file goes
            path = self._cycle_file(cycle_id).path
            gone = file_generation(read_whole_data(path))
        except StoreError:
            gone = 0
        _write(self._file, [(self._tombstones, [(stone, None)])], [(self._cycles, [cycle_id])], bump=gone)
        self._open.pop(cycle_id, None)
        self._generations.pop(cycle_id, None)
        self._fingerprints.pop(cycle_id, None)
        self._remove_cycle_files(cycle_id)
        for summary in (self.repo.folder / SUMMARIES / self.id).glob(f"{cycle_id}.*.json"):
            with contextlib.suppress(OSError):
                summary.unlink()
        self.forget_phone_keys(cycle_id)

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
        return _File(self.folder / "cycles" / f"{cycle_id}.json", "cycle", self.read_only,
                     self.repo._guard, self._current_batch)

    def _current_batch(self) -> WriteBatch | None:
        return self._batch

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Make every write inside the block succeed or fail together (an import).

        The files change only when the block ends without an error; on any error none has
        changed, and this store is read again from them, so memory matches the disk.
        """
        if self._batch is not None:
            raise RuntimeError("batches do not nest")  # a programming error
        batch = self._batch = WriteBatch(self.folder / DISTRICT_FILE)
        try:
            yield
            self._batch = None
            batch.commit()
        except BaseException:
            self._batch = None
            batch.discard()
            with contextlib.suppress(StoreError):
                self.reload()
            raise

    def _remember(self, cycle_id: str, data: CycleData) -> None:
        self._open[cycle_id] = data
        self._open.move_to_end(cycle_id)
        self._generations.pop(cycle_id, None)
        self._fingerprints.pop(cycle_id, None)
        while len(self._open) > OPEN_CYCLES:
            old_id, old = self._open.popitem(last=False)
            held = old._file.storage._data  # what was last read or written, if anything
            if held is not None:  # no one writes the file until it is read again
                self._generations[old_id] = file_generation(held)
            old._file.storage.forget()

    # --- results summaries on disk (a cache: see core/results_service.py) ------------------

    def cycle_fingerprint(self, cycle_id: str) -> str | None:
        """A hash of the cycle file's bytes (from memory when the file is open); None when it
        cannot be read (the results are then computed, and no summary is kept)."""
        data = self._open.get(cycle_id)
        storage = data._file.storage if data is not None else None
        known = storage.fingerprint() if isinstance(storage, CycleStorage) else None
        if known is not None:
            return known
        found = disk_fingerprint(self._cycle_file(cycle_id).path)
        if found is not None:
            self._fingerprints[cycle_id] = found
        return found

    def _summary_path(self, cycle_id: str, threshold: int | None) -> Path:
        return (self.repo.folder / SUMMARIES / self.id
                / f"{cycle_id}.{threshold if threshold is not None else 'own'}.json")

    def read_summary(self, cycle_id: str, threshold: int | None) -> bytes | None:
        """The results summary kept for a cycle, if any (a damaged one reads as none)."""
        path = self._summary_path(cycle_id, threshold)
        try:
            with path.open("rb") as file:
                raw = file.read(MAX_SUMMARY + 1)
        except OSError:
            return None
        return raw if len(raw) <= MAX_SUMMARY else None

    def write_summary(self, cycle_id: str, threshold: int | None, raw: bytes) -> None:
        """Keep a results summary beside the data (not in it: backups, bundles and checks
        never see it). Not on read-only data; a failure only means no summary."""
        if self.read_only or len(raw) > MAX_SUMMARY:
            return
        path = self._summary_path(cycle_id, threshold)
        temp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(raw)
            os.replace(temp, path)  # whole or not there; a torn one fails its key check
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()

    def cycle_stamp(self, cycle_id: str) -> tuple[str, str, int | str] | None:
        """What changes whenever a cycle's results may: its record's version and time and its
        file's write generation; None when not known without reading the file (see
        :class:`~navtool_desktop.core.results_service.ResultsService`)."""
        cycle = self._cycles.records.get(cycle_id)
        if cycle is None:
            return None
        data = self._open.get(cycle_id)
        if data is not None:
            held = data._file.storage._data
            generation = file_generation(held) if held is not None else None
            return None if generation is None else (cycle.version, cycle.updated, generation)
        # Not open, so not written since it was let go or fingerprinted (writes open it).
        known: int | str | None = self._generations.get(cycle_id, self._fingerprints.get(cycle_id))
        return None if known is None else (cycle.version, cycle.updated, known)

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
                       puts: Sequence[tuple[_Records[Any], Sequence[Put]]] = (), *,
                       merged_into: str = "") -> None:
        """Remove participants with their ratings and answers (and write ``puts``) at once;
        ``merged_into``: the participant they were merged into (their tombstones say so)."""
        ratings = [r for r in data._ratings.records.values() if r.participant_id in people]
        answers = [r for r in data._responses.records.values() if r.participant_id in people]
        stones = [self._tombstone("participant", data._participants.records[p]).replace(
            merged_into=merged_into) for p in people]
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
            moved_answer = answer.replace(id=new_id(), participant_id=keep_id)
            answer_puts.append((self._stamp(moved_answer, answer), None))
        kept = self._stamp(keep, keep)
        self._remove_people(data, [drop_id], [(data._participants, [(kept, None)]),
                                              (data._ratings, rating_puts),
                                              (data._responses, answer_puts)],
                            merged_into=keep_id)
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

    def save_ratings(self, cycle_id: str, ratings: Sequence[Rating]) -> list[Rating]:
        """Save several ratings in one write of the cycle file: all of them or none.

        Each must be of a different participant and competency pair (else
        :class:`InvalidChangeError`); otherwise as :meth:`save_rating` (phone rating saves
        what arrived during one tick of the GUI thread this way, one fsync for them all).
        """
        data = self._open_cycle(cycle_id)
        stamped: list[tuple[Rating, str | None]] = []
        pairs: set[tuple[str, str]] = set()
        for rating in ratings:
            self._participant(data, rating.participant_id)
            if not data.cycle.covers(rating.competency_id):
                raise InvalidChangeError(_("{competency} is not in the scope of this cycle.")
                                         .format(competency=rating.competency_id))
            pair = (rating.participant_id, rating.competency_id)
            if pair in pairs:
                raise InvalidChangeError(_("The same competency was rated twice in one save."))
            pairs.add(pair)
            stamped.append((self._stamp(rating, data.rating_for(*pair)), data._by_pair.get(pair)))
        if stamped:
            puts: list[Put] = list(stamped)
            _write(data._file, [(data._ratings, puts)])
        saved = []
        for record, _replaces in stamped:
            data._by_pair[(record.participant_id, record.competency_id)] = record.id
            saved.append(record)
        return saved

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

    def get_plan(self, plan_id: str) -> Plan:
        self._require(self._plans, plan_id, _("plan"))
        return self._plans.records[plan_id]

    def goals(self, plan_id: str | None = None) -> list[Goal]:
        """Goals (of one plan), in the team's order of priority (:func:`planning.ordered_goals`)."""
        return planning.ordered_goals(g for g in self._goals.records.values()
                                      if plan_id in (None, g.plan_id))

    def actions(self, goal_id: str | None = None) -> list[Action]:
        return [a for a in self._actions.records.values() if goal_id in (None, a.goal_id)]

    def progress_notes(self, action_id: str | None = None) -> list[ProgressNote]:
        notes = [n for n in self._notes.records.values() if action_id in (None, n.action_id)]
        return sorted(notes, key=lambda n: (n.date, n.updated))

    @staticmethod
    def _frozen(check: Callable[..., None], *args: Any) -> None:
        """Run a :mod:`planning` approval check; its refusal as a store error."""
        try:
            check(*args)
        except planning.PlanFrozenError as exc:
            raise InvalidChangeError(str(exc)) from None

    def _plan_of_goal(self, goal_id: str) -> Plan | None:
        goal = self._goals.records.get(goal_id)
        return self._plans.records.get(goal.plan_id) if goal is not None else None

    def save_plan(self, plan: Plan) -> Plan:
        """Save a plan; an approved one only changes its signers and meeting date.

        A changed period moves the goal dates that followed it (:func:`planning.follow_period`)
        in the same write.
        """
        self._writable()
        stored = self._plans.records.get(plan.id)
        self._frozen(planning.check_plan_change, stored, plan)
        moved = planning.follow_period(stored, plan, self.goals(plan.id)) if stored else []
        if not moved:
            return self._plans.put(self._stamp(plan, stored))
        saved = self._stamp(plan, stored)
        goals = [self._stamp(g, self._goals.records[g.id]) for g in moved]
        _write(self._file, [(self._plans, [(saved, None)]), (self._goals, [(g, None) for g in goals])])
        return saved

    def save_goal(self, goal: Goal) -> Goal:
        self._writable()
        self._require(self._plans, goal.plan_id, _("plan"))
        self._frozen(planning.check_goal_change, self._plans.records[goal.plan_id])
        old = self._plan_of_goal(goal.id)
        if old is not None:  # a goal moved from an approved plan leaves it changed
            self._frozen(planning.check_goal_change, old)
        return self._goals.put(self._stamp(goal, self._goals.records.get(goal.id)))

    def save_goals(self, goals: Sequence[Goal]) -> list[Goal]:
        """Save several goals in one write (a new order of priority: all ranks or none)."""
        self._writable()
        for goal in goals:
            self._require(self._plans, goal.plan_id, _("plan"))
            for plan in (self._plans.records[goal.plan_id], self._plan_of_goal(goal.id)):
                if plan is not None:
                    self._frozen(planning.check_goal_change, plan)
        stamped = [self._stamp(g, self._goals.records.get(g.id)) for g in goals]
        if stamped:
            _write(self._file, [(self._goals, [(g, None) for g in stamped])])
        return stamped

    def save_action(self, action: Action) -> Action:
        """Save an action; on an approved plan only its status changes (progress)."""
        self._writable()
        self._require(self._goals, action.goal_id, _("goal"))
        stored = self._actions.records.get(action.id)
        action = planning.record_status(stored, action, self.repo.now()[:10])
        for goal_id in {action.goal_id, *((stored.goal_id,) if stored else ())}:
            plan = self._plan_of_goal(goal_id)
            if plan is not None:
                self._frozen(planning.check_action_change, plan, stored, action)
        return self._actions.put(self._stamp(action, stored))

    def revise_plan(self, plan_id: str) -> Plan:
        """A new draft revising plan ``plan_id``, with copies of its goals and actions: one
        write (see :func:`planning.revise`). The plan revised stays as it was."""
        self._writable()
        self._require(self._plans, plan_id, _("plan"))
        goals = self.goals(plan_id)
        ids = {g.id for g in goals}
        revision = planning.revise(self._plans.records[plan_id], goals,
                                   [a for a in self._actions.records.values() if a.goal_id in ids],
                                   self.repo.now())
        plan = self._stamp(revision.plan)
        _write(self._file, [(self._plans, [(plan, None)]),
                            (self._goals, [(self._stamp(g), None) for g in revision.goals]),
                            (self._actions, [(self._stamp(a), None) for a in revision.actions])])
        return plan

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
        plan = self._plan_of_goal(goal_id)
        if plan is not None:
            self._frozen(planning.check_goal_change, plan)
        self._delete_tree([], [goal_id])

    def delete_action(self, action_id: str) -> None:
        self._require(self._actions, action_id, _("action"))
        stored = self._actions.records[action_id]
        plan = self._plan_of_goal(stored.goal_id)
        if plan is not None:
            self._frozen(planning.check_action_change, plan, stored, None)
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
        tables: dict[str, _Records[Any]] = {"participants": data._participants, "ratings": data._ratings,
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
        tables: dict[str, _Records[Any]] = {"cycles": self._cycles, "plans": self._plans, "goals": self._goals,
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
            self._remove_cycle_files(cycle_id)

    def _remove_cycle_files(self, cycle_id: str) -> None:
        """A removed cycle's file and its parts (see :class:`CycleStorage`)."""
        path = self._cycle_file(cycle_id).path
        with contextlib.suppress(OSError):
            path.unlink()
        shutil.rmtree(parts_folder(path), ignore_errors=True)

    # --- backups ----------------------------------------------------------------------

    def backups(self) -> tuple[BackupInfo, ...]:
        """This district's backups, newest first."""
        return self.repo.backups(self.id)

    def backup(self) -> BackupInfo:
        """Zip the district's files now (and thin older backups)."""
        if self.read_only:
            raise ReadOnlyStoreError(_("This data is open read-only; no backup was made."))
        self.repo._guard()
        info = backups.make_backup(self.folder, self.repo.backups_folder / self.id, self.id,
                                   self.profile.name, self.repo.wall())
        self._changed = False
        return info

    def backup_if_due(self, max_age: timedelta = AUTO_BACKUP_AGE) -> BackupInfo | None:
        """Back up if the latest backup is older than ``max_age`` (or there is none).

        Backups dated in the future (made while the clock was ahead) do not count, so one
        session with a wrong clock does not stop the daily backups.
        """
        if self.read_only:
            return None
        now = self.repo.wall()
        times = [datetime.fromisoformat(b.created) for b in self.backups() if not b.in_future]
        if times and now - max(times) < max_age:
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
        #: Why the data is open read-only, to show in a banner (set by whoever opened it).
        self.read_only_reason: str | None = None
        #: The wall clock (tests give each "laptop" its own; backups are timed by it too);
        #: record versions come from :attr:`clock`.
        self.wall: Callable[[], datetime] = clock or system_now
        self.districts_folder = self.folder / "districts"
        self.backups_folder = self.folder / "backups"
        self._lock = FolderLock(self.folder)
        self._stores: dict[str, DistrictStore] = {}
        self._upgraded: set[str] = set()
        #: What the start did about a restore cut short (sentences; empty if nothing).
        self.recovered: list[str] = []
        if not read_only:
            self._lock.acquire(utc_now())
            try:
                self.recovered = self._recover_restores()
            except (OSError, StoreError) as exc:
                # Left for the next start; the app can still open the other districts.
                self.recovered = [_("An interrupted restore could not be finished yet ({reason}); "
                                    "it will be tried again at the next start.").format(
                    reason=getattr(exc, "strerror", None) or exc)]
            except BaseException:
                self._lock.release()
                raise
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

    def _guard(self) -> None:
        """Before every write: the lock must still be this folder's lock file."""
        self._lock.verify()

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
                       if p.is_dir() and backups.RECORD_ID.fullmatch(p.name)]
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
        file = _File(folder / DISTRICT_FILE, "district", False, self._guard)
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
        # an id is a record id, never a path ("../../elsewhere" would open another folder)
        if (not backups.RECORD_ID.fullmatch(district_id)
                or not (self.districts_folder / district_id).is_dir()):
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
        if (isinstance(last, str) and backups.RECORD_ID.fullmatch(last)
                and (self.districts_folder / last).is_dir()):
            return last
        return None

    def open_last(self) -> DistrictStore | None:
        """Open the district used last time, or None if there is none."""
        last = self.last_district_id()
        return self.open_district(last) if last else None

    # --- backups and restore ----------------------------------------------------------

    def backups(self, district_id: str) -> tuple[BackupInfo, ...]:
        """A district's backups, the newest content first (future-dated ones marked)."""
        return backups.list_backups(self.backups_folder / district_id, district_id,
                                    self.wall())

    def replaced_folders(self, district_id: str) -> list[Path]:
        """Folders a restore replaced and kept whole (oldest first)."""
        folder = self.backups_folder / district_id
        try:
            return sorted(p for p in folder.iterdir()
                          if p.is_dir() and p.name.startswith("replaced-"))
        except OSError:
            return []

    def restore(self, backup_path: Path | str) -> str:
        """Replace (or add) a district with the content of a backup; return its id.

        The backup is checked completely first (see :func:`backups.read_backup`). Before
        anything is replaced the current files are backed up (if that fails, the restore
        stops); the replaced folder itself is never deleted but kept under
        ``backups/<id>/replaced-<time>``, damaged files included. The new files are written
        into a folder beside the district and swapped in under a journal, so a crash at
        any moment leaves the old district or the new one, whole; the next start (or
        ``navtool check``) finishes or rolls back the swap. Nothing outside the data
        folder is touched.
        """
        if self.read_only:
            raise ReadOnlyStoreError(_("This data is open read-only; nothing was restored."))
        manifest, files = backups.read_backup(Path(backup_path))
        district_id = str(manifest["district_id"])
        target = self._district_folder(district_id)
        self._guard()
        open_store = self._stores.pop(district_id, None)
        if open_store is not None:
            open_store.close()
        if target.exists():
            # A damaged file cannot be zipped; the whole folder is kept below anyway.
            with contextlib.suppress(DamagedStoreError):
                backups.make_backup(target, self.backups_folder / district_id, district_id,
                                    str(manifest.get("name", "")), self.wall(), thin=False)
        files = self._newer_than_backups(district_id, files, target)
        stamp = _unique_stamp()
        staging = self.districts_folder / f".restore-{district_id}-{stamp}"
        old = self.districts_folder / f".replaced-{district_id}-{stamp}"
        journal = {"district_id": district_id, "staging": staging.name, "old": old.name,
                   "kept": f"replaced-{stamp}"}
        journal_written = False
        try:
            (staging / "cycles").mkdir(parents=True)
            for name, raw in files.items():
                atomic_write(staging / name, raw)
            restore_step("staged")
            fsync_folder(self.districts_folder)
            restore_step("staging synced")
            self._guard()
            atomic_write(self.folder / JOURNAL, encode_json(journal))
            journal_written = True
            restore_step("journal written")
            if target.exists():
                restore_step("before moving the old folder aside")
                os.replace(target, old)
                restore_step("after moving the old folder aside")
                fsync_folder(self.districts_folder)
                restore_step("after syncing the move aside")
            restore_step("before moving the new folder in")
            os.replace(staging, target)
            restore_step("after moving the new folder in")
            fsync_folder(self.districts_folder)
            restore_step("after syncing the move in")
        except (OSError, StoreError) as exc:
            if journal_written:
                with contextlib.suppress(OSError, StoreError):
                    self._recover_restores()
            else:
                shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, StoreError):
                raise
            raise write_failure(target / DISTRICT_FILE, exc) from None
        # The restore is done; should tidying up fail, the journal stays and the next
        # start keeps the replaced folder.
        with contextlib.suppress(OSError):
            if old.exists():
                self._keep_replaced(district_id, old, journal["kept"])
            (self.folder / JOURNAL).unlink()
            fsync_folder(self.folder)
            restore_step("journal removed")
        return district_id

    def restore_file(self, backup_path: Path | str, name: str) -> str:
        """Bring back one file of a district (``district.json`` or ``cycles/<id>.json``)
        from a backup, keeping every other file as it is; return the district id.

        For a damaged file: the other files hold work newer than the backup. A file
        still in place is set aside (``*.corrupt-<time>``), never deleted.
        """
        if self.read_only:
            raise ReadOnlyStoreError(_("This data is open read-only; nothing was restored."))
        manifest, files = backups.read_backup(Path(backup_path))
        district_id = str(manifest["district_id"])
        folder = self._district_folder(district_id)
        if not folder.is_dir():
            raise NotFoundError(_("There is no district with id {id} in {folder}.")
                                .format(id=district_id, folder=self.districts_folder))
        if name not in files:
            raise backups.BackupError(_("The backup {file} has no {name}.").format(
                file=Path(backup_path).name, name=name))
        self._guard()
        open_store = self._stores.pop(district_id, None)
        if open_store is not None:
            open_store.close()
        path = folder / name
        others = {p.relative_to(folder).as_posix(): p for p in backups.store_files(folder)
                  if p.relative_to(folder).as_posix() != name}
        present = {}
        for other, other_path in others.items():
            with contextlib.suppress(StoreError, OSError):
                present[other] = read_whole(other_path)  # a damaged one counts for nothing
        raw = files[name]
        if name == DISTRICT_FILE:
            raw = self._list_unlisted_cycles(raw, folder)
        raw = self._newer_than_backups(district_id, {**present, name: raw}, folder, name)[name]
        try:
            # Its parts too (kept, never overwritten): the backup's file holds the cycle whole.
            for old in (path, parts_folder(path)) if name != DISTRICT_FILE else (path,):
                if old.exists():
                    os.replace(old, _set_aside_name(old))
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failure(path, exc) from None
        atomic_write(path, raw)
        return district_id

    def _list_unlisted_cycles(self, raw: bytes, folder: Path) -> bytes:
        """An older ``district.json`` lacks the cycles started after it was backed up: list
        each intact cycle file it lacks as a "Recovered cycle", so their ratings show."""
        data = decode_json(folder / DISTRICT_FILE, raw)
        table = data.setdefault("cycles", {})
        listed = [Cycle.from_dict(doc) for doc in table.values()]
        if not listed:
            return raw  # no framework to name: check lists the files instead
        model = max(listed, key=lambda c: (c.date, c.created))
        known = {c.id for c in listed}
        added = 0
        for path in backups.store_files(folder)[1:]:
            if path.stem in known or not backups.RECORD_ID.match(path.stem):
                continue
            try:
                decode_json(path, read_bytes(path))
            except StoreError:
                continue
            added += 1
            cycle = Cycle(id=path.stem, title=_("Recovered cycle {n}").format(n=added),
                          date=self.wall().date().isoformat(), scope=None,
                          framework_id=model.framework_id,
                          framework_version=model.framework_version)
            slot = max((int(k) for k in table if is_doc_id(k)), default=0) + 1
            table[str(slot)] = cycle.to_dict()
        return encode_json(data) if added else raw

    def _district_folder(self, district_id: str) -> Path:
        """The folder of a district id, refusing any id that is not a record id."""
        folder = self.districts_folder / district_id
        if (not backups.RECORD_ID.match(district_id)
                or folder.parent != self.districts_folder or folder.name != district_id):
            raise backups.BackupError(_("{id} is not a valid district id.").format(
                id=district_id[:60]))
        return folder

    def _newer_than_backups(self, district_id: str, files: dict[str, bytes],
                            folder: Path, key: str = DISTRICT_FILE) -> dict[str, bytes]:
        """``files`` with district.json's (or the only file's) write counter raised so that
        the restored store generation is above every backup and the current files: the
        restored state is then the newest, and later work counts up from there."""
        floor = max((b.generation for b in self.backups(district_id)), default=0)
        with contextlib.suppress(StoreError, OSError, ValueError):
            floor = max(floor, sum(file_generation(read_whole_data(p))
                                   for p in backups.store_files(folder)))
        # one parsed file in memory at a time (a backup may be large)
        restored = sum(file_generation(decode_json(Path(name), raw)) for name, raw in files.items())
        if restored > floor:
            return files
        data = decode_json(Path(key), files[key])
        bump_generation(data, floor + 1 - restored)
        return {**files, key: encode_json(data)}

    def _keep_replaced(self, district_id: str, old: Path, kept_name: str) -> None:
        kept_in = self.backups_folder / district_id
        restore_step("before keeping the old folder")
        kept_in.mkdir(parents=True, exist_ok=True)
        kept = kept_in / kept_name
        while kept.exists():
            kept = kept_in / f"{kept_name}-{secrets.token_hex(2)}"
        os.replace(old, kept)
        restore_step("after keeping the old folder")
        fsync_folder(kept_in)
        fsync_folder(self.districts_folder)
        restore_step("after syncing the kept folder")

    def pending_restores(self) -> list[str]:
        """Restores cut short (a journal or leftover folders), one sentence each; read only."""
        found = []
        if (self.folder / JOURNAL).exists():
            found.append(_("A restore was interrupted (restore-journal.json is in {folder}).")
                         .format(folder=self.folder))
            return found  # the journal says it all
        leftovers = self._leftovers()
        if leftovers:
            found.append(_("A restore was interrupted and left {names} in {folder}.").format(
                names=", ".join(p.name for p in leftovers), folder=self.districts_folder))
        return found

    def _leftovers(self) -> list[Path]:
        try:
            return sorted(p for p in self.districts_folder.iterdir()
                          if p.is_dir() and _LEFTOVER.match(p.name))
        except OSError:
            return []

    def _recover_restores(self) -> list[str]:
        """Finish or roll back a restore that was cut short (a crash, a power cut).

        With a journal the staged copy is complete: if the district's folder is gone it
        is moved in (finished), else the copy is dropped (rolled back, nothing had been
        replaced). Without one, a moved-aside folder goes back. A replaced folder is
        never deleted: it is kept under ``backups/<id>/``. Returns what was done.
        """
        done: list[str] = []
        journal_path = self.folder / JOURNAL
        journal: dict[str, Any] = {}
        if journal_path.exists():
            with contextlib.suppress(StoreError, ValueError, AttributeError):
                loaded = decode_json(journal_path, read_bytes(journal_path))
                journal = loaded if isinstance(loaded, dict) else {}
        by_id: dict[str, dict[str, list[Path]]] = {}
        for path in self._leftovers():
            match = _LEFTOVER.match(path.name)
            assert match is not None
            kind, district_id = match.group(1), match.group(2)
            by_id.setdefault(district_id, {"restore": [], "replaced": []})[kind].append(path)
        journaled = journal.get("staging") if isinstance(journal.get("staging"), str) else None
        for district_id, found in by_id.items():
            try:
                target = self._district_folder(district_id)
            except StoreError:
                continue  # not a name a restore makes: not ours to touch
            done.append(self._recover_one(district_id, target, found, journaled))
        if self.districts_folder.exists():
            fsync_folder(self.districts_folder)
        if journal_path.exists():
            journal_path.unlink()
            fsync_folder(self.folder)
            if not done:
                done.append(_("An interrupted restore had not changed anything yet; its "
                              "journal was removed."))
        return done

    def _recover_one(self, district_id: str, target: Path, found: dict[str, list[Path]],
                     journaled: str | None) -> str:
        outcome = _("An interrupted restore of district {id} was tidied up (the district "
                    "was not changed).").format(id=district_id)
        for staging in found["restore"]:
            complete = staging.name == journaled
            if (not target.exists() and (complete or not found["replaced"])
                    and (complete or self._whole(staging))):
                os.replace(staging, target)
                outcome = _("An interrupted restore of district {id} was finished.").format(
                    id=district_id)
            else:
                shutil.rmtree(staging, ignore_errors=True)  # a copy of a backup's files
        for old in found["replaced"]:
            if not target.exists():
                os.replace(old, target)
                outcome = _("An interrupted restore of district {id} was rolled back.").format(
                    id=district_id)
            else:
                self._keep_replaced(district_id, old, "replaced-" + old.name.rsplit("-", 1)[-1])
        return outcome

    @staticmethod
    def _whole(folder: Path) -> bool:
        """Whether every store file of a leftover folder parses (safe to move in)."""
        try:
            for path in backups.store_files(folder):
                decode_json(path, read_bytes(path))
        except StoreError:
            return False
        return True

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
            # A damaged part (see CycleStorage) is set aside; the cycle file is the one to
            # bring back from a backup (which holds each cycle as one file).
            error = self._damaged(exc.path, district_id, exc.reason, str(exc))
            error.path = file.path
            raise error from None

    def _damaged(self, path: Path, district_id: str, reason: str,
                 detail: str) -> DamagedStoreError:
        """Set a damaged file aside (never overwrite it) and offer the district's backups."""
        set_aside = None
        if not self.read_only and path.exists():
            set_aside = _set_aside_name(path)
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
                   .format(time=found[0].created + (_(" (dated in the future: the clock was "
                                                       "wrong)") if found[0].in_future else ""))
                   if found
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
        except (StoreError, ValueError, KeyError, TypeError, RecursionError):
            return {}  # settings are a convenience; a damaged file is simply replaced
        return doc if isinstance(doc, dict) else {}

    def _save_settings(self, changes: Mapping[str, Any]) -> None:
        settings = {**self._settings(), **changes, "schema": SCHEMA_VERSION}
        with contextlib.suppress(StoreError):
            self._guard()
            atomic_write(self.folder / SETTINGS, encode_json({"settings": {"1": settings}}))


def iter_store_files(data_dir: Path) -> Iterator[Path]:
    """Every store file under a data folder (for checks and tests), with the parts of
    cycles kept in parts (each a TinyDB file too)."""
    for folder in sorted((data_dir / "districts").glob("*")):
        if folder.is_dir() and not folder.name.startswith("."):
            for path in backups.store_files(folder):
                yield path
                parts = parts_folder(path)
                if path.parent.name == "cycles" and parts.is_dir():
                    yield from sorted(p for p in parts.glob("*.json")
                                      if backups.RECORD_ID.fullmatch(p.stem))
