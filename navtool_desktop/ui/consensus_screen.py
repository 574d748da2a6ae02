"""Consensus: per competency, how people rated (overall and by role group) and the team's level.

Keys (shown on screen): Up/Down or J/K move between competencies (saving what was typed);
1-4 choose a level, 0 "not sure"; R writes the rationale (Esc goes back); Ctrl+S saves;
PgUp/PgDn scroll the evidence; F11 presents full screen for a projector (there a level key
saves at once), Esc leaves.

The title above and the team's level, "saved" and the keys below never scroll away; only the
evidence between them does (the votes, the privacy rule, what people wrote: notes and answers
without names, from :mod:`core.written`).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShowEvent, QTextOption
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core import disclosure
from navtool_desktop.core.records import LEVELS, NOT_SURE, ROLE_GROUPS, Consensus, Cycle, utc_now
from navtool_desktop.core.results import (
    ANONYMITY_THRESHOLD,
    EMPTY,
    SUPPRESSED,
    CompetencyResult,
    CycleResults,
    hidden_note,
    low_agreement_rule,
    median_rule,
)
from navtool_desktop.core.written import CycleWritten, Texts, cycle_written
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui.charts import BarChart, BarRow, choice_name, level_rows
from navtool_desktop.ui.cycle_dialogs import role_label
from navtool_desktop.ui.rating_entry import CHOICE_KEYS, PREVIOUS_KEYS
from navtool_desktop.ui.saving import try_save
from navtool_desktop.ui.widgets import plain_label, rich_label
from navtool_desktop.vocabulary import audience_name

Index = QModelIndex | QPersistentModelIndex
#: The role that carries a row's competency id.
CompetencyIdRole = Qt.ItemDataRole.UserRole + 1
LOW_AGREEMENT_MARK = "⚠"
NO_CONSENSUS_MARK = "○"
CONSENSUS_MARK = "●"
NEXT_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_J)


def hidden_text(threshold: int = ANONYMITY_THRESHOLD) -> str:
    """What a hidden role group shows in place of its votes (see :mod:`core.disclosure`)."""
    return disclosure.hidden_text(threshold)


def privacy_text(results: CycleResults) -> str:
    """The privacy rule with this cycle's threshold, and which groups it hides here."""
    parts = [disclosure.rule_text(results.threshold)]
    if not results.overall_shown:
        parts.append(disclosure.no_counts_text(results.threshold))
    elif results.disclosure.hidden_groups:
        parts.append(hidden_note(results, role_label))
    if results.repeated:
        parts.append(disclosure.repeated_text(results.repeated))
    if results.cycle.status == "open" and results.overall_shown:
        parts.append(disclosure.open_cycle_text())
    if results.cycle.threshold_changes:
        last = results.cycle.threshold_changes[-1]
        parts.append(_("Threshold changed from {old} to {new} by {who} on {when}.").format(
            old=last.old, new=last.new, who=last.by, when=last.at[:10]))
    return " ".join(parts)


#: Around each written text: a first-strong isolate and its end, so that a right-to-left
#: text stays inside its own line and never turns the bullets or the next text around.
_ISOLATE, _END_ISOLATE = "\u2068", "\u2069"


def written_text(pack: Pack, written: CycleWritten, competency_id: str) -> str:
    """What people wrote about a competency, as plain text: its notes, then the answers to its
    condition's guiding questions (without names; see :mod:`core.written`)."""
    withheld = disclosure.texts_withheld_text(written.threshold)

    def block(texts: Texts) -> list[str]:
        if not texts.shown:
            return ["    " + withheld]
        return [f"  \u2022 {_ISOLATE}{t}{_END_ISOLATE}".replace("\n", "\n     ") for t in texts.texts]

    lines: list[str] = []
    notes = written.notes_on(competency_id)
    if notes is not None:
        lines.append(_("Notes on this competency:"))
        lines += block(notes)
    for answers in written.answers_for(pack.competency(competency_id).condition_id):
        if lines:
            lines.append("")
        lines.append(_("{audience} question: {question}").format(
            question=answers.question, audience=audience_name(answers.audience)))
        lines += block(answers)
    if not lines:
        return _("Nobody wrote a note or an answer about this yet.")
    lines += ["", disclosure.texts_rule_text(written.threshold)]
    return "\n".join(lines)


