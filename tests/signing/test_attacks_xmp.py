"""The attacker's round after the accessible-PDF changes (XMP written before signing, the
catalog compared by identity where a signature points at it): each later revision below is
built with pyHanko's incremental writer on a real tagged plan signed by two signers, and
navtool's own structural check must name it (pyHanko's check or the page comparison alone
is not enough: each line of defence stands on its own)."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import xmp_xml
from signing_helpers import District

from navtool_desktop.framework import Pack
from navtool_desktop.reports import PlanInput, render_plan
from navtool_desktop.signing import sign_pdf_bytes, verify_pdf_bytes
from navtool_desktop.signing.revisions import CATALOG, FORM, INFO, PAGES

N = generic.NameObject


def _demo_plan(pack: Pack) -> PlanInput:
    """The demo district's current plan (as tests/reports/conftest.py builds it)."""
    from navtool_desktop.core.demo import generate
    from navtool_desktop.core.planning import current_plan
    from navtool_desktop.core.results import CycleInput, cycle_results
    from navtool_desktop.reports.data import baseline_cycle, default_signers

    demo = generate(pack, years=1, participants=12)
    plan = current_plan(demo.plans)
    assert plan is not None
    goals = tuple(g for g in demo.goals if g.plan_id == plan.id)
    actions = {g.id: tuple(a for a in demo.actions if a.goal_id == g.id) for g in goals}
    history = tuple(cycle_results(pack, CycleInput(dc.cycle, tuple(dc.participants), tuple(dc.ratings),
                                                   tuple(dc.tallies), tuple(dc.consensus)))
                    for dc in demo.cycles)
    base = baseline_cycle([r.cycle for r in history], plan)
    results = next(r for r in history if base is not None and r.cycle.id == base.id)
    notes = {a.id: tuple(n for n in demo.notes if n.action_id == a.id) for a in demo.actions}
    return PlanInput(demo.district, plan, goals, actions, results, history, notes,
                     default_signers(demo.district), today=date(2025, 3, 1))


@pytest.fixture(scope="module")
def signed(pack: Pack, district: District) -> bytes:
    """The tagged plan (XMP, structure tree, outline) signed by both signers with navtool."""
    pdf = render_plan(pack, _demo_plan(pack)).pdf
    pdf = sign_pdf_bytes(pdf, district.superintendent, role="Superintendent", force=True)
    return sign_pdf_bytes(pdf, district.board_chair, role="Board chair", force=True)


