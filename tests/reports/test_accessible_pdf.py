"""Accessible PDFs (issue 18): tagged structure read back, content all marked, Alt text, fonts
embedded, a palette that reads in black and white and at 4.5:1."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from report_helpers import tool

from navtool_desktop.framework import Pack
from navtool_desktop.reports import render_plan, render_rating_sheet, render_report
from navtool_desktop.reports.data import PlanInput, ReportInput
from navtool_desktop.vocabulary import level_letter

#: Operators that paint something on the page.
_PAINT = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "BI"}


def _plan_pdf(pack: Pack, demo_plan: PlanInput) -> bytes:
    return render_plan(pack, demo_plan).pdf


def _report_pdf(pack: Pack, demo_plan: PlanInput) -> bytes:
    data = ReportInput(demo_plan.district, demo_plan.results, today=demo_plan.today)
    return render_report(pack, data)


def _elements(node: pikepdf.Object) -> list[pikepdf.Dictionary]:
    """Every structure element under ``node``, in reading order."""
    out: list[pikepdf.Dictionary] = []
    kids = node.get("/K")
    if kids is None:
        return out
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/MCR" and "/S" in kid:
            out.append(kid)
            out += _elements(kid)
    return out


def parents_of(tree: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """The parent tree's entries by key."""
    nums = list(tree.ParentTree.Nums)
    return {int(k): v for k, v in zip(nums[::2], nums[1::2], strict=True)}


