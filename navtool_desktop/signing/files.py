"""Durable, atomic writes of signing output: temp file beside the target, fsync, replace."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from navtool_desktop.i18n import _
from navtool_desktop.signing.errors import SigningError

_BINARY = getattr(os, "O_BINARY", 0)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # a folder cannot be opened on Windows; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_new_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; refuse an existing file unless ``overwrite``.

    Without ``overwrite`` the temp file is hard-linked into place, which fails if the
    name exists even when another program creates it meanwhile; where links are not
    supported (some USB file systems) the check is made just before the rename.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise SigningError(_("{file} already exists; choose another name or allow replacing it.")
                           .format(file=path.name), "exists")
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o644)
    except OSError as exc:
        raise SigningError(_("{file} cannot be written: {error}")
                           .format(file=path.name, error=exc.strerror or exc), "write") from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise SigningError(_("{file} already exists; choose another name or allow replacing it.")
                                   .format(file=path.name), "exists") from None
            except OSError:  # no hard links here: check, then rename
                if path.exists():
                    raise SigningError(_("{file} already exists; choose another name or allow "
                                         "replacing it.").format(file=path.name), "exists") from None
                os.replace(tmp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        raise SigningError(_("{file} cannot be written: {error}")
                           .format(file=path.name, error=exc.strerror or exc), "write") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
