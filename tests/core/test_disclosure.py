"""Small-group privacy survives subtraction: random cycles, everything published, no hidden group pinned down.

The attack (reviews 2026-12-01: adversarial H4, pdf, trial finding 2): the overall counts minus
the counts of the groups shown give the hidden group's votes. ``disclosure_check`` models the
attacker; these tests feed it what ``navtool results --format json`` and the CSV summary
publish for random cycles (the report PDF: tests/reports/test_report_privacy.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from disclosure_check import ZERO, Counts, Publication, cycles, determined, items_of, merged
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from navtool_desktop.core.disclosure import EMPTY, SHOWN, SUPPRESSED, decide, head_counts, rule_text
from navtool_desktop.core.records import RATING_CHOICES, ROLE_GROUPS, Participant, Rating, Tally
from navtool_desktop.core.results import CycleInput, compare, cycle_results
from navtool_desktop.framework import Pack

# --- what the JSON publishes ----------------------------------------------------------------------


def _counts(view: dict[str, Any]) -> Counts | None:
    if "distribution" not in view:
        return None
    return tuple(view["distribution"][c] for c in RATING_CHOICES)


def json_publication(data: dict[str, Any]) -> Publication:
    pub = Publication()
    for entry in [*data["competencies"], *data["conditions"]]:
        pub.overall[entry["id"]] = _counts(entry)
        pub.groups[entry["id"]] = {}
        for group, view in entry["role_groups"].items():
            if view["status"] == SUPPRESSED:
                assert set(view) == {"status"}, f"a hidden group carries numbers: {view}"
            pub.groups[entry["id"]][group] = ZERO if view["status"] == EMPTY else _counts(view)
    return pub


def json_of(pack: Pack, data: CycleInput, threshold: int | None = None) -> dict[str, Any]:
    from navtool_desktop.core.published import results_to_dict

    results = cycle_results(pack, data, threshold)
    return results_to_dict(pack, {"id": "d", "name": "District"}, results, compare(results, None))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_json_results_never_determine_a_hidden_group(pack: Pack, data: st.DataObject) -> None:
    cycle, truth = data.draw(cycles(pack))
    published = json_of(pack, cycle)
    leaks = determined(truth, items_of(pack), json_publication(published))
    assert not leaks, leaks[:5]
    assert not too_few(published), too_few(published)[:5]
    assert not too_few_people(cycle, published), too_few_people(cycle, published)[:5]


def too_few_people(cycle: CycleInput, data: dict[str, Any]) -> list[str]:
    """Groups shown on a competency that fewer distinct people rated than the threshold.

    People by name, case and spaces ignored (one person entered twice is one person);
    paper votes as their count (the random tallies say nothing of the room).
    """
    names = {p.id: (p.role_group, " ".join(p.label.split()).casefold()) for p in cycle.participants}
    small = []
    for entry in data["competencies"]:
        for group, view in entry["role_groups"].items():
            if view["status"] != SHOWN:
                continue
            people = {names[r.participant_id][1] for r in cycle.ratings
                      if r.competency_id == entry["id"] and names[r.participant_id][0] == group}
            paper = sum(t.total for t in cycle.tallies if t.competency_id == entry["id"] and t.role_group == group)
            if 0 < len(people) + paper < data["anonymity_threshold"]:
                small.append(f"{entry['id']} {group}: {len(people)} people, {paper} on paper")
    return small


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_outputs_together_never_determine_a_hidden_group(pack: Pack, data: st.DataObject) -> None:
    """Across outputs of the same data: the cycle's threshold and a higher one (``navtool results
    --threshold``, a report asked for a higher one), the whole scope and a narrower one (the
    cycle's scope edited after the votes). Every number any of them publishes is known."""
    from dataclasses import replace

    cycle, truth = data.draw(cycles(pack))
    views = [json_of(pack, cycle), json_of(pack, cycle, cycle.cycle.threshold + 1),
             json_of(pack, cycle, cycle.cycle.threshold + 2)]
    for scope in (("agency",), ("culture",)):
        views.append(json_of(pack, replace(cycle, cycle=cycle.cycle.replace(scope=scope))))
    leaks = determined(truth, items_of(pack), merged(*(json_publication(v) for v in views)))
    assert not leaks, leaks[:5]


def too_few(data: dict[str, Any]) -> list[str]:
    """Counts published for fewer people than the threshold, item by item.

    A competency stands on its own: a group of exactly the threshold where one person
    skipped a competency would show two people's votes there, and a competency only one
    person rated would show that person's vote as its overall counts.
    """
    threshold = data["anonymity_threshold"]
    small = []
    for entry in [*data["competencies"], *data["conditions"]]:
        views = [("overall", entry), *entry["role_groups"].items()]
        for who, view in views:
            if view.get("status") == EMPTY:
                continue
            if "distribution" in view and 0 < view["respondents"] < threshold:
                small.append(f"{entry['id']} {who}: {view['respondents']} people")
    return small


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_csv_summary_never_determines_a_hidden_group(pack: Pack, data: st.DataObject) -> None:
    import csv
    import io

    from navtool_desktop.exchange.tables import csv_bytes, summary_table

    cycle, truth = data.draw(cycles(pack))
    text = csv_bytes(*summary_table(pack, cycle_results(pack, cycle))).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0][0].startswith("# ")  # the privacy rule, on the first line
    columns = parsed[1]
    pub = Publication()
    for row in parsed[2:]:
        cell = dict(zip(columns, row, strict=True))
        numbers = [cell[c] for c in columns if c in ("establishing", "developing", "operationalizing",
                                                        "refining", "not sure")]
        counts = tuple(int(n) for n in numbers) if all(n.isdigit() for n in numbers) else None
        if counts is None:
            assert not any(n.strip() for n in numbers), row  # hidden: no numbers at all
        if cell["role group"] == "all":
            pub.overall[cell["id"]] = counts
        else:
            pub.groups.setdefault(cell["id"], {})[cell["role group"].replace(" ", "_")] = counts
    leaks = determined(truth, items_of(pack), pub)
    assert not leaks, leaks[:5]


