"""Small helpers shared by the screens: labels whose text format is never guessed, table headers.

Qt guesses whether a label's text is HTML; a name with "<" or "&" would then be misread.
Every label says what it holds: :func:`plain_label` shows text exactly as given;
:func:`rich_label` shows HTML that the caller built from escaped text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QTableView, QTabWidget, QWidget


def plain_label(text: str = "", *, object_name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if object_name:
        label.setObjectName(object_name)
    return label


def rich_label(html_text: str = "", *, object_name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html_text)
    label.setWordWrap(wrap)
    if object_name:
        label.setObjectName(object_name)
    return label


def alt_key(text: str) -> str:
    """The keys a control's underlined letter (the ``&`` in its text) answers to: "Alt+T" for
    "Enter paper &tally…", in whatever language the text is; "" when nothing is underlined."""
    plain = text.replace("&&", "")  # "&&" shows one "&" and underlines nothing
    at = plain.find("&")
    letter = plain[at + 1:at + 2] if at >= 0 else ""
    return f"Alt+{letter.upper()}" if letter.strip() else ""


class HeaderedTableModel(QAbstractTableModel):
    """A table model whose columns are a fixed list of headers: subclasses give ``headers()``
    (translated when shown), ``rowCount`` and ``data``."""

    def headers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        headers = self.headers()
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(headers):
            return headers[section]
        return None


class PrintCheck:
    """Warns, as someone types, about characters no font bundled for the PDFs has.

    Installed once on the application (:func:`install_print_check`): every line or text edit
    that gets the focus is watched. The warning is the field's tooltip, shown at once beside
    it; it goes when the characters do. The field keeps the text: it is saved as typed, and
    the PDFs print U+FFFD in place of those characters.
    """

    def __init__(self) -> None:
        self.last_warning = ""

    def focus_changed(self, _old: object, new: object) -> None:
        from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

        if not isinstance(new, (QLineEdit, QPlainTextEdit, QTextEdit)) or new.property("navtoolPrintCheck"):
            return
        if isinstance(new, QLineEdit) and new.echoMode() != QLineEdit.EchoMode.Normal:
            return  # passphrases are never printed
        new.setProperty("navtoolPrintCheck", True)
        new.setProperty("navtoolTooltip", new.toolTip())
        new.textChanged.connect(lambda *_a, field=new: self.check(field))

    def check(self, field: Any) -> str:
        """Warn on ``field`` if its text has unprintable characters; returns the warning."""
        from PySide6.QtWidgets import QLineEdit, QToolTip

        from navtool_desktop.i18n import _
        from navtool_desktop.printable import unprintable

        text = field.text() if isinstance(field, QLineEdit) else field.toPlainText()
        missing = unprintable(text)
        if missing:
            shown = " ".join(f"\u201c{ch}\u201d (U+{ord(ch):04X})" for ch in missing[:5])
            warning = _("These characters will not print in the PDFs (no font bundled with the app "
                        "has them), so the PDFs show \u201c\ufffd\u201d instead: {chars}.").format(chars=shown)
            field.setToolTip(warning)
            if field.hasFocus():  # typed just now: say it beside the field at once
                QToolTip.showText(field.mapToGlobal(field.rect().bottomLeft()), warning, field)
        else:
            warning = ""
            field.setToolTip(str(field.property("navtoolTooltip") or ""))
        self.last_warning = warning
        return warning


def install_print_check(app: Any) -> PrintCheck:
    """Watch every text field of ``app`` for characters the PDFs cannot print."""
    check = PrintCheck()
    app.focusChanged.connect(check.focus_changed)
    app._navtool_print_check = check  # keep it alive with the application
    return check


class _TableKeys(QObject):
    """Ctrl+Tab / Ctrl+Shift+Tab / Ctrl+PgDn / Ctrl+PgUp in a table go to the next or previous tab
    of the tab widget around it (the arrow keys move between cells)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) \
                or not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        step = {Qt.Key.Key_Tab: 1, Qt.Key.Key_PageDown: 1,
                Qt.Key.Key_Backtab: -1, Qt.Key.Key_PageUp: -1}.get(Qt.Key(event.key()), 0)
        parent = watched.parent() if step else None
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parent()
        if parent is None:
            return False
        parent.setCurrentIndex((parent.currentIndex() + step) % parent.count())
        parent.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
        return True


_TABLE_KEYS = _TableKeys()


def tab_leaves_tables(root: QWidget) -> None:
    """In every table under ``root``, Tab and Shift+Tab leave the table (the arrow keys move
    inside it) and Ctrl+Tab switches tabs: a keyboard user is never trapped in a table.
    A cell being edited still goes on to the next cell with Tab."""
    for view in root.findChildren(QTableView):
        view.setTabKeyNavigation(False)
        view.installEventFilter(_TABLE_KEYS)
