"""One writer per data folder: a second copy refuses with a message, or opens read-only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from navtool_desktop.core.records import District
from navtool_desktop.storage import ReadOnlyStoreError, Repository, StoreLockedError


def test_second_writer_is_refused_with_who_holds_it(data_dir: Path) -> None:
    with Repository(data_dir):
        with pytest.raises(StoreLockedError) as info:
            Repository(data_dir)
        assert info.value.holder["pid"] == os.getpid()
        assert f"process {os.getpid()}" in str(info.value)
        assert "read-only" in str(info.value)
        with Repository(data_dir, read_only=True) as viewer:
            assert viewer.list_districts() == []
            with pytest.raises(ReadOnlyStoreError):
                viewer.create_district(District(name="Nope"))
    with Repository(data_dir):  # released on close
        pass


def test_lock_held_by_another_process(data_dir: Path) -> None:
    code = ("import sys, time; from navtool_desktop.storage import Repository; "
            "r = Repository(sys.argv[1]); print('locked', flush=True); time.sleep(30)")
    child = subprocess.Popen([sys.executable, "-c", code, str(data_dir)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLockedError, match=f"process {child.pid}"):
            Repository(data_dir)
    finally:
        child.kill()
        child.communicate()
    with Repository(data_dir):  # the OS released the dead process's lock: no stale lock
        pass
