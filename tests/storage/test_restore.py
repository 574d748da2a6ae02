"""Restore treats every backup as hostile, never throws away newer work, survives kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from storage_helpers import Setup, snapshot

from navtool_desktop.core.records import Cycle, District, Participant, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository, StoreError
from navtool_desktop.storage.backup import BackupError
from navtool_desktop.storage.check import check_data_dir
from navtool_desktop.storage.repository import RESTORE_STEPS

REPO_ROOT = Path(__file__).resolve().parents[2]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file and link under ``folder`` (the lock excepted), with its bytes or target."""
    if not folder.exists():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = b"-> " + os.readlink(path).encode()
        elif path.is_file() and path.name != "navtool.lock":
            found[name] = path.read_bytes()
        elif path.is_dir():
            found[name + "/"] = b""
    return found


def craft(source: Path, out: Path, manifest: dict[str, Any] | None = None,
          extra: dict[str, bytes] | None = None, symlink: str | None = None) -> Path:
    """A copy of a real backup with a changed manifest, extra members or a symlink member."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            raw = src.read(item)
            if item.filename == "manifest.json" and manifest is not None:
                raw = json.dumps({**json.loads(raw), **manifest}).encode()
            if item.filename == symlink:
                info = zipfile.ZipInfo(item.filename)
                info.external_attr = (0o120777 << 16)
                dst.writestr(info, b"../../../canary")
                continue
            dst.writestr(item, raw)
        for name, raw in (extra or {}).items():
            dst.writestr(name, raw)
    return out


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    """A folder outside the data folder that no restore may touch."""
    folder = tmp_path / "canary"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"four years of work")
    (folder / "sub" / "photos.txt").write_text("keep")
    return folder


def _crafted(setup: Setup, data_dir: Path, canary: Path, case: str) -> Path:
    info = setup.store.backup()
    out = data_dir.parent / f"{case}.zip"
    rel = os.path.relpath(canary, data_dir / "districts")
    if case == "dotdot-id":
        return craft(info.path, out, {"district_id": rel})
    if case == "absolute-id":
        return craft(info.path, out, {"district_id": str(canary)})
    if case == "replaced-prefix-id":
        return craft(info.path, out, {"district_id": "/../.replaced-x/" + rel})
    if case == "absolute-member":
        return craft(info.path, out, extra={str(canary / "district.json"): b"{}"})
    if case == "dotdot-member":
        return craft(info.path, out, extra={f"cycles/../../{rel}/x.json": b"{}"})
    if case == "symlink-member":
        return craft(info.path, out, symlink="district.json")
    if case == "another-district":
        other = setup.repo.create_district(District(name="Another District"))
        return craft(info.path, out, {"district_id": other.id})
    if case == "upper-case-id":
        return craft(info.path, out, {"district_id": setup.store.id.upper()})
    if case == "too-many-members":
        extra = {f"cycles/{Cycle(title='x', date='2025-01-01', framework_id='f', framework_version='1').id}.json": b"{}"
                 for _ in range(3)}
        return craft(info.path, out, extra=extra)
    raise AssertionError(case)


CASES = ["dotdot-id", "absolute-id", "replaced-prefix-id", "absolute-member", "dotdot-member",
         "symlink-member", "another-district", "upper-case-id", "too-many-members"]


@pytest.mark.parametrize("case", CASES)
def test_crafted_backups_are_refused_and_nothing_changes(setup: Setup, data_dir: Path,
                                                         canary: Path, case: str) -> None:
    bad = _crafted(setup, data_dir, canary, case)
    data_before, canary_before = tree(data_dir), tree(canary)
    with pytest.raises(BackupError):
        setup.repo.restore(bad)
    assert tree(data_dir) == data_before
    assert tree(canary) == canary_before
    assert not list(data_dir.parent.glob(".replaced*")) and not list(data_dir.glob(".*restore*"))


def test_crafted_backup_through_the_cli(setup: Setup, data_dir: Path, canary: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from navtool_desktop.cli import main

    bad = _crafted(setup, data_dir, canary, "dotdot-id")
    setup.repo.close()
    data_before, canary_before = tree(data_dir), tree(canary)
    assert main(["restore", str(bad)]) == 1
    assert "not a usable" in capsys.readouterr().err
    assert tree(data_dir) == data_before and tree(canary) == canary_before


def test_backup_with_records_that_fail_their_checks_is_refused(setup: Setup,
                                                               data_dir: Path) -> None:
    info = setup.store.backup()
    with zipfile.ZipFile(info.path) as zf:
        raw = json.loads(zf.read(f"cycles/{setup.cycle_id}.json"))
    doc = next(iter(raw["participants"].values()))
    doc["role_group"] = "admin"
    bad = data_dir.parent / "bad.zip"
    with zipfile.ZipFile(info.path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == f"cycles/{setup.cycle_id}.json":
                data = json.dumps(raw).encode()
            dst.writestr(item, data)
    before = tree(data_dir)
    with pytest.raises(BackupError, match="role_group"):
        setup.repo.restore(bad)
    assert tree(data_dir) == before


# --- never throw away newer work ------------------------------------------------------


def _day_one(data_dir: Path, pack: Pack) -> tuple[str, str, list[Participant]]:
    """A district with a cycle and people, closed (which backs it up)."""
    with Repository(data_dir) as repo:
        store = repo.create_district(District(name="Pine Ridge"))
        cycle = store.create_cycle(Cycle(title="Fall", date="2025-10-01", framework_id=pack.id,
                                         framework_version=pack.version))
        people = [store.save_participant(cycle.cycle.id, Participant(name=f"P{n}",
                                                                     role_group="educator"))
                  for n in range(3)]
        return store.id, cycle.cycle.id, people


def test_damaged_district_file_restore_keeps_every_newer_rating(data_dir: Path, pack: Pack,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    from navtool_desktop.ui import messages, startup

    district_id, cycle_id, people = _day_one(data_dir, pack)
    comps = [c.id for c in pack.competencies]
    repo = Repository(data_dir)
    store = repo.open_district(district_id)
    saved = {store.save_rating(cycle_id, Rating(participant_id=people[n % 3].id,
                                                competency_id=comps[n // 3],
                                                level="refining")).id for n in range(30)}
    repo._lock.release()  # the process was killed: no closing backup
    district_file = data_dir / "districts" / district_id / "district.json"
    district_file.write_bytes(district_file.read_bytes()[:-40])  # cut

    asked: list[str] = []
    monkeypatch.setattr(messages, "ask", lambda _p, _t, text, **_k: asked.append(text) or True)
    monkeypatch.setattr(messages, "error", lambda *a, **k: pytest.fail(str(a)))
    with Repository(data_dir) as repo2:
        store2 = startup.open_district(repo2, pack, None)
        assert store2 is not None
        assert set(store2.cycle(cycle_id).ratings) == saved
        assert "district.json" in asked[0]
    corrupt = list(district_file.parent.glob("district.json.corrupt-*"))
    assert len(corrupt) == 1  # the set-aside file is kept until the user deletes it


def test_full_restore_keeps_what_it_replaced(setup: Setup, data_dir: Path) -> None:
    store = setup.store
    info = store.backup()
    newer = store.save_rating(setup.cycle_id, setup.rating(0, "refining"))
    before = snapshot(store.folder)
    setup.repo.restore(info.path)
    kept = setup.repo.replaced_folders(store.id)
    assert kept and snapshot(kept[-1]) == before
    safety = setup.repo.backups(store.id)[0]
    with zipfile.ZipFile(safety.path) as zf:
        assert newer.id in zf.read(f"cycles/{setup.cycle_id}.json").decode()


def test_restore_stops_when_the_safety_copy_fails(setup: Setup, data_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from navtool_desktop.storage import backup as backups

    info = setup.store.backup()
    setup.store.save_rating(setup.cycle_id, setup.rating(0, "refining"))
    before = tree(data_dir)

    def full(*_a: object, **_k: object) -> None:
        raise backups.BackupError("The disk is full.")

    monkeypatch.setattr(backups, "make_backup", full)
    with pytest.raises(StoreError, match="disk is full"):
        setup.repo.restore(info.path)
    assert tree(data_dir) == before


def test_new_district_from_a_backup_gets_a_higher_generation(setup: Setup,
                                                             data_dir: Path) -> None:
    store = setup.store
    old = store.backup()
    for n in range(5):
        store.save_rating(setup.cycle_id, setup.rating(n))
    newer = store.backup()
    assert newer.generation > old.generation
    setup.repo.restore(old.path)
    again = setup.repo.open_district(store.id)
    again.save_rating(setup.cycle_id, setup.rating(9))
    latest = again.backup()
    assert latest.generation > newer.generation  # the restored line of work is the newest


# --- kills during a restore -----------------------------------------------------------

_CHILD = """
import os, signal, sys
from navtool_desktop.storage import repository