def _check_tagged(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """Check the tagging rules; the structure elements as (role, Alt text), in reading order."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    with pikepdf.open(path) as doc:
        root = doc.Root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "en-US"
        assert root.ViewerPreferences.DisplayDocTitle is True
        tree = root.StructTreeRoot
        elems = _elements(tree)
        roles = [str(e.S) for e in elems]
        assert roles[0] == "/Document"
        # headings in order: the first is H1, none skips a level
        levels = [int(r[2]) for r in roles if re.fullmatch(r"/H[1-6]", r)]
        assert levels and levels[0] == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
        # every figure has words
        for e in elems:
            if e.S == "/Figure":
                assert len(str(e.get("/Alt", ""))) > 10
        # tables have header cells with a scope, rows hold only cells, and every row fills
        # the same columns (cells ReportLab merged carry ColSpan / RowSpan)
        for e in elems:
            if e.S == "/Table":
                cells = [c for r in _elements(e) if r.S == "/TR" for c in _elements(r)]
                assert any(c.S == "/TH" and c.A.Scope == "/Column" for c in cells)
                widths, below = [], {}  # row -> columns taken by cells spanning down into it
                for n, row in enumerate(r for r in _elements(e) if r.S == "/TR"):
                    width = below.get(n, 0)
                    for cell in (c for c in _elements(row) if c.S in ("/TH", "/TD")):
                        attrs = cell.get("/A", {})
                        cols, rows = int(attrs.get("/ColSpan", 1)), int(attrs.get("/RowSpan", 1))
                        width += cols
                        for more in range(n + 1, n + rows):
                            below[more] = below.get(more, 0) + cols
                    widths.append(width)
                assert len(set(widths)) == 1, widths
        # every form field's widget sits in a Form element, which points back at it
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Widget":
                    form = parents_of(tree)[int(annot.StructParent)]
                    assert form.S == "/Form" and form.K.Type == "/OBJR" and form.K.Obj.objgen == annot.objgen
        # the parent tree maps each page's MCIDs back to their elements
        parents = parents_of(tree)
        for n, page in enumerate(doc.pages):
            assert page.obj.Tabs == "/S"
            key = int(page.obj.StructParents)
            assert key == n
            # every painting operator sits in marked content (a tagged element or an artifact)
            depth, mcids = 0, 0
            for operands, op in pikepdf.parse_content_stream(page):
                name = str(op)
                if name in ("BDC", "BMC"):
                    depth += 1
                    if name == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                        assert int(operands[1].MCID) == mcids
                        assert operands[0] == parents[key][mcids].S
                        mcids += 1
                elif name == "EMC":
                    depth -= 1
                elif name in _PAINT:
                    assert depth > 0, f"page {n + 1}: {name} outside marked content"
            assert depth == 0
            assert len(parents[key]) == mcids
        return [(str(e.S), str(e.get("/Alt", ""))) for e in elems]


def test_plan_is_tagged_with_headings_tables_and_figures(pack: Pack, demo_plan: PlanInput, tmp_path: Path) -> None:
    elems = _check_tagged(_plan_pdf(pack, demo_plan), tmp_path)
    roles = [role for role, _alt in elems]
    for role in ("/H1", "/H2", "/P", "/L", "/LI", "/LBody", "/Table", "/TR", "/TH", "/TD", "/Figure"):
        assert role in roles
    heads = subprocess.run([tool("pdfinfo"), "-struct-text", str(tmp_path / "doc.pdf")],
                           capture_output=True, text=True, check=True).stdout
    h1 = re.findall(r"^  H1 \(block\)\n\s+\"(.*)\"", heads, re.M)
    assert h1[:4] == ["What this plan adopts", "Our vision", "Where we stand", "Our priorities and why"]
    # the charts carry their data as Alt text: the heat map names each competency's level
    alts = [alt for role, alt in elems if role == "/Figure"]
    assert any("Heat map" in a and ("agreed" in a or "median vote" in a) for a in alts)


def test_the_progress_report_is_tagged_and_says_each_status_in_words(pack: Pack, demo_plan: PlanInput,
                                                                     tmp_path: Path) -> None:
    from navtool_desktop.reports.progress import render_progress

    elems = _check_tagged(render_progress(pack, demo_plan), tmp_path)
    roles = [role for role, _alt in elems]
    for role in ("/H1", "/Table", "/TH", "/TD"):
        assert role in roles
    text = subprocess.run([tool("pdftotext"), str(tmp_path / "doc.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "In progress" in text or "Not started" in text  # status is a word, never a colour alone


def test_report_and_sheet_are_tagged(pack: Pack, demo_plan: PlanInput, tmp_path: Path) -> None:
    elems = _check_tagged(_report_pdf(pack, demo_plan), tmp_path)
    assert any(role == "/Figure" for role, _alt in elems)
    _check_tagged(render_rating_sheet(pack, demo_plan.district, demo_plan.results.cycle), tmp_path)


def test_every_font_is_embedded(pack: Pack, demo_plan: PlanInput, tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(_plan_pdf(pack, demo_plan))
    out = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row), row


def test_signing_a_tagged_plan_keeps_the_structure(pack: Pack, demo_plan: PlanInput, superintendent,  # type: ignore[no-untyped-def]
                                                   root, tmp_path: Path) -> None:
    from navtool_desktop.reports.signed import sign_rendered, with_signer
    from navtool_desktop.signing.verify import verify_pdf_bytes

    data, slot = with_signer(demo_plan, superintendent, force=True)
    signed = sign_rendered(render_plan(pack, data).pdf, superintendent, slot, data.district.name)
    _check_tagged(signed, tmp_path)
    report = verify_pdf_bytes(signed, [root.certificate])
    assert report.ok, report


def test_palette_contrast_is_at_least_4_5() -> None:
    from navtool_desktop.reports import style

    backgrounds = [style.WHITE, style.SHADE]
    for fg in (style.INK, style.MUTED, style.ACCENT, *style.LEVEL_COLORS.values(), *style.STATUS_COLORS.values()):
        for bg in backgrounds:
            assert style.contrast(fg, bg) >= style.MIN_CONTRAST, (fg, bg)
    # level names are printed on the level tints (rating sheet, goal cards)
    for level, tint in style.LEVEL_TINTS.items():
        assert style.contrast(style.INK, tint) >= style.MIN_CONTRAST
        assert style.contrast(style.LEVEL_COLORS[level], tint) >= style.MIN_CONTRAST, level
    assert style.contrast(style.WHITE, style.ACCENT) >= style.MIN_CONTRAST  # table header
    # numbers on any shade of the heat map
    from reportlab.lib.colors import Color

    for grey in range(0, 101):
        fill = Color(grey / 100, grey / 100, grey / 100)
        assert style.contrast(style.text_on(fill), fill) >= style.MIN_CONTRAST


def test_statuses_differ_in_black_and_white(tmp_path: Path) -> None:
    """Each status bar, printed in grey (pdftoppm -gray), looks different from the others."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.shapes import Drawing

    from navtool_desktop.reports import charts

    greys = []
    for status in ("not_started", "in_progress", "done", "blocked"):
        d = Drawing(40, 14)
        charts.status_bar(d, 2, 2, 36, 10, status)
        pdf = tmp_path / f"{status}.pdf"
        renderPDF.drawToFile(d, str(pdf))
        subprocess.run([tool("pdftoppm"), "-gray", "-r", "144", str(pdf), str(tmp_path / status)], check=True)
        greys.append(next(tmp_path.glob(f"{status}*.pgm")).read_bytes())
    assert len(set(greys)) == 4


@pytest.mark.parametrize("level", ["establishing", "developing", "operationalizing", "refining", "not_sure"])
def test_vote_bar_names_each_level_in_letters(level: str) -> None:
    from reportlab.graphics.shapes import String

    from navtool_desktop.core.results import Distribution
    from navtool_desktop.reports import charts, style

    d = charts.vote_bar(Distribution.of([level] * 5), 80)
    letters = [s.text for s in d.contents if isinstance(s, String)]
    assert letters == [level_letter(level)]
    assert f"{style.level_name(level)} 5" in d.alt_text  # type: ignore[attr-defined]


#: Names in seven scripts, each as people type them (logical order).
NAMES = {
    "vietnamese": "Nguyễn Thị Minh Khai",
    "chinese": "王小明",
    "arabic": "محمد علي",
    "hebrew": "דוד כהן",
    "devanagari": "प्रिया शर्मा",
    "cyrillic": "Иван Петров",
    "emoji": "Sam 😀 Olsen",
}


def _multiscript_plan(demo_plan: PlanInput) -> PlanInput:
    import dataclasses

    from navtool_desktop.core.records import TeamMember

    team = tuple(TeamMember(name=name, role=script) for script, name in NAMES.items())
    district = dataclasses.replace(demo_plan.district, team=team,
                                   name=f"{NAMES['chinese']} {NAMES['arabic']} District")
    return dataclasses.replace(demo_plan, district=district)


def test_names_in_every_script_print_and_read_back_in_logical_order(pack: Pack, demo_plan: PlanInput,
                                                                    tmp_path: Path) -> None:
    from report_helpers import pdf_text

    pdf = render_plan(pack, _multiscript_plan(demo_plan)).pdf
    # poppler marks a right-to-left run with U+202B ... U+202C; the letters between are the
    # name as typed: logical order, base letters (no presentation forms, no private-use codes)
    text = _BIDI_MARKS.sub("", pdf_text(pdf, tmp_path, layout=False))
    for script, name in NAMES.items():
        if script == "emoji":
            assert "Sam [grinning face] Olsen" in text
        else:
            assert name in text, (script, name)
    assert "\ufffd" not in text
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff\ue000-\uf8ff]", text)
    # Devanagari's words come from /ActualText (its glyphs are reordered within a syllable);
    # right-to-left names from their glyphs, so no /ActualText that poppler would reverse
    with pikepdf.open(__import__("io").BytesIO(pdf)) as doc:
        actual = _actual_texts(doc)
    assert NAMES["devanagari"] in actual
    assert not any(NAMES[script] in a for script in ("arabic", "hebrew") for a in actual)
    # every script's face is embedded, and the title keeps every character
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    for face in ("DejaVuSans", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "DroidSansFallback"):
        assert face in out
    info = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert f"{NAMES['chinese']} {NAMES['arabic']} District" in info
    _check_tagged(pdf, tmp_path)


