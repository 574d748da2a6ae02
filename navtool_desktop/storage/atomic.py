"""Durable file writes (temp file, fsync, atomic replace, fsync the folder) and TinyDB's storage.

This module and :mod:`navtool_desktop.storage.repository` are the only code that touches
the data files. Every write goes through :func:`atomic_write`: a crash or power loss at
any moment leaves either the old file or the new one, never a cut one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from navtool_desktop import fileio
from navtool_desktop.i18n import _
from navtool_desktop.storage.errors import (
    DamagedStoreError,
    PartialWriteError,
    ReadOnlyStoreError,
    StoreError,
    read_failure,
    write_failure,
)
from navtool_desktop.storage.schema import SCHEMA_VERSION, SPLIT_SCHEMA

_BINARY = getattr(os, "O_BINARY", 0)


#: Non-ASCII text is looked for in slices this long (each a small copy, no big buffer).
_SCAN = 1 << 14
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
#: orjson refuses what ``json`` refuses (subclasses, dataclasses, dates: ``json`` decides).
_ORJSON_AS_JSON = (orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS
                   | orjson.OPT_PASSTHROUGH_DATETIME)


def _escape_non_ascii(raw: bytes) -> bytes:
    """UTF-8 JSON with every non-ASCII character as a ``\\uXXXX`` escape (surrogate pairs
    above U+FFFF), exactly as ``json.dumps`` writes them. Outside text JSON is ASCII, so
    each run of non-ASCII bytes is whole characters inside a string.

    Slices that are all ASCII (``bytes.isascii`` runs at C speed) are skipped; the regular
    expression, much slower per byte, only searches the few slices that hold other text.
    """
    view = memoryview(raw)  # pieces of it join without a copy each
    out: list[bytes | memoryview] = []
    pos = 0  # everything before is in ``out``
    for begin in range(0, len(raw), _SCAN):
        start, limit = max(pos, begin), begin + _SCAN
        if start >= limit or raw[start:limit].isascii():
            continue
        while start < limit and (run := _NON_ASCII_RUN.search(raw, start, limit)) is not None:
            end = _NON_ASCII_RUN.match(raw, run.start()).end()  # type: ignore[union-attr]
            out += (view[pos:run.start()],
                    json.dumps(raw[run.start():end].decode("utf-8"))[1:-1].encode("ascii"))
            pos = start = end
    out.append(view[pos:])
    return b"".join(out)


def encode_json(data: Any) -> bytes:
    """JSON as pure ASCII (so valid UTF-8 that any TinyDB opens, whatever its locale).

    The bytes are exactly ``json.dumps(data, ensure_ascii=True, separators=(",", ":"))``
    for the data the store holds (text, integers, true/false, lists, objects), but made by
    orjson, several times faster: a save rewrites its whole cycle file, and encoding was
    most of a save's time. Whatever orjson would write differently goes to ``json``
    instead: what it refuses (integers beyond 64 bits, lone surrogates, keys that are not
    text, nesting deeper than 254) and any ``null`` (orjson writes NaN and Infinity as
    null; the store's records hold neither null nor floats). Other floats come out in
    orjson's shortest form (``1e-7`` where ``json`` writes ``1e-07``): the same number.
    """
    try:
        raw = orjson.dumps(data, option=_ORJSON_AS_JSON)
    except (orjson.JSONEncodeError, TypeError):
        raw = b"null"
    if b"null" in raw:
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    if b"\x7f" in raw:  # DEL is ASCII, but json escapes it (it can only be inside text)
        raw = raw.replace(b"\x7f", b"\\u007f")
    return raw if raw.isascii() else _escape_non_ascii(raw)


def decode_json(path: Path, raw: bytes) -> Any:
    """Parse a store file's bytes; raise :class:`DamagedStoreError` (not set aside yet)."""
    if not raw.strip():
        raise DamagedStoreError(_("{file} is empty.").format(file=path.name), path, "empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DamagedStoreError(_("{file} is not UTF-8 text (wrong encoding).")
                                .format(file=path.name), path, "encoding") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        # Besides bad syntax (JSONDecodeError): an integer with more digits than Python
        # converts (ValueError) or nesting deeper than its recursion limit.
        pos, msg = (exc.pos, exc.msg) if isinstance(exc, json.JSONDecodeError) else (0, "")
        cut = pos >= len(text.rstrip()) - 1 or msg.startswith("Unterminated")
        reason = "cut" if cut and text.lstrip().startswith("{") else "not_json"
        raise DamagedStoreError(_("{file} is not valid data (it may have been cut off or "
                                  "edited by another program).").format(file=path.name),
                                path, reason) from None


def value_bound(raw: bytes) -> int:
    """An upper bound on the JSON values (and object keys) in ``raw``, without parsing it.

    Every value is the top one, the first in its list or object, or follows a comma; so
    there are at most ``1 + count([) + count({) + count(,)`` values, and no more keys.
    Brackets and commas inside strings count too, which only makes the bound larger.
    Counting runs at C speed (about 20 ms for 32 MB) and builds nothing.
    """
    return 1 + raw.count(b"[") + raw.count(b"{") + raw.count(b",")


def read_bytes(path: Path) -> bytes:
    """A whole file; a missing file raises :class:`DamagedStoreError` (reason ``missing``)."""
    try:
        # Not blocking: a named pipe put in a store file's place must not hang the app.
        fd = os.open(path, os.O_RDONLY | _BINARY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise DamagedStoreError(_("{file} is missing.").format(file=path.name), path,
                                "missing") from None
    except OSError as exc:
        raise read_failure(path, exc) from None
    try:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a pipe, a device (/dev/zero), ...
                raise DamagedStoreError(_("{file} is not a regular file.").format(
                    file=path.name), path, "not_json")
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise read_failure(path, exc) from None
    return b"".join(chunks)


def atomic_write(path: Path, data: bytes, previous: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` durably, or raise StoreWriteError leaving it as it was.

    ``previous`` is the file's current content, if known: should syncing the folder fail
    after the replace, it is put back so that a failed save never changes the file.
    """
    existed = previous is not None or path.exists()
    try:
        fileio.replace_file(path, data)
    except OSError as exc:
        raise write_failure(path, exc) from None
    try:
        fileio.fsync_folder(path.parent)
    except OSError as exc:
        # The new content may not be durable: report the save as failed, and undo it so
        # that what is on disk matches what the user was told.
        with contextlib.suppress(OSError):
            if previous is not None:
                fileio.replace_file(path, previous)
                fileio.fsync_folder(path.parent)
            elif not existed:
                os.unlink(path)
        raise write_failure(path, exc) from None


#: A write counter at or above this is no real count (a million saves a day for 2,700 years
#: stays far below); such a counter counts as absent, as in a hostile file.
MAX_GENERATION = 10**15


def is_doc_id(key: str) -> bool:
    """Whether a table key is a TinyDB document id: ASCII digits only (``str.isdigit``
    alone also takes "\u00b2" or other scripts' digits, which ``int`` rejects or reads as
    another id)."""
    return key.isascii() and key.isdigit()


def file_generation(data: Any) -> int:
    """How many times a store file was written (its ``meta`` table's ``generation``; 0 if
    absent, as in files made before it existed)."""
    meta = data.get("meta") if isinstance(data, dict) else None
    doc = meta.get("1") if isinstance(meta, dict) else None
    return valid_generation(doc.get("generation", 0) if isinstance(doc, dict) else 0)


def valid_generation(value: Any) -> int:
    """A write counter as read from a file: a positive int below :data:`MAX_GENERATION`,
    else 0 (absent)."""
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value < MAX_GENERATION
    return value if ok else 0


def bump_generation(data: dict[str, Any], by: int = 1) -> None:
    """Count one more write of a store file (done by every save, see :func:`file_generation`).

    The store generation of a district is the sum over its files, so it grows with every
    save, whatever the clock says; backups record it to tell which holds the newest work.
    """
    meta = data.get("meta")
    doc = meta.get("1") if isinstance(meta, dict) else None
    if isinstance(doc, dict):
        doc["generation"] = file_generation(data) + by


class WriteBatch:
    """Writes to several files that succeed or fail together (an import's cycle files and
    district file): undo in place, needing no room for a copy of the district.

    While the batch is open, each write only goes to a fsynced temp file beside its target;
    the real files are untouched, so a failure (a full disk) discards the temp files and
    nothing has changed. :meth:`commit` then moves every temp file into place, keeping a
    hard link to each old file until all are in, so a failure part-way puts the old files
    back by renaming alone (which needs no free space).

    ``index`` is the file that lists the others (``district.json``): it moves in last,
    so a kill part-way through the moves never leaves it listing a file not yet in place.
    """

    def __init__(self, index: Path | None = None, journal: Path | None = None) -> None:
        self.index = index
        #: Where to note the moves before making them (see :func:`finish_commit`), so that a
        #: kill part-way through them is finished at the next open: all files or none.
        self.journal = journal
        # target -> (its temp file, the old content, whether it existed), in write order
        self.pending: dict[Path, tuple[Path, bytes | None, bool]] = {}

    def stage(self, path: Path, data: bytes, previous: bytes | None) -> None:
        """Write ``data`` to a temp file for ``path``; StoreWriteError leaves nothing new."""
        earlier = self.pending.get(path)
        try:
            tmp = fileio.write_temp(path, data)
        except OSError as exc:
            raise write_failure(path, exc) from None
        if earlier is not None:
            with contextlib.suppress(OSError):
                os.unlink(earlier[0])
            self.pending[path] = (tmp, earlier[1], earlier[2])
        else:
            self.pending[path] = (tmp, previous, previous is not None or path.exists())

    def discard(self) -> None:
        """Remove every temp file: the real files were never touched."""
        for tmp, _previous, _existed in self.pending.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.pending.clear()

    def commit(self) -> None:
        """Move every staged file into place, all or none; StoreWriteError if none moved."""
        kept: list[tuple[Path, Path | None, bytes | None, bool]] = []  # target, old link, ...
        moves = sorted(self.pending.items(), key=lambda item: item[0] == self.index)
        if self.journal is not None:
            try:
                self._note_moves([(tmp, path) for path, (tmp, _prev, _existed) in moves])
            except OSError as exc:
                self.discard()
                raise write_failure(self.journal, exc) from None
        try:
            for path, (tmp, previous, existed) in moves:
                old = _keep_old(path) if existed else None
                kept.append((path, old, previous, existed))
                fileio.replace_with_retry(tmp, path)
            for folder in dict.fromkeys(path.parent for path in self.pending):
                fileio.fsync_folder(folder)
        except OSError as exc:
            undone = _undo(kept)
            self.discard()
            if undone and self.journal is not None:
                with contextlib.suppress(OSError):  # nothing left to finish
                    os.unlink(self.journal)
            if not undone:
                raise PartialWriteError(_(
                    "The import was only partly saved: some files could not be put back "
                    "({reason}). Import the same bundles again once the disk has room "
                    "(importing twice changes nothing else).").format(
                    reason=exc.strerror or exc)) from None
            raise write_failure(path, exc) from None
        for _path, old, _previous, _existed in kept:
            if old is not None:
                with contextlib.suppress(OSError):
                    os.unlink(old)
        self.pending.clear()
        if self.journal is not None:
            with contextlib.suppress(OSError):  # left behind, it only redoes done moves
                os.unlink(self.journal)

    def _note_moves(self, moves: list[tuple[Path, Path]]) -> None:
        """Make the temp files' names durable, then write the journal listing the moves."""
        assert self.journal is not None
        base = self.journal.parent
        for folder in dict.fromkeys(tmp.parent for tmp, _path in moves):
            fileio.fsync_folder(folder)
        note = {"moves": [[tmp.relative_to(base).as_posix(), path.relative_to(base).as_posix()]
                          for tmp, path in moves]}
        fileio.write_file(self.journal, encode_json(note))


def _keep_old(path: Path) -> Path | None:
    """A second name for ``path``'s current file (a hard link: no data is copied)."""
    old = path.parent / f".{path.name}.old-{os.getpid()}{fileio.TEMP_SUFFIX}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(old)
    try:
        os.link(path, old)
    except OSError:
        return None  # no hard links here: the old bytes held in memory are written back
    return old


def _undo(kept: list[tuple[Path, Path | None, bytes | None, bool]]) -> bool:
    """Put back the old files, newest change first; whether all of them are back.

    It stops at the first file it cannot put back, so the files still changed are always
    the first ones moved: an order in which each file moves after those it names (a
    cycle's parts before its file, the cycle files before ``district.json``) then never
    leaves a file naming one that is not there.
    """
    for path, old, previous, existed in reversed(kept):
        try:
            if old is not None:
                fileio.replace_with_retry(old, path)
            elif previous is not None:
                fileio.replace_file(path, previous)
            elif not existed:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
            else:
                return False
            fileio.fsync_folder(path.parent)
        except OSError:
            return False
    return True


#: What one write changed: whether any table but ``ratings`` did, and the ``ratings``
#: document ids added, changed or removed (see :meth:`CycleStorage.expect`).
Changed = tuple[bool, frozenset[str]]


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads strictly and writes atomically (never in place).

    Unlike TinyDB's ``JSONStorage`` it never creates a missing file, never reads an empty
    or broken one as an empty database (it raises :class:`DamagedStoreError`), always
    uses UTF-8, and keeps the last data read or written in memory so an update costs one
    write, not a read and a write. The process holds the data folder's lock, so no one
    else changes the file meanwhile. A failed write forgets that copy, so the next read
    sees the file as it is on disk.
    """

    def __init__(self, path: str | Path, read_only: bool = False,
                 guard: Callable[[], None] | None = None,
                 batch: Callable[[], WriteBatch | None] | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        #: Runs before every write and raises to refuse it (the data folder's lock check).
        self.guard = guard
        self.batch = batch  # the open WriteBatch of the district this file belongs to, if any
        self._data: dict[str, Any] | None = None
        self._raw: bytes | None = None

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            raw = read_bytes(self.path)
            data = decode_json(self.path, raw)
            if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
                raise DamagedStoreError(_("{file} does not hold Navigation Tool data.")
                                        .format(file=self.path.name), self.path, "not_json")
            self._data, self._raw = data, raw
            self._joined(data)
        return self._data

    def _joined(self, data: dict[str, Any]) -> None:
        """After a fresh read: join in what is kept in other files (see :class:`CycleStorage`)."""

    def expect(self, changed: Changed | None) -> None:
        """What the next :meth:`write` changes (a cycle file writes only those parts)."""

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            self._data = None
            raise ReadOnlyStoreError(_("This data is open read-only; the change was not saved."))
        if self._in_parts(data):
            return
        previous = self._raw
        self._data = self._raw = None  # forget first: on failure, re-read the file
        if self.guard is not None:
            self.guard()
        bump_generation(data)
        raw = encode_json(data)
        if self._into_parts(data, raw, previous):
            return
        self._put(raw, previous)
        self._data, self._raw = data, raw

    def _in_parts(self, data: dict[str, Any]) -> bool:
        """Write ``data`` if it is kept in parts (see :class:`CycleStorage`); whether it was."""
        return False

    def _into_parts(self, data: dict[str, Any], raw: bytes, previous: bytes | None) -> bool:
        """Write ``data`` in parts instead, when ``raw`` (it, encoded) is too large."""
        return False

    def _put(self, raw: bytes, previous: bytes | None) -> None:
        batch = self.batch() if self.batch is not None else None
        if batch is not None:
            batch.stage(self.path, raw, previous)
        else:
            atomic_write(self.path, raw, previous)

    def replace_all(self, data: dict[str, Any]) -> None:
        """Write a whole new content (creating the file if needed) in one atomic step."""
        self.write(data)

    def adopt(self, data: dict[str, Any]) -> None:
        """Use ``data`` as the content without writing it (an upgrade held in memory)."""
        self._data = data

    def forget(self) -> None:
        """Drop the in-memory copy (after a failed TinyDB update, or to free memory)."""
        self._data = self._raw = None

    def close(self) -> None:
        self.forget()


# --- cycles kept in parts ------------------------------------------------------------------

#: A cycle file that would be larger than this is kept in parts (see :class:`CycleStorage`):
#: below it, rewriting the whole file costs under twice the floor (an atomic replace of a
#: small file) on the benchmark's disk; a ten-year district's 60-person cycles are ~0.9 MB.
SPLIT_AT = 256 * 1024
#: The table kept in parts, one file per participant, and the kind of those files.
PARTS_TABLE = "ratings"
PART_KIND = "ratings"
#: A part file's name: the participant's record id (a lowercase UUID4).
_PART_NAME = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")
#: A cycle's commit journal beside its file (see :func:`finish_commit`).
COMMIT_SUFFIX = ".commit.json"


def parts_folder(path: Path) -> Path:
    """Where a cycle file's parts are: ``cycles/<cycle id>/`` beside ``cycles/<cycle id>.json``."""
    return path.with_suffix("")


def commit_journal(path: Path) -> Path:
    return path.with_name(f".{path.stem}{COMMIT_SUFFIX}")


def is_split(data: Any) -> bool:
    """Whether a cycle file's data keeps its ratings in part files: its meta says so, with
    the format version of such files (:data:`~navtool_desktop.storage.schema.SPLIT_SCHEMA`;
    with a later one the file is left to be refused as too new)."""
    meta = data.get("meta") if isinstance(data, dict) else None
    doc = meta.get("1") if isinstance(meta, dict) else None
    return (isinstance(doc, dict) and doc.get("split") is True
            and doc.get("schema") == SPLIT_SCHEMA and not isinstance(doc.get("schema"), bool))


def part_owners(data: dict[str, Any]) -> list[str]:
    """The participants of a cycle file's data that have a part file (by id, sorted)."""
    table = data.get("participants")
    found = {doc.get("id") for doc in table.values() if isinstance(doc, dict)} \
        if isinstance(table, dict) else set()
    return sorted(p for p in found if isinstance(p, str) and _PART_NAME.match(p))


def _slot_order(slot: str) -> tuple[int, int | str]:
    return (0, int(slot)) if is_doc_id(slot) else (1, slot)


class CycleStorage(AtomicJSONStorage):
    """A cycle's TinyDB data, kept in one file or, once large, in parts (format 3).

    A large cycle keeps its ratings in one TinyDB file per participant,
    ``cycles/<cycle id>/<participant id>.json`` (table ``ratings``, under the document ids
    they have in the cycle), beside the cycle file that holds everything else and says so
    in its meta (``"split": true``). Saving a rating rewrites only that participant's file
    (about 15 KB instead of 0.9 MB), as :meth:`expect` tells which parts changed. TinyDB
    above sees one database: :meth:`read` joins the parts in.

    Every file is whole TinyDB; each is written atomically. A write of several files (a
    merge of two participants) goes through a journal (:func:`finish_commit`), parts first
    and the cycle file last: a kill leaves all or none of them. Inside an import's
    :class:`WriteBatch` they are staged in the same order and commit with the import. A part whose
    participant the cycle file does not list is left over from a removal or a write cut
    short, and is not read (and is deleted). Each file counts its own writes; the cycle's
    write count is their sum, so it grows with every write.

    A cycle goes into parts at the write that finds it larger than :data:`SPLIT_AT`: a
    cycle file of format 2 (one file, from before parts, or brought back from a backup,
    which holds each cycle joined, see :func:`read_whole`) is read as it is and split by
    its next save. A rating whose participant is not listed has no part: such a cycle is
    written back into one file rather than lose it.
    """

    def __init__(self, path: str | Path, read_only: bool = False,
                 guard: Callable[[], None] | None = None,
                 batch: Callable[[], WriteBatch | None] | None = None) -> None:
        super().__init__(path, read_only, guard, batch)
        self.parts = parts_folder(self.path)
        self._split = False  # as on disk
        self._head_generation = 0
        self._part_raw: dict[str, bytes] = {}
        self._part_generation: dict[str, int] = {}
        self._slot_owner: dict[str, str] = {}
        self._owner_slots: dict[str, dict[str, None]] = {}
        self._changed: Changed | None = None

    def part_path(self, participant_id: str) -> Path:
        return self.parts / f"{participant_id}.json"

    def _joined(self, data: dict[str, Any]) -> None:
        self._forget_parts()
        self._head_generation = file_generation(data)
        self._split = is_split(data)
        if self._split:
            try:
                self._read_parts(data)
            except BaseException:
                self.forget()
                raise
            meta = data["meta"]["1"]  # above, the cycle is one database of the records' format
            del meta["split"]
            meta["schema"] = SCHEMA_VERSION
            if not self.read_only:
                self._remove_parts(set(self._part_raw))

    def _may_delete(self) -> bool:
        """Whether deleting files is allowed now (the data folder's lock still holds)."""
        try:
            if self.guard is not None:
                self.guard()
        except StoreError:
            return False
        return True

    def _read_parts(self, data: dict[str, Any]) -> None:
        ratings: dict[str, Any] = {}
        for owner in part_owners(data):
            path = self.part_path(owner)
            raw = read_bytes(path)
            part = decode_json(path, raw)
            tables = part.get("meta") if isinstance(part, dict) else None
            meta = tables.get("1") if isinstance(tables, dict) else None
            table = part.get(PARTS_TABLE) if isinstance(part, dict) else None
            if (not isinstance(meta, dict) or meta.get("kind") != PART_KIND
                    or not isinstance(table, dict)):
                raise DamagedStoreError(_("{file} does not hold Navigation Tool data.")
                                        .format(file=path.name), path, "not_json")
            for slot, doc in table.items():
                if (slot in ratings or not isinstance(doc, dict)
                        or doc.get("participant_id") != owner):
                    raise DamagedStoreError(_("{file} holds a rating of another participant, "
                                              "or the same rating twice.").format(
                        file=path.name), path, "not_json")
                ratings[slot] = doc
                self._slot_owner[slot] = owner
            self._part_raw[owner] = raw
            self._part_generation[owner] = file_generation(part)
        data[PARTS_TABLE] = dict(sorted(ratings.items(), key=lambda item: _slot_order(item[0])))
        for slot, owner in self._slot_owner.items():
            self._owner_slots.setdefault(owner, {})[slot] = None
        self._set_generation(data)

    def _remove_parts(self, keep: set[str]) -> None:
        """Delete the parts of participants no longer listed (removed, or a write cut short
        before it listed them): no one's ratings stay on disk after they were removed."""
        if not self._may_delete():
            return
        with contextlib.suppress(OSError):
            for path in self.parts.glob("*.json"):
                if _PART_NAME.match(path.stem) and path.stem not in keep:
                    path.unlink()

    def _set_generation(self, data: dict[str, Any]) -> None:
        meta = data.get("meta")
        doc = meta.get("1") if isinstance(meta, dict) else None
        if isinstance(doc, dict):
            doc["generation"] = self._head_generation + sum(self._part_generation.values())

    def _forget_parts(self) -> None:
        self._part_raw.clear()
        self._part_generation.clear()
        self._slot_owner.clear()
        self._owner_slots.clear()

    def forget(self) -> None:
        super().forget()
        self._forget_parts()
        self._split = False
        self._changed = None

    def expect(self, changed: Changed | None) -> None:
        self._changed = changed

    def fingerprint(self) -> str | None:
        """A hash of the files' bytes as last read or written (see :func:`cycle_fingerprint`)."""
        if self._raw is None:
            return None
        digest = hashlib.sha256(self._raw)
        for owner in sorted(self._part_raw) if self._split else ():
            digest.update(owner.encode("ascii") + self._part_raw[owner])
        return digest.hexdigest()

    def _in_parts(self, data: dict[str, Any]) -> bool:
        changed, self._changed = self._changed, None
        if not self._split:
            return False
        try:
            self._write_parts(data, changed)
        except BaseException:
            self.forget()
            raise
        return True

    def _into_parts(self, data: dict[str, Any], raw: bytes, previous: bytes | None) -> bool:
        if len(raw) <= SPLIT_AT or not self._can_split(data):
            return False
        bump_generation(data, -1)  # kept in parts, which count their own writes
        self._head_generation, self._raw = file_generation(data), previous
        try:
            self._write_parts(data, None)
        except BaseException:
            self.forget()
            raise
        return True

    @staticmethod
    def _can_split(data: dict[str, Any]) -> bool:
        """Whether every rating's participant is listed (else it would have no part)."""
        owners = set(part_owners(data))
        table = data.get(PARTS_TABLE, {})
        return isinstance(table, dict) and all(
            isinstance(doc, dict) and doc.get("participant_id") in owners
            for doc in table.values())

    def _write_parts(self, data: dict[str, Any], changed: Changed | None) -> None:
        ratings: dict[str, Any] = data.setdefault(PARTS_TABLE, {})
        owners = part_owners(data)
        if changed is None or not self._split:
            head, dirty = True, set(owners)
            self._slot_owner.clear()
            self._owner_slots.clear()
            for slot, doc in ratings.items():
                self._own(slot, doc)
        else:
            head, dirty = changed[0], set()
            for slot in changed[1]:
                before = self._slot_owner.pop(slot, None)
                if before is not None:
                    self._owner_slots.get(before, {}).pop(slot, None)
                    dirty.add(before)
                doc = ratings.get(slot)
                if doc is not None:
                    dirty.add(self._own(slot, doc))
        listed = set(owners)
        if any(slots and owner not in listed for owner, slots in self._owner_slots.items()):
            # a rating of someone not listed has no part: the cycle goes back to one file
            previous = self._raw
            self.forget()
            self._raw = previous
            if self.guard is not None:
                self.guard()
            bump_generation(data)
            raw = encode_json(data)
            self._put(raw, previous)
            self._data, self._raw = data, raw
            return
        gone = set(self._part_generation) - listed if head else set()
        if head:
            dirty |= {o for o in owners if o not in self._part_generation}
            for owner in gone:  # their count moves to the head
                self._head_generation += self._part_generation.pop(owner)
                self._part_raw.pop(owner, None)
        dirty &= listed
        extra = file_generation(data) - (self._head_generation + sum(self._part_generation.values()))
        head = head or extra > 0 or not dirty
        files: list[tuple[Path, bytes, bytes | None]] = []
        written: dict[str, tuple[bytes, int]] = {}
        for owner in sorted(dirty):
            generation = self._part_generation.get(owner, 0) + 1
            raw = encode_json({"meta": {"1": {"kind": PART_KIND, "participant": owner,
                                              "generation": generation}},
                               PARTS_TABLE: {s: ratings[s] for s in self._owner_slots.get(owner, {})}})
            files.append((self.part_path(owner), raw, self._part_raw.get(owner)))
            written[owner] = (raw, generation)
        head_raw = self._raw
        head_generation = self._head_generation + (1 + max(extra, 0) if head else 0)
        if head:
            meta = dict(data.get("meta", {}).get("1", {}))
            meta.update(generation=head_generation, split=True, schema=SPLIT_SCHEMA)
            head_raw = encode_json({**data, "meta": {"1": meta}, PARTS_TABLE: {}})
            files.append((self.path, head_raw, self._raw))
        if self.guard is not None:
            self.guard()
        self._store(files)
        for owner, (raw, generation) in written.items():
            self._part_raw[owner], self._part_generation[owner] = raw, generation
        self._head_generation = head_generation
        self._split = True
        self._set_generation(data)
        self._data, self._raw = data, head_raw
        if gone and (self.batch is None or self.batch() is None):  # else at the next read
            self._remove_parts(listed)

    def _own(self, slot: str, doc: Any) -> str:
        owner = doc.get("participant_id") if isinstance(doc, dict) else None
        owner = owner if isinstance(owner, str) else ""
        self._slot_owner[slot] = owner
        self._owner_slots.setdefault(owner, {})[slot] = None
        return owner

    def _store(self, files: list[tuple[Path, bytes, bytes | None]]) -> None:
        """Write the files (parts first, the cycle file last), all or none."""
        if not self.parts.is_dir():
            try:
                self.parts.mkdir()
            except OSError as exc:
                raise write_failure(self.parts, exc) from None
        batch = self.batch() if self.batch is not None else None
        if batch is None and len(files) == 1:
            atomic_write(*files[0])
            return
        own = batch is None
        batch = batch or WriteBatch(self.path, commit_journal(self.path))
        try:
            for path, raw, previous in files:
                batch.stage(path, raw, previous)
        except BaseException:
            if own:
                batch.discard()
            raise
        if own:
            batch.commit()


def finish_commit(journal: Path) -> None:
    """Finish the moves a journal lists (a write of several files cut short by a kill).

    Every temp file it names was complete and durable before the journal was written, so
    moving the ones still there finishes the write; moves already made are not redone.
    Names outside the journal's folder, or not the store's, are ignored.
    """
    base = journal.parent
    try:
        note = decode_json(journal, read_bytes(journal))
    except DamagedStoreError:
        note = {}
    moves = note.get("moves") if isinstance(note, dict) else None
    folders = {base}
    for move in moves if isinstance(moves, list) else ():
        if not (isinstance(move, list) and len(move) == 2
                and all(isinstance(m, str) for m in move)):
            continue
        tmp, target = (base / m for m in move)
        if not (_inside(base, tmp) and _inside(base, target) and tmp.parent == target.parent
                and tmp.name.startswith(f".{target.name}.") and tmp.name.endswith(fileio.TEMP_SUFFIX)
                and target.suffix == ".json"):
            continue
        if tmp.is_file() and not tmp.is_symlink():
            fileio.replace_with_retry(tmp, target)
            folders.add(target.parent)
    for folder in folders:
        fileio.fsync_folder(folder)
    os.unlink(journal)
    fileio.fsync_folder(base)


def _inside(base: Path, path: Path) -> bool:
    return ".." not in path.relative_to(base).parts if path.is_relative_to(base) else False


def read_whole_data(path: Path) -> Any:
    """A store file's content, parsed, as one TinyDB file holds it: a cycle kept in parts is
    joined (its ratings in it, its write count the sum of its files'). Checks and write counts
    read this; :func:`read_whole` gives the bytes."""
    return CycleStorage(path, read_only=True).read()


def read_whole(path: Path) -> bytes:
    """:func:`read_whole_data` as the bytes of one file (any file but a split cycle as it is on
    disk). Backups read this, so a backup holds one file per cycle, as before."""
    storage = CycleStorage(path, read_only=True)
    data = storage.read()
    if not storage._split:
        assert storage._raw is not None
        return storage._raw
    return encode_json(data)


def disk_fingerprint(path: Path) -> str | None:
    """:meth:`CycleStorage.fingerprint` of a cycle as on disk, reading the parts' bytes
    without parsing them; None if a file cannot be read."""
    try:
        raw = read_bytes(path)
        data = decode_json(path, raw)
        digest = hashlib.sha256(raw)
        if is_split(data):
            for owner in part_owners(data):
                digest.update(owner.encode("ascii") + read_bytes(parts_folder(path) / f"{owner}.json"))
    except StoreError:
        return None
    return digest.hexdigest()
