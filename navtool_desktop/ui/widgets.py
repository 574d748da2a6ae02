"""Small helpers shared by the screens: labels whose text format is never guessed, table headers.

Qt guesses whether a label's text is HTML; a name with "<" or "&" would then be misread.
Every label says what it holds: :func:`plain_label` shows text exactly as given;
:func:`rich_label` shows HTML that the caller built from escaped text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel


def plain_label(text: str = "", *, object_name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if object_name:
        label.setObjectName(object_name)
    return label


def rich_label(html_text: str = "", *, object_name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html_text)
    label.setWordWrap(wrap)
    if object_name:
        label.setObjectName(object_name)
    return label


class HeaderedTableModel(QAbstractTableModel):
    """A table model whose columns are a fixed list of headers: subclasses give ``headers()``
    (translated when shown), ``rowCount`` and ``data``."""

    def headers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        headers = self.headers()
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(headers):
            return headers[section]
        return None