def test_unprintable_names_the_characters_no_bundled_font_has() -> None:
    from navtool_desktop.printable import unprintable

    assert unprintable("".join(NAMES.values())) == []
    assert unprintable("Ana \U00013000 \u0F40") == ["\U00013000", "\u0F40"]  # hieroglyph, Tibetan


def test_the_html_twin_has_the_pdfs_headings_tables_and_chart_words(pack: Pack, demo_plan: PlanInput) -> None:
    from html.parser import HTMLParser

    from navtool_desktop.reports import charts, style
    from navtool_desktop.reports.common import data_table, head_cells, para
    from navtool_desktop.reports.document import DocumentInfo, build_with_twin, heading

    rows = [head_cells("Name", "Role"), *([para(n), para(s)] for s, n in NAMES.items())] * 8  # spans pages
    from navtool_desktop.reports.tagging import not_in_twin

    story = [heading("Team"), para("Who leads."), not_in_twin(para("Only in the PDF.")),
             para("\u2022 first"), para("\u2022 second"),
             data_table(rows, [200, 200]), heading("Results", 1),
             charts.heat_map(pack, demo_plan.results, style.FRAME_WIDTH)]
    pdf, html_text = build_with_twin(lambda: story, DocumentInfo("Plan \u2014 " + NAMES["arabic"], "D", "S", "H"))
    with pikepdf.open(__import__("io").BytesIO(pdf)) as doc:  # the table runs over two pages
        assert len([e for e in _elements(doc.Root.StructTreeRoot) if e.S == "/Table"]) >= 2

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[tuple[str, dict[str, str | None]]] = []
            self.open: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append((tag, dict(attrs)))
            if tag not in ("meta",):
                self.open.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.open.pop() == tag  # well nested

    parser = Parser()
    parser.feed(html_text)
    assert parser.open == []
    assert ("html", {"lang": "en-US"}) in parser.tags
    names = [t for t, _a in parser.tags]
    assert names.count("h1") == 1 and names.count("h2") == 1 and names.count("ul") == 1
    assert names.count("table") == 1  # the pieces on two pages are one table
    assert names.count("th") == 2 and all(a.get("scope") == "col" for t, a in parser.tags if t == "th")
    assert f"<title>Plan \u2014 {NAMES['arabic']}</title>" in html_text
    main = html_text.split("<main>", 1)[1]
    for name in ("王小明", "محمد علي", "प्रिया शर्मा"):
        assert main.count(name) == 8
    assert "Heat map of the competencies by level." in html_text
    assert "Only in the PDF." not in html_text


