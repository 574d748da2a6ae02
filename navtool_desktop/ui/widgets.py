"""Small helpers shared by the screens: labels whose text format is never guessed, table headers.

Qt guesses whether a label's text is HTML; a name with "<" or "&" would then be misread.
Every label says what it holds: :func:`plain_label` shows text exactly as given;
:func:`rich_label` shows HTML that the caller built from escaped text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QTableView, QTabWidget, QWidget


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


class FlowLayout(QLayout):
    """A row of controls (buttons, mostly) that goes on to a new line when the next one does not
    fit, instead of pushing the screen wider than the window: Spanish labels run about 25%
    longer than English ones, and a school laptop's screen is 1280 px across. Controls keep
    their order (and so the Tab order); a hidden control takes no room. (Qt's "Flow Layout"
    example.)"""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def add(self, *widgets: QWidget) -> FlowLayout:
        for widget in widgets:
            self.addWidget(widget)
        return self

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        items = self._shown()
        margins = self.contentsMargins()
        width = sum(i.sizeHint().width() for i in items) + self._gap * max(0, len(items) - 1)
        height = max((i.sizeHint().height() for i in items), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:
        """As narrow as the widest control, one per line."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _place(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._shown():
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:  # a new line
                x, y, line = area.x(), y + line + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(min(hint.width(), area.width()), hint.height())))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()


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
