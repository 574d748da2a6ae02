"""Tables of the coach's own work (learning agenda, meetings, support plans) in the workspace file.

They live in the same SQLite file as the imported summaries (one file to back up, one
transaction for a change) and are created on first use through the workspace's connection
(``CREATE TABLE IF NOT EXISTS``), so a workspace made before them opens unchanged. They do not
reference the ``districts`` table: releasing a district's pin forgets its summaries, not the
support the coach planned for it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from navtool_desktop.i18n import _
from navtool_desktop.network.workspace import Workspace, WorkspaceError
from navtool_desktop.signing.sealed import BIDI_CONTROLS

#: A note or a next step is at most this long (a page of text).
MAX_TEXT = 4000
#: A name, a title or "by whom" is at most this long.
MAX_LINE = 200


def ensure(ws: Workspace, schema: str) -> sqlite3.Connection:
    """The workspace's connection, with the tables in ``schema`` made if missing."""
    db = ws._db
    with transaction(ws):
        for statement in filter(str.strip, schema.split(";")):
            db.execute(statement)
    return db


@contextmanager
def transaction(ws: Workspace) -> Iterator[sqlite3.Connection]:
    """One write transaction on the workspace (all of it or none of it, durable on return).

    While an import holds the file (it runs on its own connection, in the background), a change
    waits up to the connection's timeout and is then refused in plain words, changing nothing.
    """
    try:
        with ws._transaction() as db:
            yield db
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise WorkspaceError(_("The network workspace is busy (an import is running); nothing was changed. "
                               "Try again when it has finished.")) from None


def clean_text(value: str, what: str, *, limit: int = MAX_TEXT, required: bool = False) -> str:
    """``value`` trimmed and without bidirectional controls (a network file may not carry them),
    refused when too long, empty (if ``required``) or holding control characters."""
    text = "".join(ch for ch in (value or "") if ch not in BIDI_CONTROLS).strip()
    if required and not text:
        raise WorkspaceError(_("{what} cannot be empty.").format(what=what))
    if len(text) > limit:
        raise WorkspaceError(_("{what} is too long (at most {n} characters).").format(what=what, n=limit))
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise WorkspaceError(_("{what} holds characters that cannot be kept.").format(what=what))
    return text


def clean_day(value: str, what: str, *, required: bool = False) -> str:
    """An ISO date (``2026-03-01``), or empty when allowed."""
    text = (value or "").strip()
    if not text and not required:
        return ""
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else _bad_day(what)
    except ValueError:
        return _bad_day(what)


def _bad_day(what: str) -> str:
    raise WorkspaceError(_("{what} must be a date like 2026-03-01.").format(what=what))
