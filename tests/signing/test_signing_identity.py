"""Signing identities: creating a root and signers, PKCS#12 files, fingerprints, clear errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from signing_helpers import TEST_KEY_BITS, District

from navtool_desktop.signing import (
    RootAuthority,
    SigningError,
    export_certificate,
    fingerprint,
    issue_signer,
    load_certificate,
    load_identity,
    load_root,
    save_identity,
    save_root,
)

PASS = "a long passphrase"
NOW = dt.datetime.now(dt.UTC)


def _hand_made_p12(root: RootAuthority, path: Path, *, not_before: dt.datetime, not_after: dt.datetime,
                   non_repudiation: bool = True, key_usage: bool = True, key_bits: int = TEST_KEY_BITS) -> None:
    """A signer .p12 built directly with cryptography (not through the app's API)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_bits)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Old Signer"),
                                 x509.NameAttribute(NameOID.TITLE, "Clerk")]))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if key_usage:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=non_repudiation, key_encipherment=True,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False), critical=True)
    cert = builder.sign(root.private_key, hashes.SHA256())
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"old", key, cert, [root.certificate], serialization.BestAvailableEncryption(PASS.encode())))


def test_root_and_signers_have_the_expected_certificates(district: District) -> None:
    root, sup = district.root, district.superintendent
    assert root.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = sup.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert (sup.name, sup.role, sup.organization) == ("Ana Peña", "Superintendent", "Peña Valley Unified")
    assert sup.certificate.issuer == root.certificate.subject
    sup.certificate.verify_directly_issued_by(root.certificate)
    root_years = (root.certificate.not_valid_after_utc - root.certificate.not_valid_before_utc).days / 365.25
    signer_years = (sup.not_valid_after - sup.not_valid_before).days / 365.25
    assert round(root_years) == 10 and round(signer_years) == 3
    assert sup.root == root.certificate
    assert sup.problems() == []


def test_fingerprint_is_sha256_in_colon_pairs(district: District) -> None:
    fp = district.superintendent.fingerprint
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", fp)
    assert fp.replace(":", "").lower() == district.superintendent.certificate.fingerprint(hashes.SHA256()).hex()
    assert fingerprint(district.root.certificate) != fp


def test_identity_round_trips_through_an_encrypted_p12(district: District, tmp_path: Path) -> None:
    path = tmp_path / "ana.p12"
    save_identity(district.superintendent, path, PASS)
    raw = path.read_bytes()
    key_der = district.superintendent.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    assert key_der[-64:] not in raw  # the key is not stored in the clear
    again = load_identity(path, PASS)
    assert again.certificate == district.superintendent.certificate
    assert again.chain == (district.root.certificate,)
    assert again.fingerprint == district.superintendent.fingerprint


def test_root_p12_issues_another_signer_later(district: District, tmp_path: Path) -> None:
    path = tmp_path / "root.p12"
    save_root(district.root, path, "root passphrase!")
    root = load_root(path, "root passphrase!")
    clerk = issue_signer(root, "María José", "Board Clerk", key_bits=TEST_KEY_BITS)
    clerk.certificate.verify_directly_issued_by(district.root.certificate)
    assert clerk.organization == "Peña Valley Unified"


def test_signer_p12_is_not_a_root(district: District, tmp_path: Path) -> None:
    path = tmp_path / "ana.p12"
    save_identity(district.superintendent, path, PASS)
    with pytest.raises(SigningError) as err:
        load_root(path, PASS)
    assert err.value.reason == "not_root"


def test_wrong_passphrase_says_so(district: District, tmp_path: Path) -> None:
    path = tmp_path / "ana.p12"
    save_identity(district.superintendent, path, PASS)
    with pytest.raises(SigningError, match=r"passphrase for ana\.p12 is not right") as err:
        load_identity(path, "not the passphrase")
    assert err.value.reason == "wrong_passphrase"


@pytest.mark.parametrize("content", [b"%PDF-1.7\n%%EOF\n", b"", b"\x30\x03\x02\x01\x03", b"hello"])
def test_a_file_that_is_not_pkcs12_says_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "plan.pfx"
    path.write_bytes(content)
    with pytest.raises(SigningError, match=r"plan\.pfx is not a PKCS#12 identity file") as err:
        load_identity(path, PASS)
    assert err.value.reason == "not_pkcs12"


def test_expired_certificate_says_so(district: District, tmp_path: Path) -> None:
    path = tmp_path / "old.p12"
    _hand_made_p12(district.root, path, not_before=NOW - dt.timedelta(days=800),
                   not_after=NOW - dt.timedelta(days=30))
    with pytest.raises(SigningError, match="expired on") as err:
        load_identity(path, PASS)
    assert err.value.reason == "expired"
    shown = load_identity(path, PASS, for_signing=False)  # `identity show` still opens it
    assert [p.reason for p in shown.problems()] == ["expired"]


