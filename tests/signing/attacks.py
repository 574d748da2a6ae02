"""Changes an attacker makes to a signed plan, each as a real incremental update (for the verify tests).

Every function takes the signed PDF's bytes and returns the attacked bytes; nothing here goes
through navtool's own signing checks, so certificates the app would refuse can still sign.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle
from reportlab.pdfgen import canvas
from signing_helpers import make_pdf

from navtool_desktop.signing import Identity, add_signature_fields, approval_boxes, field_name
from navtool_desktop.signing.sign import _signer

#: Where make_pdf writes its first line ("Strategic plan: page 1 of 3") on page 1, and a box over it.
COVER_LINE = (60.0, 710.0, 420.0, 740.0)
FORGED_LINE = "Strategic plan: page 1 of 9 (budget doubled)"


def declared_plan(pages: int = 3) -> bytes:
    """A plan as the renderer makes it: two empty signer boxes on the last page."""
    boxes = approval_boxes(2)
    return add_signature_fields(make_pdf(pages=pages), [(field_name(i + 1), b) for i, b in enumerate(boxes)])


@contextmanager
def signing_clock(moment: dt.datetime) -> Iterator[None]:
    """pyHanko's signer believes it is ``moment`` (a signer's computer with that clock)."""
    import pyhanko.sign.signers.pdf_signer as pdf_signer

    real = pdf_signer.datetime

    class _Clock(real):  # type: ignore[misc, valid-type]
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    pdf_signer.datetime = _Clock
    try:
        yield
    finally:
        pdf_signer.datetime = real


def _opaque_patch(tmp: Path, width: float, height: float, text: str) -> Path:
    """A one-page PDF: a white rectangle with ``text``, to use as a stamp's appearance."""
    path = tmp / "patch.pdf"
    c = canvas.Canvas(str(path), pagesize=(width, height), pageCompression=0)
    c.setFillColorRGB(1, 1, 1)
    c.rect(0, 0, width, height, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica", 14)
    c.drawString(12, 10, text)
    c.save()
    return path


def pyhanko_sign(data: bytes, identity: Identity, *, field: str, box: tuple[float, float, float, float] | None = None,
                 page: int = 0, stamp: StaticStampStyle | None = None, when: dt.datetime | None = None,
                 before: Callable[[IncrementalPdfFileWriter], None] | None = None) -> bytes:
    """Sign ``field`` (an existing one, or a new one at ``box`` on ``page``) with pyHanko directly."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if before is not None:
        before(writer)
    spec = None
    if box is not None:
        spec = fields.SigFieldSpec(field, on_page=page, box=tuple(round(v) for v in box))
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, name=identity.name)
    pdf_signer = signers.PdfSigner(meta, signer=_signer(identity), stamp_style=stamp, new_field_spec=spec)
    out = io.BytesIO()
    if when is None:
        pdf_signer.sign_pdf(writer, output=out)
    else:
        with signing_clock(when):
            pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


def overlay_in_new_field(data: bytes, identity: Identity, tmp: Path) -> bytes:
    """C1: a new signature field over the cover line, its opaque stamp printing other words."""
    x1, y1, x2, y2 = COVER_LINE
    stamp = StaticStampStyle.from_pdf_file(str(_opaque_patch(tmp, x2 - x1, y2 - y1, FORGED_LINE)), border_width=0)
    return pyhanko_sign(data, identity, field="signer-9", box=COVER_LINE, page=0, stamp=stamp)


def overlay_in_taller_box(data: bytes, identity: Identity, tmp: Path, field: str = "signer-2") -> bytes:
    """An existing empty box made taller (over the page text above it), then signed with an opaque stamp."""
    box = next(b for n, b in enumerate(approval_boxes(2), 1) if field_name(n) == field)
    taller = (box.x1, box.y1, box.x2, 760.0)

    def stretch(writer: IncrementalPdfFileWriter) -> None:
        for ref in writer.root["/AcroForm"]["/Fields"]:
            widget = ref.get_object()
            if widget["/T"] == field:
                widget["/Rect"] = generic.ArrayObject(generic.FloatObject(v) for v in taller)
                writer.mark_update(ref)

    patch = _opaque_patch(tmp, taller[2] - taller[0], taller[3] - taller[1], FORGED_LINE)
    stamp = StaticStampStyle.from_pdf_file(str(patch), border_width=0)
    return pyhanko_sign(data, identity, field=field, stamp=stamp, before=stretch)


def _write(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_form(width: float, content: bytes) -> generic.StreamObject:
    """A form XObject ``width`` x 30 whose ``content`` draws with Helvetica as /F9 (an
    annotation's appearance)."""
    return generic.StreamObject({
        generic.NameObject("/Type"): generic.NameObject("/XObject"),
        generic.NameObject("/Subtype"): generic.NameObject("/Form"),
        generic.NameObject("/BBox"): generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, width, 30)),
        generic.NameObject("/Resources"): generic.DictionaryObject({
            generic.NameObject("/Font"): generic.DictionaryObject({
                generic.NameObject("/F9"): generic.DictionaryObject({
                    generic.NameObject("/Type"): generic.NameObject("/Font"),
                    generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                    generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica")})})}),
    }, stream_data=content)


def free_text_annotation(data: bytes, page: int = 0) -> bytes:
    """A red FreeText comment with its own appearance, added to a page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    rect = [72, 640, 500, 670]
    appearance = text_form(428, b"1 0 0 rg BT /F9 14 Tf 4 10 Td (Budget for Goal 1 raised to $2,000,000) Tj ET")
    annot = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
        generic.NameObject("/Rect"): generic.ArrayObject(generic.NumberObject(v) for v in rect),
        generic.NameObject("/Contents"): generic.TextStringObject("Budget for Goal 1 raised to $2,000,000"),
        generic.NameObject("/DA"): generic.TextStringObject("/Helv 14 Tf 1 0 0 rg"),
        generic.NameObject("/F"): generic.NumberObject(4),
        generic.NameObject("/AP"): generic.DictionaryObject({generic.NameObject("/N"): writer.add_object(appearance)}),
    })
    page_ref = writer.root["/Pages"]["/Kids"][page]
    page_obj = page_ref.get_object()
    annots = page_obj.get("/Annots")
    annots = generic.ArrayObject(list(annots) if annots is not None else [])
    annots.append(writer.add_object(annot))
    page_obj["/Annots"] = annots
    writer.update_container(page_obj)
    return _write(writer)


def page_text_changed(data: bytes, page: int = 0) -> bytes:
    """The page's content stream replaced by one that says something else."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_obj = writer.root["/Pages"]["/Kids"][page].get_object()
    old = page_obj["/Contents"].data
    new = old.replace(b"page 1 of", b"page 1 of 9 /")
    assert new != old
    page_obj["/Contents"] = writer.add_object(generic.StreamObject(stream_data=new))
    writer.update_container(page_obj)
    return _write(writer)


def metadata_changed(data: bytes, title: str = "Strategic Action Plan 2023-2034 (APPROVED)") -> bytes:
    """Only the document information's title changes (what a viewer shows in its title bar)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    info_ref = writer.trailer.raw_get("/Info")
    info = info_ref.get_object()
    info[generic.NameObject("/Title")] = generic.TextStringObject(title)
    writer.mark_update(info_ref)
    return _write(writer)


def picture_in_empty_box(data: bytes, field: str = "signer-2") -> bytes:
    """A fake stamp: the box gets a new appearance (a drawn "signature") but no signature
    (on a signed box: its stamp is redrawn)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    appearance = generic.StreamObject({
        generic.NameObject("/Type"): generic.NameObject("/XObject"),
        generic.NameObject("/Subtype"): generic.NameObject("/Form"),
        generic.NameObject("/BBox"): generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, 225, 90)),
    }, stream_data=b"0 0 0 RG 4 w 10 20 m 60 70 l 110 20 l 160 70 l 210 20 l S")
    for ref in writer.root["/AcroForm"]["/Fields"]:
        widget = ref.get_object()
        if widget["/T"] == field:
            widget["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): writer.add_object(appearance)})
            writer.mark_update(ref)
    return _write(writer)
