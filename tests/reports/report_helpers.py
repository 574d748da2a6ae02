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
