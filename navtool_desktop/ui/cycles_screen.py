"""Reflect and Listen: cycles, participants, pass-the-laptop rating, paper tallies, questions."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop import i18n
from navtool_desktop.core.participation import rating_progress
from navtool_desktop.core.records import Cycle, Participant, QuestionResponse, Rating, audiences_for, utc_now
from navtool_desktop.framework import Pack
from navtool_desktop.framework.locale import pack_in
from navtool_desktop.i18n import _, plural
from navtool_desktop.storage.errors import StoreError
from navtool_desktop.storage.pins import PinStore
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui import messages
from navtool_desktop.ui.cycle_dialogs import (
    MergeParticipantDialog,
    NewCycleDialog,
    ParticipantDialog,
    SheetTallyDialog,
    TallyDialog,
    merge_question,
    participant_text,
    role_label,
)
from navtool_desktop.ui.rating_entry import RatingPanel
from navtool_desktop.ui.saving import editable, try_save
from navtool_desktop.ui.turns import ConfirmRater, PinPage, RaterPicker, progress_html, progress_view
from navtool_desktop.ui.widgets import FlowLayout, plain_label
from navtool_desktop.vocabulary import cycle_status_name

T = TypeVar("T")


def tally_button_texts() -> tuple[str, str]:
    """The paper-tally buttons' words: one competency's grid, a whole sheet for one role group
    (Help > Keyboard shortcuts names their Alt keys from these, in the app's language)."""
    return _("Enter paper &tally…"), _("Paper sheet for one role &group…")


def competencies_in_scope(pack: Pack, cycle: Cycle) -> list[str]:
    return [c.id for c in pack.competencies if cycle.covers(c.id)]


class QuestionsPanel(QWidget):
    """Optional answers to the guiding questions of one condition, for one participant."""

    def __init__(self, pack: Pack, store: DistrictStore, cycle_id: str, participant: Participant,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._pack, self._store, self._cycle_id, self._participant = pack, store, cycle_id, participant
        self._condition_id = ""
        self._edits: dict[str, QPlainTextEdit] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(600)
        self._timer.timeout.connect(self.save_now)
        self.title = plain_label(object_name="sectionTitle")
        self.body = QVBoxLayout()
        inner = QWidget()
        inner.setLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)

    def setFocus(self, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> None:  # type: ignore[override]
        """Focus goes to the first answer box."""
        first = next(iter(self._edits.values()), None)
        (first or super()).setFocus(reason)

    def show_condition(self, condition_id: str) -> None:
        if condition_id == self._condition_id:
            return
        self.save_now()
        self._condition_id = condition_id
        cond = self._pack.condition(condition_id)
        self.title.setText(_("Guiding questions on {condition} (optional)").format(
            condition=cond.name))
        while self.body.count():
            item = self.body.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        self._edits = {}
        data = self._store.cycle(self._cycle_id)
        answers = {r.question_id: r for r in data.responses.values()
                   if r.participant_id == self._participant.id}
        for audience in audiences_for(self._participant.role_group):
            for q in cond.questions[audience]:
                label = plain_label(q.text)
                edit = QPlainTextEdit(answers[q.id].text if q.id in answers else "")
                edit.setAccessibleName(q.text)
                edit.setMaximumHeight(70)
                edit.setTabChangesFocus(True)
                edit.textChanged.connect(self._timer.start)
                self.body.addWidget(label)
                self.body.addWidget(edit)
                self._edits[q.id] = edit
        self.body.addStretch(1)

    def save_now(self) -> bool:
        """Save the answers typed (raises the store's error when it refuses); True when done."""
        self._timer.stop()
        if not self._edits:
            return True
        data = self._store.cycle(self._cycle_id)
        existing = {r.question_id: r for r in data.responses.values()
                    if r.participant_id == self._participant.id}
        for qid, edit in self._edits.items():
            text = edit.toPlainText()
            old = existing.get(qid)
            if old is not None and old.text != text:
                self._store.save_response(self._cycle_id, old.replace(text=text, updated=utc_now()))
            elif old is None and text.strip():
                self._store.save_response(self._cycle_id, QuestionResponse(
                    participant_id=self._participant.id, question_id=qid, text=text))
        return True


class CyclesScreen(QWidget):
    """Everything of one district's assessment cycles."""

    error = Signal(str)
    saved = Signal()
    #: True while someone rates privately (pass the laptop): nothing else may show.
    private_rating = Signal(bool)

    def __init__(self, pack: Pack, store: DistrictStore, parent: Any = None) -> None:
        super().__init__(parent)
        self.pack, self.store = pack, store
        self.rating_panel: RatingPanel | None = None
        self.questions: QuestionsPanel | None = None
        #: PINs of pass the laptop, on this laptop only (storage/pins.py)
        self.pins = PinStore(store.folder, read_only=store.read_only)
        #: The language the app spoke when the laptop was first passed (the facilitator's),
        #: and the language of the turn under way.
        self.home_language = i18n.language()
        self.turn_language = self.home_language
        #: The step of a turn on screen: who is rating, is this you, the PIN.
        self.turn_step: QWidget | None = None

        self.cycle_list = QListWidget()
        self.cycle_list.setAccessibleName(_("Cycles"))
        self.cycle_list.currentRowChanged.connect(self._show_cycle)
        self.new_cycle_button = QPushButton(_("&New cycle…"))
        self.new_cycle_button.clicked.connect(self.new_cycle)
        left = self.cycles_panel = QWidget()
        left_layout = QVBoxLayout(left)
        cycles_title = QLabel(_("Cycles"))
        cycles_title.setObjectName("sectionTitle")
        left_layout.addWidget(cycles_title)
        left_layout.addWidget(self.cycle_list, 1)
        left_layout.addWidget(self.new_cycle_button)

        # page 0: the cycle and its participants
        self.cycle_title = plain_label(object_name="pageTitle")
        self.cycle_info = plain_label()
        self.participants = QListWidget()
        self.participants.setAccessibleName(_("Participants"))
        self.participants.itemActivated.connect(lambda _item: self.ask_who())
        self.add_participant_button = QPushButton(_("&Add participant…"))
        self.add_participant_button.clicked.connect(self.add_participant)
        self.edit_participant_button = QPushButton(_("Ed&it…"))
        self.edit_participant_button.setToolTip(_("Change the name, code or role group (F2)"))
        self.edit_participant_button.clicked.connect(self.edit_participant)
        self.remove_participant_button = QPushButton(_("Re&move…"))
        self.remove_participant_button.setToolTip(_("Remove the participant and their ratings (Delete)"))
        self.remove_participant_button.clicked.connect(self.remove_participant)
        self.merge_participant_button = QPushButton(_("&Same person as…"))
        self.merge_participant_button.setToolTip(_("Merge two entries of one person"))
        self.merge_participant_button.clicked.connect(lambda: self.merge_participant())
        self.clear_pin_button = QPushButton(_("C&lear PIN…"))
        self.clear_pin_button.setToolTip(_("Clear the PIN of someone who forgot theirs"))
        self.clear_pin_button.clicked.connect(self.clear_pin)
        self.participants.installEventFilter(self)
        self.rate_button = QPushButton(_("&Rate (pass the laptop)"))
        self.rate_button.setObjectName("primary")
        self.rate_button.clicked.connect(self.ask_who)
        tally_text, sheet_text = tally_button_texts()
        self.tally_button = QPushButton(tally_text)
        self.tally_button.clicked.connect(self.enter_tally)
        self.sheet_button = QPushButton(sheet_text)
        self.sheet_button.setToolTip(_("Every competency's counts for one role group, typed with Tab "
                                       "and Enter"))
        self.sheet_button.clicked.connect(self.enter_sheet)
        self.phones_button = QPushButton(_("Rate on &phones…"))
        self.phones_button.clicked.connect(self.rate_on_phones)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.toggle_closed)
        people_buttons = QHBoxLayout()
        for b in (self.add_participant_button, self.edit_participant_button,
                  self.remove_participant_button, self.merge_participant_button, self.clear_pin_button):
            people_buttons.addWidget(b)
        people_buttons.addStretch(1)
        # wraps onto a second line where the words are long (Spanish), never pushing the screen wider
        buttons = FlowLayout().add(self.rate_button, self.tally_button, self.sheet_button, self.phones_button,
                                   self.close_button)
        overview = QWidget()
        ov = QVBoxLayout(overview)
        ov.addWidget(self.cycle_title)
        ov.addWidget(self.cycle_info)
        people = QLabel(_("Participants (press Enter to pass the laptop: each person picks their name)"))
        people.setObjectName("sectionTitle")
        ov.addWidget(people)
        ov.addWidget(self.participants, 1)
        ov.addLayout(people_buttons)
        ov.addLayout(buttons)

        # page 1: rating (built per participant); page 2: hand over
        self.rating_host = QWidget()
        self.rating_layout = QVBoxLayout(self.rating_host)
        self.handover = QWidget()
        hv = QVBoxLayout(self.handover)
        self.handover_text = QLabel()
        self.handover_text.setObjectName("pageTitle")
        self.handover_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.handover_text.setWordWrap(True)
        self.next_button = QPushButton(_("Next person: choose your name (Enter)"))
        self.next_button.setObjectName("primary")
        self.next_button.clicked.connect(self.ask_who)
        self.overview_button = QPushButton(_("&Participant list (facilitator)"))
        self.overview_button.clicked.connect(self.back_to_overview)
        progress_title = QLabel(_("Who has rated so far (no one's answers are shown)"))
        progress_title.setObjectName("sectionTitle")
        self.handover_progress = progress_view("")
        self.handover_progress.setObjectName("handoverProgressArea")
        handover_buttons = QHBoxLayout()
        handover_buttons.addStretch(1)
        handover_buttons.addWidget(self.next_button)
        handover_buttons.addWidget(self.overview_button)
        handover_buttons.addStretch(1)
        hv.addWidget(self.handover_text)
        hv.addLayout(handover_buttons)
        hv.addWidget(progress_title)
        hv.addWidget(self.handover_progress, 1)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.handover)
            enter.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            enter.activated.connect(self.next_button.click)

        # page 3: a step of a turn (who is rating, is this you, the PIN), built per step
        self.turn_host = QWidget()
        self.turn_layout = QVBoxLayout(self.turn_host)
        self.turn_layout.setContentsMargins(0, 0, 0, 0)

        self.pages = QStackedWidget()
        self.pages.addWidget(overview)
        self.pages.addWidget(self.rating_host)
        self.pages.addWidget(self.handover)
        self.pages.addWidget(self.turn_host)
        self.empty = QLabel(_("No cycle yet. Start one with “New cycle…”: give it a title, a date "
                              "and the conditions it covers, then add participants."))
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.right = QStackedWidget()
        self.right.addWidget(self.empty)
        self.right.addWidget(self.pages)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.reload()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """F2 edits the chosen participant, Delete removes them (after asking)."""
        if watched is self.participants and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_F2:
                self.edit_participant()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.remove_participant()
                return True
        return super().eventFilter(watched, event)

    # --- cycles ----------------------------------------------------------------------------

    @property
    def cycle(self) -> Cycle | None:
        item = self.cycle_list.currentItem()
        return self.store.get_cycle(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def reload(self, select: str | None = None) -> None:
        current = select or (self.cycle.id if self.cycle else None)
        self.cycle_list.blockSignals(True)
        self.cycle_list.clear()
        cycles = sorted(self.store.cycles(), key=lambda c: (c.date, c.created), reverse=True)
        for cycle in cycles:
            mark = "" if cycle.status == "open" else "  " + _("(closed)")
            item = QListWidgetItem(f"{cycle.title}{mark}\n{cycle.date}")
            item.setData(Qt.ItemDataRole.UserRole, cycle.id)
            self.cycle_list.addItem(item)
        self.cycle_list.blockSignals(False)
        ids = [c.id for c in cycles]
        self.cycle_list.setCurrentRow(ids.index(current) if current in ids else (0 if ids else -1))
        self._show_cycle()

    def _show_cycle(self, *_args: object) -> None:
        cycle = self.cycle
        self.right.setCurrentWidget(self.pages if cycle else self.empty)
        if cycle is None:
            return
        self.pages.setCurrentIndex(0)
        data = self.store.cycle(cycle.id)
        scope = (_("all conditions") if cycle.scope is None else
                 ", ".join(self.pack.condition(c).name for c in cycle.scope))
        self.cycle_title.setText(cycle.title)
        rated = len({r.participant_id for r in data.ratings.values()})
        people = plural(len(data.participants), _("{n} participant"), _("{n} participants")).format(
            n=len(data.participants))
        tallies = plural(len(data.tallies), _("{n} paper tally"), _("{n} paper tallies")).format(
            n=len(data.tallies))
        self.cycle_info.setText(_("{date} · {status} · scope: {scope} · {people}, {rated} have rated · "
                                  "{tallies}").format(
            date=cycle.date, status=cycle_status_name(cycle.status),
            scope=scope, people=people, rated=rated, tallies=tallies))
        self.participants.clear()
        pinned = self.pins.pinned(cycle.id)
        for p in sorted(data.participants.values(), key=lambda p: p.label.casefold()):
            mark = "  ·  " + _("PIN set") if p.id in pinned else ""
            item = QListWidgetItem(participant_text(p) + mark)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.participants.addItem(item)
        if self.participants.count():
            self.participants.setCurrentRow(0)
        is_open = cycle.status == "open" and not self.store.read_only
        for b in (self.add_participant_button, self.rate_button, self.tally_button, self.sheet_button,
                  self.edit_participant_button, self.remove_participant_button, self.clear_pin_button):
            b.setEnabled(is_open)
        self.merge_participant_button.setEnabled(is_open and len(data.participants) > 1)
        self.close_button.setText(_("&Close cycle") if cycle.status == "open" else _("Re&open cycle"))
        self.close_button.setEnabled(not self.store.read_only)

    def _try(self, action: Callable[[], T]) -> T | None:
        return try_save(self, action, store=self.store, on_error=self.error.emit,
                        on_saved=self.saved.emit)

    def new_cycle(self) -> None:
        dialog = NewCycleDialog(self.pack, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create_cycle(dialog.cycle())

    def create_cycle(self, cycle: Cycle) -> None:
        if self._try(lambda: self.store.create_cycle(cycle)) is not None:
            self.reload(select=cycle.id)

    def rate_on_phones(self) -> None:
        """Open the phone rating panel for the current cycle (ui/phone_panel.py)."""
        from navtool_desktop.ui.phone_panel import PhonePanel

        cycle = self.cycle
        if cycle is None:
            return
        panel = PhonePanel(self.pack, self.store, cycle.id, self)
        panel.saved.connect(self.saved)
        panel.show()

    def toggle_closed(self) -> None:
        cycle = self.cycle
        if cycle is None:
            return
        status = "closed" if cycle.status == "open" else "open"
        if status == "open" and not messages.ask(
                self, _("Reopen the cycle"),
                _("Reopen \u201c{title}\u201d? Its ratings and consensus can then change again, "
                  "here and from bundles.").format(title=cycle.title)):
            return
        self._try(lambda: self.store.save_cycle(cycle.replace(status=status)))
        self.reload()

    def add_participant(self) -> None:
        dialog = ParticipantDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_participant(dialog.participant())

    def save_participant(self, participant: Participant) -> None:
        cycle = self.cycle
        if cycle and self._try(lambda: self.store.save_participant(cycle.id, participant)):
            self._show_cycle()
            self._select_participant(participant.id)

    def _chosen_participant(self) -> Participant | None:
        cycle, item = self.cycle, self.participants.currentItem()
        if cycle is None or item is None or cycle.status != "open" or self.store.read_only:
            return None
        return self.store.cycle(cycle.id).participants.get(item.data(Qt.ItemDataRole.UserRole))

    def _select_participant(self, participant_id: str) -> None:
        for row in range(self.participants.count()):
            if self.participants.item(row).data(Qt.ItemDataRole.UserRole) == participant_id:
                self.participants.setCurrentRow(row)

    def edit_participant(self) -> None:
        """Change the chosen participant's name, code or role group."""
        person = self._chosen_participant()
        if person is None:
            return
        dialog = ParticipantDialog(self, person)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_participant(dialog.participant())

    def remove_participant(self) -> None:
        """Remove the chosen participant with their ratings and answers, after asking."""
        person, cycle = self._chosen_participant(), self.cycle
        if person is None or cycle is None:
            return
        data = self.store.cycle(cycle.id)
        count = sum(1 for r in data.ratings.values() if r.participant_id == person.id)
        if not messages.ask(self, _("Remove participant"), _(
                "Remove \u201c{person}\u201d and their {n} ratings and answers from \u201c{title}"
                "\u201d? Other laptops remove them too when they import this cycle, and no "
                "bundle brings them back.").format(person=participant_text(person), n=count,
                                                   title=cycle.title)):
            return
        self._try(lambda: self.store.delete_participant(cycle.id, person.id))
        self._show_cycle()

    def merge_participant(self, other_id: str | None = None) -> None:
        """The chosen participant and another are the same person: make them one."""
        person, cycle = self._chosen_participant(), self.cycle
        if person is None or cycle is None:
            return
        data = self.store.cycle(cycle.id)
        others = [p for p in data.participants.values() if p.id != person.id]
        if other_id is None:
            dialog = MergeParticipantDialog(person, others, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            other_id = dialog.chosen()
        drop = data.participants.get(other_id or "")
        if drop is None:
            return
        question = merge_question(self.pack, person, drop, list(data.ratings.values()))
        if not messages.ask(self, _("Merge participants"), question):
            return
        if self._try(lambda: self.store.merge_participants(cycle.id, person.id, drop.id)):
            self._show_cycle()
            self._select_participant(person.id)

    def enter_tally(self) -> None:
        cycle = self.cycle
        if cycle is None:
            return
        data = self.store.cycle(cycle.id)
        dialog = TallyDialog(self.pack, competencies_in_scope(self.pack, cycle),
                             list(data.tallies.values()), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            for tally in dialog.tallies():
                self._try(lambda t=tally: self.store.save_tally(cycle.id, t))
            self._show_cycle()

    def enter_sheet(self) -> None:
        """A whole paper sheet for one role group (:class:`SheetTallyDialog`)."""
        cycle = self.cycle
        if cycle is None:
            return
        data = self.store.cycle(cycle.id)
        dialog = SheetTallyDialog(self.pack, competencies_in_scope(self.pack, cycle),
                                  list(data.tallies.values()), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            for tally in dialog.tallies():
                self._try(lambda t=tally: self.store.save_tally(cycle.id, t))
            self._show_cycle()

    # --- pass the laptop -------------------------------------------------------------------

    def clear_pin(self) -> None:
        """Forget the chosen participant's PIN (they forgot it), after asking."""
        person, cycle = self._chosen_participant(), self.cycle
        if person is None or cycle is None or not self.pins.has_pin(cycle.id, person.id):
            if person is not None:
                messages.inform(self, _("Clear PIN"), _("{person} has no PIN on this laptop.").format(
                    person=person.label))
            return
        if not messages.ask(self, _("Clear PIN"), _(
                "Clear the PIN of \u201c{person}\u201d? They choose a new one the next time they "
                "rate. Their ratings stay.").format(person=participant_text(person))):
            return
        try:
            self.pins.clear(cycle.id, person.id)
        except StoreError as exc:
            self.error.emit(str(exc))
            return
        self._show_cycle()
        self._select_participant(person.id)

    def _set_language(self, code: str) -> None:
        """Speak ``code`` for the turn (the rating widgets are built after this)."""
        if code != i18n.language():
            i18n.set_language(code)
        self.turn_language = i18n.language()

    def _home(self) -> None:
        """Back to the facilitator's language."""
        self._set_language(self.home_language)

    def _show_step(self, step: QWidget) -> None:
        while self.turn_layout.count():
            item = self.turn_layout.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        self.turn_step = step
        self.turn_layout.addWidget(step)
        self.pages.setCurrentWidget(self.turn_host)
        self.cycles_panel.hide()  # the laptop is being passed: nothing else on screen
        self.private_rating.emit(True)
        focus = getattr(step, "focus", None)
        if callable(focus):
            focus()

    def ask_who(self) -> None:
        """“Who is rating?”: the next person picks their name (then confirms it)."""
        cycle = self.cycle
        if cycle is None or cycle.status != "open" or not editable(self.store):
            return
        if self.rating_panel is None and self.turn_step is None:
            self.home_language = i18n.language()  # the facilitator's, whatever turns follow
        self._home()
        people = list(self.store.cycle(cycle.id).participants.values())
        if not people:
            self.back_to_overview()
            return
        picker = RaterPicker(people)
        picker.chosen.connect(self.confirm_rater)
        picker.cancelled.connect(self.back_to_overview)
        self._show_step(picker)

    def confirm_rater(self, participant_id: str) -> None:
        """The chosen name in large type, and the language to rate in."""
        cycle = self.cycle
        person = self.store.cycle(cycle.id).participants.get(participant_id) if cycle else None
        if cycle is None or person is None:
            return
        self._home()
        language = self.pins.language(cycle.id, person.id) or self.home_language
        step = ConfirmRater(person, language)
        step.confirmed.connect(lambda code: self.ask_pin(person.id, code))
        step.rejected.connect(self.ask_who)
        self._show_step(step)

    def ask_pin(self, participant_id: str, language: str) -> None:
        """The person's PIN (or the choice of one), in the language they chose."""
        cycle = self.cycle
        person = self.store.cycle(cycle.id).participants.get(participant_id) if cycle else None
        if cycle is None or person is None:
            return
        with contextlib.suppress(StoreError):  # a convenience for their next turn: the turn goes on
            self.pins.set_language(cycle.id, person.id, language)
        self._set_language(language)
        step = PinPage(self.pins, cycle.id, person)
        step.passed.connect(lambda: self.start_rating(person.id))
        step.cancelled.connect(self.ask_who)
        self._show_step(step)

    def start_rating(self, participant_id: str | None = None) -> None:
        """Open rating for the participant (chosen, confirmed and past their PIN), showing only
        their own ratings, in the language of the turn."""
        cycle = self.cycle
        item = self.participants.currentItem()
        pid = participant_id or (item.data(Qt.ItemDataRole.UserRole) if item else None)
        if cycle is None or pid is None or cycle.status != "open" or not editable(self.store):
            return
        data = self.store.cycle(cycle.id)
        participant = data.participants[pid]
        mine = {r.competency_id: r for r in data.ratings.values() if r.participant_id == pid}
        self._clear_rating()
        self._show_step(QWidget())  # the PIN step goes; the rating takes the page
        self.turn_step = None
        pack = pack_in(self.pack, self.home_language, i18n.language())
        self.rating_panel = RatingPanel(pack, competencies_in_scope(self.pack, cycle), pid, mine,
                                        save=self._save_rating)
        self.rating_panel.finished.connect(self.finish_rating)
        self.questions = QuestionsPanel(pack, self.store, cycle.id, participant)
        self.rating_panel.list.currentRowChanged.connect(self._sync_questions)
        self._sync_questions()
        who = plain_label(_("Rating as {name} ({role}). Only your own ratings are shown.").format(
            name=participant.label, role=role_label(participant.role_group)), object_name="whoIsRating")
        self.rating_panel.add_detail_tab(self.questions, _("Guiding questions (optional, Q)"))
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.questions)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(lambda: self.rating_panel and self.rating_panel.open_detail_tab(0))
        self.rating_layout.addWidget(who)
        self.rating_layout.addWidget(self.rating_panel, 1)
        self.pages.setCurrentWidget(self.rating_host)
        self.cycles_panel.hide()  # rating is private and focused: nothing else on screen
        self.private_rating.emit(True)
        self.rating_panel.setFocus(Qt.FocusReason.OtherFocusReason)

    def _sync_questions(self, *_args: object) -> None:
        if self.rating_panel and self.questions:
            self.questions.show_condition(self.rating_panel.competency.condition_id)

    def _save_rating(self, rating: Rating) -> Rating | None:
        """The rating panel's save: what the store holds now, or None (and why, on the panel)."""
        cycle, panel = self.cycle, self.rating_panel
        if cycle is None:
            return None

        def refused(text: str) -> None:
            self.error.emit(text)
            if panel is not None:
                panel.help.setText(_("Not saved: {why}").format(why=text))

        return try_save(self, lambda: self.store.save_rating(cycle.id, rating), store=self.store,
                        on_error=refused, on_saved=self.saved.emit)

    def _clear_rating(self) -> None:
        while self.rating_layout.count():
            item = self.rating_layout.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        self.rating_panel = None
        self.questions = None

    def pending(self) -> bool:
        """The close contract (``ui/saving.py``): someone is rating (a note or answers may wait)."""
        return self.rating_panel is not None

    def flush(self) -> bool:
        """Save the note and answers being typed; False if the store refused them."""
        ok = self.rating_panel.commit_note() if self.rating_panel is not None else True
        if self.questions is not None:
            ok = self._try(self.questions.save_now) is not None and ok
        return ok

    def unsaved_text(self) -> str:
        return _("Reflect and Listen: the note or answers being typed")

    def finish_rating(self) -> None:
        """Save what is pending, clear the screen, and ask for the next person."""
        if self.rating_panel is not None:
            self.rating_panel.commit_note()
        if self.questions is not None:
            self._try(self.questions.save_now)
        cycle = self.cycle
        pid = self.rating_panel.participant_id if self.rating_panel else None
        # count what the store holds, not what the panel showed: a refused save is not "saved"
        count = (sum(1 for r in self.store.cycle(cycle.id).ratings.values() if r.participant_id == pid)
                 if cycle is not None and pid is not None else 0)
        self._clear_rating()
        self._home()  # the handover speaks the facilitator's language again
        if pid is not None:
            self.saved.emit()  # the status line says "Saved" in that language too
        self.handover_text.setText(plural(count, _("Thank you. {count} rating saved.\nPlease pass the laptop "
                                                   "to the next person."),
                                          _("Thank you. {count} ratings saved.\nPlease pass the laptop to "
                                            "the next person.")).format(count=count))
        self.show_progress()
        self.pages.setCurrentWidget(self.handover)
        self.next_button.setFocus()

    def show_progress(self) -> None:
        """Who has finished, started or not started, by role group (never anyone's levels)."""
        cycle = self.cycle
        label = self.handover_progress.widget()
        if cycle is None or not isinstance(label, QLabel):
            return
        data = self.store.cycle(cycle.id)
        label.setText(progress_html(rating_progress(data.participants.values(), data.ratings.values(),
                                                    competencies_in_scope(self.pack, cycle))))

    def back_to_overview(self) -> None:
        self._home()
        self._show_step(QWidget())
        self.turn_step = None
        self.cycles_panel.show()
        self.private_rating.emit(False)
        self._show_cycle()
        self.participants.setFocus()
