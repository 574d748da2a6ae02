"""One home for results: a cycle's results are computed once and again only when it changes."""

from __future__ import annotations

from navtool_desktop.core.records import Consensus, Cycle, District, Participant, Rating
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.storage.repository import OPEN_CYCLES, DistrictStore

VOICE = "agency.voice"


def district(repo: Repository, pack: Pack, cycles: int) -> DistrictStore:
    store = repo.create_district(District(name="Pine Ridge USD"))
    for n in range(cycles):
        people = [Participant(name=f"P{k}", role_group="leader") for k in range(3)]
        store.import_cycle(
            Cycle(title=f"Cycle {n}", date=f"20{10 + n:02d}-09-20", scope=("agency",),
                  framework_id=pack.id, framework_version=pack.version),
            people, [Rating(participant_id=p.id, competency_id=VOICE, level="developing") for p in people])
    return store


def level(results: object) -> str | None:
    return results.competency(VOICE).level  # type: ignore[attr-defined, no-any-return]


def test_results_are_computed_once_until_the_cycle_changes(repo: Repository, pack: Pack) -> None:
    store = district(repo, pack, 1)
    cycle = store.cycles()[0]
    first = store.results.cycle(pack, cycle.id)
    assert store.results.cycle(pack, cycle.id) is first
    assert store.results.computed == 1
    store.save_consensus(cycle.id, Consensus(competency_id=VOICE, level="refining"))
    again = store.results.cycle(pack, cycle.id)
    assert level(again) == "refining" and store.results.computed == 2
    assert again == cycle_results(pack, CycleInput.of(store.cycle(cycle.id)))
    # the cycle record changes (a higher threshold): computed again
    store.save_cycle(store.get_cycle(cycle.id).with_threshold(cycle.threshold + 2, by="Ana"))
    raised = store.results.cycle(pack, cycle.id)
    assert raised.threshold == cycle.threshold + 2 and store.results.computed == 3
    # a threshold asked for is its own entry
    store.results.cycle(pack, cycle.id, 9)
    assert store.results.computed == 4


def test_across_cycles_reads_each_cycle_once_even_past_the_open_files(repo: Repository, pack: Pack) -> None:
    count = OPEN_CYCLES + 4
    store = district(repo, pack, count)
    across = store.results.across(pack)
    assert [r.cycle.date for r in across] == sorted(r.cycle.date for r in across)
    assert store.results.computed == count
    assert store.results.across(pack) == across and store.results.computed == count
    # a cycle let go from memory and changed later is computed again, the others are not
    oldest = across[0].cycle.id
    store.save_consensus(oldest, Consensus(competency_id=VOICE, level="refining"))
    again = store.results.across(pack)
    assert level(again[0]) == "refining" and store.results.computed == count + 1


def test_reading_the_store_again_forgets_the_results(repo: Repository, pack: Pack) -> None:
    store = district(repo, pack, 1)
    cycle_id = store.cycles()[0].id
    store.results.cycle(pack, cycle_id)
    store.reload()
    store.results.cycle(pack, cycle_id)
    assert store.results.computed == 1  # a new service: nothing carried over a reload
