"""Backups of a district: zip files made, thinned (a pure rule), listed and checked.

A backup is ``backups/<district-id>/<UTC time>.zip`` holding ``manifest.json`` and the
district folder's store files. Only a district whose files all parse is backed up, so
thinning can never push good backups out in favour of damaged ones.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from navtool_desktop import __version__
from navtool_desktop.i18n import _
from navtool_desktop.storage import schema
from navtool_desktop.storage.atomic import atomic_write, decode_json, read_bytes
from navtool_desktop.storage.errors import BackupInfo, StoreError, write_failure

BACKUP_FORMAT = 1
MANIFEST = "manifest.json"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^\d{8}T\d{12}Z\.zip$")
#: Files a backup may hold: the district file and its cycle files.
_MEMBER = re.compile(r"^(district\.json|cycles/[0-9a-f-]{36}\.json)$")
MAX_MEMBER_SIZE = 512 * 1024 * 1024


class BackupError(StoreError):
    """A backup cannot be made, read or restored; the message says why."""


def backups_to_keep(times: Iterable[datetime], now: datetime, *, recent: int = 10,
                    daily_days: int = 30, weekly_weeks: int = 52) -> set[datetime]:
    """Which backups to keep: the ``recent`` newest, then the newest of each day for
    ``daily_days`` days, of each ISO week up to ``weekly_weeks`` weeks, of each month after.
    """
    ordered = sorted(set(times), reverse=True)
    keep = set(ordered[:recent])
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
    return keep


def backup_time(path: Path) -> datetime | None:
    """The UTC time in a backup file's name, or None for other files."""
    if not _NAME.match(path.name):
        return None
    return datetime.strptime(path.stem, _STAMP).replace(tzinfo=UTC)


def list_backups(folder: Path, district_id: str) -> tuple[BackupInfo, ...]:
    """A district's backups, newest first."""
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
                                size))
    return tuple(sorted(found, key=lambda b: b.created, reverse=True))


def store_files(district_folder: Path) -> list[Path]:
    """The store files of a district folder (district.json, then cycle files by name)."""
    cycles = district_folder / "cycles"
    files = [district_folder / "district.json"]
    if cycles.is_dir():
        files += sorted(p for p in cycles.glob("*.json") if not p.name.startswith("."))
    return files


def make_backup(district_folder: Path, folder: Path, district_id: str, name: str,
                now: datetime | None = None) -> BackupInfo:
    """Zip the district's store files into ``folder``, then thin the folder's backups.

    Raises :class:`DamagedStoreError` (from reading) if a file does not parse.
    """
    now = now or datetime.now(UTC)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        members = []
        for path in store_files(district_folder):
            raw = read_bytes(path)
            decode_json(path, raw)  # never back up a damaged file
            arcname = path.relative_to(district_folder).as_posix()
            zf.writestr(arcname, raw)
            members.append(arcname)
        manifest = {"format": BACKUP_FORMAT, "app": __version__, "schema": schema.SCHEMA_VERSION,
                    "district_id": district_id, "name": name,
                    "created": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    "files": members}
        zf.writestr(MANIFEST, json.dumps(manifest, indent=1))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(folder / "x", exc) from None
    path = folder / (now.strftime(_STAMP) + ".zip")
    atomic_write(path, buffer.getvalue())
    thin_backups(folder, now)
    return BackupInfo(path, district_id, manifest["created"], len(buffer.getvalue()))


def thin_backups(folder: Path, now: datetime) -> list[Path]:
    """Delete the backups :func:`backups_to_keep` does not keep; return what was deleted."""
    by_time = {}
    for path in folder.glob("*.zip"):
        moment = backup_time(path)
        if moment is not None:
            by_time[moment] = path
    keep = backups_to_keep(by_time, now)
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
    """Open and check a backup: its manifest and each file's bytes, all parsed and current.

    Raises :class:`BackupError` for anything wrong; nothing is changed on disk.
    """
    bad = _("{file} is not a usable Navigation Tool backup").format(file=path.name)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{bad} ({exc}).") from None
    with zf:
        try:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
        except (KeyError, ValueError, zipfile.BadZipFile, OSError):
            raise BackupError(bad + _(" (no readable manifest).")) from None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("district_id"), str):
            raise BackupError(bad + _(" (manifest has no district id)."))
        files: dict[str, bytes] = {}
        for info in zf.infolist():
            name = info.filename
            if name == MANIFEST:
                continue
            if not _MEMBER.match(name) or PurePosixPath(name).is_absolute() or ".." in name:
                raise BackupError(bad + _(" (unexpected file {name}).").format(name=name))
            if info.file_size > MAX_MEMBER_SIZE:
                raise BackupError(bad + _(" ({name} is too large).").format(name=name))
            try:
                raw = zf.read(name)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise BackupError(f"{bad} ({name}: {exc}).") from None
            data = decode_json(Path(name), raw)
            if not isinstance(data, dict):
                raise BackupError(bad + _(" ({name} holds no store data).").format(name=name))
            _kind, version = schema.file_meta(Path(name), data)
            if version > schema.SCHEMA_VERSION:
                raise BackupError(bad + _(" ({name} was made by a newer version of the app: "
                                          "data format {found}, this version reads up to "
                                          "{supported}).").format(
                    name=name, found=version, supported=schema.SCHEMA_VERSION))
            files[name] = raw
        if "district.json" not in files:
            raise BackupError(bad + _(" (district.json is missing)."))
    return manifest, files


def newest_good(backups: Sequence[BackupInfo]) -> BackupInfo | None:
    """The newest backup that opens and checks out, if any."""
    for info in backups:
        try:
            read_backup(info.path)
        except StoreError:
            continue
        return info
    return None
