"""An import in two halves: reading and checking files (no store), then merging (the store's thread)."""

from __future__ import annotations

from pathlib import Path

import pytest
from exchange_helpers import Setup, snapshot

from navtool_desktop.core.records import Cycle, Plan
from navtool_desktop.exchange import (
    BundleError,
    CheckedFile,
    export_bundle,
    import_paths,
    make_content,
    merge_bundles,
    read_bundle,
    read_paths,
    save_bundle,
)
from navtool_desktop.exchange.tables import export_table, table_for, write_table
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository, StoreError


def _folder(setup: Setup, pack: Pack, tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    for person in setup.people:
        export_bundle(setup.store, pack, "participant", folder / f"{person.name}.navtool",
                      cycle_id=setup.cycle_id, participant_id=person.id, answers=True, unprotected_ok=True)
    (folder / "a-broken.navtool").write_bytes(b"PK\x05\x06 cut")
    (folder / "notes.txt").write_text("not a bundle")
    for person in setup.people[2:]:
        setup.store.delete_participant(setup.cycle_id, person.id)
    return folder


def test_reading_checks_every_file_and_changes_nothing(setup: Setup, pack: Pack, tmp_path: Path,
                                                       data_dir: Path) -> None:
    folder = _folder(setup, pack, tmp_path)
    before = snapshot(data_dir)
    reports: list[tuple[int, int, str]] = []
    checked = read_paths([folder], pack, progress=lambda *a: reports.append(a))
    assert snapshot(data_dir) == before
    # the folder's bundles by name (not the .txt), each read whole or refused with a reason
    assert [c.source for c in checked] == [*(f"{p.name}.navtool" for p in setup.people),
                                           "a-broken.navtool"]
    assert all(c.content is not None for c in checked[:4])
    assert checked[4].content is None and "damaged" in checked[4].reason
    assert reports[-1] == (5, 5, "")
    summary = merge_bundles(setup.repo, pack, checked, setup.store)
    assert [name for name, _reason in summary.refused] == ["a-broken.navtool"]
    # the two removed here stay removed (their tombstones win over the older bundles)
    assert summary.counts["kept_deleted", "participant"] == 2
    assert len(setup.store.cycle(setup.cycle_id).participants) == 2


def test_the_two_halves_give_what_import_paths_gives(setup: Setup, pack: Pack, tmp_path: Path) -> None:
    folder = _folder(setup, pack, tmp_path)
    halves = merge_bundles(setup.repo, pack, read_paths([folder], pack), setup.store, dry_run=True)
    whole = import_paths(setup.repo, pack, [folder], store=setup.store, dry_run=True)
    assert halves.text() == whole.text()
    assert halves.refused == whole.refused and halves.counts == whole.counts


def test_a_write_that_fails_half_way_is_undone_and_the_store_stays_usable(
        setup: Setup, pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = setup.store
    bundle = tmp_path / "district.navtool"
    export_bundle(store, pack, "district", bundle, answers=True, unprotected_ok=True)
    with Repository(tmp_path / "other") as other:  # a second laptop adds and removes things
        import_paths(other, pack, [bundle])
        theirs = other.open_district(store.id)
        theirs.create_cycle(Cycle(title="Spring", date="2026-03-01", framework_id=pack.id,
                                  framework_version=pack.version))
        theirs.save_plan(Plan(title="Plan", period_start="2026-07-01", period_end="2027-06-30"))
        theirs.delete_participant(setup.cycle_id, setup.people[3].id)
        export_bundle(theirs, pack, "district", bundle, answers=True, unprotected_ok=True)

    def disk_full(**_kwargs: object) -> None:
        raise StoreError("disk full")

    monkeypatch.setattr(store, "merge_district", disk_full)  # after both cycle files were written
    with pytest.raises(BundleError, match="nothing was imported: disk full"):
        import_paths(setup.repo, pack, [bundle], store=store)
    assert setup.repo.open_district(store.id) is store
    assert [c.id for c in store.cycles()] == [setup.cycle_id]
    assert len(store.cycle(setup.cycle_id).participants) == 4 and store.plans() == []
    assert store.cycle(setup.cycle_id).tombstones == {}
    store.save_profile(store.profile.replace(vision="typed after the failed import"))
    assert store.profile.vision == "typed after the failed import"


def test_a_refused_file_from_reading_is_listed_in_order(setup: Setup, pack: Pack) -> None:
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    checked = [CheckedFile("b.navtool", reason="damaged"), CheckedFile("a.navtool", content)]
    summary = merge_bundles(setup.repo, pack, checked, setup.store)
    assert summary.refused == [("b.navtool", "damaged")]
    assert summary.imported == [""]  # the content's own source name


def test_exports_in_two_halves_match_the_one_call(setup: Setup, pack: Pack, tmp_path: Path) -> None:
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    save_bundle(content, tmp_path / "halves.navtool", "secret words")
    again = read_bundle((tmp_path / "halves.navtool").read_bytes(), pack, "secret words")
    assert again.cycles == content.cycles
    table = table_for(setup.store, pack, "ratings", setup.cycle_id)
    assert write_table(table, tmp_path / "halves.csv") == 6
    assert export_table(setup.store, pack, tmp_path / "whole.csv", cycle_id=setup.cycle_id) == 6
    assert (tmp_path / "halves.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    with pytest.raises(BundleError, match=r"\.pdf"):
        write_table(table, tmp_path / "r.pdf")
