"""Helpers for the report tests: reading PDFs back with poppler and qpdf."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

TEST_KEY_BITS = 2048


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (make debs installs it)")
    return found


def pdf_text(data: bytes | Path, tmp_path: Path, *, layout: bool = False) -> str:
    """The text poppler's ``pdftotext`` reads from a PDF (bytes or file)."""
    path = data if isinstance(data, Path) else tmp_path / "text-source.pdf"
    if not isinstance(data, Path):
        path.write_bytes(data)
    args = [tool("pdftotext"), "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def qpdf_check(data: bytes, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "qpdf-check.pdf"
    path.write_bytes(data)
    return subprocess.run([tool("qpdf"), "--check", str(path)], capture_output=True, text=True, check=False)


def drawn_squares(data: bytes) -> list[list[float]]:
    """Per page, the side (in points) of every square the page's content stream strokes or fills:
    ``x y w h re`` with ``w == h`` between 5 and 40 pt (tick boxes; never table cells or bars)."""
    import io
    import re

    from pypdf import PdfReader

    number = r"(-?\d+(?:\.\d+)?)"
    pattern = re.compile(rf"{number}\s+{number}\s+{number}\s+{number}\s+re\b")
    pages: list[list[float]] = []
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        contents = page.get_contents()
        stream = contents.get_data().decode("latin-1") if contents is not None else ""
        # forms drawn on the page (ReportLab's page-count form) hold no squares
        sides = []
        for match in pattern.finditer(stream):
            w, h = float(match.group(3)), float(match.group(4))
            if abs(abs(w) - abs(h)) < 0.01 and 5 <= abs(w) <= 40:
                sides.append(abs(w))
        pages.append(sides)
    return pages


def page_texts(data: bytes, tmp_path: Path) -> list[str]:
    """The text of each page (pdftotext splits pages with a form feed)."""
    return pdf_text(data, tmp_path).split("\f")[:-1]


def headings_at_the_foot(data: bytes, tmp_path: Path) -> list[str]:
    """Headings (outline entries) with no text under them on their page: alone at its foot.

    Each heading is an outline entry whose destination is the heading's top on its page;
    ``pdftotext -bbox-layout`` gives every text line's position. A heading is alone when no
    line below it, above the running footer, holds words other than the heading's own.
    """
    import io
    import xml.etree.ElementTree as ET

    from pypdf import PdfReader

    path = tmp_path / "layout-source.pdf"
    path.write_bytes(data)
    html = subprocess.run([tool("pdftotext"), "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(html)
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        height = float(page.get("height", "792"))
        lines = []
        for line in page.iterfind(".//x:line", ns):
            words = [w.text or "" for w in line.iterfind("x:word", ns)]
            lines.append((float(line.get("yMin", "0")), float(line.get("yMax", "0")), words))
        pages.append((height, lines))
    reader = PdfReader(io.BytesIO(data))
    entries = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                entries.append((item.title, reader.get_destination_page_number(item), float(item.top)))

    walk(reader.outline)
    alone = []
    for title, number, top in entries:
        height, lines = pages[number]
        head_top = height - top  # from the top of the page, as pdftotext counts
        title_words = set(title.split())
        footer = height - 45
        under = sorted((y_min, words) for y_min, y_max, words in lines if y_min > head_top + 2 and y_max < footer)
        # the heading's first line, then any more of its own words (a heading that wraps)
        below = [words for _y, words in under[1:] if not set(words) <= title_words]
        if not below:
            alone.append(f"{title!r} on page {number + 1}")
    return alone
