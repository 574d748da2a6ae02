"""Set Goals: the strategic action plan with priorities, goals, measures, actions and a timeline."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core import planning
from navtool_desktop.core.records import (
    ACTION_STATUSES,
    LEVELS,
    RATING_CHOICES,
    Action,
    Goal,
    Measure,
    Plan,
    ProgressNote,
    utc_now,
)
from navtool_desktop.core.results import CycleResults
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _, plural
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui import messages
from navtool_desktop.ui.charts import choice_name
from navtool_desktop.ui.editors import (
    CtrlArrows,
    cost_spin,
    date_edit,
    from_qdate,
    iso_dates,
    level_combo,
    narrow_combo,
    to_qdate,
)
from navtool_desktop.ui.plan_dialogs import ActionDialog, ProgressNotes
from navtool_desktop.ui.plan_models import (
    ActionTableModel,
    GoalListModel,
    SuggestionModel,
    competency_title,
    status_name,
)
from navtool_desktop.ui.saving import try_save
from navtool_desktop.ui.timeline import Timeline, TimelineRow
from navtool_desktop.ui.widgets import plain_label, rich_label

T = TypeVar("T")
#: Typing pauses this long (ms) before a goal is saved.
SAVE_DELAY_MS = 500
class PlanScreen(QWidget):
    """Set Goals: choose priorities, write goals with measures and actions, see the timeline."""

    error = Signal(str)
    saved = Signal()

    def __init__(self, pack: Pack, store: DistrictStore, *,
                 today: Callable[[], date] = date.today, parent: Any = None) -> None:
        super().__init__(parent)
        self.pack, self.store = pack, store
        #: What "today" is for overdue marks (tests and screenshots fix it).
        self.today = today
        self._results: list[CycleResults] | None = None
        self._goal_id: str | None = None
        self._loading = False
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_goal_now)

        title = plain_label(_("Set Goals"), object_name="pageTitle")
        self.status = plain_label("", object_name="saveStatus")
        self.status.setAccessibleName(_("Save status"))
        self.plan_combo = narrow_combo(QComboBox())
        self.plan_combo.setAccessibleName(_("Plan"))
        self.plan_combo.setPlaceholderText(_("No plan yet"))
        self.plan_combo.currentIndexChanged.connect(lambda _n: self._show_plan())
        self.new_plan_button = QPushButton(_("Ne&w plan"))
        self.new_plan_button.clicked.connect(self.new_plan)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(16)
        head.addWidget(plain_label(_("Plan:"), wrap=False))
        head.addWidget(self.plan_combo, 1)
        head.addWidget(self.new_plan_button)
        head.addWidget(self.status, 0, Qt.AlignmentFlag.AlignRight)

        self.vision = rich_label(object_name="planVision")
        self.plan_title = QLineEdit()
        self.plan_title.setAccessibleName(_("Plan title"))
        self.plan_title.editingFinished.connect(self.save_plan_fields)
        self.period_start = date_edit()
        self.period_end = date_edit()
        for edit, name in ((self.period_start, _("Period starts")), (self.period_end, _("Period ends"))):
            edit.setAccessibleName(name)
            edit.dateChanged.connect(lambda _d: self.save_plan_fields())
        self.approval = plain_label(object_name="planApproval")
        self.approve_button = QPushButton(_("Appro&ve\u2026"))
        self.approve_button.clicked.connect(self.toggle_approval)
        plan_row = QHBoxLayout()
        plan_row.addWidget(plain_label(_("Title"), wrap=False))
        plan_row.addWidget(self.plan_title, 2)
        plan_row.addWidget(plain_label(_("Period"), wrap=False))
        plan_row.addWidget(self.period_start)
        plan_row.addWidget(plain_label(_("to"), wrap=False))
        plan_row.addWidget(self.period_end)
        plan_row.addSpacing(12)
        plan_row.addWidget(self.approve_button)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._priorities_tab(), _("&Priorities"))
        goals = QScrollArea()  # the tallest tab scrolls, so Set Goals fits a 1366x768 laptop
        goals.setWidgetResizable(True)
        goals.setFrameShape(QFrame.Shape.NoFrame)
        goals.setWidget(self._goals_tab())
        self.tabs.addTab(goals, _("&Goals and actions"))
        self.timeline = Timeline()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        self.tabs.addTab(scroll, _("&Timeline"))
        # the learning agenda a network sent the district, beside its plan (coach and network view)
        from navtool_desktop.ui.network_agenda import DistrictAgendaPanel

        self.agenda = DistrictAgendaPanel(self.store.folder, pack, read_only=self.store.read_only)
        self.tabs.addTab(self.agenda, _("Networ&k agenda"))

        self.plan_fields = QWidget()
        plan_row.setContentsMargins(0, 0, 0, 0)
        fields = QVBoxLayout(self.plan_fields)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addLayout(plan_row)
        fields.addLayout(self._adoption_row())
        self.empty = self._empty_state()
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.vision)
        layout.addWidget(self.plan_fields)
        layout.addWidget(self.approval)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.tabs, 1)
        for field in (self.period_start, self.period_end, self.meeting_date, self.target_date):
            field.refused.connect(self.status.setText)  # a typed text that is no date: why
        self.reload()

    # --- building ---------------------------------------------------------------------------

    def _adoption_row(self) -> QHBoxLayout:
        """The adoption record and the board's calendar, printed on the plan's approval page."""
        self.meeting_date = date_edit(optional=True)
        self.meeting_date.setAccessibleName(_("Board meeting that adopts the plan"))
        self.meeting_date.dateChanged.connect(lambda _d: self.save_adoption())
        self.resolution = QLineEdit()
        self.resolution.setMaxLength(64)
        self.resolution.setAccessibleName(_("Resolution number"))
        self.resolution.setPlaceholderText(_("e.g. 2026-117"))
        self.vote = QLineEdit()
        self.vote.setMaxLength(64)
        self.vote.setAccessibleName(_("Vote"))
        self.vote.setPlaceholderText(_("e.g. 5 for, 0 against"))
        self.report_dates = QLineEdit()
        self.report_dates.setAccessibleName(_("Progress reports to the board (dates)"))
        self.report_dates.setPlaceholderText(_("e.g. 2027-01-15, 2027-06-15"))
        self.report_dates.setToolTip(_("The days the board receives progress reports, as "
                                       "year-month-day, separated by commas"))
        for edit in (self.resolution, self.vote, self.report_dates):
            edit.editingFinished.connect(self.save_adoption)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for label, widget, stretch in ((_("Board meeting"), self.meeting_date, 0),
                                       (_("Resolution"), self.resolution, 1),
                                       (_("Vote"), self.vote, 1),
                                       (_("Progress reports"), self.report_dates, 2)):
            caption = plain_label(label, wrap=False)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget, stretch)
        self._adoption_fields: tuple[QWidget, ...] = (self.resolution, self.vote, self.report_dates)
        return row

    def _empty_state(self) -> QWidget:
        """What the screen shows before the district has a plan: what to do, and a button for it."""
        self.empty_text = plain_label(_("No plan yet. Create one with \u201cNew plan\u201d: it covers "
                                        "the coming year, and the latest cycle's results suggest "
                                        "its first priorities."), object_name="emptyState")
        self.empty_button = QPushButton(_("Create a new plan"))
        self.empty_button.setObjectName("primary")
        self.empty_button.clicked.connect(self.new_plan)
        row = QHBoxLayout()
        row.addWidget(self.empty_button)
        row.addStretch(1)
        page = QWidget()
        pv = QVBoxLayout(page)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.empty_text)
        pv.addLayout(row)
        pv.addStretch(1)
        return page

    def _priorities_tab(self) -> QWidget:
        self.cycle_combo = narrow_combo(QComboBox())
        self.cycle_combo.setAccessibleName(_("Cycle the suggestions come from"))
        self.cycle_combo.currentIndexChanged.connect(lambda _n: self._show_suggestions())
        self.suggestion_model = SuggestionModel(self.pack, self)
        self.suggestions = QListView()
        self.suggestions.setModel(self.suggestion_model)
        self.suggestions.setAccessibleName(_("Suggested priorities"))
        self.suggestions.setAlternatingRowColors(True)
        self.suggestions.setWordWrap(True)
        self.suggestions.activated.connect(lambda index: self.accept_suggestion(index.row()))
        self.accept_button = QPushButton(_("&Accept as priority \u2192"))
        self.accept_button.setObjectName("primary")
        self.accept_button.clicked.connect(lambda: self.accept_suggestion(self.suggestions.currentIndex().row()))
        rule = plain_label(planning.suggestion_rule(), object_name="legend")
        left = QWidget()
        lv = QVBoxLayout(left)
        row = QHBoxLayout()
        row.addWidget(plain_label(_("Suggestions from"), wrap=False))
        row.addWidget(self.cycle_combo, 1)
        lv.addWidget(plain_label(_("Suggested priorities"), object_name="sectionTitle"))
        lv.addLayout(row)
        lv.addWidget(self.suggestions, 1)
        lv.addWidget(self.accept_button)
        lv.addWidget(rule)

        self.goal_model = GoalListModel(self.pack, self)
        self.priorities = QListView()
        self.priorities.setModel(self.goal_model)
        self.priorities.setAccessibleName(_("Priorities of this plan, in order"))
        self.priorities.setWordWrap(True)
        up = QPushButton(_("Move up (Ctrl+Up)"))
        up.clicked.connect(lambda: self.move_priority(-1))
        down = QPushButton(_("Move down (Ctrl+Down)"))
        down.clicked.connect(lambda: self.move_priority(1))
        self.remove_button = QPushButton(_("&Remove"))
        self.remove_button.clicked.connect(self.remove_priority)
        self._reorder_keys = CtrlArrows(self.priorities, Qt.Key.Key_Up, Qt.Key.Key_Down, self.move_priority)
        self.own_combo = narrow_combo(QComboBox())
        self.own_combo.setAccessibleName(_("Add a competency of your own choice"))
        for comp in self.pack.competencies:
            self.own_combo.addItem(competency_title(self.pack, comp.id), comp.id)
        add_own = QPushButton(_("A&dd"))
        add_own.clicked.connect(lambda: self.add_own(self.own_combo.currentData()))
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(plain_label(_("Priorities of this plan"), object_name="sectionTitle"))
        rv.addWidget(plain_label(_("Each priority becomes a goal: set its target on \u201cGoals and "
                                   "actions\u201d. Ctrl+Up and Ctrl+Down change the order."),
                                 object_name="legend"))
        rv.addWidget(self.priorities, 1)
        buttons = QHBoxLayout()
        for b in (up, down, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        rv.addLayout(buttons)
        own = QHBoxLayout()
        own.addWidget(plain_label(_("Add your own:"), wrap=False))
        own.addWidget(self.own_combo, 1)
        own.addWidget(add_own)
        rv.addLayout(own)
        self._priority_controls: list[QWidget] = [self.accept_button, up, down, self.remove_button,
                                                  self.own_combo, add_own]
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 560])
        return splitter

    def _goals_tab(self) -> QWidget:
        self.goal_list = QListView()
        self.goal_list.setModel(self.goal_model)
        self.goal_list.setAccessibleName(_("Goals"))
        self.goal_list.setWordWrap(True)
        self.goal_list.selectionModel().currentChanged.connect(lambda cur, _prev: self._show_goal(cur))

        self.goal_title = plain_label(object_name="sectionTitle")
        self.current_level = level_combo(RATING_CHOICES, _("Current level"))
        self.target_level = level_combo(LEVELS, _("Target level"))
        self.target_date = date_edit()
        self.target_date.setAccessibleName(_("Target date"))
        self.term = QComboBox()
        self.term.addItem(_("Short term"), "short")
        self.term.addItem(_("Long term"), "long")
        self.term.setAccessibleName(_("Term"))
        self.statement = QPlainTextEdit()
        self.statement.setAccessibleName(_("Goal statement"))
        self.statement.setTabChangesFocus(True)
        self.statement.setMaximumHeight(60)
        self.lead = QLineEdit()
        self.lead.setAccessibleName(_("Goal lead"))
        self.lead.setPlaceholderText(_("The person accountable for the goal"))
        self.lead_names = QCompleter([], self.lead)
        # completed in place as the name is typed (a team member's), no list popping up
        self.lead_names.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        self.lead.setCompleter(self.lead_names)
        self.goal_cost = cost_spin(0, _("Cost of the goal beyond its actions"))
        self.goal_funding = QLineEdit()
        self.goal_funding.setAccessibleName(_("Funding source of the goal"))
        self.goal_funding.setPlaceholderText(_("e.g. Title II-A"))
        for combo in (self.current_level, self.target_level, self.term):
            combo.currentIndexChanged.connect(self._goal_changed)
        self.target_date.dateChanged.connect(self._goal_changed)
        self.statement.textChanged.connect(self._goal_changed)
        self.lead.textChanged.connect(self._goal_changed)
        self.goal_cost.valueChanged.connect(self._goal_changed)
        self.goal_funding.textChanged.connect(self._goal_changed)
        self.measures = QListWidget()
        self.measures.setAccessibleName(_("Success measures"))
        self.measures.setMaximumHeight(72)
        self.measures.setWordWrap(True)
        self.measure_text = QLineEdit()
        self.measure_text.setPlaceholderText(_("A success measure in your words (Enter to add)"))
        self.measure_text.returnPressed.connect(self.add_measure)
        self.practice_combo = narrow_combo(QComboBox())
        self.practice_combo.setAccessibleName(_("Practices to look for"))
        add_practice = QPushButton(_("Use as &indicator"))
        add_practice.clicked.connect(self.add_practice_measure)
        remove_measure = QPushButton(_("Remove measure"))
        remove_measure.clicked.connect(self.remove_measure)
        self.measures.currentRowChanged.connect(lambda _row: self._show_measure())
        self.measure_baseline, self.measure_target = QLineEdit(), QLineEdit()
        self.measure_source, self.measure_when = QLineEdit(), QLineEdit()
        self._measure_edits = {
            "baseline": (self.measure_baseline, _("Baseline"), _("e.g. 41%")),
            "target": (self.measure_target, _("Target"), _("e.g. 70%")),
            "source": (self.measure_source, _("Data source"), _("e.g. spring staff survey")),
            "when": (self.measure_when, _("When measured"), _("e.g. each May"))}
        for edit, name, example in self._measure_edits.values():
            edit.setAccessibleName(_("{field} of the chosen measure").format(field=name))
            edit.setPlaceholderText(example)
            edit.setMaxLength(120)
            edit.editingFinished.connect(self.save_measure_details)
        form = QFormLayout()
        levels = QHBoxLayout()
        levels.addWidget(self.current_level)
        levels.addWidget(plain_label("\u2192", wrap=False))
        levels.addWidget(self.target_level)
        levels.addWidget(plain_label(_("by"), wrap=False))
        levels.addWidget(self.target_date)
        levels.addWidget(self.term)
        levels.addStretch(1)
        form.addRow(_("Level now \u2192 target"), levels)
        form.addRow(_("&Statement"), self.statement)
        owner = QHBoxLayout()
        owner.addWidget(self.lead, 2)
        for label, widget, stretch in ((_("Cost"), self.goal_cost, 0),
                                       (_("Funding"), self.goal_funding, 1)):
            caption = plain_label(label, wrap=False)
            caption.setBuddy(widget)
            owner.addWidget(caption)
            owner.addWidget(widget, stretch)
        lead_label = plain_label(_("&Lead"), wrap=False)
        lead_label.setBuddy(self.lead)  # Alt+L
        form.addRow(lead_label, owner)
        form.addRow(_("Success measures"), self.measures)
        m1 = QHBoxLayout()
        m1.addWidget(self.measure_text, 1)
        m1.addWidget(remove_measure)
        form.addRow("", m1)
        details = QHBoxLayout()
        for edit, name, _example in self._measure_edits.values():
            caption = plain_label(name, wrap=False)
            caption.setBuddy(edit)
            details.addWidget(caption)
            details.addWidget(edit, 1)
        form.addRow(_("Chosen measure"), details)
        m2 = QHBoxLayout()
        m2.addWidget(self.practice_combo, 1)
        m2.addWidget(add_practice)
        form.addRow(_("Practices to look for"), m2)

        self.action_model = ActionTableModel(lambda: self.today(), self)
        self.actions = QTableView()
        self.actions.setModel(self.action_model)
        self.actions.setAccessibleName(_("Actions of this goal"))
        self.actions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.actions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.actions.verticalHeader().hide()
        header = self.actions.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, ActionTableModel.ATTENTION + 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.actions.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_notes())
        self.actions.doubleClicked.connect(lambda _i: self.edit_action())
        add_action = QPushButton(_("Add a&ction\u2026"))
        add_action.clicked.connect(self.new_action)
        edit_action = QPushButton(_("E&dit\u2026"))
        edit_action.clicked.connect(self.edit_action)
        delete_action = QPushButton(_("Delete"))
        delete_action.clicked.connect(self.delete_action)
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(_("Status of the chosen action"))
        for status in ACTION_STATUSES:
            self.status_combo.addItem(status_name(status), status)
        self.status_combo.activated.connect(lambda _n: self.set_action_status(self.status_combo.currentData()))
        action_buttons = QHBoxLayout()
        for w in (add_action, edit_action, delete_action):
            action_buttons.addWidget(w)
        action_buttons.addStretch(1)
        action_buttons.addWidget(plain_label(_("Status:"), wrap=False))
        action_buttons.addWidget(self.status_combo)
        self.notes = ProgressNotes(lambda: self.today())
        self.notes.added.connect(self.add_note)

        editor = QWidget()
        ev = QVBoxLayout(editor)
        ev.addWidget(self.goal_title)
        ev.addLayout(form)
        ev.addWidget(self.actions, 3)
        ev.addLayout(action_buttons)
        ev.addWidget(self.notes, 1)
        self.actions.setMinimumHeight(120)
        self.notes.notes.setMaximumHeight(64)
        self.goal_editor = editor
        self._goal_controls: list[QWidget] = [
            self.current_level, self.target_level, self.target_date, self.term, self.statement,
            self.lead, self.goal_cost, self.goal_funding, *(e for e, _n, _x in self._measure_edits.values()),
            self.measure_text, self.practice_combo, add_practice, remove_measure, add_action,
            edit_action, delete_action, self.status_combo]
        splitter = QSplitter()
        splitter.addWidget(self.goal_list)
        splitter.addWidget(editor)
        splitter.setSizes([300, 830])
        return splitter

    # --- plans ------------------------------------------------------------------------------

    @property
    def plan(self) -> Plan | None:
        plan_id = self.plan_combo.currentData()
        return next((p for p in self.store.plans() if p.id == plan_id), None)

    def _try(self, action: Callable[[], T]) -> T | None:
        """Run a save the app's one way (:func:`~navtool_desktop.ui.saving.try_save`)."""
        return try_save(self, action, store=self.store, status=self.status,
                        on_error=self.error.emit, on_saved=self.saved.emit)

    def reload(self, select: str | None = None) -> None:
        """Read plans and cycles again (after another screen changed them)."""
        self._results = None
        profile = self.store.profile
        self.vision.setText(
            "<b>" + html.escape(_("Our vision:")) + "</b> <i>"
            + html.escape(profile.vision or _("(not written yet: see Shared Vision)")) + "</i>")
        plans = self.store.plans()
        # The newest plan first: the one the team is working on.
        wanted = select or self.plan_combo.currentData() or (plans[-1].id if plans else None)
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in reversed(plans):
            mark = _("approved") if plan.status == "approved" else _("draft")
            self.plan_combo.addItem(f"{plan.title} ({plan.period_start} \u2013 {plan.period_end}, {mark})",
                                    plan.id)
        self.plan_combo.setCurrentIndex(max(self.plan_combo.findData(wanted), 0))
        self.plan_combo.blockSignals(False)
        self.cycle_combo.blockSignals(True)
        self.cycle_combo.clear()
        for cycle in reversed(planning.on_pack(self.pack, self.store.cycles())):
            self.cycle_combo.addItem(f"{cycle.title} ({cycle.date})", cycle.id)
        self.cycle_combo.setCurrentIndex(0)
        self.cycle_combo.blockSignals(False)
        self._show_plan()
        plan_id = self.plan_combo.currentData()
        self.agenda.set_goals([g.competency_id for g in self.store.goals(plan_id)] if plan_id else [])

    def results(self) -> list[CycleResults]:
        if self._results is None:
            self._results = self.store.results.across(self.pack)
        return self._results

    def new_plan(self) -> None:
        start = self.today()
        end = start.replace(year=start.year + 1) - timedelta(days=1)
        plan = Plan(title=_("Strategic Action Plan {start}\u2013{end}").format(start=start.year, end=end.year),
                    period_start=start.isoformat(), period_end=end.isoformat())
        if self._try(lambda: self.store.save_plan(plan)) is not None:
            self.reload(select=plan.id)

    def _show_plan(self) -> None:
        self.save_goal_now()
        plan = self.plan
        # Without a plan: no empty fields or blank buttons, only what to do next.
        for w in (self.tabs, self.plan_fields, self.approval):
            w.setVisible(plan is not None)
        self.empty.setVisible(plan is None)
        self.plan_combo.setEnabled(plan is not None)
        writable = not self.store.read_only
        self.new_plan_button.setEnabled(writable)
        self.empty_button.setEnabled(writable)
        plan_edits = (self.plan_title, self.period_start, self.period_end, self.meeting_date,
                      *self._adoption_fields)
        for w in (*plan_edits, self.approve_button):
            w.setEnabled(plan is not None and writable)
        if plan is None:
            self.approval.setText("")
            return
        for w in plan_edits:
            w.blockSignals(True)
        self.plan_title.setText(plan.title)
        self.period_start.setDate(to_qdate(plan.period_start))
        self.period_end.setDate(to_qdate(plan.period_end))
        for w in plan_edits:
            w.blockSignals(False)
        self._fill_adoption(plan)
        if plan.status == planning.APPROVED:
            self.approval.setText(_("Approved by {who} on {when}. An approved plan does not "
                                    "change: make a revision to change it.").format(
                who=plan.approved_by, when=plan.approved_at[:10]))
            self.approve_button.setText(_("Make a re&vision"))
            # what the board adopted stays; its adoption record may still be filled in
            for w in (self.plan_title, self.period_start, self.period_end):
                w.setEnabled(False)
        else:
            self.approval.setText(_("Draft: not approved yet"))
            self.approve_button.setText(_("Appro&ve\u2026"))
        self._show_goals()

    def save_plan_fields(self) -> None:
        plan = self.plan
        if plan is None or self.store.read_only:
            return
        title = self.plan_title.text().strip()
        start, end = from_qdate(self.period_start.date()), from_qdate(self.period_end.date())
        if not title:
            self.status.setText(_("Not saved: the plan needs a title"))
            return
        if end < start:
            self.status.setText(_("Not saved: the period ends before it starts"))
            return
        if (title, start, end) == (plan.title, plan.period_start, plan.period_end):
            return
        if self._try(lambda: self.store.save_plan(plan.replace(title=title, period_start=start,
                                                               period_end=end))):
            self._refresh_plan_label(plan.id)
            if (start, end) != (plan.period_start, plan.period_end):
                self._goal_id = None  # goal dates may have followed the period: show them again
                self._show_goals()

    def _adoption_typed(self) -> Plan | str | None:
        """The plan as its adoption fields read, if that differs from the store's; a
        sentence instead if the report dates cannot be read."""
        plan = self.plan
        if plan is None or self.store.read_only or not self.meeting_date.isEnabled():
            return None
        dates = iso_dates(self.report_dates.text())
        if dates is None:
            return _("Not saved: write each report date as year-month-day, e.g. 2027-01-15")
        typed = plan.replace(meeting_date=from_qdate(self.meeting_date.date()),
                             resolution=self.resolution.text().strip(),
                             vote=self.vote.text().strip(), report_dates=dates)
        return None if typed == plan else typed

    def save_adoption(self) -> Plan | None:
        """Save the adoption record and the board's calendar as typed (what the store
        accepted is shown again: a refused change goes back to what is on disk)."""
        changed, plan = self._adoption_typed(), self.plan
        if isinstance(changed, str):
            self.status.setText(changed)
            return None
        if changed is None or plan is None:
            return None
        saved = self._try(lambda: self.store.save_plan(changed))
        self._fill_adoption(saved or plan)  # what the store holds
        return saved

    def _fill_adoption(self, plan: Plan) -> None:
        edits = (self.meeting_date, *self._adoption_fields)
        for w in edits:
            w.blockSignals(True)
        self.meeting_date.setDate(to_qdate(plan.meeting_date))
        self.resolution.setText(plan.resolution)
        self.vote.setText(plan.vote)
        self.report_dates.setText(", ".join(plan.report_dates))
        for w in edits:
            w.blockSignals(False)

    def _refresh_plan_label(self, plan_id: str) -> None:
        plan = next(p for p in self.store.plans() if p.id == plan_id)
        mark = _("approved") if plan.status == "approved" else _("draft")
        self.plan_combo.setItemText(self.plan_combo.findData(plan_id),
                                    f"{plan.title} ({plan.period_start} \u2013 {plan.period_end}, {mark})")

    def _writable(self, plan: Plan | None) -> bool:
        """Whether ``plan``'s goals and actions may change here (a draft, data not read-only)."""
        return plan is not None and plan.status != planning.APPROVED and not self.store.read_only

    def toggle_approval(self) -> None:
        plan = self.plan
        if plan is None:
            return
        if plan.status == planning.APPROVED:
            self.revise(plan)
            return
        leaders = ", ".join(m.name for m in self.store.profile.team[:2])
        who, ok = QInputDialog.getText(self, _("Approve the plan"),
                                       _("Who approves this plan (names and roles)?"), text=leaders)
        if ok:
            self.set_approval(plan, who)

    def set_approval(self, plan: Plan, approved_by: str) -> None:
        """Approve the plan by ``approved_by`` (now): from then on it is read-only."""
        self.save_goal_now()
        if self._try(lambda: self.store.save_plan(planning.approve(plan, approved_by, utc_now()))):
            self._refresh_plan_label(plan.id)
            self._show_plan()

    def revise(self, plan: Plan) -> Plan | None:
        """Start a revision of an approved plan: a new draft with copies of its goals and
        actions (the approved plan stays as approved and signed)."""
        revision = self._try(lambda: self.store.revise_plan(plan.id))
        if revision is not None:
            self.reload(select=revision.id)
        return revision

    # --- priorities -------------------------------------------------------------------------

    def _show_goals(self, select: str | None = None) -> None:
        plan = self.plan
        if plan is None:
            return
        keep = select or self._goal_id
        goals = self.store.goals(plan.id)
        set_on = planning.goal_set_on(plan)
        checks = {g.id: planning.target_reached(g, set_on, self.results()) for g in goals}
        self.goal_model.set_goals(goals, checks)
        row = self.goal_model.row_of(keep) if keep else -1
        row = row if row >= 0 else (0 if goals else -1)
        self._goal_id = None
        if row >= 0:
            self.priorities.setCurrentIndex(self.goal_model.index(row))
            self.goal_list.setCurrentIndex(self.goal_model.index(row))
        self._show_goal(self.goal_model.index(row) if row >= 0 else QModelIndex())
        self._show_suggestions()
        self._show_timeline()

    def _selected_results(self) -> CycleResults | None:
        cycle_id = self.cycle_combo.currentData()
        return next((r for r in self.results() if r.cycle.id == cycle_id), None)

    def _show_suggestions(self) -> None:
        plan, results = self.plan, self._selected_results()
        chosen = [g.competency_id for g in self.store.goals(plan.id)] if plan else []
        self.suggestion_model.set_suggestions(
            planning.suggest_priorities(self.pack, results, exclude=chosen) if results else ())
        if self.suggestion_model.rowCount():
            self.suggestions.setCurrentIndex(self.suggestion_model.index(0))
        editable = self._writable(plan)
        for w in self._priority_controls:
            w.setEnabled(editable)

    def accept_suggestion(self, row: int) -> Goal | None:
        """Make a suggested competency a priority of the plan (a goal one level up)."""
        if not 0 <= row < self.suggestion_model.rowCount():
            return None
        return self.add_own(self.suggestion_model.suggestion(row).competency_id)

    def add_own(self, competency_id: str) -> Goal | None:
        """Add any competency as a priority; its current level comes from the chosen cycle."""
        plan = self.plan
        if plan is None or self.store.read_only:
            return None
        goals = self.store.goals(plan.id)
        if any(g.competency_id == competency_id for g in goals):
            self.status.setText(_("Already a priority of this plan"))
            return None
        goal = planning.new_goal(self.pack, plan, competency_id, self._selected_results(), goals,
                                 level_word=choice_name)
        saved = self._try(lambda: self.store.save_goal(goal))
        if saved is not None:
            self._show_goals(select=saved.id)
        return saved

    def move_priority(self, delta: int) -> None:
        plan = self.plan
        row = self.priorities.currentIndex().row()
        if plan is None or row < 0:
            return
        goal = self.goal_model.goal(row)
        moved = planning.move_goal(self.store.goals(plan.id), goal.id, delta)
        if not moved or self._try(lambda: self.store.save_goals(moved)) is None:
            return
        self._show_goals(select=goal.id)
        self.priorities.setCurrentIndex(self.goal_model.index(row + delta))

    def remove_priority(self) -> None:
        row = self.priorities.currentIndex().row()
        if row < 0:
            return
        goal = self.goal_model.goal(row)
        count = len(self.store.actions(goal.id))
        if count and not messages.ask(
                self, _("Remove priority"),
                plural(count, _("Remove {title} with its goal and {count} action?"),
                       _("Remove {title} with its goal and {count} actions?")).format(
                    title=competency_title(self.pack, goal.competency_id), count=count)):
            return
        self.remove_goal(goal.id)

    def remove_goal(self, goal_id: str) -> None:
        self._timer.stop()
        self._dirty = False
        if self._goal_id == goal_id:
            self._goal_id = None
        self._try(lambda: self.store.delete_goal(goal_id))
        self._show_goals()

    # --- goal editor ------------------------------------------------------------------------

    @property
    def goal(self) -> Goal | None:
        return next((g for g in self.store.goals() if g.id == self._goal_id), None)

    def _show_goal(self, index: QModelIndex) -> None:
        if self._goal_id is not None and index.isValid() and self.goal_model.goal(index.row()).id == self._goal_id:
            return
        self.save_goal_now()
        goal = self.goal_model.goal(index.row()) if index.isValid() else None
        self._goal_id = goal.id if goal else None
        self._loading = True
        editable = goal is not None and self._writable(self.plan)
        for w in self._goal_controls:
            w.setEnabled(editable)
        # An approved plan's actions still move on (their status): Learn and Improve's work.
        self.status_combo.setEnabled(goal is not None and not self.store.read_only)
        if goal is None:
            self.goal_title.setText(_("No goal yet: accept or add a priority first."))
            self.statement.setPlainText("")
            self.lead.clear()
            self.goal_cost.setValue(0)
            self.goal_funding.clear()
            self.measures.clear()
            self.action_model.set_actions([])
        else:
            self.goal_title.setText(competency_title(self.pack, goal.competency_id))
            self.current_level.setCurrentIndex(RATING_CHOICES.index(goal.current_level))
            self.target_level.setCurrentIndex(LEVELS.index(goal.target_level))
            self.target_date.setDate(to_qdate(goal.target_date))
            self.term.setCurrentIndex(0 if goal.term == "short" else 1)
            self.statement.setPlainText(goal.statement)
            self.lead.setText(goal.lead)
            self.lead_names.setModel(QStringListModel(self._team(), self.lead_names))
            self.goal_cost.setValue(goal.cost)
            self.goal_funding.setText(goal.funding)
            self._fill_measures(goal)
            self._fill_practices(goal)
            self.action_model.set_actions(self.store.actions(goal.id))
        self._loading = False
        self._show_notes()

    def _fill_measures(self, goal: Goal, select: int = 0) -> None:
        self.measures.blockSignals(True)
        self.measures.clear()
        for measure in goal.measures:
            mark = _("[indicator] ") if measure.practices else ""
            item = QListWidgetItem(mark + measure.text)
            item.setToolTip(", ".join(measure.practices))
            self.measures.addItem(item)
        self.measures.setCurrentRow(min(select, len(goal.measures) - 1))
        self.measures.blockSignals(False)
        self._show_measure()

    def _show_measure(self) -> None:
        """The chosen measure's baseline, target, source and timing, in the fields below it."""
        goal, row = self.goal, self.measures.currentRow()
        measure = goal.measures[row] if goal is not None and 0 <= row < len(goal.measures) else None
        editable = measure is not None and self._writable(self.plan)
        for name, (edit, _n, _x) in self._measure_edits.items():
            edit.blockSignals(True)
            edit.setText(getattr(measure, name) if measure is not None else "")
            edit.setEnabled(editable)
            edit.blockSignals(False)

    def _measure_typed(self) -> tuple[Measure, ...] | None:
        """The goal's measures with the chosen one as its fields read, if that differs."""
        if self._goal_id is None or not self.measure_baseline.isEnabled():
            return None
        goal, row = self.goal, self.measures.currentRow()
        if goal is None or not 0 <= row < len(goal.measures):
            return None
        measure = goal.measures[row]
        edited = measure.replace(**{name: edit.text().strip()
                                    for name, (edit, _n, _x) in self._measure_edits.items()})
        return None if edited == measure else (*goal.measures[:row], edited, *goal.measures[row + 1:])

    def save_measure_details(self) -> Goal | None:
        """Save what is typed for the chosen measure (baseline, target, source, when)."""
        goal, row, measures = self.goal, self.measures.currentRow(), self._measure_typed()
        if goal is None or measures is None:
            return None
        saved = self.save_goal_now(measures=measures)
        self._fill_measures(self.goal or goal, select=row)  # what the store holds
        return saved

    def _fill_practices(self, goal: Goal) -> None:
        self.practice_combo.clear()
        try:
            comp = self.pack.competency(goal.competency_id)
        except KeyError:
            return
        for cell in comp.levels:
            for practice in cell.practices:
                self.practice_combo.addItem(f"{choice_name(cell.level)}: {practice.text}", practice.id)
                self.practice_combo.setItemData(self.practice_combo.count() - 1, practice.text,
                                                Qt.ItemDataRole.ToolTipRole)
        target = goal.target_level if goal.target_level != "refining" else comp.levels[-1].level
        first = next((n for n in range(self.practice_combo.count())
                      if str(self.practice_combo.itemData(n)).startswith(f"{comp.id}.{target}.")), 0)
        self.practice_combo.setCurrentIndex(first)

    def _goal_changed(self, *_args: object) -> None:
        if self._loading or self._goal_id is None:
            return
        self.status.setText(_("Saving\u2026"))
        self._dirty = True
        self._timer.start()

    def pending(self) -> bool:
        """Whether an edit waits to be saved: of the goal, of the chosen measure's details or
        of the adoption record (those save when the field is left, which a close may skip)."""
        return self._dirty or self._adoption_typed() is not None or self._measure_typed() is not None

    def flush(self) -> bool:
        """The close contract (``ui/saving.py``): save what is typed; False if not saved."""
        if self._dirty and self.save_goal_now() is None:
            return False
        if self._measure_typed() is not None and self.save_measure_details() is None:
            return False
        return self._adoption_typed() is None or self.save_adoption() is not None

    def unsaved_text(self) -> str:
        return _("Set Goals: the goal or plan details being edited")

    def _edited_goal(self, goal: Goal, **changes: Any) -> Goal:
        return goal.replace(**{
            "current_level": self.current_level.currentData(),
            "target_level": self.target_level.currentData(),
            "target_date": from_qdate(self.target_date.date()),
            "term": self.term.currentData(),
            "statement": self.statement.toPlainText().strip(),
            "lead": self.lead.text().strip(),
            "cost": self.goal_cost.value(),
            "funding": self.goal_funding.text().strip(),
            **changes})

    def save_goal_now(self, **changes: Any) -> Goal | None:
        """Save the goal being edited at once (also when another goal or plan is chosen)."""
        if not self._dirty and not changes:
            return None
        self._timer.stop()
        goal = self.goal
        if goal is None:
            self._dirty = False
            return None
        if not self.statement.toPlainText().strip():
            self.status.setText(_("Not saved: the goal needs a statement"))
            return None
        edited = self._edited_goal(goal, **changes)
        saved = self._try(lambda: self.store.save_goal(edited))
        if saved is not None:
            self._dirty = False
            self._refresh_goal_row(saved)
        return saved

    def _refresh_goal_row(self, goal: Goal) -> None:
        plan = self.plan
        if plan is None:
            return
        goals = self.store.goals(plan.id)
        set_on = planning.goal_set_on(plan)
        checks = {g.id: planning.target_reached(g, set_on, self.results()) for g in goals}
        current = self.goal_list.currentIndex().row()
        self._loading = True
        self.goal_model.set_goals(goals, checks)
        if current >= 0:
            self.goal_list.setCurrentIndex(self.goal_model.index(current))
            self.priorities.setCurrentIndex(self.goal_model.index(current))
        self._loading = False

    def add_measure(self) -> None:
        text = self.measure_text.text().strip()
        goal = self.goal
        if goal is None or not text:
            return
        if self.save_goal_now(measures=(*goal.measures, Measure(text=text))) is not None:
            self.measure_text.clear()
            # the new measure is chosen: its baseline and target can be typed next
            self._fill_measures(self.goal, select=len(goal.measures))  # type: ignore[arg-type]

    def add_practice_measure(self) -> None:
        """Link a practice to look for as an indicator of success."""
        goal = self.goal
        pid = self.practice_combo.currentData()
        if goal is None or not pid:
            return
        if any(pid in m.practices for m in goal.measures):
            self.status.setText(_("That practice is already an indicator"))
            return
        text = str(self.practice_combo.itemData(self.practice_combo.currentIndex(),
                                                Qt.ItemDataRole.ToolTipRole))
        if self.save_goal_now(measures=(*goal.measures, Measure(text=text, practices=(pid,)))):
            self._fill_measures(self.goal)  # type: ignore[arg-type]

    def remove_measure(self) -> None:
        goal, row = self.goal, self.measures.currentRow()
        if goal is None or row < 0:
            return
        kept = tuple(m for n, m in enumerate(goal.measures) if n != row)
        if self.save_goal_now(measures=kept):
            self._fill_measures(self.goal)  # type: ignore[arg-type]

    # --- actions and notes ------------------------------------------------------------------

    @property
    def action(self) -> Action | None:
        row = self.actions.currentIndex().row()
        return self.action_model.action(row) if row >= 0 else None

    def _period(self) -> tuple[str, str] | None:
        plan = self.plan
        return (plan.period_start, plan.period_end) if plan is not None else None

    def _resource_titles(self, goal_id: str) -> tuple[str, ...]:
        goal = next((g for g in self.store.goals() if g.id == goal_id), None)
        if goal is None or goal.competency_id not in self.pack.ids():
            return ()
        condition = self.pack.competency(goal.competency_id).condition_id
        return tuple(r.title for r in self.pack.resources_for(condition))

    def _team(self) -> list[str]:
        return [m.name for m in self.store.profile.team]

    def _funding_sources(self) -> tuple[str, ...]:
        """The funding sources this plan already names (offered as the next is typed)."""
        plan = self.plan
        if plan is None:
            return ()
        goals = self.store.goals(plan.id)
        named = {g.funding for g in goals} | {a.funding for g in goals for a in self.store.actions(g.id)}
        return tuple(sorted(n for n in named if n))

    def new_action(self) -> None:
        if self._goal_id is None:
            return
        dialog = ActionDialog(self._team(), goal_id=self._goal_id, period=self._period(), parent=self,
                              resources=self._resource_titles(self._goal_id),
                              funding=self._funding_sources())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_action(dialog.action())  # type: ignore[arg-type]

    def edit_action(self) -> None:
        action = self.action
        if action is None or self.store.read_only:
            return
        dialog = ActionDialog(self._team(), action, goal_id=action.goal_id, period=self._period(),
                              parent=self, resources=self._resource_titles(action.goal_id),
                              funding=self._funding_sources())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_action(dialog.action())  # type: ignore[arg-type]

    def save_action(self, action: Action) -> Action | None:
        saved = self._try(lambda: self.store.save_action(action))
        if saved is not None:
            self._show_actions(select=saved.id)
            period = self._period()
            if period is not None and any(d and not period[0] <= d <= period[1]
                                          for d in (saved.start, saved.due)):
                self.status.setText(_("Saved (dated outside the plan period)"))
        return saved

    def set_action_status(self, status: str) -> Action | None:
        action = self.action
        if action is None or action.status == status:
            return None
        return self.save_action(action.replace(status=status))

    def delete_action(self) -> None:
        action = self.action
        if action is None:
            return
        if not messages.ask(self, _("Delete action"), _("Delete \u201c{action}\u201d and its "
                            "progress notes?").format(action=action.description)):
            return
        self._try(lambda: self.store.delete_action(action.id))
        self._show_actions()

    def _show_actions(self, select: str | None = None) -> None:
        if self._goal_id is None:
            return
        self.action_model.set_actions(self.store.actions(self._goal_id))
        row = self.action_model.row_of(select) if select else -1
        if row >= 0:
            self.actions.setCurrentIndex(self.action_model.index(row, 0))
        self._show_notes()
        self._show_timeline()

    def _show_notes(self) -> None:
        action = self.action
        if action is not None:
            self.status_combo.setCurrentIndex(ACTION_STATUSES.index(action.status))
        self.notes.show_notes(action, self.store.progress_notes(action.id) if action else [])
        if self.store.read_only:
            for w in (self.notes.date, self.notes.text, self.notes.add_button):
                w.setEnabled(False)

    def add_note(self, note: ProgressNote) -> None:
        if self._try(lambda: self.store.save_progress_note(note)) is not None:
            self.notes.text.clear()
            self._show_notes()

    # --- timeline ---------------------------------------------------------------------------

    def timeline_rows(self) -> list[TimelineRow]:
        plan = self.plan
        if plan is None:
            return []
        today = self.today()
        rows: list[TimelineRow] = []
        for goal in self.store.goals(plan.id):
            actions = planning.ordered_actions(self.store.actions(goal.id))
            rows.append(TimelineRow(competency_title(self.pack, goal.competency_id)))
            rows += [TimelineRow(a.description, a.status,
                                 date.fromisoformat(a.start) if a.start else None,
                                 date.fromisoformat(a.due) if a.due else None,
                                 planning.is_overdue(a, today)) for a in actions]
        return rows

    def _show_timeline(self) -> None:
        plan = self.plan
        if plan is not None:
            self.timeline.set_rows(self.timeline_rows(), (date.fromisoformat(plan.period_start),
                                                          date.fromisoformat(plan.period_end)),
                                   self.today())

    def showEvent(self, event: Any) -> None:
        """Come back to fresh data: other screens may have added cycles or moved actions."""
        super().showEvent(event)
        if not self.pending():
            self.reload()
