"""The district's signing folder: signer identities (.p12) and the root certificates it trusts.

Layout (``data_dir()/signing`` in the app)::

    signing/
        Pine Ridge USD Root.cer        root certificates: trusted when checking, sent to recipients
        identities/
            ana-pena-superintendent.p12   the signer's key and certificate (passphrase-protected)
            ana-pena-superintendent.cer   the same certificate alone, to list it without the passphrase
        revoked/
            Pine Ridge USD Root.crl       signers the root revoked (``navtool identity revoke``), one list per root

A district root's own ``.p12`` (its private key) is never kept here: it belongs offline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from navtool_desktop.i18n import _
from navtool_desktop.paths import file_stem
from navtool_desktop.signing.errors import SigningError
from navtool_desktop.signing.files import write_new_file
from navtool_desktop.signing.identity import (
    Identity,
    RootAuthority,
    certificate_problems,
    create_root,
    export_certificate,
    fingerprint,
    identity_to_p12,
    issue_signer,
    load_certificate,
    load_identity,
    load_root,
    root_to_p12,
    signer_certificate_path,
)

IDENTITIES = "identities"
REVOKED = "revoked"
CERT_SUFFIXES = (".cer", ".crt", ".pem")


def _crl_number(crl: x509.CertificateRevocationList) -> int:
    try:
        return int(crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number)
    except x509.ExtensionNotFound:
        return 0


def _attr(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


@dataclass(frozen=True)
class StoredIdentity:
    """A signer identity kept in the folder: its ``.p12`` and its certificate (readable without
    the passphrase)."""

    p12: Path
    certificate: x509.Certificate

    @property
    def name(self) -> str:
        return _attr(self.certificate, NameOID.COMMON_NAME)

    @property
    def role(self) -> str:
        return _attr(self.certificate, NameOID.TITLE)

    @property
    def organization(self) -> str:
        return _attr(self.certificate, NameOID.ORGANIZATION_NAME)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def not_valid_before(self) -> dt.datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_valid_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    def problems(self, at: dt.datetime | None = None) -> list[SigningError]:
        """Why this identity cannot sign now (expired, lacks non-repudiation...); empty if it can."""
        return certificate_problems(self.certificate, at)


class SigningFolder:
    """Reads and adds identities and trusted roots in one folder (created when first written)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @property
    def identities_dir(self) -> Path:
        return self.folder / IDENTITIES

    def identities(self) -> list[StoredIdentity]:
        """Every identity whose ``.p12`` has its certificate beside it, by name then role."""
        found = []
        if self.identities_dir.is_dir():
            for p12 in sorted([*self.identities_dir.glob("*.p12"), *self.identities_dir.glob("*.pfx")]):
                cert_path = signer_certificate_path(p12)
                if not cert_path.is_file():
                    continue
                try:
                    found.append(StoredIdentity(p12, load_certificate(cert_path)))
                except SigningError:
                    continue  # a damaged certificate file: the identity cannot be listed
        return sorted(found, key=lambda s: (s.name.casefold(), s.role.casefold(), s.p12.name))

    def trust_roots(self) -> list[x509.Certificate]:
        """The root certificates kept in the folder: the only ones a signature is checked against."""
        roots: dict[str, x509.Certificate] = {}
        if self.folder.is_dir():
            for path in sorted(self.folder.iterdir()):
                if path.is_file() and path.suffix.lower() in CERT_SUFFIXES:
                    try:
                        cert = load_certificate(path)
                    except SigningError:
                        continue
                    roots.setdefault(fingerprint(cert), cert)
        return list(roots.values())

    @property
    def revoked_dir(self) -> Path:
        return self.folder / REVOKED

    def _crl_path(self, root: x509.Certificate) -> Path:
        base = _attr(root, NameOID.COMMON_NAME) or _("District root")
        safe = "".join(ch if ch.isalnum() or ch in " -_." else "-" for ch in base).strip(" .") or "root"
        return self.revoked_dir / f"{safe}-{fingerprint(root).replace(':', '')[:8]}.crl"

    def revocation_lists(self) -> list[x509.CertificateRevocationList]:
        """Every readable CRL kept in the folder (verify counts only those a trusted root signed)."""
        from navtool_desktop.signing.revocation import load_crl

        found = []
        for path in sorted(self.revoked_dir.glob("*.crl")) if self.revoked_dir.is_dir() else ():
            try:
                found.append(load_crl(path.read_bytes(), path.name))
            except (SigningError, OSError):
                continue
        return found

    def revocation_list_bytes(self) -> list[tuple[str, bytes]]:
        """(file name, DER bytes) of each kept CRL: what a bundle or an e-mail carries to recipients."""
        if not self.revoked_dir.is_dir():
            return []
        return [(path.name, path.read_bytes()) for path in sorted(self.revoked_dir.glob("*.crl"))]

    def revoke(self, root: RootAuthority, cert: x509.Certificate, *, since: dt.datetime | None = None,
               reason: str = "key-compromise") -> tuple[Path, x509.CertificateRevocationList]:
        """Add ``cert`` to ``root``'s revocation list in the folder (made on first use)."""
        from navtool_desktop.signing.revocation import crl_bytes, issued_by_root, load_crl, revoke

        path = self._crl_path(root.certificate)
        existing = None
        if path.is_file():
            existing = load_crl(path.read_bytes(), path.name)
            if not issued_by_root(existing, root.certificate):
                existing = None
        crl = revoke(root, cert, since=since, reason=reason, existing=existing)
        self.revoked_dir.mkdir(parents=True, exist_ok=True)
        write_new_file(path, crl_bytes(crl), overwrite=True)
        return path, crl

    def add_revocation_list(self, data: bytes, label: str = "CRL") -> Path:
        """Keep a CRL received from a district, if one of the trusted roots signed it."""
        from navtool_desktop.signing.revocation import issued_by_root, load_crl

        crl = load_crl(data, label)
        root = next((r for r in self.trust_roots() if issued_by_root(crl, r)), None)
        if root is None:
            raise SigningError(_("{file} was not signed by a district root kept in this app.").format(file=label),
                               "untrusted_crl")
        path = self._crl_path(root)
        if path.is_file():
            if path.read_bytes() == data:
                return path  # the same list: nothing to write
            kept = load_crl(path.read_bytes(), path.name)
            if issued_by_root(kept, root) and _crl_number(kept) > _crl_number(crl):
                return path  # the list kept here is newer: it already holds everything in this one
        self.revoked_dir.mkdir(parents=True, exist_ok=True)
        write_new_file(path, data, overwrite=True)
        return path

    def trust_root(self, cert: x509.Certificate) -> Path:
        """Keep ``cert`` as a trusted root (``NAME.cer``); an already kept one is left as it is."""
        for path in self.folder.glob("*") if self.folder.is_dir() else ():
            if path.suffix.lower() in CERT_SUFFIXES:
                try:
                    if fingerprint(load_certificate(path)) == fingerprint(cert):
                        return path
                except SigningError:
                    continue
        self.folder.mkdir(parents=True, exist_ok=True)
        base = _attr(cert, NameOID.COMMON_NAME) or _("District root")
        safe = "".join(ch if ch.isalnum() or ch in " -_." else "-" for ch in base).strip(" .") or "root"
        path = self._free(self.folder, safe, ".cer")
        export_certificate(cert, path)
        return path

    def _free(self, folder: Path, stem: str, suffix: str) -> Path:
        path, n = folder / f"{stem}{suffix}", 2
        while path.exists() or path.with_suffix(".p12").exists():
            path, n = folder / f"{stem}-{n}{suffix}", n + 1
        return path

    def _add(self, identity: Identity, p12_data: bytes, *, trust: bool) -> StoredIdentity:
        self.identities_dir.mkdir(parents=True, exist_ok=True)
        p12 = self._free(self.identities_dir, file_stem(f"{identity.name} {identity.role}", "signer"), ".p12")
        export_certificate(identity.certificate, signer_certificate_path(p12))
        write_new_file(p12, p12_data)
        root = identity.root
        if trust and root is not None:
            self.trust_root(root)
        return StoredIdentity(p12, identity.certificate)

    def import_identity(self, source: Path, passphrase: str) -> tuple[StoredIdentity, x509.Certificate | None]:
        """Copy a signer's ``.p12``/``.pfx`` into the folder once it opens and can sign.

        Its root is NOT trusted here: anyone can put a self-signed certificate in a file.
        The root is returned (if the signer's chain leads to one) for the person to confirm
        by its fingerprint, then :meth:`trust_root`.
        """
        identity = load_identity(source, passphrase)
        return self._add(identity, Path(source).read_bytes(), trust=False), identity.root

    def is_trusted(self, cert: x509.Certificate) -> bool:
        return any(fingerprint(c) == fingerprint(cert) for c in self.trust_roots())

    def create_identity(self, name: str, role: str, organization: str, passphrase: str, *,
                        new_root: Path | None = None, root_passphrase: str = "",
                        existing_root: Path | None = None) -> StoredIdentity:
        """Issue a signer identity from a new district root (saved to ``new_root``) or from the
        root ``.p12`` at ``existing_root``. Nothing is written unless every step can succeed."""
        if (new_root is None) == (existing_root is None):
            raise ValueError("give new_root or existing_root")
        if existing_root is not None:
            root = load_root(existing_root, root_passphrase)
        else:
            assert new_root is not None
            if new_root.exists():
                raise SigningError(_("{file} already exists; choose another name for the new root.")
                                   .format(file=new_root.name), "exists")
            root = create_root(organization)
        identity = issue_signer(root, name, role, organization or None)
        signer_data = identity_to_p12(identity, passphrase)  # checks the passphrase before any write
        if new_root is not None:
            write_new_file(new_root, root_to_p12(root, root_passphrase))
        # the district's own root (made here, or opened from its .p12 with its passphrase)
        return self._add(identity, signer_data, trust=True)

    def load(self, stored: StoredIdentity, passphrase: str) -> Identity:
        """Open a kept identity to sign with (raises the plain :class:`SigningError`)."""
        return load_identity(stored.p12, passphrase)

    def district_root(self, organization: str = "") -> x509.Certificate | None:
        """The district's root certificate: the trusted root that issued the identities kept
        here (those of ``organization`` first), else the only trusted root, else None."""
        roots = self.trust_roots()
        wanted = organization.strip().casefold()
        issuers = []
        for stored in self.identities():
            for root in roots:
                if root.subject == stored.certificate.issuer:
                    issuers.append((stored.organization.strip().casefold() == wanted, root))
        for matches, root in sorted(issuers, key=lambda pair: not pair[0]):
            if matches or not wanted:
                return root
        if issuers:
            return issuers[0][1]
        return roots[0] if len(roots) == 1 else None
