"""Each way of changing a signed plan unseen, built for real, with what navtool, pdfsig and pyHanko say.

A genuine plan here is what the renderer makes: two empty signer boxes on the last page
(``attacks.declared_plan``), the superintendent signs ``signer-1``, the board chair ``signer-2``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from attacks import (
    declared_plan,
    free_text_annotation,
    metadata_changed,
    overlay_in_new_field,
    overlay_in_taller_box,
    page_text_changed,
    picture_in_empty_box,
    pyhanko_sign,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from signing_helpers import TEST_KEY_BITS, District

from navtool_desktop.cli import main
from navtool_desktop.signing import (
    CERTIFICATE_PROBLEM,
    CHANGED,
    INFO_CHANGED,
    MODIFIED,
    NOT_TRUSTED,
    SIGNATURES_ONLY,
    VALID,
    Identity,
    RootAuthority,
    create_root,
    export_certificate,
    issue_signer,
    save_root,
    sign_pdf_bytes,
    verify_pdf,
)
from navtool_desktop.signing.revisions import (
    BOX_CHANGED,
    INFO,
    NEW_ANNOTATION,
    NEW_FIELD,
    PAGE_CONTENT,
    RENDERED,
)

Pdfsig = Callable[[Path], list[dict[str, str]]]
PDFSIG_VALID = "Signature is Valid."


@pytest.fixture(scope="module")
def signed_once(district: District) -> bytes:
    return sign_pdf_bytes(declared_plan(), district.superintendent, field="signer-1")


@pytest.fixture(scope="module")
def signed_twice(district: District, signed_once: bytes) -> bytes:
    return sign_pdf_bytes(signed_once, district.board_chair, field="signer-2")


@pytest.fixture(scope="module")
def stranger(district: District) -> Identity:
    """A certificate from a home-made root that copies the district's names."""
    fake_root = create_root(district.root.organization, key_bits=TEST_KEY_BITS)
    return issue_signer(fake_root, "Ana Peña", "Superintendent", key_bits=TEST_KEY_BITS)


@pytest.fixture
def root_cer(district: District, tmp_path: Path) -> Path:
    path = tmp_path / "district-root.cer"
    export_certificate(district.root.certificate, path)
    return path


