"""Signing identities: a district root certificate, signer certificates it issues, PKCS#12 files.

The shape (DESIGN section 6): one district root, kept offline in its own passphrase-protected
``.p12``, issues a certificate to each signer (superintendent, board chair). A signer's
``.p12`` holds the signer's key, certificate and the root certificate; recipients trust the
root once. Private keys are only ever written inside passphrase-protected PKCS#12 files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from navtool_desktop.i18n import _
from navtool_desktop.signing.certpath import may_issue, trusted_path
from navtool_desktop.signing.errors import SigningError
from navtool_desktop.signing.files import read_file, write_new_file

ROOT_YEARS = 10
SIGNER_YEARS = 3
KEY_BITS = 3072
#: The shortest RSA key a signature may use: pyHanko's algorithm policy (verify) refuses shorter ones.
MIN_RSA_BITS = 2048
#: Passphrase-based encryption for every .p12 written: AES-256-CBC, PBKDF2 with SHA-256.
_KDF_ROUNDS = 200_000

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def fingerprint(cert: x509.Certificate) -> str:
    """The certificate's SHA-256 fingerprint as ``AA:BB:...`` (what recipients check by phone)."""
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def chain_root(leaf: x509.Certificate, others: Sequence[x509.Certificate]) -> x509.Certificate | None:
    """The self-signed root reached from ``leaf`` through ``others``, or None: the path a reader
    would accept (:func:`~navtool_desktop.signing.certpath.trusted_path`), issuer by issuer, each
    signature checked; a certificate that merely sits beside the leaf does not count."""
    return trusted_path(leaf, others).root


def _name_attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


#: X.509 allows at most 64 bytes (UTF-8) in a name, title or organization.
NAME_BYTES = 64


def _clip(text: str) -> str:
    """``text`` cut to :data:`NAME_BYTES` UTF-8 bytes, never inside a character."""
    return text.encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore").rstrip()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class RootAuthority:
    """The district root: its certificate (shared with recipients) and its private key (offline)."""

    certificate: x509.Certificate
    private_key: SigningKey = field(repr=False)

    @property
    def organization(self) -> str:
        return _name_attr(self.certificate.subject, NameOID.ORGANIZATION_NAME)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


@dataclass(frozen=True)
class Identity:
    """A signer: certificate, private key, and the issuing chain (root last)."""

    certificate: x509.Certificate
    private_key: SigningKey = field(repr=False)
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def name(self) -> str:
        return _name_attr(self.certificate.subject, NameOID.COMMON_NAME)

    @property
    def role(self) -> str:
        return _name_attr(self.certificate.subject, NameOID.TITLE)

    @property
    def organization(self) -> str:
        return _name_attr(self.certificate.subject, NameOID.ORGANIZATION_NAME)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def root(self) -> x509.Certificate | None:
        """The self-signed certificate at the top of the signer's own chain, or None.

        The chain is followed from the signer's certificate, issuer by issuer, checking each
        signature: a certificate that merely sits in the file does not count.
        """
        return chain_root(self.certificate, self.chain)

    @property
    def not_valid_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    @property
    def not_valid_before(self) -> dt.datetime:
        return self.certificate.not_valid_before_utc

    def problems(self, at: dt.datetime | None = None) -> list[SigningError]:
        """Every reason this identity cannot sign now (empty when it can)."""
        return certificate_problems(self.certificate, at)

    def check_can_sign(self, at: dt.datetime | None = None) -> None:
        """Raise the first :class:`SigningError` that stops this identity from signing."""
        found = self.problems(at)
        if found:
            raise found[0]


def certificate_problems(cert: x509.Certificate, at: dt.datetime | None = None) -> list[SigningError]:
    """Why ``cert`` cannot make a signature the validators accept: dates and key usage."""
    at = at or _utcnow()
    who = _name_attr(cert.subject, NameOID.COMMON_NAME) or cert.subject.rfc4514_string()
    found: list[SigningError] = []
    if at > cert.not_valid_after_utc:
        found.append(SigningError(
            _("The certificate of {who} expired on {date}. Ask the district to issue a new one.")
            .format(who=who, date=cert.not_valid_after_utc.date().isoformat()), "expired"))
    if at < cert.not_valid_before_utc:
        found.append(SigningError(
            _("The certificate of {who} is not valid until {date}. Check the computer's clock.")
            .format(who=who, date=cert.not_valid_before_utc.date().isoformat()), "not_yet_valid"))
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        nr_ok = usage.content_commitment and usage.digital_signature
    except x509.ExtensionNotFound:
        nr_ok = False
    if not nr_ok:
        found.append(SigningError(
            _("The certificate of {who} is not allowed to sign documents: it lacks the "
              "\"non-repudiation\" and \"digital signature\" key usage that PDF readers require. "
              "Use a signing certificate made for documents.").format(who=who),
            "no_non_repudiation"))
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        found.append(SigningError(
            _("The key of {who}'s certificate is {bits} bits, which is no longer safe: every plan signed with "
              "it would be reported as not trusted. Ask the district for a new identity.").format(
                who=who, bits=key.key_size), "weak_key"))
    return found


