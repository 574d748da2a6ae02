"""Who the results come from: paper votes are never counted as people."""

from __future__ import annotations

from navtool_desktop.core.records import Cycle, Participant, Rating, Tally
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.framework import Pack
from navtool_desktop.reports.sections import participation


def test_participation_counts_people_and_paper_votes_apart(pack: Pack) -> None:
    cycle = Cycle(title="Fall", date="2026-10-01", scope=("culture",), framework_id=pack.id,
                  framework_version=pack.version)
    people = [Participant(name=n, role_group="educator") for n in ("Ana", "Ben")]
    comps = [c.id for c in pack.condition("culture").competencies]
    ratings = [Rating(participant_id=p.id, competency_id=c, level="developing") for p in people for c in comps]
    tallies = [Tally(competency_id=comps[0], role_group="community_member",
                     counts={"establishing": 6, "developing": 4}),
               Tally(competency_id=comps[1], role_group="community_member", counts={"developing": 7})]
    results = cycle_results(pack, CycleInput(cycle, tuple(people), tuple(ratings), tuple(tallies)))
    assert participation(results) == "2 people rated in the app, plus paper votes (up to 10 for a competency)"
    alone = cycle_results(pack, CycleInput(cycle, tuple(people), tuple(ratings)))
    assert participation(alone) == "fewer than 3 people rated"  # no counts from so few