class CycleChooser(QComboBox):
    """The district's cycles, newest first; the item data is the cycle id."""

    def __init__(self, store: DistrictStore, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self.setAccessibleName(_("Cycle"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def reload(self) -> None:
        """List the cycles again, keeping the one chosen (else the newest)."""
        current = self.cycle_id()
        self.blockSignals(True)
        self.clear()
        for cycle in sorted(self._store.cycles(), key=lambda c: (c.date, c.created), reverse=True):
            mark = "" if cycle.status == "open" else "  " + _("(closed)")
            self.addItem(f"{cycle.title} · {cycle.date}{mark}", cycle.id)
        index = self.findData(current) if current else -1
        self.setCurrentIndex(index if index >= 0 else (0 if self.count() else -1))
        self.blockSignals(False)

    def cycle_id(self) -> str | None:
        value = self.currentData()
        return value if isinstance(value, str) else None

    def select(self, cycle_id: str) -> None:
        index = self.findData(cycle_id)
        if index >= 0:
            self.setCurrentIndex(index)


class CompetencyListModel(QAbstractListModel):
    """The competencies of a cycle's results, marked for low agreement and missing consensus."""

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self._results: CycleResults | None = None

    def set_results(self, results: CycleResults | None) -> None:
        if (results is not None and self._results is not None
                and [c.competency_id for c in results.competencies]
                == [c.competency_id for c in self._results.competencies]):
            self._results = results  # same rows: only the marks change
            if self.rowCount():
                self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))
            return
        self.beginResetModel()
        self._results = results
        self.endResetModel()

    def result(self, row: int) -> CompetencyResult:
        assert self._results is not None
        return self._results.competencies[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() or self._results is None:
            return 0
        return len(self._results.competencies)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        result = self.result(index.row())
        comp = self._pack.competency(result.competency_id)
        if role == Qt.ItemDataRole.DisplayRole:
            mark = CONSENSUS_MARK if result.consensus else NO_CONSENSUS_MARK
            flag = f"  {LOW_AGREEMENT_MARK}" if result.overall.low_agreement else ""
            return f"{mark} {comp.name}{flag}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = [self._pack.competency_label(comp.id)]
            if result.consensus:
                parts.append(_("consensus: {level}").format(level=choice_name(result.consensus.level)))
            else:
                parts.append(_("no consensus yet"))
            if result.overall.low_agreement:
                parts.append(_("low agreement"))
            return "; ".join(parts)
        if role == CompetencyIdRole:
            return result.competency_id
        return None


class ConsensusScreen(QWidget):
    """Distributions by role group, the median, agreement, and the team's consensus level."""

    saved = Signal(object)  # Consensus
    error = Signal(str)
    presentation_changed = Signal(bool)

    def __init__(self, pack: Pack, store: DistrictStore, parent: Any = None) -> None:
        super().__init__(parent)
        self.pack, self.store = pack, store
        self.results: CycleResults | None = None
        self.current_row = -1
        self.presenting = False
        self._level: str | None = None
        self._dirty = False
        self._drafts: dict[tuple[str, str], str] = {}  # rationale typed without a level yet
        self._loading = False
        self._window_state = Qt.WindowState.WindowNoState
        self.setObjectName("consensusScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Consensus"))

        # top bar: cycle, progress, presentation
        self.cycle_combo = CycleChooser(store)
        self.cycle_combo.currentIndexChanged.connect(self._cycle_chosen)
        self.cycle_combo.activated.connect(lambda _i: self.setFocus())
        cycle_label = QLabel(_("&Cycle:"))
        cycle_label.setBuddy(self.cycle_combo)
        self.progress = plain_label(object_name="legend")
        self.present_button = QPushButton(_("Present full screen (F11)"))
        self.present_button.setAccessibleName(_("Present full screen"))
        self.present_button.clicked.connect(self.toggle_presentation)
        self.top_bar = QWidget()
        top = QHBoxLayout(self.top_bar)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(cycle_label)
        top.addWidget(self.cycle_combo)
        top.addWidget(self.progress, 1)
        top.addWidget(self.present_button)

        # left: the competencies
        self.model = CompetencyListModel(pack, self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName(_("Competencies"))
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setUniformItemSizes(True)
        self.list.selectionModel().currentRowChanged.connect(self._on_list_row)
        legend = plain_label(_("{c} consensus recorded\n{n} no consensus yet\n{w} low agreement").format(
            c=CONSENSUS_MARK, n=NO_CONSENSUS_MARK, w=LOW_AGREEMENT_MARK), object_name="legend")
        self.left = QWidget()
        left = QVBoxLayout(self.left)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.list, 1)
        left.addWidget(legend)

        # right: the competency
        self.breadcrumb = plain_label(object_name="breadcrumb")
        self.title = plain_label(object_name="pageTitle")
        self.overall_title = plain_label(object_name="sectionTitle")
        self.overall_chart = BarChart(stacked=False)
        self.overall_chart.setAccessibleName(_("Ratings overall"))
        self.groups_title = plain_label(_("By role group"), object_name="sectionTitle")
        self.groups_chart = BarChart(stacked=True)
        self.groups_chart.setAccessibleName(_("Ratings by role group"))
        self.privacy_note = plain_label(object_name="ruleText")
        self.median_label = rich_label(object_name="medianLabel", wrap=False)
        self.median_label.setToolTip(median_rule())
        self.agreement_flag = plain_label(object_name="lowAgreement", wrap=False)
        self.agreement_flag.setToolTip(low_agreement_rule())
        self.agreement_rule = plain_label(low_agreement_rule(), object_name="ruleText")
        self.agreement_rule.setToolTip(low_agreement_rule())

        self.consensus_title = plain_label(_("Team consensus"), object_name="sectionTitle")
        self.consensus_state = plain_label(object_name="consensusState", wrap=False)
        self.level_group = QButtonGroup(self)
        self.level_buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        for key, level in zip("12340", (*LEVELS, NOT_SURE), strict=True):
            button = QPushButton(f"{key}  {choice_name(level)}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName(f"consensus-{level}")
            button.setAccessibleName(_("Consensus level {level} (key {key})").format(
                level=choice_name(level), key=key))
            if level in LEVELS:
                button.setToolTip(pack.stage(level).meaning)
                button.setAccessibleDescription(pack.stage(level).meaning)
            button.clicked.connect(lambda _checked=False, lv=level: self.choose(lv))
            self.level_group.addButton(button)
            self.level_buttons[level] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.rationale = QPlainTextEdit()
        self.rationale.setAccessibleName(_("Rationale"))
        self.rationale.setPlaceholderText(_("Why the team chose this level: the evidence, what "
                                            "people said (R to write, Esc to go back)"))
        self.rationale.setTabChangesFocus(True)
        self.rationale.setMinimumHeight(70)
        self.rationale.setMaximumHeight(100)
        self.rationale.textChanged.connect(self._rationale_changed)
        self.rationale.installEventFilter(self)
        self.save_button = QPushButton(_("&Save (Ctrl+S)"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.save_state = plain_label(object_name="saveStatus", wrap=False)
        self.closed_note = plain_label(object_name="legend")
        self.help = plain_label(_("Keys: ↑↓ or J/K move (saves) · 1-4 level · 0 not sure · R rationale · "
                                  "Ctrl+S save · F11 present, Esc leaves"), object_name="legend")

        # what people wrote: notes on this competency, answers to its condition's questions
        self.written_title = plain_label(_("What people wrote"), object_name="sectionTitle", wrap=False)
        self.written_view = QPlainTextEdit()
        self.written_view.setObjectName("writtenView")
        self.written_view.setReadOnly(True)
        self.written_view.setAccessibleName(_("What people wrote"))
        self.written_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.written_view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.written_view.setMinimumHeight(90)
        self.written_view.setMaximumHeight(220)
        self.written: CycleWritten | None = None

        # the header (where we are) and the footer (the team's level, the keys) never scroll
        # away: on a projector the title, "saved" and the keys to move on are always in view
        self.header = QWidget()
        head_box = QVBoxLayout(self.header)
        head_box.setContentsMargins(9, 0, 9, 0)
        head_box.addWidget(self.breadcrumb)
        head_box.addWidget(self.title)

        detail = QWidget()
        detail.setObjectName("consensusDetail")
        right = QVBoxLayout(detail)
        self.charts = QHBoxLayout()
        self.charts.setSpacing(24)
        for title, chart, stretch in ((self.overall_title, self.overall_chart, 2),
                                      (self.groups_title, self.groups_chart, 3)):
            column = QVBoxLayout()
            column.addWidget(title)
            column.addWidget(chart)
            column.addStretch(1)
            self.charts.addLayout(column, stretch)
        right.addLayout(self.charts)
        right.addWidget(self.privacy_note)
        stats = QHBoxLayout()
        stats.addWidget(self.median_label)
        stats.addSpacing(24)
        stats.addWidget(self.agreement_flag)
        stats.addStretch(1)
        right.addLayout(stats)
        right.addWidget(self.agreement_rule)
        right.addWidget(self.written_title)
        right.addWidget(self.written_view)
        right.addStretch(1)

        self.footer = QWidget()
        self.footer.setObjectName("consensusFooter")
        foot = QVBoxLayout(self.footer)
        foot.setContentsMargins(9, 0, 9, 4)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        foot.addWidget(line)
        head = QHBoxLayout()
        head.addWidget(self.consensus_title)
        head.addWidget(self.consensus_state)
        head.addSpacing(16)
        head.addWidget(self.save_state, 1)
        foot.addLayout(head)
        foot.addLayout(buttons)
        foot.addWidget(self.rationale)
        foot.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        foot.addWidget(self.closed_note)
        foot.addWidget(self.help)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(detail)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(60)
        self.right = QWidget()
        right_box = QVBoxLayout(self.right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.setSpacing(2)
        right_box.addWidget(self.header)
        right_box.addWidget(scroll, 1)
        right_box.addWidget(self.footer)
        self.list.setMinimumWidth(200)

        self.empty = plain_label(_("No cycle yet. Start one in Reflect and Listen; its ratings "
                                   "show here for the team to agree on a level."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([280, 820])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.top_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty, 1)

        self.reload()

    # --- loading ---------------------------------------------------------------------------

    @property
    def cycle(self) -> Cycle | None:
        return self.results.cycle if self.results else None

    @property
    def competency_id(self) -> str | None:
        if self.results is None or not 0 <= self.current_row < len(self.results.competencies):
            return None
        return self.results.competencies[self.current_row].competency_id

    def reload(self) -> None:
        """Read the cycles and ratings again (they change in Reflect and Listen)."""
        self.cycle_combo.reload()
        self._load_cycle(keep_form=True)

    def _cycle_chosen(self, _index: int) -> None:
        self.save()
        self._drafts.clear()
        self._dirty = False
        self.current_row = -1
        self._load_cycle(keep_form=False)

    def _load_cycle(self, *, keep_form: bool) -> None:
        cycle_id = self.cycle_combo.cycle_id()
        has_cycle = cycle_id is not None
        self.splitter.setVisible(has_cycle)
        self.empty.setVisible(not has_cycle)
        if cycle_id is None:
            self.results = None
            self.model.set_results(None)
            return
        previous = self.competency_id
        self.results = self.store.results.cycle(self.pack, cycle_id)
        self._load_written()
        self.model.set_results(self.results)
        ids = [c.competency_id for c in self.results.competencies]
        row = ids.index(previous) if previous in ids else (0 if ids else -1)
        self._update_progress()
        self._show(row, keep_form=keep_form and previous in ids)

    def _update_progress(self) -> None:
        if self.results is None:
            return
        done = sum(1 for c in self.results.competencies if c.consensus is not None)
        low = sum(1 for c in self.results.competencies if c.overall.low_agreement)
        self.progress.setText(_("{done} of {total} competencies have a consensus · {low} with low "
                                "agreement").format(done=done, total=len(self.results.competencies),
                                                     low=low))

    # --- moving ----------------------------------------------------------------------------

    def go_to(self, row: int) -> None:
        """Show another competency, saving the consensus being edited first."""
        if self.results is None or not self.results.competencies:
            return
        row = max(0, min(row, len(self.results.competencies) - 1))
        if row == self.current_row:
            return
        self.save()
        self._show(row, keep_form=False)

    def _on_list_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() != self.current_row:
            self.go_to(current.row())

    def _show(self, row: int, *, keep_form: bool) -> None:
        self.current_row = row
        if self.results is None or row < 0:
            return
        self.list.setCurrentIndex(self.model.index(row))
        result = self.results.competencies[row]
        comp = self.pack.competency(result.competency_id)
        cond = self.pack.condition(comp.condition_id)
        star = "  ★" if cond.priority else ""
        self.breadcrumb.setText(f"{cond.name}{star}")
        self.title.setText(comp.name)
        self._show_votes(result)
        if self.written is not None:
            self.written_view.setPlainText(written_text(self.pack, self.written, result.competency_id))
        if not keep_form:
            self._load_form(result)
            self.scroll.verticalScrollBar().setValue(0)  # a new competency shows from its top
        self._update_form_state()

    def _show_votes(self, result: CompetencyResult) -> None:
        overall = result.overall
        dist = overall.distribution
        threshold = self.results.threshold if self.results else ANONYMITY_THRESHOLD
        shown = self.results is None or (self.results.overall_shown and result.overall_shown)
        if self.results is not None:
            self.privacy_note.setText(privacy_text(self.results))
        paper = _(" · {n} from paper tallies").format(n=dist.tallied) if dist.tallied else ""
        if shown:
            self.overall_title.setText(_("All ratings: {n} people").format(n=overall.respondents) + paper)
            self.overall_chart.set_rows(level_rows(dist.as_dict()))
        else:
            self.overall_title.setText(_("All ratings"))
            self.overall_chart.set_rows([BarRow(_("All"), note=(
                disclosure.item_withheld_text(threshold) if self.results and self.results.overall_shown
                else disclosure.no_counts_text(threshold)))])
        rows = []
        for group in ROLE_GROUPS:
            g = result.group(group)
            if g.status == SUPPRESSED:
                rows.append(BarRow(role_label(group), note=hidden_text(threshold)))
            elif g.status == EMPTY or g.summary is None:
                rows.append(BarRow(role_label(group), note=_("no ratings")))
            else:
                label = _("{group} ({n})").format(group=role_label(group), n=g.summary.respondents)
                rows.append(BarRow(label, tuple(g.summary.distribution.as_dict().items())))
        self.groups_chart.set_rows(rows)
        median = choice_name(overall.median) if overall.median else _("none yet")
        self.median_label.setText(f"<b>{html.escape(_('Median:'))}</b> {html.escape(median)}")
        if not shown:
            self.agreement_flag.setText("")
            self.agreement_flag.setProperty("flagged", False)
        elif overall.low_agreement:
            self.agreement_flag.setText(f"{LOW_AGREEMENT_MARK} " + _("Low agreement"))
            self.agreement_flag.setProperty("flagged", True)
        else:
            self.agreement_flag.setText(_("Agreement: people mostly agree"))
            self.agreement_flag.setProperty("flagged", False)
        self.agreement_flag.style().unpolish(self.agreement_flag)
        self.agreement_flag.style().polish(self.agreement_flag)

    # --- the consensus form ----------------------------------------------------------------

    def _load_form(self, result: CompetencyResult) -> None:
        self._loading = True
        consensus = result.consensus
        self._level = consensus.level if consensus else None
        draft = self._drafts.get(self._key(result.competency_id))
        self.rationale.setPlainText(draft if draft is not None else
                                    (consensus.rationale if consensus else ""))
        self._dirty = draft is not None
        self._loading = False

    def _key(self, competency_id: str) -> tuple[str, str]:
        return (self.cycle.id if self.cycle else "", competency_id)

    def _stored(self) -> Consensus | None:
        if self.results is None or self.competency_id is None:
            return None
        return self.results.competencies[self.current_row].consensus

    def _update_form_state(self) -> None:
        for level, button in self.level_buttons.items():
            button.setChecked(level == self._level)
        if self._level is None:
            self.level_group.setExclusive(False)
            for button in self.level_buttons.values():
                button.setChecked(False)
            self.level_group.setExclusive(True)
        stored = self._stored()
        if stored is None:
            self.consensus_state.setText(_("No consensus yet"))
        else:
            self.consensus_state.setText(_("Recorded: {level}").format(level=choice_name(stored.level)))
        self.consensus_state.setProperty("missing", stored is None)
        self.consensus_state.style().unpolish(self.consensus_state)
        self.consensus_state.style().polish(self.consensus_state)
        if self._dirty:
            self.save_state.setText(_("Not saved yet: Ctrl+S saves (moving on saves too)")
                                    if self._level else _("Choose a level (1-4, or 0) to save"))
            self.save_state.setProperty("pending", True)
        elif stored is not None:
            self.save_state.setText(_("✓ Saved"))
            self.save_state.setProperty("pending", False)
        else:
            self.save_state.setText("")
            self.save_state.setProperty("pending", False)
        self.save_state.style().unpolish(self.save_state)
        self.save_state.style().polish(self.save_state)
        editable = self.editable()
        for button in self.level_buttons.values():
            button.setEnabled(editable)
        self.rationale.setReadOnly(not editable)
        self.save_button.setEnabled(editable and self._dirty and self._level is not None)
        cycle = self.cycle
        if self.store.read_only:
            self.closed_note.setText(_("This district is open read-only: consensus cannot be changed."))
        elif cycle is not None and cycle.status != "open":
            self.closed_note.setText(_("This cycle is closed. Reopen it in Reflect and Listen to change "
                                       "its consensus."))
        else:
            self.closed_note.setText("")
        self.closed_note.setVisible(bool(self.closed_note.text()))

    def editable(self) -> bool:
        cycle = self.cycle
        return (cycle is not None and cycle.status == "open" and not self.store.read_only
                and self.competency_id is not None)

    def pending(self) -> bool:
        """Whether a change waits to be saved (here, or a rationale kept for a level)."""
        return self._dirty or bool(self._drafts)

    def flush(self) -> bool:
        """The close contract (``ui/saving.py``): save now; False if something stays unsaved."""
        return self.save() and not self._drafts

    def unsaved_text(self) -> str:
        return _("Consensus: a rationale typed before a level was chosen (choose a level to "
                 "save it)") if self._drafts or self._level is None else _("Consensus: the level "
                                                                          "and rationale shown")

    def choose(self, level: str) -> None:
        """Pick the team's level for the current competency (saved with Save or on moving)."""
        if not self.editable():
            return
        self._level = level
        self._dirty = True
        self._update_form_state()
        if self.presenting:
            self.save()  # on the projector the team sees its level saved at once

    def _rationale_changed(self) -> None:
        if self._loading or not self.editable():
            return
        self._dirty = True
        self._update_form_state()

    def save(self) -> bool:
        """Save the consensus being edited; False if it could not be saved."""
        cid = self.competency_id
        if not self._dirty or cid is None or self.cycle is None:
            return True
        text = self.rationale.toPlainText()
        if self._level is None:
            self._drafts[self._key(cid)] = text  # kept until a level is chosen
            return False
        stored = self._stored()
        record = (stored.replace(level=self._level, rationale=text, updated=utc_now()) if stored
                  else Consensus(competency_id=cid, level=self._level, rationale=text))
        cycle_id = self.cycle.id
        saved = try_save(self, lambda: self.store.save_consensus(cycle_id, record), store=self.store,
                         on_error=self.error.emit, title=_("Consensus not saved"))
        if saved is None:
            return False
        self._drafts.pop(self._key(cid), None)
        self._dirty = False
        self._refresh_results()
        self.saved.emit(saved)
        return True

    def _refresh_results(self) -> None:
        """Recompute after a save, keeping the competency and what is in the form."""
        if self.cycle is None:
            return
        self.results = self.store.results.cycle(self.pack, self.cycle.id)
        # (what people wrote, and whether it shows, does not change with a consensus: it is read
        # when the cycle is loaded, not again at every save, which is every level key when presenting)
        self.model.set_results(self.results)
        self._update_progress()
        self._show(self.current_row, keep_form=True)

    def _load_written(self) -> None:
        if self.results is None:
            self.written = None
            return
        data = self.store.cycle(self.results.cycle.id)
        self.written = cycle_written(self.pack, self.results, data.participants.values(),
                                     data.ratings.values(), data.responses.values())

    # --- presentation ----------------------------------------------------------------------

    def toggle_presentation(self) -> None:
        self.set_presentation(not self.presenting)

    def set_presentation(self, on: bool) -> None:
        """Full screen, large type and high contrast for a projector; Esc leaves."""
        if on == self.presenting:
            return
        self.presenting = on
        self.setProperty("presentation", on)
        for widget in (self, *self.findChildren(QWidget)):
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        for chart in (self.overall_chart, self.groups_chart):
            chart.set_presentation(on)
        self.left.setVisible(not on)
        self.top_bar.setVisible(not on)
        self.save_button.setVisible(not on)  # the level keys save at once
        self.help.setText(_("Keys: ↓ or J next competency · ↑ or K previous · 1-4 level (saved at once) · "
                            "0 not sure · R rationale · PgUp/PgDn scroll · Esc leaves the presentation")
                          if on else _("Keys: ↑↓ or J/K move (saves) · 1-4 level · 0 not sure · R rationale · "
                                       "Ctrl+S save · F11 present, Esc leaves"))
        self.presentation_changed.emit(on)
        window = self.window()
        if on:
            self._window_state = window.windowState()
            window.showFullScreen()
        else:
            window.setWindowState(self._window_state & ~Qt.WindowState.WindowFullScreen)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def heightForWidth(self, width: int) -> int:
        """No height for a width: the window's scroll area then gives the screen the room it
        has (its minimum is small), instead of the height its wrapped labels would like, so the
        header and footer stay in view and only the evidence between them scrolls."""
        return -1

    # --- keyboard and refresh --------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        # Ctrl+S and F11 arrive here from every child too (the rationale box passes them on)
        if event.matches(QKeySequence.StandardKey.Save):
            self.save()
        elif key == Qt.Key.Key_F11:
            self.toggle_presentation()
        elif event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(event)
        elif key in CHOICE_KEYS:
            self.choose(CHOICE_KEYS[key])
        elif key in NEXT_KEYS:
            self.go_to(self.current_row + 1)
        elif key in PREVIOUS_KEYS:
            self.go_to(self.current_row - 1)
        elif key == Qt.Key.Key_R:
            self.rationale.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            bar = self.scroll.verticalScrollBar()
            step = bar.pageStep() if key == Qt.Key.Key_PageDown else -bar.pageStep()
            bar.setValue(bar.value() + step)
        elif key == Qt.Key.Key_Escape and self.presenting:
            self.set_presentation(False)
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.rationale and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape):
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.reload()

    def hideEvent(self, event: Any) -> None:
        if not event.spontaneous():
            self.save()
        super().hideEvent(event)
