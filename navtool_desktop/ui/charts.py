"""Small QPainter charts shared by the screens: level colours and horizontal bar charts.

PySide6-Essentials has no QtCharts, so charts are drawn here. A chart keeps the rows it
draws (:meth:`BarChart.rows`), so tests and screen readers see exactly what is on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from navtool_desktop.core.records import LEVELS, NOT_SURE, RATING_CHOICES
from navtool_desktop.i18n import _
from navtool_desktop.vocabulary import level_name

#: One colour per choice, the same as the level headers of the framework browser.
LEVEL_COLORS: dict[str, str] = {
    "establishing": "#8a5a00",
    "developing": "#1f6f8b",
    "operationalizing": "#2e7d32",
    "refining": "#5e35b1",
    NOT_SURE: "#7a7a7a",
}
#: Light tints of the same colours, for cells below a level and for hidden cells.
LEVEL_TINTS: dict[str, str] = {
    "establishing": "#f3e6cc",
    "developing": "#d4e9f1",
    "operationalizing": "#d9eedb",
    "refining": "#e6def5",
    NOT_SURE: "#e4e4e4",
}
#: The name people see for a level or ``not_sure`` (the words live in :mod:`navtool_desktop.vocabulary`).
choice_name = level_name


def level_color(choice: str | None) -> QColor:
    """The colour of a level (grey for not sure or no level)."""
    return QColor(LEVEL_COLORS.get(choice or NOT_SURE, LEVEL_COLORS[NOT_SURE]))


def level_tint(choice: str | None) -> QColor:
    return QColor(LEVEL_TINTS.get(choice or NOT_SURE, LEVEL_TINTS[NOT_SURE]))


def level_icon(choice: str | None, size: int = 14) -> QIcon:
    """A small square of a level's colour, for list items."""
    pixmap = QPixmap(size, size)
    pixmap.fill(level_color(choice))
    return QIcon(pixmap)


@dataclass(frozen=True, slots=True)
class BarRow:
    """One row of a bar chart: a label and its counts per choice, or a note instead of a bar.

    ``values`` holds ``(choice, count)`` pairs in drawing order. A row with a ``note``
    (for example a hidden role group) draws the note and no numbers at all.
    """

    label: str
    values: tuple[tuple[str, int], ...] = ()
    note: str = ""

    @property
    def total(self) -> int:
        return sum(n for _choice, n in self.values)

    def count(self, choice: str) -> int:
        return sum(n for c, n in self.values if c == choice)

    def describe(self) -> str:
        """The row in words (for screen readers)."""
        if self.note:
            return f"{self.label}: {self.note}"
        parts = ", ".join(f"{choice_name(c)} {n}" for c, n in self.values)
        return f"{self.label}: {parts}"


