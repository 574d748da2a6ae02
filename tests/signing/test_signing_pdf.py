"""Signing real PDFs in turn and checking them with pyHanko, poppler's pdfsig and qpdf."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from signing_helpers import District, make_pdf
from signing_helpers import pdfsig as run_pdfsig

from navtool_desktop.signing import (
    MODIFIED,
    NO_CHANGES,
    NOT_TRUSTED,
    SIGNATURES_ONLY,
    RootAuthority,
    SignatureBox,
    SigningError,
    add_signature_fields,
    approval_boxes,
    field_name,
    fingerprint_text,
    sign_pdf,
    signature_fields,
    verify_pdf,
)

Pdfsig = Callable[[Path], list[dict[str, str]]]
VALID = "Signature is Valid."


def _sign_twice(district: District, plan: Path) -> Path:
    """Both boxes declared (as the plan renderer does), then each signer fills one."""
    boxes = approval_boxes(2)
    plan.write_bytes(add_signature_fields(plan.read_bytes(), [(field_name(i + 1), b) for i, b in enumerate(boxes)]))
    first = sign_pdf(plan, plan.with_name("plan-1.pdf"), district.superintendent, field="signer-1")
    return sign_pdf(first, plan.with_name("plan-2.pdf"), district.board_chair, field="signer-2")


@pytest.fixture
def signed_twice(district: District, plan_pdf: Path) -> Path:
    return _sign_twice(district, plan_pdf)


def test_two_signers_are_valid_for_pyhanko_and_pdfsig(district: District, signed_twice: Path,
                                                      pdfsig: Pdfsig) -> None:
    root = asn1_x509.Certificate.load(district.root.certificate.public_bytes(serialization.Encoding.DER))
    with signed_twice.open("rb") as f:
        sigs = PdfFileReader(f).embedded_signatures
        statuses = [validate_pdf_signature(s, ValidationContext(trust_roots=[root], allow_fetching=False))
                    for s in sigs]
    assert [s.field_name for s in sigs] == ["signer-1", "signer-2"]
    assert all(st.intact and st.valid and st.trusted and st.bottom_line for st in statuses)

    report = pdfsig(signed_twice)
    assert [r["Signature Validation"] for r in report] == [VALID, VALID]
    assert [r["Signer Certificate Common Name"] for r in report] == ["Ana Peña", "Nguyễn Văn An"]
    assert [r["Signature Type"] for r in report] == ["ETSI.CAdES.detached"] * 2  # PAdES
    assert "Total document signed" in report[1] and "Not total document signed" in report[0]


def test_verify_reports_signers_in_order_and_only_signatures_after_the_first(
        district: District, signed_twice: Path) -> None:
    report = verify_pdf(signed_twice, [district.root.certificate])
    assert report.ok and report.trusted
    first, second = report.signatures
    assert (first.signer_name, first.role, first.organization) == ("Ana Peña", "Superintendent",
                                                                  "Peña Valley Unified")
    assert (second.signer_name, second.role) == ("Nguyễn Văn An", "Board Chair")
    assert first.fingerprint == district.superintendent.fingerprint
    assert (first.coverage, first.changes_after) == ("entire_revision", SIGNATURES_ONLY)
    assert (second.coverage, second.changes_after) == ("entire_file", NO_CHANGES)
    assert first.signing_time is not None and second.signing_time is not None
    assert first.signing_time <= second.signing_time
    assert first.problems == () and second.problems == ()


def test_one_flipped_byte_breaks_both_signatures_for_us_and_pdfsig(district: District, signed_twice: Path,
                                                                   pdfsig: Pdfsig) -> None:
    data = bytearray(signed_twice.read_bytes())
    at = data.index(b"page 1 of 3")  # page text: inside both signatures' signed ranges
    data[at + 5] = ord("7")
    signed_twice.write_bytes(bytes(data))

    report = verify_pdf(signed_twice, [district.root.certificate])
    assert not report.ok
    assert [s.intact for s in report.signatures] == [False, False]
    assert all("altered" in s.problems[0] for s in report.signatures)
    flipped = pdfsig(signed_twice)
    assert len(flipped) == 2
    assert all(r["Signature Validation"] != VALID for r in flipped), flipped


def _add_text_after_signing(path: Path) -> None:
    """An incremental update that draws new text on page 1, as a tamperer would."""
    writer = IncrementalPdfFileWriter(io.BytesIO(path.read_bytes()))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 600 Td (Budget doubled) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())


def test_page_edit_after_signing_is_reported_as_modified(district: District, signed_twice: Path,
                                                         pdfsig: Pdfsig) -> None:
    _add_text_after_signing(signed_twice)
    report = verify_pdf(signed_twice, [district.root.certificate])
    assert [s.intact and s.valid for s in report.signatures] == [True, True]  # bytes untouched...
    assert [s.changes_after for s in report.signatures] == [MODIFIED, MODIFIED]  # ...but more was added
    assert report.signatures[1].coverage == "entire_revision"
    assert not report.ok
    assert "Changed after signing: the text or drawings of page 1 were changed" in report.signatures[1].problems[0]
    assert "Not total document signed" in pdfsig(signed_twice)[1]


def test_wrong_trust_root_is_valid_but_not_trusted(district: District, other_root: RootAuthority,
                                                   signed_twice: Path) -> None:
    report = verify_pdf(signed_twice, [other_root.certificate])
    assert not report.ok and not report.trusted and report.verdict == NOT_TRUSTED and report.exit_code == 3
    assert all(s.intact and s.valid and not s.trusted for s in report.signatures)
    assert "which is not a root certificate you trust" in report.signatures[0].problems[0]
    assert "not issued by a root certificate you trust" in report.summary
    nobody = verify_pdf(signed_twice, [])  # no roots at all: never falls back to the system's list
    assert not nobody.ok and not nobody.trusted and nobody.verdict == NOT_TRUSTED
    assert "no root certificate to check against" in nobody.signatures[0].reason


def test_qpdf_check_passes_before_and_after_signing(plan_pdf: Path, signed_twice: Path,
                                                    qpdf_check: Callable[[Path], object]) -> None:
    for path in (plan_pdf, plan_pdf.with_name("plan-1.pdf"), signed_twice):
        run = qpdf_check(path)
        assert run.returncode == 0, run.stdout + run.stderr  # type: ignore[attr-defined]
        assert "No syntax or stream encoding errors" in run.stdout  # type: ignore[attr-defined]


def test_signing_never_overwrites_without_permission(district: District, plan_pdf: Path) -> None:
    original = plan_pdf.read_bytes()
    out = plan_pdf.with_name("out.pdf")
    out.write_bytes(b"someone else's file")
    with pytest.raises(SigningError, match="already exists") as err:
        sign_pdf(plan_pdf, out, district.superintendent, box=approval_boxes(1)[0])
    assert err.value.reason == "exists"
    assert out.read_bytes() == b"someone else's file"
    sign_pdf(plan_pdf, out, district.superintendent, box=approval_boxes(1)[0], overwrite=True)
    assert verify_pdf(out, [district.root.certificate]).ok
    assert plan_pdf.read_bytes() == original  # the source is untouched
    sign_pdf(plan_pdf, plan_pdf, district.superintendent, box=approval_boxes(1)[0], overwrite=True)  # in place
    assert verify_pdf(plan_pdf, [district.root.certificate]).ok
    assert sorted(p.name for p in plan_pdf.parent.iterdir()) == ["out.pdf", "plan.pdf"]  # no temp files


def test_renderer_fields_are_filled_in_turn(district: District, tmp_path: Path, pdfsig: Pdfsig) -> None:
    boxes = approval_boxes(2, page=3)
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(add_signature_fields(make_pdf(pages=3), [(field_name(i + 1), b) for i, b in enumerate(boxes)]))
    assert signature_fields(plan.read_bytes()) == [("signer-1", False), ("signer-2", False)]
    one = sign_pdf(plan, tmp_path / "one.pdf", district.superintendent)  # next empty field
    two = sign_pdf(one, tmp_path / "two.pdf", district.board_chair, field="signer-2")
    assert signature_fields(two.read_bytes()) == [("signer-1", True), ("signer-2", True)]
    report = verify_pdf(two, [district.root.certificate])
    assert report.ok and [s.field for s in report.signatures] == ["signer-1", "signer-2"]
    assert [r["Signature Validation"] for r in pdfsig(two)] == [VALID, VALID]
    with pytest.raises(SigningError) as err:
        sign_pdf(two, tmp_path / "three.pdf", district.board_chair, field="signer-1")
    assert err.value.reason == "field_signed"
    with pytest.raises(SigningError) as err:
        sign_pdf(two, tmp_path / "three.pdf", district.board_chair, field="treasurer")
    assert err.value.reason == "no_field"
    assert not (tmp_path / "three.pdf").exists()


def test_without_field_or_box_a_new_stamp_goes_on_the_last_page(district: District, plan_pdf: Path) -> None:
    one = sign_pdf(plan_pdf, plan_pdf.with_name("one.pdf"), district.superintendent)
    two = sign_pdf(one, plan_pdf.with_name("two.pdf"), district.board_chair)
    assert signature_fields(two.read_bytes()) == [("signer-1", True), ("signer-2", True)]
    with two.open("rb") as f:
        reader = PdfFileReader(f)
        last = reader.root["/Pages"]["/Kids"][-1].get_object()
        rects = sorted(tuple(float(v) for v in a.get_object()["/Rect"]) for a in last["/Annots"])
    assert rects == sorted(b.rect for b in approval_boxes(2))  # side by side, not on top of each other


def test_fingerprint_text_for_the_plan(district: District) -> None:
    text = fingerprint_text(district.board_chair)
    assert text.startswith("Nguyễn Văn An, Board Chair: certificate SHA-256 ")
    assert text.endswith(district.board_chair.fingerprint)


def test_box_parsing_and_limits() -> None:
    assert SignatureBox.parse("3, 72,500,324,590") == SignatureBox(3, 72, 500, 324, 590)
    assert SignatureBox.parse("last,72,500,324,590") == SignatureBox.parse("-1,72,500,324,590")
    assert SignatureBox(-1, 0, 0, 100, 50).page_index == -1 and SignatureBox(2, 0, 0, 100, 50).page_index == 1
    for bad in ("3,72,500,324", "x,1,2,3,4", "0,72,500,324,590", "1,300,500,72,590"):
        with pytest.raises(SigningError) as err:
            SignatureBox.parse(bad)
        assert err.value.reason == "bad_box"


def test_not_a_pdf_and_unsigned_pdf_give_clear_messages(district: District, plan_pdf: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.pdf"
    text.write_text("meeting notes")
    with pytest.raises(SigningError, match=r"notes\.pdf is not a PDF file") as err:
        verify_pdf(text, [district.root.certificate])
    assert err.value.reason == "not_pdf"
    with pytest.raises(SigningError, match="not a PDF"):
        sign_pdf(text, tmp_path / "x.pdf", district.superintendent)
    report = verify_pdf(plan_pdf, [district.root.certificate])
    assert report.signatures == () and not report.ok
    assert report.summary == "This PDF has no digital signatures."


def test_pdfsig_helper_sees_no_signature_in_a_plain_pdf(plan_pdf: Path) -> None:
    assert run_pdfsig(plan_pdf) == []


def _dark_pixels(pdf: Path, page: int, box: SignatureBox, dpi: int = 36) -> int:
    """Dark pixels inside ``box`` on ``page`` as poppler renders it (grey PGM from pdftoppm)."""
    run = subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-gray", "-r", str(dpi), "-f", str(page),
                          "-l", str(page), str(pdf)], capture_output=True, check=True)
    header, _sep, rest = run.stdout.partition(b"\n")
    assert header == b"P5"
    dims, _sep, rest = rest.partition(b"\n")
    width, height = (int(v) for v in dims.split())
    pixels = rest.partition(b"\n")[2]
    scale = dpi / 72
    x1, x2 = int(box.x1 * scale), int(box.x2 * scale)
    y1, y2 = int(height - box.y2 * scale), int(height - box.y1 * scale)  # PDF y grows upwards
    return sum(1 for y in range(y1, y2) for x in range(x1, x2) if pixels[y * width + x] < 128)


def test_stamp_is_visible_in_its_box(district: District, plan_pdf: Path) -> None:
    box = approval_boxes(2)[1]
    signed = sign_pdf(plan_pdf, plan_pdf.with_name("s.pdf"), district.board_chair, box=box)
    assert _dark_pixels(plan_pdf, 3, box) == 0
    assert _dark_pixels(signed, 3, box) > 100  # border and text drawn by poppler
