"""Checking a signed PDF: each signature's signer, time, integrity, trust and later changes.

Trust is decided only against the roots the caller passes (the district's root certificate,
or roots the recipient chose); the operating system's list is never consulted, and nothing
is fetched from the network (no OCSP, no CRL).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from navtool_desktop.i18n import _
from navtool_desktop.signing.errors import SigningError
from navtool_desktop.signing.files import read_file
from navtool_desktop.signing.identity import fingerprint

# pyHanko logs a traceback for every untrusted certificate; the report says it in words instead.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko_certvalidator").addHandler(logging.NullHandler())

#: What happened to the file after a signature (``SignatureReport.changes_after``).
NO_CHANGES = "none"  # the signature covers the entire file
SIGNATURES_ONLY = "signatures_only"  # only later signatures were added
FORM_FILLED = "form_filled"  # form fields filled or signature fields added, not signed
MODIFIED = "modified"  # anything else: pages, text, annotations ...
UNKNOWN = "unknown"  # the signature could not be checked at all


def changes_text(code: str) -> str:
    """What happened after a signature (``SignatureReport.changes_after``), in plain words."""
    return {
        NO_CHANGES: _("nothing (the signature covers the whole file)"),
        SIGNATURES_ONLY: _("only later signatures were added"),
        FORM_FILLED: _("form fields were filled in or added"),
        MODIFIED: _("THE DOCUMENT WAS CHANGED"),
        UNKNOWN: _("unknown"),
    }.get(code, code)


@dataclass(frozen=True)
class SignatureReport:
    """One signature as a recipient needs to see it."""

    field: str
    signer_name: str
    role: str
    organization: str
    fingerprint: str
    signing_time: dt.datetime | None  # as the signer's computer reported it (no timestamp server)
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature is cryptographically sound
    trusted: bool  # the certificate chains to one of the given roots and may sign documents
    coverage: str  # "entire_file", "entire_revision" (later updates follow) or "partial"
    changes_after: str  # NO_CHANGES, SIGNATURES_ONLY, FORM_FILLED, MODIFIED or UNKNOWN
    revision: int  # the file revision this signature signed, from 0
    problems: tuple[str, ...] = ()  # plain-language reasons for anything not right

    @property
    def ok(self) -> bool:
        """Intact, valid, and nothing but further signatures added after it."""
        return self.intact and self.valid and self.changes_after in (NO_CHANGES, SIGNATURES_ONLY)


@dataclass(frozen=True)
class VerificationReport:
    """Every signature of one PDF, in signing order."""

    file: str
    signatures: tuple[SignatureReport, ...]
    revisions: int
    trust_roots: tuple[str, ...] = field(default=())  # fingerprints of the roots checked against

    @property
    def ok(self) -> bool:
        """At least one signature, and every signature intact, valid and unmodified after."""
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def trusted(self) -> bool:
        return bool(self.signatures) and all(s.trusted for s in self.signatures)

    @property
    def summary(self) -> str:
        """One sentence for a status line."""
        if not self.signatures:
            return _("This PDF has no digital signatures.")
        if not self.ok:
            return _("Do not rely on this PDF: at least one signature is broken or the document was "
                     "changed after signing.")
        if not self.trusted:
            return _("The signatures are valid and the document is unchanged, but the signer's "
                     "certificate is not trusted: check its fingerprint with the district.")
        return _("All signatures are valid and trusted, and the document is unchanged since signing.")

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``navtool verify --json``."""
        data = asdict(self)
        for sig, src in zip(data["signatures"], self.signatures, strict=True):
            sig["signing_time"] = src.signing_time.isoformat() if src.signing_time else None
            sig["problems"] = list(src.problems)
            sig["ok"] = src.ok
        data["trust_roots"] = list(self.trust_roots)
        data.update(ok=self.ok, trusted=self.trusted, summary=self.summary)
        return data


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _open(data: bytes, label: str):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise SigningError(_("{file} is not a PDF file.").format(file=label), "not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise SigningError(_("{file} is a damaged PDF and cannot be checked: {error}")
                           .format(file=label, error=exc), "not_pdf") from None
    return reader, sigs


