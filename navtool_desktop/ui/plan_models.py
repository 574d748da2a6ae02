"""Qt item models of Set Goals and Learn and Improve: thin adapters over planning records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from navtool_desktop.core import planning
from navtool_desktop.core.planning import Suggestion, TargetCheck
from navtool_desktop.core.records import Action, Goal
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _, plural
from navtool_desktop.ui.charts import choice_name
from navtool_desktop.ui.widgets import HeaderedTableModel
from navtool_desktop.vocabulary import action_status_name, target_status_name

Index = QModelIndex | QPersistentModelIndex
#: The role that carries a row's record id (competency id for suggestions).
IdRole = Qt.ItemDataRole.UserRole + 1

OVERDUE_COLOR = "#b00020"
OVERDUE_TINT = "#fde7ea"
BLOCKED_COLOR = "#8a4b00"
REACHED_COLOR = "#2e7d32"


#: The words for an action's status and a target's (they live in :mod:`navtool_desktop.vocabulary`).
status_name = action_status_name
target_name = target_status_name


def competency_title(pack: Pack, competency_id: str) -> str:
    """"Voice (Agency)"; the bare id for a competency the pack lacks."""
    try:
        comp = pack.competency(competency_id)
    except KeyError:
        return competency_id
    return _("{competency} ({condition})").format(competency=comp.name,
                                                   condition=pack.condition(comp.condition_id).name)




def standard_icon(which: QStyle.StandardPixmap) -> QIcon:
    style = QApplication.style()
    return style.standardIcon(which) if style is not None else QIcon()


def marks_text(marks: Sequence[str], action: Action, today: date) -> str:
    """"Overdue (12 days)", "Blocked", both, or nothing: the marks in words, never colour alone."""
    words = []
    if planning.OVERDUE in marks:
        days = planning.days_overdue(action, today)
        words.append(plural(days, _("Overdue ({days} day)"), _("Overdue ({days} days)")).format(days=days))
    if planning.BLOCKED in marks:
        words.append(_("Blocked"))
    return " · ".join(words)


class SuggestionModel(QAbstractListModel):
    """Suggested priorities, each with its level, score and reasons in words."""

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self._items: tuple[Suggestion, ...] = ()

    def set_suggestions(self, items: Sequence[Suggestion]) -> None:
        self.beginResetModel()
        self._items = tuple(items)
        self.endResetModel()

    def suggestion(self, row: int) -> Suggestion:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            reasons = "\n".join("   \u2022 " + planning.reason_text(self._pack, r) for r in item.reasons)
            return _("{title}: {level}, {score} points\n{reasons}").format(
                title=competency_title(self._pack, item.competency_id),
                level=choice_name(item.level) if item.level else _("no level"), score=item.score,
                reasons=reasons)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.data(index).replace("\n", ". ")
        if role == Qt.ItemDataRole.ToolTipRole:
            return planning.suggestion_rule()
        if role == IdRole:
            return item.competency_id
        return None


class GoalListModel(QAbstractListModel):
    """The goals (priorities) of a plan in the team's order, with their target check."""

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self._goals: list[Goal] = []
        self._checks: dict[str, TargetCheck] = {}

    def set_goals(self, goals: Sequence[Goal], checks: dict[str, TargetCheck] | None = None) -> None:
        self.beginResetModel()
        self._goals = list(goals)
        self._checks = dict(checks or {})
        self.endResetModel()

    def goals(self) -> list[Goal]:
        return list(self._goals)

    def goal(self, row: int) -> Goal:
        return self._goals[row]

    def row_of(self, goal_id: str) -> int:
        return next((n for n, g in enumerate(self._goals) if g.id == goal_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._goals)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._goals):
            return None
        goal = self._goals[index.row()]
        check = self._checks.get(goal.id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            try:
                name = self._pack.competency(goal.competency_id).name
            except KeyError:
                name = goal.competency_id
            text = _("{n}. {competency}\n{current} \u2192 {target} by {date}").format(
                n=index.row() + 1, competency=name, current=choice_name(goal.current_level),
                target=choice_name(goal.target_level), date=goal.target_date)
            if check is not None:
                text += "\n" + _("Target: {status}").format(status=target_name(check.status))
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("{title}, {term}").format(
                title=competency_title(self._pack, goal.competency_id),
                term=_("short term") if goal.term == "short" else _("long term"))
        if role == Qt.ItemDataRole.DecorationRole and check is not None:
            return standard_icon(QStyle.StandardPixmap.SP_DialogApplyButton
                                 if check.status == planning.REACHED
                                 else QStyle.StandardPixmap.SP_MessageBoxInformation)
        if role == Qt.ItemDataRole.ForegroundRole and check is not None \
                and check.status == planning.REACHED:
            return QBrush(QColor(REACHED_COLOR))
        if role == IdRole:
            return goal.id
        return None


class ActionTableModel(HeaderedTableModel):
    """Actions (of one goal, or of a whole plan) with status and overdue/blocked marks."""

    def headers(self) -> tuple[str, ...]:
        return (_("Action"), _("Owner"), _("Start"), _("Due"), _("Status"), _("Attention"))
    ATTENTION = 5

    def __init__(self, today: Callable[[], date] = date.today, parent: Any = None) -> None:
        super().__init__(parent)
        self._today = today
        self._actions: list[Action] = []

    def set_actions(self, actions: Sequence[Action]) -> None:
        self.beginResetModel()
        self._actions = planning.ordered_actions(actions)
        self.endResetModel()

    def action(self, row: int) -> Action:
        return self._actions[row]

    def row_of(self, action_id: str) -> int:
        return next((n for n, a in enumerate(self._actions) if a.id == action_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._actions)



    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._actions):
            return None
        action = self._actions[index.row()]
        today = self._today()
        marks = planning.action_marks(action, today)
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            values = (action.description, action.owner, action.start or "\u2014",
                      action.due or "\u2014", status_name(action.status),
                      marks_text(marks, action, today))
            return values[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and action.resources:
            return _("Resources: {resources}").format(resources=action.resources)
        if role == Qt.ItemDataRole.DecorationRole and column == self.ATTENTION and marks:
            return standard_icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ForegroundRole and marks and column in (3, self.ATTENTION):
            return QBrush(QColor(OVERDUE_COLOR if planning.OVERDUE in marks else BLOCKED_COLOR))
        if role == Qt.ItemDataRole.BackgroundRole and planning.OVERDUE in marks:
            return QBrush(QColor(OVERDUE_TINT))
        if role == IdRole:
            return action.id
        return None


class BoardColumnModel(QAbstractListModel):
    """One column of the action board: the plan's actions with one status."""

    def __init__(self, status: str, pack: Pack, today: Callable[[], date] = date.today,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.status = status
        self._pack = pack
        self._today = today
        self._actions: list[Action] = []
        self._goals: dict[str, Goal] = {}

    def set_actions(self, actions: Sequence[Action], goals: dict[str, Goal]) -> None:
        self.beginResetModel()
        self._actions = planning.ordered_actions(a for a in actions if a.status == self.status)
        self._goals = dict(goals)
        self.endResetModel()

    def action(self, row: int) -> Action:
        return self._actions[row]

    def row_of(self, action_id: str) -> int:
        return next((n for n, a in enumerate(self._actions) if a.id == action_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._actions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._actions):
            return None
        action = self._actions[index.row()]
        today = self._today()
        marks = planning.action_marks(action, today)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            goal = self._goals.get(action.goal_id)
            lines = [action.description]
            if goal is not None:
                try:
                    lines.append(self._pack.competency(goal.competency_id).name)
                except KeyError:
                    lines.append(goal.competency_id)
            details = [d for d in (action.owner, _("due {date}").format(date=action.due)
                                   if action.due else "") if d]
            if details:
                lines.append(" \u00b7 ".join(details))
            if planning.OVERDUE in marks:
                lines.append("\u26a0 " + marks_text((planning.OVERDUE,), action, today))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole and marks:
            return standard_icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ForegroundRole and planning.OVERDUE in marks:
            return QBrush(QColor(OVERDUE_COLOR))
        if role == IdRole:
            return action.id
        return None


class TargetTableModel(HeaderedTableModel):
    """Goals with their target check: reached, not reached, or not assessed yet."""

    def headers(self) -> tuple[str, ...]:
        return (_("Goal"), _("Target"), _("Latest level"), _("Result"))

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self._rows: list[tuple[Goal, TargetCheck]] = []

    def set_rows(self, rows: Sequence[tuple[Goal, TargetCheck]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)



    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        goal, check = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            latest = (_("{level} ({date})").format(level=choice_name(check.level), date=check.cycle_date)
                      if check.level else "\u2014")
            values = (competency_title(self._pack, goal.competency_id),
                      _("{level} by {date}").format(level=choice_name(goal.target_level),
                                                    date=goal.target_date),
                      latest, target_name(check.status))
            return values[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 3:
            return standard_icon({planning.REACHED: QStyle.StandardPixmap.SP_DialogApplyButton,
                                  planning.NOT_REACHED: QStyle.StandardPixmap.SP_DialogCancelButton}
                                 .get(check.status, QStyle.StandardPixmap.SP_MessageBoxQuestion))
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return QBrush(QColor({planning.REACHED: REACHED_COLOR,
                                  planning.NOT_REACHED: OVERDUE_COLOR}.get(check.status, "#4a5a6a")))
        if role == IdRole:
            return goal.id
        return None
