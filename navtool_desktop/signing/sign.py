"""Signing any PDF with pyHanko: PAdES B-B, a visible stamp in a signer box, incremental updates.

The plan renderer reserves one box per signer on its approval page (:func:`approval_boxes`)
and may create the empty fields ``signer-1``, ``signer-2``, ... with
:func:`add_signature_fields`; :func:`sign_pdf` then fills the next empty one. Each signature
is an incremental update, so the signatures made before it stay valid. No timestamp server
and no revocation fetching: signing works offline.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from navtool_desktop.i18n import _
from navtool_desktop.signing.errors import SigningError
from navtool_desktop.signing.files import read_file, write_new_file
from navtool_desktop.signing.identity import Identity, fingerprint_lines

#: Names of the signer fields, in signing order: ``signer-1`` (superintendent), ``signer-2`` ...
FIELD_PREFIX = "signer-"
#: A signer box's default size in points (about 3.5 x 1.25 inches): fits the stamp text.
BOX_WIDTH = 252.0
BOX_HEIGHT = 90.0


def field_name(index: int) -> str:
    """The field name for the ``index``-th signer, counted from 1."""
    return f"{FIELD_PREFIX}{index}"


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
        return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise SigningError(_("{file} is a damaged PDF and cannot be signed: {error}")
                           .format(file=label, error=exc), "not_pdf") from None


def signature_fields(data: bytes) -> list[tuple[str, bool]]:
    """Every signature field of a PDF, in document order, as (name, already signed)."""
    from pyhanko.sign.fields import enumerate_sig_fields

    writer = _read_pdf(data, "PDF")
    return [(name, value is not None) for name, value, _ref in enumerate_sig_fields(writer.prev)]


def add_signature_fields(data: bytes, fields: Sequence[tuple[str, SignatureBox]]) -> bytes:
    """The PDF with empty visible signature fields added (for the plan renderer, before signing)."""
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = _read_pdf(data, "PDF")
    for name, box in fields:
        append_signature_field(writer, SigFieldSpec(name, on_page=box.page_index, box=box.rect))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _plain(text: str) -> str:
    """Text the built-in stamp font can show: accents kept where Windows-1252 has them
    (Peña), others dropped to the base letter (Nguyễn → Nguyen)."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base.isascii() and base else "?")
    return "".join(out)


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


def _stamp_style():  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    text = "\n".join([
        _("Digitally signed by %(who)s"),
        "%(role)s",
        "%(org)s",
        _("Date: %(ts)s"),
        _("Certificate SHA-256:"),
        "%(fp1)s",
        "%(fp2)s",
    ])
    return TextStampStyle(stamp_text=text, text_box_style=TextBoxStyle(font_size=9, leading=11),
                          timestamp_format="%Y-%m-%d %H:%M UTC", border_width=1)


def sign_pdf_bytes(data: bytes, identity: Identity, *, field: str | None = None,
                   box: SignatureBox | None = None, reason: str | None = None,
                   location: str | None = None, label: str = "PDF") -> bytes:
    """``data`` with one more signature appended as an incremental update.

    Which field: ``field`` if given (an empty one the PDF has, or a new one in ``box``);
    else a new ``signer-N`` field in ``box``; else the first empty signature field; else a
    new ``signer-N`` box on the last page, placed after the boxes already there.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields as pdf_fields
    from pyhanko.sign import signers
    from pyhanko.sign.general import SigningError as PyHankoSigningError

    identity.check_can_sign()
    writer = _read_pdf(data, label)
    existing = [(name, value is not None) for name, value, _ref in pdf_fields.enumerate_sig_fields(writer.prev)]
    names = {name: signed for name, signed in existing}
    new_spec = None
    if field is not None and names.get(field):
        raise SigningError(_("The field {field} is already signed; choose another field.").format(field=field),
                           "field_signed")
    if field is None and box is None:
        empty = [name for name, signed in existing if not signed]
        if empty:
            field = empty[0]
        else:
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
        new_spec = pdf_fields.SigFieldSpec(field, on_page=box.page_index, box=box.rect)
    elif box is not None:
        raise SigningError(_("The field {field} already has its place on the page; give the field or a box, "
                             "not both.").format(field=field), "bad_box")

    lines = fingerprint_lines(identity.certificate)
    params = {
        "who": _plain(identity.name),
        "role": _plain(identity.role),
        "org": _plain(identity.organization),
        "fp1": lines[0],
        "fp2": lines[1] if len(lines) > 1 else "",
    }
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=pdf_fields.SigSeedSubFilter.PADES,
        name=identity.name,
        reason=reason,
        location=location,
    )
    pdf_signer = signers.PdfSigner(meta, signer=_signer(identity), stamp_style=_stamp_style(),
                                   new_field_spec=new_spec)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out, appearance_text_params=params)
    except (PdfError, PyHankoSigningError, ValueError, IndexError) as exc:
        raise SigningError(_("{file} could not be signed: {error}").format(file=label, error=exc),
                           "sign_failed") from None
    return out.getvalue()


def sign_pdf(source: Path, output: Path, identity: Identity, *, field: str | None = None,
             box: SignatureBox | None = None, reason: str | None = None, location: str | None = None,
             overwrite: bool = False) -> Path:
    """Sign ``source`` into ``output`` (written atomically; an existing file only with ``overwrite``).

    ``output`` may be ``source`` itself with ``overwrite=True`` (sign in place).
    """
    source, output = Path(source), Path(output)
    if output.exists() and not overwrite:
        raise SigningError(_("{file} already exists; choose another name or allow replacing it.")
                           .format(file=output.name), "exists")
    data = read_file(source)
    signed = sign_pdf_bytes(data, identity, field=field, box=box, reason=reason, location=location,
                            label=source.name)
    write_new_file(output, signed, overwrite=overwrite)
    return output

