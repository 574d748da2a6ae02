"""Passing the laptop: who is rating, "is this you?", the PIN, and the handover summary.

Each step is a fresh widget built when it is shown, so that it speaks the language in force
then: the facilitator's for "Who is rating?" and the confirmation, the participant's own
(chosen on the confirmation) for the PIN and the rating. ``framework.locale.pack_in`` gives
the pack's texts in the participant's language; the ids are the same, so ratings pool.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core.participation import GroupProgress
from navtool_desktop.core.pins import PIN_TRIES, minutes_left, valid_pin
from navtool_desktop.core.records import Participant
from navtool_desktop.framework.search import fold
from navtool_desktop.i18n import LANGUAGES, SOURCE_LANGUAGE, _
from navtool_desktop.storage.errors import StoreError
from navtool_desktop.storage.pins import PinStore
from navtool_desktop.ui.cycle_dialogs import role_label
from navtool_desktop.ui.widgets import plain_label
from navtool_desktop.vocabulary import role_name

#: The size of the name on "Is this you?" (points): about three times the text around it.
NAME_POINTS = 34


def _keys(widget: QWidget, keys: Sequence[Qt.Key], slot: Any) -> None:
    """``keys`` anywhere on ``widget`` (its children included) call ``slot``."""
    for key in keys:
        shortcut = QShortcut(QKeySequence(key), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)


def _enter(widget: QWidget, default: Any) -> None:
    """Enter on ``widget`` presses the button that has the focus (Tab went to it), else does
    ``default``: Enter on "Not me" is never taken for "Yes"."""
    def pressed() -> None:
        focused = widget.focusWidget()
        if isinstance(focused, QPushButton) and focused.isEnabled():
            focused.click()
        else:
            default()

    _keys(widget, ENTER, pressed)


ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RaterPicker(QWidget):
    """"Who is rating?": every participant of the cycle, narrowed as the person types."""

    chosen = Signal(str)  # participant id
    cancelled = Signal()

    def __init__(self, people: Sequence[Participant], parent: Any = None) -> None:
        super().__init__(parent)
        title = plain_label(_("Who is rating?"), object_name="pageTitle")
        hint = plain_label(_("Type a few letters of your name, choose it with the arrow keys and "
                             "press Enter."))
        self.filter = QLineEdit()
        self.filter.setObjectName("whoFilter")
        self.filter.setPlaceholderText(_("Type your name"))
        self.filter.setAccessibleName(_("Find your name"))
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("whoList")
        self.list.setAccessibleName(_("Participants"))
        for person in sorted(people, key=lambda p: (fold(p.label), p.role_group)):
            item = QListWidgetItem(f"{person.label}  ·  {role_label(person.role_group)}")
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, fold(f"{person.name} {person.code}"))
            self.list.addItem(item)
        self.none = plain_label(_("No name matches. Check the spelling, or ask the facilitator to "
                                  "add you."))
        self.none.hide()
        self.choose_button = QPushButton(_("&That's me (Enter)"))
        self.choose_button.setObjectName("primary")
        self.choose_button.clicked.connect(self.choose)
        self.back_button = QPushButton(_("Back to the facilitator (Esc)"))
        self.back_button.clicked.connect(self.cancelled)
        self.filter.textChanged.connect(self.narrow)
        self.filter.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.choose())
        self.list.currentRowChanged.connect(
            lambda _row: self.choose_button.setEnabled(self.chosen_id() is not None))
        _enter(self, self.choose)  # in the name box or the list: the name chosen
        self.filter.returnPressed.connect(self.choose)  # (the shortcut's window is not active)
        _keys(self, (Qt.Key.Key_Escape,), self.cancelled.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.none)
        layout.addLayout(buttons)
        self.narrow("")

    def focus(self) -> None:
        self.filter.setFocus(Qt.FocusReason.OtherFocusReason)

    def visible_rows(self) -> list[int]:
        return [row for row in range(self.list.count()) if not self.list.item(row).isHidden()]

    def narrow(self, text: str) -> None:
        """Show only the names holding every word typed (case and accents ignored)."""
        words = fold(text).split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(not all(w in item.data(Qt.ItemDataRole.UserRole + 1) for w in words))
        rows = self.visible_rows()
        self.none.setVisible(not rows)
        current = self.list.currentRow()
        if not words:
            # nothing typed: no name is chosen yet, so Enter alone never rates as the first row
            # (the trial's "wrong name one keypress away"); Down or a letter chooses one
            self.list.setCurrentRow(-1)
        elif rows and current not in rows:
            self.list.setCurrentRow(rows[0])
        elif not rows:
            self.list.setCurrentRow(-1)
        self.choose_button.setEnabled(self.chosen_id() is not None)

    def _move(self, step: int) -> None:
        rows = self.visible_rows()
        if not rows:
            return
        current = self.list.currentRow()
        at = rows.index(current) if current in rows else (-1 if step > 0 else len(rows))
        self.list.setCurrentRow(rows[max(0, min(len(rows) - 1, at + step))])
        self.choose_button.setEnabled(self.chosen_id() is not None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the name box move through the list (typing stays in the box)."""
        if watched is self.filter and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            steps = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}
            if event.key() in steps:
                self._move(steps[Qt.Key(event.key())])
                return True
        return super().eventFilter(watched, event)

    def chosen_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and not item.isHidden() else None

    def choose(self) -> None:
        pid = self.chosen_id()
        if pid is not None:
            self.chosen.emit(pid)


