"""A damaged store file is never opened as empty nor overwritten: set aside, backups offered."""

from __future__ import annotations

from pathlib import Path

import pytest
from storage_helpers import Setup

from navtool_desktop.storage import DamagedStoreError, Repository

DAMAGE = {
    "empty": lambda raw: b"",
    "cut": lambda raw: raw[: len(raw) // 2],
    "not_json": lambda raw: b"<html>Sync conflict</html>",
    "encoding": lambda raw: raw.decode("utf-8").encode("utf-16"),
    "latin1": lambda raw: raw.replace(b"{", b"{\"caf\xe9\":{},", 1),
}


def damage_district(setup: Setup, data_dir: Path, which: str, how: str) -> Path:
    store = setup.store
    store.save_rating(setup.cycle_id, setup.rating(0))
    store.backup()
    setup.repo.close()
    path = (store.folder / "district.json" if which == "district"
            else store.folder / "cycles" / f"{setup.cycle_id}.json")
    if how == "missing":
        path.unlink()
    else:
        path.write_bytes(DAMAGE[how](path.read_bytes()))
    return path


@pytest.mark.parametrize("how", [*DAMAGE, "missing"])
@pytest.mark.parametrize("which", ["district", "cycle"])
def test_damaged_file_is_set_aside_and_backup_offered(setup: Setup, data_dir: Path,
                                                      which: str, how: str) -> None:
    path = damage_district(setup, data_dir, which, how)
    damaged_bytes = None if how == "missing" else path.read_bytes()
    with Repository(data_dir) as repo, pytest.raises(DamagedStoreError) as info:
        store = repo.open_district(setup.store.id)
        store.cycle(setup.cycle_id)
    exc = info.value
    assert exc.reason == ("encoding" if how == "latin1" else how)
    assert exc.newest_backup is not None and exc.newest_backup.path.exists()
    assert "restore" in str(exc)
    assert not path.exists()  # never recreated as empty
    if how != "missing":
        assert exc.set_aside is not None and ".corrupt-" in exc.set_aside.name
        assert exc.set_aside.read_bytes() == damaged_bytes  # kept exactly as found
    # Opening again still refuses (the file is missing now), then the backup restores it.
    with Repository(data_dir) as repo:
        with pytest.raises(DamagedStoreError) as again:
            repo.open_district(setup.store.id).cycle(setup.cycle_id)
        if how != "missing":  # the second time says where the damaged file went
            assert f"set aside earlier as {exc.set_aside.name}" in str(again.value)
        repo.restore(exc.backups[0].path)
        store = repo.open_district(setup.store.id)
        assert len(store.cycle(setup.cycle_id).ratings) == 1


def test_read_only_never_renames(setup: Setup, data_dir: Path) -> None:
    path = damage_district(setup, data_dir, "cycle", "cut")
    with Repository(data_dir, read_only=True) as repo, pytest.raises(DamagedStoreError) as info:
        repo.open_district(setup.store.id).cycle(setup.cycle_id)
    assert info.value.set_aside is None and path.exists()


def test_damaged_district_is_listed_with_its_problem(setup: Setup, data_dir: Path) -> None:
    damage_district(setup, data_dir, "district", "empty")
    with Repository(data_dir) as repo:
        [summary] = repo.list_districts()
    assert summary.problem is not None and "empty" in summary.problem


def test_invalid_record_is_damage_too(setup: Setup, data_dir: Path) -> None:
    setup.store.save_rating(setup.cycle_id, setup.rating(0))
    setup.repo.close()
    path = setup.store.folder / "cycles" / f"{setup.cycle_id}.json"
    path.write_bytes(path.read_bytes().replace(b'"developing"', b'"excellent"'))
    with Repository(data_dir) as repo, pytest.raises(DamagedStoreError, match="excellent"):
        repo.open_district(setup.store.id).cycle(setup.cycle_id)
