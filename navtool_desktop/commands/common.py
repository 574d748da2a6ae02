"""What several subcommands need: the pack, the district to work on, a passphrase file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from navtool_desktop import paths
from navtool_desktop.errors import UserFacingError
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from navtool_desktop.framework import Pack
    from navtool_desktop.storage import DistrictStore, Repository


class CommandError(UserFacingError):
    """A failure to report in one line (exit status 1), never as a traceback."""


def load_default_pack() -> Pack:
    """The shipped framework pack, or a one-line error."""
    from navtool_desktop import i18n
    from navtool_desktop.framework import PackError, load_pack
    from navtool_desktop.framework.locale import load_localized

    try:
        return load_localized(load_pack(paths.default_pack_dir()), i18n.language())
    except PackError as exc:
        raise CommandError(_("the framework pack cannot be loaded: {error}").format(error=exc)) from None


def district_id(repo: Repository, wanted: str | None) -> str:
    """``--district``, else the district used last, else the only one there is."""
    if wanted:
        return wanted
    last = repo.last_district_id()
    if last:
        return last
    districts = repo.list_districts()
    if len(districts) != 1:
        raise CommandError(_("say which district with --district ID ({count} found)")
                           .format(count=len(districts)))
    return str(districts[0].id)


def open_district(repo: Repository, wanted: str | None) -> DistrictStore:
    """Open the district a command works on (no automatic backup: commands are brief)."""
    return repo.open_district(district_id(repo, wanted), auto_backup=False)


def passphrase_file_help(what: str) -> str:
    """The help of a ``--passphrase-file`` option: ``what`` it is for, and how it is read."""
    return _("{what}. The passphrase is the file's whole text (UTF-8, or UTF-16 with a byte "
             "order mark), less a byte order mark at the start and one line end (LF or CRLF) "
             "at the end; - reads one line of standard input").format(what=what)


def passphrase_text(text: str) -> str:
    """A passphrase file's text as the passphrase: without a leading byte order mark (as
    Windows Notepad saves) and one trailing ``\\n``, ``\\r\\n`` or ``\\r``. Nothing else is
    changed: other spaces and line breaks (U+0085, U+2028 too) belong to the passphrase."""
    text = text.removeprefix("\ufeff")
    for end in ("\r\n", "\n", "\r"):
        if text.endswith(end):
            return text[:-len(end)]
    return text


#: A passphrase file is read up to this many bytes (a wrong file, or /dev/zero, is refused).
MAX_PASSPHRASE_FILE = 64 * 1024


def _decode_passphrase(raw: bytes) -> str:
    """UTF-8, or UTF-16 when the file starts with its byte order mark (Notepad's "Unicode";
    bytes FF FE and FE FF never start UTF-8 text)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")  # the mark gives the byte order and is dropped
    return raw.decode("utf-8")


def read_passphrase(path: Path) -> str:
    """The passphrase in a file (or in one line of standard input for ``-``); see
    :func:`passphrase_text`."""
    try:
        if str(path) == "-":
            text = sys.stdin.readline()
        else:
            with path.open("rb") as handle:
                raw = handle.read(MAX_PASSPHRASE_FILE + 1)
            if len(raw) > MAX_PASSPHRASE_FILE:
                raise CommandError(_("the passphrase file {file} is too long to be a passphrase "
                                     "(is it the right file?)").format(file=path))
            text = _decode_passphrase(raw)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise CommandError(_("the passphrase file {file} cannot be read: {error}")
                           .format(file=path, error=reason)) from None
    passphrase = passphrase_text(text)
    if not passphrase:
        raise CommandError(_("the passphrase file {file} is empty").format(file=path))
    return passphrase