def _changes_after(status: Any, revision: int, total: int, signed_revisions: set[int]) -> str:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return NO_CHANGES
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return MODIFIED
    level = status.modification_level
    if level is None or level > ModificationLevel.FORM_FILLING:
        return MODIFIED
    later = set(range(revision + 1, total))
    if level <= ModificationLevel.LTA_UPDATES or later <= signed_revisions:
        return SIGNATURES_ONLY
    return FORM_FILLED


def _problems(status: Any, changes: str) -> list[str]:
    from pyhanko.sign.ades.report import AdESIndeterminate

    found = []
    if not status.intact:
        found.append(_("The signed content does not match the signature: the file was altered."))
    elif not status.valid:
        found.append(_("The signature itself is damaged or was not made with this certificate."))
    if changes == MODIFIED:
        found.append(_("The document was changed after this signature (not only by later signatures)."))
    elif changes == FORM_FILLED:
        found.append(_("Form fields were filled in or added after this signature."))
    if status.intact and status.valid and not status.trusted:
        indic = status.trust_problem_indic
        if indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
            found.append(_("Not trusted: the certificate was not issued by a root certificate you trust."))
        elif indic in (AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
                       AdESIndeterminate.EXPIRED):
            found.append(_("Not trusted: the signer's certificate (or its root) has expired."))
        elif indic == AdESIndeterminate.NOT_YET_VALID:
            found.append(_("Not trusted: the signer's certificate is not valid yet."))
        elif indic == AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE:
            found.append(_("Not trusted: the certificate is not allowed to sign documents "
                           "(non-repudiation key usage missing)."))
        else:
            found.append(_("Not trusted: the signer's certificate could not be confirmed ({reason}).")
                         .format(reason=getattr(indic, "name", indic)))
    return found


def verify_pdf_bytes(data: bytes, trust_roots: Sequence[x509.Certificate], *, label: str = "PDF",
                     at: dt.datetime | None = None) -> VerificationReport:
    """Check every signature of a PDF against exactly ``trust_roots`` (may be empty)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader, sigs = _open(data, label)
    total = reader.xrefs.total_revisions
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in trust_roots]
    signed_revisions = {s.signed_revision for s in sigs}
    reports = []
    for sig in sigs:
        # a list, never None: None would make the validator use the operating system's roots
        context = ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail",
                                    moment=at)
        cert_der = sig.signer_cert.dump() if sig.signer_cert is not None else None
        cert = x509.load_der_x509_certificate(cert_der) if cert_der else None
        subject = cert.subject if cert else x509.Name([])
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
        except Exception as exc:  # a malformed signature: report it, keep checking the others
            reports.append(SignatureReport(
                field=sig.field_name, signer_name=_attr(subject, NameOID.COMMON_NAME),
                role=_attr(subject, NameOID.TITLE), organization=_attr(subject, NameOID.ORGANIZATION_NAME),
                fingerprint=fingerprint(cert) if cert else "", signing_time=None, intact=False, valid=False,
                trusted=False, coverage="partial", changes_after=UNKNOWN, revision=sig.signed_revision,
                problems=(_("The signature cannot be read: {error}").format(error=exc),)))
            continue
        changes = _changes_after(status, sig.signed_revision, total, signed_revisions)
        coverage = {"ENTIRE_FILE": "entire_file", "ENTIRE_REVISION": "entire_revision"}.get(
            getattr(status.coverage, "name", ""), "partial")
        reports.append(SignatureReport(
            field=sig.field_name,
            signer_name=_attr(subject, NameOID.COMMON_NAME),
            role=_attr(subject, NameOID.TITLE),
            organization=_attr(subject, NameOID.ORGANIZATION_NAME),
            fingerprint=fingerprint(cert) if cert else "",
            signing_time=status.signer_reported_dt,
            intact=bool(status.intact),
            valid=bool(status.valid),
            trusted=bool(status.trusted),
            coverage=coverage,
            changes_after=changes,
            revision=sig.signed_revision,
            problems=tuple(_problems(status, changes)),
        ))
    return VerificationReport(file=label, signatures=tuple(reports), revisions=total,
                              trust_roots=tuple(fingerprint(c) for c in trust_roots))


def verify_pdf(path: Path, trust_roots: Sequence[x509.Certificate], *,
               at: dt.datetime | None = None) -> VerificationReport:
    """Check every signature of the PDF at ``path``; see :func:`verify_pdf_bytes`."""
    path = Path(path)
    return verify_pdf_bytes(read_file(path), trust_roots, label=path.name, at=at)
