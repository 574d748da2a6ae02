"""Attacks on the small-group rule that the cycle-wide decision missed (attacker's review).

The cycle-wide decision looks at how many people of a group rated *anything* in the cycle.
A competency is published on its own, though, so what matters there is how many rated
*that* competency: a group of exactly the threshold with one person who skipped a
competency shows two people's votes on it, and a competency only one person rated shows
that person's vote in its overall counts.
"""

from __future__ import annotations

import pytest
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


def test_the_same_person_entered_twice_does_not_lift_a_group(pack: Pack) -> None:
    """M7: one leader on two laptops gets two ids; two leaders must not count as three."""
    from navtool_desktop.core.records import Participant

    educators, leaders = people("educator", 5), people("leader", 2)
    again = Participant(name=f" {leaders[0].name.upper()} ", role_group="leader")  # typed again
    everyone = [*educators, *leaders, again]
    ratings = [vote(p, VOICE, "developing") for p in everyone]
    result = run(pack, make_cycle(pack, scope=("agency",)), everyone, ratings)
    assert result.competency(VOICE).group("leader").status == SUPPRESSED
    assert result.disclosure.sizes["leader"] == 2


def test_paper_votes_count_no_more_people_than_were_in_the_room(pack: Pack) -> None:
    """A sheet counted twice (3 votes, 2 people in the room) must not show two people's votes."""
    from test_results import tally

    educators = people("educator", 5)
    ratings = [vote(p, VOICE, "developing") for p in educators]
    over = tally(VOICE, "leader", developing=2, refining=1).replace(people=2)
    result = run(pack, make_cycle(pack, scope=("agency",)), educators, ratings, [over])
    assert result.competency(VOICE).group("leader").status == SUPPRESSED


def test_a_tally_entered_twice_counts_its_people_once(pack: Pack) -> None:
    """The same paper tally entered on two laptops and merged: 2 leaders, not 4."""
    from test_results import tally

    educators = people("educator", 5)
    ratings = [vote(p, VOICE, "developing") for p in educators]
    twice = [tally(VOICE, "leader", developing=1, refining=1), tally(VOICE, "leader", developing=1, refining=1)]
    result = run(pack, make_cycle(pack, scope=("agency",)), educators, ratings, twice)
    assert result.competency(VOICE).group("leader").status == SUPPRESSED


def test_a_name_entered_twice_is_warned_about(pack: Pack) -> None:
    from test_disclosure import json_of

    from navtool_desktop.core.records import Participant
    from navtool_desktop.core.results import CycleInput

    educators = people("educator", 5)
    again = Participant(name=educators[0].name, role_group="educator")
    everyone = [*educators, again]
    cycle = CycleInput(make_cycle(pack, scope=("agency",)), tuple(everyone),
                       tuple(vote(p, VOICE, "developing") for p in everyone))
    published = json_of(pack, cycle)
    assert published["privacy"]["entered_more_than_once"] == 1
    from navtool_desktop.core.results import cycle_results
    from navtool_desktop.ui.consensus_screen import privacy_text

    assert "entered twice" in privacy_text(cycle_results(pack, cycle))


@pytest.mark.xfail(strict=True, reason="left open: the rule has no memory; results viewed while people "
                   "are still rating can be subtracted from results viewed later (see the docstring)")
def test_two_moments_of_an_open_cycle_do_not_give_a_hidden_group(pack: Pack) -> None:
    """Attack over time, on the Consensus screen while people are still rating (or a draft
    report and the final one): the partner hidden with a small group is the next-smallest
    group *now*, so it changes as people arrive.

    Before: 6 educators, 3 leaders, 2 community members, 1 learner. Hidden: learner and
    community; leaders shown. One more community member rates. Hidden now: learner and
    leaders (the smallest of the groups of three, in role-group order); community shown.
    The leaders did not change, so overall - educators - community - leaders(before) is the
    learner's vote. Not fixed here: it needs the cycle to remember which groups it has hidden
    (a recorded field), and any count shown while people are still rating has the plainer
    form of this leak (the count before and after one person rates differ by their vote).
    """
    from navtool_desktop.core.results import CycleInput, cycle_results

    groups = {"educator": 6, "leader": 3, "community_member": 2, "learner": 1}
    who = [p for g, n in groups.items() for p in people(g, n)]
    levels = ["developing", "refining", "operationalizing"]
    ratings = [vote(p, VOICE, levels[n % 3]) for n, p in enumerate(who)]
    ratings[-1] = vote(who[-1], VOICE, "establishing")  # the learner
    cycle = make_cycle(pack, scope=("agency",))
    before = cycle_results(pack, CycleInput(cycle, tuple(who), tuple(ratings))).competency(VOICE)
    late = people("community_member", 3)[2]
    after = cycle_results(pack, CycleInput(cycle, (*who, late), (*ratings, vote(late, VOICE, "refining")))
                          ).competency(VOICE)
    known = {g: v.summary.distribution for g, v in [*((g.role_group, g) for g in before.groups),
                                                     *((g.role_group, g) for g in after.groups)]
             if v.summary is not None}
    derived = after.overall.distribution
    for g in ("educator", "leader", "community_member"):
        if g in known:
            derived = Distribution(tuple(a - b for a, b in zip(derived.counts, known[g].counts, strict=True)))
    assert derived != Distribution.of(["establishing"]), "the learner's vote, by subtraction"


def test_the_note_names_groups_hidden_only_on_some_competencies(pack: Pack) -> None:
    from navtool_desktop.core.results import hidden_note

    educators, leaders = people("educator", 3), people("leader", 5)
    ratings = [vote(p, c, "developing") for p in leaders for c in CULTURE]
    ratings += [vote(p, c, "refining") for p in educators for c in CULTURE
                if not (p is educators[2] and c == RELATIONSHIPS)]
    result = run(pack, make_cycle(pack, scope=("culture",)), educators + leaders, ratings)
    assert hidden_note(result) == ("Hidden on some competencies only (where fewer than 3 people "
                                   "of a group rated them): educator, leader.")
