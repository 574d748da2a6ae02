"""Tagged PDF for screen readers: marked content while drawing, the structure tree when saving.

How it works, in short:

1. :class:`TaggingCanvas` keeps every page's content inside marked content: everything is an
   ``/Artifact`` (running header, footer, table rules, backgrounds) unless a tagged flowable
   is drawing, which the canvas wraps in ``/Role <</MCID n>> BDC … EMC``.
2. :class:`TaggingFrame` gives every flowable the frame draws its role (:func:`role_of`:
   headings H1–H3, paragraphs P, tables Table/TR/TH/TD through ReportLab's table render
   callback, charts Figure with Alt text) and records the structure element it made.
3. When the document is saved, :meth:`TaggingCanvas.save` writes the ``StructTreeRoot`` with
   its ``ParentTree``, ``/MarkInfo``, ``DisplayDocTitle``, the XMP packet (PDF/UA's
   ``pdfuaid:part`` 1, ``dc:title``) and, on every page, ``/StructParents`` and ``/Tabs /S``,
   all with ReportLab's own PDF objects (no second pass), before any signature.

Documents get all of this from :func:`navtool_desktop.reports.document.build`; a flowable
chooses a role other than the default by setting ``pdf_role`` (and ``alt_text`` for a
figure), see :func:`set_role`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import toColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFPage,
    PDFStream,
    PDFString,
)
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Image, Paragraph, Table
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import HRFlowable, PageBreak, Spacer

from navtool_desktop.reports import fonts
from navtool_desktop.reports.text import BREAK, markup, needs_actual_text, needs_shaping, runs

#: Roles that are drawn as one marked-content sequence (their content is the element's).
LEAF_ROLES = frozenset({"H1", "H2", "H3", "P", "LI", "Lbl", "LBody", "TH", "TD", "Figure", "Caption",
                        "Div", "Span"})
#: A paragraph starting with one of these is a list item; consecutive items make one list.
BULLETS = ("\u2022", "\u25e6", "\u2013 ")
#: Roles drawn as nothing, so nothing of them is tagged.
ARTIFACT = "Artifact"


@dataclass
class StructElem:
    """One element of the structure tree, as recorded while drawing."""

    role: str
    parent: StructElem | None = None
    alt: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    #: the words of a leaf, in logical order (for the HTML twin)
    text: str = ""
    #: a table's piece on a later page (the twin joins the pieces)
    continued: bool = False
    #: False for what only the PDF says (the twin's own SHA-256, see :func:`not_in_twin`)
    in_twin: bool = True
    #: children in reading order: elements, or ``(page index, MCID)`` of marked content
    kids: list[StructElem | tuple[int, int]] = field(default_factory=list)

    def add(self, kid: StructElem) -> StructElem:
        kid.parent = self
        self.kids.append(kid)
        return kid

    def walk(self) -> list[StructElem]:
        out = [self]
        for kid in self.kids:
            if isinstance(kid, StructElem):
                out += kid.walk()
        return out


def set_role(flowable: Any, role: str, alt: str | None = None) -> Any:
    """Give ``flowable`` a structure role (``"Artifact"`` for decoration) and, for a figure,
    its Alt text; returns the flowable. Works on ReportLab drawings too."""
    object.__setattr__(flowable, "pdf_role", role)
    if alt is not None:
        object.__setattr__(flowable, "alt_text", " ".join(alt.split()))
    return flowable


def not_in_twin(flowable: Any) -> Any:
    """Keep ``flowable`` out of the HTML twin (it stays tagged in the PDF): for the line that
    prints the twin's SHA-256, which the twin cannot contain. Returns the flowable."""
    object.__setattr__(flowable, "pdf_twin", False)
    return flowable


def role_of(flowable: Flowable) -> str | None:
    """The role the frame tags ``flowable`` with; None for flowables that draw nothing."""
    explicit = getattr(flowable, "pdf_role", None)
    if explicit:
        return str(explicit)
    if isinstance(flowable, (Spacer, PageBreak, ActionFlowable)):
        return None
    if isinstance(flowable, HRFlowable):
        return ARTIFACT
    if isinstance(flowable, Table):
        return "Table"
    if isinstance(flowable, Paragraph):
        return "LI" if _plain_text(flowable).lstrip().startswith(BULLETS) else "P"
    if isinstance(flowable, (Drawing, Image)):
        # a figure without words is decoration; the documents give every chart its words
        return "Figure" if getattr(flowable, "alt_text", None) else ARTIFACT
    return "Div"


