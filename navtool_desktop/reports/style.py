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
    "developing": colors.HexColor("#1b6580"),
    "operationalizing": colors.HexColor("#246628"),
    "refining": colors.HexColor("#5e35b1"),
    NOT_SURE: colors.HexColor("#5c5c5c"),
}
LEVEL_TINTS = {
    "establishing": colors.HexColor("#f3e6cc"),
    "developing": colors.HexColor("#d4e9f1"),
    "operationalizing": colors.HexColor("#d9eedb"),
    "refining": colors.HexColor("#e6def5"),
    NOT_SURE: colors.HexColor("#e4e4e4"),
}
#: Text and bar colours of the action statuses. Never the only sign: the timeline draws each
#: status with its own pattern and word (see charts.status_bar), tables print the word.
STATUS_COLORS = {
    "not_started": colors.HexColor("#55606b"),
    "in_progress": colors.HexColor("#1b6580"),
    "done": colors.HexColor("#246628"),
    "blocked": colors.HexColor("#b3261e"),
}

#: Every text colour is at least this contrast against its background (WCAG 2.1 AA, 1.4.3).
MIN_CONTRAST = 4.5


def luminance(color: colors.Color) -> float:
    """Relative luminance (WCAG 2.1) of an RGB colour."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.red) + 0.7152 * channel(color.green) + 0.0722 * channel(color.blue)


def contrast(foreground: colors.Color, background: colors.Color) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    low, high = sorted((luminance(foreground), luminance(background)))
    return (high + 0.05) / (low + 0.05)


def text_on(fill: colors.Color) -> colors.Color:
    """Black or white, whichever reads better on ``fill`` (always at least 4.5:1)."""
    return colors.black if contrast(colors.black, fill) >= contrast(colors.white, fill) else colors.white




def status_name(status: str) -> str:
    return {"not_started": _("Not started"), "in_progress": _("In progress"), "done": _("Done"),
            "blocked": _("Blocked")}.get(status, status)


def role_group_name(group: str) -> str:
    return {"educator": _("Educators"), "leader": _("Leaders"),
            "community_member": _("Community members"), "learner": _("Learners")}.get(group, group)


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


@functools.cache
def shaped(st: ParagraphStyle) -> ParagraphStyle:
    """``st`` with HarfBuzz shaping on, for text in Arabic, Hebrew or Devanagari (joined letters,
    conjuncts, right-to-left runs in their order)."""
    return ParagraphStyle(f"{st.name}-shaped", parent=st, shaping=1)
