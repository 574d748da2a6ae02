"""Certificate paths: whether a certificate may issue another, and the path from a signer's
certificate up to a root.

The one place that decides both, for every reader in the app: a signed plan PDF
(:mod:`~navtool_desktop.signing.verify`, up to one of the roots the reader trusts), the network's
sealed files (:mod:`~navtool_desktop.signing.sealed`, up to the self-signed root the file carries;
the reader then compares that root with the pinned one) and a signer's own identity
(:attr:`Identity.root <navtool_desktop.signing.identity.Identity.root>`). The rules:

* each issuer is checked by its signature (a name alone proves nothing);
* each issuer is a certificate authority allowed to issue there: basic constraints say CA, the
  key usage (when given) allows signing certificates, and its path length allows the
  certificate authorities below it (a district root allows none). A signer's certificate is no
  CA: a certificate its key makes, in a colleague's name, leads nowhere;
* the signer's certificate is no CA, unless it is itself the trusted root (a district root may
  sign for itself);
* the path ends at a root signed by its own key (a certificate that only names itself as its
  issuer is no root), at most :data:`MAX_PATH` certificates long, and never goes round in a circle;
* a certificate whose extensions cannot be read gives no path.

:func:`trusted_path` says which rule failed; :func:`why_not` says it in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

from navtool_desktop.i18n import _

#: The most certificates a path may have, the signer's and the root's included (this app's
#: districts use two; a certificate authority's signer, three or four).
MAX_PATH = 8
#: The most candidate issuers tried in one search (decoys that share an issuer's name and key).
MAX_TRIES = 256

#: Why there is no path (:attr:`CertificatePath.problem`).
MALFORMED = "malformed"  #: a certificate's extensions cannot be read
SIGNER_IS_CA = "signer_is_ca"  #: the signer's certificate is a certificate authority's
NOT_CA = "not_ca"  #: issued by a certificate that may not issue certificates
PATH_LENGTH = "path_length"  #: issued by a CA whose path length forbids the CAs below it
NOT_SELF_SIGNED = "not_self_signed"  #: a "root" that names itself as issuer, signed by another key
LOOP = "loop"  #: the certificates issue each other in a circle
TOO_LONG = "too_long"  #: more than MAX_PATH certificates
NO_ISSUER = "no_issuer"  #: no certificate at hand issued it
COPIED_NAME = "copied_name"  #: a certificate has the issuer's name, but its key did not sign
UNTRUSTED_ROOT = "untrusted_root"  #: a self-signed root that is not one of the trusted roots
NOT_A_ROOT = "not_a_root"  #: no trusted root reached; the reader trusts a certificate on the way that is no root
TOO_MANY = "too_many"  #: more than MAX_TRIES certificates could have issued one on the way


@dataclass(frozen=True)
class CertificatePath:
    """The path from a signer's certificate up to a root (root last), or why there is none.

    True when there is a path. ``at`` is the certificate the problem is about."""

    path: tuple[x509.Certificate, ...] = ()
    problem: str = ""
    at: x509.Certificate | None = None

    def __bool__(self) -> bool:
        return bool(self.path)

    @property
    def root(self) -> x509.Certificate | None:
        return self.path[-1] if self.path else None


class _Malformed(Exception):
    def __init__(self, cert: x509.Certificate) -> None:
        super().__init__()
        self.cert = cert


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer``'s key signed ``cert`` (and ``issuer`` is the one ``cert`` names).

    A certificate from a file is anyone's: one whose key cryptography cannot load (an unknown
    algorithm), or that cannot be read at all, issued nothing."""
    try:
        cert.verify_directly_issued_by(issuer)
    except InvalidSignature:
        return False
    except Exception:  # UnsupportedAlgorithm, ValueError, TypeError...: it issued nothing
        return False
    return True


def _extension(cert: x509.Certificate, kind: type[x509.ExtensionType]) -> x509.ExtensionType | None:
    """The extension of this kind (None without it); :class:`_Malformed` when the certificate's
    extensions cannot be read (damaged, or one given twice: cryptography's DuplicateExtension)."""
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
    except Exception:  # whatever a damaged certificate makes cryptography raise
        raise _Malformed(cert) from None


def _constraints(cert: x509.Certificate) -> x509.BasicConstraints | None:
    """The basic constraints (None without them); :class:`_Malformed` when unreadable."""
    found = _extension(cert, x509.BasicConstraints)
    return found if isinstance(found, x509.BasicConstraints) else None


