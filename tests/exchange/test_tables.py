"""CSV and XLSX tables: a BOM for Excel, formulas made inert, one row per rating."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from exchange_helpers import Setup

from navtool_desktop.core.records import Rating
from navtool_desktop.exchange import BundleError
from navtool_desktop.exchange.tables import csv_bytes, export_table, ratings_table, safe_cell
from navtool_desktop.framework import Pack


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("plain", "plain"), ("", ""), ("a=b", "a=b"),
])
def test_formula_cells_are_made_text(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


def test_ratings_csv_has_one_row_per_rating_and_a_bom(setup: Setup, pack: Pack, tmp_path: Path) -> None:
    person = setup.people[0]
    setup.store.save_rating(setup.cycle_id, Rating(
        participant_id=person.id, competency_id=setup.competencies[0], level="refining",
        note="=cmd|' /C calc'!A0 — Peña"))
    head, rows, notice = ratings_table(setup.store, pack, setup.cycle_id)
    assert notice.startswith("# This file contains individual answers")
    assert len(rows) == len(setup.store.cycle(setup.cycle_id).ratings) == 6
    out = tmp_path / "r.csv"
    assert export_table(setup.store, pack, out, cycle_id=setup.cycle_id) == 6
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert parsed[0] == [notice]  # the first line says the file holds individual answers
    assert parsed[1] == head
    notes = [r[7] for r in parsed[2:]]
    assert "'=cmd|' /C calc'!A0 — Peña" in notes
    assert csv_bytes(["a"], [["x,y\n\"z\""]]).decode("utf-8-sig") == 'a\r\n"x,y\n""z"""\r\n'


def test_an_unknown_format_is_refused(setup: Setup, pack: Pack, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match=r"\.csv or \.xlsx"):
        export_table(setup.store, pack, tmp_path / "r.pdf", cycle_id=setup.cycle_id)
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize(("value", "expected"), [
    ("a\x0bb", "ab"), ("\x00\x01\x08x\x0c\x1f", "x"), ("tab\tnew\nline\r", "tab\tnew\nline\r"),
    ("\x0b=1+2", "'=1+2"), ("ok\ufffe\uffff", "ok"), ("lone \ud800 surrogate", "lone  surrogate"),
    ("Peña — 名前 😀", "Peña — 名前 😀"),
])
def test_xlsx_cells_drop_what_xml_cannot_hold(value: str, expected: str) -> None:
    assert safe_cell(value, xml=True) == expected
    assert safe_cell("a\x0bb") == "a\x0bb"  # CSV keeps every character


def test_a_vertical_tab_in_a_note_exports_to_xlsx(setup: Setup, pack: Pack, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    setup.store.save_rating(setup.cycle_id, Rating(
        participant_id=setup.people[0].id, competency_id=setup.competencies[0], level="refining",
        note="first line\x0bsecond\x07 line"))
    out = tmp_path / "r.xlsx"
    assert export_table(setup.store, pack, out, cycle_id=setup.cycle_id) == 6
    notes = [row[7] for row in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert "first linesecond line" in notes


def test_every_character_and_an_overlong_note_make_a_workbook_excel_opens(tmp_path: Path) -> None:
    """Every code point, 30,000 to a cell, and one note longer than Excel's 32,767
    characters per cell (Excel then calls the file damaged): the sheet is strict XML and
    no cell is over the limit."""
    import zipfile
    from xml.etree import ElementTree

    from openpyxl import load_workbook

    from navtool_desktop.exchange.tables import MAX_CELL, xlsx_bytes

    text = "".join(map(chr, range(0x110000)))
    rows = [[text[n:n + 30_000]] for n in range(0, len(text), 30_000)]
    rows.append(["a" * 40_000])
    out = tmp_path / "all.xlsx"
    out.write_bytes(xlsx_bytes(["note"], rows, "Ratings"))
    with zipfile.ZipFile(out) as zf:
        ElementTree.fromstring(zf.read("xl/worksheets/sheet1.xml"))  # expat: XML 1.0 only
    cells = [row[0] or "" for row in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert len(cells) == len(rows) and all(len(c) <= MAX_CELL for c in cells)
    assert cells[-1].startswith("a" * 1000) and cells[-1].endswith("\u2026")
    assert "\u00e9" in cells[0] and "\U0001f600" in "".join(cells)
