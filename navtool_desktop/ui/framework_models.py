"""Qt item models over a framework pack: thin adapters that own no data of their own."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from navtool_desktop.framework import Pack
from navtool_desktop.framework.search import Hit
from navtool_desktop.i18n import _

#: The role that carries an item's stable id (a condition or competency id).
ItemIdRole = Qt.ItemDataRole.UserRole + 1
PRIORITY_MARK = "★"

Index = QModelIndex | QPersistentModelIndex


class FrameworkTreeModel(QAbstractItemModel):
    """Conditions (in order) with their competencies as children.

    Internal ids: 0 for a condition; ``condition row + 1`` for a competency, so the
    parent of any index is known without keeping Python objects in the index.
    """

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if column != 0 or row < 0 or not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0)
        if parent.internalId() == 0:
            return self.createIndex(row, 0, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._pack.conditions)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return len(self._pack.conditions[parent.row()].competencies)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            cond = self._pack.conditions[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                mark = f"  {PRIORITY_MARK}" if cond.priority else ""
                return f"{cond.order}. {cond.name}{mark}"
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return _("{name}, priority condition").format(name=cond.name) if cond.priority else cond.name
            if role == Qt.ItemDataRole.ToolTipRole and cond.priority:
                return _("Priority condition: work on this one first")
            if role == Qt.ItemDataRole.FontRole and cond.priority:
                font = QFont()
                font.setBold(True)
                return font
            if role == ItemIdRole:
                return cond.id
            return None
        comp = self._pack.conditions[index.internalId() - 1].competencies[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return comp.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return comp.learning_target
        if role == ItemIdRole:
            return comp.id
        return None

    def index_of(self, item_id: str) -> QModelIndex:
        """The index of a condition or competency id (invalid if there is none)."""
        for row, cond in enumerate(self._pack.conditions):
            if cond.id == item_id:
                return self.index(row, 0)
            for child, comp in enumerate(cond.competencies):
                if comp.id == item_id:
                    return self.index(child, 0, self.index(row, 0))
        return QModelIndex()


class SearchResultsModel(QAbstractListModel):
    """The hits of the current search, one row each."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = hit.text if len(hit.text) <= 90 else hit.text[:87] + "…"
            return f"{hit.where}\n{text}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{hit.where}: {hit.text}"
        if role == ItemIdRole:
            return hit.item_id
        return None
