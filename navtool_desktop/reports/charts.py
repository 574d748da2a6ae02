"""Charts drawn with ReportLab graphics: the level heat map, levels per condition, vote bars, timeline.

Every function returns :class:`~reportlab.graphics.shapes.Drawing` flowables sized to a
given width; labels are cut to fit (:func:`~navtool_desktop.reports.text.fit`), never
allowed to run over.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from navtool_desktop.core.records import LEVELS, NOT_SURE
from navtool_desktop.core.results import CycleResults, Distribution
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.reports import fonts, style
from navtool_desktop.reports.common import short_date
from navtool_desktop.reports.tagging import set_role
from navtool_desktop.reports.text import fit, one_line
from navtool_desktop.vocabulary import level_letter

_FONT = fonts.REGULAR
_BOLD = fonts.BOLD


def _mix(color: Color, share: float) -> Color:
    """``color`` faded towards white: share 0 is white, 1 the full colour."""
    share = max(0.0, min(1.0, share))
    return Color(1 - (1 - color.red) * share, 1 - (1 - color.green) * share, 1 - (1 - color.blue) * share)


def _text(x: float, y: float, text: str, size: float = 8, bold: bool = False,
          color: Color = style.INK, anchor: str = "start") -> String:
    return String(x, y, text, fontName=_BOLD if bold else _FONT, fontSize=size, fillColor=color,
                  textAnchor=anchor)


def _figure(d: Drawing, alt: str) -> Drawing:
    """``d`` tagged as a Figure whose Alt text is ``alt`` (the chart in words)."""
    return set_role(d, "Figure", alt)


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def heat_map_text(pack: Pack, results: CycleResults) -> str:
    """The heat map in words: each competency's level and how the votes fell."""
    choices = (*LEVELS, NOT_SURE)
    parts = [_("Heat map of the competencies by level.")]
    for cond in results.conditions:
        parts.append(one_line(pack.condition(cond.condition_id).name) + ":")
        for comp in results.competencies:
            if comp.condition_id != cond.condition_id:
                continue
            source = {"consensus": _("agreed"), "median": _("median vote")}.get(comp.level_source, "")
            level = style.level_name(comp.level) + (f", {source}" if source and comp.level else "")
            dist = comp.overall.distribution
            if dist.total:
                votes = "; ".join(f"{style.level_name(c)} {_pct(dist.count(c) / dist.total)}"
                                  for c in choices if dist.count(c))
                parts.append(_("{name}: {level} (votes: {votes}).").format(
                    name=one_line(pack.competency(comp.competency_id).name), level=level, votes=votes))
            else:
                parts.append(_("{name}: {level} (no votes).").format(
                    name=one_line(pack.competency(comp.competency_id).name), level=level))
    return " ".join(parts)


# --- heat map -------------------------------------------------------------------------------


