"""Writing signed PDFs: durable and atomic, and never over an existing file unless asked."""

from __future__ import annotations

from pathlib import Path

from navtool_desktop import fileio
from navtool_desktop.i18n import _
from navtool_desktop.signing.errors import SigningError


def write_new_file(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; refuse an existing file unless ``overwrite``."""
    path = Path(path)
    try:
        fileio.write_file(path, data, overwrite=overwrite)
    except FileExistsError:
        raise SigningError(_("{file} already exists; choose another name or allow replacing it.")
                           .format(file=path.name), "exists") from None
    except OSError as exc:
        raise SigningError(_("{file} cannot be written: {error}")
                           .format(file=path.name, error=exc.strerror or exc), "write") from None


def is_signed_pdf(path: Path) -> bool:
    """Whether ``path`` is a PDF holding at least one signature (its signed byte ranges)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    return data.startswith(b"%PDF-") and b"/ByteRange" in data


def read_file(path: Path | str) -> bytes:
    """A whole file, or a :class:`SigningError` saying plainly why not."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SigningError(_("{file} was not found.").format(file=path.name), "missing") from None
    except OSError as exc:
        raise SigningError(_("{file} cannot be read: {error}").format(file=path.name, error=exc.strerror or exc),
                           "unreadable") from None