class TaggingCanvas(Canvas):
    """A canvas whose page content is all marked content (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tag_root = StructElem("Document")
        self._tag_stack: list[StructElem] = [self.tag_root]
        self._tag_leaf: StructElem | None = None
        self._tag_span = False
        self._open_list: StructElem | None = None  # the list the next item joins
        self._leaf_depth = 0
        self._page_mcids: list[list[StructElem]] = [[]]
        self._code.append("/Artifact BMC")

    # --- while drawing ----------------------------------------------------------------------

    def open_group(self, role: str, **attrs: Any) -> StructElem:
        """Start an element whose children are elements (Table, TR, L)."""
        elem = self._tag_stack[-1].add(StructElem(role, attrs=dict(attrs)))
        self._tag_stack.append(elem)
        return elem

    def form_field_here(self, name: str) -> None:
        """A ``Form`` structure element at this place in the reading order, for the form field
        ``name`` added after the layout (signing.add_signature_fields hangs the field's
        widget in it); the element has no page content of its own."""
        self._tag_stack[-1].add(StructElem("Form", attrs={"T": name}, in_twin=False))

    def close_group(self) -> None:
        elem = self._tag_stack.pop()
        if not elem.kids and elem.parent is not None:  # drew nothing: leave no empty element
            elem.parent.kids.remove(elem)

    def begin_leaf(self, role: str, alt: str | None = None, actual: str | None = None, text: str = "",
                   **attrs: Any) -> None:
        """Start marked content belonging to a new element ``role`` (inside another one, the
        content simply stays the outer element's). ``actual`` is the text in logical order when
        the drawn glyphs are shaped or reordered (/ActualText, for copy, search and readers)."""
        self._leaf_depth += 1
        if self._leaf_depth > 1:
            return
        if role == ARTIFACT:
            self._tag_leaf = None  # already inside the page's artifact sequence
            return
        elem = self._tag_stack[-1].add(StructElem(role, alt=alt, attrs=dict(attrs), text=text))
        mcids = self._page_mcids[-1]
        elem.kids.append((len(self._page_mcids) - 1, len(mcids)))
        span = f" /Span <</ActualText {_pdf_text(actual)}>> BDC" if actual is not None else ""
        self._code.append(f"EMC /{role} <</MCID {len(mcids)}>> BDC{span}")
        mcids.append(elem)
        self._tag_leaf = elem
        self._tag_span = actual is not None

    def end_leaf(self) -> None:
        self._leaf_depth -= 1
        if self._leaf_depth > 0:
            return
        if self._tag_leaf is not None:
            self._code.append(("EMC " if self._tag_span else "") + "EMC /Artifact BMC")
        self._tag_leaf = None

    def showPage(self) -> None:
        self._code.append("EMC")
        super().showPage()
        self._code.append("/Artifact BMC")
        self._page_mcids.append([])

    # --- strings drawn directly (running header, chart labels) -------------------------------

    def drawString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        if not _needs_faces(text):
            super().drawString(x, y, text, *args, **kwargs)
            return
        # other scripts: one line laid out like a paragraph, so it gets the fallback faces,
        # shaping and right-to-left order the paragraphs get
        st = ParagraphStyle("inline", fontName=self._fontname, fontSize=self._fontsize,
                            leading=self._fontsize * 1.2, textColor=toColor(self._fillColorObj),
                            shaping=1 if needs_shaping(text) else 0)
        para = Paragraph(markup(text), st)
        _w, height = para.wrap(1e6, 1e6)
        para.drawOn(self, x, y - height + self._fontsize)

    def drawRightString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        if not _needs_faces(text):
            super().drawRightString(x, y, text, *args, **kwargs)
            return
        self.drawString(x - _width(text, self._fontname, self._fontsize), y, text)

    def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kwargs: Any) -> None:
        if not _needs_faces(text):
            super().drawCentredString(x, y, text, *args, **kwargs)
            return
        self.drawString(x - _width(text, self._fontname, self._fontsize) / 2, y, text)

    # --- when saving --------------------------------------------------------------------------

    def save(self) -> None:
        if self._code == ["/Artifact BMC"]:  # the empty page after the last showPage
            self._code = []
            self._page_mcids.pop()
        self._write_structure()
        super().save()

    def _write_structure(self) -> None:
        doc = self._doc
        pages: list[PDFPage] = list(doc.Pages.pages)
        page_refs = [doc.Reference(page) for page in pages]
        elems = self.tag_root.walk()
        names = {id(e): f"NavStructElem{n}" for n, e in enumerate(elems)}
        root_name = "NavStructTreeRoot"

        def ref(elem: StructElem | None) -> PDFObjectReference:
            return PDFObjectReference(root_name if elem is None else names[id(elem)])

        for elem in elems:
            # (/Type /StructElem is optional: 2,000 elements in a long plan, so it is left out)
            d: dict[str, Any] = {"S": PDFName(elem.role), "P": ref(elem.parent)}
            first_page = next((k[0] for k in elem.kids if isinstance(k, tuple)), None)
            if first_page is not None and first_page < len(page_refs):
                d["Pg"] = page_refs[first_page]
            kids: list[Any] = []
            for kid in elem.kids:
                if isinstance(kid, StructElem):
                    kids.append(ref(kid))
                elif kid[0] == first_page:
                    kids.append(kid[1])
                else:
                    kids.append(PDFDictionary({"Type": PDFName("MCR"), "Pg": page_refs[kid[0]], "MCID": kid[1]}))
            if kids:
                d["K"] = kids[0] if len(kids) == 1 else PDFArray(kids)
            if elem.alt:
                d["Alt"] = PDFString(elem.alt)
            attrs = {k: v for k, v in elem.attrs.items() if k != "T"}
            if "T" in elem.attrs:  # the element's title: the form field it is for (see form_field_here)
                d["T"] = PDFString(elem.attrs["T"])
            if attrs:
                d["A"] = PDFDictionary({k: PDFName(v) if isinstance(v, str) else v for k, v in attrs.items()})
            doc.Reference(PDFDictionary(d), names[id(elem)])
        nums: list[Any] = []
        for n, page in enumerate(pages):
            page.__NoDefault__ = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
            page.StructParents = n
            page.Tabs = PDFName("S")
            mcids = self._page_mcids[n] if n < len(self._page_mcids) else []
            # each page's array on its own (indirect): adding the signature fields' entries to
            # the parent tree later rewrites only the list of these references
            nums += [n, doc.Reference(PDFArray([ref(e) for e in mcids]), f"NavParents{n}")]
        # the Form elements by field name, so the signature fields find theirs without walking
        # the whole tree (signing.sign._tag_widgets: 0.8 s of a 55-page plan otherwise)
        forms: list[Any] = []
        for elem in elems:
            if elem.role == "Form" and "T" in elem.attrs:
                forms += [PDFString(elem.attrs["T"]), ref(elem)]
        tree = PDFDictionary({"Type": PDFName("StructTreeRoot"), "K": PDFArray([ref(self.tag_root)]),
                              "ParentTree": PDFDictionary({"Nums": PDFArray(nums)}),
                              "ParentTreeNextKey": len(pages), "NavForms": PDFArray(forms)})
        self.tag_root.parent = None
        doc.Reference(tree, root_name)
        doc.Catalog.StructTreeRoot = PDFObjectReference(root_name)
        doc.Catalog.MarkInfo = PDFDictionary({"Marked": "true"})
        # the XMP packet: PDF/UA's identifier and the title (pyHanko updates its dates and
        # producer at each signature; signing/revisions.py allows only that)
        doc.Catalog.Metadata = PDFStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                                         xmp_packet(doc.info.title, doc.info.author, doc.info.subject,
                                                    self._tag_lang()).encode("utf-8"), filters=[])
        self.setViewerPreference("DisplayDocTitle", "true")

    def _tag_lang(self) -> str:
        lang = getattr(self._doc.Catalog, "Lang", None)
        return str(lang.s if hasattr(lang, "s") else lang or "en-US")


#: PDF/UA-1's identifier, in the XMP packet of every document.
PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"


def xmp_packet(title: str, author: str, subject: str, lang: str) -> str:
    """The document's XMP metadata: title, author, subject, language and ``pdfuaid:part`` 1."""
    from xml.sax.saxutils import escape as x

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{x(value)}</rdf:li></rdf:Alt>'

    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:pdfuaid="{PDFUA_NS}">'
            "<pdfuaid:part>1</pdfuaid:part>"
            f"<dc:title>{alt(title)}</dc:title>"
            f"<dc:creator><rdf:Seq><rdf:li>{x(author)}</rdf:li></rdf:Seq></dc:creator>"
            f"<dc:description>{alt(subject)}</dc:description>"
            f"<dc:language><rdf:Bag><rdf:li>{x(lang)}</rdf:li></rdf:Bag></dc:language>"
            "<dc:format>application/pdf</dc:format>"
            "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
            '<?xpacket end="w"?>')


