"""More ways to make a changed plan verify, or a valid plan name the wrong signer (the attacker's round).

Each test builds the attack for real and asserts what ``navtool verify`` says about it; the
table in docs/signature-attacks.md lists them with what pdfsig and pyHanko say.
"""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest
from attacks import text_form
from PIL import ImageChops
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from signing_helpers import TEST_KEY_BITS, District, make_pdf

from navtool_desktop.cli import main
from navtool_desktop.signing import (
    CERTIFICATE_PROBLEM,
    CHANGED,
    MODIFIED,
    NOT_TRUSTED,
    VALID,
    Identity,
    RootAuthority,
    SigningError,
    add_signature_fields,
    approval_boxes,
    create_root,
    export_certificate,
    issue_signer,
    sign_pdf_bytes,
    verify_pdf_bytes,
)
from navtool_desktop.signing import revisions as revisions_module
from navtool_desktop.signing.revisions import (
    AMBIGUOUS,
    ANNOTATION_CHANGED,
    APPENDED,
    BOX_OVER_CONTENT,
    MAX_REVISIONS_COMPARED,
    SIGNATURE_REUSED,
    UNREADABLE,
    draw_pages,
)

LABELS = {"signer-1-superintendent": ("Superintendent", "Ana Peña"),
          "signer-2-board-chair": ("Board Chair", "Nguyễn Văn An")}


def labelled_plan(pdf: bytes | None = None) -> bytes:
    """A plan with two boxes labelled with role and name, as the renderer declares them."""
    boxes = approval_boxes(2)
    return add_signature_fields(pdf or make_pdf(pages=3), list(zip(LABELS, boxes, strict=True)), LABELS)


def _write(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- who signed: a box whose label and certificate disagree ---------------------------------------


def test_verify_reports_a_box_whose_label_and_certificate_disagree(district: District, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # the board chair stands in for the superintendent (--force): the stamp shows the chair's
    # name, the box is printed "Superintendent (Ana Peña)"; a reader must be told
    signed = sign_pdf_bytes(labelled_plan(), district.board_chair, role="Superintendent", force=True)
    report = verify_pdf_bytes(signed, [district.root.certificate])
    sig = report.signatures[0]
    assert sig.field == "signer-1-superintendent"
    assert sig.box_label == "Superintendent (Ana Peña)"
    assert "the box is for the Superintendent, the certificate says Board Chair" in sig.box_disagreement
    assert any(n.startswith("The box signed is labelled for Superintendent (Ana Peña), but the certificate "
                            "is Nguyễn Văn An (Board Chair)") for n in sig.notes)
    path = tmp_path / "standin.pdf"
    path.write_bytes(signed)
    root = tmp_path / "root.cer"
    export_certificate(district.root.certificate, root)
    assert main(["verify", str(path), "--json", "--trust", str(root)]) == 0  # a stand-in is allowed, but said
    out = json.loads(capsys.readouterr().out)["signatures"][0]
    assert out["box_label"] == "Superintendent (Ana Peña)" and out["box_disagreement"]
    assert main(["verify", str(path), "--trust", str(root)]) == 0
    assert "labelled for Superintendent (Ana Peña)" in capsys.readouterr().out
    # the rightful signers: no disagreement
    genuine = sign_pdf_bytes(sign_pdf_bytes(labelled_plan(), district.superintendent), district.board_chair)
    report = verify_pdf_bytes(genuine, [district.root.certificate])
    assert [(s.box_label, s.box_disagreement) for s in report.signatures] == [
        ("Superintendent (Ana Peña)", ""), ("Board Chair (Nguyễn Văn An)", "")]


def test_the_box_label_is_read_as_declared_before_the_first_signature(district: District) -> None:
    # relabelling the box after the first signature cannot make a stand-in look rightful
    signed = sign_pdf_bytes(labelled_plan(), district.superintendent)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field["/T"] == "signer-2-board-chair":
            field["/NavRole"] = generic.TextStringObject("Superintendent")
            field["/NavName"] = generic.TextStringObject("Ana Peña")
            writer.mark_update(ref)
    relabelled = sign_pdf_bytes(_write(writer), district.superintendent, field="signer-2-board-chair", force=True)
    report = verify_pdf_bytes(relabelled, [district.root.certificate])
    assert report.verdict == CHANGED
    assert report.signatures[1].box_label == "Board Chair (Nguyễn Văn An)"
    assert report.signatures[1].box_disagreement


# --- shadow: reordering the annotations of a page ---------------------------------------------------


def _cover_pair(writer: IncrementalPdfFileWriter) -> None:
    """Two opaque FreeText annotations at the same place on page 1: the later one drawn on top."""
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    annots = generic.ArrayObject(list(page.get("/Annots") or []))
    for text in (b"Budget: $2,000,000", b"Budget: $200,000"):
        ap = text_form(300, b"1 1 1 rg 0 0 300 30 re f 0 0 0 rg BT /F9 14 Tf 4 10 Td (" + text + b") Tj ET")
        annots.append(writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject(generic.NumberObject(v) for v in (72, 600, 372, 630)),
            generic.NameObject("/DA"): generic.TextStringObject("/Helv 14 Tf 0 g"),
            generic.NameObject("/F"): generic.NumberObject(4),
            generic.NameObject("/AP"): generic.DictionaryObject({generic.NameObject("/N"): writer.add_object(ap)}),
        })))
    page["/Annots"] = annots
    writer.update_container(page)