def heat_map(pack: Pack, results: CycleResults, width: float) -> Drawing:
    """Competencies (rows, grouped by condition) by level (columns).

    A cell's shade is the share of votes at that level; the outlined cell is the
    competency's level (the consensus if recorded, else the median).
    """
    fonts.register()
    row_h, head_h, legend_h = 12.0, 30.0, 26.0
    choices = (*LEVELS, NOT_SURE)
    label_w = min(230.0, width * 0.42)
    cell_w = (width - label_w) / len(choices)
    by_condition: dict[str, list] = {}
    for comp in results.competencies:
        by_condition.setdefault(comp.condition_id, []).append(comp)
    rows = sum(1 + len(v) for v in by_condition.values())
    height = head_h + rows * row_h + legend_h
    d = Drawing(width, height)
    y = height - head_h
    names = [style.level_name(c) for c in choices]
    head_size = min(7.5, *(7.5 * (cell_w - 2) / stringWidth(n, _BOLD, 7.5) for n in names))
    for n, choice in enumerate(choices):
        x = label_w + n * cell_w + cell_w / 2
        d.add(_text(x, y + 16, names[n], head_size, True, style.LEVEL_COLORS[choice], "middle"))
        d.add(_text(x, y + 5, _("% of votes"), 6.5, color=style.MUTED, anchor="middle"))
    for cond in results.conditions:
        comps = by_condition.get(cond.condition_id, [])
        y -= row_h
        d.add(Rect(0, y, width, row_h, fillColor=style.SHADE, strokeColor=None))
        star = " \u2605" if cond.priority else ""
        d.add(_text(3, y + 3.2, fit(pack.condition(cond.condition_id).name + star, width - 6, _BOLD, 8),
                    8, True, style.ACCENT))
        for comp in comps:
            y -= row_h
            d.add(_text(10, y + 3.2, fit(pack.competency(comp.competency_id).name, label_w - 14, _FONT, 8), 8))
            dist: Distribution = comp.overall.distribution
            total = dist.total
            for n, choice in enumerate(choices):
                x = label_w + n * cell_w
                share = dist.count(choice) / total if total else 0.0
                fill = _mix(style.LEVEL_COLORS[choice], 0.08 + 0.92 * share) if total else colors.white
                d.add(Rect(x + 1, y + 1, cell_w - 2, row_h - 2, fillColor=fill, strokeColor=None))
                if total:
                    d.add(_text(x + cell_w / 2, y + 3.2, f"{round(100 * share)}", 7, comp.level == choice,
                                style.text_on(fill), "middle"))
                if comp.level == choice:
                    d.add(Rect(x + 0.5, y + 0.5, cell_w - 1, row_h - 1, fillColor=None,
                               strokeColor=style.INK, strokeWidth=1.6))
            if not total:
                d.add(_text(label_w + 4, y + 3.2, _("no votes"), 7, color=style.MUTED))
    d.add(Rect(0.5, 6, 12, 8, fillColor=None, strokeColor=style.INK, strokeWidth=1.6))
    d.add(_text(18, 7.5, fit(_("outlined: the competency's level (the consensus if recorded, else the "
                               "median vote); shade and number: share of votes at each level"),
                             width - 20, _FONT, 7), 7, color=style.MUTED))
    return _figure(d, heat_map_text(pack, results))


# --- levels per condition -------------------------------------------------------------------


def condition_levels(pack: Pack, results: CycleResults, width: float) -> Drawing:
    """One bar per condition: the mean of its competencies' levels on the 1–4 scale."""
    fonts.register()
    row_h, foot_h = 17.0, 8.0
    label_w = min(190.0, width * 0.36)
    plot_w = width - label_w - 110

    def at(value: float) -> float:  # 1 (Establishing) at the left edge, 4 (Refining) at the right
        return label_w + (value - 1) / 3 * plot_w

    # The levels' names over their lines; names too long to sit side by side (Spanish runs
    # longer) take two rows, every other name on the upper one.
    heads = []
    for n, level in enumerate(LEVELS, start=1):
        anchor = "start" if n == 1 else "end" if n == len(LEVELS) else "middle"
        wide = stringWidth(style.level_name(level), _BOLD, 7.5)
        left = at(n) - {"start": 0.0, "middle": wide / 2, "end": wide}[anchor]
        heads.append((level, at(n), anchor, left, left + wide))
    crowded = any(a[4] + 4 > b[3] for a, b in itertools.pairwise(heads))
    head_h = 31.0 if crowded else 22.0
    height = head_h + len(results.conditions) * row_h + foot_h
    d = Drawing(width, height)
    top = height - head_h
    for n, (level, x, anchor, _left, _right) in enumerate(heads):
        d.add(Line(x, foot_h, x, top + 2, strokeColor=style.RULE, strokeWidth=0.6))
        y = top + 8 + (9 if crowded and n % 2 else 0)
        d.add(_text(x, y, style.level_name(level), 7.5, True, style.LEVEL_COLORS[level], anchor))
    y = top
    for cond in results.conditions:
        y -= row_h
        star = " \u2605" if cond.priority else ""
        d.add(_text(0, y + 5, fit(pack.condition(cond.condition_id).name + star, label_w - 8, _FONT, 8.5), 8.5))
        if cond.level_mean is None:
            d.add(_text(at(1) + 4, y + 5, _("no level yet"), 7.5, color=style.MUTED))
            continue
        color = style.LEVEL_COLORS.get(cond.level or NOT_SURE, style.LEVEL_COLORS[NOT_SURE])
        d.add(Rect(label_w, y + 3, max(2.0, at(cond.level_mean) - label_w), row_h - 6,
                   fillColor=color, strokeColor=None))
        # the number and the level's name: the colour is never the only sign
        d.add(_text(at(cond.level_mean) + 4, y + 5, f"{cond.level_mean:.1f}", 7.5, True))
        d.add(_text(at(cond.level_mean) + 18, y + 5, style.level_name(cond.level), 7, False, style.MUTED))
    return _figure(d, condition_levels_text(pack, results))


