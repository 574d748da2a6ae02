"""The embedded Unicode fonts of every PDF, registered once: DejaVu Sans (regular and bold)
for Latin, Greek and Cyrillic, and the fallbacks by script (see :mod:`navtool_desktop.printable`):
Noto Sans Arabic, Hebrew and Devanagari, and Droid Sans Fallback for Chinese, Japanese, Korean."""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
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
    _right_to_left_runs_in_display_order()
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
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
    from reportlab.pdfbase.ttfonts import shapeStr
    from reportlab.platypus import paragraph

    original = paragraph.shapeFragWord
    if getattr(original, "navtool", False):
        return

    def shape(word: Any, *args: Any, **kwargs: Any) -> Any:
        if not shaping_on or isinstance(word, ttfonts.ShapedFragWord):
            # shaped already (a paragraph laid out again, as in a KeepTogether): its text is
            # glyphs now, and HarfBuzz refuses them (ReportLab's own shaper checks the same)
            return word
        if any(isinstance(text, ttfonts.ShapedStr) for _frag, text in word[1:]):
            return word  # already shaped (the rest of a paragraph split over pages is wrapped again)
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
        # the word's own class (with ReportLab's mark of a space after it), shaped
        out = ttfonts.makeShapedFragWord(word)([])
        out.append(total)
        out.extend(parts)
        return out

    def _safe(word: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            shaped = original(word, *args, **kwargs)
        except (AttributeError, KeyError, IndexError):  # a glyph HarfBuzz made that the face cannot map
            return word
        if shaped is not word:
            _record_glyph_text(word, shaped)
        return shaped

    shape.navtool = True  # type: ignore[attr-defined]
    paragraph.shapeFragWord = shape


#: The letters of each glyph that shaping made and that has no character of its own (ReportLab
#: gives it a private-use code point): by (face's PostScript name, code point), in the order a
#: reader takes the glyph's characters (see :func:`to_unicode_cmap`).
_GLYPH_TEXT: dict[tuple[str, int], str] = {}


def _record_glyph_text(word: Any, shaped: Any) -> None:
    """Remember the letters of each private-use glyph in ``shaped`` (the first glyph of a
    cluster stands for the cluster's letters; the others for none)."""
    text = "".join(t for f, t in word[1:] if not hasattr(f, "cbDefn"))
    glyphs = [(frag.fontName, ch, data.cluster) for frag, chars in shaped[1:] if hasattr(chars, "__shapeData__")
              for ch, data in zip(chars, chars.__shapeData__, strict=False)]
    starts = sorted({cluster for _f, _c, cluster in glyphs if 0 <= cluster <= len(text)})
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    seen: set[int] = set()
    for face, ch, cluster in glyphs:
        if not 0xE000 <= ord(ch) <= 0xF8FF or cluster not in ends:
            continue
        letters = "" if cluster in seen else text[cluster:ends[cluster]]
        seen.add(cluster)
        name = pdfmetrics.getFont(face).face.name.decode("latin-1")
        _GLYPH_TEXT.setdefault((name, ord(ch)), letters[::-1] if face in RIGHT_TO_LEFT else letters)


def _glyph_letters(face: str, code_point: int) -> str:
    """What a glyph of ``face`` says, as a reader should read it in the line's display order.

    Arabic presentation forms (positional forms, ligatures such as lam-alef) say their letters
    (NFKC), a ligature's letters reversed: the glyphs of a right-to-left run are in display order,
    and readers reverse the run's characters to read it."""
    if 0xFB50 <= code_point <= 0xFDFF or 0xFE70 <= code_point <= 0xFEFF:
        return unicodedata.normalize("NFKC", chr(code_point))[::-1]
    return _GLYPH_TEXT.get((face, code_point), chr(code_point))


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap of a font subset, each code mapped to the letters its glyph
    says (:func:`_glyph_letters`) in UTF-16 (so characters beyond the first plane map too)."""
    face = fontname.split("+", 1)[-1]
    entries = []
    for code, code_point in enumerate(subset):
        letters = _glyph_letters(face, code_point)
        if letters:  # a glyph standing for no letters of its own (the rest of a cluster) says nothing
            entries.append(f"<{code:02X}> <{letters.encode('utf-16-be').hex().upper()}>")
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(entries)} beginbfchar", *entries, "endbfchar",
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


#: Punctuation that ends a right-to-left run and belongs after it, at the run's right.
_TRAILING = frozenset(":;,.!?\u060c\u061b\u061f")


def _right_to_left_runs_in_display_order() -> None:
    """Set the words of each right-to-left run in display order, line by line, once the
    paragraph is broken into lines.

    ReportLab's free edition has no bidi: it sets words left to right. HarfBuzz orders the
    letters inside each word; this reverses the words of each right-to-left run on each line,
    so a name reads from the right and a paragraph's lines stay in order (reversing before
    the lines are broken put a long paragraph's last words on its first line). Punctuation
    closing the run ("محمد علي:") is drawn at the run's right, where the line around it reads it.
    """
    from reportlab.platypus import paragraph

    original = paragraph.Paragraph.breakLines
    if getattr(original, "navtool", False):
        return

    def break_lines(self: Any, width: Any) -> Any:
        lines = original(self, width)
        if getattr(lines, "kind", 0) == 1:
            for line in lines.lines:
                for frag in getattr(line, "words", ()):
                    if (getattr(frag, "fontName", None) in RIGHT_TO_LEFT
                            and not getattr(frag, "_navtool_display_order", False)):
                        frag.text = display_order(frag.text)
                        frag._navtool_display_order = True
        return lines

    break_lines.navtool = True  # type: ignore[attr-defined]
    paragraph.Paragraph.breakLines = break_lines


def display_order(text: str) -> str:
    """One line's right-to-left run (its words shaped one by one, in logical order) with its
    words reversed; spaces at its ends stay where they are. Keeps ReportLab's shaped strings
    (each glyph with its advance): only slices of ``text`` are moved."""
    core_start = len(text) - len(text.lstrip(" "))
    core_end = len(text.rstrip(" "))
    if core_end <= core_start:
        return text
    core = text[core_start:core_end]
    words, gaps, start = [], [], 0
    for match in _spaces(str(core)):
        words.append(core[start:match[0]])
        gaps.append(core[match[0]:match[1]])
        start = match[1]
    words.append(core[start:])
    # the run's closing punctuation: in a shaped word HarfBuzz put it at the word's left, in
    # an unshaped one it is at the end
    last = words[-1]
    shaped = hasattr(last, "__shapeData__")
    n = 0
    chars = str(last)
    while n < len(chars) and (chars[n] if shaped else chars[len(chars) - 1 - n]) in _TRAILING:
        n += 1
    punctuation = last[:n] if shaped else last[len(last) - n:]
    words[-1] = last[n:] if shaped else last[:len(last) - n]
    out = text[:core_start]
    for k, word in enumerate(reversed(words)):
        out = out + word
        if k < len(gaps):
            out = out + gaps[len(gaps) - 1 - k]
    if n:
        out = out + punctuation
    return out + text[core_end:]


def _spaces(text: str) -> list[tuple[int, int]]:
    import re

    return [(m.start(), m.end()) for m in re.finditer(" +", text)]
