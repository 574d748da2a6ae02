"""Results: a cycle's heat map, strengths and growth areas, the equity lens, change since last time."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core import disclosure
from navtool_desktop.core.records import LEVELS, ROLE_GROUPS
from navtool_desktop.core.results import (
    SHOWN,
    SUPPRESSED,
    Comparison,
    CompetencyChange,
    ConditionChange,
    ConditionResult,
    CycleInput,
    CycleResults,
    compare,
    growth_areas,
    level_index,
    median_rule,
    previous_cycle,
    ranking_rule,
    strengths,
)
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui.charts import choice_name, level_color, level_icon, level_tint
from navtool_desktop.ui.consensus_screen import CycleChooser, hidden_text, privacy_text
from navtool_desktop.ui.cycle_dialogs import ThresholdDialog, role_label
from navtool_desktop.ui.saving import try_save
from navtool_desktop.ui.widgets import plain_label, rich_label
from navtool_desktop.vocabulary import change_word

Index = QModelIndex | QPersistentModelIndex
ItemIdRole = Qt.ItemDataRole.UserRole + 1
#: The level shown in a heat-map row (None when there is none).
LevelRole = Qt.ItemDataRole.UserRole + 2
#: Where that level comes from: consensus, median or none.
SourceRole = Qt.ItemDataRole.UserRole + 3
#: How the level changed since the previous cycle (up, down, same, new, unrated).
ChangeRole = Qt.ItemDataRole.UserRole + 4
#: An equity cell's status: shown, suppressed or empty.
StatusRole = Qt.ItemDataRole.UserRole + 5

ARROWS = {"up": "▲", "down": "▼", "same": "=", "new": "new", "unrated": ""}
PRIORITY_MARK = "★"


def change_text(change: str) -> str:
    """An arrow and a word for a change (``up`` → "▲ up")."""
    if change in ("new", "unrated"):
        return change_word(change) if change == "new" else ""
    return f"{ARROWS[change]} {change_word(change)}"


class HeatMapModel(QAbstractTableModel):
    """One row per competency in scope, grouped by condition; one column per level.

    The cell at a competency's level is filled with the level's colour and says whether
    the level is the team's consensus or only the median; cells below it are tinted.
    """

    CONDITION, COMPETENCY, CHANGE = 0, 1, 2 + len(LEVELS)

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self._results: CycleResults | None = None
        self._comparison: Comparison | None = None
        self._previous_title = ""

    def set_results(self, results: CycleResults | None, comparison: Comparison | None = None,
                    previous_title: str = "") -> None:
        self.beginResetModel()
        self._results, self._comparison, self._previous_title = results, comparison, previous_title
        self.endResetModel()

    def condition_spans(self) -> list[tuple[int, int]]:
        """(first row, number of rows) of each condition, for the view's spans."""
        if self._results is None:
            return []
        spans, row = [], 0
        for cond in self._results.conditions:
            spans.append((row, len(cond.competency_ids)))
            row += len(cond.competency_ids)
        return spans

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() or self._results is None:
            return 0
        return len(self._results.competencies)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3 + len(LEVELS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and 2 <= section < self.CHANGE:
            return self._pack.stage(LEVELS[section - 2]).meaning
        if role == Qt.ItemDataRole.ToolTipRole and section == self.CHANGE and self._previous_title:
            return _("Change since {cycle}").format(cycle=self._previous_title)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == self.CONDITION:
            return _("Condition")
        if section == self.COMPETENCY:
            return _("Competency")
        if section == self.CHANGE:
            return _("Change")
        if 2 <= section < self.CHANGE:
            return choice_name(LEVELS[section - 2])
        return None

    def _condition_change(self, condition_id: str) -> ConditionChange | None:
        if self._comparison is None or self._comparison.previous_cycle_id is None:
            return None
        return next((c for c in self._comparison.conditions if c.condition_id == condition_id), None)

    def _change(self, row: int) -> CompetencyChange | None:
        if self._comparison is None or self._comparison.previous_cycle_id is None:
            return None
        return self._comparison.competencies[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._results is None or not 0 <= index.row() < self.rowCount():
            return None
        result = self._results.competencies[index.row()]
        column = index.column()
        if role == ItemIdRole:
            return result.competency_id
        if role == LevelRole:
            return result.level
        if role == SourceRole:
            return result.level_source
        if role == ChangeRole:
            change = self._change(index.row())
            return change.change if change else None
        if column == self.CONDITION:
            return self._condition_data(result.condition_id, index.row(), role)
        if column == self.COMPETENCY:
            comp = self._pack.competency(result.competency_id)
            if role == Qt.ItemDataRole.DisplayRole:
                if result.level is not None and level_index(result.level) is None:
                    return _("{name} (consensus: not sure)").format(name=comp.name)
                return comp.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return comp.learning_target
            return None
        if column == self.CHANGE:
            return self._change_data(index.row(), role)
        return self._level_data(result.level, result.level_source, LEVELS[column - 2], role)

    def _condition_data(self, condition_id: str, row: int, role: int) -> Any:
        assert self._results is not None
        cond = self._pack.condition(condition_id)
        first = self._results.condition(condition_id).competency_ids[0]
        if self._results.competencies[row].competency_id != first:
            return None  # covered by the first row's span
        change = self._condition_change(condition_id)
        if role == Qt.ItemDataRole.DisplayRole:
            name = f"{PRIORITY_MARK} {cond.name}" if cond.priority else cond.name
            if change is not None and change.change in ARROWS and change.change != "unrated":
                delta = f" {change.delta:+.2f}" if change.delta else ""
                return f"{name}\n{change_text(change.change)}{delta}"
            return name
        if role == Qt.ItemDataRole.ToolTipRole:
            text = _("Priority condition") if cond.priority else cond.name
            if change is not None and change.previous is not None and change.current is not None:
                text += "\n" + _("Average level {before:.2f} then, {now:.2f} now").format(
                    before=change.previous, now=change.current)
            return text
        if role == Qt.ItemDataRole.FontRole and cond.priority:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _change_data(self, row: int, role: int) -> Any:
        change = self._change(row)
        if change is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return change_text(change.change)
        if role == Qt.ItemDataRole.ToolTipRole and change.previous and change.current:
            return _("{before} then, {now} now").format(before=choice_name(change.previous),
                                                        now=choice_name(change.current))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor({"up": "#1b5e20", "down": "#b00020"}.get(change.change, "#333333")))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def _level_data(level: str | None, source: str, column_level: str, role: int) -> Any:
        reached = level_index(level)
        here = level == column_level
        if role == Qt.ItemDataRole.DisplayRole and here:
            return "●" if source == "consensus" else _("median")
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole) and here:
            return (_("Consensus level: {level}") if source == "consensus"
                    else _("No consensus yet; median of the ratings: {level}")).format(
                level=choice_name(column_level))
        if role == Qt.ItemDataRole.BackgroundRole and reached is not None and level is not None:
            if here:
                return QBrush(level_color(level))
            if LEVELS.index(column_level) < reached:
                return QBrush(level_tint(level))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and here:
            return QBrush(QColor("white"))
        if role == Qt.ItemDataRole.FontRole and here:
            font = QFont()
            font.setItalic(source == "median")
            font.setBold(source == "consensus")
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class EquityModel(QAbstractTableModel):
    """Conditions by role group: the mean level of each group's votes, hidden under the threshold.

    Columns: everyone, each role group, then the gap between the highest and lowest group
    shown. Hidden groups show no number at all.
    """

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self._results: CycleResults | None = None

    def set_results(self, results: CycleResults | None) -> None:
        self.beginResetModel()
        self._results = results
        self.endResetModel()

    CONDITION, EVERYONE = 0, 1

    @property
    def gap_column(self) -> int:
        return 2 + len(ROLE_GROUPS)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() or self._results is None:
            return 0
        return len(self._results.conditions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3 + len(ROLE_GROUPS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == self.CONDITION:
            return _("Condition")
        if section == self.EVERYONE:
            return _("Everyone")
        if section == self.gap_column:
            return _("Gap")
        if 2 <= section < self.gap_column:
            return role_label(ROLE_GROUPS[section - 2])
        return None

    def _gap(self, cond: ConditionResult) -> float | None:
        means = [g.summary.mean for g in cond.groups
                 if g.status == SHOWN and g.summary is not None and g.summary.mean is not None]
        return round(max(means) - min(means), 2) if len(means) >= 2 else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._results is None or not 0 <= index.row() < self.rowCount():
            return None
        cond = self._results.conditions[index.row()]
        column = index.column()
        if role == ItemIdRole:
            return cond.condition_id
        if column == self.CONDITION:
            cond_def = self._pack.condition(cond.condition_id)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{PRIORITY_MARK} {cond_def.name}" if cond_def.priority else cond_def.name
            if role == Qt.ItemDataRole.ToolTipRole and cond_def.priority:
                return _("Priority condition")
            if role == Qt.ItemDataRole.FontRole and cond_def.priority:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if column == self.gap_column:
            gap = self._gap(cond)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{gap:.1f}" if gap is not None else "–"
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("Highest group average minus lowest, among the groups shown")
            if role == Qt.ItemDataRole.FontRole and gap is not None and gap >= 1:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if column == self.EVERYONE:
            status, summary = (SHOWN if self._results.overall_shown and cond.overall_shown
                               else SUPPRESSED), cond.overall
        else:
            group = cond.group(ROLE_GROUPS[column - 2])
            status, summary = group.status, group.summary  # type: ignore[assignment]
        if role == StatusRole:
            return status
        if status != SHOWN or summary is None or summary.mean is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return _("hidden") if status == SUPPRESSED else _("no ratings")
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#555555"))
            if role == Qt.ItemDataRole.BackgroundRole and status == SUPPRESSED:
                return QBrush(QColor("#cfcfcf"), Qt.BrushStyle.BDiagPattern)
            if role == Qt.ItemDataRole.ToolTipRole and status == SUPPRESSED:
                return (hidden_text(self._results.threshold).capitalize() + ". "
                        + disclosure.rule_text(self._results.threshold))
            return None
        nearest = LEVELS[max(0, min(3, round(summary.mean) - 1))]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{summary.mean:.1f}\n{choice_name(nearest)}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(level_color(nearest))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("white"))
        if role == Qt.ItemDataRole.ToolTipRole:
            median = choice_name(summary.median) if summary.median else "–"
            return _("Average level {mean:.2f} (1 Establishing … 4 Refining); median {median}; "
                     "{n} people").format(mean=summary.mean, median=median, n=summary.respondents)
        return None


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.setAlternatingRowColors(False)
    return view


class ResultsScreen(QWidget):
    """A cycle's results in one place; reads the store again whenever it is shown."""

    def __init__(self, pack: Pack, store: DistrictStore, parent: Any = None) -> None:
        super().__init__(parent)
        self.pack, self.store = pack, store
        self.results: CycleResults | None = None
        self.comparison: Comparison | None = None
        self._input: CycleInput | None = None

        self.cycle_combo = CycleChooser(store)
        self.cycle_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        cycle_label = QLabel(_("&Cycle:"))
        cycle_label.setBuddy(self.cycle_combo)
        self.compared = plain_label(object_name="legend")
        top = QHBoxLayout()
        top.addWidget(cycle_label)
        top.addWidget(self.cycle_combo)
        top.addWidget(self.compared, 1)

        # heat map tab
        self.heat_model = HeatMapModel(pack, self)
        self.heat_map = _table(self.heat_model, _("Heat map of the competencies by level"))
        self.heat_map.setObjectName("heatMap")
        self.heat_map.verticalHeader().hide()
        header = self.heat_map.horizontalHeader()
        header.setSectionResizeMode(HeatMapModel.COMPETENCY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(HeatMapModel.CONDITION, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(HeatMapModel.CONDITION, 160)
        # wrapped competency names need their rows re-measured once the columns have their widths
        header.sectionResized.connect(lambda *_args: self.heat_map.resizeRowsToContents())
        for column in range(2, HeatMapModel.CHANGE + 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.heat_legend = plain_label(
            _("Coloured cell: the competency's level. ●: the level the team agreed on (consensus); "
              "median: no consensus yet, the middle of the ratings. ★ priority condition. "
              "▲ ▼ =: change since the previous cycle (for a condition, its average level)."),
            object_name="legend")
        self.heat_legend.setToolTip(median_rule())
        self.strengths = QListWidget()
        self.strengths.setObjectName("strengthsList")
        self.strengths.setAccessibleName(_("Strengths"))
        self.strengths.setWordWrap(True)
        self.strengths.setSpacing(3)
        self.growth = QListWidget()
        self.growth.setObjectName("growthList")
        self.growth.setAccessibleName(_("Growth areas"))
        self.growth.setWordWrap(True)
        self.growth.setSpacing(3)
        rule = plain_label(ranking_rule(), object_name="ruleText")
        rule.setToolTip(ranking_rule())
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        for title, widget in ((_("Strengths"), self.strengths), (_("Growth areas"), self.growth)):
            label = plain_label(title, object_name="sectionTitle")
            label.setToolTip(ranking_rule())
            side_layout.addWidget(label)
            side_layout.addWidget(widget, 1)
        side_layout.addWidget(rule)
        heat_tab = QSplitter()
        heat_left = QWidget()
        hl = QVBoxLayout(heat_left)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.heat_map, 1)
        hl.addWidget(self.heat_legend)
        heat_tab.addWidget(heat_left)
        heat_tab.addWidget(side)
        heat_tab.setStretchFactor(0, 3)
        heat_tab.setStretchFactor(1, 1)
        heat_tab.setChildrenCollapsible(False)
        heat_tab.setSizes([880, 250])

        # equity tab
        # the cycle's own threshold: shown, changed only by a recorded change (never by browsing)
        self.privacy = plain_label(object_name="legend")
        self.change_threshold_button = QPushButton(_("Change the privacy &threshold…"))
        self.change_threshold_button.clicked.connect(self.change_threshold)
        self.equity_model = EquityModel(pack, self)
        self.equity = _table(self.equity_model, _("Equity lens: average level by role group and condition"))
        self.equity.setObjectName("equityGrid")
        eh = self.equity.horizontalHeader()
        eh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        eh.setSectionResizeMode(EquityModel.CONDITION, QHeaderView.ResizeMode.Interactive)
        eh.resizeSection(EquityModel.CONDITION, 230)
        eh.setSectionResizeMode(self.equity_model.gap_column, QHeaderView.ResizeMode.Fixed)
        eh.resizeSection(self.equity_model.gap_column, 70)
        self.equity.verticalHeader().hide()
        rows = self.equity.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() * 2 + 14)
        equity_text = rich_label(html.escape(_(
            "How each group sees the conditions: the average level of its votes (1 Establishing, "
            "2 Developing, 3 Operationalizing, 4 Refining), coloured by the nearest level. Groups "
            "with too few people are hidden so nobody's ratings can be singled out. A gap of 1.0 "
            "or more (bold) means two groups are a whole level apart: worth a conversation.")),
            object_name="legend")
        equity_tab = QWidget()
        el = QVBoxLayout(equity_tab)
        row = QHBoxLayout()
        row.addWidget(self.privacy, 1)
        row.addWidget(self.change_threshold_button, 0, Qt.AlignmentFlag.AlignTop)
        el.addLayout(row)
        el.addWidget(self.equity, 1)
        el.addWidget(equity_text)

        self.tabs = QTabWidget()
        self.tabs.addTab(heat_tab, _("Heat &map, strengths and growth areas"))
        self.tabs.addTab(equity_tab, _("E&quity lens"))
        self.empty = plain_label(_("No cycle yet. Results appear once a cycle has ratings."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty, 1)
        self.refresh()

    def refresh(self) -> None:
        """Read the chosen cycle (and the one before it) from the store again."""
        self.cycle_combo.reload()
        cycle_id = self.cycle_combo.cycle_id()
        self.tabs.setVisible(cycle_id is not None)
        self.empty.setVisible(cycle_id is None)
        self._input = CycleInput.of(self.store.cycle(cycle_id)) if cycle_id else None
        self._recompute()

    def _recompute(self) -> None:
        if self._input is None:
            self.results = self.comparison = None
            self.heat_model.set_results(None)
            self.equity_model.set_results(None)
            return
        self.results = self.store.results.cycle(self.pack, self._input.cycle.id)
        self.privacy.setText(privacy_text(self.results))
        self.change_threshold_button.setEnabled(not self.store.read_only)
        before = previous_cycle(self.store.cycles(), self._input.cycle.id)
        previous = self.store.results.cycle(self.pack, before.id) if before else None
        self.comparison = compare(self.results, previous)
        self.heat_model.set_results(self.results, self.comparison, before.title if before else "")
        self.heat_map.clearSpans()
        for first, count in self.heat_model.condition_spans():
            if count > 1:
                self.heat_map.setSpan(first, HeatMapModel.CONDITION, count, 1)
        self.heat_map.resizeRowsToContents()
        self.equity_model.set_results(self.results)
        self._fill_rankings()
        if before is None:
            self.compared.setText(_("No earlier cycle to compare with."))
        else:
            counts = {c: sum(1 for x in self.comparison.competencies if x.change == c)
                      for c in ("up", "down", "same", "new")}
            self.compared.setText(_("Compared with {title} ({date}): {up} ▲ up · {down} ▼ down · "
                                    "{same} = same · {new} new").format(
                title=before.title, date=before.date, **counts))

    def threshold_dialog(self) -> ThresholdDialog | None:
        """The dialog that changes the shown cycle's threshold (None without a cycle)."""
        if self._input is None:
            return None
        cycle = self.store.get_cycle(self._input.cycle.id)
        data = self.store.cycle(cycle.id)
        sizes, total = disclosure.head_counts(data.participants.values(), data.ratings.values(),
                                              data.tallies.values())
        return ThresholdDialog(cycle, sizes, total, self)

    def change_threshold(self) -> None:
        dialog = self.threshold_dialog()
        if dialog is not None and dialog.exec() == ThresholdDialog.DialogCode.Accepted:
            self.apply_threshold(dialog)

    def apply_threshold(self, dialog: ThresholdDialog) -> None:
        """Save the recorded change the dialog holds, then show the results under it."""
        changed = dialog.changed_cycle()
        if try_save(self, lambda: self.store.save_cycle(changed), store=self.store) is not None:
            self.refresh()

    def _fill_rankings(self) -> None:
        assert self.results is not None
        for widget, items in ((self.strengths, strengths(self.results)),
                              (self.growth, growth_areas(self.results))):
            widget.clear()
            for result in items:
                comp = self.pack.competency(result.competency_id)
                how = (_("consensus") if result.level_source == "consensus" else _("median"))
                item = QListWidgetItem(level_icon(result.level), _("{name}: {level} ({how})").format(
                    name=comp.name, level=choice_name(result.level or "not_sure"), how=how))
                widget.addItem(item)
            if not items:
                widget.addItem(_("None yet: no levels to rank."))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()