def condition_levels_text(pack: Pack, results: CycleResults) -> str:
    """The levels per condition in words."""
    parts = [_("Average level of each condition, from 1 (Establishing) to 4 (Refining).")]
    for cond in results.conditions:
        name = one_line(pack.condition(cond.condition_id).name)
        if cond.level_mean is None:
            parts.append(_("{name}: no level yet.").format(name=name))
        else:
            parts.append(_("{name}: {mean:.1f}, median level {level}.").format(
                name=name, mean=cond.level_mean, level=style.level_name(cond.level)))
    return " ".join(parts)


def condition_levels_note() -> str:
    return _("Bar: the average of the condition's competency levels, from 1 (Establishing) to 4 "
             "(Refining); its colour is their median level. \u2605 marks the four conditions a "
             "district works on first.")


# --- vote bars --------------------------------------------------------------------------------


def vote_bar(dist: Distribution, width: float, height: float = 9.0) -> Drawing:
    """A stacked bar of the votes by choice (levels, then not sure)."""
    d = Drawing(width, height)
    total = dist.total
    if not total:
        d.add(Rect(0, 0, width, height, fillColor=style.SHADE, strokeColor=None))
        return d
    x = 0.0
    for choice in (*LEVELS, NOT_SURE):
        w = width * dist.count(choice) / total
        if w > 0:
            fill = style.LEVEL_COLORS[choice]
            d.add(Rect(x, 0, w, height, fillColor=fill, strokeColor=colors.white, strokeWidth=0.5))
            letter = level_letter(choice)  # the letter names the level in black and white
            if w >= stringWidth(letter, _BOLD, 6) + 2:
                d.add(_text(x + w / 2, height / 2 - 2, letter, 6, True, style.text_on(fill), "middle"))
        x += w
    return _figure(d, vote_bar_text(dist))


def vote_bar_text(dist: Distribution) -> str:
    """The votes in words: "Votes: Establishing 2, Developing 5, …"."""
    if not dist.total:
        return _("No votes.")
    return _("Votes: {counts}.").format(counts=", ".join(
        f"{style.level_name(c)} {dist.count(c)}" for c in (*LEVELS, NOT_SURE)))


def level_legend(width: float) -> Drawing:
    """Colour swatches naming the levels and not sure."""
    d = Drawing(width, 12)
    x = 0.0
    for choice in (*LEVELS, NOT_SURE):
        d.add(Rect(x, 2, 9, 9, fillColor=style.LEVEL_COLORS[choice], strokeColor=None))
        label = f"{level_letter(choice)} {style.level_name(choice)}"
        d.add(_text(x + 12, 3.5, label, 7.5))
        x += 12 + d.contents[-1].getBounds()[2] - d.contents[-1].getBounds()[0] + 14
    return _figure(d, _("Legend: {items}.").format(items=", ".join(
        f"{level_letter(c)} {style.level_name(c)}" for c in (*LEVELS, NOT_SURE))))


