"""What an attacker found in the one certificate-path check (signing/certpath.py), each a test
that failed before the fix: a self-signed signer without basic constraints trusted directly,
crashes on a certificate cryptography cannot read, a legit chain lost to a decoy that shares
its issuer's name and key, an expired copy of a renewed intermediate chosen over the valid one,
and a revoked intermediate never looked up."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from test_certificate_paths import START, Crafted, _cert, _key, _name, _pdf, _root, _sealed, _signer_under

from navtool_desktop.network.summary import MAGIC, MAX_FILE_BYTES
from navtool_desktop.signing import fingerprint
from navtool_desktop.signing.certpath import trusted_path
from navtool_desktop.signing.sealed import SealError, open_bytes
from navtool_desktop.signing.verify import NOT_TRUSTED, VALID, verify_pdf_bytes


def _verdicts(crafted: Crafted) -> tuple[str, str]:
    """(the plan check's verdict, the sealed reader's: "opened" or its problem)."""
    report = verify_pdf_bytes(_pdf(crafted), [crafted.root])
    try:
        open_bytes(_sealed(crafted), MAGIC, MAX_FILE_BYTES)
    except SealError as exc:
        return report.verdict, exc.problem
    return report.verdict, "opened"


def _without_constraints(subject: str) -> tuple[x509.Certificate, object]:
    key = _key()
    cert = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(subject))
            .public_key(key.public_key()).serial_number(x509.random_serial_number()).not_valid_before(START)
            .not_valid_after(START + dt.timedelta(days=3650)).sign(key, hashes.SHA256()))
    return cert, key


def test_a_self_signed_signer_without_basic_constraints_is_no_root() -> None:
    """With BasicConstraints(ca=False) it was refused; leaving the extension out made it a root."""
    alone, key = _without_constraints("Ana Peña")
    crafted = Crafted(key, [alone], alone)  # type: ignore[arg-type]
    verdict, sealed = _verdicts(crafted)
    assert verdict == NOT_TRUSTED and sealed != "opened"
    found = trusted_path(alone, [], [alone])
    assert not found and found.problem == "not_ca"


def _unknown_key_algorithm(cert: x509.Certificate) -> x509.Certificate:
    """``cert`` with its public key's algorithm changed to one cryptography does not know."""
    der = cert.public_bytes(Encoding.DER).replace(bytes.fromhex("06072a8648ce3d0201"),
                                                  bytes.fromhex("06072a8648ce3d0209"), 1)
    return x509.load_der_x509_certificate(der)


def _duplicated_constraints(cert_subject: x509.Name, issuer: x509.Name, ca: bool,
                            key: ec.EllipticCurvePrivateKey | None = None) -> x509.Certificate:
    """A certificate carrying BasicConstraints twice (cryptography raises DuplicateExtension), for
    ``key``'s public key (a new one by default), signed by a key of its own."""
    key = key or _key()
    spare = x509.ObjectIdentifier("2.5.29.99")
    made = (x509.CertificateBuilder().subject_name(cert_subject).issuer_name(issuer).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(START)
            .not_valid_after(START + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.UnrecognizedExtension(spare, x509.BasicConstraints(ca=ca, path_length=None)
                                                      .public_bytes()), critical=True)
            .sign(_key(), hashes.SHA256()))
    return x509.load_der_x509_certificate(made.public_bytes(Encoding.DER).replace(
        bytes.fromhex("0603551d63"), bytes.fromhex("0603551d13")))


@pytest.mark.parametrize("decoy", ["unknown-key", "duplicated-extension"])
def test_a_decoy_named_like_the_root_neither_crashes_nor_hides_the_real_root(decoy: str) -> None:
    """Anyone handling a summary can add certificates to its (unsigned) list: one named like the
    root that cryptography cannot read made the import and the check stop with a traceback."""
    root, root_key = _root()
    leaf, key = _signer_under(root, root_key)
    if decoy == "unknown-key":
        other = _key()
        bad = _unknown_key_algorithm(_cert(root.subject, _name("Anybody"), other, other, ca=True))
    else:
        bad = _duplicated_constraints(root.subject, _name("Anybody"), ca=True, key=root_key)  # the root's key
    crafted = Crafted(key, [leaf, bad, root], root)
    assert trusted_path(leaf, [bad, root], [root])
    opened = open_bytes(_sealed(crafted), MAGIC, MAX_FILE_BYTES)
    assert fingerprint(opened.root) == fingerprint(root)


def test_a_signer_whose_own_certificate_cannot_be_read_is_refused_in_words() -> None:
    root, _root_key = _root()
    leaf = _duplicated_constraints(_name("Ana Peña"), root.subject, ca=False)
    found = trusted_path(leaf, [root], [root])
    assert not found and found.problem == "malformed"


