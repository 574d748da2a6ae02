"""The printable rating sheet: every competency in the cycle's scope, with tick boxes and ids."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_helpers import drawn_squares, pdf_text, qpdf_check

from navtool_desktop.core.records import Cycle, District
from navtool_desktop.framework import Pack
from navtool_desktop.reports import render_rating_sheet


@pytest.mark.parametrize("scope", [None, ("shared-vision", "transparency")])
def test_sheet_has_every_competency_in_scope(pack: Pack, scope: tuple[str, ...] | None, tmp_path: Path) -> None:
    cycle = Cycle(title="Spring review", date="2025-03-10", scope=scope, framework_id=pack.id,
                  framework_version=pack.version)
    pdf = render_rating_sheet(pack, District(name="Peña Valley Unified"), cycle)
    assert qpdf_check(pdf, tmp_path).returncode == 0
    text = pdf_text(pdf, tmp_path)
    flat = " ".join(text.split())
    inside = [c for c in pack.competencies if cycle.covers(c.id)]
    outside = [c for c in pack.competencies if not cycle.covers(c.id)]
    assert len(inside) == (30 if scope is None else 5)
    for comp in inside:
        assert f"({comp.id})" in flat, comp.id
        assert comp.name in flat
    for comp in outside:
        assert f"({comp.id})" not in flat
    practices = sum(len(cell.practices) for comp in inside for cell in comp.levels)
    # a drawn box per practice, per level choice (4 levels and not sure), and per role group atop each page
    squares = drawn_squares(pdf)
    assert sum(len(page) for page in squares) == practices + 5 * len(inside) + 4 * len(squares)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None and reader.metadata.title.startswith("Rating sheet: Spring review")


def test_sheet_says_what_every_level_means(pack: Pack, tmp_path: Path) -> None:
    cycle = Cycle(title="Spring review", date="2025-03-10", framework_id=pack.id,
                  framework_version=pack.version)
    flat = " ".join(pdf_text(render_rating_sheet(pack, District(name="Pine Ridge"), cycle), tmp_path).split())
    for stage in pack.stages:
        assert f"{stage.name}: {stage.meaning}" in flat, stage.id
