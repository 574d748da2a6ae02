"""Personal code slips for phone rating: one slip per participant, eight to a page, to cut.

Each slip has the person's name and role group, a QR code of the rating page's address with
their personal code (after ``#``, so the code never travels in a request line), the code in
large letters for typing, and the address for a phone that cannot scan. The QR code is drawn
as vector squares from ``segno``'s matrix (the same QR maker as the projector's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from navtool_desktop.i18n import _
from navtool_desktop.reports import style
from navtool_desktop.reports.common import para, rich
from navtool_desktop.reports.document import DocumentInfo, build
from navtool_desktop.vocabulary import role_name

#: Slips across and down a US Letter page (each about 3.3 x 2.2 inches).
COLUMNS, ROWS = 2, 4


@dataclass(frozen=True)
class Slip:
    name: str
    role_group: str
    code: str       #: as printed ("K7PM-3QXA")
    link: str       #: the page's address with the code after "#c="


class QrCode(Flowable):
    """A QR code as black squares on white (error correction M, a four-module quiet zone)."""

    def __init__(self, text: str, size: float) -> None:
        import segno

        super().__init__()
        self.matrix = [list(row) for row in segno.make(text, error="m").matrix]
        self.size = size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.matrix) + 8
        cell = self.size / count
        canv = self.canv
        canv.saveState()
        canv.setFillColorRGB(1, 1, 1)
        canv.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canv.setFillColorRGB(0, 0, 0)
        for r, row in enumerate(self.matrix):
            for c, dark in enumerate(row):
                if dark:
                    canv.rect((c + 4) * cell, self.size - (r + 5) * cell, cell, cell, stroke=0, fill=1)
        canv.restoreState()


def _slip(slip: Slip, address: str, width: float) -> Table:
    st = style.styles()
    qr = 30 * mm
    code = ParagraphStyle("slip-code", parent=st.h1, fontSize=16, leading=20, spaceBefore=0,
                          spaceAfter=4, textColor=style.INK)
    inside = width - 16  # the outer cell's padding
    rows = [
        [para(slip.name, st.h2), ""],
        [para(role_name(slip.role_group), st.small), ""],
        [QrCode(slip.link, qr), [rich("<b>{code}</b>", code, code=slip.code),
                                 para(_("Scan this QR code with your phone's camera, or open the "
                                        "address below and type the code. Then choose a 4-digit "
                                        "PIN."), st.cell)]],
        [para(address, st.cell_bold), ""],
    ]
    inner = Table(rows, colWidths=[qr + 4 * mm, inside - qr - 4 * mm])
    inner.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("SPAN", (0, 0), (1, 0)), ("SPAN", (0, 1), (1, 1)),
                               ("SPAN", (0, 3), (1, 3)),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return inner


def render_slips(title: str, address: str, slips: Sequence[Slip]) -> bytes:
    """The slips of one cycle as a PDF (cut along the dashed lines)."""
    info = DocumentInfo(title=_("Personal codes for rating on phones: {title}").format(title=title),
                        author="Navigation Tool Desktop",
                        subject=_("One slip per participant; each code works only for this cycle "
                                  "until rating ends."),
                        header_left=_("Personal codes: {title}").format(title=title),
                        header_right=_("Cut along the dashed lines"), cover=False)
    return build(lambda: [_slips_table(address, slips)], info)


def _slips_table(address: str, slips: Sequence[Slip]) -> Table:
    width = style.FRAME_WIDTH / COLUMNS
    cells = [_slip(s, address, width) for s in slips]
    rows = [cells[i:i + COLUMNS] + [""] * (COLUMNS - len(cells[i:i + COLUMNS]))
            for i in range(0, len(cells), COLUMNS)] or [[""] * COLUMNS]
    height = (style.PAGE_HEIGHT - style.TOP_MARGIN - style.BOTTOM_MARGIN - 8) / ROWS
    table = Table(rows, colWidths=[width] * COLUMNS, rowHeights=[height] * len(rows))
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, style.MUTED, None, (3, 3)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return table
