"""Cut the bundled CJK fallback font (Droid Sans Fallback) down to the characters names use.

    python tools/subset_cjk_font.py FULL.ttf resources/fonts/DroidSansFallback.ttf

The full font has 20,902 CJK ideographs and all 11,172 Hangul syllables (3.35 MB without
hinting). The subset keeps (about 1.8 MB, 13,500 characters):

* the ideographs of GB 2312 (6,763: simplified Chinese), of JIS X 0208 levels 1 and 2 (6,355:
  Japanese, with the kanji of names) and the 5,401 frequent ones of Big5 (traditional Chinese),
  10,277 together;
* the 2,350 Hangul syllables of KS X 1001 (modern Korean names);
* everything else the font has (kana, bopomofo, CJK punctuation, full-width forms).

A character outside it is one no bundled font prints: the app warns when it is typed
(``printable.unprintable`` reads the font's own character map) and the PDF prints "\ufffd".
The sets come from Python's own codecs, so the subset can be rebuilt without any list.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _two_byte(encoding: str, leads: range, trails: range) -> set[int]:
    out = set()
    for b1 in leads:
        for b2 in trails:
            try:
                ch = bytes([b1, b2]).decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                out.add(ord(ch))
    return out


def _is_ideograph(code: int) -> bool:
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def _is_hangul(code: int) -> bool:
    return 0xAC00 <= code <= 0xD7AF


def kept_ideographs() -> set[int]:
    """GB 2312, JIS X 0208 and Big5's frequent ideographs (with those sets' symbols)."""
    gb2312 = _two_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    jis = _two_byte("euc_jp", range(0xA1, 0xF5), range(0xA1, 0xFF))
    big5_frequent = _two_byte("big5", range(0xA1, 0xC7), range(0x40, 0xFF))  # up to C67E
    return gb2312 | jis | big5_frequent


def kept_hangul() -> set[int]:
    """The 2,350 Hangul syllables of KS X 1001."""
    return {c for c in _two_byte("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF)) if _is_hangul(c)}


def kept(cmap: set[int]) -> set[int]:
    """The code points of ``cmap`` (a font's character map) the subset keeps."""
    other = {c for c in cmap if not _is_ideograph(c) and not _is_hangul(c)}
    return (kept_ideographs() | kept_hangul() | other) & cmap


def subset(source: Path, target: Path) -> tuple[int, int]:
    """Write the subset of ``source`` to ``target``; returns (characters kept, bytes)."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    keep = kept(set(font.getBestCmap()))
    options = ft_subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    font.save(str(target))
    return len(keep), target.stat().st_size


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    count, size = subset(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{sys.argv[2]}: {count} characters, {size / 1e6:.2f} MB")
