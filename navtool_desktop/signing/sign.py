"""Signing any PDF with pyHanko: PAdES B-B, a visible stamp in a signer box, incremental updates.

The plan renderer reserves one box per signer role on its approval page (:func:`approval_boxes`)
and declares the empty fields ``signer-1-superintendent``, ... with :func:`add_signature_fields`
(role and expected name in each field, see :mod:`.boxes`); :func:`sign_pdf` then fills the box
of the signer's role. The first signature in a declared box certifies the document (DocMDP:
only form filling and signing allowed after it), and each box locks every other field once
signed, so PDF readers refuse edits too. Each signature is an incremental update, so the
signatures made before it stay valid. The stamp is drawn with the plan's own embedded font
(DejaVu Sans), so every name shows as its certificate has it. No timestamp server and no
revocation fetching: signing works offline.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from navtool_desktop import paths
from navtool_desktop.i18n import _
from navtool_desktop.signing.boxes import FIELD_PREFIX, NAME_KEY, ROLE_KEY, box_tooltip, choose_box, declared_boxes
from navtool_desktop.signing.errors import SigningError
from navtool_desktop.signing.files import carry_twin, read_file, write_new_file
from navtool_desktop.signing.identity import Identity, fingerprint

#: The stamp's font: the plan's own DejaVu Sans (resources/fonts), embedded as a subset.
STAMP_FONT = "fonts/DejaVuSans.ttf"
#: Chinese, Japanese and Korean names in the stamp: the PDFs' CJK fallback, merged into the
#: stamp's subset of DejaVu Sans (a stamp has one font).
STAMP_CJK_FONT = "fonts/DroidSansFallback.ttf"
#: Bytes per line of a printed fingerprint, on the plan's pages and in the stamp alike.
FINGERPRINT_BYTES_PER_LINE = 8
#: A signer box's default size in points (about 3.5 x 1.25 inches): fits the stamp text.
BOX_WIDTH = 252.0
BOX_HEIGHT = 90.0


def field_name(index: int) -> str:
    """The field name for the ``index``-th signer, counted from 1 (no role: see
    :func:`.boxes.box_field_name` for the plan's boxes)."""
    return f"{FIELD_PREFIX}{index}"


def grouped_fingerprint(fp: str, per_line: int = FINGERPRINT_BYTES_PER_LINE) -> list[str]:
    """A ``AA:BB:...`` fingerprint in lines of ``per_line`` bytes, easy to read out by phone
    (the one grouping used on the plan's pages and in the stamps)."""
    parts = [p for p in fp.replace(" ", "").split(":") if p]
    return [":".join(parts[i:i + per_line]) for i in range(0, len(parts), per_line)]


def local_time_text(when: dt.datetime) -> str:
    """``2026-12-01 07:54 (UTC-07:00)``: the signer's local time with its offset from UTC."""
    local = when.astimezone() if when.tzinfo is not None else when.replace(tzinfo=dt.UTC).astimezone()
    offset = local.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{local:%Y-%m-%d %H:%M} (UTC{sign}{hours:02d}:{mins:02d})"


@dataclass(frozen=True)
class SignatureBox:
    """Where a signer's stamp goes: ``page`` counted from 1 (negative counts from the end,
    -1 is the last page), the rectangle in PDF points from the page's lower-left corner."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    def __post_init__(self) -> None:
        if self.page == 0:
            raise SigningError(_("Pages are counted from 1."), "bad_box")
        if self.x2 - self.x1 < 36 or self.y2 - self.y1 < 18:
            raise SigningError(_("A signature box must be at least 36 x 18 points, with x1 < x2 "
                                 "and y1 < y2."), "bad_box")

    @property
    def page_index(self) -> int:
        """The page as pyHanko counts it (from 0; negative from the end)."""
        return self.page - 1 if self.page > 0 else self.page

    @property
    def rect(self) -> tuple[int, int, int, int]:
        return (round(self.x1), round(self.y1), round(self.x2), round(self.y2))

    @classmethod
    def parse(cls, text: str) -> SignatureBox:
        """``PAGE,X1,Y1,X2,Y2`` as typed on the command line; PAGE may be ``last``."""
        parts = [p.strip() for p in text.split(",")]
        try:
            if len(parts) != 5:
                raise ValueError
            page = -1 if parts[0].lower() == "last" else int(parts[0])
            return cls(page, *(float(p) for p in parts[1:]))
        except ValueError:
            raise SigningError(_("A box is PAGE,X1,Y1,X2,Y2 in points, for example 3,72,500,324,590 "
                                 "(PAGE may be 'last')."),
                               "bad_box") from None


def approval_boxes(count: int, *, page: int = -1, page_width: float = 612.0, top: float = 620.0,
                   margin: float = 72.0, gap: float = 18.0) -> list[SignatureBox]:
    """Signer boxes for an approval page, two per row from ``top`` downwards (US Letter default).

    The plan renderer draws each signer's printed name under ``box.y1`` and leaves the box blank.
    """
    width = min(BOX_WIDTH, (page_width - 2 * margin - gap) / 2)
    boxes = []
    for i in range(count):
        row, col = divmod(i, 2)
        x1 = margin + col * (width + gap)
        y2 = top - row * (BOX_HEIGHT + 3 * gap)
        boxes.append(SignatureBox(page, x1, y2 - BOX_HEIGHT, x1 + width, y2))
    return boxes


def fingerprint_text(identity: Identity) -> str:
    """The line the plan prints under a signer: who, and the certificate fingerprint to check."""
    return _("{name}, {role}: certificate SHA-256 {fingerprint}").format(
        name=identity.name, role=identity.role, fingerprint=identity.fingerprint)


def _read_pdf(data: bytes, label: str):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise SigningError(_("{file} is not a PDF file.").format(file=label), "not_pdf")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise SigningError(_("{file} is a damaged PDF and cannot be signed: {error}")
                           .format(file=label, error=exc), "not_pdf") from None
    if writer.prev.encrypted:
        raise SigningError.encrypted(label)
    return writer


def signature_fields(data: bytes) -> list[tuple[str, bool]]:
    """Every signature field of a PDF, in document order, as (name, already signed)."""
    from pyhanko.sign.fields import enumerate_sig_fields

    writer = _read_pdf(data, "PDF")
    return [(name, value is not None) for name, value, _ref in enumerate_sig_fields(writer.prev)]


def add_signature_fields(data: bytes, fields: Sequence[tuple[str, SignatureBox]],
                         labels: Mapping[str, tuple[str, str]] | None = None) -> bytes:
    """The PDF with empty visible signature fields declared (for the plan renderer, before signing).

    ``labels`` gives a field's role and expected signer name (written to ``/TU``, ``/NavRole``
    and ``/NavName``). Each field locks every field but the other boxes once it is signed.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import (
        FieldMDPAction,
        FieldMDPSpec,
        SigFieldSpec,
        append_signature_field,
        enumerate_sig_fields,
    )

    labels = labels or {}
    writer = _read_pdf(data, "PDF")
    names = [name for name, _box in fields]
    for name, box in fields:
        role, who = labels.get(name, ("", ""))
        others = [n for n in names if n != name]
        lock = FieldMDPSpec(FieldMDPAction.EXCLUDE, others) if others else FieldMDPSpec(FieldMDPAction.ALL)
        append_signature_field(writer, SigFieldSpec(name, on_page=box.page_index, box=box.rect,
                                                    field_mdp_spec=lock,
                                                    readable_field_name=box_tooltip(role, who) if role else None))
    widgets = {}
    for name, _value, ref in enumerate_sig_fields(writer):
        widgets[str(name)] = ref
        role, who = labels.get(str(name), ("", ""))
        if role:
            field = ref.get_object()
            field[generic.NameObject(ROLE_KEY)] = generic.TextStringObject(role)
            field[generic.NameObject(NAME_KEY)] = generic.TextStringObject(who)
            writer.mark_update(ref)
    _tag_widgets(writer, widgets)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _tag_widgets(writer: Any, widgets: Mapping[str, Any]) -> None:
    """Hang each new field's widget in the tagged PDF's ``Form`` structure element titled with
    the field's name (the renderer leaves one where the box is read, see
    reports.tagging.TaggingCanvas.form_field_here): an object reference to the widget, and the
    widget's ``/StructParent`` in the parent tree (PDF/UA: every widget inside a Form element).
    An untagged PDF, or one without such elements, is left as it is."""
    from pyhanko.pdf_utils import generic

    root = writer.root
    if "/StructTreeRoot" not in root:
        return
    tree_ref = root.raw_get("/StructTreeRoot")
    tree = tree_ref.get_object()
    forms: dict[str, Any] = {}
    listed = tree.get("/NavForms")  # the renderer lists them (reports.tagging); else walk the tree
    if isinstance(listed, generic.ArrayObject):
        for n in range(0, len(listed) - 1, 2):
            title, form_ref = listed[n], listed.raw_get(n + 1)
            if isinstance(form_ref, generic.IndirectObject) and form_ref.get_object().get("/T") == title:
                forms.setdefault(str(title), form_ref)
    stack = [] if forms else [tree.raw_get("/K")]
    seen = 0
    while stack and seen < 100_000:  # a hostile tree is not walked for ever
        seen += 1
        item = stack.pop()
        obj = item.get_object() if isinstance(item, generic.IndirectObject) else item
        if isinstance(obj, generic.ArrayObject):
            stack.extend(obj.raw_get(i) for i in range(len(obj)))
        elif isinstance(obj, generic.DictionaryObject) and "/S" in obj:
            if obj.get("/S") == "/Form" and "/T" in obj and isinstance(item, generic.IndirectObject):
                forms.setdefault(str(obj["/T"]), item)
            if "/K" in obj:
                stack.append(obj.raw_get("/K"))
    parents = tree["/ParentTree"]
    nums = parents["/Nums"]
    key = int(tree.get("/ParentTreeNextKey", len(nums) // 2))
    for name, widget_ref in widgets.items():
        form_ref = forms.get(name)
        if form_ref is None:
            continue
        widget = widget_ref.get_object()
        form = form_ref.get_object()
        reference = generic.DictionaryObject({generic.NameObject("/Type"): generic.NameObject("/OBJR"),
                                              generic.NameObject("/Obj"): widget_ref})
        if "/P" in widget:  # the widget's page
            reference[generic.NameObject("/Pg")] = widget.raw_get("/P")
            form[generic.NameObject("/Pg")] = widget.raw_get("/P")
        form[generic.NameObject("/K")] = reference
        widget[generic.NameObject("/StructParent")] = generic.NumberObject(key)
        nums.append(generic.NumberObject(key))
        nums.append(form_ref)
        key += 1
        writer.mark_update(form_ref)
        writer.mark_update(widget_ref)
    tree[generic.NameObject("/ParentTreeNextKey")] = generic.NumberObject(key)
    writer.mark_update(tree_ref)


def _signer(identity: Identity):  # type: ignore[no-untyped-def]
    from asn1crypto import keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class _LoadedKeySigner(signers.SimpleSigner):
        """pyHanko's signer, reusing the key already loaded (re-parsing an RSA key costs ~0.25 s)."""

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            key = identity.private_key
            if mechanism == "rsassa_pkcs1v15" and not isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, padding.PKCS1v15(), hash_algo)
            if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(hash_algo))
            return super().sign_raw(data, digest_algorithm)

    der = identity.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
    certs = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in identity.chain]
    return _LoadedKeySigner(
        signing_cert=asn1_x509.Certificate.load(identity.certificate.public_bytes(serialization.Encoding.DER)),
        signing_key=keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(certs),
    )


