"""A failed write during an import is undone completely, and the message says so (review L1).

A full disk is simulated by making the Nth low-level write and every one after it fail with
ENOSPC, for every N an import makes: afterwards every store file is byte for byte as before, no temp file is
left, the open district still shows the old data, and the message says nothing was imported.
"""

from __future__ import annotations

import dataclasses
import errno
from pathlib import Path

import pytest
from exchange_helpers import Setup, snapshot

from navtool_desktop import fileio
from navtool_desktop.core.records import Cycle, Participant, Plan
from navtool_desktop.exchange import BundleError, import_paths, write_bundle
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack


def _bundle_touching_three_files(setup: Setup, pack: Pack, folder: Path) -> Path:
    store = setup.store
    second = store.create_cycle(Cycle(title="Spring 2026", date="2026-03-01",
                                      framework_id=pack.id, framework_version=pack.version))
    content = make_content(store, pack, "district")
    cycles = tuple(dataclasses.replace(part, participants=(
        *part.participants, Participant(name=f"New in {part.cycle.title}", role_group="learner")))
        for part in content.cycles)
    assert {part.cycle.id for part in cycles} == {setup.cycle_id, second.cycle.id}
    content = dataclasses.replace(content, cycles=cycles, plans=(
        *content.plans, Plan(title="Plan 2026", period_start="2026-01-01", period_end="2026-12-31")))
    path = folder / "from-b.navtool"
    path.write_bytes(write_bundle(content))
    return path


def _temp_files(data_dir: Path) -> list[Path]:
    return [p for p in data_dir.rglob("*") if p.name.endswith(fileio.TEMP_SUFFIX)]


def test_a_full_disk_at_any_write_undoes_the_whole_import(
        setup: Setup, pack: Pack, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = _bundle_touching_three_files(setup, pack, tmp_path)
    before = snapshot(data_dir)
    people_before = {cid: len(setup.store.cycle(cid).participants)
                     for cid in (c.id for c in setup.store.cycles())}
    real_write_all = fileio.write_all
    failures = 0
    for fail_at in range(1, 50):
        calls = 0

        def write_all(fd: int, data: bytes, fail_at: int = fail_at) -> None:
            nonlocal calls
            calls += 1
            if calls >= fail_at:  # the disk stays full once it is
                raise OSError(errno.ENOSPC, "No space left on device")
            real_write_all(fd, data)

        monkeypatch.setattr(fileio, "write_all", write_all)
        try:
            summary = import_paths(setup.repo, pack, [bundle], store=setup.store)
        except BundleError as exc:
            failures += 1
            assert "nothing was imported" in str(exc) and "disk is full" in str(exc), str(exc)
            assert snapshot(data_dir) == before, f"a write failing at call {fail_at} left a change"
            assert not _temp_files(data_dir)
            assert {cid: len(setup.store.cycle(cid).participants)
                    for cid in people_before} == people_before
            assert len(setup.store.plans()) == 0
            continue
        monkeypatch.setattr(fileio, "write_all", real_write_all)
        assert summary.ok and fail_at > 3, summary.text()
        break
    else:
        pytest.fail("the import never succeeded")
    assert failures >= 3  # the cycle files and the district file each failed once
    assert len(setup.store.plans()) == 1
    assert all(len(setup.store.cycle(cid).participants) == n + 1 for cid, n in people_before.items())
    assert not _temp_files(data_dir)


@pytest.mark.parametrize("links", [True, False], ids=["hard-links", "no-hard-links"])
def test_a_rename_failing_part_way_through_puts_the_old_files_back(
        setup: Setup, pack: Pack, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, links: bool) -> None:
    import os

    bundle = _bundle_touching_three_files(setup, pack, tmp_path)
    before = snapshot(data_dir)
    if not links:  # a USB stick's FAT: the old bytes kept in memory are written back
        def no_link(*args: object, **kwargs: object) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    real_replace = fileio.replace_with_retry
    calls = 0

    def replace(src: str | Path, dst: Path) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # the third file's rename fails once, after two are in place
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(fileio, "replace_with_retry", replace)
    with pytest.raises(BundleError, match="nothing was imported"):
        import_paths(setup.repo, pack, [bundle], store=setup.store)
    assert calls > 3  # the undo renamed the two back
    assert snapshot(data_dir) == before
    assert not _temp_files(data_dir)
    assert len(setup.store.plans()) == 0


def test_when_the_old_files_cannot_be_put_back_the_message_says_partly_saved(
        setup: Setup, pack: Pack, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = _bundle_touching_three_files(setup, pack, tmp_path)
    real_replace = fileio.replace_with_retry
    calls = 0

    def replace(src: str | Path, dst: Path) -> None:
        nonlocal calls
        calls += 1
        if calls >= 3:  # the third move fails, and so does every move back
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(fileio, "replace_with_retry", replace)
    with pytest.raises(BundleError) as info:
        import_paths(setup.repo, pack, [bundle], store=setup.store)
    message = str(info.value)
    assert "only partly saved" in message and "nothing was imported" not in message
    monkeypatch.setattr(fileio, "replace_with_retry", real_replace)
    # importing again completes it
    assert import_paths(setup.repo, pack, [bundle], store=setup.store).ok
    assert len(setup.store.plans()) == 1
