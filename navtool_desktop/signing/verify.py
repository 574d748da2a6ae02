"""Checking a signed PDF: each signature's signer, time, integrity, trust, and every later change.

A signature counts as valid only when all of these hold:

* it is intact and cryptographically sound (pyHanko);
* nothing changed after it except that later signers filled the signature boxes that were
  there, empty, before the first signature (:mod:`~navtool_desktop.signing.revisions`: a
  comparison of the file's revisions, and a second, independent comparison of the pages as
  drawn);
* its certificate chains to one of the roots the caller passes (the district's root, or roots
  the recipient chose); the operating system's list is never consulted;
* the certificate was valid, allowed to sign documents and not revoked at the signing time
  the signature states. That time comes from the signer's computer clock (there is no
  timestamp server), so a plan valid when signed stays valid after the certificate expires.

Nothing is fetched from the network (no OCSP, no CRL download): revocation lists are the ones
the caller passes (``navtool identity revoke`` writes them into the data folder).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from navtool_desktop.i18n import _
from navtool_desktop.signing.boxes import declared_boxes as labelled_boxes
from navtool_desktop.signing.boxes import disagreement
from navtool_desktop.signing.certpath import trusted_path, why_not
from navtool_desktop.signing.errors import SigningError
from navtool_desktop.signing.files import read_file
from navtool_desktop.signing.identity import fingerprint
from navtool_desktop.signing.revisions import (
    INFO,
    RENDERED,
    SIGNATURE_REUSED,
    UNREADABLE,
    BoxAtSigning,
    Change,
    ambiguous_changes,
    appended_bytes,
    boxes_over_content,
    declared_boxes_at,
    keys_given_twice,
    rendered_changes,
    structural_changes,
    too_many_revisions,
)
from navtool_desktop.signing.revocation import revoked_at

# pyHanko logs a traceback for every untrusted certificate; the report says it in words instead.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko_certvalidator").addHandler(logging.NullHandler())

#: What happened to the file after a signature (``SignatureReport.changes_after``).
NO_CHANGES = "none"  # the signature covers the entire file
SIGNATURES_ONLY = "signatures_only"  # later signers only filled the signature boxes
INFO_CHANGED = "info_changed"  # the document information (title, author ...) was changed
MODIFIED = "modified"  # anything else: pages, text, annotations, new fields ...
UNKNOWN = "unknown"  # the signature could not be checked at all

#: A signature's verdict (``SignatureReport.verdict``), worst first.
CHANGED = "changed"  # the document was changed after signing, or the signature is broken
NOT_TRUSTED = "not_trusted"  # the certificate does not chain to a root the reader trusts
CERTIFICATE_PROBLEM = "certificate_problem"  # expired, not yet valid, not for signing, revoked
VALID = "valid"
NOT_SIGNED = "not_signed"  # the file's verdict when it holds no signature

#: ``navtool verify`` exit status for each verdict (2 is a usage error or an unreadable file).
EXIT_CODES = {VALID: 0, CHANGED: 1, NOT_TRUSTED: 3, CERTIFICATE_PROBLEM: 4, NOT_SIGNED: 5}
EXIT_UNREADABLE = 2
_ORDER = (CHANGED, NOT_TRUSTED, CERTIFICATE_PROBLEM, VALID)

#: Why pyHanko's algorithm policy refused a signature (``SignatureReport.reason_code``; the verdict
#: stays NOT_TRUSTED): a broken digest (SHA-1, MD5), a signer's key too short (RSA under 2048 bits,
#: DSA under 3192), a certificate on the way to the root signed with either, or another refusal.
WEAK_DIGEST = "weak_digest"
WEAK_KEY = "weak_key"
WEAK_CERTIFICATE = "weak_certificate"
WEAK_ALGORITHM = "weak_algorithm"
WEAK_CODES = (WEAK_DIGEST, WEAK_KEY, WEAK_CERTIFICATE, WEAK_ALGORITHM)


def changes_text(code: str) -> str:
    """What happened after a signature (``SignatureReport.changes_after``), in plain words."""
    return {
        NO_CHANGES: _("nothing (the signature covers the whole file)"),
        SIGNATURES_ONLY: _("only later signatures, in the signature boxes"),
        INFO_CHANGED: _("THE DOCUMENT INFORMATION WAS CHANGED"),
        MODIFIED: _("THE DOCUMENT WAS CHANGED"),
        UNKNOWN: _("unknown"),
    }.get(code, code)


def verdict_text(verdict: str) -> str:
    return {
        VALID: _("valid"),
        CHANGED: _("changed after signing"),
        NOT_TRUSTED: _("not trusted"),
        CERTIFICATE_PROBLEM: _("certificate problem"),
        NOT_SIGNED: _("not signed"),
    }.get(verdict, verdict)


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
    trusted: bool  # the certificate chains to one of the given roots
    coverage: str  # "entire_file", "entire_revision" (later updates follow) or "partial"
    changes_after: str  # NO_CHANGES, SIGNATURES_ONLY, INFO_CHANGED, MODIFIED or UNKNOWN
    revision: int  # the file revision this signature signed, from 0
    problems: tuple[str, ...] = ()  # plain-language reasons for anything not right
    verdict: str = VALID  # VALID, CHANGED, NOT_TRUSTED or CERTIFICATE_PROBLEM
    changes: tuple[Change, ...] = ()  # what changed after (or with) this signature
    certificate_ok: bool = True  # valid, fit for signing and not revoked at the signing time
    notes: tuple[str, ...] = ()  # facts that do not make it fail (revoked later, clock ...)
    box_label: str = ""  # the role and name the signed box was labelled for before the first signature
    box_disagreement: str = ""  # why that label does not fit the certificate ("" when it does)
    weakness: str = ""  # WEAK_DIGEST, WEAK_KEY ... when pyHanko's algorithm policy refused the signature
    weak_algorithm: str = ""  # what is weak, e.g. "SHA-1", "MD5", "RSA-1024", "DSA-2048"

    @property
    def ok(self) -> bool:
        """Intact, valid, trusted, a good certificate, and nothing but later signatures after it."""
        return self.verdict == VALID

    @property
    def reason_code(self) -> str:
        """A stable code for the reason: one of :data:`WEAK_CODES`, else the verdict."""
        return self.weakness or self.verdict

    @property
    def reason(self) -> str:
        """The main reason for the verdict, in one sentence."""
        if self.problems:
            return self.problems[0]
        return _("The signature is intact, the document is unchanged since, and the certificate is trusted.")


@dataclass(frozen=True)
class VerificationReport:
    """Every signature of one PDF, in signing order."""

    file: str
    signatures: tuple[SignatureReport, ...]
    revisions: int
    trust_roots: tuple[str, ...] = field(default=())  # fingerprints of the roots checked against
    changes: tuple[Change, ...] = ()  # every change after the first signature
    declared_boxes: tuple[BoxAtSigning, ...] = ()  # empty signature boxes before the first signature

    @property
    def verdict(self) -> str:
        if not self.signatures:
            return NOT_SIGNED
        if self.changes:
            return CHANGED
        verdicts = {s.verdict for s in self.signatures}
        return next(v for v in _ORDER if v in verdicts or v == VALID)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    @property
    def ok(self) -> bool:
        """At least one signature, and every signature valid (see :class:`SignatureReport`)."""
        return self.verdict == VALID

    @property
    def trusted(self) -> bool:
        return bool(self.signatures) and all(s.trusted for s in self.signatures)

    @property
    def summary(self) -> str:
        """One sentence for a status line."""
        verdict = self.verdict
        if verdict == NOT_SIGNED:
            return _("This PDF has no digital signatures.")
        if verdict == CHANGED:
            return _("Do not rely on this PDF: it was changed after signing, or a signature is broken.")
        untrusted = [s for s in self.signatures if s.verdict == NOT_TRUSTED]
        if verdict == NOT_TRUSTED and all(s.weakness for s in untrusted):
            return _("Do not rely on this PDF: a signature was made with an algorithm or a key that is no longer "
                     "safe, so it proves nothing (see the signature).")
        if verdict == NOT_TRUSTED:
            return _("Do not rely on this PDF yet: a signer's certificate was not issued by a root certificate "
                     "you trust. Check its fingerprint with the district.")
        if verdict == CERTIFICATE_PROBLEM:
            return _("Do not rely on this PDF: a signer's certificate was expired, not yet valid, not allowed "
                     "to sign, or revoked when the signature was made.")
        return _("All signatures are valid and trusted, and the document is unchanged since signing "
                 "(only the signature boxes were filled).")

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``navtool verify --json``."""
        sigs = []
        for sig in self.signatures:
            sigs.append({
                "field": sig.field, "signer_name": sig.signer_name, "role": sig.role,
                "organization": sig.organization, "fingerprint": sig.fingerprint,
                "signing_time": sig.signing_time.isoformat() if sig.signing_time else None,
                "signing_time_source": "signer's computer clock",
                "intact": sig.intact, "valid": sig.valid, "trusted": sig.trusted,
                "certificate_ok": sig.certificate_ok, "coverage": sig.coverage,
                "changes_after": sig.changes_after, "revision": sig.revision,
                "verdict": sig.verdict, "reason": sig.reason, "reason_code": sig.reason_code,
                "weak_algorithm": sig.weak_algorithm or None, "ok": sig.ok,
                "problems": list(sig.problems), "notes": list(sig.notes),
                "changes": [c.to_json() for c in sig.changes],
                "box_label": sig.box_label, "box_disagreement": sig.box_disagreement,
            })
        return {
            "file": self.file, "verdict": self.verdict, "exit_code": self.exit_code, "ok": self.ok,
            "trusted": self.trusted, "summary": self.summary, "revisions": self.revisions,
            "trust_roots": list(self.trust_roots), "signatures": sigs,
            "changes": [c.to_json() for c in self.changes],
            "declared_boxes": [{"field": b.name, "page": b.page + 1, "rect": list(b.rect)}
                               for b in self.declared_boxes],
        }


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
        encrypted = reader.encrypted
        sigs = [] if encrypted else reader.embedded_signatures
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AssertionError, AttributeError,
            RecursionError) as exc:  # whatever a damaged or hostile file makes the reader raise
        raise SigningError(_("{file} is a damaged PDF and cannot be checked: {error}")
                           .format(file=label, error=exc), "not_pdf") from None
    if encrypted:
        raise SigningError.encrypted(label)
    return reader, sigs