def _stamp_font_program(text: str) -> bytes:
    """DejaVu Sans cut down to the glyphs of ``text`` and scaled to 1000 units per em, with the
    CJK fallback's glyphs merged in when ``text`` has characters only that font has.

    pyHanko writes glyph widths as the font gives them, while PDF reads them per 1000 units;
    DejaVu has 2048, so unscaled every letter would stand twice its width apart.
    """
    from fontTools.merge import Merger

    from navtool_desktop import printable

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset" is no news to a signer
    base = printable.coverage(printable.BASE)
    cjk = "".join(sorted({ch for ch in text if ord(ch) not in base
                          and ord(ch) in printable.coverage(printable.CJK)}))
    if not cjk:
        return _subset_program(STAMP_FONT, text).getvalue()
    merged = Merger().merge([_subset_program(STAMP_FONT, text, hinting=False),
                             _subset_program(STAMP_CJK_FONT, cjk, hinting=False)])
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def _subset_program(resource: str, text: str, *, hinting: bool = True) -> io.BytesIO:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(io.BytesIO(paths.resource(resource).read_bytes()))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = hinting
    if not hinting:  # fonts are merged: keep only the tables both have
        options.drop_tables += ["vhea", "vmtx", "DSIG", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    out.seek(0)
    return out


def _stamp_font(text: str):  # type: ignore[no-untyped-def]
    """pyHanko's OpenType engine on the plan's DejaVu Sans (subset and embedded in each stamp)."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    program = _stamp_font_program(text)

    class _Factory(GlyphAccumulatorFactory):
        # pyHanko opens the font file (and never closes it); hand it the prepared program instead
        def create_font_engine(self, writer, obj_stream=None):  # type: ignore[no-untyped-def]
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(program),
                                    font_size=self.font_size, obj_stream=obj_stream)

    return _Factory(str(paths.resource(STAMP_FONT)), font_size=7)


def _stamp_style(lines: int, params: Mapping[str, str]):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    text = "\n".join([
        _("Digitally signed by %(who)s"),
        "%(role)s",
        _("Signed on %(when)s"),
        _("Certificate SHA-256:"),
        *(f"%(fp{n})s" for n in range(lines)),
    ])
    font = _stamp_font(text % params)
    return TextStampStyle(stamp_text=text, text_box_style=TextBoxStyle(font=font, font_size=7, leading=9),
                          border_width=1)


def _certified(writer) -> bool:  # type: ignore[no-untyped-def]
    """Whether the document already carries a certification signature (``/Perms /DocMDP``)."""
    try:
        return "/DocMDP" in writer.root.get("/Perms", {})
    except (KeyError, TypeError, AttributeError):
        return False


def sign_pdf_bytes(data: bytes, identity: Identity, *, field: str | None = None,
                   box: SignatureBox | None = None, reason: str | None = None,
                   location: str | None = None, label: str = "PDF", role: str | None = None,
                   force: bool = False, clock: Callable[[], dt.datetime] | None = None) -> bytes:
    """``data`` with one more signature appended as an incremental update.

    Which box: ``field`` if given (an empty one the PDF has, or a new one in ``box``); else
    the declared box that ``role`` names (a role, a name or a field name); else the empty box
    whose role is the certificate's; else, in a PDF whose boxes name no role, the first empty
    one or a new ``signer-N`` box on the last page. A box labelled for another role or person
    is refused (reason ``wrong_box``) unless ``force``. A PDF whose boxes were declared for
    roles, or that is certified, gets no new box: it would draw over the page.

    The first signature in a box the PDF declared certifies the document (DocMDP, form
    filling and signing allowed). ``clock`` gives the time shown in the stamp (default now).
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields as pdf_fields
    from pyhanko.sign import signers
    from pyhanko.sign.general import SigningError as PyHankoSigningError

    identity.check_can_sign()
    writer = _read_pdf(data, label)
    found = list(pdf_fields.enumerate_sig_fields(writer.prev))
    existing = [(name, value is not None) for name, value, _ref in found]
    field_refs = {name: ref for name, _value, ref in found}
    names = {name: signed for name, signed in existing}
    declared = declared_boxes(data)
    certified = _certified(writer.prev)
    closed = certified or any(b.role for b in declared)  # no new boxes: only the declared ones
    new_spec = None
    if field is not None and names.get(field):
        raise SigningError(_("The field {field} is already signed; choose another field.").format(field=field),
                           "field_signed")
    if field is not None:
        chosen = next((b for b in declared if b.field == field), None)
        if chosen is not None:
            choose_box([chosen], identity.name, identity.role, chosen.field, force=force)  # label check
    elif box is None and (role or declared):
        if role or any(not b.signed for b in declared) or closed:
            field = choose_box(declared, identity.name, identity.role, role, force=force).field
        else:
            box = approval_boxes(len(existing) + 1)[-1]
    elif box is None:
        box = approval_boxes(len(existing) + 1)[-1]
    if field is None:
        n = len(existing) + 1
        while field_name(n) in names:
            n += 1
        field = field_name(n)
    if field not in names:
        if box is None:
            raise SigningError(_("The PDF has no signature field named {field}; give a box to create it.")
                               .format(field=field), "no_field")
        if closed:
            raise SigningError(_("This PDF declares its signature boxes; a new box would be drawn over its "
                                 "pages. Sign one of its boxes, or ask for a PDF with a box for you."),
                               "new_box_refused")
        new_spec = pdf_fields.SigFieldSpec(field, on_page=box.page_index, box=box.rect)
    elif box is not None:
        raise SigningError(_("The field {field} already has its place on the page; give the field or a box, "
                             "not both.").format(field=field), "bad_box")

    if new_spec is None and _requires_time_stamp_server(field_refs[field]):
        raise SigningError(_("The signature box {field} requires a time-stamp from a server on the "
                             "internet. The Navigation Tool works offline and never contacts one: sign "
                             "another box, or ask for a copy of the PDF without that requirement.")
                           .format(field=field), "asks_for_network")
    certify = new_spec is None and not any(signed for _n, signed in existing) and not certified
    lines = grouped_fingerprint(fingerprint(identity.certificate))
    params = {
        "who": identity.name,
        "role": ", ".join(p for p in (identity.role, identity.organization) if p.strip()),
        "when": local_time_text((clock or (lambda: dt.datetime.now(dt.UTC)))()),
        **{f"fp{n}": line for n, line in enumerate(lines)},
    }
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=pdf_fields.SigSeedSubFilter.PADES,
        name=identity.name,
        reason=reason,
        location=location,
        certify=certify,
        docmdp_permissions=pdf_fields.MDPPerm.FILL_FORMS,
    )
    pdf_signer = signers.PdfSigner(meta, signer=_signer(identity), stamp_style=_stamp_style(len(lines), params),
                                   new_field_spec=new_spec)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out, appearance_text_params=params)
    except (PdfError, PyHankoSigningError, ValueError, IndexError) as exc:
        raise SigningError(_("{file} could not be signed: {error}").format(file=label, error=exc),
                           "sign_failed") from None
    return out.getvalue()


