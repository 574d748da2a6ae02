"""One certificate-path check for signed plan PDFs and for the network's sealed files.

The same crafted chains go to the plan verifier (``verify_pdf_bytes``, the district's root
trusted) and to the sealed-file reader (a ``.navsummary``, whose root the reader then compares
with the pinned one): both reach the same verdict, and each says in plain words why.
Every certificate here is signed for real; the PDFs are signed with pyHanko directly, so that
certificates the app would never make still sign.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from attacks import declared_plan, pyhanko_sign
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID, NameOID

from navtool_desktop.framework import Pack
from navtool_desktop.network.summary import MAGIC, MAX_FILE_BYTES, SummaryError, open_sealed
from navtool_desktop.signing import Identity, fingerprint
from navtool_desktop.signing.sealed import SealError, open_bytes
from navtool_desktop.signing.verify import NOT_TRUSTED, VALID, verify_pdf_bytes

START = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=10)
Key = ec.EllipticCurvePrivateKey


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Peña Valley Unified"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: x509.Name, issuer: x509.Name, key: Key, signing_key: Key, *, ca: bool,
          path_length: int | None = None, bad_constraints: bool = False) -> x509.Certificate:
    """A certificate for ``key`` under ``issuer``'s name, signed by ``signing_key``: a CA (may issue
    certificates) or a signer (may sign documents); ``bad_constraints`` writes a malformed
    basic-constraints extension instead of a real one."""
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(START)
               .not_valid_after(START + dt.timedelta(days=3650)))
    if bad_constraints:  # a SEQUENCE cut short: no reader can tell whether this is a CA
        builder = builder.add_extension(x509.UnrecognizedExtension(ExtensionOID.BASIC_CONSTRAINTS, b"\x30\x03\x01\x01"),
                                        critical=True)
    else:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False),
        critical=True)
    return builder.sign(signing_key, hashes.SHA256())


def _key() -> Key:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class Crafted:
    """A signing key, the certificates a file carries (the signer's first) and the root the reader trusts."""

    key: Key
    chain: list[x509.Certificate]
    root: x509.Certificate


def _root(path_length: int | None = 0) -> tuple[x509.Certificate, Key]:
    key = _key()
    return _cert(_name("District root"), _name("District root"), key, key, ca=True, path_length=path_length), key


def _signer_under(root: x509.Certificate, root_key: Key, cn: str = "Ana Peña", **kw: Any) -> tuple[
        x509.Certificate, Key]:
    key = _key()
    return _cert(_name(cn), root.subject, key, root_key, ca=kw.pop("ca", False), **kw), key


def craft(case: str) -> Crafted:
    root, root_key = _root()
    if case == "good":
        leaf, key = _signer_under(root, root_key)
        return Crafted(key, [leaf, root], root)
    if case == "good-intermediate":  # a signer from a certificate authority with one intermediate
        root, root_key = _root(None)
        middle, middle_key = _signer_under(root, root_key, "Intermediate CA", ca=True, path_length=0)
        leaf, key = _signer_under(middle, middle_key)
        return Crafted(key, [leaf, middle, root], root)
    if case == "root-signs":  # a small district signs with its root itself
        return Crafted(root_key, [root], root)
    if case == "minted":  # a signer's key makes a certificate in a colleague's name
        chair, chair_key = _signer_under(root, root_key, "Board Chair")
        forged, key = _signer_under(chair, chair_key, "Ana Peña")
        return Crafted(key, [forged, chair, root], root)
    if case == "path-length":  # an intermediate that allows no CA below it has one
        root, root_key = _root(None)
        upper, upper_key = _signer_under(root, root_key, "Upper CA", ca=True, path_length=0)
        lower, lower_key = _signer_under(upper, upper_key, "Lower CA", ca=True)
        leaf, key = _signer_under(lower, lower_key)
        return Crafted(key, [leaf, lower, upper, root], root)
    if case == "ca-leaf":  # a certificate authority's certificate signs the file
        leaf, key = _signer_under(root, root_key, "Ana Peña", ca=True)
        return Crafted(key, [leaf, root], root)
    if case == "self-issued-root":  # names itself as its issuer, but another key signed it
        key, other = _key(), _key()
        fake = _cert(_name("District root"), _name("District root"), key, other, ca=True, path_length=0)
        leaf, leaf_key = _signer_under(fake, key)
        return Crafted(leaf_key, [leaf, fake], fake)
    if case == "self-signed-signer":  # a signer's certificate that signs itself, trusted as it is
        key = _key()
        alone = _cert(_name("Ana Peña"), _name("Ana Peña"), key, key, ca=False)
        return Crafted(key, [alone], alone)
    if case == "loop":  # two CAs that issue each other, never reaching a root
        a_key, b_key = _key(), _key()
        a = _cert(_name("Loop A"), _name("Loop B"), a_key, b_key, ca=True)
        b = _cert(_name("Loop B"), _name("Loop A"), b_key, a_key, ca=True)
        leaf, key = _signer_under(a, a_key)
        return Crafted(key, [leaf, a, b], root)
    if case == "malformed-leaf":
        leaf, key = _signer_under(root, root_key, bad_constraints=True)
        return Crafted(key, [leaf, root], root)
    if case == "malformed-intermediate":
        root, root_key = _root(None)
        middle, middle_key = _signer_under(root, root_key, "Intermediate CA", bad_constraints=True)
        leaf, key = _signer_under(middle, middle_key)
        return Crafted(key, [leaf, middle, root], root)
    raise AssertionError(case)


#: Each refused chain and words the user sees for it, in the plan check and the sealed file alike.
REFUSED = {
    "minted": "may sign documents but not issue certificates",
    "path-length": "allows no certificate authority below it",
    "ca-leaf": "is a certificate authority's",
    "self-issued-root": "not signed by its own key",
    "loop": "issue each other in a circle",
    "self-signed-signer": "signs for itself, yet it is no root",
    "malformed-leaf": "cannot be read",
    "malformed-intermediate": "cannot be read",
}


def _pdf(crafted: Crafted) -> bytes:
    identity = Identity(crafted.chain[0], crafted.key, tuple(crafted.chain[1:]))
    try:
        crafted.chain[1].extensions  # noqa: B018 - pyHanko's certificate store reads them
    except (IndexError, ValueError):
        return _pdf_carrying(crafted)
    return pyhanko_sign(declared_plan(), identity, field="signer-1")


def _pdf_carrying(crafted: Crafted) -> bytes:
    """Signed with pyHanko, carrying the other certificates as they are (its own certificate store
    parses every extension, so a malformed one could not even be sent)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from navtool_desktop.signing.sign import _signer

    signer = _signer(Identity(crafted.chain[0], crafted.key, ()))
    signer._cert_registry = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in crafted.chain[1:]]
    meta = signers.PdfSignatureMetadata(field_name="signer-1", md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(declared_plan()),
                                                                             strict=False), output=out)
    return out.getvalue()


def _sealed(crafted: Crafted) -> bytes:
    from network_fakes import sealed_as

    return sealed_as(MAGIC, {"made_at": "2026-01-01T00:00:00Z"}, crafted.key, crafted.chain)


@pytest.mark.parametrize("case", ["good", "good-intermediate"])
def test_good_chains_are_trusted_by_both(case: str) -> None:
    crafted = craft(case)
    report = verify_pdf_bytes(_pdf(crafted), [crafted.root])
    assert report.verdict == VALID, report.signatures[0].problems
    opened = open_bytes(_sealed(crafted), MAGIC, MAX_FILE_BYTES)
    assert fingerprint(opened.root) == fingerprint(crafted.root)
    assert [fingerprint(c) for c in opened.path] == [fingerprint(c) for c in crafted.chain]


def test_a_root_signing_for_itself_is_trusted_by_both() -> None:
    """A small district signs with its root: a CA as the signer, allowed because it is the trusted root.
    (The plan check then says the root's certificate may not sign documents: a certificate problem,
    not a missing path.)"""
    crafted = craft("root-signs")
    sig = verify_pdf_bytes(_pdf(crafted), [crafted.root]).signatures[0]
    assert sig.trusted
    assert open_bytes(_sealed(crafted), MAGIC, MAX_FILE_BYTES).root == crafted.root


def test_a_home_made_root_signing_for_itself_is_judged_as_a_root() -> None:
    """A root that copies the district root's names signs for itself: not "a CA signer" but a root
    the reader does not trust (the sealed reader finds the path, then its pin does not match)."""
    crafted = craft("root-signs")
    copy, _key = _root()
    sig = verify_pdf_bytes(_pdf(crafted), [copy]).signatures[0]
    assert sig.verdict == NOT_TRUSTED and "a different key with a copied name" in sig.reason, sig.reason
    assert fingerprint(open_bytes(_sealed(crafted), MAGIC, MAX_FILE_BYTES).root) != fingerprint(copy)


def test_a_trusted_certificate_that_is_no_root_is_named() -> None:
    """Paths end at a root signed by its own key, for both readers: a trusted intermediate
    certificate (the sealed reader could never pin it) is refused, and the message says what to trust."""
    crafted = craft("good-intermediate")
    middle = crafted.chain[1]
    sig = verify_pdf_bytes(_pdf(crafted), [middle]).signatures[0]
    assert sig.verdict == NOT_TRUSTED
    assert sig.reason == ("Not trusted: the certificate \u201cIntermediate CA\u201d you trust is not a root "
                          "certificate (\u201cDistrict root\u201d issued it): trust the root certificate itself.")


def test_a_trusted_intermediate_beside_its_trusted_root_is_fine() -> None:
    crafted = craft("good-intermediate")
    assert verify_pdf_bytes(_pdf(crafted), [crafted.chain[1], crafted.root]).verdict == VALID


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_crafted_chain_gets_the_same_verdict_and_says_why(case: str, pack: Pack) -> None:
    crafted = craft(case)
    words = REFUSED[case]
    report = verify_pdf_bytes(_pdf(crafted), [crafted.root])
    sig = report.signatures[0]
    assert (report.verdict, sig.trusted) == (NOT_TRUSTED, False)
    assert sig.reason.startswith("Not trusted: ") and words in sig.reason, sig.reason
    raw = _sealed(crafted)
    with pytest.raises(SealError) as refused:
        open_bytes(raw, MAGIC, MAX_FILE_BYTES)
    assert refused.value.problem == "no_root"
    with pytest.raises(SummaryError) as told:
        open_sealed(raw, pack)
    message = str(told.value)
    assert "does not lead to a district root" in message and words in message, message
    assert "Traceback" not in message and "ValueError" not in message


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_one_rule_decides_for_both(case: str) -> None:
    """The two callers ask the same function: with the root pinned, or up to any self-signed root."""
    from navtool_desktop.signing.certpath import trusted_path

    crafted = craft(case)
    pinned = trusted_path(crafted.chain[0], crafted.chain[1:], roots=[crafted.root])
    anywhere = trusted_path(crafted.chain[0], crafted.chain[1:])
    assert not pinned and not anywhere
    assert pinned.problem == anywhere.problem


def test_the_path_is_bounded() -> None:
    """A chain longer than any district uses (each link a valid CA) is no path, whatever the root."""
    from navtool_desktop.signing.certpath import MAX_PATH, trusted_path

    root, key = _root(None)
    chain, issuer, issuer_key = [root], root, key
    for n in range(MAX_PATH):
        issuer, issuer_key = _signer_under(issuer, issuer_key, f"CA {n}", ca=True)
        chain.insert(0, issuer)
    leaf, _leaf_key = _signer_under(issuer, issuer_key)
    found = trusted_path(leaf, chain, roots=[root])
    assert not found and found.problem == "too_long"
    assert len(chain) + 1 > MAX_PATH


def test_a_signer_minted_certificate_says_so_in_the_agenda_too(pack: Pack) -> None:
    """The agenda reader words the same reason (its own file kind)."""
    from network_fakes import sealed_as

    from navtool_desktop.network.agenda_file import MAGIC as AGENDA_MAGIC
    from navtool_desktop.network.agenda_file import AgendaError, open_agenda

    crafted = craft("minted")
    raw = sealed_as(AGENDA_MAGIC, json.loads("{}"), crafted.key, crafted.chain)
    with pytest.raises(AgendaError, match="may sign documents but not issue certificates"):
        open_agenda(raw, pack, None)  # type: ignore[arg-type]


def test_a_root_whose_key_may_not_sign_certificates_cannot_issue(tmp_path: Any) -> None:
    """Opening a root's .p12 to issue a signer asks the same rule: a CA certificate whose key usage
    does not allow signing certificates is refused (every reader would refuse what it issued)."""
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    from navtool_desktop.signing import SigningError, load_root

    key = _key()
    cert = (x509.CertificateBuilder().subject_name(_name("District root")).issuer_name(_name("District root"))
            .public_key(key.public_key()).serial_number(1).not_valid_before(START)
            .not_valid_after(START + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    path = tmp_path / "root.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"root", key, cert, None, BestAvailableEncryption(b"pw")))
    with pytest.raises(SigningError) as refused:
        load_root(path, "pw")
    assert refused.value.reason == "not_root"


def test_trusting_a_signers_certificate_instead_of_the_root_is_refused_by_name(district: Any) -> None:
    """Trusting a signer's own certificate skipped the root (and its revocation list); the sealed
    reader never allowed it. The message says what to trust."""
    from navtool_desktop.signing import sign_pdf_bytes

    signed = sign_pdf_bytes(declared_plan(), district.superintendent, field="signer-1")
    assert verify_pdf_bytes(signed, [district.root.certificate]).verdict == VALID
    sig = verify_pdf_bytes(signed, [district.superintendent.certificate]).signatures[0]
    assert sig.verdict == NOT_TRUSTED
    assert sig.reason == ("Not trusted: the certificate \u201cAna Peña\u201d you trust is not a root certificate "
                          "(\u201cPeña Valley Unified Root\u201d issued it): trust the root certificate itself.")
