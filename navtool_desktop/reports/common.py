"""Building blocks the documents share: paragraphs of user text, tables, dates, level chips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from navtool_desktop.i18n import _
from navtool_desktop.reports import style
from navtool_desktop.reports.text import markup, needs_shaping


def _style(st: Any, *texts: str | None) -> Any:
    """``st`` (the body style by default), shaped when one of ``texts`` needs it."""
    st = st or style.styles().body
    return style.shaped(st) if any(needs_shaping(t) for t in texts) else st


def para(text: str | None, st: Any = None) -> Paragraph:
    """User text as a paragraph, always through :func:`~navtool_desktop.reports.text.markup`."""
    return Paragraph(markup(text), _style(st, text))


def rich(template: str, st: Any = None, **values: str | None) -> Paragraph:
    """A paragraph from our own markup ``template`` with user ``values`` escaped into it.

    ``rich("<b>{name}</b> leads", name=user_text)``: the template's tags apply, the
    values stay literal.
    """
    return Paragraph(template.format(**{k: markup(v) for k, v in values.items()}),
                     _style(st, template, *values.values()))


def long_date(iso: str | date | None) -> str:
    """``2025-03-01`` as "March 1, 2025" (empty stays empty)."""
    if not iso:
        return ""
    day = iso if isinstance(iso, date) else date.fromisoformat(str(iso)[:10])
    months = (_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"),
              _("August"), _("September"), _("October"), _("November"), _("December"))
    return _("{month} {day}, {year}").format(month=months[day.month - 1], day=day.day, year=day.year)


def short_date(iso: str | None) -> str:
    """``2025-03-01`` as "Mar 1, 2025" (empty stays empty)."""
    if not iso:
        return ""
    day = date.fromisoformat(iso[:10])
    months = (_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"), _("Jul"), _("Aug"), _("Sep"),
              _("Oct"), _("Nov"), _("Dec"))
    return _("{month} {day}, {year}").format(month=months[day.month - 1], day=day.day, year=day.year)


def data_table(rows: Sequence[Sequence[Flowable | str]], widths: Sequence[float], *,
               header: bool = True, zebra: bool = True, extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """A table with a dark header row, light rules and optional zebra stripes.

    Rows split across pages, and so may a single tall row (a very long text).
    """
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0,
                  splitInRow=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, style.RULE),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), style.ACCENT),
                     ("VALIGN", (0, 0), (-1, 0), "MIDDLE")]
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, style.SHADE]))
    table.setStyle(TableStyle([*commands, *extra]))
    return table


def head_cells(*labels: str, centered: Sequence[int] = ()) -> list[Paragraph]:
    """Header cells of a :func:`data_table` (our own words, escaped all the same); the columns
    in ``centered`` line up with centred numbers."""
    st = style.styles().cell_head
    mid = ParagraphStyle("cell_head_center", parent=st, alignment=TA_CENTER)
    return [Paragraph(markup(label), _style(mid if n in centered else st, label)) for n, label in enumerate(labels)]


def level_chip(level: str | None, st: Any = None) -> Paragraph:
    """A level's name in its colour, bold."""
    color = style.LEVEL_COLORS.get(level or "", style.MUTED)
    name = style.level_name(level)
    return Paragraph(f'<font color="{hex_color(color)}"><b>{markup(name)}</b></font>',
                     _style(st or style.styles().cell, name))


def hex_color(color: colors.Color) -> str:
    """``#rrggbb`` for markup."""
    return "#" + color.hexval()[2:]
