"""The one escaping helper: user text stays literal, printable, and within its width."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

from navtool_desktop.reports import fonts
from navtool_desktop.reports.text import ELLIPSIS, REPLACEMENT, clean, fit, markup, one_line


def test_markup_escapes_tags_and_ampersands() -> None:
    assert markup('<b>Peña & "Sons"</b>') == '&lt;b&gt;Peña &amp; "Sons"&lt;/b&gt;'
    assert markup("&amp; &lt;para&gt;") == "&amp;amp; &amp;lt;para&amp;gt;"


def test_markup_keeps_line_breaks_as_breaks() -> None:
    assert markup("one\r\ntwo\rthree\nfour") == "one<br/>two<br/>three<br/>four"


def test_clean_drops_control_characters_and_lone_surrogates() -> None:
    assert clean("a\x00b\x07c\x1bd\x7fe") == "abcde"
    assert clean("left\ud800right") == f"left{REPLACEMENT}right"
    assert clean(None) == ""


def test_clean_composes_accents() -> None:
    decomposed = "Nguye\u0302\u0303n Pen\u0303a"
    assert clean(decomposed) == "Nguyễn Peña"


def test_clean_replaces_what_the_font_cannot_draw_and_keeps_what_it_can() -> None:
    missing = next(cp for cp in range(0x4E00, 0x9FFF) if cp not in fonts.covered())
    assert clean(f"a{chr(missing)}b") == f"a{REPLACEMENT}b"
    assert clean("Peña Nguyễn שלום") == "Peña Nguyễn שלום"


def test_fit_cuts_a_long_word_to_its_width() -> None:
    cut = fit("w" * 10_000, 100, size=8)
    assert cut.endswith(ELLIPSIS)
    assert stringWidth(cut, fonts.REGULAR, 8) <= 100
    assert fit("short", 100) == "short"


def test_one_line_folds_whitespace() -> None:
    assert one_line("  a \n\n b\tc ") == "a b c"


def test_right_to_left_runs_are_set_in_display_order_line_by_line() -> None:
    from navtool_desktop.reports.fonts import display_order

    # the markup keeps the words as typed; each line's run is reversed once broken into lines
    assert markup("محمد علي: leads") == '<font face="NavArabic">محمد علي: </font>leads'
    assert markup("Rosa, דוד כהן") == 'Rosa, <font face="NavHebrew">דוד כהן</font>'
    # (unshaped text here: the closing punctuation is the last word's end, and goes right)
    assert display_order("محمد علي: ") == "علي محمد: "
    assert display_order(" דוד  כהן.") == " כהן  דוד."
    assert display_order("אחת") == "אחת" and display_order("   ") == "   "


def test_every_script_gets_its_face_and_emoji_their_names() -> None:
    assert markup("王小明") == '<font face="NavCJK">王小明</font>'
    assert markup("प्रिया") == '<font face="NavDevanagari">प्रिया</font>'
    assert markup("Иван Nguyễn") == "Иван Nguyễn"
    assert clean("Sam \U0001F600\U0001F3FD!") == "Sam [grinning face]!"