def _signs_certificates(cert: x509.Certificate) -> bool:
    """Whether the key usage (when given) allows signing certificates."""
    usage = _extension(cert, x509.KeyUsage)
    return not isinstance(usage, x509.KeyUsage) or bool(usage.key_cert_sign)


def _is_ca(cert: x509.Certificate) -> bool:
    constraints = _constraints(cert)
    return constraints is not None and constraints.ca


def _refusal(cert: x509.Certificate, below: int) -> str:
    """Why ``cert`` may not issue a certificate with ``below`` CA certificates under it ("" if it may)."""
    constraints = _constraints(cert)
    if constraints is None or not constraints.ca or not _signs_certificates(cert):
        return NOT_CA
    if constraints.path_length is not None and below > constraints.path_length:
        return PATH_LENGTH
    return ""


def may_issue(cert: x509.Certificate, below: int = 0) -> bool:
    """Whether ``cert`` is a certificate authority allowed to issue a certificate that has
    ``below`` CA certificates under it. A certificate with unreadable extensions may not."""
    try:
        return not _refusal(cert, below)
    except _Malformed:
        return False


def _within(cert: x509.Certificate, certs: Sequence[x509.Certificate]) -> bool:
    return any(cert == c for c in certs)


def _valid_at(cert: x509.Certificate, at: dt.datetime | None) -> bool:
    return at is None or cert.not_valid_before_utc <= at <= cert.not_valid_after_utc


def trusted_path(leaf: x509.Certificate, others: Sequence[x509.Certificate],
                 roots: Sequence[x509.Certificate] | None = None, *,
                 at: dt.datetime | None = None) -> CertificatePath:
    """The path from ``leaf`` through ``others`` up to one of ``roots`` (or, without ``roots``, up
    to a self-signed root, for the caller to compare with the one it pinned); see the module
    docstring for the rules. A failed path is False and says its :attr:`~CertificatePath.problem`.

    Where several certificates could have issued one (a decoy with its issuer's name and key, or
    a renewed certificate beside its expired copy), each is tried in turn: a trusted root first,
    then those valid ``at`` the signing time. At most :data:`MAX_TRIES` certificates are tried,
    so a file full of decoys costs little; past that there is no path (``too_many``). When no
    candidate leads anywhere, the problem is the one met on the most likely candidate's way."""
    pinned = list(roots) if roots is not None else None
    pool: list[x509.Certificate] = []
    for c in [*others, *(pinned or [])]:
        if not _within(c, pool):
            pool.append(c)
    tries = 0

    def self_issued(cert: x509.Certificate) -> bool:
        return cert.issuer == cert.subject

    def failed(problem: str, at_cert: x509.Certificate, path: list[x509.Certificate]) -> CertificatePath:
        if pinned and problem in (UNTRUSTED_ROOT, NO_ISSUER, COPIED_NAME):
            # no trusted root reached: say so when the reader trusts a certificate on the way instead
            trusted_here = next((c for c in path if _within(c, pinned) and not self_issued(c)), None)
            if trusted_here is not None:
                return CertificatePath(problem=NOT_A_ROOT, at=trusted_here)
        return CertificatePath(problem=problem, at=at_cert)

    def preference(cert: x509.Certificate) -> tuple[bool, bool]:
        return (not (pinned and _within(cert, pinned)), not _valid_at(cert, at))

    def extend(path: list[x509.Certificate]) -> CertificatePath:
        nonlocal tries
        current = path[-1]
        if self_issued(current):  # a root: the end of the path
            if not issued_by(current, current):
                return failed(NOT_SELF_SIGNED, current, path)
            if pinned is not None and not _within(current, pinned):
                return failed(UNTRUSTED_ROOT, current, path)
            if len(path) == 1 and not _is_ca(current):
                # signs for itself, yet no certificate authority (with or without basic constraints)
                return failed(NOT_CA, current, path)
            return CertificatePath(tuple(path))
        if len(path) >= MAX_PATH:
            return failed(TOO_LONG, current, path)
        named = [c for c in pool if c.subject == current.issuer]
        signers = [c for c in named if issued_by(current, c)]
        if not signers:
            return failed(COPIED_NAME if named else NO_ISSUER, current, path)
        fresh = sorted((c for c in signers if not _within(c, path)), key=preference)
        if not fresh:
            return failed(LOOP, current, path)
        first: CertificatePath | None = None
        for candidate in fresh:
            tries += 1
            if tries > MAX_TRIES:
                return CertificatePath(problem=TOO_MANY, at=current)
            try:
                refusal = _refusal(candidate, len(path) - 1)
            except _Malformed:
                refusal = MALFORMED
            found = (failed(refusal, candidate, path) if refusal else extend([*path, candidate]))
            if found or found.problem == TOO_MANY:
                return found
            first = first or found
        assert first is not None
        return first

    try:
        if not self_issued(leaf) and _is_ca(leaf):
            return failed(SIGNER_IS_CA, leaf, [leaf])  # (a root signing for itself: judged as a root)
        return extend([leaf])
    except _Malformed as bad:
        return failed(MALFORMED, bad.cert, [leaf])
    except Exception:  # a name or key cryptography cannot read: no path, never a crash
        return CertificatePath(problem=MALFORMED, at=leaf)


