"""The UI's one way to save: :func:`try_save`, its read-only guard, and the ``flush`` contract.

Every screen saves through :func:`try_save`::

    saved = try_save(self, lambda: self.store.save_rating(cycle.id, rating),
                     store=self.store, status=self.status, on_error=self.error.emit)
    if saved is None:
        return          # nothing changed on disk: show what the store holds, not the attempt

It runs the save, and on the app's own error (:class:`~navtool_desktop.errors.UserFacingError`:
a full disk, a read-only district, a record that breaks a rule) it shows the store's sentence
once per burst of refusals (one dialog, then the status line), and returns None. Anything
else is a bug and goes on to the app's error handler (``ui/app.report_unexpected``). Widgets
show what the store *returned*, never what they tried to save.

:func:`editable` is the read-only guard for actions (a key, a double-click), not only buttons.

The close contract: a screen with edits that are not on disk yet has ``pending() -> bool``
and ``flush() -> bool`` (save them now; False if something could not be saved), and
``unsaved_text() -> str`` names what would be lost. The main window calls :func:`flush_all`
over every built screen before it closes (no hand-written list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar, runtime_checkable

from PySide6.QtWidgets import QLabel, QWidget

from navtool_desktop.errors import UserFacingError
from navtool_desktop.i18n import _
from navtool_desktop.ui import messages

T = TypeVar("T")

#: The attribute on a widget that remembers the refusal it already showed in a dialog.
_SHOWN = "_try_save_refusal_shown"


@runtime_checkable
class Flushable(Protocol):
    """A screen that may hold edits not yet on disk."""

    def pending(self) -> bool: ...

    def flush(self) -> bool: ...

    def unsaved_text(self) -> str: ...


def read_only_text() -> str:
    return _("This district is open read-only, so nothing can be changed here.")


def editable(store: Any) -> bool:
    """The read-only guard: False when ``store`` (a DistrictStore) cannot be changed."""
    return store is not None and not getattr(store, "read_only", False)


def try_save(parent: QWidget, action: Callable[[], T], *, store: Any = None,
             status: QLabel | None = None, on_error: Callable[[str], None] | None = None,
             on_saved: Callable[[], None] | None = None, title: str | None = None) -> T | None:
    """Run ``action`` (one save); its result, or None when the save was refused.

    ``store``: checked first by the read-only guard (the action does not run). ``status``:
    set to "Saved" or "Not saved: <why>". ``on_error(text)`` / ``on_saved()``: the screen's
    own signals. A refusal shows one dialog (``title``, default "Not saved"); the same
    refusal again, before a save gets through, only updates ``status`` and ``on_error``.
    """
    try:
        if store is not None and not editable(store):
            raise _ReadOnly(read_only_text())
        result = action()
    except UserFacingError as exc:
        text = str(exc)
        if status is not None:
            status.setText(_("Not saved: {why}").format(why=text))
        if on_error is not None:
            on_error(text)
        if getattr(parent, _SHOWN, None) != text:
            setattr(parent, _SHOWN, text)
            messages.warn(parent, title or _("Not saved"), text)
        return None
    setattr(parent, _SHOWN, None)
    if status is not None:
        status.setText(_("Saved"))
    if on_saved is not None:
        on_saved()
    return result


class _ReadOnly(UserFacingError):
    """The read-only guard's refusal (the store itself would refuse the same way)."""


def flush_all(screens: Iterable[object]) -> list[str]:
    """Save what every screen holds; what could not be saved, as one sentence per screen."""
    lost = []
    for screen in screens:
        if isinstance(screen, Flushable) and screen.pending() and not screen.flush():
            lost.append(screen.unsaved_text())
    return lost
