"""The printable rating sheet, for participants without a laptop: a form for a pen.

Three variants from one cycle:

- the **full** sheet: one block per competency in the cycle's scope, with the three
  described levels (their descriptors as full sentences), the practices to tick, a box per
  level (and "Not sure") and lines for notes;
- the **compact** sheet: one line per competency with its level boxes and room for a note,
  about a page per condition, to use with
- the **handout**: the level descriptions, printed once per table rather than once per person.

Every box is a drawn square of :data:`BOX_SIZE` (at least 4.5 mm, room for a pen tick), and
every page carries the rater's name or code and role group boxes, so an unstapled page can
still be tallied. The facilitator counts the sheets into the app's tally entry, one
competency and role group at a time, so every competency shows its id.
"""

from __future__ import annotations

import functools
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from navtool_desktop.core.records import Cycle, District
from navtool_desktop.core.results import in_scope
from navtool_desktop.framework import Competency, Pack
from navtool_desktop.i18n import _, language
from navtool_desktop.reports import fonts, style
from navtool_desktop.reports.common import head_cells, hex_color, long_date, para, rich
from navtool_desktop.reports.document import DocumentInfo, build, heading
from navtool_desktop.reports.text import markup
from navtool_desktop.vocabulary import role_name, source_level_name

#: The side of every tick box: 5 mm (forms filled by hand use 4-5 mm; at least 4.5 mm).
BOX_SIZE = 5 * mm
#: The smallest box a test accepts.
MIN_BOX_MM = 4.5
#: The role groups a rater ticks, in the order of the app's role groups.
_ROLES = ("educator", "leader", "community_member", "learner")
_SENTENCE_ENDS = (".", "!", "?", "\u2026", ":", ";")


class TickBox(Flowable):
    """An empty square to tick with a pen, drawn in black."""

    def __init__(self, size: float = BOX_SIZE) -> None:
        super().__init__()
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(style.INK)
        self.canv.setLineWidth(0.9)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)
        self.canv.restoreState()


