"""Learn and Improve: the action board by status, growth across cycles as charts, goals reached."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any, TypeVar

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core import planning
from navtool_desktop.core.planning import GrowthSeries
from navtool_desktop.core.records import ACTION_STATUSES, LEVELS, Action, Plan, ProgressNote
from navtool_desktop.core.results import CycleResults
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _, plural
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui.charts import choice_name
from navtool_desktop.ui.editors import CtrlArrows, narrow_combo
from navtool_desktop.ui.plan_dialogs import ProgressNotes
from navtool_desktop.ui.plan_models import BoardColumnModel, IdRole, TargetTableModel, status_name
from navtool_desktop.ui.saving import try_save
from navtool_desktop.ui.widgets import plain_label

T = TypeVar("T")

#: Colours of the lines, easy to tell apart (dash patterns differ too).
SERIES_COLORS = ("#0b3c5d", "#c2410c", "#2e7d32", "#7b1fa2", "#1f6f8b", "#8a5a00", "#b00020",
                 "#455a64", "#00838f", "#5d4037", "#ad1457", "#33691e")
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)


@dataclass(frozen=True, slots=True)
class ChartLine:
    """One line of a growth chart: a label and a series of values by cycle."""

    label: str
    series: GrowthSeries
    bold: bool = False


class GrowthChart(QWidget):
    """Levels (1 Establishing … 4 Refining) by cycle date, one line per item."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: tuple[ChartLine, ...] = ()
        self.setMinimumHeight(320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("Growth chart"))

    def set_lines(self, lines: Sequence[ChartLine]) -> None:
        self._lines = tuple(lines)
        described = []
        for line in self._lines:
            values = ", ".join(f"{p.date} {p.value:.1f}" for p in line.series.known if p.value is not None)
            described.append(f"{line.label}: {values or _('no levels')}")
        self.setAccessibleDescription("; ".join(described))
        self.update()

    def lines(self) -> tuple[ChartLine, ...]:
        return self._lines

    def sizeHint(self) -> QSize:
        return QSize(700, 420)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        text = self.palette().windowText().color()
        points = self._lines[0].series.points if self._lines else ()
        if not points:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             _("No cycles yet: growth shows once the district has assessed itself."))
            return
        legend_rows = (len(self._lines) + 1) // 2
        left = float(max(fm.horizontalAdvance(choice_name(lv)) for lv in LEVELS) + 12)
        top, right = float(fm.height()), 16.0
        bottom = self.height() - fm.height() * 2.9 - legend_rows * fm.height() * 1.3
        plot = QRectF(left, top, max(self.width() - left - right, 50), max(bottom - top, 50))
        first = date.fromisoformat(points[0].date)
        span = max((date.fromisoformat(points[-1].date) - first).days, 1)

        def x_of(day: str) -> float:
            return plot.left() + plot.width() * (date.fromisoformat(day) - first).days / span

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * (value - 1) / (len(LEVELS) - 1)

        for n, level in enumerate(LEVELS, 1):  # level grid
            y = y_of(n)
            painter.setPen(QPen(QColor("#d5dde5"), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(QRectF(0, y - fm.height() / 2, left - 8, fm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, choice_name(level))
        last_label = -1e9
        for point in points:  # cycle dates
            x = x_of(point.date)
            painter.setPen(QPen(QColor("#eef1f4"), 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            label = point.date[:7]
            if x - last_label > fm.horizontalAdvance(label) + 8:
                painter.setPen(text)
                painter.drawText(QRectF(x - 40, plot.bottom() + fm.height() * 0.7, 80, fm.height()),
                                 Qt.AlignmentFlag.AlignCenter, label)
                last_label = x
        for n, line in enumerate(self._lines):
            color = QColor(SERIES_COLORS[n % len(SERIES_COLORS)])
            pen = QPen(color, 3.5 if line.bold else 2, DASHES[0 if line.bold else n % len(DASHES)])
            # Lines on the same level are nudged apart a little so that none hides another.
            nudge = 0.0 if line.bold else (n - len(self._lines) / 2) * 1.5
            known = [(x_of(p.date), y_of(p.value) + nudge) for p in line.series.points if p.value is not None]
            painter.setPen(pen)
            for a, b in pairwise(known):
                painter.drawLine(QPointF(*a), QPointF(*b))
            painter.setPen(QPen(color, 1))
            painter.setBrush(color)
            radius = 4.5 if line.bold else 3.0
            for x, y in known:
                painter.drawEllipse(QPointF(x, y), radius, radius)
        self._draw_legend(painter, plot, fm, text)

    def _draw_legend(self, painter: QPainter, plot: QRectF, fm: QFontMetrics, text: QColor) -> None:
        y0 = plot.bottom() + fm.height() * 2.4
        column_w = plot.width() / 2
        for n, line in enumerate(self._lines):
            x = plot.left() + (n % 2) * column_w
            y = y0 + (n // 2) * fm.height() * 1.3
            color = QColor(SERIES_COLORS[n % len(SERIES_COLORS)])
            painter.setPen(QPen(color, 3.5 if line.bold else 2, DASHES[0 if line.bold else n % len(DASHES)]))
            painter.drawLine(QPointF(x, y + fm.height() / 2), QPointF(x + 28, y + fm.height() / 2))
            font = QFont(self.font())
            font.setBold(line.bold)
            painter.setFont(font)
            painter.setPen(text)
            change = line.series.change
            suffix = "" if change is None else f"  ({change:+.1f})"
            painter.drawText(QRectF(x + 34, y, column_w - 40, fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(line.label + suffix, Qt.TextElideMode.ElideRight, int(column_w - 40)))
            painter.setFont(self.font())


class ImproveScreen(QWidget):
    """Learn and Improve: move actions along, note progress, see growth and targets reached."""

    error = Signal(str)
    saved = Signal()

    def __init__(self, pack: Pack, store: DistrictStore, *,
                 today: Callable[[], date] = date.today, parent: Any = None) -> None:
        super().__init__(parent)
        self.pack, self.store = pack, store
        #: What "today" is for overdue marks (tests and screenshots fix it).
        self.today = today
        self._results: list[CycleResults] = []
        title = plain_label(_("Learn and Improve"), object_name="pageTitle")
        self.plan_combo = narrow_combo(QComboBox())
        self.plan_combo.setAccessibleName(_("Plan"))
        self.plan_combo.currentIndexChanged.connect(lambda _n: self._show_plan())
        self.status = plain_label("", object_name="saveStatus")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(16)
        head.addWidget(plain_label(_("Plan:"), wrap=False))
        head.addWidget(self.plan_combo, 1)
        head.addWidget(self.status)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._board_tab(), _("&Action board"))
        self.tabs.addTab(self._growth_tab(), _("&Growth across cycles"))
        self.tabs.addTab(self._targets_tab(), _("Goals &reached"))
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        self.reload()

    # --- building ---------------------------------------------------------------------------

    def _board_tab(self) -> QWidget:
        self.columns: dict[str, BoardColumnModel] = {}
        self.column_views: dict[str, QListView] = {}
        board = QHBoxLayout()
        for status in ACTION_STATUSES:
            model = BoardColumnModel(status, self.pack, lambda: self.today(), self)
            view = QListView()
            view.setModel(model)
            view.setObjectName("boardColumn")
            view.setWordWrap(True)
            view.setSpacing(3)
            # Cards wrap to the column's width: they never need a sideways scroll bar.
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setResizeMode(QListView.ResizeMode.Adjust)
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.setAccessibleName(_("Actions: {status}").format(status=status_name(status)))
            view.selectionModel().currentChanged.connect(lambda cur, _p, s=status: self._on_pick(s, cur.row()))
            CtrlArrows(view, Qt.Key.Key_Left, Qt.Key.Key_Right, self.move_selected)
            self.columns[status], self.column_views[status] = model, view
            column = QVBoxLayout()
            header = plain_label(status_name(status), object_name="boardHeader")
            header.setProperty("status", status)
            column.addWidget(header)
            column.addWidget(view, 1)
            board.addLayout(column, 1)
        self.left_button = QPushButton(_("\u25c0 Move left (Ctrl+Left)"))
        self.left_button.clicked.connect(lambda: self.move_selected(-1))
        self.right_button = QPushButton(_("Move right (Ctrl+Right) \u25b6"))
        self.right_button.clicked.connect(lambda: self.move_selected(1))
        self.picked_label = plain_label(_("Choose an action to move it or note progress."))
        moves = QHBoxLayout()
        moves.addWidget(self.left_button)
        moves.addWidget(self.right_button)
        moves.addWidget(self.picked_label, 1)
        self.notes = ProgressNotes(lambda: self.today())
        self.notes.added.connect(self.add_note)
        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addLayout(board, 1)
        tv.addLayout(moves)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.notes)
        splitter.setSizes([480, 180])
        self._picked: tuple[str, str] | None = None  # (status, action id)
        return splitter

    def _growth_tab(self) -> QWidget:
        self.growth_list = QListWidget()
        self.growth_list.setAccessibleName(_("Conditions"))
        self.growth_list.currentRowChanged.connect(lambda _r: self._show_growth())
        self.chart = GrowthChart()
        self.chart_title = plain_label(object_name="sectionTitle")
        self.chart_note = plain_label(_("Each point is a cycle: the competency's level (consensus, "
                                        "else median). The thick line is the condition's average. "
                                        "In brackets: the change from the first cycle to the last."),
                                      object_name="legend")
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.chart_title)
        rv.addWidget(self.chart, 1)
        rv.addWidget(self.chart_note)
        splitter = QSplitter()
        splitter.addWidget(self.growth_list)
        splitter.addWidget(right)
        splitter.setSizes([330, 790])
        return splitter

    def _targets_tab(self) -> QWidget:
        self.target_model = TargetTableModel(self.pack, self)
        self.targets = QTableView()
        self.targets.setModel(self.target_model)
        self.targets.setAccessibleName(_("Goals and whether their targets were reached"))
        self.targets.verticalHeader().hide()
        self.targets.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.targets.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.targets_summary = plain_label(object_name="sectionTitle")
        rule = plain_label(_("A target counts as reached when the latest cycle after the plan was "
                             "made places the competency at the target level or above."),
                           object_name="legend")
        page = QWidget()
        pv = QVBoxLayout(page)
        pv.addWidget(self.targets_summary)
        pv.addWidget(self.targets, 1)
        pv.addWidget(rule)
        return page

    # --- data -------------------------------------------------------------------------------

    @property
    def plan(self) -> Plan | None:
        plan_id = self.plan_combo.currentData()
        return next((p for p in self.store.plans() if p.id == plan_id), None)

    def reload(self) -> None:
        """Read plans, actions and cycles again."""
        self._results = self.store.results.across(self.pack)
        plans = self.store.plans()
        wanted = self.plan_combo.currentData() or (plans[-1].id if plans else None)  # the newest
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan in reversed(plans):
            mark = _("approved") if plan.status == "approved" else _("draft")
            self.plan_combo.addItem(f"{plan.title} ({mark})", plan.id)
        self.plan_combo.setCurrentIndex(max(self.plan_combo.findData(wanted), 0))
        self.plan_combo.blockSignals(False)
        self._fill_growth_list()
        self._show_plan()

    def _show_plan(self) -> None:
        self._show_board()
        self._show_targets()

    def _plan_actions(self) -> tuple[list[Action], dict[str, Any]]:
        plan = self.plan
        if plan is None:
            return [], {}
        goals = {g.id: g for g in self.store.goals(plan.id)}
        return [a for a in self.store.actions() if a.goal_id in goals], goals

    def _show_board(self, select: str | None = None) -> None:
        actions, goals = self._plan_actions()
        for model in self.columns.values():
            model.set_actions(actions, goals)
        self._picked = None
        if select is not None:
            for status, model in self.columns.items():
                row = model.row_of(select)
                if row >= 0:
                    view = self.column_views[status]
                    view.setCurrentIndex(model.index(row))
                    view.setFocus()
                    self._picked = (status, select)
        self._show_picked()

    def _on_pick(self, status: str, row: int) -> None:
        model = self.columns[status]
        self._picked = (status, model.action(row).id) if row >= 0 else None
        self._show_picked()

    def _picked_action(self) -> Action | None:
        if self._picked is None:
            return None
        return next((a for a in self.store.actions() if a.id == self._picked[1]), None)

    def _show_picked(self) -> None:
        action = self._picked_action()
        self.notes.show_notes(action, self.store.progress_notes(action.id) if action else [])
        writable = not self.store.read_only
        index = ACTION_STATUSES.index(action.status) if action else -1
        self.left_button.setEnabled(writable and action is not None and index > 0)
        self.right_button.setEnabled(writable and action is not None and index < len(ACTION_STATUSES) - 1)
        self.picked_label.setText(_("Chosen: {action} ({status})").format(
            action=action.description, status=status_name(action.status)) if action
            else _("Choose an action to move it or note progress."))
        if not writable:
            for w in (self.notes.date, self.notes.text, self.notes.add_button):
                w.setEnabled(False)

    def move_selected(self, delta: int) -> Action | None:
        """Move the chosen action one column left or right (to the previous or next status)."""
        action = self._picked_action()
        if action is None:
            return None
        index = ACTION_STATUSES.index(action.status) + delta
        if not 0 <= index < len(ACTION_STATUSES):
            return None
        return self.set_status(action, ACTION_STATUSES[index])

    def set_status(self, action: Action, status: str) -> Action | None:
        saved = self._try(lambda: self.store.save_action(action.replace(status=status)))
        if saved is not None:
            self._show_board(select=saved.id)
        return saved

    def add_note(self, note: ProgressNote) -> None:
        if self._try(lambda: self.store.save_progress_note(note)) is not None:
            self.notes.text.clear()
            self._show_picked()

    def _try(self, action: Callable[[], T]) -> T | None:
        """Run a save the app's one way (:func:`~navtool_desktop.ui.saving.try_save`)."""
        return try_save(self, action, store=self.store, status=self.status,
                        on_error=self.error.emit, on_saved=self.saved.emit)

    # --- growth -----------------------------------------------------------------------------

    def _fill_growth_list(self) -> None:
        keep = self.growth_list.currentRow()
        self.growth_list.blockSignals(True)
        self.growth_list.clear()
        self._condition_growth = {s.item_id: s for s in planning.condition_growth(self.pack, self._results)}
        self._competency_growth = {s.item_id: s for s in planning.competency_growth(self.pack, self._results)}
        all_item = QListWidgetItem(_("All conditions"))
        all_item.setData(IdRole, "")
        self.growth_list.addItem(all_item)
        for cond in self.pack.conditions:
            series = self._condition_growth[cond.id]
            change = series.change
            arrow = "" if change is None else "\u2191" if change > 0 else "\u2193" if change < 0 else "="
            trend = "" if change is None else f"  {arrow} {change:+.1f}"
            star = " \u2605" if cond.priority else ""
            item = QListWidgetItem(f"{cond.name}{star}{trend}")
            item.setData(IdRole, cond.id)
            self.growth_list.addItem(item)
        self.growth_list.blockSignals(False)
        self.growth_list.setCurrentRow(keep if keep >= 0 else 1)
        self._show_growth()

    def _show_growth(self) -> None:
        item = self.growth_list.currentItem()
        condition_id = item.data(IdRole) if item else ""
        if not condition_id:
            self.chart_title.setText(_("Every condition: average level by cycle"))
            lines = [ChartLine(c.name, self._condition_growth[c.id]) for c in self.pack.conditions]
        else:
            cond = self.pack.condition(condition_id)
            self.chart_title.setText(_("{condition}: its competencies by cycle").format(condition=cond.name))
            lines = [ChartLine(_("{condition} (average)").format(condition=cond.name),
                               self._condition_growth[cond.id], bold=True)]
            lines += [ChartLine(c.name, self._competency_growth[c.id]) for c in cond.competencies]
        self.chart.set_lines(lines)

    # --- targets ----------------------------------------------------------------------------

    def _show_targets(self) -> None:
        plan = self.plan
        rows = []
        if plan is not None:
            set_on = planning.goal_set_on(plan)
            rows = [(g, planning.target_reached(g, set_on, self._results)) for g in self.store.goals(plan.id)]
        self.target_model.set_rows(rows)
        reached = sum(c.status == planning.REACHED for _g, c in rows)
        summary = plural(len(rows), _("{reached} of {total} goal reached its target level"),
                         _("{reached} of {total} goals reached their target level"))
        self.targets_summary.setText(summary.format(reached=reached, total=len(rows)))

    def showEvent(self, event: Any) -> None:
        """Fresh data each time: Set Goals and Reflect and Listen change what is shown here."""
        super().showEvent(event)
        self.reload()
