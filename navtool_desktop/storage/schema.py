"""The data format version of each store file, and the migrations that upgrade old files.

Every file holds a ``meta`` table with one document: ``{"schema": N, "kind": ...}``.
A migration is a pure function from the whole file's data at version ``N`` to version
``N + 1``; :func:`upgrade` runs them in order. A file newer than :data:`SCHEMA_VERSION`
is refused, never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from navtool_desktop import __version__
from navtool_desktop.core.clock import legacy_version
from navtool_desktop.i18n import _
from navtool_desktop.storage.errors import DamagedStoreError, SchemaTooNewError

#: The format this version of the app writes.
SCHEMA_VERSION = 2
#: The format version the file of a cycle kept in parts declares (its records are of
#: :data:`SCHEMA_VERSION`; see :class:`~navtool_desktop.storage.atomic.CycleStorage`):
#: one more, so that versions of the app from before parts refuse it ("saved by a newer
#: version") instead of showing the cycle without its ratings. Joined, the cycle reads as
#: :data:`SCHEMA_VERSION`, and backups hold it so. The day SCHEMA_VERSION goes past 2,
#: this goes with it (a migration of the records then rewrites every part too).
SPLIT_SCHEMA = SCHEMA_VERSION + 1
META = "meta"
KINDS: tuple[str, ...] = ("district", "cycle")

Migration = Callable[[str, dict[str, Any]], dict[str, Any]]
#: ``MIGRATIONS[n]`` turns a file of version ``n`` (of the given kind) into version ``n + 1``.
MIGRATIONS: dict[int, Migration] = {}

#: The record tables of each kind of file (tombstones come with version 2).
RECORD_TABLES: dict[str, tuple[str, ...]] = {
    "district": ("district", "cycles", "plans", "goals", "actions", "progress"),
    "cycle": ("participants", "ratings", "responses", "consensus", "tallies"),
}


def _v1_to_v2(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Version 2: every record carries a ``version`` (made from its own saved time, so the
    order of existing data does not change), participants an ``updated`` time, and each
    file a ``tombstones`` table (deleted records)."""
    out = dict(data)
    for table in RECORD_TABLES.get(kind, ()):
        docs = data.get(table)
        if not isinstance(docs, dict):
            continue
        upgraded = {}
        for doc_id, doc in docs.items():
            if isinstance(doc, dict):
                doc = dict(doc)
                if table == "participants" and "updated" not in doc and "created" in doc:
                    doc["updated"] = doc["created"]
                if not doc.get("version"):
                    when = doc.get("updated") or doc.get("created") or ""
                    doc["version"] = legacy_version(when if isinstance(when, str) else "")
            upgraded[doc_id] = doc
        out[table] = upgraded
    out.setdefault("tombstones", {})
    return out


MIGRATIONS[1] = _v1_to_v2


def meta_table(kind: str, version: int | None = None) -> dict[str, dict[str, Any]]:
    """The ``meta`` table of a new file."""
    return {"1": {"schema": SCHEMA_VERSION if version is None else version, "kind": kind,
                  "app": __version__}}


def file_meta(path: Path, data: dict[str, Any]) -> tuple[str, int]:
    """The kind and schema version of a file's data, or DamagedStoreError."""
    docs = data.get(META)
    doc = next(iter(docs.values()), None) if isinstance(docs, dict) else None
    if (not isinstance(doc, dict) or doc.get("kind") not in KINDS
            or not isinstance(doc.get("schema"), int) or isinstance(doc.get("schema"), bool)):
        raise DamagedStoreError(_("{file} has no valid format version (meta).")
                                .format(file=path.name), path, "not_json")
    return doc["kind"], doc["schema"]


def upgrade(path: Path, data: dict[str, Any], expected_kind: str) -> tuple[dict[str, Any], bool]:
    """Bring a file's data to :data:`SCHEMA_VERSION`; return it and whether it changed."""
    kind, version = file_meta(path, data)
    if kind != expected_kind:
        raise DamagedStoreError(_("{file} holds {found} data where {expected} data was "
                                  "expected.").format(file=path.name, found=kind,
                                                      expected=expected_kind),
                                path, "not_json")
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(path, version, SCHEMA_VERSION)
    if version < 1:
        raise DamagedStoreError(_("{file} has an impossible format version {version}.")
                                .format(file=path.name, version=version), path, "not_json")
    changed = False
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](kind, data)
        version += 1
        data[META] = meta_table(kind, version)
        changed = True
    return data, changed
