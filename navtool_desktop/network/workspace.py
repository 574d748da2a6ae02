"""A coach's or network's workspace: many districts' signed summaries, side by side.

Storage: one SQLite file (``network.sqlite3``) in the workspace folder, chosen by measurement
(``bench/bench_network.py``; README "Network workspace"): a state's ten years from 1,000
districts is 10,000 cycles and 300,000 competency levels. The side-by-side view asks "the
latest cycle of every district, with the one before it" and "which competencies do districts
share as goals", which are two indexed queries in SQLite; kept in the district store's atomic
TinyDB layout, every import would rewrite the whole file and every view would parse all of it.
SQLite's own transactions give the store's promises here: an import is one transaction
(all of a file or none of it), ``synchronous=FULL`` makes it durable when it returns.

Rules: the first summary from a district pins its root certificate's fingerprint (the coach
confirms it by phone, as for plans); a later summary signed under another root is refused,
until the coach releases the pin; a root pinned for one district cannot speak for another.
Importing the same file again changes nothing. A district's newest summary (by the time it
was made) is its whole record: it replaces the older one, cycles and plan, so a cycle the
district reopened or deleted goes; an older summary is kept out whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import orjson

from navtool_desktop.core.records import LEVELS
from navtool_desktop.errors import UserFacingError
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.network.summary import MAX_FILE_BYTES, SUFFIX, Sealed, SummaryError, made_at, open_sealed

FILE_NAME = "network.sqlite3"
#: How far past this computer's clock a summary's time may lie (time zones, a clock a little fast).
FUTURE_SLACK = dt.timedelta(days=1)
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS districts (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, state TEXT NOT NULL,
    root_fingerprint TEXT NOT NULL, root_organization TEXT NOT NULL, pinned_at TEXT NOT NULL,
    signer TEXT NOT NULL, made_at TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]', plan TEXT);
CREATE TABLE IF NOT EXISTS cycles (
    district_id TEXT NOT NULL, cycle_id TEXT NOT NULL, title TEXT NOT NULL, date TEXT NOT NULL,
    made_at TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (district_id, cycle_id));
CREATE INDEX IF NOT EXISTS cycles_by_date ON cycles (district_id, date);
CREATE TABLE IF NOT EXISTS levels (
    district_id TEXT NOT NULL, cycle_id TEXT NOT NULL, competency_id TEXT NOT NULL, level INTEGER,
    PRIMARY KEY (district_id, cycle_id, competency_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS goals (
    district_id TEXT NOT NULL, goal_id TEXT NOT NULL, competency_id TEXT NOT NULL,
    target_level INTEGER NOT NULL, target_date TEXT NOT NULL, PRIMARY KEY (district_id, goal_id));
CREATE TABLE IF NOT EXISTS imported (sha256 TEXT PRIMARY KEY, district_id TEXT NOT NULL, at TEXT NOT NULL);
"""


Progress = Callable[[int, int, str], None]


def summary_files(folder: Path) -> list[Path]:
    """The ``.navsummary`` files directly in ``folder``, by name; WorkspaceError if it cannot be read."""
    try:
        return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() == SUFFIX and p.is_file())
    except OSError as exc:  # a USB stick pulled out or failing
        raise WorkspaceError(_("The folder {folder} cannot be read: {why}").format(
            folder=folder, why=exc.strerror or exc)) from None


class WorkspaceError(UserFacingError):
    """The workspace cannot be opened or changed; ``str(exc)`` says why."""


@dataclass(frozen=True)
class Outcome:
    """What importing one file did: ``added``, ``updated``, ``unchanged`` or ``refused``."""

    file: str
    status: str
    district: str = ""
    message: str = ""


@dataclass
class ImportReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


@dataclass(frozen=True)
class DistrictRow:
    id: str
    name: str
    state: str
    root_fingerprint: str
    signer: str
    made_at: str
    tags: tuple[str, ...]
    cycles: int


@dataclass(frozen=True)
class SideBySide:
    """The districts x competencies view: each district's chosen cycle and the one before it."""

    districts: tuple[DistrictRow, ...]
    cycle: dict[str, tuple[str, str]]             # district -> (cycle id, date)
    levels: dict[str, dict[str, str]]             # district -> competency -> level
    change: dict[str, dict[str, int]]             # district -> competency -> steps since the cycle before
    goals_reached: dict[str, tuple[int, int]]     # district -> (reached, goals)
    shared_priorities: tuple[tuple[str, int], ...]  # competency, number of districts with a goal on it


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _level_index(level: str | None) -> int | None:
    return LEVELS.index(level) if level in LEVELS else None