class BarChart(QWidget):
    """Horizontal bars, one row per :class:`BarRow`.

    ``stacked=False``: each row is one bar (one choice) whose length is its count against
    the largest row. ``stacked=True``: each row is split by choice into shares of 100 %,
    with the counts written in the segments and a colour legend below.
    """

    def __init__(self, *, stacked: bool = False, parent: Any = None) -> None:
        super().__init__(parent)
        self._stacked = stacked
        self._rows: tuple[BarRow, ...] = ()
        self._presentation = False
        self._empty_text = _("No ratings yet")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    # --- data ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[BarRow]) -> None:
        self._rows = tuple(rows)
        self.setAccessibleDescription("; ".join(r.describe() for r in self._rows))
        self.updateGeometry()
        self.update()

    def rows(self) -> tuple[BarRow, ...]:
        """The rows drawn, as shown on screen."""
        return self._rows

    def set_presentation(self, on: bool) -> None:
        """Thicker bars for a projector; a stacked chart drops its legend (the colours are
        named beside it in the overall chart) to leave room for the bars."""
        self._presentation = on
        self.updateGeometry()
        self.update()

    # --- geometry --------------------------------------------------------------------------

    def _row_height(self) -> int:
        line = QFontMetrics(self.font()).height()
        return int(line * (1.4 if self._presentation else 1.6))

    def _legend_lines(self, width: int) -> int:
        """How many lines the colour legend takes at this width."""
        fm = QFontMetrics(self.font())
        box = int(fm.height() * 0.7)
        left = self._label_width()
        lines, x = 1, left
        for choice in RATING_CHOICES:
            item = box + 4 + fm.horizontalAdvance(choice_name(choice)) + 16
            if x > left and x + item - 16 > width:
                lines, x = lines + 1, left
            x += item
        return lines

    def _legend_height(self) -> int:
        if not self._stacked or self._presentation:
            return 0
        fm = QFontMetrics(self.font())
        return (fm.height() + 4) * self._legend_lines(max(self.width(), 200)) + 8

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._stacked:
            self.updateGeometry()  # the legend may wrap onto more lines

    def _label_width(self) -> int:
        fm = QFontMetrics(self.font())
        widest = max((fm.horizontalAdvance(r.label) for r in self._rows), default=0)
        return widest + fm.horizontalAdvance("  ")

    def sizeHint(self) -> QSize:
        rows = max(len(self._rows), 1)
        return QSize(420, rows * self._row_height() + self._legend_height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(self._label_width() + 80, self.sizeHint().height())

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_color = self.palette().windowText().color()
        fm = QFontMetrics(self.font())
        if not self._rows:
            painter.setPen(text_color)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             self._empty_text)
            return
        row_h = self._row_height()
        bar_h = row_h * (0.8 if self._presentation else 0.62)
        label_w = self._label_width()
        number_w = 0 if self._stacked else fm.horizontalAdvance("0000")
        bar_w = max(self.width() - label_w - number_w - 8, 20)
        biggest = max((r.total for r in self._rows), default=0) or 1
        for n, row in enumerate(self._rows):
            top = n * row_h
            painter.setPen(text_color)
            painter.drawText(QRectF(0, top, label_w, row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, row.label)
            y = top + (row_h - bar_h) / 2
            if row.note:
                self._draw_note(painter, QRectF(label_w, y, bar_w, bar_h), row.note)
                continue
            if self._stacked:
                self._draw_stacked(painter, row, QRectF(label_w, y, bar_w, bar_h))
            else:
                self._draw_single(painter, row, QRectF(label_w, y, bar_w, bar_h), biggest,
                                  number_w, text_color)
        if self._stacked and not self._presentation:
            self._draw_legend(painter, len(self._rows) * row_h + 4, label_w, text_color)

    def _draw_note(self, painter: QPainter, rect: QRectF, note: str) -> None:
        pen = QPen(QColor("#9a9a9a"), 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(self.palette().windowText().color())
        font = painter.font()
        font.setItalic(True)
        # shrink the note until it fits: it must be read whole ("hidden: fewer than 3 people")
        while (QFontMetrics(font).horizontalAdvance(note) > rect.width() - 12
               and font.pointSizeF() > 7):
            font.setPointSizeF(font.pointSizeF() - 1)
        painter.save()
        painter.setFont(font)
        painter.drawText(rect.adjusted(8, 0, -4, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, note)
        painter.restore()

    def _draw_single(self, painter: QPainter, row: BarRow, rect: QRectF, biggest: int,
                     number_w: int, text_color: QColor) -> None:
        choice = row.values[0][0] if row.values else NOT_SURE
        width = rect.width() * row.total / biggest
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(level_tint(choice))
        painter.drawRoundedRect(rect, 3, 3)  # the track: where 100 % of the largest row would end
        if width > 0:
            painter.setBrush(level_color(choice))
            painter.drawRoundedRect(QRectF(rect.left(), rect.top(), max(width, 3), rect.height()), 3, 3)
        painter.setPen(text_color)
        bold = painter.font()
        bold.setBold(True)
        painter.save()
        painter.setFont(bold)
        painter.drawText(QRectF(rect.right() + 6, rect.top(), number_w, rect.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(row.total))
        painter.restore()

    def _draw_stacked(self, painter: QPainter, row: BarRow, rect: QRectF) -> None:
        total = row.total
        if total == 0:
            self._draw_note(painter, rect, _("no ratings"))
            return
        fm = QFontMetrics(painter.font())
        x = rect.left()
        for choice, count in row.values:
            if count == 0:
                continue
            width = rect.width() * count / total
            segment = QRectF(x, rect.top(), width, rect.height())
            painter.setPen(QPen(QColor("white"), 1))
            painter.setBrush(level_color(choice))
            painter.drawRect(segment)
            if fm.horizontalAdvance(str(count)) + 6 <= width:
                painter.setPen(QColor("white"))
                painter.drawText(segment, Qt.AlignmentFlag.AlignCenter, str(count))
            x += width

    def _draw_legend(self, painter: QPainter, top: float, left: int, text_color: QColor) -> None:
        fm = QFontMetrics(painter.font())
        box = fm.height() * 0.7
        x = float(left)
        for choice in RATING_CHOICES:
            name = choice_name(choice)
            if x > left and x + box + 4 + fm.horizontalAdvance(name) > self.width():
                x, top = float(left), top + fm.height() + 4  # wrap to a second line
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(level_color(choice))
            painter.drawRect(QRectF(x, top + (fm.height() - box) / 2, box, box))
            x += box + 4
            painter.setPen(text_color)
            painter.drawText(QRectF(x, top, fm.horizontalAdvance(name) + 2, fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
            x += fm.horizontalAdvance(name) + 16


def level_rows(counts: dict[str, int]) -> tuple[BarRow, ...]:
    """One row per choice (the four levels, then not sure) for a single bar chart."""
    return tuple(BarRow(choice_name(c), ((c, counts.get(c, 0)),)) for c in (*LEVELS, NOT_SURE))