# --- timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    """A row of the timeline: a goal (label and target date) or one of its actions."""

    label: str
    is_goal: bool
    start: date | None = None
    end: date | None = None
    status: str = "not_started"


def _months(first: date, last: date) -> list[date]:
    out, d = [], date(first.year, first.month, 1)
    while d <= last:
        out.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def timeline(rows: Sequence[TimelineRow], first: date, last: date, width: float,
             rows_per_chart: int = 40) -> list[Drawing]:
    """A Gantt chart of the actions under their goals, split into charts of ``rows_per_chart``.

    Bars run from an action's start to its due date, coloured by status; a goal's diamond
    marks its target date (an arrow at the right edge when it falls after ``last``).
    """
    fonts.register()
    if last <= first:
        last = first + timedelta(days=30)
    label_w = min(200.0, width * 0.36)
    plot_w = width - label_w - 8
    span = (last - first).days or 1
    months = _months(first, last)
    row_h, head_h = 13.0, 26.0

    def at(day: date) -> float:
        return label_w + max(0, min(span, (day - first).days)) / span * plot_w

    charts = []
    for start in range(0, max(1, len(rows)), rows_per_chart):
        chunk = rows[start:start + rows_per_chart]
        height = head_h + len(chunk) * row_h + 4
        d = Drawing(width, height)
        top = height - head_h
        # month grid: a label every month when there is room, else every quarter
        step = 1 if plot_w / max(1, len(months)) >= 26 else 3 if plot_w / max(1, len(months)) >= 9 else 12
        for m in months:
            x = at(m)
            if first <= m:
                d.add(Line(x, 2, x, top + 2, strokeColor=style.RULE, strokeWidth=0.4))
            if (m.month - 1) % step == 0 or m == months[0]:
                label = m.strftime("%b") if step < 12 else str(m.year)
                if m.month == 1 or m == months[0]:
                    d.add(_text(max(x, label_w), top + 14, str(m.year), 7, True, style.MUTED))
                if step < 12:
                    d.add(_text(max(x, label_w) + 2, top + 4, label, 6.5, color=style.MUTED))
        d.add(Line(label_w, top + 1, width, top + 1, strokeColor=style.MUTED, strokeWidth=0.6))
        y = top
        for row in chunk:
            y -= row_h
            if row.is_goal:
                d.add(Rect(0, y, width, row_h, fillColor=style.SHADE, strokeColor=None))
                d.add(_text(3, y + 3.5, fit(row.label, label_w - 6, _BOLD, 7.5), 7.5, True, style.ACCENT))
                if row.end is not None:
                    if row.end > last:
                        x = width - 4
                        d.add(Polygon([x - 6, y + 2.5, x, y + row_h / 2, x - 6, y + row_h - 2.5],
                                      fillColor=style.ACCENT, strokeColor=None))
                        d.add(_text(x - 9, y + 3.5, _("target {date}").format(date=short_date(row.end.isoformat())),
                                    6.5, color=style.ACCENT, anchor="end"))
                    else:
                        x = at(row.end)
                        c = y + row_h / 2
                        d.add(Polygon([x, c + 4.5, x + 4.5, c, x, c - 4.5, x - 4.5, c],
                                      fillColor=style.ACCENT, strokeColor=colors.white, strokeWidth=0.5))
                continue
            d.add(_text(10, y + 3.5, fit(row.label, label_w - 14, _FONT, 7), 7))
            if row.start is None and row.end is None:
                d.add(_text(label_w + 4, y + 3.5, _("no dates"), 6.5, color=style.MUTED))
                continue
            begin = row.start or row.end
            end = row.end or row.start
            assert begin is not None and end is not None
            x1, x2 = at(begin), at(end)
            bar_w = max(3.0, x2 - x1)
            status_bar(d, x1, y + 3, bar_w, row_h - 6, row.status)
            # the status in words beside the bar (after it when there is room, else before)
            word = style.status_name(row.status)
            word_w = stringWidth(word, _FONT, 6)
            if x1 + bar_w + 3 + word_w <= width:
                d.add(_text(x1 + bar_w + 3, y + 4, word, 6, color=style.MUTED))
            elif x1 - 3 - word_w >= label_w:
                d.add(_text(x1 - 3, y + 4, word, 6, color=style.MUTED, anchor="end"))
        charts.append(_figure(d, timeline_text(chunk)))
    return charts


