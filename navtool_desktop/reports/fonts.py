"""The embedded Unicode font of every PDF: DejaVu Sans (regular and bold), registered once."""

from __future__ import annotations

import functools

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.tables import CellStyle

from navtool_desktop import paths

#: ReportLab names of the two faces; ``<b>`` in markup switches to the bold one.
REGULAR = "NavSans"
BOLD = "NavSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


@functools.cache
def register() -> None:
    """Load the bundled TTF files (resources/fonts) into ReportLab; later calls do nothing."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(paths.resource(f"fonts/{filename}"))))
    # Italic is not bundled (keeps the bundle small): <i> falls back to the upright faces.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    # No unembedded standard font either: ReportLab opens each page's text state and table
    # cells in Helvetica, and its charts in Times-Roman, even when no text uses them (pdffonts
    # would list them as not embedded).
    rl_config.canvas_basefontname = REGULAR
    STATE_DEFAULTS["fontName"] = REGULAR
    CellStyle.fontname = REGULAR


@functools.cache
def covered() -> frozenset[int]:
    """Code points the regular face has a glyph for (both faces cover the same scripts)."""
    register()
    font = pdfmetrics.getFont(REGULAR)
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]