def _needs_faces(text: str) -> bool:
    return any(ord(ch) > 0x24F and fonts.font_for(ch) is not None for ch in text)


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(chunk, face or font, size) for face, chunk in runs(text))


def _pdf_text(text: str) -> str:
    """A PDF text string (UTF-16 with its byte-order mark, as hex)."""
    return "<FEFF" + " ".join(text.split()).encode("utf-16-be").hex().upper() + ">"


def _plain_text(value: Any) -> str:
    """The words of a cell or flowable, in logical order."""
    if isinstance(value, str):
        return value
    if isinstance(value, Paragraph) and hasattr(value, "pdf_text"):
        return str(value.pdf_text)  # a piece of a split paragraph (see TaggingFrame.split)
    if isinstance(value, Paragraph):
        # the markup it was made from: after layout its words are the shaped glyphs (the
        # second half of a split paragraph has no markup: its words, unshaped in that case)
        raw = re.sub(r"<br\s*/?>", "\n", str(getattr(value, "text", "") or ""))
        raw = raw.replace("\n", " ").replace(BREAK, "")
        return html.unescape(re.sub(r"<[^>]*>", "", raw)) if raw.strip() else value.getPlainText()
    if getattr(value, "alt_text", None):
        return str(value.alt_text)
    if isinstance(value, (list, tuple)):
        return " ".join(_plain_text(v) for v in value)
    return ""