def test_a_decoy_with_the_intermediates_name_and_key_does_not_hide_the_real_path() -> None:
    """The decoy needs no private key: the intermediate's public key, its name, and any other root
    to sign it. The first candidate used to be taken for good."""
    root, root_key = _root(None)
    middle_key = _key()
    middle = _cert(_name("Intermediate CA"), root.subject, middle_key, root_key, ca=True, path_length=0)
    stranger, stranger_key = _key(), _key()
    elsewhere = _cert(_name("Somewhere else"), _name("Somewhere else"), stranger, stranger, ca=True)
    decoy = _cert(_name("Intermediate CA"), elsewhere.subject, middle_key, stranger, ca=True, path_length=0)
    del stranger_key
    leaf, key = _signer_under(middle, middle_key)
    for order in ([decoy, middle, elsewhere, root], [middle, decoy, elsewhere, root]):
        found = trusted_path(leaf, order, [root])
        assert found and found.root == root, found.problem
    # a sealed file carries at most four certificates: the decoy (its root left out) comes first
    crafted = Crafted(key, [leaf, decoy, middle, root], root)
    assert _verdicts(crafted) == (VALID, "opened")


def test_a_renewed_intermediate_is_used_where_it_was_valid_not_its_expired_copy() -> None:
    root, root_key = _root(None)
    middle_key = _key()

    def intermediate(start: dt.datetime, days: int) -> x509.Certificate:
        return (x509.CertificateBuilder().subject_name(_name("Regional CA")).issuer_name(root.subject)
                .public_key(middle_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .sign(root_key, hashes.SHA256()))

    expired = intermediate(START - dt.timedelta(days=400), 365)
    renewed = intermediate(START - dt.timedelta(days=40), 3650)
    leaf, key = _signer_under(renewed, middle_key)
    now = dt.datetime.now(dt.UTC)
    for order in ([expired, renewed, root], [renewed, expired, root]):
        found = trusted_path(leaf, order, [root], at=now)
        assert found and found.path[1] == renewed
    report = verify_pdf_bytes(_pdf(Crafted(key, [leaf, expired, renewed, root], root)), [root])
    assert report.verdict == VALID, report.signatures[0].problems


def test_a_revoked_intermediate_makes_what_it_issued_untrusted() -> None:
    root, root_key = _root(None)
    middle, middle_key = _signer_under(root, root_key, "Regional CA", ca=True, path_length=0)
    leaf, key = _signer_under(middle, middle_key)
    now = dt.datetime.now(dt.UTC)
    crl = (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
           .last_update(now - dt.timedelta(days=5)).next_update(now + dt.timedelta(days=30))
           .add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(middle.serial_number)
                                    .revocation_date(now - dt.timedelta(days=5)).build())
           .sign(root_key, hashes.SHA256()))
    pdf = _pdf(Crafted(key, [leaf, middle, root], root))
    assert verify_pdf_bytes(pdf, [root]).verdict == VALID  # without the list: nothing known
    sig = verify_pdf_bytes(pdf, [root], crls=[crl]).signatures[0]
    assert sig.verdict != VALID
    assert any("Regional CA" in p and "revoked" in p for p in sig.problems), sig.problems


def test_many_decoys_are_tried_within_a_bound() -> None:
    """Decoys sharing the intermediate's name and key, each under its own stranger root: every one is
    tried before the real one, and the search still ends (it is bounded, not exponential)."""
    root, root_key = _root(None)
    middle_key = _key()
    middle = _cert(_name("Intermediate CA"), root.subject, middle_key, root_key, ca=True, path_length=0)
    leaf, _leaf_key = _signer_under(middle, middle_key)
    decoys: list[x509.Certificate] = []
    for n in range(40):
        stranger = _key()
        elsewhere = _cert(_name(f"Elsewhere {n}"), _name(f"Elsewhere {n}"), stranger, stranger, ca=True)
        decoys += [_cert(_name("Intermediate CA"), elsewhere.subject, middle_key, stranger, ca=True), elsewhere]
    found = trusted_path(leaf, [*decoys, middle, root], [root])
    assert found and found.root == root


def test_past_the_bound_there_is_no_path_and_the_words_say_why() -> None:
    from navtool_desktop.signing.certpath import MAX_TRIES, why_not

    root, root_key = _root(None)
    middle_key = _key()
    middle = _cert(_name("Intermediate CA"), root.subject, middle_key, root_key, ca=True, path_length=0)
    leaf, _leaf_key = _signer_under(middle, middle_key)
    stranger = _key()
    elsewhere = _cert(_name("Elsewhere"), _name("Elsewhere"), stranger, stranger, ca=True)
    decoys = [_cert(_name("Intermediate CA"), elsewhere.subject, middle_key, stranger, ca=True)
              for _n in range(MAX_TRIES + 1)]
    found = trusted_path(leaf, [*decoys, elsewhere, middle, root], [root])
    assert not found and found.problem == "too_many"
    assert "too many certificates" in why_not(found, [root])
