"""The personal code slips: one per participant, eight to a page, read back from the PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from navtool_desktop.phones.server import new_personal_code, show_code
from navtool_desktop.reports.slips import QrCode, Slip, render_slips

URL = "http://192.168.43.120:8123/j/9GH952"


def test_one_slip_per_participant_with_name_code_and_address(tmp_path: Path) -> None:
    people = [(f"Person {n}", "educator") for n in range(9)] + [("José Ñúñez <b>", "learner")]
    codes = [new_personal_code() for _ in people]
    slips = [Slip(name, role, show_code(code), f"{URL}#c={code}")
             for (name, role), code in zip(people, codes, strict=True)]
    out = tmp_path / "slips.pdf"
    out.write_bytes(render_slips("Winter retreat", URL, slips))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+2\b", info)  # eight to a page
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    for (name, _role), code in zip(people, codes, strict=True):
        assert name in text and show_code(code) in text
    assert text.count(URL) == len(people) and "Learner" in text


def test_the_qr_code_is_drawn_the_right_way_round(tmp_path: Path) -> None:
    """Drawn on a page, rasterized, and read back module by module: segno's matrix, not a
    mirror or an upside-down copy (which no phone would scan)."""
    import segno
    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    link = f"{URL}#c={new_personal_code()}"
    size, x0, y0 = 300.0, 100.0, 300.0
    qr = QrCode(link, size)
    canvas = Canvas(str(tmp_path / "qr.pdf"), pagesize=(500, 700))
    qr.drawOn(canvas, x0, y0)
    canvas.save()
    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-png", "-singlefile", str(tmp_path / "qr.pdf"),
                    str(tmp_path / "qr")], check=True)
    image = Image.open(tmp_path / "qr.png").convert("L")
    scale = 144 / 72
    modules = len(qr.matrix) + 8
    cell = size / modules
    top = 700 - (y0 + size)  # the page's y runs up, the image's down
    read = [[image.getpixel((int((x0 + (c + 4.5) * cell) * scale), int((top + (r + 4.5) * cell) * scale))) < 128
             for c in range(len(qr.matrix))] for r in range(len(qr.matrix))]
    assert read == [[bool(v) for v in row] for row in segno.make(link, error="m").matrix]
