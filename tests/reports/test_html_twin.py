"""The accessible HTML twin of the plan and the reports: written beside the PDF on every export
path, self-contained, and tied to the (signed) PDF by the SHA-256 the PDF prints."""

from __future__ import annotations

import hashlib
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from report_helpers import pdf_text

from navtool_desktop import cli
from navtool_desktop.framework import Pack
from navtool_desktop.reports import PlanInput, ReportInput, render_plan
from navtool_desktop.reports.twin import twin_path


class _Twin(HTMLParser):
    """What a twin holds: its tags with their attributes, and its words."""

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.words: list[str] = []
        self.feed(html_text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())


def _figure_alts(pdf: bytes) -> list[str]:
    out = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        stack = [doc.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if kid.S == "/Figure":
                        out.append(" ".join(str(kid.Alt).split()))
                    stack.append(kid)
    return out


def check_twin(html_text: str, pdf: bytes, tmp_path: Path) -> str:
    """The twin's checks; returns its SHA-256 (of the file as written)."""
    twin = _Twin(html_text)
    tags = [t for t, _a in twin.tags]
    # self-contained: nothing fetched from anywhere (no links, scripts, images, fonts, imports)
    assert not re.search(r"(?i)\b(src|href)\s*=|url\(|@import|<link|<script|<img|<iframe", html_text)
    assert ("html", {"lang": "en-US"}) in twin.tags
    assert tags.count("h1") >= 1 and "title" in tags
    assert "table" in tags and all(a.get("scope") == "col" for t, a in twin.tags if t == "th")
    assert any(t == "th" for t in tags)
    # every chart's words (the PDF's Figure Alt text) are in the twin
    for alt in _figure_alts(pdf):
        assert alt in twin.text, alt
    # and the checksum line is the PDF's only
    assert "SHA-256 checksum" not in twin.text
    path = tmp_path / "twin.html"
    path.write_text(html_text, encoding="utf-8")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_signed_plan_prints_the_sha256_of_its_twin(pack: Pack, demo_plan: PlanInput, superintendent,  # type: ignore[no-untyped-def]
                                                       tmp_path: Path) -> None:
    from navtool_desktop.reports.signed import sign_rendered, with_signer

    data, slot = with_signer(demo_plan, superintendent, force=True)
    rendered = render_plan(pack, data)
    signed = sign_rendered(rendered.pdf, superintendent, slot, data.district.name)
    assert len(_figure_alts(signed)) >= 2  # the heat map and the level bars at least
    digest = check_twin(rendered.twin, signed, tmp_path)
    assert 'colspan="3"' in rendered.twin  # the timeline's goal rows span its columns, as in the PDF
    pages = pdf_text(signed, tmp_path).split("\f")
    assert digest in pages[-2]  # the last page (pdftotext ends with a form feed)
    # the same inputs give the same twin (the checksum is worth printing)
    assert render_plan(pack, data).twin == rendered.twin
    # another plan, another twin, another checksum
    other = render_plan(pack, data.__class__(**{**data.__dict__, "plan": data.plan.replace(title="Another plan")}))
    assert other.twin != rendered.twin and digest not in pdf_text(other.pdf, tmp_path)


def test_the_report_and_the_progress_report_print_their_twins_checksum(pack: Pack, demo_plan: PlanInput,
                                                                      tmp_path: Path) -> None:
    from navtool_desktop.reports.progress import render_progress_with_twin
    from navtool_desktop.reports.report import render_report_with_twin

    report = render_report_with_twin(pack, ReportInput(demo_plan.district, demo_plan.results, today=demo_plan.today))
    progress = render_progress_with_twin(pack, demo_plan)
    assert _figure_alts(report[0])
    for pdf, html_text in (report, progress):
        assert check_twin(html_text, pdf, tmp_path) in pdf_text(pdf, tmp_path)


@pytest.fixture
def demo(data_dir: Path) -> None:
    assert cli.main(["demo", "--years", "1", "--participants", "8"]) == 0


@pytest.mark.parametrize("command", [["export-plan"], ["export-report"], ["export-progress", "--date", "2025-03-01"]])
def test_every_cli_export_writes_the_twin_beside_the_pdf(demo: None, tmp_path: Path, command: list[str],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "doc.pdf"
    assert cli.main([*command, "--out", str(out)]) == 0
    twin = tmp_path / "doc.html"
    assert twin_path(out) == twin and twin.exists()
    digest = hashlib.sha256(twin.read_bytes()).hexdigest()
    assert digest in pdf_text(out, tmp_path)
    assert f"wrote {twin}: the accessible HTML version, SHA-256 {digest}" in capsys.readouterr().out
    # a later export replaces both
    assert cli.main([*command, "--out", str(out)]) == 0
    assert hashlib.sha256(twin.read_bytes()).hexdigest() in pdf_text(out, tmp_path)


def test_a_plan_signed_into_a_new_file_takes_its_twin_along(pack: Pack, demo_plan: PlanInput, superintendent,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    from navtool_desktop.signing import sign_pdf

    rendered = render_plan(pack, demo_plan)
    source = tmp_path / "plan.pdf"
    source.write_bytes(rendered.pdf)
    twin_path(source).write_text(rendered.twin, encoding="utf-8")
    signed = sign_pdf(source, tmp_path / "plan-signed.pdf", superintendent, role="Superintendent", force=True)
    assert (tmp_path / "plan-signed.html").read_bytes() == twin_path(source).read_bytes()
    digest = hashlib.sha256((tmp_path / "plan-signed.html").read_bytes()).hexdigest()
    assert digest in pdf_text(signed, tmp_path)
    # signed in place: nothing to copy; a PDF without a twin gets none
    sign_pdf(signed, signed, superintendent, overwrite=True, role="Board chair", force=True)
    alone = tmp_path / "alone.pdf"
    alone.write_bytes(rendered.pdf)
    sign_pdf(alone, tmp_path / "alone-signed.pdf", superintendent, role="Superintendent", force=True)
    assert not (tmp_path / "alone-signed.html").exists()