def test_reordering_the_annotations_of_a_page_is_a_change(district: District) -> None:
    # the original hides "$2,000,000" under an opaque "$200,000"; a later revision only swaps
    # their order in /Annots, so the hidden one is drawn on top: no object's content changes
    writer = IncrementalPdfFileWriter(io.BytesIO(make_pdf(pages=3)), strict=False)
    _cover_pair(writer)
    signed = sign_pdf_bytes(labelled_plan(_write(writer)), district.superintendent)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    annots = list(page["/Annots"].raw_get(i) for i in range(len(page["/Annots"])))
    page["/Annots"] = generic.ArrayObject(list(reversed(annots)))
    writer.update_container(page)
    swapped = _write(writer)
    report = verify_pdf_bytes(swapped, [district.root.certificate], check_rendering=False)
    assert report.verdict == CHANGED
    assert [(c.kind, c.page) for c in report.changes] == [(ANNOTATION_CHANGED, 1)]
    assert "the annotations of page 1 were put in another order" in report.changes[0].text
    # the page comparison sees it too
    assert verify_pdf_bytes(swapped, [district.root.certificate], check_structure=False).verdict == CHANGED


# --- robustness: thousands of revisions ---------------------------------------------------------------


def append_empty_revisions(data: bytes, count: int) -> bytes:
    """``count`` raw incremental updates (classic xref sections), each adding one unused object."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    size = int(reader.trailer["/Size"])
    root_ref, info_ref = reader.trailer.raw_get("/Root"), reader.trailer.raw_get("/Info")
    prev = int(re.findall(rb"startxref\s+(\d+)", data[-2048:])[-1])
    out = bytearray(data)
    for n in range(count):
        offset = len(out)
        out += b"\n%d 0 obj\n%d\nendobj\n" % (size, n)
        xref = len(out)
        out += b"xref\n%d 1\n%010d 00000 n \n" % (size, offset)
        size += 1
        out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
                % (size, root_ref.idnum, info_ref.idnum, prev, xref))
        prev = xref
    return bytes(out)


def test_thousands_of_revisions_are_not_compared_one_by_one(district: District,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # each revision costs a scan of all the others in pyHanko's reader: 3000 took minutes
    signed = sign_pdf_bytes(labelled_plan(), district.superintendent)
    compared = []
    real = revisions_module._compare

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        compared.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(revisions_module, "_compare", counting)
    few = verify_pdf_bytes(append_empty_revisions(signed, 3), [district.root.certificate])
    assert few.verdict == VALID and len(compared) == 3  # unused objects change nothing
    compared.clear()
    many = verify_pdf_bytes(append_empty_revisions(signed, MAX_REVISIONS_COMPARED + 5), [district.root.certificate])
    assert compared == []
    assert many.verdict == CHANGED and many.exit_code == 1
    assert [c.kind for c in many.changes] == [UNREADABLE]
    assert "cannot be compared" in many.changes[0].text
    assert f"{MAX_REVISIONS_COMPARED + 5} revisions after the first signature" in many.changes[0].text


# --- bytes after the last revision ------------------------------------------------------------------

#: An object redefinition with no cross-reference section: no revision, so no comparison saw it.
JUNK = (b"\n5 0 obj\n<< /Type /Catalog /Pages 3 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n"
        b"endobj\n")


def test_bytes_after_the_last_revision_are_a_change(district: District) -> None:
    signed = sign_pdf_bytes(labelled_plan(), district.superintendent)
    assert verify_pdf_bytes(signed + b"\r\n", [district.root.certificate]).verdict == VALID  # a line end is fine
    for ending in (b"%%EOF\n", b"startxref\n0\n%%EOF\n"):  # pyHanko cannot read these: not a verdict
        with pytest.raises(SigningError, match="damaged PDF"):
            verify_pdf_bytes(signed + JUNK + ending, [district.root.certificate])
    report = verify_pdf_bytes(signed + JUNK, [district.root.certificate])
    assert report.verdict == CHANGED and report.exit_code == 1
    assert [c.kind for c in report.changes] == [APPENDED]
    assert "bytes follow the end of the file's last revision" in report.changes[0].text
    assert report.signatures[0].changes_after == MODIFIED
    twice = sign_pdf_bytes(signed, district.board_chair)
    report = verify_pdf_bytes(twice + JUNK, [district.root.certificate])
    assert [s.verdict for s in report.signatures] == [CHANGED, CHANGED]


# --- who signed: a signer's certificate that issues another ------------------------------------------


def test_a_signer_cannot_issue_a_certificate_in_a_colleagues_name(district: District) -> None:
    # the board chair's key (a signer certificate, not a certificate authority) issues "Ana
    # Peña, Superintendent" and sends the chain chair -> district root along with it
    chair = district.board_chair
    forged = issue_signer(RootAuthority(chair.certificate, chair.private_key), "Ana Peña", "Superintendent",
                          key_bits=TEST_KEY_BITS)
    forged = Identity(forged.certificate, forged.private_key, (chair.certificate, district.root.certificate))
    signed = sign_pdf_bytes(labelled_plan(), forged)
    report = verify_pdf_bytes(signed, [district.root.certificate])
    sig = report.signatures[0]
    assert (report.verdict, report.exit_code) == (NOT_TRUSTED, 3)
    assert sig.signer_name == "Ana Peña" and not sig.trusted
    assert sig.reason == ("Not trusted: the certificate was issued by \u201cNguyễn Văn An\u201d, whose own "
                          "certificate may sign documents but not issue certificates (someone made a certificate "
                          "in another person's name).")


# --- a dictionary with the same key twice: pyHanko reads the first, pdfium the last -------------------


def _redefine(data: bytes, number: int, body: bytes) -> bytes:
    """A raw incremental update (classic xref) that redefines object ``number`` as ``body``."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    size = int(reader.trailer["/Size"])
    root_ref, info_ref = reader.trailer.raw_get("/Root"), reader.trailer.raw_get("/Info")
    prev = int(re.findall(rb"startxref\s+(\d+)", data[-2048:])[-1])
    offset = len(data) + 1
    update = b"\n%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data) + len(update)
    update += (b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\n"
               b"startxref\n%d\n%%%%EOF\n" % (number, offset, size, root_ref.idnum, info_ref.idnum, prev, xref))
    return data + update