# --- the certificate, at the signing time ------------------------------------------------------


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _certificate_check(cert: x509.Certificate, others: Sequence[x509.Certificate],
                       roots: Sequence[x509.Certificate], crls: Sequence[x509.CertificateRevocationList],
                       moment: dt.datetime, made_after: dt.datetime | None = None,
                       ) -> tuple[bool, list[str], list[str], list[str], tuple[x509.Certificate, ...]]:
    """(chains to a root, why not trusted, certificate problems, notes, the path to the root or
    ``()``) at ``moment``.

    ``made_after`` is the signing time of the latest signature earlier in the file: this one
    was made after it, whatever its own (signer's computer) time says."""
    if not roots:
        return False, [_("Not trusted: no root certificate to check against. Give the district's root "
                         "certificate (navtool verify --trust ROOT.cer), or keep it in the app.")], [], [], ()
    found = trusted_path(cert, others, roots, at=moment)
    if not found:
        return False, [_("Not trusted: {why}.").format(why=why_not(found, roots))], [], [], ()
    path = found.path
    problems: list[str] = []
    notes: list[str] = []
    for n, c in enumerate(path):
        name = _attr(c.subject, NameOID.COMMON_NAME)
        who = (_("the signer's certificate") if n == 0
               else _("the root certificate \u201c{name}\u201d").format(name=name) if n == len(path) - 1
               else _("the certificate authority \u201c{name}\u201d").format(name=name))
        if moment < c.not_valid_before_utc:
            problems.append(_("Certificate problem: {who} was not valid yet when the signature was made "
                              "({when}); it is valid from {start}.").format(
                who=who, when=_when(moment), start=_when(c.not_valid_before_utc)))
        elif moment > c.not_valid_after_utc:
            problems.append(_("Certificate problem: {who} had expired on {end}, before the signature was made "
                              "({when}).").format(who=who, end=_when(c.not_valid_after_utc), when=_when(moment)))
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        nr_ok = usage.content_commitment and usage.digital_signature
    except x509.ExtensionNotFound:
        nr_ok = False
    if not nr_ok:
        problems.append(_("Certificate problem: the certificate is not allowed to sign documents (it lacks the "
                          "\u201cnon-repudiation\u201d key usage)."))
    for n in range(1, len(path) - 1):  # a certificate authority on the way, revoked by the one above it
        gone = revoked_at(crls, path[n], path[n + 1])
        if gone is not None and (moment >= gone or (made_after is not None and made_after >= gone)):
            problems.append(_("Certificate problem: \u201c{name}\u201d, a certificate authority above the signer, "
                              "was revoked on {when}, before this signature was made ({signed}); nothing it "
                              "issued can be trusted after that.").format(
                name=_attr(path[n].subject, NameOID.COMMON_NAME), when=_when(gone), signed=_when(moment)))
    revoked = revoked_at(crls, cert, path[1] if len(path) > 1 else path[0])
    if revoked is not None and moment >= revoked:
        problems.append(_("Certificate problem: the district revoked this certificate on {when}, before the "
                          "signature was made ({signed}).").format(when=_when(revoked), signed=_when(moment)))
    elif revoked is not None and made_after is not None and made_after >= revoked:
        problems.append(_("Certificate problem: the district revoked this certificate on {when}. This signature "
                          "says it was made on {signed}, but it comes after a signature dated {earlier}, so it was "
                          "made after the revocation.").format(when=_when(revoked), signed=_when(moment),
                                                               earlier=_when(made_after)))
    elif revoked is not None:
        notes.append(_("The district revoked this certificate on {when}, after this signature was made "
                       "({signed}); signatures made before then stay valid.").format(
            when=_when(revoked), signed=_when(moment)))
    return True, [], problems, notes, path