# --- the rule itself --------------------------------------------------------------------------------


def sizes(educator: int = 0, leader: int = 0, community_member: int = 0, learner: int = 0) -> dict[str, int]:
    return {"educator": educator, "leader": leader, "community_member": community_member, "learner": learner}


def test_one_small_group_takes_the_next_smallest_with_it() -> None:
    d = decide(sizes(10, 2, 4, 8), 3)  # the demo's latest cycle: 2 leaders
    assert d.hidden == {"leader", "community_member"}
    assert [d.status(g) for g in ROLE_GROUPS] == [SHOWN, SUPPRESSED, SUPPRESSED, SHOWN]


def test_hidden_groups_together_reach_the_threshold() -> None:
    # learner 1 + leader 1 = 2 < 3: the next-smallest (community 5) goes too
    d = decide(sizes(9, 1, 5, 1), 3)
    assert d.hidden == {"leader", "learner", "community_member"}
    # ties go to role-group order
    assert decide(sizes(4, 1, 4, 0), 3).hidden == {"leader", "educator"}


def test_empty_groups_never_cover_for_a_small_group() -> None:
    d = decide(sizes(5, 0, 0, 1), 3)
    assert d.hidden == {"learner", "educator"}
    assert d.status("leader") == EMPTY and d.overall_shown


def test_a_cycle_under_the_threshold_shows_no_counts() -> None:
    d = decide(sizes(0, 0, 0, 2), 3)
    assert not d.overall_shown and d.status("learner") == SUPPRESSED
    assert decide(sizes(0, 0, 0, 2), 3, total=2).hidden_groups == ("learner",)


def test_no_small_group_means_nothing_hidden() -> None:
    assert decide(sizes(3, 3, 0, 12), 3).hidden == frozenset()


def test_threshold_below_three_is_refused() -> None:
    with pytest.raises(ValueError):
        decide(sizes(5), 2)


def test_paper_tallies_count_as_people_of_their_group(pack: Pack) -> None:
    learner = Participant(name="L", role_group="learner")
    ratings = [Rating(participant_id=learner.id, competency_id="agency.voice", level="refining")]
    tallies = [Tally(competency_id="agency.voice", role_group="learner", counts={"developing": 2}),
               Tally(competency_id="agency.goal-setting", role_group="leader", counts={"refining": 1})]
    got, total = head_counts([learner], ratings, tallies)
    assert got == sizes(learner=3, leader=1) and total == 4


def test_rule_text_is_two_sentences() -> None:
    text = rule_text(4)
    assert text.count(". ") + text.endswith(".") == 2 and "4 people" in text