def _actual(value: Any) -> str | None:
    """The /ActualText of a paragraph or cell in a script whose glyphs do not give its words
    (see text.needs_actual_text); "" for the later pieces of a split one (the first piece
    carries all its words); None when the glyphs read right as they are."""
    text = _plain_text(value)
    if needs_actual_text(text):
        return text
    return "" if getattr(value, "pdf_shaped", False) else None


def _span_inside(canvas: TaggingCanvas, value: Any, actual: str | None) -> str | None:
    """Put a paragraph's /ActualText span inside its drawing (after it moves to its place):
    poppler places the text of a span where the span ends, so a span closed after the
    paragraph's ``Q`` would put its words at the page's corner. Returns the /ActualText still
    to be given at the element's level (None once the paragraph carries it)."""
    if actual is None or not isinstance(value, Paragraph):
        return actual
    # a header cell is drawn again on every page its table runs onto: one span each time
    draw = getattr(value, "_navtool_unspanned_draw", None) or value.draw
    value._navtool_unspanned_draw = draw  # type: ignore[attr-defined]

    def draw_in_span() -> None:
        canvas._code.append(f"/Span <</ActualText {_pdf_text(actual)}>> BDC")
        try:
            draw()
        finally:
            canvas._code.append("EMC")

    value.draw = draw_in_span  # type: ignore[method-assign]
    return None


def _cell_spans(table: Table, row: int, col: int) -> dict[str, Any]:
    """``ColSpan`` and ``RowSpan`` of a cell that ReportLab's SPAN merged with others (every
    row of the tagged table then fills the same columns)."""
    span = (getattr(table, "_spanRanges", None) or {}).get((col, row))
    if not span:
        return {}
    first_col, first_row, last_col, last_row = span
    out: dict[str, Any] = {}
    if last_col > first_col:
        out["ColSpan"] = last_col - first_col + 1
    if last_row > first_row:
        out["RowSpan"] = last_row - first_row + 1
    return out


def _table_callback(canvas: TaggingCanvas, header_rows: int) -> Any:
    """ReportLab's table render callback, turned into TR/TH/TD elements."""

    def callback(table: Table, event: str, *args: Any) -> None:
        if event == "startRow":
            canvas.open_group("TR")
        elif event == "endRow":
            canvas.close_group()
        elif event == "startCell":
            header = args[0] < header_rows
            actual, text = _span_inside(canvas, args[2], _actual(args[2])), _plain_text(args[2])
            spans = _cell_spans(table, args[0], args[1])
            if header:
                canvas.begin_leaf("TH", actual=actual, text=text, Scope="Column", O="Table", **spans)
            elif spans:
                canvas.begin_leaf("TD", actual=actual, text=text, O="Table", **spans)
            else:
                canvas.begin_leaf("TD", actual=actual, text=text)
        elif event == "endCell":
            canvas.end_leaf()

    return callback


