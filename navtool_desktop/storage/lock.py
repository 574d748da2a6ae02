"""One writer per data folder: an OS lock on ``navtool.lock`` that says who holds it.

The lock is taken with ``fcntl.flock`` (POSIX) or ``msvcrt.locking`` (Windows), so the
operating system releases it when the process ends, even if it is killed: a stale lock
file is harmless. The file records the holder's pid, host and time for the message
shown to a second copy of the app.

The lock is on the file's inode, not its name: if another program replaces or removes
``navtool.lock`` while the app runs (a sync client, a clean-up), a second copy could lock
the new file. So :meth:`FolderLock.verify` runs before every save and refuses to write
once the name no longer points at the locked file.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from navtool_desktop.i18n import _
from navtool_desktop.storage.errors import (
    FolderReadOnlyError,
    LockLostError,
    StoreLockedError,
    write_failure,
)

LOCK_NAME = "navtool.lock"
#: Errors that mean the folder cannot be written to at all (not that it is busy).
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


def try_lock(fd: int) -> bool:
    """Take an exclusive OS lock on an open file without waiting; False if another holds it
    (also used for phone rating's per-cycle lock, phones/keys.py)."""
    if sys.platform == "win32":  # what os.name == "nt" says, in a form type checkers know
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def read_holder(folder: Path) -> dict[str, Any]:
    """Who holds (or last held) the lock: pid, host, since; empty if unknown."""
    try:
        with open(folder / LOCK_NAME, "rb") as fh:
            data = json.loads(fh.read(4096).decode("utf-8") or "{}")
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


class FolderLock:
    """An exclusive lock on a data folder, held until :meth:`release`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = None
        self._lost = False

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, since: str) -> None:
        """Take the lock or raise :class:`StoreLockedError` naming the holder.

        Raises :class:`FolderReadOnlyError` if the folder cannot be written to at all.
        """
        path = self.folder / LOCK_NAME
        for _attempt in range(5):
            fd = self._open(path)
            if not try_lock(fd):
                os.close(fd)
                holder = read_holder(self.folder)
                raise StoreLockedError(
                    _("This data folder is already open in another copy of Navigation Tool "
                      "Desktop (process {pid} on {host}, since {since}). Close it there, or "
                      "open the data read-only.").format(
                        pid=holder.get("pid", "?"), host=holder.get("host", "?"),
                        since=holder.get("since", "?")),
                    holder)
            if self._same_file(fd, path):
                break
            os.close(fd)  # replaced between opening and locking: lock the new file
        else:
            raise write_failure(path, OSError(errno.EBUSY, _("the lock file keeps changing")))
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": since})
        try:
            # Byte 0 stays locked on Windows; the text starts with '{' there too.
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, info.encode("utf-8"))
        except OSError:
            pass  # the lock holds even if the note of who holds it cannot be written
        self._fd = fd

    def _open(self, path: Path) -> int:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in _READ_ONLY:
                raise FolderReadOnlyError(
                    _("The data folder {folder} cannot be written to (it is on a read-only "
                      "disk or share, or its permissions do not allow changes). It is open "
                      "read-only: you can look at everything and back it up elsewhere, but "
                      "changes cannot be saved.").format(folder=self.folder)) from None
            raise write_failure(path, exc) from None

    @staticmethod
    def _same_file(fd: int, path: Path) -> bool:
        """Whether ``path`` still names the file open as ``fd`` (same device and inode)."""
        try:
            here, there = os.fstat(fd), os.stat(path)
        except OSError:
            return False
        return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)

    def verify(self) -> None:
        """Before a save: raise :class:`LockLostError` if the lock file was replaced or
        removed since it was locked (another copy could then be writing too)."""
        if self._fd is None:
            return
        if not self._lost and self._same_file(self._fd, self.folder / LOCK_NAME):
            return
        self._lost = True  # for good: the other writer may have saved meanwhile
        raise LockLostError(
            _("Another program replaced or removed the lock file navtool.lock in {folder}, "
              "so another copy of the app may be changing the same data. To keep both "
              "safe, nothing more is saved here: close the app and open it again. Your "
              "last change was not saved.").format(folder=self.folder),
            self.folder / LOCK_NAME)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the OS lock
            self._fd = None
