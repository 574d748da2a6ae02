"""The page frame of every PDF: running header, "Page N of M", metadata and the outline.

Documents are built with :func:`build`, which returns the PDF bytes. Headings made with
:func:`heading` become bookmarks (the outline a reader shows beside the pages).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, KeepTogether, LayoutError, PageTemplate, Paragraph

from navtool_desktop import __version__, i18n
from navtool_desktop.i18n import _
from navtool_desktop.reports import fonts, style
from navtool_desktop.reports.common import para
from navtool_desktop.reports.tagging import TaggingCanvas, TaggingFrame, not_in_twin, set_role
from navtool_desktop.reports.text import fit, markup, needs_shaping, one_line
from navtool_desktop.reports.twin import html_twin, sha256

#: Name of the form that holds the page count, drawn on every page before it is known.
_PAGE_COUNT_FORM = "navtool-page-count"
#: Name of the form that holds the HTML twin's SHA-256, known once every page is drawn.
_TWIN_HASH_FORM = "navtool-twin-sha256"


@dataclass(frozen=True)
class DocumentInfo:
    """What the reader's "Document properties" show, and the running header's words."""

    title: str
    author: str
    subject: str
    header_left: str
    header_right: str = ""
    keywords: str = ""
    cover: bool = True  # the first page is a cover: no header or footer on it
    #: Draws more on every page after the running header and footer (the rating sheet's rater
    #: line above the header rule), or None.
    on_page: Callable[[Canvas], None] | None = None


class _Heading(Paragraph):
    """A heading that adds itself to the outline where it lands on the page."""

    def __init__(self, text: str, para_style: Any, level: int, outline: str, key: str) -> None:
        super().__init__(markup(text), style.shaped(para_style) if needs_shaping(text) else para_style)
        self.outline_level = level
        self.outline_title = one_line(outline)
        self.outline_key = key
        self.keepWithNext = True
        self.pdf_role = f"H{min(level, 2) + 1}"  # tagged as H1-H3 (see tagging.py)

    def draw(self) -> None:
        canvas = self.canv
        # an outline level may go at most one deeper than the entry before it
        level = min(self.outline_level, getattr(canvas, "_navtool_outline_level", -1) + 1)
        canvas._navtool_outline_level = level  # type: ignore[attr-defined]
        canvas.bookmarkHorizontal(self.outline_key, 0, self.height + 6)
        canvas.addOutlineEntry(self.outline_title or "\u2014", self.outline_key, level, closed=level >= 1)
        super().draw()


_keys = itertools.count(1)


def heading(text: str, level: int = 0, outline: str | None = None) -> Flowable:
    """A heading at outline ``level`` (0 for chapters, 1 for sections, 2 below)."""
    st = style.styles()
    para_style = (st.h1, st.h2, st.h3)[min(level, 2)]
    return _Heading(text, para_style, level, outline if outline is not None else text, f"h{next(_keys)}")


class _TwinChecksum(Flowable):
    """One line: the HTML twin's SHA-256, drawn from a form defined when the PDF is saved
    (the twin is made from every page's structure, this line's own left out)."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, 16

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(0, 4)
        self.canv.doForm(_TWIN_HASH_FORM)
        self.canv.restoreState()
        self.canv._navtool_twin_hash = True  # type: ignore[attr-defined]


def twin_checksum() -> list[Flowable]:
    """The paragraph that prints the HTML twin's SHA-256 (see :func:`build_with_twin`), kept
    out of the twin itself."""
    st = style.styles()
    text = para(_("An accessible HTML version of this document, for screen readers and the district's website, "
                  "is saved beside this PDF with the same name ending in .html. This is its SHA-256 checksum: "
                  "an HTML file with another checksum (sha256sum, or Get-FileHash in Windows PowerShell) is not "
                  "the one made with this PDF."), st.small)
    line = set_role(_TwinChecksum(), "P")
    return [KeepTogether([not_in_twin(text), not_in_twin(line)])]


class _Canvas(TaggingCanvas):
    """Defines the page-count form just before saving, once the count is known, and the
    HTML twin (with the form of its checksum) once every page is drawn."""

    twin_title = ""
    twin = ""

    def save(self) -> None:
        self.beginForm(_PAGE_COUNT_FORM)
        self.setFont(fonts.REGULAR, 8)
        self.setFillColor(style.MUTED)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        self.twin = html_twin(self.tag_root, self.twin_title, self._tag_lang())
        if getattr(self, "_navtool_twin_hash", False):
            self.beginForm(_TWIN_HASH_FORM)
            self.setFont(fonts.REGULAR, 9)
            self.setFillColor(style.INK)
            self.drawString(0, 0, sha256(self.twin))
            self.endForm()
        self.showOutline()  # readers open with the bookmarks panel shown
        super().save()


