"""Durable file writes shared by the store, the signed PDFs and every export.

A write goes to a temp file beside the target, is flushed and fsynced, then moved into
place with an atomic rename, and the folder is fsynced: a crash at any moment leaves the
old file or the new one, never a cut one. No third-party imports here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

#: Waits between tries when ``os.replace`` is refused (antivirus or an indexer holding the
#: file on Windows); after the last one the error goes to the caller.
REPLACE_RETRY_DELAYS: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 0.6)
TEMP_SUFFIX = ".tmp"
_BINARY = getattr(os, "O_BINARY", 0)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder; NTFS journals the rename itself
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_with_retry(src: str | Path, dst: Path) -> None:
    """``os.replace``, retried briefly while another program holds the file."""
    delays = REPLACE_RETRY_DELAYS
    for delay in (*delays, None):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if delay is None:
                raise
            time.sleep(delay)


def write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new, fsynced temp file beside ``path`` and return its name."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o644)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def replace_file(path: Path, data: bytes) -> None:
    """Atomically replace (or create) ``path`` with ``data``; the folder is not synced."""
    tmp = write_temp(path, data)
    try:
        replace_with_retry(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_file(path: Path | str, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``path`` durably and atomically. Raises OSError (``FileExistsError`` when
    ``overwrite`` is false and the name is taken, even if another program takes it meanwhile).

    Without ``overwrite`` the temp file is hard-linked into place, which fails if the name
    exists; where links are not supported (some USB file systems) the check is made just
    before the rename.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(path)
    if overwrite:
        replace_file(path, data)
    else:
        tmp = write_temp(path, data)
        try:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # no hard links on this file system: check, then rename
                if path.exists():
                    raise FileExistsError(path) from None
                os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    fsync_folder(path.parent)