def test_not_yet_valid_certificate_says_so(district: District, tmp_path: Path) -> None:
    path = tmp_path / "future.p12"
    _hand_made_p12(district.root, path, not_before=NOW + dt.timedelta(days=3), not_after=NOW + dt.timedelta(days=90))
    with pytest.raises(SigningError, match="not valid until") as err:
        load_identity(path, PASS)
    assert err.value.reason == "not_yet_valid"


@pytest.mark.parametrize("key_usage", [True, False])
def test_missing_non_repudiation_says_so(district: District, tmp_path: Path, key_usage: bool) -> None:
    path = tmp_path / "tls.p12"
    _hand_made_p12(district.root, path, not_before=NOW - dt.timedelta(days=1), not_after=NOW + dt.timedelta(days=90),
                   non_repudiation=False, key_usage=key_usage)
    with pytest.raises(SigningError, match="non-repudiation") as err:
        load_identity(path, PASS)
    assert err.value.reason == "no_non_repudiation"


def test_a_key_too_short_to_be_safe_is_refused_before_signing(district: District, tmp_path: Path) -> None:
    """An identity made elsewhere with a 1024-bit key: every plan it signed would be reported as
    not trusted (pyHanko's policy refuses it), so it is refused when it is opened to sign."""
    path = tmp_path / "short.p12"
    _hand_made_p12(district.root, path, not_before=NOW - dt.timedelta(days=1), not_after=NOW + dt.timedelta(days=90),
                   key_bits=1024)
    with pytest.raises(SigningError, match="1024 bits") as err:
        load_identity(path, PASS)
    assert err.value.reason == "weak_key" and "no longer safe" in str(err.value)
    shown = load_identity(path, PASS, for_signing=False)  # `identity show` still opens it and says why
    assert [p.reason for p in shown.problems()] == ["weak_key"]


def test_short_passphrase_is_refused(district: District, tmp_path: Path) -> None:
    with pytest.raises(SigningError) as err:
        save_identity(district.superintendent, tmp_path / "a.p12", "short")
    assert err.value.reason == "weak_passphrase"
    assert not (tmp_path / "a.p12").exists()


def test_saving_never_overwrites_without_permission(district: District, tmp_path: Path) -> None:
    path = tmp_path / "ana.p12"
    path.write_bytes(b"precious")
    with pytest.raises(SigningError, match="already exists") as err:
        save_identity(district.superintendent, path, PASS)
    assert err.value.reason == "exists"
    assert path.read_bytes() == b"precious"
    save_identity(district.superintendent, path, PASS, overwrite=True)
    assert load_identity(path, PASS).name == "Ana Peña"
    assert [p.name for p in tmp_path.iterdir()] == ["ana.p12"]  # no temp file left behind


@pytest.mark.parametrize("suffix", [".cer", ".pem"])
def test_root_certificate_export_reads_back(district: District, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"root{suffix}"
    export_certificate(district.root.certificate, path)
    assert path.read_bytes().startswith(b"-----BEGIN") == (suffix == ".pem")
    assert load_certificate(path) == district.root.certificate
    with pytest.raises(SigningError) as err:
        load_certificate(tmp_path.parent)
    assert err.value.reason == "unreadable"


def test_a_self_signed_stranger_in_the_file_is_not_taken_as_the_root(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    from navtool_desktop.signing.folder import SigningFolder
    from navtool_desktop.signing.identity import create_root, issue_signer

    theirs = create_root("Some CA")
    signer = issue_signer(theirs, "Eve", "Consultant")
    stranger = create_root("Anything At All")  # rides along in the file, issued nothing
    (tmp_path / "eve.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"eve", signer.private_key, signer.certificate, [stranger.certificate],
        BestAvailableEncryption(b"correct horse")))
    folder = SigningFolder(tmp_path / "signing")
    stored, root = folder.import_identity(tmp_path / "eve.p12", "correct horse")
    assert root is None  # the chain does not lead to the stranger
    assert folder.trust_roots() == []  # importing never trusts by itself
    assert stored.p12.exists()

    (tmp_path / "eve2.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"eve", signer.private_key, signer.certificate, [stranger.certificate, theirs.certificate],
        BestAvailableEncryption(b"correct horse")))
    _stored, root = folder.import_identity(tmp_path / "eve2.p12", "correct horse")
    assert root is not None and root.subject == theirs.certificate.subject
    assert folder.trust_roots() == []  # still only on the person's word (the screen asks)
    folder.trust_root(root)
    assert folder.is_trusted(root)
