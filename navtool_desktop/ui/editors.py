"""Editors several screens share: dates (with "no date"), level combos, combos of long
texts that may shrink, and Ctrl+arrow moves on a view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop import i18n
from navtool_desktop.core.records import DATE_YEARS
from navtool_desktop.i18n import _
from navtool_desktop.ui.charts import choice_name

#: A date edit at this value means "no date".
NO_DATE = QDate(2000, 1, 1)


def to_qdate(value: str) -> QDate:
    return QDate.fromString(value, "yyyy-MM-dd") if value else NO_DATE


def from_qdate(value: QDate) -> str:
    return "" if value == NO_DATE else value.toString("yyyy-MM-dd")


def short_format(locale: QLocale | None = None) -> str:
    """The short date format of the app's language with a four-digit year ("M/d/yyyy" in US
    English, "d/M/yyyy" in Spanish)."""
    fmt = (locale or QLocale(i18n.language())).dateFormat(QLocale.FormatType.ShortFormat)
    return fmt if "yyyy" in fmt else fmt.replace("yy", "yyyy")


def parse_date(text: str, locale: QLocale | None = None) -> QDate | None:
    """A typed date: ISO (2028-06-30, 2028-6-30), its digits alone (20280630) or the local short
    format (6/30/2028 or 6/30/28 in the US, 30/6/2028 in Spanish); None if it is none of them."""
    text = text.strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    local = short_format(locale)
    two_digit = local.replace("yyyy", "yy")
    for fmt in ("yyyy-M-d", local, two_digit):
        day = QDate.fromString(text, fmt)
        if day.isValid():
            return day.addYears(100) if fmt == two_digit and day.year() < 2000 else day  # "28": 2028
    return None


class DateField(QWidget):
    """A date typed as text, with a calendar as a helper (the button, Alt+Down or F4); Up and
    Down move it a day, PgUp and PgDn a month.

    Typing goes into a plain text box and nothing is taken until Enter or leaving the box, so
    the typing speed never matters (review 2026-12-01, finding 6: a date box that took each
    digit as it came gave 2027-02-02 for 20280630). The box takes ISO dates, their digits
    alone and the local short format, and shows every date as ISO. Anything else is refused
    with a message saying how to type it, and the box goes back to the date it had.

    The part of ``QDateEdit`` the screens use: ``date()``, ``setDate()``, ``dateChanged``.
    """

    dateChanged = Signal(QDate)  # QDateEdit's name
    refused = Signal(str)  #: the message shown for a typed text that is no date

    def __init__(self, value: QDate | None = None, *, optional: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.minimum = QDate(DATE_YEARS[0], 1, 1)
        self.maximum = QDate(DATE_YEARS[1], 12, 31)
        self._date = NO_DATE if optional else QDate.currentDate()
        self.problem = ""  #: why the last typed text was refused ("" when it was not)
        self.edit = QLineEdit()
        self.edit.setMaxLength(24)
        self.edit.setPlaceholderText(_("no date") if optional else _("YYYY-MM-DD"))
        self.edit.editingFinished.connect(self.commit)
        self.edit.installEventFilter(self)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2028-06-30") + 24)
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("2028-06-30") * 2)
        self.button = QToolButton()
        self.button.setText("\u25be")  # a small triangle: the calendar opens below
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setToolTip(_("Choose on a calendar (Alt+Down)"))
        self.button.setAccessibleName(_("Calendar"))
        self.button.clicked.connect(self.open_calendar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.setToolTip(_("Type a date such as {iso} or {local}, or choose it on the calendar "
                          "(Alt+Down).").format(iso="2028-06-30",
                                                local=QDate(2028, 6, 30).toString(short_format())))
        self.calendar: QCalendarWidget | None = None
        self._popup: QFrame
        self._forwarding = False
        self.setDate(value if value is not None else self._date)

    # --- QDateEdit's part ---------------------------------------------------------------

    def date(self) -> QDate:
        """The date shown, or the one being typed if it is a date already (a close saves it)."""
        typed = self._read(self.edit.text())
        return typed if typed is not None else self._date

    def setDate(self, value: QDate) -> None:  # QDateEdit's name
        """Show ``value`` (kept within the years a record takes; "no date" if optional)."""
        if self.optional and (value == NO_DATE or not value.isValid()):
            value = NO_DATE
        elif not value.isValid():
            value = self._date
        else:
            value = max(self.minimum, min(self.maximum, value))
        changed = value != self._date
        self._date = value
        self.edit.setText("" if value == NO_DATE else value.toString("yyyy-MM-dd"))
        if changed:
            self.dateChanged.emit(value)

    def minimumDate(self) -> QDate:  # QDateEdit's name
        """The earliest date taken ("no date" itself for an optional field)."""
        return NO_DATE if self.optional else self.minimum

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    # --- typing -------------------------------------------------------------------------

    def _read(self, text: str) -> QDate | None:
        if not text.strip():
            return NO_DATE if self.optional else None
        day = parse_date(text)
        if day is None or not self.minimum <= day <= self.maximum:
            return None
        return day

    def commit(self) -> bool:
        """Take what was typed (Enter, or leaving the box); False and a message if no date."""
        text = self.edit.text()
        day = self._read(text)
        if day is None:
            if not text.strip():
                self.problem = _("A date is needed here. Type one such as {iso}.").format(iso="2028-06-30")
            else:
                self.problem = _("\u201c{text}\u201d is not a date this box takes. Type it as {iso} or "
                                 "{local}; it stays {old}.").format(
                    text=text.strip(), iso="2028-06-30", local=QDate(2028, 6, 30).toString(short_format()),
                    old=self._date.toString("yyyy-MM-dd") if self._date != NO_DATE else _("no date"))
            self.edit.setText("" if self._date == NO_DATE else self._date.toString("yyyy-MM-dd"))
            self.edit.setAccessibleDescription(self.problem)
            if self.isVisible():
                QToolTip.showText(self.edit.mapToGlobal(QPoint(0, self.edit.height())), self.problem, self.edit)
            self.refused.emit(self.problem)
            return False
        self.problem = ""
        self.edit.setAccessibleDescription("")
        self.setDate(day)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys sent to the field itself go to its text box (its focus proxy); keys the box
        leaves (Tab, Escape) go on to the field's parent as usual."""
        if self._forwarding:
            event.ignore()
            return
        self._forwarding = True
        try:
            QApplication.sendEvent(self.edit, event)
        finally:
            self._forwarding = False
        if not event.isAccepted():
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            alt_down = (event.key() == Qt.Key.Key_Down
                        and event.modifiers() & Qt.KeyboardModifier.AltModifier)
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_calendar()
                return True
            steps = {Qt.Key.Key_Up: (1, 0), Qt.Key.Key_Down: (-1, 0),
                     Qt.Key.Key_PageUp: (0, 1), Qt.Key.Key_PageDown: (0, -1)}
            if event.key() in steps and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                if self.commit():  # what was typed first, then a day (or a month) on or back
                    days, months = steps[Qt.Key(event.key())]
                    start = QDate.currentDate() if self._date == NO_DATE else self._date
                    self.setDate(start.addDays(days).addMonths(months))
                return True
        return super().eventFilter(watched, event)

    # --- the calendar -------------------------------------------------------------------

    def open_calendar(self) -> None:
        """The calendar below the box, on the date shown (Enter or a click takes a day, Esc closes)."""
        if not self.isEnabled():
            return
        if self.calendar is None:  # one calendar per field, made when first asked for
            self._popup = QFrame(self, Qt.WindowType.Popup)
            self._popup.setFrameShape(QFrame.Shape.StyledPanel)
            self.calendar = QCalendarWidget(self._popup)
            self.calendar.setDateRange(self.minimum, self.maximum)
            self.calendar.setGridVisible(True)
            box = QVBoxLayout(self._popup)
            box.setContentsMargins(2, 2, 2, 2)
            box.addWidget(self.calendar)
            self.calendar.activated.connect(self._take)
            self.calendar.clicked.connect(self._take)
        shown = self.date()
        self.calendar.setSelectedDate(shown if shown != NO_DATE else QDate.currentDate())
        self._popup.adjustSize()
        self._popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self._popup.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _take(self, day: QDate) -> None:
        self._popup.hide()
        self.problem = ""
        self.setDate(day)
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)