def _pyhanko_trust_problem(status: Any) -> str:
    """pyHanko's reason for not trusting a chain, in plain words (never an enum name)."""
    from pyhanko.sign.ades.report import AdESIndeterminate

    indic = status.trust_problem_indic
    if indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return _("Not trusted: the certificate was not issued by a root certificate you trust.")
    if indic in (AdESIndeterminate.OUT_OF_BOUNDS_NO_POE, AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
                 AdESIndeterminate.EXPIRED):
        return _("Not trusted: a certificate in the chain was not valid at the signing time.")
    if indic == AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE:
        return _("Not trusted: the certificate chain breaks the rules for issuing certificates, or the "
                 "certificate is not allowed to sign documents.")
    if indic == AdESIndeterminate.REVOKED_NO_POE:
        return _("Not trusted: the certificate was revoked.")
    return _("Not trusted: the certificate chain to your root certificate could not be confirmed.")


_DIGEST_NAMES = {"sha1": "SHA-1", "md5": "MD5", "md2": "MD2"}
_KEY_NAMES = {"rsa": "RSA", "dsa": "DSA", "ec": "ECDSA"}


def _digest_name(native: str) -> str:
    return _DIGEST_NAMES.get(native, native.upper().replace("_", "-"))


def _key_name(public_key: Any) -> tuple[str, int]:
    """(kind, bits) of an asn1crypto public key: ("RSA", 1024)."""
    return _KEY_NAMES.get(public_key.algorithm, public_key.algorithm.upper()), int(public_key.bit_size)


