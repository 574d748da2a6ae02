"""The district's documents in Spanish (issue 20, item 5): ``--lang es`` on the command line,
the app's language on the Export screen. The PDFs are read back: Spanish headings, the level
names with the English in small print, the plan's own words as written, nothing drawn on top of
anything else, and a PDF that tells a screen reader it is Spanish."""

from __future__ import annotations

import io
import itertools
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_helpers import page_texts, tool

from navtool_desktop import cli, paths
from navtool_desktop.commands.common import open_district
from navtool_desktop.reports.sheet import syllable_cuts
from navtool_desktop.storage import Repository

LEVELS_ES = ("Estableciendo", "Desarrollando", "Consolidando", "Refinando")


@pytest.fixture
def demo(data_dir: Path) -> None:
    assert cli.main(["demo", "--years", "1", "--participants", "8"]) == 0


def flat(pages: list[str]) -> str:
    return " ".join(" ".join(pages).split())


def words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, y0, x1, y1) of every word on ``page`` (1-based), from ``pdftotext -bbox``."""
    out = subprocess.run([tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(out.replace("<!DOCTYPE html>", ""))
    return [(w.text or "", float(w.get("xMin", 0)), float(w.get("yMin", 0)), float(w.get("xMax", 0)),
             float(w.get("yMax", 0))) for w in root.iter() if w.tag.endswith("word")]


def declared_language(pdf: Path) -> str:
    return str(PdfReader(io.BytesIO(pdf.read_bytes())).trailer["/Root"].get("/Lang", ""))


def test_spanish_level_names_break_between_syllables() -> None:
    def syllables(word: str) -> str:
        cuts = [0, *syllable_cuts(word), len(word)]
        return "-".join(word[a:b] for a, b in itertools.pairwise(cuts))

    assert syllables("Estableciendo") == "Es-ta-ble-cien-do"
    assert syllables("Desarrollando") == "De-sa-rro-llan-do"
    assert syllables("Consolidando") == "Con-so-li-dan-do"
    assert syllables("Refinando") == "Re-fi-nan-do"


def test_the_assessment_report_in_spanish(demo: None, tmp_path: Path) -> None:
    out = tmp_path / "informe.pdf"
    assert cli.main(["export-report", "--lang", "es", "--out", str(out)]) == 0
    pages = page_texts(out.read_bytes(), tmp_path)
    text = flat(pages)
    for heading in ("Informe de evaluación", "Resumen", "Niveles por condición", "Fortalezas",
                    "Áreas de crecimiento", "Lente de equidad"):
        assert heading in text, heading
    for english in ("Assessment report", "Strengths", "Growth areas", "Levels per condition"):
        assert english not in text, english
    # the letters that stand for the levels are the Spanish names' initials (C for Consolidando)
    assert "C Consolidando" in text and "O Consolidando" not in text
    assert declared_language(out) == "es-US"
    english = tmp_path / "report.pdf"
    assert cli.main(["export-report", "--lang", "en", "--out", str(english)]) == 0
    assert "O Operationalizing" in flat(page_texts(english.read_bytes(), tmp_path))
    assert declared_language(english) == "en-US"


def test_the_level_names_over_the_condition_chart_do_not_run_into_each_other(demo: None, tmp_path: Path) -> None:
    """Spanish names are longer: "Estableciendo" was drawn across "Desarrollando"."""
    for lang in ("es", "en"):
        out = tmp_path / f"report-{lang}.pdf"
        assert cli.main(["export-report", "--lang", lang, "--out", str(out)]) == 0
        pages = page_texts(out.read_bytes(), tmp_path)
        heading = "Niveles por condición" if lang == "es" else "Levels per condition"
        number = next(n for n, page in enumerate(pages, start=1) if heading in page)
        on_page = words(out, number)
        top = min(y0 for w, _x0, y0, _x1, _y1 in on_page if w in ("Visión", "Shared"))  # the first bar's label
        names = LEVELS_ES if lang == "es" else ("Establishing", "Developing", "Operationalizing", "Refining")
        labels = [w for w in on_page if w[0] in names and w[2] < top]
        assert sorted(w[0] for w in labels) == sorted(names)
        for a in labels:
            for b in labels:
                if a is not b and a[2] < b[4] and b[2] < a[4]:  # on one line
                    assert a[3] <= b[1] or b[3] <= a[1], f"{a} overlaps {b}"


def test_the_plan_in_spanish_keeps_what_the_district_wrote(demo: None, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    assert cli.main(["export-plan", "--lang", "es", "--out", str(out)]) == 0
    text = flat(page_texts(out.read_bytes(), tmp_path))
    for heading in ("Lo que adopta este plan", "Nuestra visión", "Metas y acciones", "Cronología",
                    "Aprobación y constancia de adopción"):
        assert heading in text, heading
    assert "What this plan adopts" not in text and "Goals and actions" not in text
    with Repository(paths.data_dir(), read_only=True) as repo:
        store = open_district(repo, None)
        written = [store.profile.vision, *(p.title for p in store.plans())]
    for words_of_the_district in written:
        assert " ".join(words_of_the_district.split()) in text  # as written, not translated
    assert declared_language(out) == "es-US"


def test_the_progress_report_in_spanish(demo: None, tmp_path: Path) -> None:
    out = tmp_path / "avance.pdf"
    assert cli.main(["export-progress", "--lang", "es", "--out", str(out), "--date", "2025-03-01"]) == 0
    text = flat(page_texts(out.read_bytes(), tmp_path))
    assert "1 de marzo de 2025" in text
    assert "Progress as of" not in text


def test_the_rating_sheets_print_the_english_level_name_in_small_print(demo: None, tmp_path: Path) -> None:
    full, compact = tmp_path / "hoja.pdf", tmp_path / "compacta.pdf"
    assert cli.main(["rating-sheet", "--lang", "es", "--out", str(full)]) == 0
    assert cli.main(["rating-sheet", "--compact", "--lang", "es", "--out", str(compact)]) == 0
    # the tick boxes under the first competency: "Consolidando" and, smaller, "(Operationalizing)"
    on_page = words(full, 2)
    pairs = [(spanish, english) for spanish in on_page for english in on_page
             if spanish[0] == "Consolidando" and english[0] == "(Operationalizing)"
             and abs(spanish[1] - english[1]) < 1 and 0 < english[2] - spanish[2] < 20]  # one under the other
    assert len(pairs) == 1
    spanish, english = pairs[0]
    assert english[4] - english[2] < 0.85 * (spanish[4] - spanish[2])
    # the compact sheet's narrow columns break the Spanish names between syllables
    shown = {w[0] for w in words(compact, 1)}
    assert {"Estable-", "ciendo", "Desarro-", "llando", "Consoli-", "dando"} <= shown
    assert not {"Estableci-", "Desarroll-", "Consolida-"} & shown
    assert declared_language(full) == "es-US"