def _requires_time_stamp_server(field_ref: Any) -> bool:
    """Whether the empty box at ``field_ref`` has seed values that require a time-stamp (``/SV``
    with ``/TimeStamp`` and its required flag): pyHanko would then ask the server they name while
    signing. A box that only suggests a server signs without one."""
    from pyhanko.pdf_utils import generic

    try:
        seed = field_ref.get_object().get("/SV")
        seed = seed.get_object() if seed is not None else None
        stamp = seed.get("/TimeStamp") if isinstance(seed, generic.DictionaryObject) else None
        stamp = stamp.get_object() if stamp is not None else None
        # pyHanko reads any /Ff but 0 as "required" (bool of the object), and so does this
        return isinstance(stamp, generic.DictionaryObject) and bool(stamp.get("/Ff", 0))
    except (KeyError, ValueError, TypeError, AttributeError):
        return True  # seed values that cannot be read: do not let pyHanko act on them


def sign_pdf(source: Path, output: Path, identity: Identity, *, field: str | None = None,
             box: SignatureBox | None = None, reason: str | None = None, location: str | None = None,
             overwrite: bool = False, role: str | None = None, force: bool = False) -> Path:
    """Sign ``source`` into ``output`` (written atomically; an existing file only with ``overwrite``).

    ``output`` may be ``source`` itself with ``overwrite=True`` (sign in place).
    """
    source, output = Path(source), Path(output)
    if output.exists() and not overwrite:
        raise SigningError(_("{file} already exists; choose another name or allow replacing it.")
                           .format(file=output.name), "exists")
    data = read_file(source)
    signed = sign_pdf_bytes(data, identity, field=field, box=box, reason=reason, location=location,
                            label=source.name, role=role, force=force)
    write_new_file(output, signed, overwrite=overwrite)
    carry_twin(source, output)
    return output

