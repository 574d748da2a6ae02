"""Draw the app icon and write resources/navtool.png, navtool.ico and navtool.icns.

Run it again after changing the drawing: ``python build/make_icons.py``. It draws with
QPainter (PySide6, always installed) and writes the Windows and macOS containers with
Pillow (a ReportLab dependency, so also always installed).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SIZE = 1024
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw_png(size: int = SIZE) -> bytes:
    """The icon as PNG bytes: a compass rose (finding your path) on the app's navy."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPen, QPolygonF

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    s = size / 64.0
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#0b3c5d"))
    p.drawRoundedRect(QRectF(2 * s, 2 * s, 60 * s, 60 * s), 13 * s, 13 * s)
    p.setPen(QPen(QColor("#ffffff"), 2.5 * s))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(32 * s, 32 * s), 21 * s, 21 * s)
    c = QPointF(32 * s, 32 * s)

    def needle(tip: tuple[float, float], left: tuple[float, float], right: tuple[float, float],
               colour: str) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(colour)))
        p.drawPolygon(QPolygonF([QPointF(tip[0] * s, tip[1] * s), QPointF(left[0] * s, left[1] * s),
                                 c, QPointF(right[0] * s, right[1] * s)]))

    needle((32, 13), (28, 32), (36, 32), "#f2b632")   # north: the goal
    needle((32, 51), (36, 32), (28, 32), "#ffffff")
    needle((51, 32), (32, 28), (32, 36), "#9fc6e0")
    needle((13, 32), (32, 36), (32, 28), "#9fc6e0")
    p.setBrush(QColor("#0b3c5d"))
    p.drawEllipse(c, 2.5 * s, 2.5 * s)
    p.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def main() -> int:
    from PIL import Image

    png = draw_png()
    RESOURCES.mkdir(exist_ok=True)
    big = Image.open(io.BytesIO(png)).convert("RGBA")
    big.resize((256, 256), Image.Resampling.LANCZOS).save(RESOURCES / "navtool.png", optimize=True)
    big.save(RESOURCES / "navtool.ico", sizes=ICO_SIZES)
    big.save(RESOURCES / "navtool.icns")
    for name in ("navtool.png", "navtool.ico", "navtool.icns"):
        print(f"wrote resources/{name} ({(RESOURCES / name).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