def test_a_key_given_twice_is_a_change_though_pyhanko_reads_only_the_first(
        district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    # after the superintendent signed, page 3 gets a second /Annots: pyHanko (first key wins)
    # sees the old list, pdfium (last key wins) a drawn "signature" over the chair's empty box,
    # which the page comparison leaves out as a signature box
    signed = sign_pdf_bytes(labelled_plan(), district.superintendent)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    x1, y1, x2, y2 = approval_boxes(2)[1].rect
    stamp = writer.add_object(generic.StreamObject({
        generic.NameObject("/Type"): generic.NameObject("/XObject"),
        generic.NameObject("/Subtype"): generic.NameObject("/Form"),
        generic.NameObject("/BBox"): generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, x2 - x1, y2 - y1)),
    }, stream_data=b"0 0 0 RG 3 w 10 20 m 60 70 l 110 20 l 160 70 l S"))
    fake = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Stamp"),
        generic.NameObject("/Rect"): generic.ArrayObject(generic.NumberObject(v) for v in (x1, y1, x2, y2)),
        generic.NameObject("/F"): generic.NumberObject(4),
        generic.NameObject("/AP"): generic.DictionaryObject({generic.NameObject("/N"): stamp}),
    }))
    with_objects = _write(writer)
    reader = PdfFileReader(io.BytesIO(with_objects), strict=False)
    page_ref = reader.root["/Pages"]["/Kids"].raw_get(2)
    page = page_ref.get_object()
    annots = page["/Annots"]
    refs = b" ".join(b"%d %d R" % (annots.raw_get(i).idnum, annots.raw_get(i).generation)
                     for i in range(len(annots)))
    keys = b"".join(b"%s %s " % (k.encode(), _raw(page.raw_get(k))) for k in page if k != "/Annots")
    body = b"<< %s/Annots [%s] /Annots [%s %d 0 R] >>" % (keys, refs, refs, fake.idnum)
    attacked = _redefine(with_objects, page_ref.idnum, body)
    # an application's logging set-up must not blind the check (it listens to pyHanko's warnings)
    monkeypatch.setattr(logging.getLogger("pyhanko.pdf_utils.generic"), "disabled", True)
    monkeypatch.setattr(logging.getLogger("pyhanko"), "level", logging.ERROR)
    # pdfium draws the fake stamp (it takes the last /Annots)
    assert ImageChops.difference(draw_pages(attacked)[2], draw_pages(signed)[2]).getbbox() is not None
    report = verify_pdf_bytes(attacked, [district.root.certificate])
    assert report.verdict == CHANGED and report.exit_code == 1
    assert any(c.kind == AMBIGUOUS and "the same key twice" in c.text for c in report.changes)