#: The bidi controls poppler wraps around right-to-left runs.
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _actual_texts(doc: pikepdf.Pdf) -> list[str]:
    """Every /ActualText of the document's pages, in order."""
    out = []
    for page in doc.pages:
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/ActualText" in operands[1]:
                out.append(str(operands[1].ActualText))
    return out


@pytest.mark.parametrize("script", ["arabic", "devanagari"])
def test_a_shaped_paragraph_split_over_two_pages_reads_once_in_logical_order(script: str, tmp_path: Path) -> None:
    from report_helpers import pdf_text

    from navtool_desktop.reports.common import para
    from navtool_desktop.reports.document import DocumentInfo, build_with_twin

    long_text = " ".join([NAMES[script]] * 900)
    pdf, html_text = build_with_twin(lambda: [para(long_text)], DocumentInfo("T", "A", "S", "H", cover=False))
    with pikepdf.open(__import__("io").BytesIO(pdf)) as doc:
        assert len(doc.pages) >= 2
        actual = _actual_texts(doc)
    if script == "devanagari":  # the first piece carries all the words, the others none
        assert actual[0] == long_text and all(a == "" for a in actual[1:]) and len(actual) >= 2
        # (a name cut by the page break, with the running header and footer between its two
        # words, is the one not counted)
        assert " ".join(pdf_text(pdf, tmp_path).split()).count(NAMES[script]) >= 899
    else:
        assert actual == []
    assert html_text.count(NAMES[script]) == 900


