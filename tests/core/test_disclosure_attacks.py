"""Attacks on the small-group rule that the cycle-wide decision missed (attacker's review).

The cycle-wide decision looks at how many people of a group rated *anything* in the cycle.
A competency is published on its own, though, so what matters there is how many rated
*that* competency: a group of exactly the threshold with one person who skipped a
competency shows two people's votes on it, and a competency only one person rated shows
that person's vote in its overall counts.
"""

from __future__ import annotations

from test_results import CULTURE, RELATIONSHIPS, VOICE, make_cycle, people, run, vote

from navtool_desktop.core.results import EMPTY, SHOWN, SUPPRESSED, Distribution
from navtool_desktop.framework import Pack


def test_a_group_at_the_threshold_is_hidden_where_one_of_them_skipped(pack: Pack) -> None:
    """3 educators, but only 2 rated Relationships: those 2 votes are not shown as "educators"."""
    educators, leaders = people("educator", 3), people("leader", 5)
    ratings = [vote(p, c, "developing") for p in leaders for c in CULTURE]
    ratings += [vote(educators[0], c, "refining") for c in CULTURE]  # rated everything
    ratings += [vote(p, c, "establishing") for p in educators[1:] for c in CULTURE
                if c != RELATIONSHIPS]
    ratings += [vote(educators[1], RELATIONSHIPS, "refining")]  # the third skipped it
    ratings = [r for r in ratings if not (r.participant_id == educators[2].id
                                          and r.competency_id == RELATIONSHIPS)]
    result = run(pack, make_cycle(pack, scope=("culture",)), educators + leaders, ratings)
    rel = result.competency(RELATIONSHIPS)
    assert rel.group("educator").status == SUPPRESSED
    # and a second group goes with it, or overall minus leaders gives the two educators' votes
    assert rel.group("leader").status == SUPPRESSED
    # where all three rated, educators are shown
    other = result.competency(CULTURE[0])
    assert other.group("educator").status == SHOWN
    # the condition roll-up sums Relationships too: it cannot show what Relationships hides
    culture = result.condition("culture")
    assert culture.group("educator").status == SUPPRESSED
    assert culture.group("leader").status == SUPPRESSED
    assert "educator" in result.disclosure.hidden_groups


def test_a_competency_one_person_rated_shows_no_counts(pack: Pack) -> None:
    """Only one educator rated Voice: its overall counts are that person's vote."""
    educators = people("educator", 5)
    ratings = [vote(p, "agency.goal-setting", "developing") for p in educators]
    ratings.append(vote(educators[0], VOICE, "refining"))
    result = run(pack, make_cycle(pack, scope=("agency",)), educators, ratings)
    voice = result.competency(VOICE)
    assert not voice.overall_shown
    assert voice.overall.distribution == Distribution() and voice.overall.median is None
    assert voice.level is None  # the heat map would print the one vote as the median
    assert all(g.status in (SUPPRESSED, EMPTY) for g in voice.groups)
    assert voice.group("educator").status == SUPPRESSED
    agency = result.condition("agency")
    # the roll-up minus the other competencies would give Voice's overall back
    assert not agency.overall_shown and agency.overall.distribution == Distribution()
    assert result.competency("agency.goal-setting").overall_shown
