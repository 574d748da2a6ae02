"""The embedded Unicode fonts of every PDF, registered once: DejaVu Sans (regular and bold)
for Latin, Greek and Cyrillic, and the fallbacks by script (see :mod:`navtool_desktop.printable`):
Noto Sans Arabic, Hebrew and Devanagari, and Droid Sans Fallback for Chinese, Japanese, Korean."""

from __future__ import annotations

import functools
from typing import Any

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.tables import CellStyle

from navtool_desktop import paths, printable

#: ReportLab names of the two faces; ``<b>`` in markup switches to the bold one.
REGULAR = "NavSans"
BOLD = "NavSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
#: The fallback faces (regular only: bold text in these scripts prints regular).
ARABIC = "NavArabic"
HEBREW = "NavHebrew"
DEVANAGARI = "NavDevanagari"
CJK = "NavCJK"
_FALLBACKS = {ARABIC: printable.ARABIC, HEBREW: printable.HEBREW, DEVANAGARI: printable.DEVANAGARI,
              CJK: printable.CJK}
_BY_FILE = {filename: name for name, filename in _FALLBACKS.items()}
#: The faces whose text is shaped with HarfBuzz (joined letters, conjuncts, right to left).
SHAPED = frozenset(_BY_FILE[f] for f in printable.SHAPED)
#: The faces of right-to-left scripts (their words are set in display order, see text.markup).
RIGHT_TO_LEFT = frozenset({ARABIC, HEBREW})


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
    # the fallback faces load when a text first needs them (see font_for): Droid Sans
    # Fallback alone takes half a second, which a Latin-only export never pays
    # No unembedded standard font either: ReportLab opens each page's text state and table
    # cells in Helvetica, and its charts in Times-Roman, even when no text uses them (pdffonts
    # would list them as not embedded).
    _shape_only_other_scripts()
    rl_config.canvas_basefontname = REGULAR
    STATE_DEFAULTS["fontName"] = REGULAR
    CellStyle.fontname = REGULAR


def file_of(face: str) -> str:
    """The file in resources/fonts of a registered face."""
    return _FALLBACKS.get(face) or _FILES[face]


def font_for(ch: str) -> str | None:
    """The registered face that prints ``ch``: None for the regular DejaVu face (the default)
    or when no face has it (see :func:`covered`)."""
    filename = printable.font_file_for(ch)
    if filename in (None, printable.BASE):
        return None
    face = _BY_FILE[filename]
    _register_fallback(face)
    return face


@functools.cache
def _register_fallback(face: str) -> None:
    register()
    pdfmetrics.registerFont(TTFont(face, str(paths.resource(f"fonts/{_FALLBACKS[face]}"))))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(face, bold, italic, face)


@functools.cache
def covered() -> frozenset[int]:
    """Code points some bundled face prints (the first plane: see printable.font_file_for)."""
    register()  # what asks what prints is about to measure or draw it
    out: set[int] = set(printable.coverage(printable.BASE))
    for filename in printable.FALLBACKS:
        out |= printable.coverage(filename)
    return frozenset(c for c in out if c <= 0xFFFF)


#: False while a document is laid out again without shaping (see document.build_with_twin).
shaping_on = True


def _shape_only_other_scripts() -> None:
    """Shape (HarfBuzz) only the words in the faces that need it.

    ReportLab shapes every word of a paragraph whose style has ``shaping`` on, with the
    ligatures on: DejaVu would turn "st" into one glyph, and copy-paste would give "ﬆ".
    Latin, Greek and Cyrillic need no shaping, so their words are left as they are.
    """
    from reportlab.pdfbase.ttfonts import ShapedFragWord, shapeStr
    from reportlab.platypus import paragraph

    original = paragraph.shapeFragWord
    if getattr(original, "navtool", False):
        return

    def shape(word: Any, *args: Any, **kwargs: Any) -> Any:
        if not shaping_on or isinstance(word, ShapedFragWord):
            # shaped already (a paragraph laid out again, as in a KeepTogether): its text is
            # glyphs now, and HarfBuzz refuses them (ReportLab's own shaper checks the same)
            return word
        faces = {getattr(frag, "fontName", None) for frag, _text in word[1:] if not hasattr(frag, "cbDefn")}
        if not faces & SHAPED:
            return word
        if len(faces) == 1:
            return _safe(word, *args, **kwargs)
        # ReportLab shapes a word with its first face only: a word that mixes faces ("محمد:"
        # with DejaVu's colon) is shaped face by face and put back together
        groups: list[list[Any]] = []
        for frag, text in word[1:]:
            face = getattr(frag, "fontName", None)
            if groups and getattr(groups[-1][-1][0], "fontName", None) == face:
                groups[-1].append((frag, text))
            else:
                groups.append([(frag, text)])
        parts: list[Any] = []
        total = 0.0
        kind = None
        for group in groups:
            width = sum(pdfmetrics.stringWidth(t, f.fontName, f.fontSize) for f, t in group)
            if group[0][0].fontName in SHAPED:
                shaped = _safe([width, *group], *args, **kwargs)
                if len(shaped) > 1 and shaped[1:] != group:
                    kind = type(shaped)
                    total += shaped[0]
                    parts += list(shaped[1:])
                    continue
            # the other faces' text as positioned glyphs too, so the line advances past them
            total += width
            parts += [(f, shapeStr(t, f.fontName, f.fontSize, force=True)) for f, t in group]
        if kind is None:
            return word
        out = kind([])
        out.append(total)
        out.extend(parts)
        return out

    def _safe(word: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(word, *args, **kwargs)
        except (AttributeError, KeyError, IndexError):  # a glyph HarfBuzz made that the face cannot map
            return word

    shape.navtool = True  # type: ignore[attr-defined]
    paragraph.shapeFragWord = shape
