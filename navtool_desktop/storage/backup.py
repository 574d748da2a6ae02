"""Backups of a district: zip files made, thinned (a pure rule), listed and checked.

A backup is ``backups/<district-id>/<UTC time>.zip`` holding ``manifest.json`` and the
district folder's store files. Only a district whose files all parse is backed up, so
thinning can never push good backups out in favour of damaged ones.

Clocks are wrong sometimes, so a backup also records the district's *store generation*
(the sum of its files' write counters, see :func:`~navtool_desktop.storage.atomic.bump_generation`):
the newest backup is the one with the highest generation, a backup dated after "now" is
listed as such, and thinning waits while the clock disagrees with the backups' dates.

A backup to restore is hostile input (it may come by e-mail): :func:`read_backup` checks
all of it (the id is a UUID, only expected member names, no links, bounded sizes, every
record valid) before anything on disk changes.
"""

from __future__ import annotations

import io
import json
import re
import stat
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from navtool_desktop import __version__
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
)
from navtool_desktop.i18n import _
from navtool_desktop.storage import schema
from navtool_desktop.storage.atomic import (
    atomic_write,
    decode_json,
    file_generation,
    is_doc_id,
    read_whole,
    valid_generation,
    value_bound,
)
from navtool_desktop.storage.errors import BackupInfo, SchemaTooNewError, StoreError, write_failure

BACKUP_FORMAT = 1
MANIFEST = "manifest.json"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^\d{8}T\d{12}Z\.zip\Z")
#: A record id: lowercase UUID4 (the same rule as every record's ``id``).
RECORD_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")
#: Files a backup may hold: the district file and its cycle files.
_MEMBER = re.compile(r"^(district\.json|cycles/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                     r"[89ab][0-9a-f]{3}-[0-9a-f]{12}\.json)\Z")
#: Bounds on a backup to restore, so that checking a hostile one costs well under 1 GB:
#: its bytes are held while checking, and each file is parsed (at up to about 150 bytes
#: per JSON value) and dropped in turn. A real cycle of 60 people rating 30 competencies
#: is about 50,000 values in a few MB.
MAX_MEMBER_SIZE = 64 * 1024 * 1024
MAX_TOTAL_SIZE = 256 * 1024 * 1024
MAX_MEMBER_VALUES = 2_000_000
#: A backup file's size: its zip directory is read whole on opening (about four times its
#: size in memory), so the file is checked first. Store files compress over fourfold.
MAX_BACKUP_FILE = MAX_TOTAL_SIZE // 2
MAX_MEMBERS = 5000
MAX_MANIFEST_SIZE = 1024 * 1024
#: A backup dated more than this after "now" was made while the clock was ahead.
CLOCK_SLACK = timedelta(minutes=10)
#: Thinning waits when "now" is this far past the newest backup (a clock far ahead).
THIN_MAX_GAP = timedelta(days=92)
#: The record tables of each kind of store file (checked in every backup).
RECORD_TABLES: dict[str, dict[str, type[Record]]] = {
    "district": {"district": District, "cycles": Cycle, "plans": Plan, "goals": Goal,
                 "actions": Action, "progress": ProgressNote},
    "cycle": {"participants": Participant, "ratings": Rating, "responses": QuestionResponse,
              "consensus": Consensus, "tallies": Tally},
}


def repeated_ids(data: Mapping[str, Any], kind: str) -> list[tuple[str, str]]:
    """(table, record id) of each record held by two documents of a store file's table
    (``kind``: "district" or "cycle"). The app never writes that; a hand edit or a crafted
    file does, and deleting such a record would leave its twin to come back."""
    found = []
    for table in RECORD_TABLES[kind]:
        docs = data.get(table)
        seen: set[str] = set()
        for doc in docs.values() if isinstance(docs, dict) else ():
            rid = doc.get("id") if isinstance(doc, dict) else None
            if isinstance(rid, str):
                if rid in seen:
                    found.append((table, rid))
                seen.add(rid)
    return found


class BackupError(StoreError):
    """A backup cannot be made, read or restored; the message says why."""