# --- creating ------------------------------------------------------------------------------


def _new_key(bits: int) -> rsa.RSAPrivateKey:
    # RSA rather than ECDSA: every PDF reader (Adobe, poppler, macOS Preview) verifies it.
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _validity(years: int, now: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    start = (now or _utcnow()).replace(microsecond=0) - dt.timedelta(minutes=5)  # small clock skew
    return start, start + dt.timedelta(days=365 * years + years // 4)


def create_root(organization: str, *, years: int = ROOT_YEARS, key_bits: int = KEY_BITS,
                now: dt.datetime | None = None) -> RootAuthority:
    """A new district root certificate (a CA that issues signer certificates)."""
    organization = organization.strip()
    if not organization:
        raise SigningError(_("The district name is needed for its root certificate."), "missing_field")
    key = _new_key(key_bits)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, _clip(_("{org} Root").format(org=organization))),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _clip(organization)),
    ])
    start, end = _validity(years, now)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return RootAuthority(cert, key)


def issue_signer(root: RootAuthority, name: str, role: str, organization: str | None = None, *,
                 email: str | None = None, years: int = SIGNER_YEARS, key_bits: int = KEY_BITS,
                 now: dt.datetime | None = None) -> Identity:
    """A signer certificate issued by ``root`` (digitalSignature + nonRepudiation), never past it."""
    name, role = name.strip(), role.strip()
    organization = (organization or root.organization).strip()
    if not name:
        raise SigningError(_("The signer's name is needed."), "missing_field")
    if not role:
        raise SigningError(_("The signer's role (for example Superintendent) is needed."), "missing_field")
    # the stamp prints the name and role exactly as the certificate has them: never cut them
    for value, what in ((name, _("name")), (role, _("role"))):
        if len(value.encode("utf-8")) > NAME_BYTES:
            raise SigningError(_("The signer's {what} is too long for a certificate: at most {n} bytes "
                                 "(about {n} Latin letters, fewer with accents or other scripts).")
                               .format(what=what, n=NAME_BYTES), "too_long")
    key = _new_key(key_bits)
    attrs = [
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.TITLE, role),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _clip(organization)),
    ]
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email.strip()))
    start, end = _validity(years, now)
    end = min(end, root.certificate.not_valid_after_utc)
    root_key_id = root.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs)).issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_key_id),
                       critical=False)
        .sign(root.private_key, hashes.SHA256())
    )
    return Identity(cert, key, (root.certificate,))


# --- PKCS#12 files ---------------------------------------------------------------------------


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    return passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase


def _encryption(passphrase: str | bytes) -> serialization.KeySerializationEncryption:
    secret = _passphrase_bytes(passphrase)
    if len(secret) < 8:
        raise SigningError(_("Choose a passphrase of at least 8 characters."), "weak_passphrase")
    return (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(_KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(secret)
    )


def identity_to_p12(identity: Identity, passphrase: str | bytes) -> bytes:
    """The identity as a passphrase-protected PKCS#12 (key, certificate, chain)."""
    return pkcs12.serialize_key_and_certificates(
        identity.name.encode("utf-8"), identity.private_key, identity.certificate,
        list(identity.chain) or None, _encryption(passphrase))


def root_to_p12(root: RootAuthority, passphrase: str | bytes) -> bytes:
    """The root (key and certificate) as a passphrase-protected PKCS#12, to keep offline."""
    return pkcs12.serialize_key_and_certificates(
        _name_attr(root.certificate.subject, NameOID.COMMON_NAME).encode("utf-8"),
        root.private_key, root.certificate, None, _encryption(passphrase))


def save_identity(identity: Identity, path: Path, passphrase: str | bytes, *, overwrite: bool = False) -> None:
    """Write a signer's ``.p12`` atomically; never replaces a file unless ``overwrite``."""
    write_new_file(Path(path), identity_to_p12(identity, passphrase), overwrite=overwrite)


def save_root(root: RootAuthority, path: Path, passphrase: str | bytes, *, overwrite: bool = False) -> None:
    """Write the root's ``.p12`` atomically; never replaces a file unless ``overwrite``."""
    write_new_file(Path(path), root_to_p12(root, passphrase), overwrite=overwrite)


def export_certificate(cert: x509.Certificate, path: Path, *, overwrite: bool = False) -> None:
    """Write a certificate (no key) for recipients to trust: PEM for ``.pem``/``.crt``, else DER."""
    path = Path(path)
    encoding = (serialization.Encoding.PEM if path.suffix.lower() in (".pem", ".crt")
                else serialization.Encoding.DER)
    write_new_file(path, cert.public_bytes(encoding), overwrite=overwrite)


def _looks_like_pkcs12(data: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native is not None
    except (ValueError, TypeError, KeyError):
        return False


def _parse_p12(data: bytes, passphrase: str | bytes, label: str) -> pkcs12.PKCS12KeyAndCertificates:
    if not _looks_like_pkcs12(data):
        raise SigningError(_("{file} is not a PKCS#12 identity file (.p12 or .pfx).").format(file=label),
                           "not_pkcs12")
    try:
        return pkcs12.load_pkcs12(data, _passphrase_bytes(passphrase))
    except ValueError:
        raise SigningError(_("The passphrase for {file} is not right. Check it and try again.")
                           .format(file=label), "wrong_passphrase") from None
    except Exception as exc:  # e.g. an unsupported (legacy) cipher inside the file
        raise SigningError(_("{file} cannot be opened: {error}").format(file=label, error=exc),
                           "unsupported") from None


def identity_from_p12(data: bytes, passphrase: str | bytes, *, label: str = "file",
                      for_signing: bool = True, at: dt.datetime | None = None) -> Identity:
    """Open a PKCS#12; with ``for_signing`` also check dates and key usage (raise if unfit)."""
    bundle = _parse_p12(data, passphrase, label)
    if bundle.key is None or bundle.cert is None:
        raise SigningError(_("{file} holds no private key and certificate to sign with.").format(file=label),
                           "no_private_key")
    key = bundle.key
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningError(_("{file} uses a kind of key this app cannot sign with (use RSA or ECDSA).")
                           .format(file=label), "unsupported")
    cert = bundle.cert.certificate
    chain = tuple(c.certificate for c in bundle.additional_certs if c.certificate != cert)
    identity = Identity(cert, key, _order_chain(cert, chain))
    if for_signing:
        identity.check_can_sign(at)
    return identity


def _order_chain(leaf: x509.Certificate, others: Sequence[x509.Certificate]) -> tuple[x509.Certificate, ...]:
    """Issuers from the leaf upwards (root last); certificates off the path are kept at the end."""
    ordered: list[x509.Certificate] = []
    rest = list(others)
    current = leaf
    while current.issuer != current.subject:
        issuer = next((c for c in rest if c.subject == current.issuer), None)
        if issuer is None:
            break
        ordered.append(issuer)
        rest.remove(issuer)
        current = issuer
    return (*ordered, *rest)


def load_identity(path: Path, passphrase: str | bytes, *, for_signing: bool = True,
                  at: dt.datetime | None = None) -> Identity:
    """Open a signer's ``.p12``/``.pfx`` (made here or imported); see :func:`identity_from_p12`."""
    path = Path(path)
    return identity_from_p12(read_file(path), passphrase, label=path.name, for_signing=for_signing, at=at)


def load_root(path: Path, passphrase: str | bytes, *, at: dt.datetime | None = None) -> RootAuthority:
    """Open the district root's ``.p12`` to issue another signer certificate."""
    path = Path(path)
    bundle = _parse_p12(read_file(path), passphrase, path.name)
    if bundle.key is None or bundle.cert is None:
        raise SigningError(_("{file} holds no private key and certificate.").format(file=path.name),
                           "no_private_key")
    cert = bundle.cert.certificate
    if not may_issue(cert):
        raise SigningError(_("{file} is a signer's identity, not a district root: it cannot issue "
                             "certificates.").format(file=path.name), "not_root")
    now = at or _utcnow()
    if now > cert.not_valid_after_utc:
        raise SigningError(_("The district root certificate expired on {date}; create a new root.")
                           .format(date=cert.not_valid_after_utc.date().isoformat()), "expired")
    key = bundle.key
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningError(_("{file} uses a kind of key this app cannot use.").format(file=path.name),
                           "unsupported")
    return RootAuthority(cert, key)


def load_certificate(path: Path) -> x509.Certificate:
    """A trusted root certificate from a ``.cer``/``.crt``/``.pem`` (PEM or DER) file."""
    path = Path(path)
    data = read_file(path)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise SigningError(_("{file} is not a certificate file (.cer, .crt or .pem).").format(file=path.name),
                           "not_certificate") from None


def load_signer_certificate(path: Path, passphrase: str | bytes | None = None) -> x509.Certificate:
    """A signer's certificate (to revoke it): from a certificate file, or from the signer's
    ``.p12``/``.pfx`` with its passphrase (an identity made before ``identity create`` wrote the
    ``.cer`` beside it). A ``.p12`` without a passphrase raises reason ``identity_file``."""
    path = Path(path)
    data = read_file(path)
    if _looks_like_pkcs12(data):
        if passphrase is None:
            raise SigningError(_("{file} is a signer's identity file, not a certificate.").format(file=path.name),
                               "identity_file")
        return identity_from_p12(data, passphrase, label=path.name, for_signing=False).certificate
    return load_certificate(path)


def signer_certificate_path(p12: Path) -> Path:
    """Where the signer's certificate is kept beside its identity file: ``NAME.cer`` for ``NAME.p12``."""
    return Path(p12).with_suffix(".cer")


def sign_bytes(key: SigningKey, data: bytes) -> bytes:
    """A detached signature of ``data`` (RSA PKCS#1 v1.5 or ECDSA, with SHA-256)."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify_bytes(cert: x509.Certificate, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is ``cert``'s key's signature of ``data`` (see :func:`sign_bytes`)."""
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True