def cli(capsys: pytest.CaptureFixture[str], path: Path, *args: str | Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(["verify", str(path), "--json", *(str(a) for a in args)])
    return code, json.loads(capsys.readouterr().out)


def pyhanko_says(path: Path, district: District) -> list[tuple[bool, str | None]]:
    """pyHanko's own validation (its default diff policy), with the district root trusted:
    (bottom line, modification level) per signature."""
    root = asn1_x509.Certificate.load(district.root.certificate.public_bytes(serialization.Encoding.DER))
    with path.open("rb") as f:
        out = []
        for sig in PdfFileReader(f, strict=False).embedded_signatures:
            status = validate_pdf_signature(sig, ValidationContext(trust_roots=[root], allow_fetching=False))
            level = status.modification_level.name if status.modification_level is not None else None
            out.append((bool(status.bottom_line), level))
    return out


def pdfsig_says(pdfsig: Pdfsig, path: Path) -> list[tuple[str, bool]]:
    """pdfsig per signed field: (its validation line, whether it says the whole document is signed)."""
    return [(r["Signature Validation"], "Total document signed" in r) for r in pdfsig(path)
            if "Signature Validation" in r]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- the genuine plan ------------------------------------------------------------------------


def test_the_genuine_two_signer_plan_is_valid_everywhere(district: District, signed_twice: bytes, tmp_path: Path,
                                                         root_cer: Path, pdfsig: Pdfsig,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "plan.pdf", signed_twice)
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (0, VALID)
    assert [s["changes_after"] for s in report["signatures"]] == [SIGNATURES_ONLY, "none"]
    assert report["changes"] == []
    assert [b["field"] for b in report["declared_boxes"]] == ["signer-2"]
    assert pdfsig_says(pdfsig, path) == [(PDFSIG_VALID, False), (PDFSIG_VALID, True)]
    assert [ok for ok, _level in pyhanko_says(path, district)] == [True, True]


# --- C1: overlays ---------------------------------------------------------------------------


@pytest.mark.parametrize("signer", ["district", "stranger"])
def test_an_overlay_in_a_new_signature_field_is_changed_after_signing(
        district: District, stranger: Identity, signed_once: bytes, signer: str, tmp_path: Path, root_cer: Path,
        pdfsig: Pdfsig, capsys: pytest.CaptureFixture[str]) -> None:
    identity = district.board_chair if signer == "district" else stranger
    path = write(tmp_path, "overlay.pdf", overlay_in_new_field(signed_once, identity, tmp_path))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (1, CHANGED)  # changed outranks "not trusted" for the stranger
    assert [s["verdict"] for s in report["signatures"]] == [CHANGED, CHANGED]
    first, overlay = report["signatures"]
    assert first["changes_after"] == MODIFIED
    assert "a new signature field \u201csigner-9\u201d was added on page 1" in first["reason"]
    assert overlay["reason"].startswith("This signature's own update changed the document")
    kinds = {(c["kind"], c["page"]) for c in report["changes"]}
    assert (NEW_FIELD, 1) in kinds and (RENDERED, 1) in kinds  # both lines of defence see it
    # pdfsig calls both signatures valid. pyHanko's default policy would accept a new field as
    # form filling, but the first signature certifies the plan and locks every field but the
    # declared boxes, so pyHanko refuses the overlay too
    assert pdfsig_says(pdfsig, path) == [(PDFSIG_VALID, False), (PDFSIG_VALID, True)]
    assert pyhanko_says(path, district)[0] == (False, "OTHER")
    assert [ok for ok, _level in pyhanko_says(path, district)] == [False, signer == "district"]


def test_the_page_comparison_alone_catches_the_overlay(district: District, signed_once: bytes,
                                                        tmp_path: Path) -> None:
    path = write(tmp_path, "overlay.pdf", overlay_in_new_field(signed_once, district.board_chair, tmp_path))
    report = verify_pdf(path, [district.root.certificate], check_structure=False)
    assert report.verdict == CHANGED and report.exit_code == 1
    assert [(c.kind, c.page, c.revision) for c in report.changes] == [(RENDERED, 1, report.signatures[0].revision)]
    assert "page 1 looks different outside the signature boxes" in report.signatures[0].problems[0]
    # and the structural check alone, without pictures
    report = verify_pdf(path, [district.root.certificate], check_rendering=False)
    assert report.verdict == CHANGED and NEW_FIELD in [c.kind for c in report.changes]
    assert RENDERED not in [c.kind for c in report.changes]
    # a genuine plan passes both checks alone
    genuine = write(tmp_path, "genuine.pdf", sign_pdf_bytes(signed_once, district.board_chair, field="signer-2"))
    for flags in ({"check_structure": False}, {"check_rendering": False}):
        assert verify_pdf(genuine, [district.root.certificate], **flags).verdict == VALID


def test_an_existing_box_made_taller_then_signed_is_changed(district: District, signed_once: bytes, tmp_path: Path,
                                                            root_cer: Path, pdfsig: Pdfsig,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "taller.pdf", overlay_in_taller_box(signed_once, district.board_chair, tmp_path))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (1, CHANGED)
    assert {(c["kind"], c["page"]) for c in report["changes"]} >= {(BOX_CHANGED, 3), (RENDERED, 3)}
    assert any("signer-2\u201d on page 3 was moved or resized" in c["text"] for c in report["changes"])
    assert verify_pdf(path, [district.root.certificate], check_structure=False).verdict == CHANGED
    assert pdfsig_says(pdfsig, path) == [(PDFSIG_VALID, False), (PDFSIG_VALID, True)]
    assert [ok for ok, _level in pyhanko_says(path, district)] == [False, True]  # pyHanko sees the new /Rect


# --- other changes after signing --------------------------------------------------------------


def test_a_later_free_text_annotation_is_changed(district: District, signed_twice: bytes, tmp_path: Path,
                                                 root_cer: Path, pdfsig: Pdfsig,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "comment.pdf", free_text_annotation(signed_twice))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (1, CHANGED)
    assert "a FreeText annotation was added on page 1" in [c["text"] for c in report["changes"]]
    assert {c["kind"] for c in report["changes"]} == {NEW_ANNOTATION, RENDERED}
    assert [s["changes_after"] for s in report["signatures"]] == [MODIFIED, MODIFIED]
    assert pdfsig_says(pdfsig, path) == [(PDFSIG_VALID, False), (PDFSIG_VALID, False)]  # valid, "not total"
    assert [ok for ok, _level in pyhanko_says(path, district)] == [False, False]


def test_a_page_content_change_is_changed(district: District, signed_twice: bytes, tmp_path: Path, root_cer: Path,
                                          pdfsig: Pdfsig, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "content.pdf", page_text_changed(signed_twice))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (1, CHANGED)
    assert (PAGE_CONTENT, 1) in {(c["kind"], c["page"]) for c in report["changes"]}
    assert "the text or drawings of page 1 were changed" in report["signatures"][1]["reason"]
    assert pdfsig_says(pdfsig, path) == [(PDFSIG_VALID, False), (PDFSIG_VALID, False)]
    assert [ok for ok, _level in pyhanko_says(path, district)] == [False, False]


def test_a_metadata_only_change_is_document_information_changed(district: District, signed_twice: bytes,
                                                                tmp_path: Path, root_cer: Path, pdfsig: Pdfsig,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "title.pdf", metadata_changed(signed_twice))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (1, CHANGED)
    assert [(c["kind"], c["text"]) for c in report["changes"]] == [(INFO, "document information changed (Title)")]
    assert [s["changes_after"] for s in report["signatures"]] == [INFO_CHANGED, INFO_CHANGED]
    assert pdfsig_says(pdfsig, path) == [(PDFSIG_VALID, False), (PDFSIG_VALID, False)]
    assert [ok for ok, _level in pyhanko_says(path, district)] == [True, True]  # pyHanko allows /Info updates


def test_a_drawn_signature_in_an_empty_box_is_changed(district: District, signed_once: bytes, tmp_path: Path,
                                                       root_cer: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "drawn.pdf", picture_in_empty_box(signed_once))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (1, CHANGED)
    assert [c["text"] for c in report["changes"]] == [
        "the empty signature box \u201csigner-2\u201d on page 3 got a picture but no signature"]


def test_a_signed_box_redrawn_later_is_changed(district: District, signed_twice: bytes, tmp_path: Path) -> None:
    path = write(tmp_path, "redrawn.pdf", picture_in_empty_box(signed_twice, field="signer-1"))
    report = verify_pdf(path, [district.root.certificate], check_rendering=False)
    assert report.verdict == CHANGED
    assert [c.text for c in report.changes] == [
        "the signed box \u201csigner-1\u201d on page 3 was changed after it was signed"]


# --- certificates -------------------------------------------------------------------------------


def test_a_stranger_signing_the_second_box_is_not_trusted(district: District, stranger: Identity,
                                                          signed_once: bytes, tmp_path: Path, root_cer: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "second.pdf", sign_pdf_bytes(signed_once, stranger, field="signer-2"))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (3, NOT_TRUSTED)
    assert [s["verdict"] for s in report["signatures"]] == [VALID, NOT_TRUSTED]
    assert report["changes"] == []


def test_a_strangers_certificate_with_copied_names_is_not_trusted(
        district: District, stranger: Identity, tmp_path: Path, root_cer: Path, pdfsig: Pdfsig,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "forged.pdf", sign_pdf_bytes(declared_plan(), stranger, field="signer-1"))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (3, NOT_TRUSTED)
    sig = report["signatures"][0]
    assert (sig["signer_name"], sig["intact"], sig["trusted"]) == ("Ana Peña", True, False)
    assert "a different key with a copied name" in sig["reason"]
    assert "CERTIFICATE_CHAIN" not in json.dumps(report)  # plain words only
    assert pdfsig_says(pdfsig, path) == [(PDFSIG_VALID, True)]
    assert pyhanko_says(path, district) == [(False, "NONE")]


def _dated_signer(root: RootAuthority, start: dt.datetime, days: int, *, usage: bool = True) -> Identity:
    """A certificate from ``root`` valid from ``start`` for ``days`` (optionally without non-repudiation)."""
    signer = issue_signer(root, "Ana Peña", "Superintendent", key_bits=TEST_KEY_BITS)
    key = signer.private_key
    cert = (
        x509.CertificateBuilder()
        .subject_name(signer.certificate.subject).issuer_name(root.certificate.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=usage, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(root.private_key, hashes.SHA256())
    )
    return Identity(cert, key, (root.certificate,))


NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def old_root() -> RootAuthority:
    """A district root made five years ago (its signers signed plans back then)."""
    return create_root("Peña Valley Unified", key_bits=TEST_KEY_BITS, now=NOW - dt.timedelta(days=5 * 365))


@pytest.fixture
def old_root_cer(old_root: RootAuthority, tmp_path: Path) -> Path:
    path = tmp_path / "old-root.cer"
    export_certificate(old_root.certificate, path)
    return path


def test_a_certificate_expired_now_but_valid_when_signing_stays_valid(
        old_root: RootAuthority, tmp_path: Path, old_root_cer: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signer = _dated_signer(old_root, NOW - dt.timedelta(days=3 * 365), 365)  # expired two years ago
    signed_at = NOW - dt.timedelta(days=2 * 365 + 100)
    path = write(tmp_path, "old.pdf", pyhanko_sign(declared_plan(), signer, field="signer-1", when=signed_at))
    code, report = cli(capsys, path, "--trust", old_root_cer)
    assert (code, report["verdict"]) == (0, VALID)
    assert report["signatures"][0]["signing_time"].startswith(signed_at.date().isoformat())
    # years later still valid: the certificate is checked as of the signing time, never "expired"
    later = verify_pdf(path, [old_root.certificate], at=NOW + dt.timedelta(days=3650))
    assert later.verdict == VALID and later.signatures[0].certificate_ok
    assert "expired" not in " ".join(later.signatures[0].problems)
    assert pyhanko_says(path, District(old_root, signer, signer))[0][0] is False  # pyHanko checks against today


@pytest.mark.parametrize(("case", "start", "days", "usage", "words"), [
    ("expired at signing", NOW - dt.timedelta(days=800), 365, True, "had expired on"),
    ("not yet valid", NOW + dt.timedelta(days=30), 365, True, "was not valid yet"),
    ("no non-repudiation", NOW - dt.timedelta(days=1), 365, False, "not allowed to sign documents"),
])
def test_certificate_problems_at_signing_time(district: District, tmp_path: Path, root_cer: Path,
                                              capsys: pytest.CaptureFixture[str], case: str, start: dt.datetime,
                                              days: int, usage: bool, words: str) -> None:
    signer = _dated_signer(district.root, start, days, usage=usage)
    path = write(tmp_path, "bad.pdf", pyhanko_sign(declared_plan(), signer, field="signer-1"))
    code, report = cli(capsys, path, "--trust", root_cer)
    assert (code, report["verdict"]) == (4, CERTIFICATE_PROBLEM), case
    sig = report["signatures"][0]
    assert sig["trusted"] and not sig["certificate_ok"] and words in sig["reason"]
    assert pyhanko_says(path, district)[0][0] is False


def test_a_revoked_signer_keeps_earlier_signatures_valid(old_root: RootAuthority, tmp_path: Path,
                                                         old_root_cer: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    signer = issue_signer(old_root, "Lost Laptop", "Superintendent", key_bits=TEST_KEY_BITS,
                          now=NOW - dt.timedelta(days=30))
    before = write(tmp_path, "before.pdf", pyhanko_sign(declared_plan(), signer, field="signer-1",
                                                        when=NOW - dt.timedelta(hours=2)))
    after = write(tmp_path, "after.pdf", pyhanko_sign(declared_plan(), signer, field="signer-1"))
    cert = tmp_path / "lost.cer"
    export_certificate(signer.certificate, cert)
    save_root(old_root, tmp_path / "root.p12", "root passphrase 1")
    (tmp_path / "root.pass").write_text("root passphrase 1\n", encoding="utf-8")
    since = (NOW - dt.timedelta(hours=1)).isoformat()
    code = main(["identity", "revoke", "--cert", str(cert), "--root", str(tmp_path / "root.p12"),
                 "--root-passphrase-file", str(tmp_path / "root.pass"), "--since", since,
                 "--out", str(tmp_path / "district.crl")])
    out = capsys.readouterr().out
    assert code == 0 and "Revoked Lost Laptop" in out and "Revocation list:" in out

    code, report = cli(capsys, before, "--trust", old_root_cer)  # the data folder's list is consulted
    assert (code, report["verdict"]) == (0, VALID)
    assert "after this signature was made" in report["signatures"][0]["notes"][0]
    code, report = cli(capsys, after, "--trust", old_root_cer)
    assert (code, report["verdict"]) == (4, CERTIFICATE_PROBLEM)
    assert "revoked this certificate on" in report["signatures"][0]["reason"]


def test_a_revocation_list_given_by_file_counts_only_when_the_root_signed_it(
        district: District, tmp_path: Path, root_cer: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from navtool_desktop.signing.revocation import crl_bytes, revoke

    signer = issue_signer(district.root, "Lost Laptop", "Superintendent", key_bits=TEST_KEY_BITS)
    path = write(tmp_path, "after.pdf", pyhanko_sign(declared_plan(), signer, field="signer-1"))
    real = tmp_path / "real.crl"
    real.write_bytes(crl_bytes(revoke(district.root, signer.certificate, since=NOW - dt.timedelta(days=1))))
    assert cli(capsys, path, "--trust", root_cer)[0] == 0  # nothing in the data folder
    assert cli(capsys, path, "--trust", root_cer, "--crl", real)[0] == 4
    # a list naming the same certificate under the district root's name, signed by another key, counts for nothing
    forged_root = create_root(district.root.organization, key_bits=TEST_KEY_BITS)
    entry = x509.RevokedCertificateBuilder().serial_number(signer.certificate.serial_number).revocation_date(
        NOW - dt.timedelta(days=1)).build()
    forged_crl = (x509.CertificateRevocationListBuilder().issuer_name(district.root.certificate.subject)
                  .last_update(NOW).next_update(NOW + dt.timedelta(days=30)).add_revoked_certificate(entry)
                  .sign(forged_root.private_key, hashes.SHA256()))
    forged = tmp_path / "forged.crl"
    forged.write_bytes(crl_bytes(forged_crl))
    assert cli(capsys, path, "--trust", root_cer, "--crl", forged)[0] == 0


def test_a_long_outline_is_compared_without_running_out_of_stack(district: District, tmp_path: Path) -> None:
    """3000 chained bookmarks (each /Next one level deeper): the comparison never recurses."""
    import io

    from reportlab.pdfgen import canvas

    from navtool_desktop.signing import add_signature_fields, approval_boxes, field_name

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612, 792))
    c.drawString(72, 720, "A plan with a long table of contents")
    c.bookmarkPage("p1")
    for n in range(3000):
        c.addOutlineEntry(f"Action {n}", "p1", level=0)
    c.showPage()
    c.save()
    plan = add_signature_fields(buf.getvalue(), [(field_name(i + 1), b) for i, b in enumerate(approval_boxes(2))])
    one = sign_pdf_bytes(plan, district.superintendent, field="signer-1")
    two = write(tmp_path, "long.pdf", sign_pdf_bytes(one, district.board_chair, field="signer-2"))
    report = verify_pdf(two, [district.root.certificate])
    assert report.verdict == VALID, report.changes
    changed = write(tmp_path, "changed.pdf", metadata_changed(two.read_bytes()))
    assert [c.kind for c in verify_pdf(changed, [district.root.certificate]).changes] == [INFO]


def test_identity_revoke_refuses_what_it_cannot_revoke_and_keeps_one_growing_list(
        district: District, stranger: Identity, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from navtool_desktop.paths import signing_dir
    from navtool_desktop.signing.folder import SigningFolder
    from navtool_desktop.signing.revocation import load_crl

    save_root(district.root, tmp_path / "root.p12", "root passphrase 1")
    (tmp_path / "root.pass").write_text("root passphrase 1\n", encoding="utf-8")
    certs = {}
    for name, identity in (("ana", district.superintendent), ("chair", district.board_chair), ("x", stranger)):
        certs[name] = tmp_path / f"{name}.cer"
        export_certificate(identity.certificate, certs[name])

    def revoke_cli(cert: Path, *more: str) -> tuple[int, str, str]:
        code = main(["identity", "revoke", "--cert", str(cert), "--root", str(tmp_path / "root.p12"),
                     "--root-passphrase-file", str(tmp_path / "root.pass"), *more])
        out, err = capsys.readouterr()
        return code, out, err

    code, _out, err = revoke_cli(certs["x"])
    assert code == 1 and "was not issued by this district root" in err
    code, _out, err = revoke_cli(certs["ana"], "--since", (NOW + dt.timedelta(days=2)).isoformat())
    assert code == 1 and "has not come yet" in err
    code, _out, err = revoke_cli(certs["ana"], "--since", "yesterday")
    assert code == 1 and "is not a time" in err
    assert not (signing_dir() / "revoked").exists()  # nothing written by a refused revocation

    assert revoke_cli(certs["ana"], "--since", "2026-01-01")[0] == 0
    code, out, _err = revoke_cli(certs["chair"])
    assert code == 0 and "(2 revoked)" in out
    kept = SigningFolder(signing_dir()).revocation_list_bytes()
    assert len(kept) == 1
    crl = load_crl(kept[0][1])
    assert {e.serial_number for e in crl} == {district.superintendent.certificate.serial_number,
                                              district.board_chair.certificate.serial_number}
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2


def test_a_received_revocation_list_is_kept_only_from_a_trusted_root_and_never_replaced_by_an_older_one(
        district: District, stranger: Identity, tmp_path: Path) -> None:
    from navtool_desktop.signing import SigningError
    from navtool_desktop.signing.folder import SigningFolder
    from navtool_desktop.signing.revocation import crl_bytes, revoke

    folder = SigningFolder(tmp_path / "signing")
    older = revoke(district.root, district.superintendent.certificate)
    newer = revoke(district.root, district.board_chair.certificate, existing=older)
    with pytest.raises(SigningError) as err:
        folder.add_revocation_list(crl_bytes(newer), "district.crl")  # the root is not trusted here yet
    assert err.value.reason == "untrusted_crl"
    folder.trust_root(district.root.certificate)
    path = folder.add_revocation_list(crl_bytes(newer), "district.crl")
    assert folder.add_revocation_list(crl_bytes(older), "old.crl") == path
    assert path.read_bytes() == crl_bytes(newer)
    assert len(list(folder.revocation_lists()[0])) == 2
    with pytest.raises(SigningError) as err:
        folder.add_revocation_list(b"not a list", "junk.crl")
    assert err.value.reason == "not_crl"


def test_an_action_slipped_into_a_box_while_signing_it_is_changed(district: District, signed_once: bytes,
                                                                  tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic

    def add_action(writer: object) -> None:
        for ref in writer.root["/AcroForm"]["/Fields"]:  # type: ignore[attr-defined]
            widget = ref.get_object()
            if widget["/T"] == "signer-2":
                widget["/AA"] = generic.DictionaryObject({generic.NameObject("/PO"): generic.DictionaryObject({
                    generic.NameObject("/S"): generic.NameObject("/URI"),
                    generic.NameObject("/URI"): generic.TextStringObject("https://example.invalid/")})})
                writer.mark_update(ref)  # type: ignore[attr-defined]

    path = write(tmp_path, "action.pdf", pyhanko_sign(signed_once, district.board_chair, field="signer-2",
                                                      before=add_action))
    report = verify_pdf(path, [district.root.certificate])
    assert report.verdict == CHANGED
    assert [c.text for c in report.changes] == ["the signature box \u201csigner-2\u201d on page 3 was changed (/AA)"]


def test_a_hostile_signature_value_is_cannot_be_checked_not_a_traceback(
        district: District, signed_once: bytes, tmp_path: Path, root_cer: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed_once), strict=False)
    for ref in writer.root["/AcroForm"]["/Fields"]:
        if ref.get_object()["/T"] == "signer-2":
            ref.get_object()["/V"] = generic.NumberObject(7)  # a "signature" that is a number
            writer.mark_update(ref)
    out = io.BytesIO()
    writer.write(out)
    path = write(tmp_path, "hostile.pdf", out.getvalue())
    code, report = cli(capsys, path, "--trust", root_cer)
    assert code == 2 and report["reason"] == "not_pdf" and "damaged PDF" in report["error"]