def _update(data: bytes, edit: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _structural(pdf: bytes, district: District) -> set[tuple[str, str]]:
    """navtool's verdict with the page comparison off, and what the structural check names."""
    report = verify_pdf_bytes(pdf, [district.root.certificate], check_rendering=False)
    assert report.verdict == "changed", report
    return {(c.kind, c.text) for c in report.changes}


def test_the_genuine_plan_signed_twice_is_valid(signed: bytes, district: District) -> None:
    report = verify_pdf_bytes(signed, [district.root.certificate])
    assert (report.verdict, report.changes) == ("valid", ())


# --- the catalog's own entries that pyHanko's signing may write ---------------------------------


def test_a_changed_version_or_extension_is_a_change(signed: bytes, district: District) -> None:
    def version(writer: IncrementalPdfFileWriter) -> None:
        writer.root[N("/Version")] = N("/1.3")  # lowered: no signing program does that
        writer.update_root()

    def extension(writer: IncrementalPdfFileWriter) -> None:
        extensions = writer.root["/Extensions"]
        extensions[N("/XYZ")] = generic.DictionaryObject({N("/BaseVersion"): N("/1.7"),
                                                          N("/ExtensionLevel"): generic.NumberObject(3)})
        writer.update_root()

    def esic_dropped(writer: IncrementalPdfFileWriter) -> None:
        del writer.root["/Extensions"]
        writer.update_root()

    assert _structural(_update(signed, version), district) == {
        (CATALOG, "document-level settings were changed (/Version)")}
    for edit in (extension, esic_dropped):
        assert _structural(_update(signed, edit), district) == {
            (CATALOG, "document-level settings were changed (/Extensions)")}


def test_what_a_later_pyhanko_signature_writes_to_the_catalog_is_allowed(signed: bytes, district: District) -> None:
    # pyHanko raises /Version to 2.0 and registers the ISO 32001 extension for SHA-3 digests
    from pyhanko.sign.signers.pdf_signer import _ensure_iso32001_ext

    def like_pyhanko(writer: IncrementalPdfFileWriter) -> None:
        _ensure_iso32001_ext(writer)

    pdf = _update(signed, like_pyhanko)
    report = verify_pdf_bytes(pdf, [district.root.certificate], check_rendering=False)
    assert report.changes == ()


def test_the_form_defaults_and_signature_flags_are_compared(signed: bytes, district: District) -> None:
    def form(key: str, value: generic.PdfObject) -> Callable[[IncrementalPdfFileWriter], None]:
        def edit(writer: IncrementalPdfFileWriter) -> None:
            ref = writer.root.raw_get("/AcroForm")
            ref.get_object()[N(key)] = value
            writer.mark_update(ref)

        return edit

    red_da = generic.TextStringObject("/Helv 40 Tf 1 0 0 rg")
    dr = generic.DictionaryObject({N("/Font"): generic.DictionaryObject({N("/Helv"): generic.DictionaryObject({
        N("/Type"): N("/Font"), N("/Subtype"): N("/Type1"), N("/BaseFont"): N("/Courier")})})})
    assert _structural(_update(signed, form("/DA", red_da)), district) == {
        (FORM, "the form settings were changed (/DA)")}
    assert _structural(_update(signed, form("/DR", dr)), district) == {
        (FORM, "the form settings were changed (/DR)")}
    # "append only" taken away (viewers may then offer to save the file rewritten)
    assert _structural(_update(signed, form("/SigFlags", generic.NumberObject(1))), district) == {
        (FORM, "the form settings were changed (/SigFlags)")}


def test_a_dss_carrying_anything_but_validation_data_is_a_change(signed: bytes, district: District) -> None:
    def dss(writer: IncrementalPdfFileWriter) -> None:
        writer.root[N("/DSS")] = generic.DictionaryObject({
            N("/Certs"): generic.ArrayObject(),
            N("/JS"): generic.TextStringObject("app.alert('Approved by the board')")})
        writer.update_root()

    assert _structural(_update(signed, dss), district) == {(CATALOG, "document-level settings were changed (/DSS)")}


def test_a_page_count_that_hides_the_approval_page_is_a_change(signed: bytes, district: District,
                                                                tmp_path: Path) -> None:
    # pdfium and poppler believe the page tree's /Count: the approval page (the signatures)
    # and every page after the first are no longer shown; the page list itself is unchanged
    def hide(writer: IncrementalPdfFileWriter) -> None:
        ref = writer.root.raw_get("/Pages")
        ref.get_object()[N("/Count")] = generic.NumberObject(1)
        writer.mark_update(ref)

    pdf = _update(signed, hide)
    path = tmp_path / "hidden.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Pages:           1" in info.splitlines()
    assert (PAGES, "the page tree was changed (/Count)") in _structural(pdf, district)
    # the page comparison sees it too
    kinds = {c.kind for c in verify_pdf_bytes(pdf, [district.root.certificate], check_structure=False).changes}
    assert kinds == {"rendered"}


# --- the XMP metadata: compared by what it says, so by all of it --------------------------------


def _text_of(pdf: bytes, key: str) -> str:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return str(writer.trailer["/Info"][key])


def _rewrite_xmp(data: bytes, edit: Callable[[str], str]) -> bytes:
    def rewrite(writer: IncrementalPdfFileWriter) -> None:
        old = writer.root["/Metadata"]
        new = xmp_xml.MetadataStream(stream_data=edit(old.data.decode("utf-8")).encode("utf-8"))
        writer.root["/Metadata"] = writer.add_object(new)
        writer.update_root()

    return _update(data, rewrite)


def test_xmp_words_moved_between_entries_are_a_change(signed: bytes, district: District) -> None:
    # the title and the description swap their words: the same words, in other places
    def swap(xmp: str) -> str:
        title = xmp.split("<dc:title", 1)[1].split("<rdf:li", 1)[1].split(">", 1)[1].split("</rdf:li>", 1)[0]
        desc = xmp.split("<dc:description", 1)[1].split("<rdf:li", 1)[1].split(">", 1)[1].split("</rdf:li>", 1)[0]
        return xmp.replace(title, "\0").replace(desc, title).replace("\0", desc)

    swapped = _rewrite_xmp(signed, swap)
    assert _structural(swapped, district) == {(INFO, "document information changed (XMP metadata)")}


def test_an_xmp_entry_moved_to_another_namespace_is_a_change(signed: bytes, district: District) -> None:
    # "pdfuaid:part" in a made-up namespace: validators no longer see a PDF/UA claim
    moved = _rewrite_xmp(signed, lambda x: x.replace("http://www.aiim.org/pdfua/ns/id/", "http://example.org/ua/"))
    assert _structural(moved, district) == {(INFO, "document information changed (XMP metadata)")}


# --- held before this round: asserted so they stay held -----------------------------------------


def _catalog_entry(key: str, value: Callable[[IncrementalPdfFileWriter], generic.PdfObject]
                   ) -> Callable[[IncrementalPdfFileWriter], None]:
    def edit(writer: IncrementalPdfFileWriter) -> None:
        writer.root[N(key)] = value(writer)
        writer.update_root()

    return edit


def _js(writer: IncrementalPdfFileWriter) -> generic.PdfObject:
    return generic.DictionaryObject({N("/S"): N("/JavaScript"), N("/JS"): generic.TextStringObject("app.alert(1)")})


HELD = {
    "/OpenAction": _catalog_entry("/OpenAction", _js),
    "/AA": _catalog_entry("/AA", lambda w: generic.DictionaryObject({N("/WC"): _js(w)})),
    "/Lang": _catalog_entry("/Lang", lambda w: generic.TextStringObject("fr-FR")),
    "/MarkInfo": _catalog_entry("/MarkInfo", lambda w: generic.DictionaryObject(
        {N("/Marked"): generic.BooleanObject(False)})),
    "/ViewerPreferences": _catalog_entry("/ViewerPreferences", lambda w: generic.DictionaryObject(
        {N("/DisplayDocTitle"): generic.BooleanObject(False), N("/PrintScaling"): N("/None")})),
    "/PageLabels": _catalog_entry("/PageLabels", lambda w: generic.DictionaryObject({N("/Nums"): generic.ArrayObject(
        [generic.NumberObject(0), generic.DictionaryObject({N("/P"): generic.TextStringObject("Approved ")})])})),
    "/Names": _catalog_entry("/Names", lambda w: generic.DictionaryObject({N("/JavaScript"): generic.DictionaryObject(
        {N("/Names"): generic.ArrayObject([generic.TextStringObject("x"), _js(w)])})})),
}


@pytest.mark.parametrize("key", sorted(HELD))
def test_catalog_entries_changed_after_signing_are_still_changes(key: str, signed: bytes, district: District) -> None:
    assert _structural(_update(signed, HELD[key]), district) == {
        (CATALOG, f"document-level settings were changed ({key})")}


def test_an_outline_title_or_alt_text_changed_is_still_a_change(signed: bytes, district: District) -> None:
    def outline(writer: IncrementalPdfFileWriter) -> None:
        ref = writer.root["/Outlines"].raw_get("/First")
        ref.get_object()[N("/Title")] = generic.TextStringObject("Budget doubled")
        writer.mark_update(ref)

    def need_appearances(writer: IncrementalPdfFileWriter) -> None:
        ref = writer.root.raw_get("/AcroForm")
        ref.get_object()[N("/NeedAppearances")] = generic.BooleanObject(True)
        writer.mark_update(ref)

    assert _structural(_update(signed, outline), district) == {
        (CATALOG, "document-level settings were changed (/Outlines)")}
    assert _structural(_update(signed, need_appearances), district) == {
        (FORM, "the form settings were changed (/NeedAppearances)")}


def test_the_producer_and_dates_signing_rewrites_carry_no_other_words(signed: bytes, district: District) -> None:
    # a viewer's document properties show the producer: signing may only add pyHanko's name
    def info(key: str, value: str) -> Callable[[IncrementalPdfFileWriter], None]:
        def edit(writer: IncrementalPdfFileWriter) -> None:
            ref = writer.trailer.raw_get("/Info")
            ref.get_object()[N(key)] = generic.TextStringObject(value)
            writer.mark_update(ref)

        return edit

    assert _structural(_update(signed, info("/Producer", "Approved by the Board of Education, 2025-03-10")),
                       district) == {(INFO, "document information changed (Producer)")}
    # pyHanko's writer always writes /ModDate as now: the words go into its bytes, same length
    dated = _update(signed, info("/Title", _text_of(signed, "/Title")))
    tail = re.sub(rb"/ModDate \((D[^)]*)\)", lambda m: b"/ModDate (" + b"Approved 2025-03-10"[:len(m.group(1))]
                  .ljust(len(m.group(1))) + b")", dated[len(signed):], count=1)
    assert tail != dated[len(signed):]
    assert _structural(signed + tail, district) == {(INFO, "document information changed (ModDate)")}
    dated = _update(signed, info("/ModDate", "D:20270101120000Z"))
    assert verify_pdf_bytes(dated, [district.root.certificate], check_rendering=False).changes == ()
    # pyHanko's writer sets the XMP's producer and date itself: the words go into its bytes
    xmp = _rewrite_xmp(signed, lambda x: x)

    def patched(pattern: bytes, words: bytes) -> bytes:
        tail, n = re.subn(pattern, lambda m: m.group(1) + words.ljust(len(m.group(2)))[:len(m.group(2))] + b'"',
                          xmp[len(signed):], count=1)
        assert n == 1
        return signed + tail

    for attack in (patched(rb'(pdf:Producer=")([^"]*)"', b"Approved by the board"),
                   patched(rb'(xmp:ModifyDate=")([^"]*)"', b"Approved by the board, 3/10")):
        assert _structural(attack, district) == {(INFO, "document information changed (XMP metadata)")}
    later = patched(rb'(xmp:ModifyDate=")([^"]*)"', b"2027-01-01T00:00:00+00:00")
    assert verify_pdf_bytes(later, [district.root.certificate], check_rendering=False).changes == ()


def test_an_xmp_packet_with_a_dtd_is_compared_by_its_bytes(signed: bytes, district: District) -> None:
    # the title given as an entity: Python's parser reads the same words, a reader that
    # refuses DTDs (as XMP toolkits do) reads no title at all; pyHanko never writes a DTD
    def entity(xmp: str) -> str:
        title = xmp.split("<dc:title", 1)[1].split("<rdf:li", 1)[1].split(">", 1)[1].split("</rdf:li>", 1)[0]
        head, rest = xmp.split("<x:xmpmeta", 1)
        return f'{head}<!DOCTYPE x:xmpmeta [<!ENTITY t "{title}">]><x:xmpmeta{rest.replace(title, "&t;", 1)}'

    # pyHanko's writer refuses entities: the XMP stream object redefined in a raw update
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    ref = writer.root.raw_get("/Metadata")
    packet = entity(writer.root["/Metadata"].data.decode("utf-8")).encode("utf-8")
    body = b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream" % (len(packet), packet)
    assert _structural(_raw_update(signed, ref.idnum, body), district) == {
        (INFO, "document information changed (XMP metadata)")}


def _raw_update(data: bytes, number: int, body: bytes) -> bytes:
    """An incremental update by hand: object ``number`` redefined as ``body``."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    trailer = writer.prev.trailer_view
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    start = len(data) + 1
    obj = b"\n%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data) + len(obj)
    ids = b"".join(b"<%s>" % bytes(i.original_bytes).hex().encode() for i in trailer["/ID"])
    return data + obj + (b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d 0 R "
                         b"/Info %d 0 R /Prev %d /ID [%s] >>\nstartxref\n%d\n%%%%EOF\n") % (
        number, start, int(trailer["/Size"]), trailer.raw_get("/Root").idnum, trailer.raw_get("/Info").idnum, prev,
        ids, xref)