def _trouble(folder: Path, exc: BaseException) -> WorkspaceError:
    """A plain message for what SQLite (or a damaged stored cycle) raised."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower():
        return WorkspaceError(_("The network workspace is busy: another import into it is still running "
                                "(in another window or a command). Try again when it has finished."))
    if isinstance(exc, OSError):
        return WorkspaceError(_("The network workspace in {folder} cannot be opened: {why}")
                              .format(folder=folder, why=exc.strerror or exc))
    return WorkspaceError(_("The network workspace file in {folder} is damaged ({why}). Rename that folder "
                            "(keep it for now) and import the districts' summaries again: a new, empty "
                            "workspace is made in its place.").format(folder=folder, why=exc))


_F = TypeVar("_F", bound=Callable[..., Any])
_TROUBLE = (sqlite3.DatabaseError, zlib.error, orjson.JSONDecodeError, OSError)


def _plainly(method: _F) -> _F:
    """Turn SQLite's (and a damaged stored cycle's) exceptions into a plain WorkspaceError."""
    @functools.wraps(method)
    def wrapper(self: Workspace, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except _TROUBLE as exc:
            raise _trouble(self.folder, exc) from None
    return cast(_F, wrapper)


class Workspace:
    """A network workspace folder. Open it with ``with Workspace(folder) as ws:``.

    ``busy_timeout`` is how long (seconds) a change waits while another connection imports.
    """

    def __init__(self, folder: Path, pack: Pack, *, clock: Any = _now, busy_timeout: float = 30.0) -> None:
        self.folder = Path(folder)
        self.pack = pack
        self._clock = clock
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.folder / FILE_NAME, isolation_level=None, timeout=busy_timeout)
        except _TROUBLE as exc:
            raise _trouble(self.folder, exc) from None
        try:
            self._open()
        except BaseException:
            self._db.close()
            raise

    @_plainly
    def _open(self) -> None:
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        made = self._db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if made is None:  # a new workspace (only then a write: another import may be running)
            self._db.execute("PRAGMA journal_mode=WAL")
            with self._transaction():
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    self._db.execute(statement)
                if self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() is None:
                    self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None or not str(row[0]).isdigit():
            raise sqlite3.DatabaseError("no schema version")
        if int(row[0]) > SCHEMA_VERSION:
            raise WorkspaceError(_("This network workspace was made by a newer version of the app; "
                                   "update the app to open it."))
        self._db.execute("SELECT COUNT(*) FROM districts").fetchone()  # the tables are readable

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- import ------------------------------------------------------------------------------

    @_plainly
    def import_bytes(self, raw: bytes, name: str = "summary") -> Outcome:
        """Check and import one summary file's bytes; never raises for a bad file (see Outcome)."""
        with self._transaction():
            return self._import(raw, name)

    def _import(self, raw: bytes, name: str) -> Outcome:
        """One file inside the caller's transaction, under a savepoint: all of it or none of it."""
        digest = hashlib.sha256(raw).hexdigest()
        if self._db.execute("SELECT 1 FROM imported WHERE sha256=?", (digest,)).fetchone():
            return Outcome(name, "unchanged")  # these very bytes: nothing to say
        try:
            sealed = open_sealed(raw, self.pack)
        except SummaryError as exc:
            return Outcome(name, "refused", message=str(exc))
        self._db.execute("SAVEPOINT summary")
        try:
            status, message = self._store(sealed)
            self._db.execute("INSERT OR IGNORE INTO imported VALUES (?, ?, ?)",
                             (digest, sealed.summary["district"]["id"], self._clock()))
        except WorkspaceError as exc:
            self._db.execute("ROLLBACK TO summary")
            self._db.execute("RELEASE summary")
            return Outcome(name, "refused", message=str(exc))
        self._db.execute("RELEASE summary")
        return Outcome(name, status, sealed.summary["district"]["name"], message)

    @_plainly
    def import_paths(self, paths: Sequence[Path], progress: Progress | None = None) -> ImportReport:
        """Import every file in one transaction (each file under its own savepoint), durable on return.

        ``progress(done, total, file name)`` is called before each file.
        """
        with self._transaction():
            return self._import_paths(paths, progress)

    def _import_paths(self, paths: Sequence[Path], progress: Progress | None) -> ImportReport:
        report = ImportReport()
        for n, path in enumerate(paths):
            # a file's name comes from whoever filled the stick: no line ends or controls in a report
            name = "".join(ch if ch.isprintable() else "\ufffd" for ch in path.name)
            if progress is not None:
                progress(n, len(paths), name)
            try:
                with path.open("rb") as fh:  # bounded: a file may grow after it was listed
                    raw = fh.read(MAX_FILE_BYTES + 1)
                if len(raw) > MAX_FILE_BYTES:
                    report.outcomes.append(Outcome(name, "refused", message=_(
                        "The file is too large to be a district summary.")))
                    continue
            except OSError as exc:
                report.outcomes.append(Outcome(name, "refused", message=_(
                    "The file cannot be read: {why}").format(why=exc.strerror or exc)))
                continue
            report.outcomes.append(self._import(raw, name))
        return report

    def import_folder(self, folder: Path, progress: Progress | None = None) -> ImportReport:
        """Import every ``.navsummary`` file in ``folder`` (not its subfolders), by name."""
        return self.import_paths(summary_files(folder), progress)

    def _store(self, sealed: Sealed) -> tuple[str, str]:
        """Keep a checked summary: (status, a note for the coach) or WorkspaceError.

        A district's newest summary is its whole record here: it holds every closed cycle the
        district shares, so a cycle it no longer holds (reopened, deleted) goes, and an older
        summary (a replay, an old e-mail, an old signer's key) changes nothing at all.
        """
        s = sealed.summary
        district = s["district"]
        did = district["id"]
        latest = (dt.datetime.fromisoformat(self._clock().replace("Z", "+00:00")) + FUTURE_SLACK)
        if made_at(s) > latest:
            # A wrong clock on the district's laptop would otherwise make this copy "newest" for
            # good, and every real summary after it would be kept out as older.
            raise WorkspaceError(_(
                "Refused: this summary for \u201c{name}\u201d says it was made on {day}, after today by this "
                "computer's clock. Check this computer's date first; if it is right, ask the district to check the "
                "date on its laptop and send the summary again.")
                .format(name=district["name"], day=s["made_at"][:10]))
        known = self._db.execute("SELECT root_fingerprint, made_at FROM districts WHERE id=?", (did,)).fetchone()
        if known and known[0] != sealed.root_fingerprint:
            raise WorkspaceError(_(
                "Refused: this summary for \u201c{name}\u201d is signed under another district root "
                "({new}) than the one pinned at its first import ({old}). If the district really made a "
                "new root, confirm the new fingerprint with them by phone, then release the pin on "
                "the district's page and import again.").format(name=district["name"], new=sealed.root_fingerprint,
                                                               old=known[0]))
        if known is None:
            owner = self._db.execute("SELECT name FROM districts WHERE root_fingerprint=? AND id<>?",
                                     (sealed.root_fingerprint, did)).fetchone()
            if owner:
                # A root is one district's: another district's pinned root must not take a new place.
                raise WorkspaceError(_(
                    "Refused: this summary names the district \u201c{name}\u201d, but it is signed under the "
                    "root pinned for \u201c{owner}\u201d ({fingerprint}). A district root signs for its own "
                    "district only. If \u201c{owner}\u201d started again as a new district, release its pin "
                    "first.").format(name=district["name"], owner=owner[0], fingerprint=sealed.root_fingerprint))
        elif s["made_at"] <= known[1]:
            return "unchanged", _("not newer than the summary already here (made {when}), so it was kept out").format(
                when=known[1])
        plan = json.dumps(s["plan"])
        if known is None:
            self._db.execute(
                "INSERT INTO districts (id, name, state, root_fingerprint, root_organization, pinned_at, signer, "
                "made_at, plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (did, district["name"], district["state"], sealed.root_fingerprint, sealed.root_organization,
                 self._clock(), sealed.signer, s["made_at"], plan))
        else:
            self._db.execute("UPDATE districts SET name=?, state=?, signer=?, made_at=?, plan=? WHERE id=?",
                             (district["name"], district["state"], sealed.signer, s["made_at"], plan, did))
        self._db.execute("DELETE FROM goals WHERE district_id=?", (did,))
        self._db.executemany("INSERT INTO goals VALUES (?, ?, ?, ?, ?)",
                             [(did, goal["id"], goal["competency_id"], LEVELS.index(goal["target_level"]),
                               goal["target_date"]) for goal in (s["plan"] or {}).get("goals", [])])
        self._db.execute("DELETE FROM levels WHERE district_id=?", (did,))
        self._db.execute("DELETE FROM cycles WHERE district_id=?", (did,))
        for cycle in s["cycles"]:
            cid = cycle["id"]
            self._db.execute("INSERT INTO cycles VALUES (?, ?, ?, ?, ?, ?)",
                             (did, cid, cycle["title"], cycle["date"], s["made_at"],
                              zlib.compress(orjson.dumps(cycle), 1)))
            self._db.executemany("INSERT INTO levels VALUES (?, ?, ?, ?)",
                                 [(did, cid, c["id"], _level_index(c["level"])) for c in cycle["competencies"]])
        return ("added" if known is None else "updated"), ""

    # --- districts ---------------------------------------------------------------------------

    @_plainly
    def districts(self, tags: Sequence[str] = ()) -> list[DistrictRow]:
        rows = self._db.execute(
            "SELECT d.id, d.name, d.state, d.root_fingerprint, d.signer, d.made_at, d.tags, "
            "(SELECT COUNT(*) FROM cycles c WHERE c.district_id = d.id) FROM districts d "
            "ORDER BY d.name COLLATE NOCASE, d.id").fetchall()
        out = [DistrictRow(r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])), r[7]) for r in rows]
        wanted = set(tags)
        return [d for d in out if wanted <= set(d.tags) | {d.state}] if wanted else out

    @_plainly
    def set_tags(self, district_id: str, tags: Iterable[str]) -> None:
        clean = sorted({t.strip()[:60] for t in tags if t.strip()})
        with self._transaction():
            self._db.execute("UPDATE districts SET tags=? WHERE id=?", (json.dumps(clean), district_id))

    @_plainly
    def release_pin(self, district_id: str) -> None:
        """Forget a district's pinned root: its next summary pins a new one (after a phone check)."""
        with self._transaction():
            self._db.execute("DELETE FROM levels WHERE district_id=?", (district_id,))
            self._db.execute("DELETE FROM goals WHERE district_id=?", (district_id,))
            self._db.execute("DELETE FROM cycles WHERE district_id=?", (district_id,))
            self._db.execute("DELETE FROM imported WHERE district_id=?", (district_id,))
            self._db.execute("DELETE FROM districts WHERE id=?", (district_id,))

    @_plainly
    def history(self, district_id: str) -> list[dict[str, Any]]:
        """A district's cycles as published, oldest first."""
        rows = self._db.execute("SELECT data FROM cycles WHERE district_id=? ORDER BY date, cycle_id",
                                (district_id,)).fetchall()
        return [orjson.loads(zlib.decompress(r[0])) for r in rows]

    @_plainly
    def plan(self, district_id: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT plan FROM districts WHERE id=?", (district_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    @_plainly
    def years(self) -> list[int]:
        return [int(r[0]) for r in self._db.execute(
            "SELECT DISTINCT substr(date, 1, 4) FROM cycles ORDER BY 1").fetchall()]

    # --- side by side ------------------------------------------------------------------------

    @_plainly
    def side_by_side(self, *, year: int | None = None, tags: Sequence[str] = ()) -> SideBySide:
        """Every district's latest cycle (in ``year``, or of all), its change and its goals."""
        districts = tuple(self.districts(tags))
        wanted = {d.id for d in districts}
        ranked = self._db.execute(
            "WITH ranked AS (SELECT district_id, cycle_id, date, ROW_NUMBER() OVER (PARTITION BY district_id "
            "ORDER BY date DESC, cycle_id DESC) AS rn FROM cycles WHERE ?1 IS NULL OR date < ?1) "
            "SELECT r.district_id, r.cycle_id, r.date, r.rn, l.competency_id, l.level FROM ranked r "
            "JOIN levels l ON l.district_id = r.district_id AND l.cycle_id = r.cycle_id WHERE r.rn <= 2",
            (f"{year + 1:04d}" if year is not None else None,)).fetchall()
        chosen: dict[str, tuple[str, str]] = {}
        levels: dict[str, dict[str, str]] = {}
        numbers: dict[str, dict[str, int]] = {}
        previous: dict[str, dict[str, int]] = {}
        for did, cid, date, rn, comp, level in ranked:
            if did not in wanted or (rn == 1 and year is not None and not date.startswith(f"{year:04d}")):
                continue
            if rn == 1:
                chosen[did] = (cid, date)
                levels.setdefault(did, {})
                numbers.setdefault(did, {})
                if level is not None:
                    levels[did][comp] = LEVELS[level]
                    numbers[did][comp] = level
            elif level is not None:
                previous.setdefault(did, {})[comp] = level
        change = {did: {comp: n - previous[did][comp] for comp, n in comps.items() if comp in previous.get(did, {})}
                  for did, comps in numbers.items()}
        reached: dict[str, tuple[int, int]] = {}
        shared: dict[str, set[str]] = {}
        for did, comp, target in self._db.execute(
                "SELECT district_id, competency_id, target_level FROM goals").fetchall():
            if did not in wanted:
                continue
            done, total = reached.get(did, (0, 0))
            now = numbers.get(did, {}).get(comp)
            reached[did] = (done + (1 if now is not None and now >= target else 0), total + 1)
            shared.setdefault(comp, set()).add(did)
        priorities = tuple(sorted(((c, len(ds)) for c, ds in shared.items() if len(ds) > 1),
                                  key=lambda cn: (-cn[1], cn[0])))
        return SideBySide(districts, chosen, levels, change, reached, priorities)
