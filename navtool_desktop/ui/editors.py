"""Editors several screens share: dates (with "no date"), level combos, combos of long
texts that may shrink, and Ctrl+arrow moves on a view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QSpinBox, QWidget

from navtool_desktop.core.records import DATE_YEARS
from navtool_desktop.i18n import _
from navtool_desktop.ui.charts import choice_name

#: A date edit at this value means "no date".
NO_DATE = QDate(2000, 1, 1)


def to_qdate(value: str) -> QDate:
    return QDate.fromString(value, "yyyy-MM-dd") if value else NO_DATE


def from_qdate(value: QDate) -> str:
    return "" if value == NO_DATE else value.toString("yyyy-MM-dd")


def date_edit(value: str = "", *, optional: bool = False) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDateRange(QDate(DATE_YEARS[0], 1, 1), QDate(DATE_YEARS[1], 12, 31))
    if optional:
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(_("no date"))
    edit.setDate(to_qdate(value) if value or optional else QDate.currentDate())
    return edit


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
