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


def twin_path(pdf: Path) -> Path:
    """Where a PDF's accessible HTML twin is saved: beside it, the same name ending in .html
    (the PDF prints the twin's SHA-256, see reports.document.twin_checksum)."""
    path = Path(pdf).with_suffix(".html")
    return path if path != Path(pdf) else path.with_name(path.name + ".html")


def carry_twin(source: Path, output: Path) -> Path | None:
    """Copy ``source``'s HTML twin beside ``output`` (a signed copy under another name says
    its twin has its own name); the copy's path, or None when ``source`` has no twin. The
    twin is the same file: signing does not change what the PDF says."""
    twin = twin_path(source)
    target = twin_path(output)
    if Path(source).resolve() == Path(output).resolve() or not twin.is_file():
        return None
    write_new_file(target, read_file(twin), overwrite=True)
    return target
