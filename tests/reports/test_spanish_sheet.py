"""``navtool rating-sheet --lang es``: the paper sheet in Spanish, level names with the English."""

from __future__ import annotations

from pathlib import Path

from report_helpers import page_texts

from navtool_desktop import cli


def test_rating_sheet_lang_es_prints_spanish(data_dir: Path, tmp_path: Path) -> None:
    assert cli.main(["demo", "--years", "1", "--participants", "8"]) == 0
    out = tmp_path / "hoja.pdf"
    assert cli.main(["rating-sheet", "--lang", "es", "--out", str(out)]) == 0
    pages = [" ".join(p.split()) for p in page_texts(out.read_bytes(), tmp_path)]
    assert "Hoja de calificación" in pages[0]
    assert "Consolidando (Operationalizing): Hay evidencia en todo el sistema" in pages[0]
    assert "Miembro de la comunidad" in pages[1]
    assert "Visión compartida" in pages[1]
    english = tmp_path / "sheet.pdf"
    assert cli.main(["rating-sheet", "--lang", "en", "--out", str(english)]) == 0
    assert "Operationalizing: Evidence gathered" in " ".join(page_texts(english.read_bytes(), tmp_path)[0].split())
