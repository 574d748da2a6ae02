"""Nth-call fault injection: a save that fails at any I/O call changes nothing on disk."""

from __future__ import annotations

import builtins
import errno
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from storage_helpers import Setup, snapshot

from navtool_desktop import fileio
from navtool_desktop.storage import StoreError, StoreWriteError

#: Every I/O function a save could call; each call is counted and one of them fails.
IO_FUNCTIONS = ("open", "read", "write", "fsync", "close", "replace", "rename", "unlink",
                "ftruncate", "lseek", "mkdir")


class FaultInjector:
    """Counts calls to the I/O functions and raises ``OSError(code)`` at call ``fail_at``."""

    def __init__(self, fail_at: int | None = None, code: int = errno.EIO) -> None:
        self.fail_at, self.code = fail_at, code
        self.calls: list[str] = []
        self.failed: str | None = None

    def wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            if len(self.calls) == self.fail_at:
                self.calls.append(name)
                self.failed = name
                raise OSError(self.code, os.strerror(self.code))
            self.calls.append(name)
            return real(*args, **kwargs)

        return counted

    @contextmanager
    def active(self) -> Iterator[FaultInjector]:
        saved = {name: getattr(os, name) for name in IO_FUNCTIONS}
        real_open = builtins.open
        try:
            for name, real in saved.items():
                setattr(os, name, self.wrap(name, real))
            builtins.open = self.wrap("builtins.open", real_open)
            yield self
        finally:
            for name, real in saved.items():
                setattr(os, name, real)
            builtins.open = real_open


def disk_ratings(setup: Setup) -> dict[str, dict[str, Any]]:
    path = setup.store.folder / "cycles" / f"{setup.cycle_id}.json"
    return {d["id"]: d for d in json.loads(path.read_text("utf-8"))["ratings"].values()}


PLAIN = {errno.EIO: "The disk reported an error while saving",
         errno.ENOSPC: "The disk is full"}


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC], ids=["EIO", "ENOSPC"])
def test_rating_save_fails_cleanly_at_every_io_call(setup: Setup, data_dir: Path,
                                                    code: int) -> None:
    store, cid = setup.store, setup.cycle_id
    for n in range(12):
        store.save_rating(cid, setup.rating(n))
    with FaultInjector().active() as probe:
        store.save_rating(cid, setup.rating(50))
    total = len(probe.calls)
    assert {"open", "write", "fsync", "close", "replace"} <= set(probe.calls)
    for k in range(total):
        before = snapshot(data_dir)
        rating = setup.rating(60 + k, "refining", note=f"attempt {k}")
        injector = FaultInjector(fail_at=k, code=code)
        with injector.active(), pytest.raises(StoreWriteError) as info:
            store.save_rating(cid, rating)
        assert injector.failed == probe.calls[k]
        assert snapshot(data_dir) == before, f"files changed by a failure at {probe.calls[k]}"
        message = str(info.value)
        assert message.startswith(PLAIN[code]) and "Errno" not in message
        assert "earlier work is safe" in message
        # what the store shows is what the disk holds
        assert {r.id: r.to_dict() for r in store.ratings(cid)} == disk_ratings(setup)
        saved = store.save_rating(cid, rating)
        assert disk_ratings(setup)[saved.id] == saved.to_dict()


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC], ids=["EIO", "ENOSPC"])
def test_profile_and_cascade_fail_cleanly(setup: Setup, data_dir: Path, code: int) -> None:
    """Each failing call (reads included, once memory was dropped) changes nothing."""
    store = setup.store
    for n in range(8):
        store.save_rating(setup.cycle_id, setup.rating(n))
    changes: list[Callable[[], object]] = [
        lambda: store.save_profile(store.profile.replace(vision="New vision")),
        lambda: store.delete_participant(setup.cycle_id, setup.participants[0].id),
    ]
    for change in changes:
        for k in range(40):
            before = snapshot(data_dir)
            injector = FaultInjector(fail_at=k, code=code)
            try:
                with injector.active():
                    change()
            except StoreError as exc:
                assert injector.failed is not None
                assert snapshot(data_dir) == before
                assert "Errno" not in str(exc)
            else:
                assert injector.failed is None
                break
        else:
            pytest.fail("the change never succeeded")
    assert store.profile.vision == "New vision"
    assert setup.participants[0].id not in store.cycle(setup.cycle_id).participants


def test_replace_is_retried_when_briefly_refused(setup: Setup,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fileio, "REPLACE_RETRY_DELAYS", (0.0, 0.0, 0.0))
    real_replace = os.replace
    refusals = iter([True, True])

    def flaky(src: str, dst: Any) -> None:
        if next(refusals, False):
            raise PermissionError(errno.EACCES, "held by antivirus")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    saved = setup.store.save_rating(setup.cycle_id, setup.rating(0))
    assert saved.id in disk_ratings(setup)


def test_replace_refused_for_good_is_reported(setup: Setup, data_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fileio, "REPLACE_RETRY_DELAYS", (0.0, 0.0))
    before = snapshot(data_dir)

    def refused(src: str, dst: Any) -> None:
        raise PermissionError(errno.EACCES, "held")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(StoreWriteError, match="cannot be written to"):
        setup.store.save_rating(setup.cycle_id, setup.rating(0))
    assert snapshot(data_dir) == before