def _raw(value: object) -> bytes:
    out = io.BytesIO()
    value.write_to_stream(out, None)  # type: ignore[attr-defined]
    return out.getvalue()


# --- time: a revoked signer setting the clock back -------------------------------------------------------


def test_a_revoked_signer_cannot_date_a_signature_before_an_earlier_one() -> None:
    # the laptop is lost at noon and the certificate revoked from then; the thief signs the
    # chair's box with the clock set to the morning, but the superintendent's signature before
    # it in the file says 14:00: the thief's signature was made after the revocation
    import datetime as dt

    from attacks import pyhanko_sign

    from navtool_desktop.signing.revocation import revoke

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    root = create_root("Peña Valley Unified", key_bits=TEST_KEY_BITS, now=now - dt.timedelta(days=60))
    lost = issue_signer(root, "Nguyễn Văn An", "Board Chair", key_bits=TEST_KEY_BITS,
                        now=now - dt.timedelta(days=30))
    supt = issue_signer(root, "Ana Peña", "Superintendent", key_bits=TEST_KEY_BITS,
                        now=now - dt.timedelta(days=30))
    crl = revoke(root, lost.certificate, since=now - dt.timedelta(hours=3), now=now)
    first = pyhanko_sign(labelled_plan(), supt, field="signer-1-superintendent",
                         when=now - dt.timedelta(hours=1))
    backdated = pyhanko_sign(first, lost, field="signer-2-board-chair", when=now - dt.timedelta(hours=5))
    report = verify_pdf_bytes(backdated, [root.certificate], crls=[crl])
    assert [s.verdict for s in report.signatures] == [VALID, CERTIFICATE_PROBLEM]
    assert "it comes after a signature dated" in report.signatures[1].reason
    # honestly dated before the revocation, and before the next signature: stays valid
    early = pyhanko_sign(labelled_plan(), lost, field="signer-2-board-chair", when=now - dt.timedelta(hours=5))
    later = pyhanko_sign(early, supt, field="signer-1-superintendent",
                         when=now - dt.timedelta(hours=1))
    report = verify_pdf_bytes(later, [root.certificate], crls=[crl])
    assert [s.verdict for s in report.signatures] == [VALID, VALID]
    # a later signature dated before an earlier one is said, whatever the certificate
    other = issue_signer(root, "Nguyễn Văn An", "Board Chair", key_bits=TEST_KEY_BITS,
                         now=now - dt.timedelta(days=30))
    swapped = pyhanko_sign(first, other, field="signer-2-board-chair", when=now - dt.timedelta(hours=5))
    notes = verify_pdf_bytes(swapped, [root.certificate]).signatures[1].notes
    assert any("before the signature made before it" in n for n in notes)


