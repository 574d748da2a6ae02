"""The printable rating sheet, for participants without a laptop.

One block per competency in the cycle's scope: the three described levels in brief with
their practices to tick, a tick box per level (and "Not sure"), and a line for notes. The
facilitator counts the sheets into the app's tally entry, one competency and role group at
a time, so every block shows its competency's id.
"""

from __future__ import annotations

import functools
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from navtool_desktop.core.records import Cycle, District
from navtool_desktop.core.results import in_scope
from navtool_desktop.framework import Competency, Pack
from navtool_desktop.i18n import _
from navtool_desktop.reports import fonts, style
from navtool_desktop.reports.common import hex_color, long_date, para, rich
from navtool_desktop.reports.document import DocumentInfo, build, heading
from navtool_desktop.reports.text import markup

BOX = "\u2610"  # an empty tick box, drawn by the embedded font


@functools.cache
def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Descriptor, practice and tick-box styles: small, so two competencies fit a page."""
    st = style.styles()
    return (ParagraphStyle("sheet_descriptor", parent=st.cell, fontSize=7.5, leading=9.4, textColor=style.MUTED),
            ParagraphStyle("sheet_practice", parent=st.cell, fontSize=7.8, leading=9.6, leftIndent=9,
                           firstLineIndent=-9, spaceBefore=1.5),
            ParagraphStyle("sheet_choice", parent=st.cell, fontSize=8, leading=10))


def _choices_row(pack: Pack) -> Table:
    names = {s.id: s.name for s in pack.stages}
    choices = [*style.ALL_CHOICES]
    cells = [Paragraph(f'<font size="11">{BOX}</font> {markup(names.get(c, style.level_name(c)))}', _styles()[2])
             for c in choices]
    table = Table([cells], colWidths=[style.FRAME_WIDTH / len(choices)] * len(choices), hAlign="LEFT")
    table.setStyle(TableStyle([
        *(("BACKGROUND", (n, 0), (n, 0), style.LEVEL_TINTS[c]) for n, c in enumerate(choices)),
        ("LINEAFTER", (0, 0), (-2, 0), 2, style.WHITE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def _levels_table(competency: Competency) -> Table:
    st = style.styles()
    descriptor, practice, _choice = _styles()
    head, body = [], []
    for cell in competency.levels:
        color = style.LEVEL_COLORS[cell.level]
        head.append(Paragraph(f'<font color="{hex_color(color)}"><b>{markup(style.level_name(cell.level))}</b></font>',
                              st.cell))
        parts: list[Any] = [para(" ".join(d.text for d in cell.descriptors), descriptor)]
        if cell.practices:
            parts.append(Spacer(1, 3))
            parts.append(para(_("Practices seen (tick):"), st.cell_bold))
            parts += [Paragraph(f"{BOX} " + markup(p.text), practice) for p in cell.practices]
        body.append(parts)
    width = style.FRAME_WIDTH / max(1, len(competency.levels))
    table = Table([head, body], colWidths=[width] * len(head), hAlign="LEFT", splitInRow=1)
    table.setStyle(TableStyle([
        *(("BACKGROUND", (n, 0), (n, 0), style.LEVEL_TINTS[c.level]) for n, c in enumerate(competency.levels)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, style.RULE),
        ("BOX", (0, 0), (-1, -1), 0.5, style.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def _notes_line() -> Table:
    table = Table([[_("Notes:"), ""], ["", ""]], colWidths=[40, style.FRAME_WIDTH - 40], rowHeights=[20, 18],
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.BOLD, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), style.INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("LINEBELOW", (1, 0), (1, 0), 0.5, style.MUTED),
        ("LINEBELOW", (0, 1), (1, 1), 0.5, style.MUTED),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))
    return table


def _competency(pack: Pack, competency: Competency) -> Flowable:
    st = style.styles()
    return KeepTogether([
        heading(competency.name, 1),
        rich("{target} <font size=\"7\" color=\"" + hex_color(style.MUTED) + "\">({id})</font>", st.small,
             target=competency.learning_target, id=competency.id),
        _levels_table(competency),
        Spacer(1, 4),
        para(_("Where is the district today? Tick one."), st.cell_bold),
        Spacer(1, 2),
        _choices_row(pack),
        _notes_line(),
        Spacer(1, 16),
    ])


def _intro(pack: Pack, district: District, cycle: Cycle) -> list[Flowable]:
    st = style.styles()
    roles = "&nbsp;&nbsp;&nbsp;".join(f"{BOX} {markup(name)}" for name in (
        _("Educator"), _("Leader"), _("Community member"), _("Learner")))
    return [
        heading(_("Rating sheet: {cycle}").format(cycle=cycle.title), 0),
        rich(_("{district}, {date}"), st.lead, district=district.name, date=long_date(cycle.date)),
        Paragraph(markup(_("Name or code: ")) + "_" * 40 + "&nbsp;&nbsp;&nbsp;" + markup(_("Date: ")) + "_" * 16,
                  st.body),
        Paragraph(markup(_("I take part as: ")) + roles, st.body),
        Spacer(1, 4),
        para(_("For each competency: read the three levels, tick the practices you have seen in the "
               "district, then tick the one level that best describes the district today (or Not sure). "
               "Add a note if you wish. There are no wrong answers."), st.body),
        para(_("What the levels mean:"), st.cell_bold),
        *(para(f"{stage.name}: {stage.meaning}", st.small) for stage in pack.stages),
        para(_("When you are done, give this sheet to your facilitator, who enters the counts in the "
               "app's tally entry. Your name is never shown in the results."), st.small),
        Spacer(1, 8),
    ]


def render_rating_sheet(pack: Pack, district: District, cycle: Cycle) -> bytes:
    """The rating sheet of a cycle: every competency in its scope, in framework order."""
    story: list[Flowable] = _intro(pack, district, cycle)
    for condition_id in in_scope(pack, cycle):
        condition = pack.condition(condition_id)
        star = " \u2605" if condition.priority else ""
        story.append(CondPageBreak(280))
        story.append(heading(condition.name + star, 0, outline=condition.name))
        story += [_competency(pack, comp) for comp in condition.competencies]
    info = DocumentInfo(
        title=_("Rating sheet: {cycle} \u2014 {district}").format(cycle=cycle.title, district=district.name),
        author=district.name,
        subject=_("Paper rating sheet for {cycle} ({date})").format(cycle=cycle.title, date=cycle.date),
        header_left=_("{district} \u00b7 {cycle}").format(district=district.name, cycle=cycle.title),
        header_right=_("Rating sheet"),
        cover=False,
    )
    return build(story, info)