def test_a_right_to_left_paragraph_with_numbers_split_over_pages_is_laid_out(tmp_path: Path) -> None:
    # the rest of a shaped paragraph is wrapped again on the next page: its words are shaped
    # already (ReportLab's shaper refused them: the export failed with a TypeError)
    from navtool_desktop.reports.common import para
    from navtool_desktop.reports.document import DocumentInfo, build, heading

    for word in ("\u05e9\u05dc\u05d5\u05dd", "\u0643\u0644\u0645\u0629"):
        pdf = build(lambda word=word: [heading("Numbers"), para(" ".join(f"{word}{n}: {word}" for n in range(1, 700)))],
                    DocumentInfo("T", "A", "S", "H", cover=False))
        with pikepdf.open(__import__("io").BytesIO(pdf)) as doc:
            assert len(doc.pages) >= 2
        _check_tagged(pdf, tmp_path)


def _ink_segments(pdf: bytes, tmp_path: Path, name: str) -> list[int]:
    """Widths (pixels at 300 dpi) of the inked runs of the first line, left to right."""
    from PIL import Image

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run([tool("pdftoppm"), "-r", "300", "-gray", "-singlefile", "-png", str(path), str(tmp_path / name)],
                   check=True)
    image = Image.open(tmp_path / f"{name}.png").convert("L")
    width, height = image.size
    pixels = image.load()
    top = height // 8  # the first line sits in the top eighth of the page
    cols = [x for x in range(width) if any(pixels[x, y] < 128 for y in range(top))]
    widths, start, prev = [], cols[0], cols[0]
    for x in cols[1:]:
        if x - prev > 12:  # a word space
            widths.append(prev - start)
            start = x
        prev = x
    widths.append(prev - start)
    return widths


@pytest.mark.parametrize("first, second", [("محمد", "علي"), ("דוד", "כהן")])
def test_a_right_to_left_name_shows_its_first_word_at_the_right(first: str, second: str, tmp_path: Path) -> None:
    from reportlab.platypus import SimpleDocTemplate

    from navtool_desktop.reports.common import para

    def render(text: str, name: str) -> list[int]:
        out = tmp_path / f"{name}-doc.pdf"
        SimpleDocTemplate(str(out)).build([para(text)])
        return _ink_segments(out.read_bytes(), tmp_path, name)

    [w_first], [w_second] = render(first, "first"), render(second, "second")
    assert abs(w_first - w_second) > 2  # the two words can be told apart by width
    left, right = render(f"{first} {second}", "both")
    assert abs(left - w_second) <= 2 and abs(right - w_first) <= 2  # read right to left: first, second


def test_hostile_long_words_in_shaped_scripts_still_give_a_tagged_pdf(tmp_path: Path) -> None:
    from navtool_desktop.reports.common import data_table, head_cells, para
    from navtool_desktop.reports.document import DocumentInfo, build, heading

    words = ["محمد" * 1500, "דוד" * 2000, "प्रिया" * 800, "王" * 3000, "محمد علي: " * 300 + "end"]
    rows = [head_cells("A", "B"), *([para(w), para(w[:50])] for w in words)]
    pdf = build(lambda: [heading("Long words"), *(para(w) for w in words), data_table(rows, [150, 150])],
                DocumentInfo("T", "A", "S", "H"))
    _check_tagged(pdf, tmp_path)


