"""The look shared by every PDF: page, colours, paragraph styles, level and status words."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle

from navtool_desktop.core.records import LEVELS, NOT_SURE
from navtool_desktop.i18n import _
from navtool_desktop.reports import fonts
from navtool_desktop.vocabulary import level_name as level_name  # the reports' name for it

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 54.0  # 0.75 inch
TOP_MARGIN = 66.0
BOTTOM_MARGIN = 54.0
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN

INK = colors.HexColor("#1d2731")
MUTED = colors.HexColor("#4a5a6a")
ACCENT = colors.HexColor("#0b3c5d")
RULE = colors.HexColor("#c5ced6")
SHADE = colors.HexColor("#eef2f5")
WHITE = colors.white

#: One colour per level, the same hues as the app's charts (navtool_desktop/ui/charts.py).
LEVEL_COLORS = {
    "establishing": colors.HexColor("#8a5a00"),
    "developing": colors.HexColor("#1f6f8b"),
    "operationalizing": colors.HexColor("#2e7d32"),
    "refining": colors.HexColor("#5e35b1"),
    NOT_SURE: colors.HexColor("#7a7a7a"),
}
LEVEL_TINTS = {
    "establishing": colors.HexColor("#f3e6cc"),
    "developing": colors.HexColor("#d4e9f1"),
    "operationalizing": colors.HexColor("#d9eedb"),
    "refining": colors.HexColor("#e6def5"),
    NOT_SURE: colors.HexColor("#e4e4e4"),
}
STATUS_COLORS = {
    "not_started": colors.HexColor("#9aa5b1"),
    "in_progress": colors.HexColor("#1f6f8b"),
    "done": colors.HexColor("#2e7d32"),
    "blocked": colors.HexColor("#b3261e"),
}




def status_name(status: str) -> str:
    return {"not_started": _("Not started"), "in_progress": _("In progress"), "done": _("Done"),
            "blocked": _("Blocked")}.get(status, status)


def role_group_name(group: str) -> str:
    return {"educator": _("Educators"), "leader": _("Leaders"),
            "community_member": _("Community members"), "learner": _("Learners")}.get(group, group)


def level_short(level: str) -> str:
    """One letter per choice, for narrow columns (the legend says what each means)."""
    return {"establishing": "E", "developing": "D", "operationalizing": "O", "refining": "R",
            NOT_SURE: "?"}[level]


ALL_CHOICES: tuple[str, ...] = (*LEVELS, NOT_SURE)


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of the documents."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    lead: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    cell_center: ParagraphStyle
    note: ParagraphStyle


@functools.cache
def styles() -> Styles:
    """The styles, built once (fonts registered first)."""
    fonts.register()
    base = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=10, leading=14, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=6, splitLongWords=1)

    def derive(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)  # type: ignore[arg-type]

    return Styles(
        title=derive("title", fontName=fonts.BOLD, fontSize=26, leading=32, textColor=ACCENT,
                     spaceAfter=12),
        subtitle=derive("subtitle", fontSize=14, leading=19, textColor=MUTED, spaceAfter=6),
        h1=derive("h1", fontName=fonts.BOLD, fontSize=17, leading=22, textColor=ACCENT,
                  spaceBefore=4, spaceAfter=10),
        h2=derive("h2", fontName=fonts.BOLD, fontSize=12.5, leading=16, textColor=ACCENT,
                  spaceBefore=12, spaceAfter=5),
        h3=derive("h3", fontName=fonts.BOLD, fontSize=10.5, leading=14, textColor=INK,
                  spaceBefore=8, spaceAfter=3),
        body=base,
        lead=derive("lead", fontSize=11.5, leading=16.5, spaceAfter=10),
        small=derive("small", fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=4),
        cell=derive("cell", fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_bold=derive("cell_bold", fontName=fonts.BOLD, fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_head=derive("cell_head", fontName=fonts.BOLD, fontSize=8, leading=10, spaceAfter=0,
                         textColor=WHITE),
        cell_center=derive("cell_center", fontSize=8.5, leading=10.5, spaceAfter=0,
                           alignment=TA_CENTER),
        note=derive("note", fontSize=9, leading=12.5, textColor=INK, leftIndent=10,
                    borderPadding=(0, 0, 0, 6), spaceAfter=5),
    )
