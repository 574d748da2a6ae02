"""Dialogs of Reflect and Listen: a new cycle, its privacy threshold, a participant (new,
edited, merged), a paper tally."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core import disclosure
from navtool_desktop.core.records import (
    MAX_TALLY_COUNT,
    MIN_THRESHOLD,
    RATING_CHOICES,
    ROLE_GROUPS,
    Cycle,
    Participant,
    Rating,
    Tally,
    role_label,
    same_person,
    utc_now,
    version_key,
)
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.ui.editors import date_edit
from navtool_desktop.ui.rating_entry import choice_label
from navtool_desktop.ui.widgets import plain_label

#: Smallest sizes of the dialogs: room for every condition name and a whole placeholder.
NEW_CYCLE_MIN_SIZE = (520, 560)
PARTICIPANT_MIN_WIDTH = 460

def fit_text(edit: QLineEdit, chars: int = 30) -> QLineEdit:
    """Make a line edit at least wide enough for its placeholder and about ``chars`` characters."""
    edit.ensurePolished()  # the stylesheet's font, not the default one
    fm = edit.fontMetrics()
    margins = edit.textMargins()
    room = 2 * edit.style().pixelMetric(edit.style().PixelMetric.PM_DefaultFrameWidth) + 16 \
        + margins.left() + margins.right()
    edit.setMinimumWidth(max(fm.horizontalAdvance(edit.placeholderText()), fm.averageCharWidth() * chars) + room)
    return edit


def fit_list(view: QListWidget) -> None:
    """Size a list so that every row shows whole: no sideways scrolling, every row in view."""
    view.ensurePolished()
    frame = 2 * view.frameWidth()
    scroll = view.style().pixelMetric(view.style().PixelMetric.PM_ScrollBarExtent)
    view.setMinimumWidth(view.sizeHintForColumn(0) + frame + scroll + 8)
    rows = sum(view.sizeHintForRow(n) for n in range(view.count()))
    view.setMinimumHeight(min(rows, 16 * max(view.sizeHintForRow(0), 1)) + frame + 4)


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class NewCycleDialog(QDialog):
    """Title, date and scope (every condition, or the ones ticked)."""

    def __init__(self, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.setWindowTitle(_("New assessment cycle"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(_("For example: Fall retreat 2026"))
        fit_text(self.title)
        self.date = date_edit()
        self.date.setAccessibleName(_("Date"))
        count = len(pack.conditions)
        self.all_conditions = QRadioButton(
            (_("The only condition") if count == 1 else _("All {n} conditions")).format(n=count))
        self.some_conditions = QRadioButton(_("Only the conditions ticked below"))
        self.all_conditions.setChecked(True)
        self.conditions = QListWidget()
        self.conditions.setAccessibleName(_("Conditions in scope"))
        for cond in pack.conditions:
            item = QListWidgetItem(cond.name)
            item.setData(Qt.ItemDataRole.UserRole, cond.id)
            item.setCheckState(Qt.CheckState.Checked if cond.priority else Qt.CheckState.Unchecked)
            self.conditions.addItem(item)
        fit_list(self.conditions)
        self.conditions.setEnabled(False)
        self.some_conditions.toggled.connect(self.conditions.setEnabled)
        self.threshold = threshold_box(MIN_THRESHOLD)
        self.threshold_note = plain_label(object_name="hint")
        self.threshold.valueChanged.connect(self._explain_threshold)
        self._explain_threshold()
        self.error = plain_label(object_name="formError")
        form = QFormLayout()
        form.addRow(_("&Title"), self.title)
        form.addRow(_("&Date"), self.date)
        form.addRow(_("&Privacy: smallest group shown"), self.threshold)
        form.addRow(self.threshold_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.all_conditions)
        layout.addWidget(self.some_conditions)
        layout.addWidget(self.conditions, 1)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self))
        self.setMinimumSize(*NEW_CYCLE_MIN_SIZE)

    def _explain_threshold(self) -> None:
        self.threshold_note.setText(disclosure.rule_text(self.threshold.value()) + " " + _(
            "It can be changed later only by a recorded change that says what it reveals."))

    def scope(self) -> tuple[str, ...] | None:
        if self.all_conditions.isChecked():
            return None
        return tuple(self.conditions.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(self.conditions.count())
                     if self.conditions.item(i).checkState() == Qt.CheckState.Checked)

    def accept(self) -> None:
        if not self.title.text().strip():
            self.error.setText(_("Give the cycle a title."))
            return
        if self.scope() == ():
            self.error.setText(_("Tick at least one condition, or choose all conditions."))
            return
        super().accept()

    def cycle(self) -> Cycle:
        return Cycle(title=self.title.text().strip(), date=self.date.date().toString("yyyy-MM-dd"),
                     scope=self.scope(), framework_id=self.pack.id,
                     framework_version=self.pack.version, threshold=self.threshold.value())


def threshold_box(value: int) -> QSpinBox:
    """A spin box for a privacy threshold: never below :data:`MIN_THRESHOLD`."""
    box = QSpinBox()
    box.setRange(MIN_THRESHOLD, 50)
    box.setValue(max(value, MIN_THRESHOLD))
    box.setSuffix(_(" people"))
    box.setAccessibleName(_("Smallest role group whose counts are shown"))
    return box


class ThresholdDialog(QDialog):
    """A recorded change of a cycle's privacy threshold: who, the new value, what it reveals.

    ``sizes`` and ``total`` are the cycle's head-counts (:func:`disclosure.head_counts`), so
    the dialog can say which groups the change shows or hides before anyone confirms.
    """

    def __init__(self, cycle: Cycle, sizes: dict[str, int], total: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Change the privacy threshold"))
        self._cycle, self._sizes, self._total = cycle, sizes, total
        self.threshold = threshold_box(cycle.threshold)
        self.who = QLineEdit()
        self.who.setPlaceholderText(_("Your name (kept with the change)"))
        fit_text(self.who)
        self.effect = plain_label(object_name="hint")
        self.error = plain_label(object_name="formError")
        self.threshold.valueChanged.connect(self._explain)
        form = QFormLayout()
        form.addRow(_("&New threshold"), self.threshold)
        form.addRow(_("&Changed by"), self.who)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("Now: {rule}").format(rule=disclosure.rule_text(cycle.threshold))))
        layout.addLayout(form)
        layout.addWidget(self.effect)
        layout.addWidget(plain_label(_("The change is recorded with your name and the time, and every "
                                       "screen, report and export of this cycle says so."), object_name="hint"))
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self))
        self.setMinimumWidth(PARTICIPANT_MIN_WIDTH)
        self._explain()

    def reveals(self) -> str:
        return disclosure.change_effect(self._sizes, self._total, self._cycle.threshold,
                                        self.threshold.value(), role_label)

    def _explain(self) -> None:
        if self.threshold.value() == self._cycle.threshold:
            self.effect.setText(_("Choose a different threshold."))
        else:
            self.effect.setText(self.reveals())

    def accept(self) -> None:
        if self.threshold.value() == self._cycle.threshold:
            self.error.setText(_("The threshold is already {n}.").format(n=self._cycle.threshold))
            return
        if not self.who.text().strip():
            self.error.setText(_("Enter your name: the change is recorded with it."))
            return
        super().accept()

    def changed_cycle(self) -> Cycle:
        """The cycle with the new threshold and the change recorded."""
        return self._cycle.with_threshold(self.threshold.value(), by=self.who.text().strip(),
                                          reveals=self.reveals())


class ParticipantDialog(QDialog):
    """A participant: a display name, or an anonymous code (learners often use one).

    Given a participant, the dialog edits it (name, code, role group; the id stays)."""

    def __init__(self, parent: QWidget | None = None, participant: Participant | None = None) -> None:
        super().__init__(parent)
        self._editing = participant
        self.setWindowTitle(_("Edit participant") if participant else _("Add participant"))
        self.name = QLineEdit(participant.name if participant else "")
        self.code = QLineEdit(participant.code if participant else "")
        self.code.setPlaceholderText(_("For example: L-07 (instead of a name)"))
        for edit in (self.name, self.code):
            fit_text(edit)
        self.role = QComboBox()
        for role in ROLE_GROUPS:
            self.role.addItem(role_label(role), role)
        if participant is not None:
            self.role.setCurrentIndex(ROLE_GROUPS.index(participant.role_group))
        self.error = plain_label(object_name="formError")
        form = QFormLayout()
        form.addRow(_("&Name"), self.name)
        form.addRow(_("or anonymous &code"), self.code)
        form.addRow(_("&Role group"), self.role)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self))
        self.setMinimumWidth(PARTICIPANT_MIN_WIDTH)

    def accept(self) -> None:
        if not (self.name.text().strip() or self.code.text().strip()):
            self.error.setText(_("Enter a name or an anonymous code."))
            return
        super().accept()

    def participant(self) -> Participant:
        fields = {"name": self.name.text().strip(), "code": self.code.text().strip(),
                  "role_group": self.role.currentData()}
        if self._editing is not None:
            return self._editing.replace(**fields)
        return Participant(**fields)


class MergeParticipantDialog(QDialog):
    """Choose the participant who is the same person as ``person`` (kept: ``person``)."""

    def __init__(self, person: Participant, others: list[Participant],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Merge participants"))
        self.people = QListWidget()
        self.people.setAccessibleName(_("The same person entered again"))
        for other in sorted(others, key=lambda p: (not same_person(p, person), p.label.casefold())):
            item = QListWidgetItem(participant_text(other))
            item.setData(Qt.ItemDataRole.UserRole, other.id)
            self.people.addItem(item)
        self.people.setCurrentRow(0)
        self.people.itemActivated.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("{person} is the same person as (their ratings join "
                                       "{person}'s; the other entry is removed):").format(
            person=participant_text(person))))
        layout.addWidget(self.people, 1)
        layout.addWidget(_buttons(self))
        self.setMinimumWidth(PARTICIPANT_MIN_WIDTH)

    def chosen(self) -> str | None:
        item = self.people.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


def participant_text(person: Participant) -> str:
    """How a participant is listed: the name or code, and the role group."""
    return f"{person.label}  ·  {role_label(person.role_group)}"


def merge_question(pack: Pack, keep: Participant, drop: Participant,
                   ratings: list[Rating]) -> str:
    """What to ask before merging two participants: whether they are the same person, and
    where their ratings differ (the newer of each pair is kept)."""
    mine = {r.competency_id: r for r in ratings if r.participant_id == keep.id}
    theirs = {r.competency_id: r for r in ratings if r.participant_id == drop.id}
    text = _("Merge \u201c{drop}\u201d into \u201c{keep}\u201d? They are then one person: "
             "every rating is kept, and \u201c{drop}\u201d is removed from the list.").format(
        keep=participant_text(keep), drop=participant_text(drop))
    differ = [cid for cid in mine if cid in theirs and mine[cid].level != theirs[cid].level]
    if differ:
        lines = []
        for cid in differ[:12]:
            newer = theirs[cid] if version_key(theirs[cid]) > version_key(mine[cid]) else mine[cid]
            lines.append(_("{competency}: {a} / {b}; keeps {kept} (the newer)").format(
                competency=pack.competency(cid).name, a=choice_label(mine[cid].level),
                b=choice_label(theirs[cid].level), kept=choice_label(newer.level)))
        if len(differ) > 12:
            lines.append(_("and {n} more").format(n=len(differ) - 12))
        text += "\n\n" + _("Their ratings differ on {n} competencies:").format(n=len(differ))
        text += "\n" + "\n".join(f"  - {line}" for line in lines)
    return text


class TallyDialog(QDialog):
    """Counts from a paper or sticky-dot vote: one number per role group and level.

    Each count is at most :data:`MAX_TALLY_COUNT`. The last column, "in the room", is how
    many of each role group were there (0: not said); it applies to every competency
    entered in the dialog. More votes than people is allowed (someone arrived late, a sheet
    was counted twice?) but warned about as it is typed.
    """

    def __init__(self, pack: Pack, competency_ids: list[str], existing: list[Tally],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Enter a paper tally"))
        self.pack = pack
        self._existing = existing
        self.competency = QComboBox()
        self.competency.setAccessibleName(_("Competency"))
        for cid in competency_ids:
            self.competency.addItem(pack.competency_label(cid), cid)
        self._entered: dict[str, dict[tuple[str, str], int]] = {}
        self._shown: str | None = None
        self.competency.currentIndexChanged.connect(self._load)
        grid = QGridLayout()
        self.spins: dict[tuple[str, str], QSpinBox] = {}
        self.room: dict[str, QSpinBox] = {}
        for col, level in enumerate(RATING_CHOICES, 1):
            grid.addWidget(plain_label(choice_label(level), wrap=False), 0, col)
        grid.addWidget(plain_label(_("In the room"), wrap=False), 0, len(RATING_CHOICES) + 1)
        for row, role in enumerate(ROLE_GROUPS, 1):
            grid.addWidget(plain_label(role_label(role), wrap=False), row, 0)
            for col, level in enumerate(RATING_CHOICES, 1):
                spin = QSpinBox()
                spin.setRange(0, MAX_TALLY_COUNT)
                spin.setAccessibleName(_("{role}, {level}").format(
                    role=role_label(role), level=choice_label(level)))
                spin.valueChanged.connect(self._warn)
                grid.addWidget(spin, row, col)
                self.spins[(role, level)] = spin
            room = QSpinBox()
            room.setRange(0, MAX_TALLY_COUNT)
            room.setSpecialValueText(_("not said"))
            room.setAccessibleName(_("{role}: people in the room").format(role=role_label(role)))
            room.setValue(max((t.people for t in existing if t.role_group == role), default=0))
            room.valueChanged.connect(self._warn)
            grid.addWidget(room, row, len(RATING_CHOICES) + 1)
            self.room[role] = room
        note = plain_label(_("These are counted as votes in the results, marked as a paper tally, "
                             "not as people who rated on this laptop."))
        self.warning = plain_label("", object_name="tallyWarning")
        self.warning.setAccessibleName(_("Tally warning"))
        buttons = _buttons(self)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.competency)
        layout.addLayout(grid)
        layout.addWidget(self.warning)
        layout.addWidget(note)
        layout.addWidget(buttons)
        # type a count, Tab to the next level, Enter to the next role group
        self._keys = _RowKeys(self, [[*(self.spins[(role, level)] for level in RATING_CHOICES), self.room[role]]
                                     for role in ROLE_GROUPS], buttons)
        self._keys.watch()
        self._load()

    def _warn(self) -> None:
        """Say which role groups have more votes than people in the room (never refuses)."""
        over = []
        for role in ROLE_GROUPS:
            votes = sum(self.spins[(role, level)].value() for level in RATING_CHOICES)
            people = self.room[role].value()
            if people and votes > people:
                over.append(_("{role}: {votes} votes, {people} in the room").format(
                    role=role_label(role), votes=votes, people=people))
        self.warning.setText(_("More votes than people in the room ({list}). Check the count; "
                               "it is saved as entered.").format(list="; ".join(over))
                             if over else "")
        self.warning.setVisible(bool(over))

    def _existing_for(self, competency_id: str, role: str) -> Tally | None:
        return next((t for t in self._existing
                     if t.competency_id == competency_id and t.role_group == role), None)

    def _keep_entered(self) -> None:
        """Remember the counts typed for the competency shown, before showing another."""
        if self._shown is not None:
            self._entered[self._shown] = {key: spin.value() for key, spin in self.spins.items()}

    def _load(self) -> None:
        self._keep_entered()
        cid = self.competency.currentData()
        entered = self._entered.get(cid)
        for (role, level), spin in self.spins.items():
            if entered is not None:
                spin.setValue(entered[(role, level)])
            else:
                tally = self._existing_for(cid, role)
                spin.setValue(tally.counts.get(level, 0) if tally else 0)
        self._shown = cid
        self._warn()

    def tallies(self) -> list[Tally]:
        """Every competency's counts entered in this dialog: one tally per role group with
        votes (or that had some before). Switching competencies never drops typed counts."""
        self._keep_entered()
        result = []
        for cid, entered in self._entered.items():
            for role in ROLE_GROUPS:
                counts = {level: entered[(role, level)] for level in RATING_CHOICES}
                people = self.room[role].value()
                old = self._existing_for(cid, role)
                if old is None and not any(counts.values()):
                    continue
                if old is None:
                    result.append(Tally(competency_id=cid, role_group=role, counts=counts,
                                        people=people))
                elif (old.counts, old.people) != (counts, people):
                    result.append(old.replace(counts=counts, people=people, updated=utc_now()))
        return result


def _count(text: str) -> int:
    """A typed count: empty (or anything but digits) is 0."""
    text = text.strip()
    return min(int(text), MAX_TALLY_COUNT) if text.isdigit() else 0


class _RowKeys(QObject):
    """Enter in a count goes to the first count of the next row (the counts left are kept);
    on the last row it goes to the OK (Save) button, where one more Enter saves."""

    def __init__(self, dialog: QDialog, rows: list[list[QWidget]], buttons: QDialogButtonBox,
                 scroll: QScrollArea | None = None) -> None:
        super().__init__(dialog)
        self.rows, self.buttons, self.scroll = rows, buttons, scroll

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(watched, QWidget)):
            self.next_row(watched)
            return True
        return False

    def next_row(self, cell: QWidget) -> None:
        row = next(i for i, line in enumerate(self.rows) if cell in line)
        if row + 1 < len(self.rows):
            target: QWidget = self.rows[row + 1][0]
            if self.scroll is not None:
                self.scroll.ensureWidgetVisible(target)
        else:
            target = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            target.setDefault(True)
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def watch(self) -> None:
        for line in self.rows:
            for cell in line:
                cell.installEventFilter(self)


class SheetTallyDialog(QDialog):
    """A whole paper sheet for one role group: a row per competency, a count per level.

    Type a count, Tab to the next level, Enter to the next competency (the rest of the row
    stays 0). It is the fast way to copy a stack of paper forms already counted by group:
    the counts go in as :class:`Tally` records, as in :class:`TallyDialog`.
    """

    def __init__(self, pack: Pack, competency_ids: list[str], existing: list[Tally],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Enter a paper sheet for one role group"))
        self.pack = pack
        self._existing = existing
        self._ids = list(competency_ids)
        self.role = QComboBox()
        self.role.setAccessibleName(_("Role group"))
        for role in ROLE_GROUPS:
            self.role.addItem(role_label(role), role)
        self.room = QSpinBox()
        self.room.setRange(0, MAX_TALLY_COUNT)
        self.room.setSpecialValueText(_("not said"))
        self.room.setAccessibleName(_("People of this group in the room"))
        form = QFormLayout()
        form.addRow(_("&Role group"), self.role)
        form.addRow(_("&In the room"), self.room)
        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        for col, level in enumerate(RATING_CHOICES, 1):
            grid.addWidget(plain_label(choice_label(level), wrap=False), 0, col)
        self.cells: dict[tuple[str, str], QLineEdit] = {}
        self._rows: list[list[QWidget]] = []
        for row, cid in enumerate(self._ids, 1):
            comp = pack.competency(cid)
            grid.addWidget(plain_label(f"{row}. {comp.name}", wrap=False), row, 0)
            line = []
            for col, level in enumerate(RATING_CHOICES, 1):
                cell = QLineEdit()
                cell.setValidator(QIntValidator(0, MAX_TALLY_COUNT, cell))
                cell.setMaximumWidth(60)
                cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                cell.setAccessibleName(_("{competency}, {level}").format(
                    competency=comp.name, level=choice_label(level)))
                grid.addWidget(cell, row, col)
                self.cells[(cid, level)] = cell
                line.append(cell)
            self._rows.append(line)
        sheet = QWidget()
        sheet.setLayout(grid)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from "In the room" to the counts
        self.scroll.setWidget(sheet)
        # every level column shows; the rows scroll (the dialog stays inside a 1280x720 screen)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setMinimumWidth(sheet.sizeHint().width()
                                    + self.scroll.verticalScrollBar().sizeHint().width() + 4)
        hint = plain_label(_("Type a count, Tab to the next level, Enter to the next competency "
                             "(an empty count is 0). Counted as votes, marked as a paper tally."))
        self.buttons = _buttons(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Save"))
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)
        self._keys = _RowKeys(self, self._rows, self.buttons, self.scroll)
        self._keys.watch()
        room = self.screen().availableGeometry()
        self.resize(self.sizeHint().width(), min(sheet.sizeHint().height() + 200, room.height() - 80))
        self.role.currentIndexChanged.connect(self._load)
        self._load()

    def _existing_for(self, competency_id: str, role: str) -> Tally | None:
        return next((t for t in self._existing
                     if t.competency_id == competency_id and t.role_group == role), None)

    def _load(self) -> None:
        role = self.role.currentData()
        self.room.setValue(max((t.people for t in self._existing if t.role_group == role), default=0))
        for (cid, level), cell in self.cells.items():
            tally = self._existing_for(cid, role)
            count = tally.counts.get(level, 0) if tally else 0
            cell.setText(str(count) if count else "")

    def tallies(self) -> list[Tally]:
        """One tally per competency with votes for the chosen role group (or that had some)."""
        role, people = self.role.currentData(), self.room.value()
        result = []
        for cid in self._ids:
            counts = {level: _count(self.cells[(cid, level)].text()) for level in RATING_CHOICES}
            old = self._existing_for(cid, role)
            if old is None and not any(counts.values()):
                continue
            if old is None:
                result.append(Tally(competency_id=cid, role_group=role, counts=counts, people=people))
            elif ({k: v for k, v in old.counts.items() if v}, old.people) \
                    != ({k: v for k, v in counts.items() if v}, people):
                result.append(old.replace(counts=counts, people=people, updated=utc_now()))
        return result
