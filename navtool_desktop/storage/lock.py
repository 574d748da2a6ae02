"""One writer per data folder: an OS lock on ``navtool.lock`` that says who holds it.

The lock is taken with ``fcntl.flock`` (POSIX) or ``msvcrt.locking`` (Windows), so the
operating system releases it when the process ends, even if it is killed: a stale lock
file is harmless. The file records the holder's pid, host and time for the message
shown to a second copy of the app.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

from navtool_desktop.i18n import _
from navtool_desktop.storage.errors import StoreLockedError, write_failure

LOCK_NAME = "navtool.lock"


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
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
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class FolderLock:
    """An exclusive lock on a data folder, held until :meth:`release`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, since: str) -> None:
        """Take the lock or raise :class:`StoreLockedError` naming the holder."""
        path = self.folder / LOCK_NAME
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise write_failure(path, exc) from None
        if not _try_lock(fd):
            os.close(fd)
            holder = read_holder(self.folder)
            raise StoreLockedError(
                _("This data folder is already open in another copy of Navigation Tool "
                  "Desktop (process {pid} on {host}, since {since}). Close it there, or "
                  "open the data read-only.").format(
                    pid=holder.get("pid", "?"), host=holder.get("host", "?"),
                    since=holder.get("since", "?")),
                holder)
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": since})
        try:
            # Byte 0 stays locked on Windows; the text starts with '{' there too.
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, info.encode("utf-8"))
        except OSError:
            pass  # the lock holds even if the note of who holds it cannot be written
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the OS lock
            self._fd = None