# --- a box declared over the page's text before anyone signed -------------------------------------------


def test_a_box_declared_over_page_text_cannot_hide_it_when_signed_later(district: District, tmp_path: Path) -> None:
    # whoever prepares the file adds an empty third box over the cover line before the
    # superintendent signs (nothing to see: the box is empty); later a district signer fills
    # it with an opaque stamp that prints other words. The box was "declared", so the
    # structural rule allows it and the page comparison leaves it out
    from attacks import COVER_LINE, FORGED_LINE, _opaque_patch, pyhanko_sign
    from pyhanko.stamp import StaticStampStyle

    from navtool_desktop.signing.sign import SignatureBox

    boxes = [*zip(LABELS, approval_boxes(2), strict=True), ("signer-3-secretary", SignatureBox(1, *COVER_LINE))]
    plan = add_signature_fields(make_pdf(pages=3), boxes, {**LABELS, "signer-3-secretary": ("Secretary", "")})
    signed = sign_pdf_bytes(plan, district.superintendent)
    x1, y1, x2, y2 = COVER_LINE
    stamp = StaticStampStyle.from_pdf_file(str(_opaque_patch(tmp_path, x2 - x1, y2 - y1, FORGED_LINE)),
                                           border_width=0)
    attacked = pyhanko_sign(signed, district.board_chair, field="signer-3-secretary", stamp=stamp)
    report = verify_pdf_bytes(attacked, [district.root.certificate])
    assert report.verdict == CHANGED and report.exit_code == 1
    assert [(c.kind, c.page) for c in report.changes] == [(BOX_OVER_CONTENT, 1)]
    assert "lies over the text or drawings of page 1" in report.changes[0].text
    assert [s.verdict for s in report.signatures] == [CHANGED, CHANGED]
    # the renderer's own boxes (a frame drawn round each) are blank inside: a real plan passes
    genuine = sign_pdf_bytes(signed, district.board_chair, field="signer-2-board-chair")
    assert verify_pdf_bytes(genuine, [district.root.certificate]).verdict == VALID


# --- a box filled with a copy of another box's signature ----------------------------------------------------


def test_a_box_filled_with_another_boxs_signature_is_a_change(district: District) -> None:
    # no key needed: the chair's box gets the superintendent's signature dictionary as its
    # value, and a stamp of the attacker's choosing; pdfsig calls both valid. pyHanko's
    # check of the certification refuses it; navtool's own rule must too
    signed = sign_pdf_bytes(labelled_plan(), district.superintendent)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    fields = {ref.get_object()["/T"]: ref for ref in writer.root["/AcroForm"]["/Fields"]}
    value = fields["signer-1-superintendent"].get_object().raw_get("/V")
    chair_box = fields["signer-2-board-chair"]
    chair_box.get_object()["/V"] = value
    writer.mark_update(chair_box)
    copied = _write(writer)
    report = verify_pdf_bytes(copied, [district.root.certificate], check_rendering=False)
    assert report.verdict == CHANGED
    assert [c.kind for c in report.changes] == [SIGNATURE_REUSED]
    assert report.changes[0].text == ("the box \u201csigner-2-board-chair\u201d holds no signature of its own: it "
                                      "repeats the one in \u201csigner-1-superintendent\u201d")


