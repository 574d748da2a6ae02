"""The plan's XMP metadata (PDF/UA identifier, title) through signing: a later signer's
rewritten XMP dates change nothing, but what the XMP says, or any other stream, still counts."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata import xmp_xml
from report_helpers import TEST_KEY_BITS

from navtool_desktop.framework import Pack
from navtool_desktop.reports import PlanInput, render_plan
from navtool_desktop.signing import RootAuthority, issue_signer, sign_pdf_bytes, verify_pdf_bytes
from navtool_desktop.signing.revisions import CATALOG, INFO, PAGE_OTHER, PAGE_RESOURCES

_XMP_NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
           "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


def xmp_says(pdf: bytes) -> dict[str, str]:
    """The XMP packet's PDF/UA part and title (pikepdf's reading of the catalog's /Metadata)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        meta = doc.open_metadata()
        return {"part": str(meta.get("pdfuaid:part", "")), "title": str(meta.get("dc:title", "")),
                "lang": str(doc.Root.get("/Lang", "")), "info_title": str(doc.docinfo.get("/Title", ""))}


@pytest.fixture
def xmp_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Sets the time pyHanko writes as the XMP ModifyDate (a later signer's computer)."""
    from pyhanko.pdf_utils.metadata import xmp_xml

    def set_clock(moment: dt.datetime) -> None:
        class _Clock(dt.datetime):
            @classmethod
            def now(cls, tz: Any = None) -> Any:
                return moment.astimezone(tz) if tz else moment

        monkeypatch.setattr(xmp_xml, "datetime", _Clock)

    return set_clock


@pytest.fixture
def signed_twice(pack: Pack, demo_plan: PlanInput, root: RootAuthority,
                 xmp_clock: Callable[[dt.datetime], None]) -> Iterator[bytes]:
    supt = issue_signer(root, "Ana Peña", "Superintendent", key_bits=TEST_KEY_BITS)
    chair = issue_signer(root, "Uma Running Crane", "Board chair", key_bits=TEST_KEY_BITS)
    xmp_clock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    pdf = sign_pdf_bytes(render_plan(pack, demo_plan).pdf, supt, role="Superintendent", force=True)
    xmp_clock(dt.datetime(2026, 12, 14, 19, 30, tzinfo=dt.UTC))  # the chair signs two weeks later
    yield sign_pdf_bytes(pdf, chair, role="Board chair", force=True)


def test_the_xmp_says_pdf_ua_and_the_title_and_survives_two_signatures(pack: Pack, demo_plan: PlanInput,
                                                                       signed_twice: bytes,
                                                                       root: RootAuthority) -> None:
    for pdf in (render_plan(pack, demo_plan).pdf, signed_twice):
        says = xmp_says(pdf)
        assert says["part"] == "1"
        assert says["title"] == says["info_title"] == f"{demo_plan.plan.title} \u2014 {demo_plan.district.name}"
        assert says["lang"] == "en-US"
    assert "2026-12-14T19:30:00" in xmp_xml_text(signed_twice)  # the chair's signature did rewrite the XMP's date
    report = verify_pdf_bytes(signed_twice, [root.certificate])
    assert (report.verdict, report.changes) == ("valid", ())


def xmp_xml_text(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return doc.Root.Metadata.read_bytes().decode("utf-8")


def _rewrite_xmp(data: bytes, edit: Callable[[str], str]) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    ref = writer.root.raw_get("/Metadata")
    old = ref.get_object()
    # (pyHanko's writer parses a metadata stream again and sets its date to now)
    new = xmp_xml.MetadataStream(stream_data=edit(old.data.decode("utf-8")).encode("utf-8"))
    writer.root["/Metadata"] = writer.add_object(new)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _kinds(pdf: bytes, root: RootAuthority) -> set[str]:
    return {kind for kind, _text in _changes(pdf, root)}


def _changes(pdf: bytes, root: RootAuthority) -> set[tuple[str, str]]:
    report = verify_pdf_bytes(pdf, [root.certificate], check_rendering=False)
    assert report.verdict == "changed", report
    return {(c.kind, c.text) for c in report.changes}


def test_a_changed_title_or_pdf_ua_part_in_the_xmp_is_a_change(signed_twice: bytes, root: RootAuthority,
                                                               xmp_clock: Callable[[dt.datetime], None]) -> None:
    # what pyHanko rewrites (the date) may change; what the XMP says may not
    xmp_clock(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    dated = _rewrite_xmp(signed_twice, lambda x: x)
    assert "2027-01-01T00:00:00" in xmp_xml_text(dated)
    assert verify_pdf_bytes(dated, [root.certificate], check_rendering=False).changes == ()
    retitled = _rewrite_xmp(signed_twice, lambda x: x.replace("Strategic Action Plan", "Budget Plan (APPROVED)"))
    assert xmp_says(retitled)["title"].startswith("Budget Plan (APPROVED)")
    assert _changes(retitled, root) == {(INFO, "document information changed (XMP metadata)")}
    not_ua = _rewrite_xmp(signed_twice, lambda x: x.replace('pdfuaid:part="1"', 'pdfuaid:part="2"'))
    assert _kinds(not_ua, root) == {INFO}


def test_changing_any_other_stream_is_still_a_change(signed_twice: bytes, root: RootAuthority) -> None:
    # the page-count form every page draws ("Page 3 of 13"): same object, new bytes
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_twice), strict=False)
    page = writer.root["/Pages"]["/Kids"][2].get_object()
    xobjects = page["/Resources"]["/XObject"]
    name = next(k for k in xobjects if "count" in k.lower())
    ref = xobjects.raw_get(name)
    form = ref.get_object()
    form._data = form.data.replace(b"(13)", b"(99)")
    form._encoded_data = None
    form.pop("/Filter", None)
    writer.mark_update(ref)
    out = io.BytesIO()
    writer.write(out)
    assert PAGE_RESOURCES in _kinds(out.getvalue(), root)
    # an XMP stream hung on a page (not the catalog's) is no signing update either
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_twice), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    page["/Metadata"] = writer.root.raw_get("/Metadata")
    writer.mark_update(page_ref)
    out = io.BytesIO()
    writer.write(out)
    assert (PAGE_OTHER, "page 1 was changed (/Metadata)") in _changes(out.getvalue(), root)


def test_changing_what_a_screen_reader_hears_is_a_change(signed_twice: bytes, root: RootAuthority) -> None:
    # the catalog is compared by identity where a signature points at it, never skipped: a
    # chart's Alt text rewritten after signing (the words a blind board member hears) counts
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_twice), strict=False)
    stack = [writer.root["/StructTreeRoot"].raw_get("/K")]
    while stack:
        item = stack.pop()
        obj = item.get_object()
        if isinstance(obj, generic.ArrayObject):
            stack.extend(obj.raw_get(i) for i in range(len(obj)))
        elif isinstance(obj, generic.DictionaryObject) and obj.get("/S") == "/Figure":
            obj[generic.NameObject("/Alt")] = generic.TextStringObject("Every competency is at Refining.")
            writer.mark_update(item)
            break
        elif isinstance(obj, generic.DictionaryObject) and "/K" in obj:
            stack.append(obj.raw_get("/K"))
    out = io.BytesIO()
    writer.write(out)
    assert _changes(out.getvalue(), root) == {(CATALOG, "document-level settings were changed (/StructTreeRoot)")}