def timeline_text(rows: Sequence[TimelineRow]) -> str:
    """The timeline in words: each goal's target date, each action's status and dates."""
    parts = [_("Timeline of the actions under their goals.")]
    for row in rows:
        if row.is_goal:
            target = _("target {date}").format(date=short_date(row.end.isoformat())) if row.end else ""
            parts.append(f"{one_line(row.label)}" + (f" ({target})." if target else "."))
            continue
        dates = " \u2013 ".join(short_date(d.isoformat()) for d in (row.start, row.end) if d) or _("no dates")
        parts.append(_("{action}: {status}, {dates}.").format(
            action=one_line(row.label), status=style.status_name(row.status), dates=dates))
    return " ".join(parts)


def status_bar(d: Drawing, x: float, y: float, w: float, h: float, status: str) -> None:
    """A bar in the status's colour AND pattern, so the statuses differ in black and white too:
    not started an empty dashed outline, in progress diagonal stripes, done solid, blocked
    cross-hatched."""
    color = style.STATUS_COLORS.get(status, style.STATUS_COLORS["not_started"])
    if status == "done":
        d.add(Rect(x, y, w, h, fillColor=color, strokeColor=None))
        return
    if status == "not_started":
        d.add(Rect(x, y, w, h, fillColor=colors.white, strokeColor=color, strokeWidth=0.9,
                   strokeDashArray=[2, 1.5]))
        return
    d.add(Rect(x, y, w, h, fillColor=colors.white, strokeColor=color, strokeWidth=0.9))
    directions = (1, -1) if status == "blocked" else (1,)
    step = 3.0
    for direction in directions:
        # lines at 45 degrees, cut to the bar: from (x0, y) up to the right (or left)
        x0 = x - h
        while x0 < x + w:
            ax, ay, bx, by = x0, y, x0 + h, y + h
            if direction < 0:
                ax, bx = bx, ax
            # clip to [x, x + w]
            pts = _clip_segment(ax, ay, bx, by, x, x + w)
            if pts is not None:
                d.add(Line(*pts, strokeColor=color, strokeWidth=0.8))
            x0 += step


def _clip_segment(ax: float, ay: float, bx: float, by: float, left: float, right: float
                  ) -> tuple[float, float, float, float] | None:
    """The part of the segment between the vertical lines ``left`` and ``right``."""
    if ax > bx:
        ax, ay, bx, by = bx, by, ax, ay
    if bx < left or ax > right or bx == ax:
        return None
    slope = (by - ay) / (bx - ax)
    if ax < left:
        ay, ax = ay + slope * (left - ax), left
    if bx > right:
        by, bx = by - slope * (bx - right), right
    return ax, ay, bx, by


def status_legend(width: float) -> Drawing:
    """Swatches naming each action status, and the goal target marker."""
    d = Drawing(width, 12)
    x = 0.0
    for status in style.STATUS_COLORS:
        status_bar(d, x, 2.5, 14, 7, status)
        name = style.status_name(status)
        d.add(_text(x + 17, 3.5, name, 7.5))
        x += 17 + d.contents[-1].getBounds()[2] - d.contents[-1].getBounds()[0] + 14
    c = 6.0
    d.add(Polygon([x + 4, c + 4.5, x + 8.5, c, x + 4, c - 4.5, x - 0.5, c], fillColor=style.ACCENT,
                  strokeColor=None))
    d.add(_text(x + 12, 3.5, one_line(_("Goal target date")), 7.5))
    return _figure(d, _("Legend: {items}; a diamond marks a goal's target date.").format(
        items=", ".join(style.status_name(s) for s in style.STATUS_COLORS)))
