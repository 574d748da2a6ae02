"""Which bundled font prints each character (the PDFs' font fallback by script), and which
characters no bundled font has, so the app can warn when they are typed.

No ReportLab here: the text fields use :func:`unprintable` while someone types; the PDFs use
:func:`font_file_for` through :mod:`navtool_desktop.reports.fonts`. Coverage is read from the
fonts' own character maps (fontTools), once.
"""

from __future__ import annotations

import functools
import unicodedata

from navtool_desktop import paths

#: The bundled faces, in resources/fonts. DejaVu Sans prints Latin, Greek and Cyrillic (and
#: symbols); Noto prints Arabic, Hebrew and Devanagari; Droid Sans Fallback prints Chinese,
#: Japanese and Korean (a subset: tools/subset_cjk_font.py).
BASE = "DejaVuSans.ttf"
ARABIC = "NotoSansArabic-Regular.ttf"
HEBREW = "NotoSansHebrew-Regular.ttf"
DEVANAGARI = "NotoSansDevanagari-Regular.ttf"
CJK = "DroidSansFallback.ttf"
FALLBACKS = (ARABIC, HEBREW, DEVANAGARI, CJK)

#: Scripts whose letters the script's own font prints even when DejaVu has a glyph (DejaVu's
#: Arabic and Hebrew are partial); these scripts are shaped (HarfBuzz) and some run right to left.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, HEBREW), (0xFB1D, 0xFB4F, HEBREW),
    (0x0600, 0x06FF, ARABIC), (0x0750, 0x077F, ARABIC), (0x08A0, 0x08FF, ARABIC),
    (0xFB50, 0xFDFF, ARABIC), (0xFE70, 0xFEFF, ARABIC),
    (0x0900, 0x097F, DEVANAGARI), (0xA8E0, 0xA8FF, DEVANAGARI), (0x1CD0, 0x1CFF, DEVANAGARI),
)
#: Fonts whose text must be shaped (joined letters, conjuncts) and has a logical order that
#: differs from the drawn one (see reports.text.needs_actual_text for how the PDF keeps the
#: words readable).
SHAPED = frozenset({ARABIC, HEBREW, DEVANAGARI})


@functools.cache
def coverage(filename: str) -> frozenset[int]:
    """Code points ``filename`` (in resources/fonts) has a glyph for, in Unicode's first plane
    (ReportLab maps glyphs back to text there only: an emoji DejaVu draws would copy as junk)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(paths.resource(f"fonts/{filename}")), lazy=True) as font:
        return frozenset(c for c in font.getBestCmap() if c <= 0xFFFF)


def _script_font(code: int) -> str | None:
    for low, high, filename in _SCRIPT_RANGES:
        if low <= code <= high:
            return filename
    return None


def font_file_for(ch: str) -> str | None:
    """The bundled font that prints ``ch``, or None when none has it."""
    code = ord(ch)
    if code > 0xFFFF:  # ReportLab maps glyphs back to text (ToUnicode) in the first plane only
        return None
    script = _script_font(code)
    if script is not None and code in coverage(script):
        return script
    if code in coverage(BASE):
        return BASE
    for filename in FALLBACKS:
        if code in coverage(filename):
            return filename
    return None


def is_emoji(ch: str) -> bool:
    """A pictograph (emoji) no bundled font draws: the PDFs print its name instead."""
    code = ord(ch)
    return 0x1F000 <= code <= 0x1FAFF or (0x2600 <= code <= 0x27BF and font_file_for(ch) is None)


def unprintable(text: str | None) -> list[str]:
    """The characters of ``text`` (each once, in order) that no bundled font prints and that
    are not emoji (which print as their names). Invisible and control characters are ignored."""
    out: list[str] = []
    for ch in text or "":
        if ch in out or ch in "\n\t\r" or unicodedata.category(ch) in {"Cc", "Cf", "Mn", "Me", "Cs"}:
            continue
        if font_file_for(ch) is None and not is_emoji(ch):
            out.append(ch)
    return out