def header_rows(table: Table, rows: int) -> Table:
    """Say how many of ``table``'s first rows are header rows (tagged TH with column scope).

    Without it, the rows repeated on each page are the header, else the first row."""
    table.pdf_header_rows = rows
    return table


def _header_rows(table: Table) -> int:
    explicit = getattr(table, "pdf_header_rows", None)
    if explicit is not None:
        return int(explicit)
    repeated = int(table.repeatRows) if isinstance(table.repeatRows, int) else len(table.repeatRows or ())
    if repeated:
        return repeated
    # a piece of a split table continues the rows of the one before: no header unless repeated
    return 0 if getattr(table, "_navtool_continued", False) else 1


class TaggingFrame(Frame):
    """A frame that tags what it draws (see :func:`role_of`)."""

    def _add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:
        if not isinstance(canv, TaggingCanvas):
            return super()._add(flowable, canv, trySplit)
        role = role_of(flowable)
        if role is None:
            return super()._add(flowable, canv, trySplit)
        if role == "Table" and isinstance(flowable, Table):
            canv._open_list = None
            canv.open_group("Table").continued = bool(getattr(flowable, "_navtool_continued", False))
            flowable._renderCB = _table_callback(canv, _header_rows(flowable))
            try:
                return super()._add(flowable, canv, trySplit)
            finally:
                canv.close_group()
        mark = len(canv._code)
        parent = canv._tag_stack[-1]
        kids = len(parent.kids)
        mcids = len(canv._page_mcids[-1])
        groups = len(canv._tag_stack)
        reused: tuple[StructElem, int] | None = None
        if role == "LI":  # L > LI > LBody; consecutive items share the list
            last = parent.kids[-1] if parent.kids else None
            if isinstance(last, StructElem) and last.role == "L" and canv._open_list is last:
                reused = (last, len(last.kids))
                canv._tag_stack.append(last)
            else:
                canv.open_group("L")
            canv.open_group("LI")
            role = "LBody"
        canv.begin_leaf(role, getattr(flowable, "alt_text", None), _span_inside(canv, flowable, _actual(flowable)),
                        _plain_text(flowable))
        if canv._tag_leaf is not None and not getattr(flowable, "pdf_twin", True):
            canv._tag_leaf.in_twin = False
        try:
            drawn = super()._add(flowable, canv, trySplit)
        finally:
            canv.end_leaf()
            while len(canv._tag_stack) > groups:
                closing = canv._tag_stack[-1]
                canv.close_group()
                if closing.role == "L":
                    canv._open_list = closing if drawn else None
        if not drawn:  # did not fit: nothing drawn, so take the empty tag back
            del canv._code[mark:]
            if reused is not None:
                del reused[0].kids[reused[1]:]
                canv._open_list = reused[0]
            del parent.kids[kids:]
            del canv._page_mcids[-1][mcids:]
        elif role != "LBody":
            canv._open_list = None
        return drawn

    add = _add  # Frame binds ``add`` to its own ``_add``

    def split(self, flowable: Flowable, canv: Canvas) -> list[Flowable]:
        pieces = super().split(flowable, canv)
        if isinstance(flowable, Paragraph) and len(pieces) > 1:
            # the first piece stands for the whole paragraph's words (twin, /ActualText); the
            # later pieces add none, so nothing is read twice or in shaped form
            text = _plain_text(flowable)
            shaped = needs_actual_text(text) or bool(getattr(flowable, "pdf_shaped", False))
            for n, piece in enumerate(pieces):
                if isinstance(piece, Paragraph):
                    piece.pdf_text = text if n == 0 else ""
                    piece.pdf_shaped = shaped
        if isinstance(flowable, Table):
            tables = [p for p in pieces if isinstance(p, Table)]
            explicit = getattr(flowable, "pdf_header_rows", None)
            for n, piece in enumerate(tables):
                if explicit is not None and n == 0:
                    piece.pdf_header_rows = explicit
                elif n > 0 or getattr(flowable, "_navtool_continued", False):
                    piece._navtool_continued = True
        return pieces