def test_too_many_pages_to_draw_cannot_be_compared(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    # every page is drawn at every signed revision and now: a file of 100000 (repeated) pages
    # would take hours; past a budget verify says it cannot compare them, without drawing
    twice = sign_pdf_bytes(sign_pdf_bytes(labelled_plan(), district.superintendent), district.board_chair)
    assert verify_pdf_bytes(twice, [district.root.certificate]).verdict == VALID  # 3 pages x 2 drawings
    monkeypatch.setattr(revisions_module, "MAX_PAGES_DRAWN", 5)
    drawn = []
    monkeypatch.setattr(revisions_module, "_render", lambda *a, **k: drawn.append(1) or [])
    report = verify_pdf_bytes(twice, [district.root.certificate])
    assert drawn == []
    assert report.verdict == CHANGED
    assert [c.text for c in report.changes] == [
        "the file has 3 pages, too many to compare as drawn at 2 moments (5 page drawings at most), so the "
        "changes after signing cannot be compared"]


def test_an_annotation_hidden_under_an_empty_box_is_found_when_the_box_is_signed(district: District) -> None:
    # the original holds a comment inside the chair's box, drawn under the box (earlier in
    # /Annots); the chair's stamp, drawn without a background, lets it show through
    writer = IncrementalPdfFileWriter(io.BytesIO(labelled_plan()), strict=False)
    page = writer.root["/Pages"]["/Kids"][2].get_object()
    x1, y1, x2, _y2 = approval_boxes(2)[1].rect
    ap = writer.add_object(generic.StreamObject({
        generic.NameObject("/Type"): generic.NameObject("/XObject"),
        generic.NameObject("/Subtype"): generic.NameObject("/Form"),
        generic.NameObject("/BBox"): generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, x2 - x1, 20)),
    }, stream_data=b"1 0 0 rg 0 0 200 20 re f"))
    note = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Square"),
        generic.NameObject("/Rect"): generic.ArrayObject(generic.NumberObject(v) for v in (x1, y1 + 30, x2, y1 + 50)),
        generic.NameObject("/F"): generic.NumberObject(4),
        generic.NameObject("/AP"): generic.DictionaryObject({generic.NameObject("/N"): ap}),
    }))
    page["/Annots"] = generic.ArrayObject([note, *(page["/Annots"].raw_get(i) for i in range(len(page["/Annots"])))])
    writer.update_container(page)
    signed = sign_pdf_bytes(_write(writer), district.superintendent)
    both = sign_pdf_bytes(signed, district.board_chair)
    report = verify_pdf_bytes(both, [district.root.certificate])
    assert report.verdict == CHANGED
    assert [(c.kind, c.page) for c in report.changes] == [(BOX_OVER_CONTENT, 3)]


def test_a_page_buried_deep_in_the_page_tree_is_not_skipped(district: District) -> None:
    # page 1 hangs 80 /Pages nodes deep: the structural check gave up on it silently, so a
    # change to it was seen only by the page comparison
    writer = IncrementalPdfFileWriter(io.BytesIO(labelled_plan()), strict=False)
    pages_ref = writer.root.raw_get("/Pages")
    pages = pages_ref.get_object()
    kids = pages["/Kids"]
    first = kids.raw_get(0)
    child = first
    parent_refs = []
    for _level in range(80):
        node = generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Pages"),
            generic.NameObject("/Kids"): generic.ArrayObject([child]),
            generic.NameObject("/Count"): generic.NumberObject(1),
        })
        ref = writer.add_object(node)
        child.get_object()[generic.NameObject("/Parent")] = ref
        if child is not first:
            writer.update_container(child.get_object())
        parent_refs.append(ref)
        child = ref
    child.get_object()[generic.NameObject("/Parent")] = pages_ref
    writer.update_container(first.get_object())
    pages["/Kids"] = generic.ArrayObject([child, kids.raw_get(1), kids.raw_get(2)])
    writer.update_container(pages)
    from attacks import pyhanko_sign  # navtool's own signing refuses a tree this deep

    signed = pyhanko_sign(_write(writer), district.superintendent, field="signer-1-superintendent")
    assert verify_pdf_bytes(signed, [district.root.certificate]).verdict == VALID
    changed = page_text_changed_deep(signed)
    report = verify_pdf_bytes(changed, [district.root.certificate], check_rendering=False)
    assert report.verdict == CHANGED
    assert [c.kind for c in report.changes] == [UNREADABLE]
    assert "page tree" in report.changes[0].text


def page_text_changed_deep(data: bytes) -> bytes:
    """Page 1's content replaced, wherever the page hangs in the tree."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = writer.root["/Pages"]["/Kids"][0]
    while "/Kids" in page:
        page = page["/Kids"][0]
    old = page["/Contents"].data
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=old.replace(b"page 1 of", b"page 1 of 9 /")))
    writer.update_container(page)
    return _write(writer)
