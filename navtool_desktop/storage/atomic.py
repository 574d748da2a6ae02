"""Durable file writes (temp file, fsync, atomic replace, fsync the folder) and TinyDB's storage.

This module and :mod:`navtool_desktop.storage.repository` are the only code that touches
the data files. Every write goes through :func:`atomic_write`: a crash or power loss at
any moment leaves either the old file or the new one, never a cut one.
"""

from __future__ import annotations

import contextlib
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
    read_failure,
    write_failure,
)

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

    def __init__(self, index: Path | None = None) -> None:
        self.index = index
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
        try:
            for path, (tmp, previous, existed) in sorted(self.pending.items(),
                                                         key=lambda item: item[0] == self.index):
                old = _keep_old(path) if existed else None
                kept.append((path, old, previous, existed))
                fileio.replace_with_retry(tmp, path)
            for folder in dict.fromkeys(path.parent for path in self.pending):
                fileio.fsync_folder(folder)
        except OSError as exc:
            undone = _undo(kept)
            self.discard()
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
    """Put back the old files, newest change first; whether all of them are back."""
    ok = True
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
                ok = False
            fileio.fsync_folder(path.parent)
        except OSError:
            ok = False
    return ok


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
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            self._data = None
            raise ReadOnlyStoreError(_("This data is open read-only; the change was not saved."))
        previous = self._raw
        self._data = self._raw = None  # forget first: on failure, re-read the file
        if self.guard is not None:
            self.guard()
        bump_generation(data)
        raw = encode_json(data)
        batch = self.batch() if self.batch is not None else None
        if batch is not None:
            batch.stage(self.path, raw, previous)
        else:
            atomic_write(self.path, raw, previous)
        self._data, self._raw = data, raw

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