def backups_to_keep(times: Iterable[datetime], now: datetime, *, recent: int = 10,
                    daily_days: int = 30, weekly_weeks: int = 52,
                    generations: Mapping[datetime, int] | None = None) -> set[datetime]:
    """Which backups to keep: the ``recent`` newest, then the newest of each day for
    ``daily_days`` days, of each ISO week up to ``weekly_weeks`` weeks, of each month after.

    With ``generations`` (each backup's store generation) the highest generation of
    every bucket and of all is kept too: when the clock went back, the backup with the
    newest content is not the one with the latest time.
    """
    ordered = sorted(set(times), reverse=True)
    keep = set(ordered[:recent])
    gens = generations or {}
    best: dict[tuple[object, ...], datetime] = {}
    seen: set[tuple[object, ...]] = set()
    for moment in ordered:  # newest first, so the first seen in a bucket is its newest
        age = now - moment
        if age <= timedelta(days=daily_days):
            bucket: tuple[object, ...] = ("day", moment.date())
        elif age <= timedelta(weeks=weekly_weeks):
            bucket = ("week", *moment.isocalendar()[:2])
        else:
            bucket = ("month", moment.year, moment.month)
        if bucket not in seen:
            seen.add(bucket)
            keep.add(moment)
        if bucket not in best or gens.get(moment, 0) > gens.get(best[bucket], 0):
            best[bucket] = moment
    if gens:
        keep.update(best.values())
        keep.add(max(ordered, key=lambda t: (gens.get(t, 0), t)))
    return keep


def backup_time(path: Path) -> datetime | None:
    """The UTC time in a backup file's name, or None for other files."""
    if not _NAME.fullmatch(path.name):
        return None
    return datetime.strptime(path.stem, _STAMP).replace(tzinfo=UTC)


