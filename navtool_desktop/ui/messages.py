"""Message boxes that show their text exactly as given, and the one way to show an error.

Qt's static ``QMessageBox`` functions guess whether a text is HTML, so a cycle called
"<b>Fall</b>" or a file name with "&" would be misread. Every dialog of the app goes
through these functions instead; tests replace them to read what would be shown.

:func:`show_error` is the app's one error policy: the app's own errors
(:class:`~navtool_desktop.errors.UserFacingError`) and the system's file errors are shown
as they are; anything else is a fault of the app, shown as "Something went wrong" with its
traceback appended to :func:`log_path` (the Windows build has no console to print it on).
"""

from __future__ import annotations

import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from navtool_desktop import paths
from navtool_desktop.errors import UserFacingError
from navtool_desktop.i18n import _

Button = QMessageBox.StandardButton
#: The log file's name inside ``<data folder>/logs``.
LOG_NAME = "navtool.log"
#: Past this size (bytes) the log starts again; the previous one is kept as ``navtool.log.1``.
LOG_LIMIT = 1_000_000


def _show(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str,
          buttons: Button = Button.Ok, default: Button = Button.NoButton) -> Button:
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return Button(box.exec())


def warn(parent: QWidget | None, title: str, text: str) -> None:
    _show(QMessageBox.Icon.Warning, parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> None:
    _show(QMessageBox.Icon.Critical, parent, title, text)


def inform(parent: QWidget | None, title: str, text: str) -> None:
    _show(QMessageBox.Icon.Information, parent, title, text)


def ask(parent: QWidget | None, title: str, text: str, *, default_yes: bool = False) -> bool:
    """A yes/no question; True for yes."""
    answer = _show(QMessageBox.Icon.Question, parent, title, text, Button.Yes | Button.No,
                   Button.Yes if default_yes else Button.No)
    return answer == Button.Yes


def log_path() -> Path:
    """Where the tracebacks of unexpected errors are kept: ``<data folder>/logs/navtool.log``."""
    return paths.data_dir() / "logs" / LOG_NAME


def log_fault(exc: BaseException) -> Path | None:
    """Append ``exc`` with its traceback to the log file; the file, or None if it cannot be written.

    The traceback also goes to stderr, for whoever runs the app from a terminal.
    """
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    print(text, file=sys.stderr, end="")
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.stat().st_size > LOG_LIMIT:
            path.replace(path.with_name(LOG_NAME + ".1"))  # one older log is kept, no more
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now(UTC).isoformat(timespec='seconds')}\n{text}")
    except OSError:
        return None
    return path


def is_user_facing(exc: BaseException) -> bool:
    """Whether ``str(exc)`` is meant for the person using the app (the app's own errors, and
    the system's file errors such as a full disk or a removed USB stick)."""
    return isinstance(exc, UserFacingError | OSError) and bool(str(exc))


def error_text(exc: BaseException) -> str:
    """What :func:`show_error` says about ``exc`` (logging it first when it is a fault)."""
    if is_user_facing(exc):
        return str(exc)
    log = log_fault(exc)
    where = (_("Details for support were saved in {file}.").format(file=log) if log is not None
             else _("Details for support could not be saved."))
    return _("The app ran into a problem it did not expect, and the last action may not have "
             "finished. Your saved work is safe.\n\n{where}\n({kind}: {error})").format(
        where=where, kind=type(exc).__name__, error=exc)


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> str:
    """Show ``exc`` in a plain error dialog, by the app's one policy (see the module docstring).

    ``title`` names what did not work ("Exporting the plan: it did not work"); a fault of the
    app is always titled "Something went wrong". Returns the text shown, for a status line.
    """
    text = error_text(exc)
    if not is_user_facing(exc):
        title = _("Something went wrong")
    error(parent, title or _("It did not work"), text)
    return text
