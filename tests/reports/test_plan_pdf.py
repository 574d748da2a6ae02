"""The plan PDF: valid structure, metadata, outline, page numbers, signer boxes and signing."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from pathlib import Path

from pypdf import PdfReader
from report_helpers import pdf_text, qpdf_check, tool

from navtool_desktop.framework import Pack
from navtool_desktop.reports import PlanInput, Signer, fingerprint_lines, render_plan
from navtool_desktop.signing import Identity, RootAuthority, fingerprint, sign_pdf_bytes, signature_fields


def _outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_plan_passes_qpdf_check(pack: Pack, demo_plan: PlanInput, tmp_path: Path) -> None:
    check = qpdf_check(render_plan(pack, demo_plan).pdf, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def test_plan_has_metadata_and_outline(pack: Pack, demo_plan: PlanInput) -> None:
    reader = PdfReader(io.BytesIO(render_plan(pack, demo_plan).pdf))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == f"{demo_plan.plan.title} \u2014 {demo_plan.district.name}"
    assert meta.author == demo_plan.district.name
    assert meta.subject and demo_plan.plan.period_start in meta.subject
    titles = _outline_titles(reader)
    for title in ("Our vision", "Where we stand", "Our priorities and why", "Goals and actions", "Timeline",
                  "Approval", "How to check the signatures"):
        assert title in titles
    goal_titles = [t for t in titles if t.startswith("Goal ")]
    assert len(goal_titles) == len(demo_plan.goals)


def test_plan_pages_are_numbered_with_the_total(pack: Pack, demo_plan: PlanInput, tmp_path: Path) -> None:
    pdf = render_plan(pack, demo_plan).pdf
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    text = pdf_text(pdf, tmp_path, layout=True)
    numbers = re.findall(r"Page (\d+) of\s+(\d+)", text)
    assert [int(n) for n, _ in numbers] == list(range(2, pages + 1))  # the cover has no footer
    assert {int(total) for _, total in numbers} == {pages}


def test_signer_boxes_are_empty_fields_on_the_approval_page(pack: Pack, demo_plan: PlanInput,
                                                            tmp_path: Path) -> None:
    rendered = render_plan(pack, demo_plan)
    assert [name for name, _box in rendered.boxes] == ["signer-1-superintendent", "signer-2-board-chair"]
    assert signature_fields(rendered.pdf) == [("signer-1-superintendent", False), ("signer-2-board-chair", False)]
    reader = PdfReader(io.BytesIO(rendered.pdf))
    page = reader.pages[rendered.approval_page - 1]
    assert "Approval" in page.extract_text()
    rects = sorted([float(v) for v in annot.get_object()["/Rect"]] for annot in page["/Annots"])
    expected = sorted([round(b.x1), round(b.y1), round(b.x2), round(b.y2)] for _n, b in rendered.boxes)
    assert rects == expected
    for _name, box in rendered.boxes:  # inside the page, clear of the running header and footer
        assert 40 <= box.x1 < box.x2 <= 572 and 50 <= box.y1 < box.y2 <= 740


def test_fingerprints_are_printed_when_known(pack: Pack, demo_plan: PlanInput, superintendent: Identity,
                                             root: RootAuthority, tmp_path: Path) -> None:
    data = dataclasses.replace(demo_plan, signers=(
        Signer("Superintendent", superintendent.name, superintendent.fingerprint), Signer("Board chair")),
        root_fingerprint=fingerprint(root.certificate))
    text = pdf_text(render_plan(pack, data).pdf, tmp_path)
    for line in fingerprint_lines(superintendent.fingerprint) + fingerprint_lines(root.fingerprint):
        assert line in text
    without = " ".join(pdf_text(render_plan(pack, demo_plan).pdf, tmp_path).split())
    assert fingerprint_lines(superintendent.fingerprint)[0] not in without
    assert "Once signed, the stamp shows the name in the signer\u2019s certificate" in without


def test_last_page_says_how_to_check_and_trust(pack: Pack, demo_plan: PlanInput, tmp_path: Path) -> None:
    pdf = render_plan(pack, demo_plan).pdf
    last = " ".join(PdfReader(io.BytesIO(pdf)).pages[-1].extract_text().split())
    for words in ("Acrobat Reader", "fingerprint", "Call the district office", "trusted root",
                  "Validate Signature"):
        assert words in last


def test_signed_in_turn_the_plan_stays_valid(pack: Pack, demo_plan: PlanInput, superintendent: Identity,
                                             board_chair: Identity, tmp_path: Path) -> None:
    # boxes that name their role only: each signer signs the box of the role in the certificate
    data = dataclasses.replace(demo_plan, signers=(Signer("Superintendent"), Signer("Board chair")))
    pdf = render_plan(pack, data).pdf
    once = sign_pdf_bytes(pdf, board_chair)     # the chair first: signer-2-board-chair
    twice = sign_pdf_bytes(once, superintendent)
    assert signature_fields(twice) == [("signer-1-superintendent", True), ("signer-2-board-chair", True)]
    check = qpdf_check(twice, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    path = tmp_path / "signed.pdf"
    path.write_bytes(twice)
    report = subprocess.run([tool("pdfsig"), str(path)], capture_output=True, text=True, check=False).stdout
    assert report.count("Signature is Valid.") == 2


def test_plan_states_the_privacy_rule_of_its_cycle(pack: Pack, demo_plan: PlanInput, tmp_path: Path) -> None:
    text = " ".join(pdf_text(render_plan(pack, demo_plan).pdf, tmp_path).split())
    assert demo_plan.results is not None
    assert (f"Privacy: a role group's counts are shown only when at least {demo_plan.results.threshold} "
            "people in it rated") in text


def test_resources_an_action_cites_are_listed_with_their_summary(pack: Pack, demo_plan: PlanInput,
                                                                  tmp_path: Path) -> None:
    def flat(data: PlanInput) -> str:
        return " ".join(pdf_text(render_plan(pack, data).pdf, tmp_path).split())

    cited, other = pack.resources[0], pack.resources[1]
    plain = dataclasses.replace(demo_plan, actions={goal: tuple(a.replace(resources="") for a in actions)
                                                    for goal, actions in demo_plan.actions.items()})
    assert "Resources the actions draw on" not in flat(plain)  # no action cites one: no section
    goal, actions = next((g, a) for g, a in plain.actions.items() if a)
    first = actions[0].replace(resources=f"Staff time; {cited.title.upper()} (chapter 2)")
    text = flat(dataclasses.replace(plain, actions={**plain.actions, goal: (first, *actions[1:])}))
    assert "Resources the actions draw on" in text
    section = text[text.rindex("Resources the actions draw on"):]
    assert " ".join(cited.summary.split())[:60] in section  # the summary, found by title in any case
    assert other.title not in section


def test_the_contents_page_numbers_can_be_seen_not_only_extracted(pack: Pack, demo_plan: PlanInput,
                                                                    tmp_path: Path) -> None:
    """Each number is a form drawn right-aligned on x = 0; a form clips to its box, so a box that
    starts at 0 hid every number while pdftotext still found them. Look at the pixels."""
    import pypdfium2

    path = tmp_path / "plan.pdf"
    path.write_bytes(render_plan(pack, demo_plan).pdf)
    words = subprocess.run([tool("pdftotext"), "-f", "2", "-l", "2", "-bbox", str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(\d+)</word>', words)
    numbers = [(float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, text in found
               if float(x0) > 400]  # the page-number column at the right of the contents
    assert len(numbers) >= 5, words
    scale = 2.0
    page = pypdfium2.PdfDocument(str(path))[1].render(scale=scale, grayscale=True).to_pil()
    for x0, y0, x1, y1 in numbers:
        box = page.crop((int(x0 * scale), int(y0 * scale), int(x1 * scale) + 1, int(y1 * scale) + 1))
        assert box.getextrema()[0] < 128, f"the number at ({x0:.0f}, {y0:.0f}) is not drawn"