def sentence(text: str) -> str:
    """A descriptor as a full sentence: a capital first letter and an end mark."""
    text = " ".join(text.split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith(_SENTENCE_ENDS) else text + "."


@functools.cache
def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    """Descriptor, practice and label styles: 9 pt and black, to be read on paper."""
    st = style.styles()
    return (ParagraphStyle("sheet_descriptor", parent=st.cell, fontSize=9, leading=11.5, textColor=style.INK,
                           spaceAfter=2),
            ParagraphStyle("sheet_practice", parent=st.cell, fontSize=9, leading=11, textColor=style.INK),
            ParagraphStyle("sheet_choice", parent=st.cell, fontSize=9, leading=11, textColor=style.INK))


def _boxed(label: Paragraph | str, width: float) -> Table:
    """A tick box with its label beside it."""
    table = Table([[TickBox(), label]], colWidths=[BOX_SIZE + 5, width - BOX_SIZE - 5], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


_VOWELS = frozenset("aeiouáéíóúü")
#: Pairs of letters that begin a Spanish syllable together and are never split
#: ("De-sa-rro-llan-do", "Es-ta-ble-cien-do").
_ONSETS = frozenset(("ll", "rr", "ch", "qu", "gu",
                     *(a + b for a in "bcdfgkpt" for b in "lr")))


def syllable_cuts(word: str) -> list[int]:
    """Where a Spanish ``word`` may be hyphenated: before a consonant (or a pair in
    :data:`_ONSETS`) that a vowel follows, at least two letters from either end. (English
    syllables follow no such rule: "Develo-ping" would be wrong; English words are cut where
    the most fits.)"""
    lower = word.lower()
    cuts = []
    for n in range(2, len(lower) - 1):
        letter, before = lower[n], lower[n - 1]
        if not (letter.isalpha() and before.isalpha()) or letter in _VOWELS:
            continue
        if before + letter in _ONSETS and before not in _VOWELS:
            continue  # inside a pair: "l|l", "b|l"
        onset = 2 if lower[n:n + 2] in _ONSETS else 1
        if lower[n + onset:n + onset + 1] in _VOWELS and lower[n + onset:n + onset + 1]:
            cuts.append(n)
    return cuts


def _broken(name: str, width: float, font: str, size: float, *, spanish: bool = False) -> str:
    """``name`` as markup that fits ``width``: a word too long is hyphenated (a Spanish one
    between syllables: "Estable-ciendo", not "Estableci-endo"); words that fit stay whole, and
    are left to wrap at their spaces."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def fits(text: str) -> bool:
        return stringWidth(text + "-", font, size) <= width

    words = []
    for word in name.split():
        parts = []
        while stringWidth(word, font, size) > width and len(word) > 5:
            good = [n for n in syllable_cuts(word) if fits(word[:n])] if spanish else []
            cut = max(good or [n for n in range(3, len(word) - 2) if fits(word[:n])] or [3])
            parts.append(markup(word[:cut]) + "-")
            word = word[cut:]
        parts.append(markup(word))
        words.append("<br/>".join(parts))
    return " ".join(words)


def _label_size(names: list[str], width: float, font: str, sizes: tuple[float, ...] = (9, 8.5, 8, 7.5)) -> float:
    """The largest of ``sizes`` at which every word of ``names`` fits ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    longest = max((w for name in names for w in name.split()), key=len, default="")
    return next((size for size in sizes if stringWidth(longest, font, size) <= width), sizes[-1])


def _choice_names(pack: Pack) -> list[tuple[str, str]]:
    """(level, its name in the pack's language) for each tick box, "Not sure" last."""
    names = {s.id: s.name for s in pack.stages}
    return [(c, names.get(c, style.level_name(c))) for c in style.ALL_CHOICES]


def _source_of(level: str, name: str) -> str:
    """The English name of a translated level ("" in English): ratings are pooled across languages."""
    english = source_level_name(level)
    return english if english and english != name else ""


def _level_label(level: str, name: str, width: float, font: str, size: float) -> str:
    """A level's name as markup that fits ``width``, the English name under it in small print."""
    english = _source_of(level, name)
    label = _broken(name, width, font, size, spanish=language() == "es")
    if english:
        small = max(5.5, size - 1.5)
        label += f'<br/><font name="{fonts.REGULAR}" size="{small:g}">' \
                 f'{_broken(f"({english})", width, fonts.REGULAR, small)}</font>'
    return label


def _choices_row(pack: Pack) -> Table:
    choices = _choice_names(pack)
    width = style.FRAME_WIDTH / len(choices)
    room = width - 10 - BOX_SIZE - 5 - 2
    size = _label_size([name for _c, name in choices], room, fonts.REGULAR)
    label = ParagraphStyle("sheet_choice_fit", parent=_styles()[2], fontSize=size, leading=size + 2)
    cells = [_boxed(Paragraph(_level_label(c, name, room, label.fontName, size), label), width - 10)
             for c, name in choices]
    table = Table([cells], colWidths=[width] * len(choices), hAlign="LEFT")
    table.setStyle(TableStyle([
        *(("BACKGROUND", (n, 0), (n, 0), style.LEVEL_TINTS[c]) for n, (c, _name) in enumerate(choices)),
        ("LINEAFTER", (0, 0), (-2, 0), 2, style.WHITE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _levels_table(competency: Competency, *, boxes: bool = True) -> Table:
    st = style.styles()
    descriptor, practice, _choice = _styles()
    width = style.FRAME_WIDTH / max(1, len(competency.levels))
    head, body = [], []
    for cell in competency.levels:
        color = style.LEVEL_COLORS[cell.level]
        name = style.level_name(cell.level)
        english = _source_of(cell.level, name)
        small = f' <font size="7">({markup(english)})</font>' if english else ""
        head.append(Paragraph(f'<font color="{hex_color(color)}"><b>{markup(name)}</b>{small}</font>', st.cell))
        parts: list[Any] = [para(sentence(d.text), descriptor) for d in cell.descriptors]
        if cell.practices:
            parts.append(Spacer(1, 2))
            parts.append(para(_("Practices seen (tick):") if boxes else _("Practices to look for:"), st.cell_bold))
            for p in cell.practices:
                text = Paragraph(markup(p.text), practice)
                parts.append(_boxed(text, width - 10) if boxes else Paragraph("\u2022 " + markup(p.text), practice))
        body.append(parts)
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


def _notes_lines() -> Table:
    table = Table([[_("Notes:"), ""], ["", ""], ["", ""]], colWidths=[40, style.FRAME_WIDTH - 40],
                  rowHeights=[20, 20, 20], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), fonts.BOLD, 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), style.INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("LINEBELOW", (1, 0), (1, 0), 0.5, style.MUTED),
        ("LINEBELOW", (0, 1), (1, 2), 0.5, style.MUTED),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))
    return table


def _target(competency: Competency) -> Paragraph:
    st = style.styles()
    return rich("{target} <font size=\"8\" color=\"" + hex_color(style.MUTED) + "\">({id})</font>", st.small,
                target=competency.learning_target, id=competency.id)


def _competency(pack: Pack, competency: Competency) -> list[Flowable]:
    st = style.styles()
    return [
        heading(competency.name, 1),
        _target(competency),
        _levels_table(competency),
        Spacer(1, 4),
        para(_("Where is the district today? Tick one."), st.cell_bold),
        Spacer(1, 2),
        _choices_row(pack),
        _notes_lines(),
        Spacer(1, 14),
    ]


def _rater_line(canvas: Canvas) -> None:
    """Name or code and the role group boxes, above the header rule of every page."""
    size = 8.5
    left, right = style.MARGIN, style.PAGE_WIDTH - style.MARGIN
    y = style.PAGE_HEIGHT - 36 - 2  # the running header's baseline, 6 pt above its rule
    canvas.setFillColor(style.INK)
    canvas.setStrokeColor(style.INK)
    canvas.setFont(fonts.BOLD, size)
    roles = [role_name(r) for r in _ROLES]
    label_role = _("Role group:")
    roles_width = (canvas.stringWidth(label_role, fonts.BOLD, size) + 6
                   + sum(BOX_SIZE + 3 + canvas.stringWidth(r, fonts.REGULAR, size) + 8 for r in roles))
    label_name = _("Name or code:")
    canvas.drawString(left, y, label_name)
    x = left + canvas.stringWidth(label_name, fonts.BOLD, size) + 4
    line_end = right - roles_width - 10
    canvas.setLineWidth(0.6)
    canvas.line(x, y - 2, line_end, y - 2)
    x = line_end + 10
    canvas.drawString(x, y, label_role)
    x += canvas.stringWidth(label_role, fonts.BOLD, size) + 6
    canvas.setFont(fonts.REGULAR, size)
    canvas.setLineWidth(0.9)
    for role in roles:
        canvas.rect(x, y - 4, BOX_SIZE, BOX_SIZE, stroke=1, fill=0)
        x += BOX_SIZE + 3
        canvas.drawString(x, y, role)
        x += canvas.stringWidth(role, fonts.REGULAR, size) + 8


def _intro(pack: Pack, district: District, cycle: Cycle, variant: str) -> list[Flowable]:
    st = style.styles()
    title = {"full": _("Rating sheet: {cycle}"), "compact": _("Rating sheet (compact): {cycle}"),
             "handout": _("What the levels mean: {cycle}")}[variant].format(cycle=cycle.title)
    how = {
        "full": _("For each competency: read the three levels, tick the practices you have seen in the "
                  "district, then tick the one level that best describes the district today (or Not sure). "
                  "Add a note if you wish. There are no wrong answers."),
        "compact": _("For each competency, tick the one level that best describes the district today (or "
                     "Not sure), and add a note if you wish. The handout \u201cWhat the levels mean\u201d "
                     "describes each competency's levels. There are no wrong answers."),
        "handout": _("The levels of each competency, to read while filling in the compact rating sheet. "
                     "Nothing to fill in here: keep this handout for the next person."),
    }[variant]
    out: list[Flowable] = [
        heading(title, 0),
        rich(_("{district}, {date}"), st.lead, district=district.name, date=long_date(cycle.date)),
        para(how, st.body),
    ]
    if variant != "handout":
        out.append(para(_("Write your name or code and tick your role group at the top of every page, so a "
                          "loose page can still be counted."), st.body))
    out.append(para(_("What the levels mean:"), st.cell_bold))
    out += [rich("{name}" + (' <font size="7.5">({english})</font>' if _source_of(stage.id, stage.name) else "")
                 + ": {meaning}", _styles()[0], name=stage.name, english=_source_of(stage.id, stage.name),
                 meaning=stage.meaning) for stage in pack.stages]
    if variant != "handout":
        out.append(para(_("When you are done, give this sheet to your facilitator, who enters the counts in "
                          "the app's tally entry. Your name is never shown in the results."), st.small))
    out.append(Spacer(1, 8))
    return out


def _compact_table(pack: Pack, competencies: list[Competency]) -> Table:
    st = style.styles()
    w = style.FRAME_WIDTH
    choices = _choice_names(pack)
    box_w = 0.095 * w
    rows: list[list[Any]] = [head_cells(_("Competency"), *(name for _c, name in choices), _("Note (optional)"),
                                        centered=range(1, 1 + len(choices)))]
    for comp in competencies:
        rows.append([rich("<b>{name}</b><br/><font size=\"7\">{target}</font>", _styles()[2], name=comp.name,
                          target=f"({comp.id})"),
                     *(TickBox() for _c in choices), ""])
    widths = [w * 0.36, *([box_w] * len(choices)), w * 0.64 - box_w * len(choices)]
    size = _label_size([name for _c, name in choices], box_w - 8, fonts.BOLD, (8, 7.5, 7, 6.5))
    head_style = ParagraphStyle("compact_head", parent=st.cell_head, fontSize=size, leading=size + 2)
    for n, (c, name) in enumerate(choices, start=1):
        rows[0][n] = Paragraph(_level_label(c, name, box_w - 8, fonts.BOLD, head_style.fontSize), head_style)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), style.ACCENT),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (len(choices), -1), "CENTER"),
        *(("BACKGROUND", (n, 1), (n, -1), style.LEVEL_TINTS[c]) for n, (c, _name) in enumerate(choices, start=1)),
        ("GRID", (0, 0), (-1, -1), 0.4, style.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 1), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 5),
    ]))
    return table