def _weak_algorithm(sig: Any, chain: Sequence[Any], policy: Any,
                    moment: dt.datetime) -> tuple[str, str, str]:
    """(reason code, what is weak, why in words) for a signature pyHanko's algorithm policy refused.

    pyHanko only says *that* its policy refused it (CRYPTO_CONSTRAINTS_FAILURE); the same policy
    is asked here about each part in turn to say which: the digest, the signer's key, or a
    certificate on ``chain``, the signer's path to a trusted root, signer first (asn1crypto
    certificates, from :func:`_path_for_policy`; empty when there is none)."""
    from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy

    policy = CMSAlgorithmUsagePolicy.lift_policy(policy)
    try:
        info = sig.signer_info
        signer = sig.signer_cert
        digest, mechanism = info["digest_algorithm"], info["signature_algorithm"]
        if not policy.digest_algorithm_allowed(digest, moment):
            name = _digest_name(digest["algorithm"].native)
            return WEAK_DIGEST, name, _weak_digest_text(name)
        if not policy.signature_algorithm_allowed(mechanism, moment, signer.public_key):
            if not policy.signature_algorithm_allowed(mechanism, moment, None):  # not the key: the hash in it
                name = _digest_name(mechanism.hash_algo)
                return WEAK_DIGEST, name, _weak_digest_text(name)
            kind, bits = _key_name(signer.public_key)
            return WEAK_KEY, f"{kind}-{bits}", _(
                "Not trusted: the signature was made with the signer's {kind} key of {bits} bits, which is too "
                "weak to count as safe: with enough computing power a forger could work out the key and sign "
                "anything in this name. The district should issue the signer a new certificate.").format(
                kind=kind, bits=bits)
        # a certificate on the path to the root, signed with a weak digest or by a weak key
        for current, issuer in itertools.pairwise(chain):
            if not policy.signature_algorithm_allowed(current["signature_algorithm"], moment, issuer.public_key):
                if not policy.signature_algorithm_allowed(current["signature_algorithm"], moment, None):
                    what = _digest_name(current["signature_algorithm"].hash_algo)
                    shown = what
                else:
                    kind, bits = _key_name(issuer.public_key)
                    what = f"{kind}-{bits}"
                    shown = _("the issuer's {kind} key of {bits} bits").format(kind=kind, bits=bits)
                name = current.subject.native.get("common_name") or current.subject.human_friendly
                return WEAK_CERTIFICATE, what, _(
                    "Not trusted: the certificate of \u201c{name}\u201d was signed with {what}, which is no longer "
                    "safe: a forger could make a certificate in that name. The district should issue a new "
                    "certificate.").format(name=name, what=shown)
    except (ValueError, KeyError, TypeError, AttributeError):  # a malformed signature: said elsewhere
        pass
    return WEAK_ALGORITHM, "", _("Not trusted: the signature was made with an algorithm that is no longer safe, "
                                 "so it proves nothing.")