def test_the_cjk_font_keeps_the_characters_names_use_and_the_app_warns_for_the_rest() -> None:
    """The bundled Droid Sans Fallback is a subset (tools/subset_cjk_font.py): every ideograph of
    GB 2312, JIS X 0208 and Big5's frequent set and the Hangul of KS X 1001 print; a rarer one
    is flagged when typed, as the font's own character map says."""
    import importlib.util

    from navtool_desktop import paths, printable

    spec = importlib.util.spec_from_file_location("subset_cjk_font", Path(__file__).parents[2] / "tools" /
                                                  "subset_cjk_font.py")
    assert spec is not None and spec.loader is not None
    tool_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool_module)
    covered = printable.coverage(printable.CJK)
    assert {c for c in tool_module.kept_ideographs() if 0x4E00 <= c <= 0x9FFF} <= covered
    assert tool_module.kept_hangul() <= covered and len(tool_module.kept_hangul()) == 2350
    assert printable.unprintable("王小明 陳美玲 山田太郎 김민준 學習") == []
    assert printable.unprintable("\u4e02\u9f98") == ["\u4e02", "\u9f98"]  # in no legacy set: not bundled
    assert paths.resource("fonts/DroidSansFallback.ttf").stat().st_size < 2_000_000


def test_a_right_to_left_paragraph_over_several_lines_reads_in_order(tmp_path: Path) -> None:
    """Each line's run is reversed once the paragraph is broken into lines: reversing the whole
    paragraph first put its last words on its first line."""
    from report_helpers import pdf_text

    from navtool_desktop.reports.common import para
    from navtool_desktop.reports.document import DocumentInfo, build, heading

    letters = "\u0627\u0628\u062a\u062b\u062c\u062d\u062e\u062f\u0630\u0631\u0632\u0633\u0634\u0635"
    words = [a + b + c for a in letters[:5] for b in letters[5:10] for c in letters[10:13]][:70]
    info = DocumentInfo("T", "A", "S", "H", cover=False)
    pdf = build(lambda: [heading("Order"), para(" ".join(words))], info)
    text = _BIDI_MARKS.sub("", pdf_text(pdf, tmp_path))
    assert [w for w in text.split() if w in words] == words  # five lines, first to last
    _check_tagged(pdf, tmp_path)
    # (on its own page: poppler reads a page of mostly right-to-left lines right to left)
    pdf = build(lambda: [heading("Team"), para("Team: \u05e9\u05dc\u05d5\u05dd, Ana")], info)
    text = _BIDI_MARKS.sub("", pdf_text(pdf, tmp_path))
    assert "Team: \u05e9\u05dc\u05d5\u05dd, Ana" in text  # the space after a shaped word and its comma


@pytest.mark.parametrize("listed", ["missing", "wrong title"])
def test_signature_widgets_find_their_form_element_without_the_renderers_list(
        pack: Pack, demo_plan: PlanInput, monkeypatch: pytest.MonkeyPatch, listed: str) -> None:
    """The renderer lists its Form elements (/NavForms) so fields find theirs without walking the
    tree; a PDF without that list, or with one that does not match, is walked instead."""
    import io

    import navtool_desktop.signing as signing

    seen: list[tuple[bytes, object, object]] = []
    real = signing.add_signature_fields
    monkeypatch.setattr(signing, "add_signature_fields",
                        lambda pdf, boxes, labels: seen.append((pdf, boxes, labels)) or real(pdf, boxes, labels))
    render_plan(pack, demo_plan)
    before, boxes, labels = seen[0]
    with pikepdf.open(io.BytesIO(before)) as doc:
        tree = doc.Root.StructTreeRoot
        assert len(tree.NavForms) == 2 * len(boxes)  # (title, Form element) per box
        if listed == "missing":
            del tree["/NavForms"]
        else:
            tree.NavForms = pikepdf.Array([pikepdf.String("nobody"), tree.NavForms[1]])
        out = io.BytesIO()
        doc.save(out)
    with pikepdf.open(io.BytesIO(real(out.getvalue(), boxes, labels))) as doc:  # type: ignore[arg-type]
        parents = parents_of(doc.Root.StructTreeRoot)
        widgets = [a for page in doc.pages for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Widget"]
        assert len(widgets) == len(boxes)
        for widget in widgets:
            form = parents[int(widget.StructParent)]
            assert form.S == "/Form" and str(form.T) == str(widget.T) and form.K.Obj.objgen == widget.objgen
