"""Revoking a signer (a lost laptop): a certificate revocation list (CRL) signed by the district root.

One CRL per root, cumulative: revoking a second signer adds to the list. Each entry says from
when the certificate is revoked; ``verify`` keeps signatures made before that time valid and
reports later ones as a certificate problem. Nothing here touches the network: the CRL
travels as a file (the data folder, ``navtool verify --crl``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from navtool_desktop.i18n import _
from navtool_desktop.signing.certpath import issued_by
from navtool_desktop.signing.errors import SigningError
from navtool_desktop.signing.identity import RootAuthority, fingerprint

#: Why a signer is revoked, as typed on the command line.
REASONS = {
    "key-compromise": x509.ReasonFlags.key_compromise,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
}


def load_crl(data: bytes, label: str = "CRL") -> x509.CertificateRevocationList:
    """A CRL from DER or PEM bytes, or a plain :class:`SigningError`."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise SigningError(_("{file} is not a certificate revocation list (.crl).").format(file=label),
                           "not_crl") from None


def crl_bytes(crl: x509.CertificateRevocationList) -> bytes:
    """The CRL as DER, as written to the data folder and carried to recipients."""
    return crl.public_bytes(serialization.Encoding.DER)


def issued_by_root(crl: x509.CertificateRevocationList, root: x509.Certificate) -> bool:
    """Whether ``root`` signed ``crl`` (a CRL from anyone else counts for nothing)."""
    return crl.issuer == root.subject and crl.is_signature_valid(root.public_key())  # type: ignore[arg-type]


def revoked_at(crls: Iterable[x509.CertificateRevocationList], cert: x509.Certificate,
               issuer: x509.Certificate) -> dt.datetime | None:
    """When ``issuer`` revoked ``cert`` according to the CRLs it signed (earliest), or None."""
    found = None
    for crl in crls:
        if not issued_by_root(crl, issuer):
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None and (found is None or entry.revocation_date_utc < found):
            found = entry.revocation_date_utc
    return found


def revoke(root: RootAuthority, cert: x509.Certificate, *, since: dt.datetime | None = None,
           reason: str = "key-compromise", existing: x509.CertificateRevocationList | None = None,
           now: dt.datetime | None = None) -> x509.CertificateRevocationList:
    """A new CRL from ``root``: the entries of ``existing`` (if the root signed it) plus ``cert``,
    revoked from ``since`` (default: now). An earlier revocation of the same certificate is kept."""
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    since = (since or now).astimezone(dt.UTC).replace(microsecond=0)
    if since > now + dt.timedelta(minutes=1):
        raise SigningError(_("The revocation time {when} has not come yet; give a time that has passed.")
                           .format(when=since.isoformat()), "bad_time")
    if not issued_by(cert, root.certificate):
        who = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        raise SigningError(_("The certificate of {who} (SHA-256 {fp}) was not issued by this district root, "
                             "so this root cannot revoke it.").format(
            who=who[0].value if who else "?", fp=fingerprint(cert)), "not_issued_by_root")
    if reason not in REASONS:
        raise SigningError(_("Unknown reason {reason}; use one of: {choices}.").format(
            reason=reason, choices=", ".join(REASONS)), "bad_reason")
    entries: dict[int, x509.RevokedCertificate] = {}
    number = 1
    if existing is not None and issued_by_root(existing, root.certificate):
        for entry in existing:
            entries[entry.serial_number] = entry
        try:
            number = existing.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number + 1
        except x509.ExtensionNotFound:
            number = 2
    earlier = entries.get(cert.serial_number)
    if earlier is None or since < earlier.revocation_date_utc:
        entries[cert.serial_number] = (
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(since)
            .add_extension(x509.CRLReason(REASONS[reason]), critical=False)
            .build()
        )
    root_key_id = root.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.certificate.subject)
        .last_update(now)
        .next_update(max(now + dt.timedelta(days=1), root.certificate.not_valid_after_utc))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_key_id), critical=False)
    )
    for entry in sorted(entries.values(), key=lambda e: e.serial_number):
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(root.private_key, hashes.SHA256())