def read_manifest(path: Path) -> dict[str, Any]:
    """A backup's manifest (a small read), or {} if it has none that parses."""
    try:
        if path.stat().st_size > MAX_BACKUP_FILE:
            return {}  # not one (see read_backup), and costly to open
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(MANIFEST)
            if info.file_size > MAX_MANIFEST_SIZE:
                return {}
            data = json.loads(zf.read(info).decode("utf-8"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, RuntimeError):
        return {}
    return data if isinstance(data, dict) else {}


def manifest_generation(manifest: Mapping[str, Any]) -> int:
    return valid_generation(manifest.get("generation", 0))


def list_backups(folder: Path, district_id: str,
                 now: datetime | None = None) -> tuple[BackupInfo, ...]:
    """A district's backups, the newest content first (highest store generation, then
    latest time); those dated after ``now`` are marked ``in_future``."""
    now = now or datetime.now(UTC)
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return ()
    for path in entries:
        moment = backup_time(path)
        if moment is None:
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        found.append(BackupInfo(path, district_id, moment.isoformat().replace("+00:00", "Z"),
                                size, manifest_generation(read_manifest(path)),
                                moment > now + CLOCK_SLACK))
    return tuple(sorted(found, key=lambda b: (b.generation, b.created), reverse=True))


def store_files(district_folder: Path) -> list[Path]:
    """The store files of a district folder (district.json, then cycle files by name).

    Cycle files are ``cycles/<record id>.json`` only: a stray copy ("<id> - Copy.json")
    is no store file (``navtool check`` names it), so backups stay restorable.
    """
    cycles = district_folder / "cycles"
    files = [district_folder / "district.json"]
    if cycles.is_dir():
        files += sorted(p for p in cycles.glob("*.json") if RECORD_ID.fullmatch(p.stem))
    return files


def make_backup(district_folder: Path, folder: Path, district_id: str, name: str,
                now: datetime | None = None, *, thin: bool = True) -> BackupInfo:
    """Zip the district's store files into ``folder``, then thin the folder's backups
    (unless ``thin`` is false: a restore's safety copy must not push out the backup
    being restored).

    ``now`` is the time to record (the repository's clock). Raises
    :class:`DamagedStoreError` (from reading) if a file does not parse.
    """
    now = now or datetime.now(UTC)
    buffer = io.BytesIO()
    generation = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        members = []
        for path in store_files(district_folder):
            raw = read_whole(path)  # a cycle kept in parts as one file, as restore reads it
            generation += file_generation(decode_json(path, raw))  # never back up damage
            arcname = path.relative_to(district_folder).as_posix()
            zf.writestr(arcname, raw)
            members.append(arcname)
        manifest = {"format": BACKUP_FORMAT, "app": __version__, "schema": schema.SCHEMA_VERSION,
                    "district_id": district_id, "name": name,
                    "created": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    "generation": generation, "files": members}
        zf.writestr(MANIFEST, json.dumps(manifest, indent=1))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(folder / "x", exc) from None
    moment = now
    while (path := folder / (moment.strftime(_STAMP) + ".zip")).exists():
        moment += timedelta(microseconds=1)  # two backups within one tick of the clock
    atomic_write(path, buffer.getvalue())
    if thin:
        thin_backups(folder, now, just_made=path)
    return BackupInfo(path, district_id, moment.isoformat().replace("+00:00", "Z"),
                      len(buffer.getvalue()), generation)


def thin_backups(folder: Path, now: datetime, just_made: Path | None = None) -> list[Path]:
    """Delete the backups :func:`backups_to_keep` does not keep; return what was deleted.

    Nothing is deleted while the clock looks wrong: when a backup is dated after ``now``
    (the clock is behind it) or ``now`` is far past the newest backup before
    ``just_made`` (the clock may be ahead), since the age of every backup would be wrong.
    """
    by_time: dict[datetime, Path] = {}
    for path in folder.glob("*.zip"):
        moment = backup_time(path)
        if moment is not None:
            by_time[moment] = path
    if not by_time:
        return []
    earlier = [t for t, p in by_time.items() if p != just_made]
    if max(by_time) > now + CLOCK_SLACK or (earlier and now - max(earlier) > THIN_MAX_GAP):
        return []
    generations = {t: manifest_generation(read_manifest(p)) for t, p in by_time.items()}
    keep = backups_to_keep(by_time, now, generations=generations)
    removed = []
    for moment, path in by_time.items():
        if moment not in keep:
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass  # an extra old backup does no harm
    return removed


def read_backup(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Open and check a whole backup: its manifest and each file's bytes.

    Everything is checked before the caller changes anything: the district id is a record
    id and matches the profile in ``district.json``; members are only ``district.json``
    and ``cycles/<id>.json`` (no links, folders, duplicates or other names); sizes and
    counts are bounded; every file parses, is not from a newer app and holds valid
    records. Raises :class:`BackupError`; nothing is changed on disk.
    """
    bad = _("{file} is not a usable Navigation Tool backup").format(file=path.name)
    try:
        if path.stat().st_size > MAX_BACKUP_FILE:
            raise BackupError(bad + _(" (the file is too large to be one)."))
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{bad} ({exc}).") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS + 1:
            raise BackupError(bad + _(" (too many files)."))
        try:
            manifest_info = zf.getinfo(MANIFEST)
            if manifest_info.file_size > MAX_MANIFEST_SIZE:
                raise ValueError
            manifest = json.loads(zf.read(manifest_info).decode("utf-8"))
        except (KeyError, ValueError, zipfile.BadZipFile, OSError, RuntimeError):
            raise BackupError(bad + _(" (no readable manifest).")) from None
        district_id = manifest.get("district_id") if isinstance(manifest, dict) else None
        if not isinstance(district_id, str) or not RECORD_ID.match(district_id):
            raise BackupError(bad + _(" (its district id is not a valid id)."))
        files: dict[str, bytes] = {}
        total = 0
        for info in infos:
            name = info.filename
            if name == MANIFEST and info is manifest_info:
                continue
            if (not _MEMBER.fullmatch(name) or name in files or info.is_dir()
                    or stat.S_IFMT(info.external_attr >> 16) not in (0, stat.S_IFREG)):
                raise BackupError(bad + _(" (unexpected file {name}).").format(name=name[:200]))
            total += info.file_size
            if info.file_size > MAX_MEMBER_SIZE or total > MAX_TOTAL_SIZE:
                raise BackupError(bad + _(" ({name} is too large).").format(name=name))
            try:
                raw = zf.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
                raise BackupError(f"{bad} ({name}: {exc}).") from None
            files[name] = raw
        if "district.json" not in files:
            raise BackupError(bad + _(" (district.json is missing)."))
        generation = 0
        listed: Iterable[Any] = ()
        for name, raw in files.items():  # one parsed file in memory at a time
            if value_bound(raw) > MAX_MEMBER_VALUES:
                raise BackupError(bad + _(" ({name} holds too many items).").format(name=name))
            data, member_generation = _check_member(name, raw, district_id, bad)
            generation += member_generation
            if name == "district.json":
                listed = data.get("cycles", {}).values()
            del data
        for cycle in listed:
            if f"cycles/{cycle['id']}.json" not in files:
                raise BackupError(bad + _(" (district.json lists the cycle {id}, but its file "
                                          "is missing).").format(id=cycle["id"]))
        if "generation" in manifest and manifest["generation"] != generation:
            raise BackupError(bad + _(" (its manifest does not match its files)."))
    return manifest, files


def _check_member(name: str, raw: bytes, district_id: str,
                  bad: str) -> tuple[dict[str, Any], int]:
    """One backup file parses, is not from a newer app, and holds only valid records;
    returns its data (upgraded to the current format) and its write counter."""
    kind = "district" if name == "district.json" else "cycle"
    try:
        data = decode_json(Path(name), raw)
    except StoreError as exc:
        raise BackupError(f"{bad} ({exc})") from None
    if not isinstance(data, dict):
        raise BackupError(bad + _(" ({name} holds no store data).").format(name=name))
    generation = file_generation(data)
    try:
        data, _changed = schema.upgrade(Path(name), data, kind)
    except SchemaTooNewError as exc:
        raise BackupError(bad + _(" ({name} was made by a newer version of the app: "
                                  "data format {found}, this version reads up to "
                                  "{supported}).").format(
            name=name, found=exc.found, supported=exc.supported)) from None
    except StoreError as exc:
        raise BackupError(f"{bad} ({exc})") from None
    for table, cls in RECORD_TABLES[kind].items():
        docs = data.get(table, {})
        if not isinstance(docs, dict):
            raise BackupError(bad + _(" ({name}: table {table} is not an object).")
                              .format(name=name, table=table))
        for doc_id, doc in docs.items():
            try:
                if not is_doc_id(doc_id):
                    raise RecordError(_("document id {id} is not a number").format(id=doc_id[:40]))
                cls.from_dict(doc)
            except (RecordError, ValueError, TypeError) as exc:
                raise BackupError(bad + _(" ({name}, {table}: {problem}).").format(
                    name=name, table=table, problem=exc)) from None
    for table, rid in repeated_ids(data, kind)[:1]:
        raise BackupError(bad + _(" ({name}, {table}: the record {id} is there twice).").format(
            name=name, table=table, id=rid))
    if kind == "district":
        profiles = list(data.get("district", {}).values())
        if len(profiles) != 1 or profiles[0].get("id") != district_id:
            raise BackupError(bad + _(" (its district.json does not hold the district "
                                      "{id} that its manifest names).").format(id=district_id))
    return data, generation


def restorable_files(info: BackupInfo) -> list[str]:
    """The store files a backup lists (from its manifest; read in full when restoring)."""
    files = read_manifest(info.path).get("files", [])
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def newest_good(backups: Sequence[BackupInfo]) -> BackupInfo | None:
    """The good backup with the newest content (highest store generation), if any.

    A backup of another district (copied into the wrong folder) is not good here:
    restoring it would bring back that district, not this one.
    """
    for info in sorted(backups, key=lambda b: (b.generation, b.created), reverse=True):
        try:
            manifest, _files = read_backup(info.path)
        except StoreError:
            continue
        if manifest["district_id"] == info.district_id:
            return info
    return None
