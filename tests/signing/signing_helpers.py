"""Helpers for the signing tests: small real PDFs (ReportLab), pdfsig and qpdf runners."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from navtool_desktop.signing import Identity, RootAuthority

#: 2048-bit keys keep the suite quick; the app's default is 3072.
TEST_KEY_BITS = 2048


def make_pdf(pages: int = 2, title: str = "Strategic plan") -> bytes:
    """A real, uncompressed PDF (its page text can be found and flipped in the bytes)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612, 792), pageCompression=0)
    c.setTitle(title)
    for n in range(1, pages + 1):
        c.setFont("Helvetica", 14)
        c.drawString(72, 720, f"{title}: page {n} of {pages}")
        c.drawString(72, 700, "Goal: every learner reads at grade level.")
        c.showPage()
    c.save()
    return buf.getvalue()


@dataclass(frozen=True)
class District:
    """A district root and its two signers, as the app creates them."""

    root: RootAuthority
    superintendent: Identity
    board_chair: Identity


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (make debs installs it)")
    return found


def pdfsig(path: Path) -> list[dict[str, str]]:
    """poppler's ``pdfsig`` report, one dict per signature (keys as pdfsig prints them)."""
    run = subprocess.run([_tool("pdfsig"), str(path)], capture_output=True, text=True, check=False)
    sigs: list[dict[str, str]] = []
    for line in run.stdout.splitlines():
        if re.match(r"^Signature #\d+:", line):
            sigs.append({})
        elif sigs and (m := re.match(r"^\s+- ([^:]+): (.*)$", line)):
            sigs[-1][m.group(1)] = m.group(2).strip()
        elif sigs and (m := re.match(r"^\s+- (.*)$", line)):
            sigs[-1][m.group(1).strip()] = ""
    return sigs


def qpdf_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_tool("qpdf"), "--check", str(path)], capture_output=True, text=True, check=False)
