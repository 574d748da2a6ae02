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


# --- the network coach's support plan ------------------------------------------------------------

def _support_workspace(tmp_path: Path, pack: Pack) -> Path:
    """One district and two support rows, one with markup-like words the twin must escape."""
    from network_fakes import support_workspace

    return support_workspace(tmp_path / "net", pack, "Two <b>workshops</b> & a visit")


def _headings(html_text: str) -> list[tuple[str, str]]:
    """The twin's headings, in order: (tag, words)."""
    from html import unescape

    return [(tag, " ".join(unescape(re.sub(r"<[^>]+>", "", words)).split()))
            for tag, words in re.findall(r"<(h[1-6])>(.*?)</\1>", html_text, re.S)]


def _struct_headings(pdf: Path) -> list[tuple[str, str]]:
    """The PDF's headings as poppler reads its structure tree: (tag, words), in order."""
    import subprocess

    from report_helpers import tool

    out = subprocess.run([tool("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return [(role.lower(), " ".join(words.split()))
            for role, words in re.findall(r"^\s*(H[1-6]) \(block\)\n\s+\"(.*)\"", out, re.M)]


def _support_headings(pack: Pack) -> list[tuple[str, str]]:
    """The support plan's headings: its title, its four sections, one for each resource."""
    from navtool_desktop.network.content import load_network_content

    titles = {r.id: r.title for r in pack.resources}
    return [("h1", "Support plan: Peña Valley Unified"), ("h2", "Readiness tier"), ("h2", "Support planned"),
            ("h2", "The support menu"), ("h2", "State-policy resources"),
            *(("h3", " ".join(titles[rid].split())) for rid in load_network_content(pack).state_policy)]


def test_the_support_plan_prints_its_twins_checksum_and_stays_tagged(pack: Pack, tmp_path: Path) -> None:
    import datetime as dt

    from test_accessible_pdf import _check_tagged

    from navtool_desktop.network.content import load_network_content
    from navtool_desktop.network.support import support_plan_data
    from navtool_desktop.network.workspace import Workspace
    from navtool_desktop.reports.support_plan import render_support_plan, render_support_plan_with_twin

    content = load_network_content(pack)
    with Workspace(_support_workspace(tmp_path, pack), pack) as ws:
        data = support_plan_data(ws, content, "d-pena", today=dt.date(2026, 12, 1))
    pdf, html_text = render_support_plan_with_twin(data)
    # still a tagged PDF: marked content everywhere, headings in order, tables with TH, Lang
    roles = [role for role, _alt in _check_tagged(pdf, tmp_path)]
    assert roles.count("/Table") >= 3 and "/TH" in roles
    # the twin: lang, self-contained, tables with <th scope="col">, no checksum line of its own
    digest = check_twin(html_text, pdf, tmp_path)
    assert html_text.count("<table>") == 3  # the tiers, the support rows, the menu
    # the last page prints the twin's SHA-256
    pages = pdf_text(pdf, tmp_path).split("\f")
    assert digest in pages[-2]
    # the same headings in the same order as the PDF's structure tree
    assert len(_support_headings(pack)) > 5
    assert _headings(html_text) == _support_headings(pack)
    # (poppler joins a wrapped heading's lines without a space: compared without spaces)
    assert ([(tag, "".join(words.split())) for tag, words in _struct_headings(tmp_path / "doc.pdf")]
            == [(tag, "".join(words.split())) for tag, words in _support_headings(pack)])
    # every column has a header a screen reader can say (the menu's suggestion column too)
    assert "<th " in html_text and not re.search(r"<th [^>]*>\s*</th>", html_text)
    # what the coach typed is there, as words (escaped, never markup)
    twin = _Twin(html_text)
    for words in ("Tier: Assistance", "State PACE team", "Two <b>workshops</b> & a visit", "José Ñúñez",
                  "Technical assistance", "Micro-credentials"):
        assert words in twin.text, words
    assert "<b>workshops</b>" not in html_text
    # the PDF alone is the same document; the same inputs give the same twin
    assert pdf_text(render_support_plan(data), tmp_path) == pdf_text(pdf, tmp_path)
    assert render_support_plan_with_twin(data)[1] == html_text


def test_the_support_plan_twin_in_spanish(pack: Pack, tmp_path: Path) -> None:
    import datetime as dt

    from navtool_desktop import i18n
    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.network.content import load_network_content
    from navtool_desktop.network.support import support_plan_data
    from navtool_desktop.network.workspace import Workspace
    from navtool_desktop.reports.support_plan import render_support_plan_with_twin

    folder = _support_workspace(tmp_path, pack)
    i18n.set_language("es")
    spanish = load_localized(pack, "es")
    with Workspace(folder, spanish) as ws:
        data = support_plan_data(ws, load_network_content(spanish), "d-pena", today=dt.date(2026, 12, 1))
    pdf, html_text = render_support_plan_with_twin(data)
    assert '<html lang="es-US">' in html_text
    assert [tag for tag, _w in _headings(html_text)] == [tag for tag, _w in _support_headings(pack)]
    assert _headings(html_text)[0] == ("h1", "Plan de apoyo: Peña Valley Unified")
    assert "Grado: Acompañamiento" in _Twin(html_text).text
    assert all(a.get("scope") == "col" for t, a in _Twin(html_text).tags if t == "th")
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Esta es su suma de comprobación SHA-256" in text
    assert hashlib.sha256(html_text.encode("utf-8")).hexdigest() in text


def test_the_cli_writes_the_support_plans_twin_beside_the_pdf(pack: Pack, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = _support_workspace(tmp_path, pack)
    out = tmp_path / "pena-support.pdf"
    command = ["network", "--workspace", str(folder), "support-plan", "d-pena", "--out", str(out)]
    assert cli.main(command) == 0
    twin = tmp_path / "pena-support.html"
    assert twin_path(out) == twin and twin.exists()
    digest = hashlib.sha256(twin.read_bytes()).hexdigest()
    assert digest in pdf_text(out, tmp_path).split("\f")[-2]
    assert f"wrote {twin}: the accessible HTML version, SHA-256 {digest}" in capsys.readouterr().out
    assert _headings(twin.read_text(encoding="utf-8")) == _support_headings(pack)
    # in Spanish: the twin says so and still matches the PDF it was made with
    assert cli.main(["--lang", "es", *command]) == 0
    html_text = twin.read_text(encoding="utf-8")
    assert '<html lang="es-US">' in html_text and "Plan de apoyo: Peña Valley Unified" in html_text
    assert hashlib.sha256(twin.read_bytes()).hexdigest() in pdf_text(out, tmp_path)


def test_the_support_plan_cli_keeps_a_signed_pdf_and_says_why_a_twin_cannot_be_written(
        pack: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _support_workspace(tmp_path, pack)
    out = tmp_path / "signed.pdf"
    out.write_bytes(b"%PDF-1.7\n/ByteRange [0 1 2 3]\n%%EOF\n")  # what is_signed_pdf looks for
    command = ["network", "--workspace", str(folder), "support-plan", "d-pena", "--out", str(out)]
    assert cli.main(command) == 1
    assert "is a signed PDF; use --force to replace it" in capsys.readouterr().err
    assert b"/ByteRange" in out.read_bytes() and not twin_path(out).exists()
    assert cli.main([*command, "--force"]) == 0
    assert hashlib.sha256(twin_path(out).read_bytes()).hexdigest() in pdf_text(out, tmp_path)
    # a folder where the twin goes: plain words, no traceback
    other = tmp_path / "other.pdf"
    twin_path(other).mkdir()
    assert cli.main(["network", "--workspace", str(folder), "support-plan", "d-pena", "--out", str(other)]) == 1
    err = capsys.readouterr().err
    assert "other.html cannot be written" in err and "Traceback" not in err
