"""Backups: the thinning rule with fixed dates, making, restoring, refusing bad zips."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from storage_helpers import Setup, snapshot

from navtool_desktop.storage import Repository
from navtool_desktop.storage.backup import BackupError, backups_to_keep, thin_backups

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)


def test_keeps_the_recent_ones() -> None:
    times = [NOW - timedelta(minutes=10 * n) for n in range(10)]
    assert backups_to_keep(times, NOW) == set(times)


def test_thinning_with_fixed_dates() -> None:
    hourly = [NOW - timedelta(hours=n) for n in range(24 * 400)]  # 400 days, every hour
    keep = backups_to_keep(hourly, NOW, recent=5, daily_days=7, weekly_weeks=8)
    newest_five = set(hourly[:5])
    assert newest_five <= keep
    days = {t.date() for t in keep if NOW - t <= timedelta(days=7)}
    assert len(days) == 8  # today and 7 days back, one each (the newest of the day)
    assert datetime(2025, 6, 25, 23, 0, tzinfo=UTC) in keep  # last backup of 25 June
    assert datetime(2025, 6, 25, 22, 0, tzinfo=UTC) not in keep
    weeks = [t for t in keep if timedelta(days=7) < NOW - t <= timedelta(weeks=8)]
    assert len({t.isocalendar()[:2] for t in weeks}) == len(weeks)
    months = [t for t in keep if NOW - t > timedelta(weeks=8)]
    assert len({(t.year, t.month) for t in months}) == len(months)
    assert datetime(2024, 12, 31, 23, 0, tzinfo=UTC) in keep  # newest of December
    assert len(keep) < 40


def test_thinning_is_stable() -> None:
    times = [NOW - timedelta(hours=7 * n) for n in range(500)]
    keep = backups_to_keep(times, NOW)
    assert backups_to_keep(keep, NOW) == keep


def test_thin_backups_deletes_files(tmp_path: Path) -> None:
    for n in range(30):
        moment = NOW - timedelta(days=n, hours=1)
        (tmp_path / (moment.strftime("%Y%m%dT%H%M%S%fZ") + ".zip")).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("keep me")
    removed = thin_backups(tmp_path, NOW)
    assert not removed  # 30 days of dailies: all inside the daily window
    removed = thin_backups(tmp_path, NOW + timedelta(days=60))
    assert removed and (tmp_path / "notes.txt").exists()


def test_backup_and_restore_round_trip(setup: Setup, data_dir: Path) -> None:
    store = setup.store
    rating = store.save_rating(setup.cycle_id, setup.rating(0))
    info = store.backup()
    files_then = {k: v for k, v in snapshot(store.folder).items()}
    store.save_rating(setup.cycle_id, setup.rating(1))
    store.save_profile(store.profile.replace(name="Renamed"))
    assert setup.repo.restore(info.path) == store.id
    # the same files, but for the write counter: the restored state counts as the newest
    assert _content(snapshot(store.folder)) == _content(files_then)
    assert json.loads(snapshot(store.folder)["district.json"])["meta"]["1"]["generation"] > \
        json.loads(files_then["district.json"])["meta"]["1"]["generation"]
    again = setup.repo.open_district(store.id)
    assert again.profile.name == "Peña Valley Schools"
    assert list(again.cycle(setup.cycle_id).ratings) == [rating.id]
    assert len(again.backups()) >= 2  # the replaced state was backed up first


def _content(files: dict[str, bytes]) -> dict[str, object]:
    found = {}
    for name, raw in files.items():
        data = json.loads(raw)
        data["meta"]["1"].pop("generation", None)
        found[name] = data
    return found


def test_restore_into_an_empty_folder(setup: Setup, tmp_path: Path) -> None:
    info = setup.store.backup()
    with Repository(tmp_path / "other") as repo:
        district_id = repo.restore(info.path)
        assert repo.open_district(district_id).profile.name == "Peña Valley Schools"


@pytest.mark.parametrize("member", ["../evil.json", "/etc/passwd", "district.json.exe"])
def test_restore_refuses_unexpected_files(setup: Setup, data_dir: Path, member: str) -> None:
    info = setup.store.backup()
    bad = data_dir / "bad.zip"
    with zipfile.ZipFile(info.path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr(member, b"{}")
    before = snapshot(setup.store.folder)
    with pytest.raises(BackupError, match="unexpected file"):
        setup.repo.restore(bad)
    assert snapshot(setup.store.folder) == before


def test_restore_refuses_a_damaged_zip(setup: Setup, data_dir: Path) -> None:
    info = setup.store.backup()
    bad = data_dir / "cut.zip"
    bad.write_bytes(info.path.read_bytes()[:200])
    with pytest.raises(BackupError, match="not a usable"):
        setup.repo.restore(bad)


def test_no_backup_of_a_damaged_store(setup: Setup) -> None:
    from navtool_desktop.storage import DamagedStoreError

    path = setup.store.folder / "cycles" / f"{setup.cycle_id}.json"
    path.write_bytes(b"")
    with pytest.raises(DamagedStoreError):
        setup.store.backup()
