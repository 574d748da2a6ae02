"""What phone rating keeps on disk for one cycle, and the lock that lets one server run for it.

Beside the data, not in it (like the results summaries): ``<data>/phones/<district>/<cycle>.json``
holds the PINs (salted scrypt hashes, core/pins.py), the personal codes (PBKDF2 hashes under one salt per
cycle), and the join code, address and port of the last session, so printed slips and chosen
PINs still work after the app restarts. Backups, bundles and checks never see the file: a PIN
hash must not travel to another laptop. It is written only by the single writer (the GUI
thread, or ``navtool serve``'s main loop) and removed when the facilitator ends rating or the
cycle closes.

``<cycle>.lock`` is held (an OS lock, released when the process ends, even if killed) while a
server runs for the cycle, by the app's panel or by ``navtool serve``; a second start is
refused and told where the first one is running.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path
from typing import Any

from navtool_desktop.errors import UserFacingError
from navtool_desktop.i18n import _
from navtool_desktop.storage.repository import PHONE_KEYS

#: Lock files are opened without following a symbolic link (POSIX; Windows has no flag).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: A keys file larger than this is no keys file (a cycle of 500 people is about 100 KB).
MAX_KEYS_BYTES = 2 * 1024 * 1024


class AlreadyRunning(UserFacingError):
    """Phone rating already runs for this cycle (another panel, window or ``navtool serve``)."""


def keys_path(store: Any, cycle_id: str) -> Path:
    """The cycle's keys file: the store knows where (it removes it when the cycle closes or goes)."""
    return Path(store.phone_keys_path(cycle_id))


def load_keys(store: Any, cycle_id: str) -> dict[str, Any]:
    """The kept keys of a cycle; empty when there are none or the file is damaged (people
    then choose their PINs again, and printed codes stop working: nothing worse)."""
    from navtool_desktop.storage import StoreError
    from navtool_desktop.storage.atomic import read_bytes  # not blocking on a named pipe

    path = keys_path(store, cycle_id)
    try:
        if path.stat().st_size > MAX_KEYS_BYTES:
            return {}
        data = json.loads(read_bytes(path).decode("utf-8"))
    except (OSError, StoreError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("cycle") != cycle_id:
        return {}
    return data


def save_keys(store: Any, cycle_id: str, data: dict[str, Any]) -> None:
    """Replace the cycle's keys file durably (writer thread only); raises StoreWriteError."""
    from navtool_desktop.storage.atomic import atomic_write  # storage is below phones; no Qt

    if store.read_only:
        return
    path = keys_path(store, cycle_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps({**data, "cycle": cycle_id}, sort_keys=True).encode("utf-8"))


def forget_keys(store: Any, cycle_id: str) -> None:
    """Rating has ended: the PINs and personal codes of the cycle are gone for good (or a
    StoreWriteError says why they are not)."""
    store.forget_phone_keys(cycle_id, strict=True)


class CycleLock:
    """Held while a server runs for one cycle; :meth:`acquire` refuses a second one."""

    def __init__(self, store: Any, cycle_id: str) -> None:
        self.path = keys_path(store, cycle_id).with_suffix(".lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, title: str) -> None:
        from navtool_desktop.storage.errors import write_failure
        from navtool_desktop.storage.lock import try_lock

        if self._fd is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.is_symlink():  # never ours: opening it would empty the file it names
                self.path.unlink()
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
        except OSError as exc:
            raise write_failure(self.path, exc) from None
        if not try_lock(fd):
            os.close(fd)
            raise AlreadyRunning(running_message(self.path, title))
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # what a killed holder left says nothing now
        self._fd = fd

    def note(self, url: str) -> None:
        """Say where the server listens, for the message a second start shows."""
        if self._fd is None:
            return
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "url": url})
        with contextlib.suppress(OSError):
            os.lseek(self._fd, 0, os.SEEK_SET)
            os.ftruncate(self._fd, 0)
            os.write(self._fd, info.encode("utf-8"))  # Windows: byte 0 stays locked, "{" too

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the descriptor releases the OS lock
            self._fd = None


def _holder(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            data = json.loads(file.read(4096).decode("utf-8") or "{}")
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def running_message(path: Path, title: str) -> str:
    holder = _holder(path)
    where = holder.get("url")
    if isinstance(where, str) and where:
        return _("Phone rating is already running for the cycle \u201c{title}\u201d, at {url} "
                 "(process {pid} on {host}). Use that one, or stop it first.").format(
            title=title, url=where, pid=holder.get("pid", "?"), host=holder.get("host", "?"))
    return _("Phone rating is already running for the cycle \u201c{title}\u201d. Use that one, "
             "or stop it first.").format(title=title)


def running_elsewhere(data_dir: Path) -> list[str]:
    """Messages for every cycle whose phone rating runs now (for ``navtool serve`` when the
    data folder is open in the app): empty when none runs."""
    from navtool_desktop.storage.lock import try_lock

    found = []
    for path in sorted((data_dir / PHONE_KEYS).glob("*/*.lock")):
        try:
            fd = os.open(path, os.O_RDWR | _NOFOLLOW)
        except OSError:
            continue
        try:
            if try_lock(fd):
                continue  # nobody holds it: a stale file
        finally:
            os.close(fd)  # also releases a lock taken just now
        holder = _holder(path)
        if isinstance(holder.get("url"), str):
            found.append(_("Phone rating is already running at {url} (process {pid} on {host}).")
                         .format(url=holder["url"], pid=holder.get("pid", "?"),
                                 host=holder.get("host", "?")))
    return found