def date_edit(value: str = "", *, optional: bool = False) -> DateField:
    """A date field (:class:`DateField`) on ``value`` (ISO; empty: today, or "no date" if optional)."""
    return DateField(to_qdate(value) if value or optional else QDate.currentDate(), optional=optional)


#: The largest cost a goal or action may carry, in whole dollars.
MAX_COST = 999_999_999


def cost_spin(value: int = 0, accessible: str = "") -> QSpinBox:
    """A cost in whole dollars (0 shows "none given"); typed, or stepped with the arrow keys."""
    spin = QSpinBox()
    spin.setRange(0, MAX_COST)
    spin.setPrefix("$")
    spin.setGroupSeparatorShown(True)
    spin.setSingleStep(100)
    spin.setSpecialValueText(_("none given"))
    spin.setValue(value)
    spin.setAccessibleName(accessible)
    return spin


def iso_dates(text: str) -> tuple[str, ...] | None:
    """Dates typed as ``2027-01-15, 2027-06-15`` (commas, semicolons or spaces between),
    sorted; None if one of them is not a real date in that form."""
    found = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        part = part.strip()
        if not part:
            continue
        day = QDate.fromString(part, "yyyy-MM-dd")
        if not day.isValid() or not DATE_YEARS[0] <= day.year() <= DATE_YEARS[1]:
            return None
        found.append(day.toString("yyyy-MM-dd"))
    return tuple(sorted(set(found)))


def narrow_combo(combo: QComboBox, chars: int = 24) -> QComboBox:
    """Let a combo of long texts shrink: its width no longer follows its longest item."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo


def level_combo(choices: tuple[str, ...], accessible: str) -> QComboBox:
    combo = QComboBox()
    for choice in choices:
        combo.addItem(choice_name(choice), choice)
    combo.setAccessibleName(accessible)
    return combo


class CtrlArrows(QObject):
    """Ctrl+<back key> / Ctrl+<forward key> on a view call ``move(-1)`` / ``move(1)``."""

    def __init__(self, view: QWidget, back: Qt.Key, forward: Qt.Key, move: Callable[[int], Any]) -> None:
        super().__init__(view)
        self._keys = {back: -1, forward: 1}
        self._move = move
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier and event.key() in self._keys:
            self._move(self._keys[Qt.Key(event.key())])
            return True
        return False
