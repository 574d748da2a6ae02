"""Plans signed with an algorithm pyHanko's policy refuses (SHA-1, MD5, a DSA key, a 1024-bit RSA
key) are reported as that, in plain words and with a reason code, not as an unconfirmed chain.

Each hostile plan is signed by pyHanko's own ``SimpleSigner`` with a certificate the test
district's root issued, so the chain itself is sound: only the algorithm is weak.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from attacks import declared_plan
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, padding, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pytestqt.qtbot import QtBot
from signing_helpers import District

from navtool_desktop import i18n
from navtool_desktop.cli import main
from navtool_desktop.signing import NOT_TRUSTED, VALID, export_certificate, verify_pdf

NOT_CONFIRMED = "could not be confirmed"
#: How the report says it: a broken digest is "no longer safe", a short key "too weak to count as safe".
UNSAFE = ("no longer safe", "too weak to count as safe")
UNSAFE_ES = ("ya no es seguro", "demasiado débil para considerarse segura")


def _der(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _certificate(district: District, key: rsa.RSAPrivateKey | dsa.DSAPrivateKey,
                 not_after: dt.datetime | None = None) -> x509.Certificate:
    """A signing certificate for ``key``, issued by the district root (SHA-256, as the app issues them)."""
    root = district.root.certificate
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ana Peña"),
                                 x509.NameAttribute(NameOID.TITLE, "Superintendent")]))
        .issuer_name(root.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_after - dt.timedelta(days=30) if not_after else root.not_valid_before_utc)
        .not_valid_after(not_after or root.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(district.root.private_key, hashes.SHA256())
    )


def _signed_with_sha1(cert: x509.Certificate, district: District) -> x509.Certificate:
    """``cert`` as the district root would have issued it with SHA-1 (cryptography no longer signs
    certificates with SHA-1, so the signature is made by hand)."""
    tbs = _der(cert)["tbs_certificate"]
    tbs["signature"] = {"algorithm": "sha1_rsa"}
    root_key = district.root.private_key
    assert isinstance(root_key, rsa.RSAPrivateKey)
    value = root_key.sign(tbs.dump(force=True), padding.PKCS1v15(), hashes.SHA1())
    return x509.load_der_x509_certificate(asn1_x509.Certificate({
        "tbs_certificate": tbs, "signature_algorithm": {"algorithm": "sha1_rsa"}, "signature_value": value}).dump())


def simple_sign(district: District, key: rsa.RSAPrivateKey | dsa.DSAPrivateKey, md_algorithm: str, *,
                sha1_certificate: bool = False, not_after: dt.datetime | None = None) -> bytes:
    """The plan's first box signed by pyHanko's own SimpleSigner with ``key`` and ``md_algorithm``
    (with ``sha1_certificate``, the signer's certificate is signed with SHA-1)."""
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    cert = _certificate(district, key, not_after)
    if sha1_certificate:
        cert = _signed_with_sha1(cert, district)
    signer = signers.SimpleSigner(
        signing_cert=_der(cert), signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([_der(district.root.certificate)]))
    meta = signers.PdfSignatureMetadata(field_name="signer-1", md_algorithm=md_algorithm,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(declared_plan()),
                                                                             strict=False), output=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def rsa_2048() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


#: (name, key maker, digest, reason code, weak_algorithm in --json, words the report must use)
WEAK = [
    ("sha1", None, "sha1", "weak_digest", "SHA-1", "SHA-1"),
    ("md5", None, "md5", "weak_digest", "MD5", "MD5"),
    ("dsa", lambda: dsa.generate_private_key(key_size=2048), "sha256", "weak_key", "DSA-2048",
     "DSA key of 2048 bits"),
    ("rsa1024", lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024), "sha256", "weak_key",
     "RSA-1024", "RSA key of 1024 bits"),
]


@pytest.fixture(scope="module", params=WEAK, ids=[w[0] for w in WEAK])
def weak_plan(request: pytest.FixtureRequest, district: District,
              rsa_2048: rsa.RSAPrivateKey) -> tuple[bytes, str, str, str]:
    _name, make_key, md, code, token, words = request.param
    key = make_key() if make_key else rsa_2048
    return simple_sign(district, key, md), code, token, words


@pytest.fixture
def root_cer(district: District, tmp_path: Path) -> Path:
    path = tmp_path / "root.cer"
    export_certificate(district.root.certificate, path)
    return path


def pyhanko_status(data: bytes, district: District, **context: object):  # type: ignore[no-untyped-def]
    sig = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[0]
    return validate_pdf_signature(sig, ValidationContext(trust_roots=[_der(district.root.certificate)],
                                                         allow_fetching=False, **context))


def test_pyhankos_algorithm_policy_is_what_refuses_them(weak_plan: tuple[bytes, str, str, str],
                                                        district: District) -> None:
    data, _code, _token, _words = weak_plan
    status = pyhanko_status(data, district)
    assert status.intact and status.valid and not status.trusted
    assert status.trust_problem_indic == AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE
    # with every algorithm allowed, the same chain is trusted: only the algorithm is wrong
    assert pyhanko_status(data, district, algorithm_usage_policy=AcceptAllAlgorithms()).trusted


