"""Signing the right box: declared boxes, role defaults, stand-ins, certification, stamps in any script."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from signing_helpers import TEST_KEY_BITS, District, make_pdf

from navtool_desktop.signing import (
    DeclaredBox,
    SigningError,
    add_signature_fields,
    approval_boxes,
    box_field_name,
    choose_box,
    declared_boxes,
    disagreement,
    grouped_fingerprint,
    issue_signer,
    local_time_text,
    sign_pdf_bytes,
    signature_fields,
)

Pdfsig = Callable[[Path], list[dict[str, str]]]
VALID = "Signature is Valid."
ROLES = (("Superintendent", "Ana Peña"), ("Board chair", "Nguyễn Văn An"), ("Board clerk", ""))


def declared_pdf(roles: tuple[tuple[str, str], ...] = ROLES) -> bytes:
    """A 3-page PDF whose last page declares one box per role, as the plan renderer does."""
    boxes = approval_boxes(len(roles), page=3)
    fields = [(box_field_name(n, role), box) for n, ((role, _name), box) in enumerate(zip(roles, boxes, strict=True),
                                                                                       start=1)]
    labels = {field: role_name for (field, _box), role_name in zip(fields, roles, strict=True)}
    return add_signature_fields(make_pdf(pages=3), fields, labels)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (make debs installs it)")
    return found


def stamp_texts(pdf: bytes) -> dict[str, list[str]]:
    """The text lines of each signed field's stamp, read from its appearance stream's
    ``/ActualText`` marks (what a screen reader and copy-paste get)."""
    reader = PdfReader(io.BytesIO(pdf))
    out: dict[str, list[str]] = {}

    def walk(xobject, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
        content = ContentStream(xobject, reader)
        for operands, operator in content.operations:
            if operator == b"BDC" and len(operands) > 1 and hasattr(operands[1], "get"):
                text = operands[1].get("/ActualText")
                if text is not None:
                    lines.append(str(text))
            if operator == b"Do":
                inner = xobject["/Resources"]["/XObject"][operands[0]].get_object()
                walk(inner, lines)

    for field in reader.get_fields().values():
        if field.get("/FT") != "/Sig" or field.get("/V") is None:
            continue
        widget = field.indirect_reference.get_object() if field.indirect_reference else field
        lines: list[str] = []
        walk(widget["/AP"]["/N"].get_object(), lines)
        out[str(field["/T"])] = lines
    return out


def pdffonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    run = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True, check=False)
    return run.stdout + run.stderr


def test_declared_boxes_carry_role_name_page_and_place() -> None:
    boxes = declared_boxes(declared_pdf())
    assert [(b.field, b.role, b.name, b.page, b.signed) for b in boxes] == [
        ("signer-1-superintendent", "Superintendent", "Ana Peña", 3, False),
        ("signer-2-board-chair", "Board chair", "Nguyễn Văn An", 3, False),
        ("signer-3-board-clerk", "Board clerk", "", 3, False),
    ]
    assert [b.rect for b in boxes] == [tuple(float(v) for v in box.rect) for box in approval_boxes(3, page=3)]
    # the tooltip that PDF readers show says it too
    reader = PdfReader(io.BytesIO(declared_pdf()))
    assert reader.get_fields()["signer-2-board-chair"]["/TU"] == "Signature box: Board chair (Nguyễn Văn An)"
    assert box_field_name(4, "王小明") == "signer-4" and box_field_name(1, "Présidente") == "signer-1-presidente"


def test_by_default_each_signer_signs_the_box_of_the_role_in_the_certificate(district: District,
                                                                             pdfsig: Pdfsig,
                                                                             tmp_path: Path) -> None:
    chair_first = sign_pdf_bytes(declared_pdf(), district.board_chair)  # the chair signs first
    assert signature_fields(chair_first) == [("signer-1-superintendent", False), ("signer-2-board-chair", True),
                                             ("signer-3-board-clerk", False)]
    both = sign_pdf_bytes(chair_first, district.superintendent)
    assert [b.signed for b in declared_boxes(both)] == [True, True, False]
    path = tmp_path / "both.pdf"
    path.write_bytes(both)
    # pdfsig lists the fields in page order; the clerk's is still empty
    assert [s.get("Signature Validation") for s in pdfsig(path)] == [VALID, VALID, None]


def test_a_box_labelled_for_someone_else_is_refused_unless_forced(district: District) -> None:
    pdf = declared_pdf()
    with pytest.raises(SigningError) as err:
        sign_pdf_bytes(pdf, district.board_chair, role="Superintendent")
    assert err.value.reason == "wrong_box"
    assert "the box is for the Superintendent, the certificate says Board Chair" in str(err.value)
    assert "the box names Ana Peña, the certificate Nguyễn Văn An" in str(err.value)
    # same role, another person: refused too
    stranger = issue_signer(district.root, "Tom Board", "Board chair", key_bits=TEST_KEY_BITS)
    with pytest.raises(SigningError) as err:
        sign_pdf_bytes(pdf, stranger)
    assert err.value.reason == "wrong_box"
    # the signer stands in, knowingly: the stamp names the signer, never the label
    forced = sign_pdf_bytes(pdf, district.board_chair, role="Superintendent", force=True)
    assert signature_fields(forced)[0] == ("signer-1-superintendent", True)
    assert stamp_texts(forced)["signer-1-superintendent"][0] == "Digitally signed by Nguyễn Văn An"


def test_no_box_for_the_role_asks_for_one(district: District) -> None:
    pdf = declared_pdf((("Superintendent", ""), ("Treasurer", "")))
    with pytest.raises(SigningError) as err:
        sign_pdf_bytes(pdf, district.board_chair)
    assert err.value.reason == "no_box_for_role"
    with pytest.raises(SigningError) as err:
        sign_pdf_bytes(pdf, district.board_chair, role="Secretary")
    assert err.value.reason == "no_field" and "Superintendent; Treasurer" in str(err.value)
    signed = sign_pdf_bytes(pdf, district.board_chair, role="treasurer", force=True)  # case does not matter
    assert signature_fields(signed) == [("signer-1-superintendent", False), ("signer-2-treasurer", True)]


def test_choose_box_and_disagreement_rules() -> None:
    boxes = [DeclaredBox("signer-1-superintendent", "Superintendent", "Rosa Nguyễn", 3, (0, 0, 1, 1)),
             DeclaredBox("signer-2-board-chair", "Board chair", "", 3, (0, 0, 1, 1), signed=True)]
    # names compare composed and case-blind: "Nguyễn" typed decomposed is the same person
    assert choose_box(boxes, "rosa nguye\u0302\u0303n", "SUPERINTENDENT").field == "signer-1-superintendent"
    assert disagreement(boxes[1], "Anyone", "Board Chair") == ""
    with pytest.raises(SigningError) as err:
        choose_box(boxes, "Uma", "Board chair", "Board chair")
    assert err.value.reason == "field_signed"
    with pytest.raises(SigningError) as err:
        choose_box(boxes[1:], "Uma", "Board chair")
    assert err.value.reason == "all_signed"


def test_first_signature_certifies_and_the_boxes_lock_their_fields(district: District, pdfsig: Pdfsig,
                                                                   tmp_path: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.fields import FieldMDPAction, MDPPerm
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    one = sign_pdf_bytes(declared_pdf(), district.superintendent)
    two = sign_pdf_bytes(one, district.board_chair)
    reader = PdfFileReader(io.BytesIO(two))
    assert "/DocMDP" in reader.root["/Perms"]
    first, second = reader.embedded_signatures
    assert first.docmdp_level == MDPPerm.FILL_FORMS  # certification: form filling and signing allowed
    assert second.docmdp_level is None               # later ones are approval signatures
    assert first.fieldmdp.action == FieldMDPAction.EXCLUDE
    assert sorted(first.fieldmdp.fields) == ["signer-2-board-chair", "signer-3-board-clerk"]
    for sig in (first, second):
        # no roots: this asks only whether the signature is intact and allowed, not trusted
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[], allow_fetching=False))
        assert status.intact and status.valid and status.docmdp_ok
        assert status.modification_level <= ModificationLevel.FORM_FILLING
    path = tmp_path / "two.pdf"
    path.write_bytes(two)
    report = pdfsig(path)
    assert [s.get("Signature Validation") for s in report] == [VALID, VALID, None]
    assert [s.get("Signer Certificate Common Name") for s in report] == ["Ana Peña", "Nguyễn Văn An", None]


def test_a_new_stamp_cannot_be_drawn_over_a_plan_that_declares_its_boxes(district: District) -> None:
    pdf = declared_pdf((("Superintendent", ""), ("Board chair", "")))
    both = sign_pdf_bytes(sign_pdf_bytes(pdf, district.superintendent), district.board_chair)
    third = issue_signer(district.root, "Chloë Begay", "Board clerk", key_bits=TEST_KEY_BITS)
    with pytest.raises(SigningError) as err:  # the third signer of the trial: no box left
        sign_pdf_bytes(both, third)
    assert err.value.reason == "all_signed"
    with pytest.raises(SigningError) as err:
        sign_pdf_bytes(both, third, role="Board chair")
    assert err.value.reason == "field_signed"
    with pytest.raises(SigningError) as err:  # nor a box of its own on the page
        sign_pdf_bytes(both, third, box=approval_boxes(3, page=3)[2])
    assert err.value.reason == "new_box_refused"


def _gray(pdf: bytes, tmp_path: Path, page: int, dpi: int = 36) -> tuple[int, int, bytes]:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    run = subprocess.run([_tool("pdftoppm"), "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(path)],
                         capture_output=True, check=True)
    header, _sep, rest = run.stdout.partition(b"\n")
    assert header == b"P5"
    dims, _sep, rest = rest.partition(b"\n")
    width, height = (int(v) for v in dims.split())
    return width, height, rest.partition(b"\n")[2]


def test_stamps_change_no_pixel_outside_their_boxes(district: District, tmp_path: Path) -> None:
    pdf = declared_pdf()
    signed = pdf
    for who in (district.superintendent, district.board_chair):
        signed = sign_pdf_bytes(signed, who, force=True)
    clerk = issue_signer(district.root, "José Ñúñez", "Board clerk", key_bits=TEST_KEY_BITS)
    signed = sign_pdf_bytes(signed, clerk)
    dpi = 36
    width, height, before = _gray(pdf, tmp_path, 3, dpi)
    _w, _h, after = _gray(signed, tmp_path, 3, dpi)
    scale = dpi / 72
    inside = set()
    for box in declared_boxes(signed):
        x1, y1, x2, y2 = box.rect
        for y in range(int(height - y2 * scale) - 1, int(height - y1 * scale) + 2):
            for x in range(int(x1 * scale) - 1, int(x2 * scale) + 2):
                inside.add(y * width + x)
    changed = [i for i in range(len(before)) if before[i] != after[i]]
    assert changed, "the stamps drew nothing"
    assert [i for i in changed if i not in inside] == []


def test_stamp_shows_certificate_names_local_time_and_grouped_fingerprint(
        district: District, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TZ", "America/Denver")
    time.tzset()
    try:
        clock = lambda: datetime(2026, 12, 1, 14, 54, tzinfo=UTC)  # noqa: E731
        signed = sign_pdf_bytes(declared_pdf(), district.board_chair, clock=clock)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    lines = stamp_texts(signed)["signer-2-board-chair"]
    assert lines[0] == "Digitally signed by Nguyễn Văn An"
    assert lines[1] == "Board Chair, Peña Valley Unified"
    assert lines[2] == "Signed on 2026-12-01 07:54 (UTC-07:00)"
    assert lines[4:] == grouped_fingerprint(district.board_chair.fingerprint)
    assert [len(line.split(":")) for line in lines[4:]] == [8, 8, 8, 8]  # as the approval page prints it


def test_local_time_text_gives_the_offset() -> None:
    text = local_time_text(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    assert re.fullmatch(r"2026-06-01 \d\d:\d\d \(UTC[+-]\d\d:\d\d\)", text)


def test_vietnamese_and_spanish_names_stamp_exactly_with_embedded_fonts(district: District,
                                                                        tmp_path: Path) -> None:
    an = issue_signer(district.root, "Nguyễn Văn An", "Superintendent", key_bits=TEST_KEY_BITS)
    jose = issue_signer(district.root, "José Ñúñez", "Board chair", key_bits=TEST_KEY_BITS)
    pdf = declared_pdf((("Superintendent", "Nguyễn Văn An"), ("Board chair", "José Ñúñez")))
    signed = sign_pdf_bytes(sign_pdf_bytes(pdf, an), jose)
    stamps = stamp_texts(signed)
    assert stamps["signer-1-superintendent"][0] == "Digitally signed by Nguyễn Văn An"
    assert stamps["signer-2-board-chair"][0] == "Digitally signed by José Ñúñez"
    report = pdffonts(signed, tmp_path)
    assert "Error" not in report
    rows = [line.split() for line in report.splitlines()[2:] if line.strip()]
    stamp_fonts = [r for r in rows if "DejaVuSans-Identity-H" in r[0]]
    assert len(stamp_fonts) == 2  # one subset per stamp
    # the stamp fonts are embedded (the test PDF's own Helvetica is not; the plan's fonts are,
    # see tests/reports/test_signed_plan.py)
    assert all(r[-5] == "yes" for r in stamp_fonts), report


def test_a_chinese_name_stamps_exactly_with_the_cjk_fallback_embedded(district: District,
                                                                      tmp_path: Path) -> None:
    wang = issue_signer(district.root, "王小明", "Board chair", key_bits=TEST_KEY_BITS)
    signed = sign_pdf_bytes(declared_pdf((("Board chair", "王小明"),)), wang)
    assert stamp_texts(signed)["signer-1-board-chair"][0] == "Digitally signed by 王小明"
    report = pdffonts(signed, tmp_path)
    rows = [line.split() for line in report.splitlines()[2:] if line.strip()]
    stamp_fonts = [r for r in rows if "DejaVuSans-Identity-H" in r[0]]
    assert len(stamp_fonts) == 1 and stamp_fonts[0][-5] == "yes", report
    # the embedded program has a glyph for every character of the stamp (not the empty box)
    import io

    import pikepdf
    from fontTools.ttLib import TTFont

    chars = set("王小明")
    with pikepdf.open(io.BytesIO(signed)) as doc:
        programs = [TTFont(io.BytesIO(obj.FontFile2.read_bytes())) for obj in doc.objects
                    if isinstance(obj, pikepdf.Dictionary) and "/FontFile2" in obj
                    and "DejaVu" in str(obj.get("/FontName", ""))]
    assert programs
    cmap = programs[0].getBestCmap() or {}
    assert all(ord(ch) in cmap for ch in chars), sorted(ch for ch in chars if ord(ch) not in cmap)


def test_stamp_text_is_taken_literally(district: District) -> None:
    odd = issue_signer(district.root, "Ann %(who)s 100% O'Neil", "Board chair", key_bits=TEST_KEY_BITS)
    signed = sign_pdf_bytes(declared_pdf((("Board chair", ""),)), odd)
    assert stamp_texts(signed)["signer-1-board-chair"][0] == "Digitally signed by Ann %(who)s 100% O'Neil"


def test_a_long_name_stays_inside_its_box(district: District, tmp_path: Path) -> None:
    # a name of 60 letters is 68 bytes: too long for a certificate, said plainly, never cut
    with pytest.raises(SigningError) as err:
        issue_signer(district.root, "Nguyễn Thị Ngọc Hường Wolfeschlegelsteinhausenbergerdorff Ñúñez",
                     "Board chair", key_bits=TEST_KEY_BITS)
    assert err.value.reason == "too_long"
    long_name = "Maximiliana Wolfeschlegelsteinhausenberger-Ñúñez de Nguyễn"
    assert len(long_name.encode("utf-8")) <= 64
    wordy = issue_signer(district.root, long_name, "Board chair", "Distrito Escolar Unificado de Peñasco "
                         "y Valles del Norte, Condado de Río Arriba", key_bits=TEST_KEY_BITS)
    assert len(wordy.organization.encode("utf-8")) <= 64  # the district's name is cut, whole letters only
    pdf = declared_pdf((("Board chair", ""),))
    signed = sign_pdf_bytes(pdf, wordy)
    assert stamp_texts(signed)["signer-1-board-chair"][0] == f"Digitally signed by {long_name}"
    width, height, before = _gray(pdf, tmp_path, 3)
    _w, _h, after = _gray(signed, tmp_path, 3)
    x1, y1, x2, y2 = declared_boxes(signed)[0].rect
    scale = 36 / 72
    outside = [i for i in range(len(before)) if before[i] != after[i]
               and not (int(x1 * scale) - 1 <= i % width <= int(x2 * scale) + 1
                        and int(height - y2 * scale) - 1 <= i // width <= int(height - y1 * scale) + 1)]
    assert outside == []


def test_declared_boxes_of_an_earlier_revision_and_of_indirect_arrays(district: District) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    pdf = declared_pdf()
    signed = sign_pdf_bytes(sign_pdf_bytes(pdf, district.superintendent), district.board_chair, force=True)
    # revisions: 0 the page, 1 the boxes declared, 2 and 3 one signature each
    assert declared_boxes(signed, revision=0) == []
    assert [b.signed for b in declared_boxes(signed, revision=1)] == [False, False, False]
    assert [b.signed for b in declared_boxes(signed, revision=2)] == [True, False, False]
    assert declared_boxes(signed, revision=1) == declared_boxes(pdf)
    # a writer that keeps the page's annotation list as an object of its own
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[2]
    page[NameObject("/Annots")] = writer._add_object(ArrayObject(list(page["/Annots"])))
    out = io.BytesIO()
    writer.write(out)
    assert [(b.field, b.page) for b in declared_boxes(out.getvalue())] == [(b.field, 3) for b in declared_boxes(pdf)]
    with pytest.raises(SigningError) as err:
        declared_boxes(b"%PDF-1.7 nothing else")
    assert err.value.reason == "not_pdf"


def test_pyhanko_refuses_an_overlay_field_added_after_certification(district: District) -> None:
    """The C1 overlay: a new visible signature field over the page, signed by a real district
    signer. After the certification signature pyHanko calls it a disallowed change."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from navtool_desktop.signing.sign import _signer

    certified = sign_pdf_bytes(declared_pdf(), district.superintendent)
    writer = IncrementalPdfFileWriter(io.BytesIO(certified), strict=False)
    overlay = fields.SigFieldSpec("signer-9", on_page=0, box=(72, 690, 400, 740))
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name="signer-9"), signer=_signer(district.board_chair),
                      new_field_spec=overlay).sign_pdf(writer, output=out)
    first = PdfFileReader(io.BytesIO(out.getvalue())).embedded_signatures[0]
    status = validate_pdf_signature(first, ValidationContext(trust_roots=[], allow_fetching=False))
    assert status.intact and status.valid  # the bytes it signed are still there...
    assert status.modification_level == ModificationLevel.OTHER  # ...but the change is not allowed
    assert not status.docmdp_ok