step = sys.argv[3]
def hook(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL)
repository.restore_step = hook
repo = repository.Repository(sys.argv[1])
repo.restore(sys.argv[2])
print("finished", flush=True)
"""


def _ratings(data_dir: Path, district_id: str, cycle_id: str) -> set[str]:
    with Repository(data_dir, read_only=True) as repo:
        return set(repo.open_district(district_id).cycle(cycle_id).ratings)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("step", RESTORE_STEPS)
@pytest.mark.parametrize("check_first", [False, True])
def test_sigkill_at_every_step_of_a_restore(data_dir: Path, pack: Pack, step: str,
                                            check_first: bool) -> None:
    with Repository(data_dir) as repo:
        store = repo.create_district(District(name="Kill Test"))
        cycle = store.create_cycle(Cycle(title="Fall", date="2025-10-01", framework_id=pack.id,
                                         framework_version=pack.version))
        person = store.save_participant(cycle.cycle.id, Participant(name="A",
                                                                    role_group="educator"))
        comps = [c.id for c in pack.competencies]
        store.save_rating(cycle.cycle.id, Rating(participant_id=person.id,
                                                 competency_id=comps[0], level="developing"))
        backup = store.backup()
        store.save_rating(cycle.cycle.id, Rating(participant_id=person.id,
                                                 competency_id=comps[1], level="refining"))
        district_id, cycle_id = store.id, cycle.cycle.id
    old = _ratings(data_dir, district_id, cycle_id)
    with zipfile.ZipFile(backup.path) as zf:
        raw = json.loads(zf.read(f"cycles/{cycle_id}.json"))
    new = {doc["id"] for doc in raw["ratings"].values()}
    assert new != old

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.run([sys.executable, "-c", _CHILD, str(data_dir), str(backup.path), step],
                           env=env, capture_output=True, text=True, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr  # the step was reached

    if check_first:
        report = check_data_dir(data_dir, pack)
        if step == RESTORE_STEPS[-1]:
            assert report.ok, report.problems  # the restore had finished
        else:  # named, and finished or rolled back
            assert report.problems and all("restore" in p for p in report.problems), \
                report.problems
        assert check_data_dir(data_dir, pack).ok  # check fixed it
    with Repository(data_dir):  # the next start finishes or rolls back the swap
        pass
    assert _ratings(data_dir, district_id, cycle_id) in (old, new)
    assert check_data_dir(data_dir, pack).ok
    districts = data_dir / "districts"
    assert sorted(p.name for p in districts.iterdir()) == [district_id]


def test_a_cycle_started_after_the_backup_is_listed_again(data_dir: Path, pack: Pack,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from navtool_desktop.ui import messages, startup

    district_id, _cycle_id, _people = _day_one(data_dir, pack)
    repo = Repository(data_dir)
    store = repo.open_district(district_id)
    later = store.create_cycle(Cycle(title="Spring", date="2026-03-01", framework_id=pack.id,
                                     framework_version=pack.version))
    person = store.save_participant(later.cycle.id, Participant(name="Q", role_group="leader"))
    saved = store.save_rating(later.cycle.id, Rating(participant_id=person.id,
                                                     competency_id=pack.competencies[0].id,
                                                     level="refining"))
    repo._lock.release()  # killed: no closing backup
    (data_dir / "districts" / district_id / "district.json").write_bytes(b"")
    monkeypatch.setattr(messages, "ask", lambda *a, **k: True)
    monkeypatch.setattr(messages, "error", lambda *a, **k: pytest.fail(str(a)))
    with Repository(data_dir) as repo2:
        store2 = startup.open_district(repo2, pack, None)
        assert store2 is not None
        recovered = store2.get_cycle(later.cycle.id)
        assert recovered.title == "Recovered cycle 1"
        assert saved.id in store2.cycle(later.cycle.id).ratings
    assert check_data_dir(data_dir, pack).ok


def test_a_damaged_cycle_file_alone_is_brought_back(setup: Setup, data_dir: Path,
                                                    pack: Pack,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from navtool_desktop.core.records import Plan
    from navtool_desktop.ui import messages, startup

    store = setup.store
    rating = store.save_rating(setup.cycle_id, setup.rating(0))
    store.backup()
    plan = store.save_plan(Plan(title="Plan after the backup", period_start="2026-01-01",
                                period_end="2027-06-30"))
    setup.repo.close()
    cycle_file = store.folder / "cycles" / f"{setup.cycle_id}.json"
    cycle_file.write_bytes(cycle_file.read_bytes()[:50])
    monkeypatch.setattr(messages, "ask", lambda _p, _t, text, **_k: "alone" in text)
    monkeypatch.setattr(messages, "error", lambda *a, **k: pytest.fail(str(a)))
    with Repository(data_dir) as repo:
        reopened = repo.open_district(store.id)
        with pytest.raises(StoreError) as info:
            reopened.cycle(setup.cycle_id)
        from navtool_desktop.storage import DamagedStoreError
        assert isinstance(info.value, DamagedStoreError)
        startup._offer_restore(repo, info.value, None)
        again = repo.open_district(store.id)
        assert rating.id in again.cycle(setup.cycle_id).ratings
        assert [p.id for p in again.plans()] == [plan.id]  # newer work in district.json stays
    assert list(cycle_file.parent.glob("*.corrupt-*"))


@pytest.mark.parametrize("lie", ["generation", "missing-cycle"])
def test_a_backup_that_lies_about_itself_is_refused(setup: Setup, data_dir: Path,
                                                    lie: str) -> None:
    info = setup.store.backup()
    bad = data_dir.parent / "lie.zip"
    with zipfile.ZipFile(info.path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            raw = src.read(item)
            if item.filename == "manifest.json" and lie == "generation":
                raw = json.dumps({**json.loads(raw), "generation": 10**9}).encode()
            if lie == "missing-cycle" and item.filename.startswith("cycles/"):
                continue
            dst.writestr(item, raw)
    before = tree(data_dir)
    with pytest.raises(BackupError):
        setup.repo.restore(bad)
    assert tree(data_dir) == before
