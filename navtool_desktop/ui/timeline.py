"""A Gantt-like timeline of a plan's actions across its period, drawn with QPainter.

The widget keeps what it draws (:meth:`Timeline.rows`) so tests and screen readers see it.
Overdue actions carry a red outline, a warning sign and the word "Overdue": never colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from navtool_desktop.core.records import ACTION_STATUSES
from navtool_desktop.i18n import _
from navtool_desktop.ui.plan_models import OVERDUE_COLOR, status_name
from navtool_desktop.vocabulary import month_abbreviation

STATUS_COLORS: dict[str, str] = {"not_started": "#8795a1", "in_progress": "#1f6f8b",
                                 "done": "#2e7d32", "blocked": "#8a4b00"}


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """A goal heading (``status`` empty) or an action bar from ``start`` to ``end``."""

    label: str
    status: str = ""
    start: date | None = None
    end: date | None = None
    overdue: bool = False

    @property
    def heading(self) -> bool:
        return not self.status

    def describe(self) -> str:
        if self.heading:
            return self.label
        when = " \u2013 ".join(d.isoformat() for d in (self.start, self.end) if d) or _("no dates")
        late = _(", overdue") if self.overdue else ""
        return f"{self.label}: {when}, {status_name(self.status)}{late}"


class Timeline(QWidget):
    """Months across the plan period; one bar per action under its goal; a line for today."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[TimelineRow, ...] = ()
        self._first = self._last = date.today()
        self._today = date.today()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Timeline of actions"))

    def set_rows(self, rows: Sequence[TimelineRow], period: tuple[date, date], today: date) -> None:
        """Show ``rows``; the axis covers the period and every dated action."""
        self._rows = tuple(rows)
        dates = [d for r in self._rows for d in (r.start, r.end) if d is not None]
        self._first = min([period[0], *dates]).replace(day=1)
        self._last = max([period[1], *dates])
        self._today = today
        self.setAccessibleDescription("; ".join(r.describe() for r in self._rows))
        self.updateGeometry()
        self.update()

    def rows(self) -> tuple[TimelineRow, ...]:
        return self._rows

    # --- geometry ------------------------------------------------------------------------------

    def _row_height(self) -> int:
        return int(QFontMetrics(self.font()).height() * 1.7)

    def _label_width(self) -> int:
        return min(max(int(self.width() * 0.3), 180), 360)

    def sizeHint(self) -> QSize:
        return QSize(900, (len(self._rows) + 3) * self._row_height() + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(480, self.sizeHint().height())

    def _x(self, day: date, left: float, width: float) -> float:
        span = max((self._last - self._first).days, 1)
        return left + width * (day - self._first).days / span

    # --- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().windowText().color()
        fm = QFontMetrics(self.font())
        row_h = self._row_height()
        if not self._rows:
            painter.setPen(text)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             _("No actions yet: add actions to a goal to see them here."))
            return
        label_w = self._label_width()
        late_w = fm.horizontalAdvance("\u26a0 " + _("Overdue")) + 12
        left, width = float(label_w), float(max(self.width() - label_w - late_w, 60))
        top = float(row_h)
        bottom = top + len(self._rows) * row_h
        self._draw_months(painter, left, width, top, bottom, text)
        for n, row in enumerate(self._rows):
            y = top + n * row_h
            if row.heading:
                painter.fillRect(QRectF(0, y, self.width(), row_h), QColor("#eef3f8"))
                bold = QFont(self.font())
                bold.setBold(True)
                painter.setFont(bold)
                painter.setPen(QColor("#0b3c5d"))
                painter.drawText(QRectF(6, y, self.width() - 12, row_h),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, row.label)
                painter.setFont(self.font())
                continue
            painter.setPen(text)
            label = fm.elidedText(row.label, Qt.TextElideMode.ElideRight, label_w - 24)
            painter.drawText(QRectF(18, y, label_w - 22, row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
            self._draw_bar(painter, row, QRectF(left, y, width, row_h), fm, text)
        self._draw_today(painter, left, width, top, bottom)
        self._draw_legend(painter, bottom + row_h * 0.4, left, fm, text)

    def _draw_months(self, painter: QPainter, left: float, width: float, top: float,
                     bottom: float, text: QColor) -> None:
        fm = QFontMetrics(self.font())
        month = self._first
        while month <= self._last:
            x = self._x(month, left, width)
            nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
            x2 = self._x(min(nxt, self._last), left, width)
            painter.setPen(QPen(QColor("#d5dde5"), 1))
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))
            short = month_abbreviation(month.month)
            name = f"{short} {month.year}" if month.month == 1 or month == self._first else short
            for candidate in (name, short, short[0]):
                name = candidate
                if fm.horizontalAdvance(name) + 4 <= x2 - x:
                    break
            painter.setPen(text)
            painter.drawText(QRectF(x + 2, 0, max(x2 - x, 1), top),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
            month = nxt

    def _draw_bar(self, painter: QPainter, row: TimelineRow, lane: QRectF, fm: QFontMetrics,
                  text: QColor) -> None:
        start, end = row.start or row.end, row.end or row.start
        bar_h = lane.height() * 0.56
        y = lane.top() + (lane.height() - bar_h) / 2
        if start is None or end is None:
            painter.setPen(QColor("#4a5a6a"))
            font = QFont(self.font())
            font.setItalic(True)
            painter.setFont(font)
            painter.drawText(lane.adjusted(4, 0, 0, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, _("no dates yet"))
            painter.setFont(self.font())
            return
        x1 = self._x(start, lane.left(), lane.width())
        x2 = max(self._x(end, lane.left(), lane.width()), x1 + 4)
        bar = QRectF(x1, y, x2 - x1, bar_h)
        painter.setBrush(QColor(STATUS_COLORS[row.status]))
        painter.setPen(QPen(QColor(OVERDUE_COLOR), 2.5) if row.overdue else Qt.PenStyle.NoPen)
        painter.drawRoundedRect(bar, 3, 3)
        if row.status == "blocked":  # a hatched look, so blocked does not rely on colour alone
            painter.setBrush(QBrush(QColor(255, 255, 255, 170), Qt.BrushStyle.BDiagPattern))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(bar, 3, 3)
        if row.overdue:
            painter.setPen(QColor(OVERDUE_COLOR))
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(QRectF(x2 + 6, lane.top(), fm.horizontalAdvance("\u26a0 " + _("Overdue")) + 12,
                                    lane.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             "\u26a0 " + _("Overdue"))
            painter.setFont(self.font())

    def _draw_today(self, painter: QPainter, left: float, width: float, top: float, bottom: float) -> None:
        if not self._first <= self._today <= self._last:
            return
        x = self._x(self._today, left, width)
        painter.setPen(QPen(QColor(OVERDUE_COLOR), 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, top - 4), QPointF(x, bottom))
        painter.drawText(QRectF(x - 40, bottom, 80, 16), Qt.AlignmentFlag.AlignCenter, _("today"))

    def _draw_legend(self, painter: QPainter, y: float, left: float, fm: QFontMetrics, text: QColor) -> None:
        box = fm.height() * 0.7
        x = left
        for status in ACTION_STATUSES:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(STATUS_COLORS[status]))
            painter.drawRect(QRectF(x, y + (fm.height() - box) / 2, box * 1.6, box))
            x += box * 1.6 + 5
            painter.setPen(text)
            name = status_name(status)
            painter.drawText(QRectF(x, y, fm.horizontalAdvance(name) + 2, fm.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
            x += fm.horizontalAdvance(name) + 18
        painter.setPen(QPen(QColor(OVERDUE_COLOR), 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(x, y + (fm.height() - box) / 2, box * 1.6, box), 2, 2)
        x += box * 1.6 + 5
        painter.setPen(text)
        painter.drawText(QRectF(x, y, 200, fm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, _("Overdue"))
