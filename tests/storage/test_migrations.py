"""Format versions: old stores open (sample kept in tests/data), newer ones are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository, SchemaTooNewError
from navtool_desktop.storage import schema as schema_module
from navtool_desktop.storage.check import check_data_dir
from navtool_desktop.storage.repository import iter_store_files

SAMPLES = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def sample(data_dir: Path) -> Path:
    shutil.copytree(SAMPLES / "store-v1", data_dir)
    return data_dir


def meta_of(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))["meta"]["1"]


def test_sample_of_version_1_opens_and_checks(sample: Path, pack: Pack) -> None:
    with Repository(sample) as repo:
        store = repo.open_last()
        assert store is not None and store.profile.name == "Pine Ridge Unified School District"
        assert len(store.cycles()) == 4
        assert sum(len(store.cycle(c.id).ratings) for c in store.cycles()) == 306
        assert store.plans() and store.goals() and store.actions() and store.progress_notes()
    report = check_data_dir(sample, pack)
    assert report.ok, report.problems


def test_newer_file_is_refused_naming_both_versions(sample: Path) -> None:
    path = next(iter_store_files(sample))
    data = json.loads(path.read_text("utf-8"))
    data["meta"]["1"]["schema"] = 7
    path.write_text(json.dumps(data), "utf-8")
    before = path.read_bytes()
    with Repository(sample) as repo, pytest.raises(SchemaTooNewError) as info:
        repo.open_last()
    assert "data format 7" in str(info.value) and "up to 2" in str(info.value)
    assert path.read_bytes() == before


def test_migration_runner_upgrades_every_file_after_a_backup(
        sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def v1_to_v2(kind: str, data: dict[str, Any]) -> dict[str, Any]:
        seen.append(kind)
        if kind == "district":  # e.g. a new field with a default
            for doc in data["district"].values():
                doc["motto"] = ""
        return data

    def v2_to_v3(kind: str, data: dict[str, Any]) -> dict[str, Any]:
        if kind == "district":
            for doc in data["district"].values():
                del doc["motto"]
        return data

    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(schema_module, "MIGRATIONS", {1: v1_to_v2, 2: v2_to_v3})
    files = list(iter_store_files(sample))
    with Repository(sample) as repo:
        store = repo.open_last()
        assert store is not None
        for cycle in store.cycles():
            store.cycle(cycle.id)
        [backup] = store.backups()  # taken before anything was upgraded
    assert seen.count("district") == 1 and seen.count("cycle") == 4
    assert all(meta_of(path)["schema"] == 3 for path in files)
    import zipfile

    with zipfile.ZipFile(backup.path) as zf:
        old = json.loads(zf.read("district.json"))
    assert old["meta"]["1"]["schema"] == 1


def test_read_only_upgrades_in_memory_only(sample: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(schema_module, "MIGRATIONS", {1: lambda kind, data: data})
    before = {p: p.read_bytes() for p in iter_store_files(sample)}
    with Repository(sample, read_only=True) as repo:
        store = repo.open_district(repo.list_districts()[0].id)
        assert store.cycles()
    assert {p: p.read_bytes() for p in iter_store_files(sample)} == before


def test_version_1_sample_migrates_to_2_with_versions_from_its_own_times(sample: Path) -> None:
    """Schema 2: every record gets a version made from its saved time (so the order of old
    data does not change), participants an ``updated`` time, each file a tombstones table."""
    from navtool_desktop.core.clock import LEGACY_LAPTOP, parse_version, time_ms

    with Repository(sample) as repo:
        store = repo.open_last()
        assert store is not None
        for cycle in store.cycles():
            data = store.cycle(cycle.id)
            for person in data.participants.values():
                assert person.updated == person.created
                assert parse_version(person.version) == (time_ms(person.created), 0, LEGACY_LAPTOP)
            for rating in data.ratings.values():
                assert parse_version(rating.version)[0] == time_ms(rating.updated)
            assert data.tombstones == {}
        assert store.tombstones() == []
        assert all(p.version for p in store.plans())
    for path in iter_store_files(sample):
        raw = json.loads(path.read_text("utf-8"))
        assert meta_of(path)["schema"] == 2 and raw["tombstones"] == {}
        for name, table in raw.items():
            if name not in ("meta", "tombstones"):
                assert all(doc["version"] for doc in table.values()), (path.name, name)


def test_version_2_sample_opens_unchanged(data_dir: Path, pack: Pack) -> None:
    shutil.copytree(SAMPLES / "store-v2", data_dir)
    before = {p: p.read_bytes() for p in iter_store_files(data_dir)}
    with Repository(data_dir) as repo:
        store = repo.open_last()
        assert store is not None and len(store.cycles()) == 4
        assert any(store.cycle(c.id).tombstones for c in store.cycles())
        for cycle in store.cycles():
            store.cycle(cycle.id)
    assert {p: p.read_bytes() for p in iter_store_files(data_dir)} == before
    assert check_data_dir(data_dir, pack).ok