def cert_label(cert: x509.Certificate) -> str:
    """A certificate's name for a message: its common name, else its organization, else the whole name."""
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        values = cert.subject.get_attributes_for_oid(oid)
        if values:
            return str(values[0].value)
    return cert.subject.rfc4514_string()


def _issuer_label(cert: x509.Certificate) -> str:
    values = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else cert.issuer.rfc4514_string()


def why_not(found: CertificatePath, roots: Sequence[x509.Certificate] | None = None) -> str:
    """Why ``found`` is no path, as a clause for a message ("Not trusted: {why}."); ``roots`` the
    ones the reader trusts, as given to :func:`trusted_path` (None: the file's own root)."""
    at = found.at
    if at is None:
        return ""
    name = cert_label(at)
    if found.problem == MALFORMED:
        return _("the certificate \u201c{name}\u201d cannot be read: one of its extensions is damaged, so "
                 "nobody can tell what it may do").format(name=name)
    if found.problem == SIGNER_IS_CA:
        return _("the signing certificate \u201c{name}\u201d is a certificate authority's: it is for issuing "
                 "certificates, not for signing").format(name=name)
    if found.problem == NOT_CA and at.issuer == at.subject:
        return _("the certificate \u201c{name}\u201d signs for itself, yet it is no root: it is not marked "
                 "as a certificate authority").format(name=name)
    if found.problem == NOT_CA:
        return _("the certificate was issued by \u201c{issuer}\u201d, whose own certificate may sign documents but "
                 "not issue certificates (someone made a certificate in another person's name)").format(issuer=name)
    if found.problem == PATH_LENGTH:
        constraints = _constraints(at)
        allowed = constraints.path_length if constraints is not None and constraints.path_length else 0
        if allowed == 0:
            return _("the certificate authority \u201c{issuer}\u201d allows no certificate authority below it, "
                     "yet there is one").format(issuer=name)
        return _("the certificate authority \u201c{issuer}\u201d allows at most {allowed} certificate authorities "
                 "below it, and there are more").format(issuer=name, allowed=allowed)
    if found.problem == NOT_A_ROOT:
        return _("the certificate \u201c{name}\u201d you trust is not a root certificate (\u201c{issuer}\u201d "
                 "issued it): trust the root certificate itself").format(name=name, issuer=_issuer_label(at))
    if found.problem == NOT_SELF_SIGNED:
        return _("the root certificate \u201c{name}\u201d is not signed by its own key (a root's name on "
                 "another key)").format(name=name)
    if found.problem == LOOP:
        return _("the certificates issue each other in a circle and never reach a root")
    if found.problem == TOO_MANY:
        return _("the file carries too many certificates that could have issued \u201c{name}\u201d to try them "
                 "all").format(name=name)
    if found.problem == TOO_LONG:
        return _("the chain has more than {count} certificates, more than any district uses").format(count=MAX_PATH)
    trusted = roots or []
    if found.problem == UNTRUSTED_ROOT:
        issuer, copied = name, any(r.subject == at.subject for r in trusted)
    else:
        issuer, copied = _issuer_label(at), any(r.subject == at.issuer for r in trusted)
    if copied or (roots is None and found.problem == COPIED_NAME):
        if roots is None:
            return _("the certificate claims to be issued by \u201c{issuer}\u201d, but the certificate of that name "
                     "in the file did not issue it (a different key with a copied name)").format(issuer=issuer)
        return _("the certificate claims to be issued by \u201c{issuer}\u201d, but that root you trust did not "
                 "issue it (a different key with a copied name)").format(issuer=issuer)
    if roots is None:
        return _("the file does not carry the certificate of \u201c{issuer}\u201d, which issued it").format(
            issuer=issuer)
    return _("the certificate was issued by \u201c{issuer}\u201d, which is not a root certificate you "
             "trust").format(issuer=issuer)
