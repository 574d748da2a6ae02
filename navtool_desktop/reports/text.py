"""Text safety for the PDFs: every user string goes through :func:`markup` (or :func:`clean`).

ReportLab paragraphs parse a small XML-like markup, so a district name such as
``<b>Peña & Sons</b>`` would turn bold, or ``<para>`` could break the build. :func:`markup`
is the one helper that makes any text literal: it cleans the text, escapes ``&``, ``<`` and
``>``, and keeps line breaks. Text drawn outside paragraphs (charts, header, outline) goes
through :func:`clean` and, where space is fixed, :func:`fit`.

Long words: paragraph styles keep ReportLab's ``splitLongWords``, which breaks a word wider
than its column at the column's edge, with no character lost or added.
"""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

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
    """Plain text the embedded font can draw: no control characters or lone surrogates,
    line endings as ``\\n``, composed (NFC), and characters without a glyph replaced by U+FFFD."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATE.sub(REPLACEMENT, _CONTROL.sub("", text))
    # composed form: ReportLab places no combining marks, so "e" + U+0302 + U+0303 would
    # print its accents beside the letter; "ễ" as one character prints right
    text = unicodedata.normalize("NFC", text)
    have = fonts.covered()
    if all(ord(ch) in have or ch in "\n\t" for ch in text):
        return text
    out = []
    for ch in text:
        if ord(ch) in have or ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) not in _INVISIBLE:
            out.append(REPLACEMENT)
    return "".join(out)


def markup(text: str | None) -> str:
    """``text`` as literal paragraph content: cleaned, escaped, line breaks kept.

    The only way user text reaches a ReportLab ``Paragraph``.
    """
    lines = escape(clean(text)).replace("\t", " ").split("\n")
    return "<br/>".join(lines)


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
