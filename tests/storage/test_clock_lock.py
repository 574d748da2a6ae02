"""Backups ordered by content with a wrong clock; a lock that holds; a read-only folder."""

from __future__ import annotations

import errno
import json
import os
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from navtool_desktop.core.records import Cycle, District, Participant, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository, StoreError
from navtool_desktop.storage.backup import backups_to_keep, newest_good
from navtool_desktop.storage.errors import FolderReadOnlyError

TODAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FUTURE = datetime(2031, 1, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test sets by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _district(repo: Repository, pack: Pack) -> tuple[str, str, Callable[[int], Rating]]:
    store = repo.create_district(District(name="Clockwork USD"))
    cycle = store.create_cycle(Cycle(title="Fall", date="2025-10-01", framework_id=pack.id,
                                     framework_version=pack.version))
    person = store.save_participant(cycle.cycle.id, Participant(name="A", role_group="educator"))
    comps = [c.id for c in pack.competencies]

    def rating(n: int) -> Rating:
        return Rating(participant_id=person.id, competency_id=comps[n % 30],
                      level=("establishing", "developing", "refining")[n % 3])

    return store.id, cycle.cycle.id, rating


def test_a_session_in_2031_then_back_to_today(data_dir: Path, pack: Pack) -> None:
    clock = Clock(TODAY)
    with Repository(data_dir, clock=clock) as repo:
        district_id, cycle_id, rating = _district(repo, pack)
        repo.open_district(district_id).backup()
        before_future = {b.path for b in repo.backups(district_id)}
    clock.now = FUTURE  # one session with the clock years ahead
    with Repository(data_dir, clock=clock) as repo:
        store = repo.open_district(district_id)
        store.save_rating(cycle_id, rating(0))
    made_in_future = {b.path for b in repo.backups(district_id)} - before_future
    made = {b.path for b in repo.backups(district_id)}
    for day in range(1, 22):  # three weeks of real work
        clock.now = TODAY + timedelta(days=day)
        with Repository(data_dir, clock=clock) as repo:
            store = repo.open_district(district_id)  # a daily backup is due every day
            store.save_rating(cycle_id, rating(day))
        made |= {b.path for b in repo.backups(district_id)}
    with Repository(data_dir, clock=clock) as repo:
        listed = repo.backups(district_id)
        assert {b.path for b in listed if b.in_future} == made_in_future != set()
        days = {datetime.fromisoformat(b.created).date() for b in listed if not b.in_future}
        assert len(days) == 22  # day 0 and every one of the 21 days: daily backups go on
        newest = newest_good(listed)
        assert newest is not None and not newest.in_future
        assert newest.generation == max(b.generation for b in listed)
        with zipfile.ZipFile(newest.path) as zf:
            cycle = json.loads(zf.read(f"cycles/{cycle_id}.json"))
        assert len(cycle["ratings"]) == 22  # the newest content, not the 2031 one
        assert {b.path for b in listed} == made  # nothing thinned while one is in the future


def test_a_future_session_does_not_thin_the_history(data_dir: Path, pack: Pack) -> None:
    clock = Clock(TODAY)
    with Repository(data_dir, clock=clock) as repo:
        district_id, cycle_id, rating = _district(repo, pack)
        store = repo.open_district(district_id)
        for day in range(40):
            clock.now = TODAY + timedelta(days=day)
            store.save_rating(cycle_id, rating(day))
            store.backup()
        history = {b.path for b in repo.backups(district_id)}
        assert len(history) > 30
        clock.now = datetime(2031, 3, 1, tzinfo=UTC)
        store.save_rating(cycle_id, rating(99))
        store.backup()
        after = {b.path for b in repo.backups(district_id)}
        assert history < after and len(after) == len(history) + 1  # the history is all there
        clock.now = TODAY + timedelta(days=41)  # the clock is behind the newest backup now
        store.save_rating(cycle_id, rating(100))
        store.backup()
        assert after < {b.path for b in repo.backups(district_id)}


def test_thinning_keeps_the_newest_content_when_the_clock_went_back() -> None:
    hourly = [TODAY - timedelta(hours=n) for n in range(24 * 400)]
    generations = {t: 24 * 400 - n for n, t in enumerate(hourly)}
    # 100 days ago the clock went back: a backup stamped 08:00 holds newer content than
    # every backup stamped later in its week.
    earlier = (TODAY - timedelta(days=100)).replace(hour=8)
    week = earlier.isocalendar()[:2]
    later = max(t for t in hourly if t.isocalendar()[:2] == week)
    generations[earlier] = generations[later] + 1
    plain = backups_to_keep(hourly, TODAY)
    assert earlier not in plain  # by time alone, the week keeps only its newest
    keep = backups_to_keep(hourly, TODAY, generations=generations)
    assert earlier in keep and keep == plain | {earlier}


# --- the lock ---------------------------------------------------------------------------


def test_a_replaced_lock_file_stops_the_first_writer(data_dir: Path, pack: Pack) -> None:
    first = Repository(data_dir)
    district_id, cycle_id, rating = _district(first, pack)
    store = first.open_district(district_id)
    lock = data_dir / "navtool.lock"
    replacement = data_dir / "lock.new"
    replacement.write_text("{}")
    os.replace(replacement, lock)  # a sync tool or a clean-up puts a new file there

    second = Repository(data_dir)  # the new file is not locked: a second writer gets in
    other = second.open_district(district_id, auto_backup=False)
    kept = other.save_rating(cycle_id, rating(1))
    with pytest.raises(StoreError, match=r"navtool\.lock"):
        store.save_rating(cycle_id, rating(2))  # never acknowledged
    with pytest.raises(StoreError, match=r"navtool\.lock"):
        store.save_profile(store.profile.replace(name="Changed"))
    first.close()
    second.close()
    with Repository(data_dir, read_only=True) as repo:
        saved = repo.open_district(district_id)
        assert kept.id in saved.cycle(cycle_id).ratings
        assert saved.profile.name == "Clockwork USD"


def test_a_deleted_lock_file_stops_the_writer(data_dir: Path, pack: Pack) -> None:
    with Repository(data_dir) as repo:
        district_id, cycle_id, rating = _district(repo, pack)
        (data_dir / "navtool.lock").unlink()
        with pytest.raises(StoreError, match=r"navtool\.lock"):
            repo.open_district(district_id).save_rating(cycle_id, rating(1))


@pytest.fixture
def read_only_mount(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data folder behaves as on a read-only file system (root ignores chmod)."""
    real_open = os.open
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def fake_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & writing and str(data_dir) in os.fsdecode(path):  # type: ignore[arg-type]
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", fake_open)


def _made(data_dir: Path, pack: Pack) -> str:
    with Repository(data_dir) as repo:
        district_id, cycle_id, rating = _district(repo, pack)
        repo.open_district(district_id).save_rating(cycle_id, rating(0))
    return district_id


def test_read_only_folder_opens_read_only(data_dir: Path, pack: Pack, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str],
                                          request: pytest.FixtureRequest) -> None:
    from navtool_desktop.cli import main
    from navtool_desktop.ui import messages, startup

    district_id = _made(data_dir, pack)
    request.getfixturevalue("read_only_mount")
    with pytest.raises(FolderReadOnlyError) as info:
        Repository(data_dir)
    assert "not saved" not in str(info.value)
    monkeypatch.setattr(messages, "ask", lambda *a, **k: pytest.fail("asked"))
    monkeypatch.setattr(messages, "error", lambda *a, **k: pytest.fail(str(a)))
    repo = startup.open_repository(None)
    assert repo is not None and repo.read_only
    assert "read-only" in (repo.read_only_reason or "")
    store = startup.open_district(repo, pack, None)
    assert store is not None and store.id == district_id and store.read_only
    repo.close()

    out = tmp_path / "elsewhere.zip"
    assert main(["backup", "--out", str(out)]) == 0, capsys.readouterr().err
    with zipfile.ZipFile(out) as zf:
        assert "district.json" in zf.namelist()


def test_read_only_banner(qtbot: object, data_dir: Path, pack: Pack,
                          request: pytest.FixtureRequest) -> None:
    from navtool_desktop.ui.main_window import MainWindow
    from navtool_desktop.ui.startup import open_district, open_repository

    _made(data_dir, pack)
    request.getfixturevalue("read_only_mount")
    repo = open_repository(None)
    assert repo is not None
    store = open_district(repo, pack, None)
    window = MainWindow(pack, store)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    assert window.read_only_banner.isVisible()
    assert "read-only" in window.read_only_banner.text()
    repo.close()
