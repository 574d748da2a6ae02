"""Attacks on the promise for written text (issue 16 item 4): no shown note or answer says who
wrote it, and every text is shown safely (README, "Small-group privacy")."""

from __future__ import annotations

import unicodedata

import pytest

from navtool_desktop.core.disclosure import head_counts, writers
from navtool_desktop.core.records import Cycle, Participant, Rating, same_person
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.core.written import clean_text, cycle_written
from navtool_desktop.framework import Pack

COMPETENCY = "agency.voice"
ROSA = "Rosa Martínez"


@pytest.mark.parametrize("again", [
    unicodedata.normalize("NFD", ROSA),  # the same name typed on another laptop, decomposed
    "Rosa\u200b Martínez",  # a zero-width space pasted from a roster
    "\ufeffRosa Martínez",  # a byte order mark at the start of a pasted name
    "Rosa Mart\u00adínez",  # a soft hyphen
    "Ｒｏｓａ Martínez",  # full-width letters from an East Asian keyboard
])
def test_the_same_name_in_other_unicode_is_one_person(pack: Pack, again: str) -> None:
    """Rosa entered twice (the second time in another Unicode form) and Lupe: two people.
    Counted as three, Rosa's two notes would show beside Lupe's, and Lupe would know them."""
    cycle = Cycle(title="Spring", date="2027-03-12", framework_id=pack.id, framework_version=pack.version)
    people = (Participant(name=ROSA, role_group="educator"), Participant(name=again, role_group="educator"),
              Participant(name="Lupe Archuleta", role_group="educator"))
    ratings = tuple(Rating(participant_id=p.id, competency_id=COMPETENCY, level="developing", note=f"note {n}")
                    for n, p in enumerate(people))
    assert same_person(people[0], people[1])
    assert writers(people, (p.id for p in people)) == 2
    assert head_counts(people, ratings, ())[0]["educator"] == 2
    results = cycle_results(pack, CycleInput(cycle, people, ratings))
    assert not results.overall_shown
    notes = cycle_written(pack, results, people, ratings, ()).notes_on(COMPETENCY)
    assert notes is not None and not notes.shown and notes.texts == ()


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c"])
def test_a_line_or_paragraph_separator_is_a_line_break(separator: str) -> None:
    """U+2029 starts a new paragraph on the Consensus screen, outside the text's indentation:
    one person's note could look like two notes (or like the "Not shown" line)."""
    cleaned = clean_text(f"We agree{separator}  \u2022 Me too, says another")
    assert cleaned == "We agree\n  \u2022 Me too, says another"


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d\u2066", "\ufeff \u200e", "\u00ad\u200f\n\u2060"])
def test_a_text_with_nothing_visible_is_no_text(invisible: str) -> None:
    """Shown as an empty bullet, or an empty quote in the report (where ReportLab could not lay
    out a quoted zero-width space and the report failed: tests/reports/test_written_output_attacks.py)."""
    assert clean_text(invisible) == ""
    assert clean_text(f"ok{invisible}").startswith("ok")  # beside visible text they stay