def render_rating_sheet(pack: Pack, district: District, cycle: Cycle, *, compact: bool = False,
                        handout: bool = False) -> bytes:
    """The rating sheet of a cycle (every competency in its scope, in framework order).

    ``compact``: one line per competency; ``handout``: the level descriptions only.
    """
    variant = "handout" if handout else "compact" if compact else "full"
    names = {"full": _("Rating sheet"), "compact": _("Rating sheet (compact)"), "handout": _("Levels handout")}
    info = DocumentInfo(
        title=_("{what}: {cycle} \u2014 {district}").format(what=names[variant], cycle=cycle.title,
                                                            district=district.name),
        author=district.name,
        subject=_("Paper rating sheet for {cycle} ({date})").format(cycle=cycle.title, date=cycle.date),
        header_left="" if variant != "handout" else _("{district} \u00b7 {cycle}").format(
            district=district.name, cycle=cycle.title),
        header_right="" if variant != "handout" else names[variant],
        cover=False,
        on_page=None if variant == "handout" else _rater_line,
    )
    return build(lambda: _sheet_story(pack, district, cycle, variant), info)


def _sheet_story(pack: Pack, district: District, cycle: Cycle, variant: str) -> list[Flowable]:
    story: list[Flowable] = _intro(pack, district, cycle, variant)
    for condition_id in in_scope(pack, cycle):
        condition = pack.condition(condition_id)
        star = " \u2605" if condition.priority else ""
        title = heading(condition.name + star, 0, outline=condition.name)
        competencies = list(condition.competencies)
        if variant == "compact":
            # the heading and the table stay together (a condition has a handful of competencies)
            story.append(KeepTogether([title, _compact_table(pack, competencies), Spacer(1, 10)]))
            continue
        story.append(CondPageBreak(120))
        for n, comp in enumerate(competencies):
            block = (_competency(pack, comp) if variant == "full"
                     else [heading(comp.name, 1), _target(comp), _levels_table(comp, boxes=False), Spacer(1, 12)])
            # the condition's heading goes with its first competency: never alone at the foot of a page
            story.append(KeepTogether([title, *block] if n == 0 else block))
    return story
