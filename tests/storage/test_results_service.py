"""One home for results: a cycle's results are computed once and again only when it changes."""

from __future__ import annotations

from pathlib import Path

from navtool_desktop.core.records import Consensus, Cycle, District, Participant, Rating
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.storage.repository import OPEN_CYCLES, SUMMARIES, DistrictStore

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
    # a new service: nothing carried over in memory (the summary on disk is read instead)
    assert (store.results.computed, store.results.from_disk) == (0, 1)


def test_a_new_session_reads_summaries_not_cycles(data_dir: Path, pack: Pack) -> None:
    with Repository(data_dir) as repo:
        store = district(repo, pack, 3)
        first = store.results.across(pack)
        store_id = store.id
    summaries = sorted((data_dir / SUMMARIES / store_id).glob("*.json"))
    assert len(summaries) == 3
    with Repository(data_dir) as repo:
        store = repo.open_district(store_id)
        assert store.results.across(pack) == first
        assert (store.results.computed, store.results.from_disk) == (0, 3)
        assert store.results.across(pack) == first  # then from memory: no file read again
        assert (store.results.computed, store.results.from_disk) == (0, 3)
        # one cycle changes: only it is computed again, and its summary replaced
        changed = first[1].cycle.id
        store.save_consensus(changed, Consensus(competency_id=VOICE, level="refining"))
    with Repository(data_dir) as repo:
        store = repo.open_district(store_id)
        again = store.results.across(pack)
        assert level(again[1]) == "refining" and again[0] == first[0]
        assert (store.results.computed, store.results.from_disk) == (1, 2)


def test_a_stale_or_damaged_summary_is_never_used(data_dir: Path, pack: Pack) -> None:
    with Repository(data_dir) as repo:
        store = district(repo, pack, 2)
        store_id = store.id
        store.results.across(pack)
    folder = data_dir / SUMMARIES / store_id
    first, second = sorted(folder.glob("*.json"))
    first.write_bytes(first.read_bytes()[:100])  # torn
    second.write_bytes(b"\x00" * 10)  # garbage
    with Repository(data_dir) as repo:
        store = repo.open_district(store_id)
        for found in store.results.across(pack):
            assert found == cycle_results(pack, CycleInput.of(store.cycle(found.cycle.id)))
        assert (store.results.computed, store.results.from_disk) == (2, 0)
    # one cycle's summary in place of the other's: its key is not the other's
    first, second = sorted(folder.glob("*.json"))
    second.write_bytes(first.read_bytes())
    with Repository(data_dir) as repo:
        store = repo.open_district(store_id)
        for found in store.results.across(pack):
            assert found == cycle_results(pack, CycleInput.of(store.cycle(found.cycle.id)))
        assert (store.results.computed, store.results.from_disk) == (1, 1)


def test_summaries_follow_the_file_not_its_name(data_dir: Path, pack: Pack) -> None:
    """A cycle file brought back from elsewhere (a restore) has other bytes: its summary
    from before is not used."""
    with Repository(data_dir) as repo:
        store = district(repo, pack, 1)
        store_id, cycle_id = store.id, store.cycles()[0].id
        before = store.results.cycle(pack, cycle_id)
        path = data_dir / "districts" / store_id / "cycles" / f"{cycle_id}.json"
        old_bytes = path.read_bytes()
        store.save_consensus(cycle_id, Consensus(competency_id=VOICE, level="refining"))
        assert level(store.results.cycle(pack, cycle_id)) == "refining"
    path.write_bytes(old_bytes)  # the file as it was: the summary on disk is of the newer one
    with Repository(data_dir, read_only=True) as repo:
        store = repo.open_district(store_id)
        assert store.results.cycle(pack, cycle_id) == before
        assert store.results.computed == 1


def test_read_only_data_gets_no_summaries(data_dir: Path, pack: Pack) -> None:
    with Repository(data_dir) as repo:
        store_id = district(repo, pack, 1).id
    with Repository(data_dir, read_only=True) as repo:
        repo.open_district(store_id).results.across(pack)
    assert not (data_dir / SUMMARIES).exists()