def test_navtool_verify_names_the_weak_algorithm(weak_plan: tuple[bytes, str, str, str], root_cer: Path,
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, code, token, words = weak_plan
    path = tmp_path / "weak.pdf"
    path.write_bytes(data)

    assert main(["verify", "--trust", str(root_cer), str(path), "--json"]) == 3
    report = json.loads(capsys.readouterr().out)
    sig = report["signatures"][0]
    assert (report["verdict"], sig["verdict"], sig["ok"], sig["trusted"]) == (NOT_TRUSTED, NOT_TRUSTED, False, False)
    assert sig["reason_code"] == code and sig["intact"] and sig["valid"]
    assert words in sig["reason"] and any(w in sig["reason"] for w in UNSAFE) and NOT_CONFIRMED not in sig["reason"]
    assert sig["weak_algorithm"] == token
    assert "no longer safe" in report["summary"] and "fingerprint" not in report["summary"]

    assert main(["verify", "--trust", str(root_cer), str(path)]) == 3
    text = capsys.readouterr().out
    assert words in text and any(w in text for w in UNSAFE) and NOT_CONFIRMED not in text
    assert "NOT TRUSTED" in text


def test_the_weak_algorithm_is_named_in_spanish(weak_plan: tuple[bytes, str, str, str], district: District,
                                                tmp_path: Path) -> None:
    data, _code, _token, words = weak_plan
    path = tmp_path / "weak.pdf"
    path.write_bytes(data)
    i18n.set_language("es")
    try:
        sig = verify_pdf(path, [district.root.certificate], check_rendering=False).signatures[0]
    finally:
        i18n.set_language("en")
    assert sig.verdict == NOT_TRUSTED
    assert any(w in sig.reason for w in UNSAFE_ES) and words.split()[0] in sig.reason


def test_a_sha256_rsa_2048_plan_is_unchanged(district: District, rsa_2048: rsa.RSAPrivateKey, root_cer: Path,
                                             tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(simple_sign(district, rsa_2048, "sha256"))
    assert main(["verify", "--trust", str(root_cer), str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    sig = report["signatures"][0]
    assert (report["verdict"], sig["verdict"], sig["reason_code"], sig["weak_algorithm"]) == (VALID, VALID, VALID,
                                                                                               None)
    assert not any(w in json.dumps(report) for w in UNSAFE)


def test_an_untrusted_root_is_still_reported_as_not_trusted(district: District, rsa_2048: rsa.RSAPrivateKey,
                                                            other_root_cer: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(simple_sign(district, rsa_2048, "sha1"))
    assert main(["verify", "--trust", str(other_root_cer), str(path), "--json"]) == 3
    sig = json.loads(capsys.readouterr().out)["signatures"][0]
    assert sig["reason_code"] == NOT_TRUSTED and "not a root certificate you trust" in sig["reason"]


def test_a_certificate_signed_with_sha1_is_named(district: District, rsa_2048: rsa.RSAPrivateKey, root_cer: Path,
                                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = simple_sign(district, rsa_2048, "sha256", sha1_certificate=True)
    status = pyhanko_status(data, district)
    assert status.trust_problem_indic == AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE
    assert pyhanko_status(data, district, algorithm_usage_policy=AcceptAllAlgorithms()).trusted
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    assert main(["verify", "--trust", str(root_cer), str(path), "--json"]) == 3
    sig = json.loads(capsys.readouterr().out)["signatures"][0]
    assert (sig["verdict"], sig["reason_code"], sig["weak_algorithm"]) == (NOT_TRUSTED, "weak_certificate", "SHA-1")
    assert sig["reason"].startswith("Not trusted: the certificate of \u201cAna Peña\u201d was signed with SHA-1, "
                                    "which is no longer safe")
    assert "copied name" not in json.dumps(sig)  # not "a different key with a copied name"


def test_a_weak_digest_and_an_expired_certificate_are_both_named(district: District, rsa_2048: rsa.RSAPrivateKey,
                                                                root_cer: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """pyHanko refuses the algorithm before it looks at dates: not trusted (3 comes before 4), and
    the report names both."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(simple_sign(district, rsa_2048, "sha1",
                                 not_after=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)))
    assert main(["verify", "--trust", str(root_cer), str(path), "--json"]) == 3
    sig = json.loads(capsys.readouterr().out)["signatures"][0]
    assert (sig["verdict"], sig["reason_code"], sig["certificate_ok"]) == (NOT_TRUSTED, "weak_digest", False)
    assert "SHA-1" in sig["problems"][0] and "had expired" in sig["problems"][1]


@pytest.fixture
def other_root_cer(other_root, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "other.cer"
    export_certificate(other_root.certificate, path)
    return path


@pytest.mark.gui
def test_the_apps_check_screen_names_the_weak_algorithm(qtbot: QtBot, pack, district: District,  # type: ignore[no-untyped-def]
                                                        rsa_2048: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    from navtool_desktop.storage.repository import Repository
    from navtool_desktop.ui.export_screen import ExportScreen

    path = tmp_path / "weak.pdf"
    path.write_bytes(simple_sign(district, rsa_2048, "sha1"))
    with Repository(tmp_path / "data") as repo:
        from navtool_desktop.core.demo import generate
        from navtool_desktop.storage.demo import save_demo

        store = save_demo(repo, generate(pack, years=1), backup=False)
        screen = ExportScreen(pack, store, signing_dir=tmp_path / "signing")
        qtbot.addWidget(screen)
        screen.folder.trust_root(district.root.certificate)
        with qtbot.waitSignal(screen.verified, timeout=60000) as blocker:
            screen.verify_file(path)
        assert blocker.args[0].verdict == NOT_TRUSTED
        shown = screen.verify_view.toPlainText()
        assert "SHA-1" in shown and "no longer safe" in shown
        assert NOT_CONFIRMED not in shown and "not issued by a district root" not in shown
        assert "no longer safe" in screen.verdict.text() and screen.verdict.property("tone") == "bad"