class ConfirmRater(QWidget):
    """"Is this you?" with the name in large type, and the language to rate in."""

    confirmed = Signal(str)  # the language chosen ("en", "es")
    rejected = Signal()

    def __init__(self, person: Participant, language: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.person = person
        question = plain_label(_("Is this you?"), object_name="pageTitle")
        self.name = plain_label(person.label, object_name="raterName")
        # large enough to read from across a table; a style of its own, so no theme shrinks it
        self.name.setStyleSheet(f"font-size: {NAME_POINTS}pt; font-weight: 700; color: #0b3c5d;")
        self.name.setAccessibleName(_("Your name"))
        role = plain_label(role_label(person.role_group))
        role.setObjectName("definition")
        # one label in both languages: the person may not read the facilitator's
        language_label = QLabel(_("&Language / Idioma:"))
        self.languages = QButtonGroup(self)
        choices = QHBoxLayout()
        choices.addWidget(language_label)
        self.language_buttons: dict[str, QRadioButton] = {}
        for code, native in LANGUAGES.items():
            button = QRadioButton(native)
            button.setProperty("language", code)
            button.setChecked(code == language)
            self.languages.addButton(button)
            self.language_buttons[code] = button
            choices.addWidget(button)
        choices.addStretch(1)
        language_label.setBuddy(self.language_buttons.get(language) or next(iter(self.language_buttons.values())))
        self.yes_button = QPushButton(_("&Yes, that's me (Enter)"))
        self.yes_button.setObjectName("primary")
        self.yes_button.clicked.connect(self.confirm)
        self.no_button = QPushButton(_("&Not me (Esc)"))
        self.no_button.clicked.connect(self.rejected)
        _enter(self, self.confirm)
        _keys(self, (Qt.Key.Key_Escape,), self.rejected.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.yes_button)
        buttons.addWidget(self.no_button)
        buttons.addStretch(1)
        center = Qt.AlignmentFlag.AlignHCenter
        for label in (question, self.name, role):
            label.setAlignment(center)
        choices.insertStretch(0, 1)
        buttons.insertStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(question)
        layout.addWidget(self.name)
        layout.addWidget(role)
        layout.addSpacing(16)
        layout.addLayout(choices)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addStretch(2)

    def focus(self) -> None:
        checked = self.languages.checkedButton()
        (checked or self.yes_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def language(self) -> str:
        checked = self.languages.checkedButton()
        return str(checked.property("language")) if checked is not None else SOURCE_LANGUAGE

    def confirm(self) -> None:
        self.confirmed.emit(self.language())


class PinPage(QWidget):
    """The person's PIN: typed to come back, or chosen (optional) on their first turn."""

    passed = Signal()
    cancelled = Signal()

    def __init__(self, pins: PinStore, cycle_id: str, person: Participant, parent: Any = None) -> None:
        super().__init__(parent)
        self._pins, self._cycle_id, self.person = pins, cycle_id, person
        self.setting = not pins.has_pin(cycle_id, person.id)
        digits = QRegularExpressionValidator(r"[0-9]{0,4}")
        self.pin = QLineEdit()
        self.pin.setObjectName("pinBox")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(4)
        self.pin.setValidator(digits)
        self.pin.setMaximumWidth(160)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("pinRepeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setMaxLength(4)
        self.repeat.setValidator(QRegularExpressionValidator(r"[0-9]{0,4}"))
        self.repeat.setMaximumWidth(160)
        self.message = plain_label(object_name="formError")
        self.message.setAccessibleName(_("Message"))
        self.go_button = QPushButton()
        self.go_button.setObjectName("primary")
        self.go_button.clicked.connect(self.submit)
        self.skip_button = QPushButton(_("Start &without a PIN"))
        self.skip_button.clicked.connect(self.passed)
        self.back_button = QPushButton(_("&Not me (Esc)"))
        self.back_button.clicked.connect(self.cancelled)
        name = plain_label(person.label, object_name="pageTitle")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(name)
        if self.setting:
            self.pin.setAccessibleName(_("New PIN"))
            self.repeat.setAccessibleName(_("New PIN again"))
            layout.addWidget(plain_label(_(
                "Choose a 4-digit PIN if you want one (optional). Then only you can open your "
                "ratings again on this laptop. If you forget it, the facilitator can clear it.")))
            first = QLabel(_("&PIN:"))
            first.setBuddy(self.pin)
            again = QLabel(_("&Again:"))
            again.setBuddy(self.repeat)
            row = QHBoxLayout()
            for widget in (first, self.pin, again, self.repeat):
                row.addWidget(widget)
            row.addStretch(1)
            layout.addLayout(row)
            self.go_button.setText(_("&Keep this PIN and start (Enter)"))
        else:
            self.pin.setAccessibleName(_("Your PIN"))
            self.repeat.hide()
            self.skip_button.hide()
            label = QLabel(_("Type your &PIN to open your ratings:"))
            label.setBuddy(self.pin)
            row = QHBoxLayout()
            row.addWidget(label)
            row.addWidget(self.pin)
            row.addStretch(1)
            layout.addLayout(row)
            self.go_button.setText(_("&Open my ratings (Enter)"))
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        for button in (self.go_button, self.skip_button, self.back_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)
        _enter(self, self.submit)
        _keys(self, (Qt.Key.Key_Escape,), self.cancelled.emit)
        self._show_lock()

    def focus(self) -> None:
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_lock(self) -> bool:
        """Say so and refuse input while this name is locked; True when locked."""
        held = not self.setting and self._pins.needs_facilitator(self._cycle_id, self.person.id)
        wait = 0.0 if self.setting or held else self._pins.locked_for(self._cycle_id, self.person.id)
        self.pin.setEnabled(not (wait or held))
        self.go_button.setEnabled(not (wait or held))
        if held:
            self.message.setText(_("Too many wrong PINs for this name. Only the facilitator can open it "
                                   "now, by clearing its PIN; then choose a new one."))
        elif wait:
            self.message.setText(_("Too many wrong PINs. Try again in {minutes} minutes, or ask the "
                                   "facilitator.").format(minutes=minutes_left(wait)))
        return bool(wait or held)

    def submit(self) -> None:
        pin = self.pin.text()
        if self.setting and not self.repeat.text() and self.pin.hasFocus() and valid_pin(pin):
            self.repeat.setFocus(Qt.FocusReason.OtherFocusReason)  # Enter after the PIN: type it again
            return
        if not valid_pin(pin):
            self.message.setText(_("The PIN is four digits."))
            self.focus()
            return
        try:
            if self.setting:
                if self.repeat.text() != pin:
                    self.message.setText(_("The two PINs are not the same. Type it twice, the same."))
                    self.repeat.clear()
                    self.repeat.setFocus(Qt.FocusReason.OtherFocusReason)
                    return
                self._pins.set_pin(self._cycle_id, self.person.id, pin)
                self.passed.emit()
                return
            if self._show_lock():
                return
            if self._pins.check(self._cycle_id, self.person.id, pin):
                self.passed.emit()
                return
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        self.pin.clear()
        if not self._show_lock():
            failures = self._pins.wrong_tries(self._cycle_id, self.person.id)
            self.message.setText(_("That PIN is not right. {n} more tries before this name is locked "
                                   "for a while.").format(n=max(PIN_TRIES - failures, 1)))
            self.focus()


def _names(names: Sequence[str]) -> str:
    return html.escape(", ".join(names)) if names else "\u2014"


def progress_html(progress: Sequence[GroupProgress]) -> str:
    """Who has finished, started or not started, by role group: names and counts, no levels."""
    if not progress:
        return ""
    rows = []
    for group in progress:
        name = role_name(group.role_group, plural=True)
        head = _("{group}: {finished} finished · {started} started · {waiting} not started").format(
            group=name[:1].upper() + name[1:], finished=len(group.finished),
            started=len(group.started), waiting=len(group.not_started))
        rows.append(f"<p><b>{html.escape(head)}</b><br>"
                    f"{html.escape(_('Finished:'))} {_names(group.finished)}<br>"
                    f"{html.escape(_('Started:'))} {_names(group.started)}<br>"
                    f"{html.escape(_('Not started:'))} {_names(group.not_started)}</p>")
    return "".join(rows)


def progress_view(text: str) -> QScrollArea:
    """The progress text in a scroll area (a large room's names never push the buttons away)."""
    label = QLabel(text)
    label.setObjectName("handoverProgress")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(label)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return scroll


__all__ = ["ConfirmRater", "PinPage", "RaterPicker", "progress_html", "progress_view"]