class _Document(BaseDocTemplate):
    def __init__(self, out: io.BytesIO, info: DocumentInfo) -> None:
        super().__init__(
            out, pagesize=(style.PAGE_WIDTH, style.PAGE_HEIGHT),
            leftMargin=style.MARGIN, rightMargin=style.MARGIN,
            topMargin=style.TOP_MARGIN, bottomMargin=style.BOTTOM_MARGIN,
            title=one_line(info.title), author=one_line(info.author), subject=one_line(info.subject),
            keywords=one_line(info.keywords), creator=f"Navigation Tool Desktop {__version__}",
            producer=f"Navigation Tool Desktop {__version__} (ReportLab)", lang=i18n.language_tag(),
            initialFontName=fonts.REGULAR,
        )
        self.info = info
        body = TaggingFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover = TaggingFrame(self.leftMargin, self.bottomMargin, self.width, self.height, id="cover",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        templates = [PageTemplate("body", [body], onPage=self._page)]
        if info.cover:
            templates.insert(0, PageTemplate("cover", [cover], onPage=self._cover,
                                             autoNextPageTemplate="body"))
        self.addPageTemplates(templates)

    def _cover(self, canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(style.ACCENT)
        canvas.rect(0, style.PAGE_HEIGHT - 18, style.PAGE_WIDTH, 18, stroke=0, fill=1)
        canvas.restoreState()

    def _page(self, canvas: Canvas, doc: Any) -> None:
        info = self.info
        left, right = style.MARGIN, style.PAGE_WIDTH - style.MARGIN
        top = style.PAGE_HEIGHT - 36
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 8)
        canvas.setFillColor(style.MUTED)
        right_text = fit(info.header_right, 200, size=8)
        right_width = canvas.stringWidth(right_text, fonts.REGULAR, 8)
        canvas.drawString(left, top, fit(info.header_left, right - left - right_width - 24, size=8))
        canvas.drawRightString(right, top, right_text)
        canvas.setStrokeColor(style.RULE)
        canvas.setLineWidth(0.6)
        canvas.line(left, top - 6, right, top - 6)
        # footer: "Page N of M"; M is a form filled in when the document is saved
        label = _("Page {n} of").format(n=canvas.getPageNumber())
        width = canvas.stringWidth(label + " 888", fonts.REGULAR, 8)
        x = right - width
        canvas.drawString(x, 30, label)
        canvas.translate(x + canvas.stringWidth(label + " ", fonts.REGULAR, 8), 30)
        canvas.doForm(_PAGE_COUNT_FORM)
        canvas.restoreState()
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 8)
        canvas.setFillColor(style.MUTED)
        canvas.drawString(left, 30, fit(info.title, x - left - 24, size=8))
        canvas.restoreState()
        if info.on_page is not None:
            canvas.saveState()
            info.on_page(canvas)
            canvas.restoreState()


def build(story: Callable[[], Sequence[Flowable]], info: DocumentInfo) -> bytes:
    """Lay out the story ``story()`` makes on US Letter pages and return the PDF (tagged: see tagging.py)."""
    return build_with_twin(story, info)[0]


def build_with_twin(story: Callable[[], Sequence[Flowable]], info: DocumentInfo) -> tuple[bytes, str]:
    """The PDF of the story ``story()`` makes and its accessible HTML twin (same headings, tables
    and chart words, from the PDF's structure tree; see twin.py). A story that includes
    :func:`twin_checksum` prints the twin's SHA-256.

    A function, not a list: a layout changes the flowables it lays out (split paragraphs,
    shaped words), so the second layout below needs the story made afresh (deep-copying it
    before every first layout cost 0.5 s of a 55-page plan's 1.6 s, 0.11 s of a rating sheet's
    0.55 s, for a layout that is rarely needed)."""
    fonts.register()
    made: list[_Canvas] = []

    def canvasmaker(*args: Any, **kwargs: Any) -> _Canvas:
        made.append(_Canvas(*args, **kwargs))
        made[-1].twin_title = one_line(info.title)
        return made[-1]

    def lay_out(flowables: list[Flowable]) -> bytes:
        out = io.BytesIO()
        _Document(out, info).build(flowables, canvasmaker=canvasmaker)
        return out.getvalue()

    try:
        pdf = lay_out(list(story()))
    except LayoutError:
        # ReportLab cannot split some very long shaped paragraphs (Devanagari over a page):
        # lay the document out again without shaping rather than give no PDF at all
        fonts.shaping_on = False
        try:
            pdf = lay_out(list(story()))
        finally:
            fonts.shaping_on = True
    return pdf, made[-1].twin
