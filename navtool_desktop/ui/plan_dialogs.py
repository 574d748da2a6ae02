"""The plan's action dialog and the progress notes of an action (Set Goals, Learn and Improve)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core.records import (
    ACTION_STATUSES,
    Action,
    ProgressNote,
)
from navtool_desktop.i18n import _
from navtool_desktop.ui.cycle_dialogs import fit_text
from navtool_desktop.ui.editors import cost_spin, date_edit, from_qdate
from navtool_desktop.ui.plan_models import (
    status_name,
)
from navtool_desktop.ui.widgets import plain_label


class ActionDialog(QDialog):
    """Describe an action: what, who (a team member or anyone), when, with what, and its status.

    With the plan's ``period`` (start, end as ISO dates), dates outside it are pointed out
    next to the dates; they are still accepted (a step may begin before the plan does).
    """

    #: The dialog's smallest size: the "What" field holds a whole sentence.
    MIN_WIDTH = 640

    def __init__(self, team: list[str], action: Action | None = None, *, goal_id: str,
                 period: tuple[str, str] | None = None, parent: QWidget | None = None,
                 resources: tuple[str, ...] = (), funding: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Edit action") if action else _("New action"))
        self._action, self._goal_id, self._period = action, goal_id, period
        self.description = QLineEdit(action.description if action else "")
        self.description.setPlaceholderText(_("For example: Run a learning walk in every school"))
        fit_text(self.description, 60)
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.addItems(team)
        self.owner.setCurrentText(action.owner if action else "")
        self.owner.setToolTip(_("Choose someone from the leadership team, or type any name"))
        self.start = date_edit(action.start if action else date.today().isoformat(), optional=True)
        self.due = date_edit(action.due if action else
                             (date.today() + timedelta(days=30)).isoformat(), optional=True)
        self.period_note = plain_label(object_name="formNote")
        self.period_note.setAccessibleName(_("Dates and the plan period"))
        for edit in (self.start, self.due):
            edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            edit.dateChanged.connect(lambda _d: self._check_period())
        self.resources = QLineEdit(action.resources if action else "")
        if resources:  # the framework's helpful resources for the goal's condition
            self.resources.setCompleter(QCompleter(list(resources), self.resources))
            self.resources.setToolTip(_("Helpful resources for this condition:") + "\n" + "\n".join(resources))
        self.cost = cost_spin(action.cost if action else 0, _("Cost of the action"))
        self.cost.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.funding = QLineEdit(action.funding if action else "")
        self.funding.setAccessibleName(_("Funding source"))
        self.funding.setPlaceholderText(_("For example: Title II-A"))
        if funding:  # the sources the plan already names
            sources = QCompleter(list(funding), self.funding)
            sources.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
            self.funding.setCompleter(sources)
        self.status = QComboBox()
        for status in ACTION_STATUSES:
            self.status.addItem(status_name(status), status)
        self.status.setCurrentIndex(ACTION_STATUSES.index(action.status if action else "not_started"))
        self.status.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.problem = plain_label(object_name="formError")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("&What"), self.description)
        form.addRow(_("&Owner"), self.owner)
        form.addRow(_("&Start"), self.start)
        form.addRow(_("&Due"), self.due)
        form.addRow("", self.period_note)
        form.addRow(_("&Resources"), self.resources)
        form.addRow(_("&Cost"), self.cost)
        form.addRow(_("&Funding"), self.funding)
        form.addRow(_("S&tatus"), self.status)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(self.MIN_WIDTH)
        self._check_period()

    def outside_period(self) -> tuple[str, ...]:
        """Which of "start" and "due" fall outside the plan period (none without a period)."""
        if self._period is None:
            return ()
        first, last = self._period
        dates = (("start", from_qdate(self.start.date())), ("due", from_qdate(self.due.date())))
        return tuple(name for name, day in dates if day and not first <= day <= last)

    def _check_period(self) -> None:
        outside = self.outside_period()
        if not outside or self._period is None:
            self.period_note.setText("")
            self.period_note.hide()
            return
        if len(outside) == 2:
            text = _("\u26a0 Both dates are outside the plan period ({first} to {last}). "
                     "They are kept as entered.")
        elif outside[0] == "start":
            text = _("\u26a0 The start date is outside the plan period ({first} to {last}). "
                     "It is kept as entered.")
        else:
            text = _("\u26a0 The due date is outside the plan period ({first} to {last}). "
                     "It is kept as entered.")
        self.period_note.setText(text.format(first=self._period[0], last=self._period[1]))
        self.period_note.show()
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show the wrapped note whole (a dialog's minimum ignores wrapped text)."""
        layout = self.layout()
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else 0
        if need > self.height():
            self.resize(self.width(), need)

    def action(self) -> Action | None:
        """The action as entered, or None (with the problem shown) if it is not valid."""
        start, due = from_qdate(self.start.date()), from_qdate(self.due.date())
        if not self.description.text().strip():
            self.problem.setText(_("Say what the action is."))
            return None
        if start and due and due < start:
            self.problem.setText(_("The due date is before the start date."))
            return None
        fields = {"description": self.description.text().strip(),
                  "owner": self.owner.currentText().strip(), "start": start, "due": due,
                  "resources": self.resources.text().strip(), "status": self.status.currentData(),
                  "cost": self.cost.value(), "funding": self.funding.text().strip()}
        if self._action is not None:
            return self._action.replace(**fields)
        return Action(goal_id=self._goal_id, **fields)

    def accept(self) -> None:
        if self.action() is not None:
            super().accept()


class ProgressNotes(QWidget):
    """The dated progress notes of one action, and a box to add one."""

    added = Signal(object)  # ProgressNote

    def __init__(self, today: Callable[[], date] = date.today, parent: Any = None) -> None:
        super().__init__(parent)
        self._today = today
        self.action_id: str | None = None
        self.title = plain_label(_("Progress notes"), object_name="sectionTitle")
        self.notes = QListWidget()
        self.notes.setAccessibleName(_("Progress notes"))
        self.date = date_edit()
        self.text = QLineEdit()
        self.text.setPlaceholderText(_("What happened? (Enter to add)"))
        self.text.setAccessibleName(_("New progress note"))
        self.text.returnPressed.connect(self.add_note)
        self.add_button = QPushButton(_("Add &note"))
        self.add_button.clicked.connect(self.add_note)
        row = QHBoxLayout()
        row.addWidget(self.date)
        row.addWidget(self.text, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.notes, 1)
        layout.addLayout(row)
        self.show_notes(None, [])

    def show_notes(self, action: Action | None, notes: list[ProgressNote]) -> None:
        self.action_id = action.id if action else None
        self.title.setText(_("Progress notes: {action}").format(action=action.description)
                           if action else _("Progress notes (choose an action)"))
        self.notes.clear()
        if action is not None and self.action_id != getattr(self, "_shown", None):
            self.date.setDate(QDate(self._today()))
        self._shown = self.action_id
        for note in notes:
            self.notes.addItem(QListWidgetItem(f"{note.date}  {note.text}"))
        for w in (self.date, self.text, self.add_button):
            w.setEnabled(action is not None)

    def add_note(self) -> None:
        text = self.text.text().strip()
        if self.action_id is None or not text:
            return
        self.added.emit(ProgressNote(action_id=self.action_id, date=from_qdate(self.date.date()),
                                     text=text))
