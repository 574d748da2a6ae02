"""The aggregation rules of Reflect and Listen: distributions, median, agreement, anonymity, rollups."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from types import MappingProxyType, SimpleNamespace

import pytest

from navtool_desktop.core.disclosure import decide
from navtool_desktop.core.records import (
    LEVELS,
    Consensus,
    Cycle,
    Participant,
    Rating,
    Tally,
)
from navtool_desktop.core.results import (
    ANONYMITY_THRESHOLD,
    EMPTY,
    SHOWN,
    SUPPRESSED,
    CycleInput,
    CycleResults,
    Distribution,
    compare,
    count_votes,
    cycle_results,
    group_result,
    growth_areas,
    heat_level,
    is_low_agreement,
    level_index,
    low_agreement_rule,
    mean_level,
    median_level,
    median_rule,
    previous_cycle,
    strengths,
    without_consensus,
)
from navtool_desktop.framework import Pack

INNOVATION = "culture.culture-of-innovation"
RELATIONSHIPS = "culture.relationships"
IMPROVEMENT = "culture.culture-of-continuous-improvement"
CELEBRATIONS = "culture.celebrations"
GOALS = "agency.goal-setting"
VOICE = "agency.voice"
EFFICACY = "agency.collective-efficacy"
CULTURE = (INNOVATION, RELATIONSHIPS, IMPROVEMENT, CELEBRATIONS)
AGENCY = (GOALS, VOICE, EFFICACY)


def dist(e: int = 0, d: int = 0, o: int = 0, r: int = 0, ns: int = 0) -> Distribution:
    return Distribution((e, d, o, r, ns))


def person(group: str, name: str = "P") -> Participant:
    return Participant(name=name, role_group=group)


def people(group: str, n: int) -> list[Participant]:
    return [person(group, f"{group}{k}") for k in range(n)]


def vote(who: Participant, competency: str, level: str) -> Rating:
    return Rating(participant_id=who.id, competency_id=competency, level=level)


def tally(competency: str, group: str, **counts: int) -> Tally:
    return Tally(competency_id=competency, role_group=group, counts=counts)


def agree(competency: str, level: str) -> Consensus:
    return Consensus(competency_id=competency, level=level)


def make_cycle(pack: Pack, scope: tuple[str, ...] | None = None, date: str = "2025-03-01",
               created: str = "2025-03-01T10:00:00.000Z") -> Cycle:
    return Cycle(title="Spring", date=date, scope=scope, framework_id=pack.id,
                 framework_version=pack.version, created=created)


def run(pack: Pack, cycle: Cycle, participants: Sequence[Participant] = (),
        ratings: Sequence[Rating] = (), tallies: Sequence[Tally] = (),
        consensus: Sequence[Consensus] = (), threshold: int | None = None) -> CycleResults:
    """The results of hand-built records."""
    return cycle_results(pack, CycleInput(cycle, tuple(participants), tuple(ratings),
                                          tuple(tallies), tuple(consensus)), threshold)


# --- distributions --------------------------------------------------------------------------


def test_count_votes_adds_tallies_to_ratings_and_marks_them_tallied() -> None:
    a, b = person("educator"), person("learner")
    got = count_votes([vote(a, VOICE, "developing"), vote(b, VOICE, "not_sure")],
                      [tally(VOICE, "learner", developing=2, refining=1, not_sure=1)])
    assert got.as_dict() == {"establishing": 0, "developing": 3, "operationalizing": 0,
                             "refining": 1, "not_sure": 2}
    assert (got.rated, got.not_sure, got.total, got.tallied) == (4, 2, 6, 4)


def test_distributions_add_up() -> None:
    total = dist(1, 2, 0, 0, 1) + Distribution((0, 1, 1, 0, 0), tallied=2)
    assert total == Distribution((1, 3, 1, 0, 1), tallied=2)
    assert Distribution.of(["refining", "refining", "not_sure"]) == dist(r=2, ns=1)


# --- median ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("votes", "expected"), [
    (dist(1, 1, 1), "developing"),               # odd: the middle vote
    (dist(0, 2, 2), "developing"),               # even tie: the lower middle level
    (dist(0, 2, 3), "operationalizing"),         # odd, the larger side wins
    (dist(2, 0, 0, 2), "establishing"),          # split far apart: still the lower middle
    (dist(1, 0, 0, 3), "refining"),
    (dist(0, 0, 1, 0, ns=5), "operationalizing"),  # not sure is ignored
    (dist(r=1), "refining"),
    (dist(ns=3), None),                          # nothing rated
    (dist(), None),
])
def test_median_is_the_lower_middle_level_without_not_sure(votes: Distribution,
                                                           expected: str | None) -> None:
    assert median_level(votes) == expected


def test_mean_level_uses_level_index_and_ignores_not_sure() -> None:
    assert [level_index(lv) for lv in LEVELS] == [1, 2, 3, 4]
    assert level_index("not_sure") is None and level_index(None) is None
    assert mean_level(dist(1, 1, ns=4)) == 1.5
    assert mean_level(dist(2, 1)) == 1.33
    assert mean_level(dist(ns=2)) is None


# --- agreement ------------------------------------------------------------------------------


@pytest.mark.parametrize(("votes", "low"), [
    (dist(0, 3, 2), False),      # 3 of 5: a majority
    (dist(0, 2, 2), True),       # exactly half: no majority
    (dist(0, 4, 4), True),
    (dist(5, 0, 0, 5), True),    # polarised, no majority
    (dist(1, 9, 1), False),      # three levels, but the outliers are one step away
    (dist(0, 5, 1, 2), True),    # 2 of 8 two levels away from the majority: a quarter
    (dist(0, 6, 1, 1), False),   # 1 of 8: under a quarter
    (dist(6, 0, 0, 2), True),    # 2 of 8 three levels away
    (dist(7, 0, 0, 2), False),   # 2 of 9: under a quarter
    (dist(0, 3, ns=4), False),   # not sure does not dilute the majority
    (dist(o=1), False),          # one vote cannot disagree
    (dist(ns=5), False),
    (dist(), False),
])
def test_low_agreement_rule_on_both_sides_of_its_boundaries(votes: Distribution, low: bool) -> None:
    assert is_low_agreement(votes) is low


def test_rules_are_worded_for_people() -> None:
    assert "half" in low_agreement_rule() and "quarter" in low_agreement_rule()
    assert "lower of the two middle levels" in median_rule()


# --- anonymity ------------------------------------------------------------------------------


def test_group_result_follows_the_cycle_disclosure() -> None:
    shown_or_not = decide({"educator": 5, "leader": 2, "community_member": 4}, ANONYMITY_THRESHOLD)
    hidden = group_result("leader", dist(0, 2), 2, shown_or_not)
    assert (hidden.status, hidden.summary) == (SUPPRESSED, None)
    # hidden with the leaders, so that overall minus educators gives only the two groups together
    assert group_result("community_member", dist(0, 2, 2), 4, shown_or_not).status == SUPPRESSED
    shown = group_result("educator", dist(0, 2, 1), 3, shown_or_not)
    assert shown.status == SHOWN and shown.summary is not None
    assert shown.summary.distribution == dist(0, 2, 1)
    assert shown.summary.median == "developing"
    assert group_result("learner", dist(), 0, shown_or_not).status == EMPTY
    # a shown group whose people did not rate this item is shown with no votes
    none = group_result("educator", dist(), 0, shown_or_not)
    assert none.status == SHOWN and none.summary is not None and none.summary.respondents == 0


def test_competency_groups_at_threshold_minus_one_and_at_threshold(pack: Pack) -> None:
    leaders, learners, educators = people("leader", 2), people("learner", 3), people("educator", 4)
    ratings = [vote(p, VOICE, "developing") for p in leaders + learners + educators]
    result = run(pack, make_cycle(pack), leaders + learners + educators, ratings).competency(VOICE)
    assert result.group("leader").status == SUPPRESSED
    assert result.group("leader").summary is None
    # learners reach the threshold but are the next-smallest group: hidden with the leaders
    assert result.group("learner").status == SUPPRESSED
    assert result.group("educator").status == SHOWN
    assert result.group("community_member").status == EMPTY
    assert [g.role_group for g in result.groups] == ["educator", "leader", "community_member",
                                                     "learner"]
    # The overall view counts the hidden groups' votes.
    assert result.overall.distribution == dist(0, 9)
    assert result.overall.respondents == 9


def test_not_sure_voters_count_as_people(pack: Pack) -> None:
    leaders = people("leader", 3)
    ratings = [vote(leaders[0], VOICE, "developing"), vote(leaders[1], VOICE, "refining"),
               vote(leaders[2], VOICE, "not_sure")]
    view = run(pack, make_cycle(pack), leaders, ratings).competency(VOICE).group("leader")
    assert view.status == SHOWN and view.summary is not None
    assert view.summary.respondents == 3
    assert view.summary.median == "developing"


def test_tally_votes_count_as_people_but_are_marked_tallied(pack: Pack) -> None:
    educators = people("educator", 3)
    ratings = [vote(p, GOALS, "operationalizing") for p in educators]
    result = run(pack, make_cycle(pack), educators, ratings,
                 [tally(GOALS, "educator", developing=1),
                  tally(GOALS, "community_member", establishing=1, developing=1),
                  tally(GOALS, "learner", refining=3)]).competency(GOALS)
    educator = result.group("educator")
    assert educator.status == SHOWN and educator.summary is not None
    assert educator.summary.distribution == Distribution((0, 1, 3, 0, 0), tallied=1)
    assert educator.summary.respondents == 4
    assert result.group("community_member").status == SUPPRESSED  # two paper votes
    assert result.group("learner").status == SUPPRESSED  # three, but hidden with them
    assert result.overall.distribution == Distribution((1, 2, 3, 3, 0), tallied=6)
    assert result.overall.respondents == 9
    assert result.overall.median == "operationalizing"


def test_a_tally_alone_can_show_a_group(pack: Pack) -> None:
    result = run(pack, make_cycle(pack), tallies=[tally(VOICE, "learner", refining=3)])
    learner = result.competency(VOICE).group("learner")
    assert learner.status == SHOWN and learner.summary is not None
    assert learner.summary.median == "refining"
    assert learner.summary.distribution.tallied == 3


def test_ratings_by_unknown_participants_count_overall_only(pack: Pack) -> None:
    strangers = people("leader", 3)
    result = run(pack, make_cycle(pack), [], [vote(s, VOICE, "developing") for s in strangers]
                 ).competency(VOICE)
    assert result.overall.distribution == dist(0, 3)
    assert all(g.status == EMPTY for g in result.groups)


def test_threshold_is_the_cycles_and_may_only_be_raised(pack: Pack) -> None:
    with pytest.raises(ValueError, match="at least 3"):
        run(pack, make_cycle(pack), threshold=2)
    strict = make_cycle(pack).with_threshold(5, by="Ana")
    assert run(pack, strict).threshold == 5
    with pytest.raises(ValueError, match="below this cycle's threshold 5"):
        run(pack, strict, threshold=4)
    assert run(pack, strict, threshold=6).threshold == 6


def test_a_cycle_under_the_threshold_shows_no_counts(pack: Pack) -> None:
    two = people("learner", 2)
    result = run(pack, make_cycle(pack, scope=("agency",)), two,
                 [vote(p, VOICE, "refining") for p in two], consensus=[agree(GOALS, "developing")])
    assert not result.overall_shown
    voice = result.competency(VOICE)
    assert voice.overall.distribution == dist() and voice.overall.median is None
    assert (voice.level, voice.level_source) == (None, "none")
    assert result.competency(GOALS).level == "developing"  # a consensus is the team's, not a count
    assert voice.group("learner").status == SUPPRESSED


# --- scope and order ------------------------------------------------------------------------


def test_a_scoped_cycle_covers_its_conditions_only_in_pack_order(pack: Pack) -> None:
    cycle = make_cycle(pack, scope=("agency", "culture"))
    who = people("educator", 3)
    result = run(pack, cycle, who, [vote(p, VOICE, "developing") for p in who]
                 + [vote(who[0], "shared-vision.equity-driven", "refining")])
    assert [c.condition_id for c in result.conditions] == ["culture", "agency"]
    assert [c.competency_id for c in result.competencies] == [*CULTURE, *AGENCY]
    assert result.condition("agency").overall.distribution == dist(0, 3)
    with pytest.raises(KeyError):
        result.competency("shared-vision.equity-driven")
    with pytest.raises(KeyError):
        result.condition("shared-vision")


def test_an_unscoped_cycle_covers_every_competency(pack: Pack) -> None:
    result = run(pack, make_cycle(pack))
    assert [c.competency_id for c in result.competencies] == [c.id for c in pack.competencies]
    assert len(result.competencies) == 30 and len(result.conditions) == 12
    assert all(c.level is None and c.level_source == "none" for c in result.competencies)
    assert [c.condition_id for c in result.conditions if c.priority] == [
        "shared-vision", "culture", "agency", "transparency"]


# --- conditions -----------------------------------------------------------------------------


def test_condition_groups_count_distinct_people_across_competencies(pack: Pack) -> None:
    a, b, c = people("leader", 3)
    ratings = [vote(a, GOALS, "developing"), vote(b, GOALS, "developing"), vote(c, GOALS, "refining"),
               vote(a, VOICE, "not_sure"), vote(b, VOICE, "refining"), vote(c, VOICE, "developing")]
    result = run(pack, make_cycle(pack, scope=("agency",)), [a, b, c], ratings)
    assert all(result.competency(cid).group("leader").status == SHOWN for cid in AGENCY)
    leader = result.condition("agency").group("leader")
    assert leader.status == SHOWN and leader.summary is not None
    assert leader.summary.respondents == 3
    assert leader.summary.distribution == dist(0, 3, 0, 2, ns=1)  # pooled votes
    assert leader.summary.mean == 2.8
    assert leader.summary.median == "developing"
    # c skips Voice: two leaders' votes there are hidden, and so is the roll-up that sums them
    result = run(pack, make_cycle(pack, scope=("agency",)), [a, b, c], ratings[:-1])
    assert result.competency(GOALS).group("leader").status == SHOWN
    assert result.competency(VOICE).group("leader").status == SUPPRESSED
    assert result.condition("agency").group("leader").status == SUPPRESSED


def test_condition_paper_voters_are_the_largest_tally_not_the_sum(pack: Pack) -> None:
    tallies = [tally(GOALS, "community_member", developing=2),
               tally(VOICE, "community_member", developing=1, operationalizing=1)]
    result = run(pack, make_cycle(pack, scope=("agency",)), tallies=tallies)
    assert result.condition("agency").group("community_member").status == SUPPRESSED
    tallies = [tally(GOALS, "community_member", developing=3),
               tally(VOICE, "community_member", developing=1, operationalizing=2),
               tally(EFFICACY, "community_member", establishing=3)]
    result = run(pack, make_cycle(pack, scope=("agency",)), tallies=tallies)
    view = result.condition("agency").group("community_member")
    assert view.status == SHOWN and view.summary is not None
    assert view.summary.respondents == 3
    assert view.summary.distribution == Distribution((3, 4, 2, 0, 0), tallied=9)
    assert result.condition("agency").overall.respondents == 3


def test_condition_level_is_the_median_and_mean_of_competency_levels(pack: Pack) -> None:
    who = people("educator", 3)
    ratings = [vote(p, GOALS, "refining") for p in who]  # median refining, no consensus
    consensus = [agree(VOICE, "establishing"), agree(EFFICACY, "developing")]
    agency = run(pack, make_cycle(pack, scope=("agency",)), who, ratings,
                 consensus=consensus).condition("agency")
    assert agency.competency_ids == AGENCY
    assert agency.level == "developing"
    assert agency.level_mean == 2.33  # (4 + 1 + 2) / 3
    empty = run(pack, make_cycle(pack, scope=("agency",))).condition("agency")
    assert (empty.level, empty.level_mean, empty.overall.median) == (None, None, None)
    assert all(g.status == EMPTY for g in empty.groups)


# --- heat map, strengths, growth areas ------------------------------------------------------


def test_heat_level_prefers_consensus_then_median() -> None:
    assert heat_level(agree(VOICE, "refining"), "developing") == ("refining", "consensus")
    assert heat_level(agree(VOICE, "not_sure"), "developing") == ("not_sure", "consensus")
    assert heat_level(None, "developing") == ("developing", "median")
    assert heat_level(None, None) == (None, "none")


def test_competency_level_marks_its_source(pack: Pack) -> None:
    who = people("educator", 3)
    ratings = [vote(who[0], VOICE, "developing"), vote(who[1], VOICE, "operationalizing"),
               vote(who[2], VOICE, "developing"), *(vote(p, GOALS, "refining") for p in who),
               vote(who[2], EFFICACY, "refining")]
    consensus = [agree(GOALS, "operationalizing")]
    result = run(pack, make_cycle(pack, scope=("agency",)), who, ratings, consensus=consensus)
    assert (result.competency(VOICE).level, result.competency(VOICE).level_source) == (
        "developing", "median")
    goals = result.competency(GOALS)
    assert (goals.level, goals.level_source, goals.overall.median) == (
        "operationalizing", "consensus", "refining")
    assert goals.consensus == consensus[0]
    # one person rated Efficacy: their vote would be its median
    assert (result.competency(EFFICACY).level, result.competency(EFFICACY).level_source) == (
        None, "none")
    assert not result.competency(EFFICACY).overall_shown
    assert without_consensus(result) == (VOICE, EFFICACY)


def _ranked_cycle(pack: Pack) -> CycleResults:
    who = people("educator", 3)
    levels = {EFFICACY: ("not_sure",) * 3, VOICE: ("establishing",) * 3,
              GOALS: ("establishing", "developing", "developing"),
              IMPROVEMENT: ("developing", "developing", "refining"), CELEBRATIONS: ("developing",) * 3}
    ratings = [vote(p, cid, level) for cid, three in levels.items() for p, level in zip(who, three, strict=True)]
    consensus = [agree(INNOVATION, "refining"), agree(RELATIONSHIPS, "not_sure"),
                 agree(GOALS, "establishing"), agree(VOICE, "establishing")]
    return run(pack, make_cycle(pack, scope=("culture", "agency")), who, ratings,
               consensus=consensus)


def test_strengths_by_level_then_mean_then_pack_order(pack: Pack) -> None:
    result = _ranked_cycle(pack)
    # innovation (refining), then the two at developing: improvement's votes average higher.
    assert [c.competency_id for c in strengths(result, 3)] == [INNOVATION, IMPROVEMENT,
                                                               CELEBRATIONS]
    assert [c.competency_id for c in strengths(result, 1)] == [INNOVATION]


def test_growth_areas_by_level_then_mean_and_never_a_strength(pack: Pack) -> None:
    result = _ranked_cycle(pack)
    # voice and goal setting are both at establishing; voice's votes average lower.
    assert [c.competency_id for c in growth_areas(result, 2)] == [VOICE, GOALS]
    # Five ranked (not sure and no level are never ranked): the upper three can be strengths,
    # the lower two growth areas, however large n is.
    assert [c.competency_id for c in strengths(result, 10)] == [INNOVATION, IMPROVEMENT,
                                                                CELEBRATIONS]
    assert [c.competency_id for c in growth_areas(result, 10)] == [VOICE, GOALS]
    assert [c.competency_id for c in growth_areas(result, 1)] == [VOICE]


def test_a_single_ranked_competency_is_a_strength_only(pack: Pack) -> None:
    result = run(pack, make_cycle(pack, scope=("agency",)), consensus=[agree(VOICE, "developing")])
    assert [c.competency_id for c in strengths(result)] == [VOICE]
    assert growth_areas(result) == ()


def test_no_levels_means_no_strengths_or_growth_areas(pack: Pack) -> None:
    result = run(pack, make_cycle(pack))
    assert strengths(result) == () and growth_areas(result) == ()
    assert len(without_consensus(result)) == 30


# --- comparison -----------------------------------------------------------------------------


def test_comparison_with_no_previous_cycle_marks_everything_new(pack: Pack) -> None:
    who = people("leader", 3)
    result = run(pack, make_cycle(pack, scope=("agency",)), who,
                 [vote(p, VOICE, "developing") for p in who])
    comparison = compare(result, None)
    assert comparison.previous_cycle_id is None
    assert [(c.competency_id, c.change, c.steps) for c in comparison.competencies] == [
        (GOALS, "unrated", None), (VOICE, "new", None), (EFFICACY, "unrated", None)]
    assert [(c.condition_id, c.change, c.delta) for c in comparison.conditions] == [
        ("agency", "new", None)]


def test_comparison_per_competency_and_condition(pack: Pack) -> None:
    before = run(pack, make_cycle(pack, scope=("culture",), date="2024-09-01"), consensus=[
        agree(INNOVATION, "developing"), agree(RELATIONSHIPS, "operationalizing"),
        agree(IMPROVEMENT, "developing"), agree(CELEBRATIONS, "not_sure")])
    now = run(pack, make_cycle(pack, scope=("culture", "agency")), consensus=[
        agree(INNOVATION, "refining"), agree(RELATIONSHIPS, "developing"),
        agree(IMPROVEMENT, "developing"), agree(CELEBRATIONS, "developing"),
        agree(GOALS, "establishing")])
    comparison = compare(now, before)
    assert comparison.previous_cycle_id == before.cycle.id
    got = {c.competency_id: (c.previous, c.current, c.steps, c.change)
           for c in comparison.competencies}
    assert got == {
        INNOVATION: ("developing", "refining", 2, "up"),
        RELATIONSHIPS: ("operationalizing", "developing", -1, "down"),
        IMPROVEMENT: ("developing", "developing", 0, "same"),
        CELEBRATIONS: (None, "developing", None, "new"),    # not sure before: no level
        GOALS: (None, "establishing", None, "new"),         # outside the earlier scope
        VOICE: (None, None, None, "unrated"),
        EFFICACY: (None, None, None, "unrated"),
    }
    assert [c.competency_id for c in comparison.competencies] == [*CULTURE, *AGENCY]
    culture, agency = comparison.conditions
    # culture: mean of (2, 3, 2) before, (4, 2, 2, 2) now
    assert (culture.previous, culture.current, culture.delta, culture.change) == (
        2.33, 2.5, 0.17, "up")
    assert (agency.previous, agency.current, agency.change) == (None, 1.0, "new")


def test_condition_change_same_and_down(pack: Pack) -> None:
    before = run(pack, make_cycle(pack, scope=("agency",)), consensus=[agree(GOALS, "developing")])
    same = run(pack, make_cycle(pack, scope=("agency",)), consensus=[agree(VOICE, "developing")])
    down = run(pack, make_cycle(pack, scope=("agency",)), consensus=[agree(VOICE, "establishing")])
    assert compare(same, before).conditions[0].change == "same"
    assert compare(down, before).conditions[0].delta == -1.0
    assert compare(down, before).conditions[0].change == "down"
    assert compare(run(pack, make_cycle(pack, scope=("agency",))), before).conditions[0].change \
        == "unrated"


def test_previous_cycle_by_date_then_creation(pack: Pack) -> None:
    first = make_cycle(pack, date="2024-09-01")
    second = make_cycle(pack, date="2025-03-01", created="2025-03-01T09:00:00.000Z")
    third = make_cycle(pack, date="2025-03-01", created="2025-03-01T11:00:00.000Z")
    cycles = [third, first, second]
    assert previous_cycle(cycles, first.id) is None
    assert previous_cycle(cycles, second.id) == first
    assert previous_cycle(cycles, third.id) == second
    with pytest.raises(KeyError):
        previous_cycle(cycles, "missing")


# --- inputs and layering --------------------------------------------------------------------


def test_cycle_input_of_a_stored_cycle_shape(pack: Pack) -> None:
    who = person("learner")
    rating, tal, con = vote(who, VOICE, "refining"), tally(VOICE, "learner", refining=2), \
        agree(VOICE, "refining")
    cycle = make_cycle(pack)
    source = SimpleNamespace(
        cycle=cycle, participants=MappingProxyType({who.id: who}),
        ratings=MappingProxyType({rating.id: rating}), tallies=MappingProxyType({tal.id: tal}),
        consensus=MappingProxyType({VOICE: con}))
    assert CycleInput.of(source) == CycleInput(cycle, (who,), (rating,), (tal,), (con,))


def test_results_import_no_qt_storage_or_pdf_library() -> None:
    code = ("import sys, navtool_desktop.core.results; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'tinydb', 'reportlab') or m.startswith('navtool_desktop.storage')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
