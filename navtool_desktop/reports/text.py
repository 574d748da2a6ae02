"""Text safety for the PDFs: every user string goes through :func:`markup` (or :func:`clean`).

ReportLab paragraphs parse a small XML-like markup, so a district name such as
``<b>Peña & Sons</b>`` would turn bold, or ``<para>`` could break the build. :func:`markup`
is the one helper that makes any text literal: it cleans the text, escapes ``&``, ``<`` and
``>``, and keeps line breaks. Text drawn outside paragraphs (charts, header, outline) goes
through :func:`clean` and, where space is fixed, :func:`fit`.

Scripts: each character prints in the bundled face that has it (:func:`runs`; DejaVu Sans, else
Noto for Arabic, Hebrew and Devanagari, else Droid Sans Fallback for CJK); :func:`markup` wraps
the runs in ``<font>`` tags, and :func:`needs_shaping` tells the paragraph helpers to shape the
text (HarfBuzz) and the tagging layer to add the logical text as /ActualText. Emoji print as
their names ("[grinning face]"); a character no face has prints as U+FFFD, and the app warns
when it is typed (:func:`navtool_desktop.printable.unprintable`).

Long words: paragraph styles keep ReportLab's ``splitLongWords``, which breaks a word wider
than its column at the column's edge, with no character lost or added.
"""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

from navtool_desktop import printable
from navtool_desktop.reports import fonts

#: Shown in place of a character the embedded font cannot draw.
REPLACEMENT = "\ufffd"
ELLIPSIS = "\u2026"

# C0/C1 control characters other than tab and newline; they mean nothing on paper and
# some of them break PDF text strings.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Invisible formatting characters (zero-width joiners, direction marks, variation
# selectors): drawn as nothing when the font lacks them, rather than as a box.
_INVISIBLE = {"Cf", "Mn", "Me"}


def clean(text: str | None) -> str:
    """Plain text the embedded fonts can draw: no control characters or lone surrogates,
    line endings as ``\\n``, composed (NFC), emoji as their names, and characters without a
    glyph replaced by U+FFFD."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATE.sub(REPLACEMENT, _CONTROL.sub("", text))
    # composed form: ReportLab places no combining marks, so "e" + U+0302 + U+0303 would
    # print its accents beside the letter; "ễ" as one character prints right
    text = unicodedata.normalize("NFC", text)
    base = printable.coverage(printable.BASE)  # the fallbacks' maps load only when needed
    if all(ord(ch) in base or ch in "\n\t" for ch in text):
        return text
    out = []
    for ch in text:
        if ord(ch) in base or ch in "\n\t" or printable.font_file_for(ch) is not None:
            out.append(ch)
        elif printable.is_emoji(ch):
            if unicodedata.category(ch) != "Sk":  # skin-tone modifiers say nothing on their own
                out.append(f"[{unicodedata.name(ch, 'emoji').lower()}]")
        elif unicodedata.category(ch) not in _INVISIBLE:
            out.append(REPLACEMENT)
    return "".join(out)


def runs(text: str) -> list[tuple[str | None, str]]:
    """``text`` (already clean) cut into runs of one face: ``(face, chunk)``, the face None for
    the regular one. Spaces, digits, punctuation and marks stay in the run they are in when
    its face has them, so a name in one script is one run (shaped and ordered as a whole)."""
    if not text:
        return []
    if max(text) < "\u0590":  # Latin, Greek, Cyrillic: the regular face, as clean() left it
        return [(None, text)]
    out: list[tuple[str | None, str]] = []
    for ch in text:
        face = fonts.font_for(ch)
        if out and face != out[-1][0]:
            prev = out[-1][0]
            neutral = unicodedata.category(ch)[0] in "ZPNM" or ch in "\n\t"
            if neutral and ord(ch) in printable.coverage(fonts.file_of(prev) if prev else printable.BASE):
                face = prev
        if out and out[-1][0] == face:
            out[-1] = (face, out[-1][1] + ch)
        else:
            out.append((face, ch))
    return out


def needs_shaping(text: str | None) -> bool:
    """True when ``text`` has letters of a script that is shaped (Arabic, Hebrew, Devanagari)."""
    if not text or max(text) < "\u0590":
        return False
    return any(fonts.font_for(ch) in fonts.SHAPED for ch in text if ord(ch) > 0x58F)


def needs_actual_text(text: str | None) -> bool:
    """True when ``text`` has letters of a shaped left-to-right script (Devanagari), whose
    glyphs are reordered and joined within a syllable: only /ActualText gives their words.

    Right-to-left runs need none: their glyphs are drawn in display order, each mapped to its
    letters (fonts.to_unicode_cmap), so readers that reorder right-to-left text (poppler,
    Acrobat, pdf.js) read them in logical order; poppler would reverse an /ActualText given in
    logical order (it takes the text it is given for display order)."""
    if not text or max(text) < "\u0590":
        return False
    return any(fonts.font_for(ch) in fonts.SHAPED - fonts.RIGHT_TO_LEFT for ch in text if ord(ch) > 0x58F)


def markup(text: str | None) -> str:
    """``text`` as literal paragraph content: cleaned, escaped, line breaks kept.

    The only way user text reaches a ReportLab ``Paragraph``.
    """
    parts = []
    for face, chunk in runs(clean(text)):
        if face in fonts.SHAPED:
            chunk = _breakable(chunk)
        chunk = escape(chunk).replace("\t", " ")
        parts.append(chunk if face is None else f'<font face="{face}">{chunk}</font>')
    return "".join(parts).replace("\n", "<br/>")


#: ReportLab cannot split a shaped word over lines: a longer one gets break points.
_LONGEST_SHAPED_WORD = 40
BREAK = "\u200b"  # zero-width space: ReportLab breaks lines there


def _breakable(chunk: str) -> str:
    n = _LONGEST_SHAPED_WORD
    return " ".join(word if len(word) <= n else BREAK.join(word[i:i + n] for i in range(0, len(word), n))
                    for word in chunk.split(" "))


def one_line(text: str | None) -> str:
    """:func:`clean` with line breaks and runs of spaces folded into single spaces."""
    return " ".join(clean(text).split())


def fit(text: str | None, width: float, font: str = fonts.REGULAR, size: float = 8) -> str:
    """``text`` on one line, cut with an ellipsis to fit ``width`` points."""
    line = one_line(text)
    if stringWidth(line, font, size) <= width:
        return line
    # binary search on the length: stringWidth is linear, a 10,000-character word is not rare
    low, high = 0, len(line)
    while low < high:
        mid = (low + high + 1) // 2
        if stringWidth(line[:mid] + ELLIPSIS, font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return line[:low].rstrip() + ELLIPSIS
