"""Merging by id: duplicates change nothing, conflicts are settled by time and reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from exchange_helpers import Setup, snapshot

from navtool_desktop.core.clock import format_version, time_ms
from navtool_desktop.core.records import Participant, Rating
from navtool_desktop.exchange import export_bundle, import_paths, write_bundle
from navtool_desktop.exchange.bundle import BundleContent
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository


def _participant_bundle(setup: Setup, pack: Pack, person: Participant, level: str,
                        updated: str, prior: str | None = None) -> BundleContent:
    """What a participant's laptop (clock at ``updated``) would export after re-rating the
    first competency, having seen the version ``prior`` (default: the one here now)."""
    content = make_content(setup.store, pack, "participant", cycle_id=setup.cycle_id,
                           participant_id=person.id, answers=True)
    part = content.cycles[0]
    first = setup.competencies[0]
    ratings = tuple(r.replace(level=level, updated=updated, version=_version(updated),
                              prior=r.version if prior is None else prior)
                    if r.competency_id == first else r for r in part.ratings)
    return dataclasses.replace(content, cycles=(dataclasses.replace(part, ratings=ratings),))


def _version(updated: str) -> str:
    return format_version(time_ms(updated), 0, "0the0laptop")


def test_importing_the_same_bundle_twice_changes_nothing(setup: Setup, pack: Pack,
                                                         tmp_path: Path, data_dir: Path) -> None:
    other = tmp_path / "laptop"
    bundle = tmp_path / "cycle.navtool"
    export_bundle(setup.store, pack, "cycle", bundle, cycle_id=setup.cycle_id, answers=True, unprotected_ok=True)
    with Repository(other) as repo:
        first = import_paths(repo, pack, [bundle])
        assert first.ok and first.total("added") > 0
        files = snapshot(other)
        second = import_paths(repo, pack, [bundle])
        assert second.ok
        assert (second.total("added"), second.total("updated"), second.total("conflicts")) == (0, 0, 0)
        for kind in ("cycle", "participant", "rating"):
            assert second.counts["unchanged", kind] == first.counts["added", kind] > 0
        assert snapshot(other) == files
    # and back on the laptop that made it
    before = snapshot(data_dir)
    again = import_paths(setup.repo, pack, [bundle], store=setup.store)
    assert again.total("unchanged") > 0 and again.total("added") == 0
    assert snapshot(data_dir) == before


def test_a_new_participant_bundle_is_added(setup: Setup, pack: Pack, tmp_path: Path) -> None:
    """A participant rated on their own laptop: the facilitator gets all of it."""
    laptop = tmp_path / "laptop"
    export_bundle(setup.store, pack, "cycle", tmp_path / "c.navtool", cycle_id=setup.cycle_id,
                  answers=True, unprotected_ok=True)
    with Repository(laptop) as repo:
        import_paths(repo, pack, [tmp_path / "c.navtool"])
        store = repo.open_district(setup.store.id)
        newcomer = store.save_participant(setup.cycle_id, Participant(code="K-7", role_group="learner"))
        for comp in setup.competencies[:5]:
            store.save_rating(setup.cycle_id, Rating(participant_id=newcomer.id, competency_id=comp,
                                                     level="refining"))
        export_bundle(store, pack, "participant", tmp_path / "k7.navtool", cycle_id=setup.cycle_id,
                      participant_id=newcomer.id, answers=True, unprotected_ok=True)
    summary = import_paths(setup.repo, pack, [tmp_path / "k7.navtool"], store=setup.store)
    assert summary.counts["added", "participant"] == 1
    assert summary.counts["added", "rating"] == 5
    assert len(setup.store.cycle(setup.cycle_id).participants) == 5
    with Repository(setup.repo.folder, read_only=True) as reread:  # what is on disk
        data = reread.open_district(setup.store.id, auto_backup=False).cycle(setup.cycle_id)
        assert sum(1 for r in data.ratings.values() if r.participant_id == newcomer.id) == 5


def test_a_rating_edited_on_two_laptops_keeps_the_newer_and_reports_it(
        setup: Setup, pack: Pack, tmp_path: Path) -> None:
    person = setup.people[0]
    first = setup.competencies[0]
    folder = tmp_path / "stick"
    folder.mkdir()
    a = _participant_bundle(setup, pack, person, "establishing", "2030-01-01T10:00:00.000Z")
    b = _participant_bundle(setup, pack, person, "refining", "2030-01-01T11:00:00.000Z")
    (folder / "a.navtool").write_bytes(write_bundle(dataclasses.replace(a)))
    (folder / "b.navtool").write_bytes(write_bundle(b))
    summary = import_paths(setup.repo, pack, [folder], store=setup.store)
    assert summary.ok
    assert summary.total("conflicts") == 1
    text = summary.text()
    assert "establishing" in text and "refining" in text and "Person 0" in text
    assert setup.store.cycle(setup.cycle_id).rating_for(person.id, first).level == "refining"  # type: ignore[union-attr]
    # the same two the other way round: the newer still wins, the older is the conflict
    # (made after seeing b's version)
    later = _participant_bundle(setup, pack, person, "operationalizing", "2030-01-02T09:00:00.000Z",
                                prior=_version("2030-01-01T11:00:00.000Z"))
    older = _participant_bundle(setup, pack, person, "establishing", "2030-01-01T12:00:00.000Z")
    (tmp_path / "later.navtool").write_bytes(write_bundle(later))
    (tmp_path / "older.navtool").write_bytes(write_bundle(older))
    step1 = import_paths(setup.repo, pack, [tmp_path / "later.navtool"], store=setup.store)
    assert step1.total("updated") == 1 and step1.total("conflicts") == 0
    step2 = import_paths(setup.repo, pack, [tmp_path / "older.navtool"], store=setup.store)
    assert step2.total("conflicts") == 1 and step2.total("updated") == 0
    assert "this laptop" in step2.text()
    assert setup.store.cycle(setup.cycle_id).rating_for(person.id, first).level == "operationalizing"  # type: ignore[union-attr]


def test_a_refused_bundle_in_a_folder_does_not_stop_the_others(setup: Setup, pack: Pack,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "stick"
    folder.mkdir()
    newer = _participant_bundle(setup, pack, setup.people[1], "refining", "2030-01-01T10:00:00.000Z")
    (folder / "good.navtool").write_bytes(write_bundle(newer))
    (folder / "bad.navtool").write_bytes(b"PK\x03\x04 not really")
    (folder / "notes.txt").write_text("ignored")
    summary = import_paths(setup.repo, pack, [folder], store=setup.store)
    assert summary.imported == ["good.navtool"]
    assert [name for name, _reason in summary.refused] == ["bad.navtool"]
    assert summary.total("updated") == 1


def test_a_bundle_for_another_district_is_refused_in_the_app(setup: Setup, pack: Pack,
                                                             tmp_path: Path, data_dir: Path) -> None:
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    stranger = dataclasses.replace(content, district=content.district.replace(
        id="9e0c8a38-2f7b-4c69-9d53-2f0a2b6c1d10", name="Elsewhere USD"))
    (tmp_path / "x.navtool").write_bytes(write_bundle(stranger))
    before = snapshot(data_dir)
    summary = import_paths(setup.repo, pack, [tmp_path / "x.navtool"], store=setup.store)
    assert "Elsewhere USD" in summary.refused[0][1]
    assert snapshot(data_dir) == before


def test_a_dry_run_writes_nothing(setup: Setup, pack: Pack, tmp_path: Path, data_dir: Path) -> None:
    newer = _participant_bundle(setup, pack, setup.people[0], "refining", "2030-01-01T10:00:00.000Z")
    (tmp_path / "p.navtool").write_bytes(write_bundle(newer))
    before = snapshot(data_dir)
    summary = import_paths(setup.repo, pack, [tmp_path / "p.navtool"], store=setup.store,
                           dry_run=True)
    assert summary.total("updated") == 1 and "Dry run" in summary.text()
    assert snapshot(data_dir) == before


@pytest.mark.parametrize("closed", [True, False])
def test_responses_into_a_closed_cycle_are_refused(setup: Setup, pack: Pack, tmp_path: Path,
                                                   closed: bool) -> None:
    newer = _participant_bundle(setup, pack, setup.people[0], "refining", "2030-01-01T10:00:00.000Z")
    (tmp_path / "p.navtool").write_bytes(write_bundle(newer))
    if closed:
        setup.store.save_cycle(setup.store.get_cycle(setup.cycle_id).replace(status="closed"))
    summary = import_paths(setup.repo, pack, [tmp_path / "p.navtool"], store=setup.store)
    assert summary.ok is not closed


def test_saving_after_an_import_keeps_the_imported_records(setup: Setup, pack: Pack,
                                                           tmp_path: Path) -> None:
    """Imported records take new slots in the cycle file; a later save must not reuse them."""
    laptop = tmp_path / "laptop"
    export_bundle(setup.store, pack, "cycle", tmp_path / "c.navtool", cycle_id=setup.cycle_id,
                  answers=True, unprotected_ok=True)
    with Repository(laptop) as repo:
        import_paths(repo, pack, [tmp_path / "c.navtool"])
        store = repo.open_district(setup.store.id)
        newcomer = store.save_participant(setup.cycle_id, Participant(code="Q-1", role_group="leader"))
        for comp in setup.competencies[:4]:
            store.save_rating(setup.cycle_id, Rating(participant_id=newcomer.id, competency_id=comp,
                                                     level="refining"))
        export_bundle(store, pack, "participant", tmp_path / "q1.navtool", cycle_id=setup.cycle_id,
                      participant_id=newcomer.id, answers=True, unprotected_ok=True)
    late = setup.people[3]
    setup.store.save_rating(setup.cycle_id, Rating(participant_id=late.id,  # caches TinyDB's next id
                                                   competency_id=setup.competencies[0], level="refining"))
    import_paths(setup.repo, pack, [tmp_path / "q1.navtool"], store=setup.store)
    for comp in setup.competencies[1:3]:
        setup.store.save_rating(setup.cycle_id, Rating(participant_id=late.id, competency_id=comp,
                                                       level="developing"))
    expected = {r.id for r in setup.store.cycle(setup.cycle_id).ratings.values()}
    assert len(expected) == 6 + 1 + 4 + 2
    with Repository(setup.repo.folder, read_only=True) as reread:
        data = reread.open_district(setup.store.id, auto_backup=False).cycle(setup.cycle_id)
        assert set(data.ratings) == expected
        assert newcomer.id in data.participants


def test_an_import_never_lowers_a_threshold_without_its_record(setup: Setup, pack: Pack, tmp_path: Path) -> None:
    # another laptop's copy of the cycle: renamed later, threshold still 3 with no record
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id)
    # meanwhile the threshold was raised here, with its record
    setup.store.save_cycle(setup.store.get_cycle(setup.cycle_id).with_threshold(5, by="Ana"))
    # the rename is the later edit (its version comes after the raise)
    mine = content.cycles[0].cycle
    theirs = mine.replace(title="Fall 2025 retreat", version=setup.repo.clock.tick(),
                          prior=mine.version)  # an edit of the copy it was made from
    renamed = dataclasses.replace(content, cycles=(dataclasses.replace(content.cycles[0], cycle=theirs),))
    (tmp_path / "c.navtool").write_bytes(write_bundle(renamed))
    summary = import_paths(setup.repo, pack, [tmp_path / "c.navtool"], store=setup.store)
    # made without seeing the raise: a conflict, and the later version is taken
    assert summary.ok and summary.counts["conflicts", "cycle"] == 1
    cycle = setup.store.get_cycle(setup.cycle_id)
    assert cycle.title == "Fall 2025 retreat"  # the newer edit is taken
    assert cycle.threshold == 5 and [(c.old, c.new, c.by) for c in cycle.threshold_changes] == [(3, 5, "Ana")]
    # a copy that raises it further, with its record, is taken
    raised = cycle.with_threshold(6, by="Ben", at="2099-02-01T00:00:00.000Z").replace(version=setup.repo.clock.tick())
    again = dataclasses.replace(renamed, cycles=(dataclasses.replace(renamed.cycles[0], cycle=raised),))
    (tmp_path / "d.navtool").write_bytes(write_bundle(again))
    assert import_paths(setup.repo, pack, [tmp_path / "d.navtool"], store=setup.store).ok
    assert setup.store.get_cycle(setup.cycle_id).threshold == 6


def test_an_import_never_lowers_a_threshold_even_with_a_record(setup: Setup, pack: Pack, tmp_path: Path) -> None:
    """Attack: a file that continues this laptop's record with "lowered to 3 by Ben".

    A bundle is not signed: anyone can write such a record. A threshold is lowered only on
    this laptop, by the recorded change in the cycle's settings; the import says so.
    """
    setup.store.save_cycle(setup.store.get_cycle(setup.cycle_id).with_threshold(5, by="Ana"))
    cycle = setup.store.get_cycle(setup.cycle_id)
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id)
    lowered = cycle.with_threshold(3, by="Ben", at="2099-02-01T00:00:00.000Z").replace(
        title="Renamed", updated="2099-02-01T00:00:00.000Z", version=setup.repo.clock.tick())
    forged = dataclasses.replace(content, cycles=(dataclasses.replace(content.cycles[0], cycle=lowered),))
    (tmp_path / "f.navtool").write_bytes(write_bundle(forged))
    summary = import_paths(setup.repo, pack, [tmp_path / "f.navtool"], store=setup.store)
    assert summary.ok
    kept = setup.store.get_cycle(setup.cycle_id)
    assert kept.title == "Renamed"  # the rest of the newer edit is taken
    assert kept.threshold == 5
    assert [(c.old, c.new, c.by) for c in kept.threshold_changes] == [(3, 5, "Ana")]
    assert "threshold" in summary.text() and "5" in summary.text() and "lower" in summary.text()