def _path_for_policy(path: Sequence[x509.Certificate], status: Any) -> list[Any]:
    """The signer's path to a trusted root, signer first, as pyHanko's policy reads certificates:
    the one signing/certpath.py found, else the one pyHanko's validation found (a certificate
    signed with SHA-1 fails our signature check but not pyHanko's), else none."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    if path:
        return [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in path]
    found = getattr(status, "validation_path", None)
    return list(reversed(list(found.iter_certs(include_root=True)))) if found is not None else []


def _weak_digest_text(name: str) -> str:
    return _("Not trusted: the signature was made with {algorithm}, which is no longer safe: a forger could make "
             "another document with the same signature. Ask the signer to sign again (this app signs with "
             "SHA-256).").format(algorithm=name)


# --- the report ----------------------------------------------------------------------------------


def _changes_code(changes: Sequence[Change], coverage: str, later: bool) -> str:
    if any(c.kind != INFO for c in changes):
        return MODIFIED
    if changes:
        return INFO_CHANGED
    if coverage == "entire_file":
        return NO_CHANGES
    return SIGNATURES_ONLY if later else NO_CHANGES


def verify_pdf_bytes(data: bytes, trust_roots: Sequence[x509.Certificate], *, label: str = "PDF",
                     at: dt.datetime | None = None, crls: Sequence[x509.CertificateRevocationList] = (),
                     check_structure: bool = True, check_rendering: bool = True) -> VerificationReport:
    """Check every signature of a PDF against exactly ``trust_roots`` (may be empty).

    ``at`` is "now" (a test clock): only used for signatures that state no signing time.
    ``check_structure`` and ``check_rendering`` switch off one of the two independent
    change checks (for tests showing that each one alone catches an overlay).
    """
    with keys_given_twice() as twice:
        reader, sigs = _open(data, label)
        return _verify(data, reader, sigs, twice, trust_roots, label=label, at=at, crls=crls,
                       check_structure=check_structure, check_rendering=check_rendering)


def _verify(data: bytes, reader: Any, sigs: Any, twice: list[tuple[int, str]],
            trust_roots: Sequence[x509.Certificate], *, label: str, at: dt.datetime | None,
            crls: Sequence[x509.CertificateRevocationList], check_structure: bool,
            check_rendering: bool) -> VerificationReport:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.ades.report import AdESIndeterminate
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    total = reader.xrefs.total_revisions
    now = at or dt.datetime.now(dt.UTC)
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in trust_roots]
    if not sigs:
        return VerificationReport(file=label, signatures=(), revisions=total,
                                  trust_roots=tuple(fingerprint(c) for c in trust_roots))
    first = min(s.signed_revision for s in sigs)
    try:
        boxes = tuple(declared_boxes_at(reader, first))
    except Exception:  # a hostile file: no boxes to spare from the page comparison
        boxes = ()
    changes: list[Change] = list(structural_changes(reader, first)) if check_structure else []
    if check_structure:
        labels = _box_labels(data, first)  # reads the declared revision (its keys given twice too)
        changes += ambiguous_changes(reader, twice)
        try:
            changes += appended_bytes(reader, data)
        except (KeyError, IndexError, AttributeError, TypeError, ValueError) as exc:
            changes.append(Change(UNREADABLE, _("the end of the file cannot be read ({error})").format(error=exc),
                                  total))
    if check_structure:
        changes += _reused_signatures(sigs, total)
    if check_rendering:
        ends = []
        for s in sigs:
            try:
                br = list(s.byte_range)
                ends.append((s.signed_revision, int(br[2]) + int(br[3])))
            except (TypeError, ValueError, IndexError, KeyError):
                continue
        try:
            changes += rendered_changes(data, ends, boxes)
        except Exception as exc:  # pdfium could not draw a revision: that is a finding, not a crash
            changes.append(Change(RENDERED, _("the pages could not be drawn for comparison ({error})")
                                  .format(error=exc), first))
        # a box filled later must have been blank paper when the first signature was made
        later = {s.field_name: s.signed_revision for s in sigs if s.signed_revision > first}
        filled = [(b, later[b.name]) for b in boxes if b.name in later]
        first_end = max((end for rev, end in ends if rev == first), default=0)
        if filled and 0 < first_end <= len(data):
            try:
                changes += boxes_over_content(data[:first_end], filled)
            except Exception as exc:  # as above
                changes.append(Change(RENDERED, _("the pages could not be drawn for comparison ({error})")
                                      .format(error=exc), first))

    if not check_structure:
        labels = _box_labels(data, first)
    # thousands of revisions: pyHanko's own change analysis would take minutes; ours says
    # it cannot compare them (a change), so the signatures themselves are still checked
    skip_diff = too_many_revisions(reader, first)

    # each signature was made after the ones in earlier revisions, whatever its clock says
    claimed_times: list[tuple[int, dt.datetime]] = []
    for s in sigs:
        try:
            if s.self_reported_timestamp is not None:
                claimed_times.append((s.signed_revision, s.self_reported_timestamp))
        except Exception:  # a malformed signature: checked (and reported) below
            continue

    reports = []
    for sig in sigs:
        try:
            cert_der = sig.signer_cert.dump() if sig.signer_cert is not None else None
            cert = x509.load_der_x509_certificate(cert_der) if cert_der else None
            claimed = sig.self_reported_timestamp
        except Exception:  # a malformed signature: validation below says so in words
            cert, claimed = None, None
        subject = cert.subject if cert else x509.Name([])
        moment = claimed or now
        # a list, never None: None would make the validator use the operating system's roots
        context = ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail",
                                    moment=moment)
        rev = sig.signed_revision
        # rendered changes: compared with this signature's revision; the others: made after it, or by
        # this signature's own update when it is not the first
        mine = tuple(c for c in changes if (c.revision == rev and (c.kind == RENDERED or rev > first))
                     or (c.kind != RENDERED and c.revision > rev))
        base = dict(field=sig.field_name, signer_name=_attr(subject, NameOID.COMMON_NAME),
                    role=_attr(subject, NameOID.TITLE), organization=_attr(subject, NameOID.ORGANIZATION_NAME),
                    fingerprint=fingerprint(cert) if cert else "", revision=rev)
        skipped = False
        try:
            try:
                status = validate_pdf_signature(sig, signer_validation_context=context, skip_diff=skip_diff)
                skipped = skip_diff
            except RecursionError:
                skipped = True
                # pyHanko's own change analysis recurses through long outlines; ours does not and
                # still runs, so check the signature itself without pyHanko's analysis
                status = validate_pdf_signature(sig, signer_validation_context=context, skip_diff=True)
        except Exception as exc:  # a malformed signature: report it, keep checking the others
            reports.append(SignatureReport(
                **base, signing_time=claimed, intact=False, valid=False, trusted=False, coverage="partial",
                changes_after=UNKNOWN, problems=(_("The signature cannot be read: {error}").format(error=exc),),
                verdict=CHANGED, changes=mine, certificate_ok=False))
            continue
        coverage = {"ENTIRE_FILE": "entire_file", "ENTIRE_REVISION": "entire_revision"}.get(
            getattr(status.coverage, "name", ""), "partial")
        problems: list[str] = []
        if not status.intact:
            problems.append(_("The signed content does not match the signature: the file was altered."))
        elif not status.valid:
            problems.append(_("The signature itself is damaged or was not made with this certificate."))
        if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
            problems.append(_("The signature does not cover the whole document as it was when signed."))
        for c in mine:
            if c.revision == rev and c.kind != RENDERED:
                problems.append(_("This signature's own update changed the document: {what}.").format(what=c.text))
            else:
                problems.append(_("Changed after signing: {what}.").format(what=c.text))
        if getattr(status, "docmdp_ok", None) is False:
            problems.append(_("A change after this signature breaks what the certifying signature allows."))
        if not mine and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and not skipped \
                and (status.modification_level is None
                     or status.modification_level > ModificationLevel.FORM_FILLING):
            problems.append(_("pyHanko's own check found changes after this signature it cannot explain."))
        trusted, why_untrusted, cert_problems, notes, path = (
            False, [_("Not trusted: the signature carries no signer certificate.")], [], [], ())
        if cert is not None:
            others = []
            for extra in sig.other_embedded_certs:
                try:
                    others.append(x509.load_der_x509_certificate(extra.dump()))
                except ValueError:  # a damaged extra certificate: it cannot be part of a chain
                    continue
            made_after = max((t for r, t in claimed_times if r < rev), default=None)
            trusted, why_untrusted, cert_problems, notes, path = _certificate_check(
                cert, others, trust_roots, crls, moment, made_after)
            if claimed is not None and made_after is not None and claimed < made_after - dt.timedelta(minutes=5):
                notes.append(_("This signature is dated {signed}, before the signature made before it ({earlier}): "
                               "a computer clock was wrong, or was set back.").format(
                    signed=_when(claimed), earlier=_when(made_after)))
        chained = trusted
        if trusted and status.intact and status.valid and not status.trusted and not cert_problems:
            trusted = False
            why_untrusted = [_pyhanko_trust_problem(status)]
        weakness = weak_algorithm = ""
        if status.trust_problem_indic == AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE:
            code, what, why = _weak_algorithm(sig, _path_for_policy(path, status), context.algorithm_policy,
                                              moment)
            if chained or status.validation_path is not None:  # a path to a root you trust, but a weak link
                trusted, why_untrusted = False, [why]
                weakness, weak_algorithm = code, what
            else:  # first the root nobody trusts, then the algorithm
                why_untrusted.append(why)
        if claimed is None:
            notes.append(_("The signature states no signing time; it was checked at the present time."))
        elif claimed > now + dt.timedelta(days=1):
            notes.append(_("The signing time lies in the future: the signer's computer clock was wrong."))
        box = labels.get(sig.field_name)
        box_label = box.label if box is not None and (box.role or box.name) else ""
        box_problem = disagreement(box, base["signer_name"], base["role"]) if box_label and box else ""
        if box_problem:
            notes.append(_("The box signed is labelled for {label}, but the certificate is {name} ({role}): "
                           "{problem}. Someone stood in for the person named, or signed the wrong box.").format(
                label=box_label, name=base["signer_name"] or "?", role=base["role"] or _("no role"),
                problem=box_problem))
        broken = not (status.intact and status.valid) or len(problems) > 0
        if broken:
            verdict = CHANGED
        elif not trusted:
            verdict = NOT_TRUSTED
        elif cert_problems:
            verdict = CERTIFICATE_PROBLEM
        else:
            verdict = VALID
        problems += why_untrusted + cert_problems
        reports.append(SignatureReport(
            **base, signing_time=claimed, intact=bool(status.intact), valid=bool(status.valid), trusted=trusted,
            coverage=coverage,
            changes_after=_changes_code([c for c in mine if c.revision > rev or c.kind == RENDERED], coverage,
                                        rev < total - 1),
            problems=tuple(problems), verdict=verdict, changes=mine, certificate_ok=not cert_problems,
            notes=tuple(notes), box_label=box_label, box_disagreement=box_problem,
            weakness=weakness if verdict == NOT_TRUSTED else "", weak_algorithm=weak_algorithm))
    return VerificationReport(file=label, signatures=tuple(reports), revisions=total,
                              trust_roots=tuple(fingerprint(c) for c in trust_roots), changes=tuple(changes),
                              declared_boxes=boxes)


def _reused_signatures(sigs: Sequence[Any], total: int) -> list[Change]:
    """Boxes that hold no signature of their own: each signed revision has exactly one
    signature, so two fields whose signatures sign the same revision share one (a copy of
    another box's signature dictionary, with a stamp of the copier's choosing)."""
    by_revision: dict[int, list[str]] = {}
    for sig in sigs:
        try:
            by_revision.setdefault(sig.signed_revision, []).append(sig.field_name)
        except Exception:  # a malformed signature: reported on its own
            continue
    changes = []
    for revision, names in sorted(by_revision.items()):
        for name in names[1:]:
            changes.append(Change(SIGNATURE_REUSED, _("the box \u201c{name}\u201d holds no signature of its own: it "
                                                      "repeats the one in \u201c{other}\u201d").format(
                name=name, other=names[0]), max(total - 1, revision)))
    return changes


def _box_labels(data: bytes, first: int) -> dict[str, Any]:
    """The signature boxes by field name, labelled as they were before the first signature
    (the revision before it; its own revision for a file signed from the start)."""
    try:
        return {b.field: b for b in labelled_boxes(data, revision=max(first - 1, 0))}
    except Exception:  # a hostile file: the other checks say what is wrong with it
        return {}


def verify_pdf(path: Path, trust_roots: Sequence[x509.Certificate], *, at: dt.datetime | None = None,
               crls: Sequence[x509.CertificateRevocationList] = (), check_structure: bool = True,
               check_rendering: bool = True) -> VerificationReport:
    """Check every signature of the PDF at ``path``; see :func:`verify_pdf_bytes`."""
    path = Path(path)
    return verify_pdf_bytes(read_file(path), trust_roots, label=path.name, at=at, crls=crls,
                            check_structure=check_structure, check_rendering=check_rendering)
