"""``navtool serve``: the headless server in its own process, stopped with Ctrl+C (SIGINT)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from phone_helpers import send

from navtool_desktop.core.records import Cycle, District, Participant
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX here")
def test_serve_saves_through_its_single_writer_and_stops_on_ctrl_c(data_dir: Path, pack: Pack) -> None:
    with Repository(data_dir) as repo:
        store = repo.create_district(District(name="Peña Valley Schools"))
        cid = store.create_cycle(Cycle(title="Retreat", date="2026-12-01", framework_id=pack.id,
                                       framework_version=pack.version, scope=("culture",))).cycle.id
        person = store.save_participant(cid, Participant(name="Ana", role_group="leader"))
    comp = next(c.id for c in pack.competencies if c.id.startswith("culture."))
    env = {**os.environ, "PYTHONPATH": str(REPO), "NAVTOOL_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "navtool_desktop.cli", "serve", "--bind", "127.0.0.1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"http://127\.0\.0\.1:(\d+)/j/([A-Z0-9]{6})", line)
        assert found, line + (proc.stderr.read() if proc.stderr and proc.poll() is not None else "")
        port, code = int(found.group(1)), found.group(2)
        status, reply = send(port, "POST", f"/api/{code}/join", {"participant": person.id, "pin": "2468"})
        assert status == 200
        status, reply = send(port, "POST", f"/api/{code}/rate",
                             {"token": reply["token"], "competency": comp, "level": "establishing"})
        assert (status, reply) == (200, {"saved": comp})
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Stopped" in out
    with Repository(data_dir, read_only=True) as repo:
        [rating] = repo.open_district(repo.last_district_id() or "", auto_backup=False).ratings(cid)
    assert (rating.participant_id, rating.level) == (person.id, "establishing")

    # started again (a new process: nothing in memory): same address, and the PIN still holds
    proc = subprocess.Popen([sys.executable, "-m", "navtool_desktop.cli", "serve", "--bind", "127.0.0.1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert f"http://127.0.0.1:{port}/j/{code}" in line, line
        status, reply = send(port, "POST", f"/api/{code}/join", {"participant": person.id, "pin": "1111"})
        assert status == 403 and "PIN is not right" in reply["error"]
        assert send(port, "POST", f"/api/{code}/join", {"participant": person.id, "pin": "2468"})[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err


def test_serve_refuses_every_interface(data_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NAVTOOL_DATA_DIR": str(data_dir)}
    with Repository(data_dir) as repo:
        repo.create_district(District(name="X")).create_cycle(
            Cycle(title="R", date="2026-12-01", framework_id="navigation-tool", framework_version="1"))
    result = subprocess.run([sys.executable, "-m", "navtool_desktop.cli", "serve", "--bind", "0.0.0.0"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "one network only" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_says_phone_rating_already_runs(data_dir: Path, pack: Pack) -> None:
    """The app serves the cycle (it holds the data folder and the cycle's lock): a second
    start from the command line names where phone rating runs, without a traceback."""
    from navtool_desktop.phones.keys import CycleLock

    env = {**os.environ, "PYTHONPATH": str(REPO), "NAVTOOL_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "navtool_desktop.cli", "serve", "--bind", "127.0.0.1"]
    repo = Repository(data_dir)
    store = repo.create_district(District(name="Peña Valley Schools"))
    cid = store.create_cycle(Cycle(title="Retreat", date="2026-12-01", framework_id=pack.id,
                                   framework_version=pack.version, scope=("culture",))).cycle.id
    lock = CycleLock(store, cid)
    lock.acquire("Retreat")
    lock.note("http://127.0.0.1:8123/j/ABCDEF")
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "Phone rating is already running at http://127.0.0.1:8123/j/ABCDEF" in result.stderr
        repo.close()  # only the cycle's lock is held now (another copy serving it)
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "already running for the cycle \u201cRetreat\u201d" in result.stderr
    finally:
        lock.release()
        repo.close()
