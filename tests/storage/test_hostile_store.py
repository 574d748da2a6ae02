"""Attacks on the store after issue 12: numbers and nesting that Python's JSON parser
cannot take, member names and document ids that only look right, a kill in the middle
of an import's commit, and hostile small files (lock, settings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from storage_helpers import Setup

from navtool_desktop import fileio
from navtool_desktop.core.records import Cycle
from navtool_desktop.framework import Pack
from navtool_desktop.storage import DamagedStoreError, Repository, StoreError
from navtool_desktop.storage.atomic import WriteBatch
from navtool_desktop.storage.backup import BackupError
from navtool_desktop.storage.check import check_data_dir
from navtool_desktop.storage.lock import LOCK_NAME

#: Store-file texts Python's json cannot turn into data: more digits than
#: ``sys.get_int_max_str_digits`` (a plain ValueError) and nesting deeper than the
#: recursion limit (RecursionError).
HOSTILE = {
    "huge-number": lambda raw: raw[:-1] + b',"x":{"n":' + b"9" * 5000 + b"}}",
    "deep-nesting": lambda raw: raw[:-1] + b',"x":{"n":' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
}


def _rewrite(source: Path, out: Path, member: str, change: Callable[[bytes], bytes],
             extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            raw = src.read(item)
            dst.writestr(item.filename, change(raw) if item.filename == member else raw)
        for name, raw in (extra or {}).items():
            dst.writestr(name, raw)
    return out


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_store_file_python_cannot_parse_is_damaged_not_a_crash(
        setup: Setup, data_dir: Path, pack: Pack, case: str) -> None:
    setup.store.save_rating(setup.cycle_id, setup.rating(0))
    path = setup.store.folder / "cycles" / f"{setup.cycle_id}.json"
    setup.repo.close()
    path.write_bytes(HOSTILE[case](path.read_bytes()))
    report = check_data_dir(data_dir, pack)  # read only: names it, no traceback
    assert any(path.name in p for p in report.problems), report.problems
    with Repository(data_dir) as repo, pytest.raises(DamagedStoreError):
        repo.open_district(setup.store.id).cycle(setup.cycle_id)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_backup_python_cannot_parse_is_refused(setup: Setup, data_dir: Path,
                                                 case: str) -> None:
    info = setup.store.backup()
    bad = _rewrite(info.path, data_dir.parent / "bad.zip", f"cycles/{setup.cycle_id}.json",
                   HOSTILE[case])
    with pytest.raises(BackupError):
        setup.repo.restore(bad)


def _no_generation(raw: bytes) -> bytes:
    data = json.loads(raw)
    data["meta"]["1"].pop("generation", None)
    return json.dumps(data).encode()


@pytest.mark.parametrize("suffix", ["\n", "\r\n"])
def test_a_member_name_with_a_trailing_line_break_is_refused(setup: Setup, data_dir: Path,
                                                             suffix: str) -> None:
    """``$`` in a regular expression also matches before a final newline: such a member
    would be written as a file whose name ends in a line break."""
    info = setup.store.backup()
    member = f"cycles/{setup.cycle_id}.json"
    with zipfile.ZipFile(info.path) as zf:
        copy = _no_generation(zf.read(member))  # so the manifest's generation still adds up
    bad = _rewrite(info.path, data_dir.parent / "nl.zip", "", bytes,
                   extra={member + suffix: copy})
    with pytest.raises(BackupError):
        setup.repo.restore(bad)
    names = [p.name for p in (setup.store.folder / "cycles").iterdir()]
    assert all("\n" not in n and "\r" not in n for n in names), names


@pytest.mark.parametrize("doc_id", ["\u00b2", "\u0661", "\uff11"])
def test_document_ids_are_ascii_digits(setup: Setup, data_dir: Path, doc_id: str) -> None:
    """``str.isdigit`` says yes to superscripts and other scripts' digits; int() then
    fails on some ("²") and silently maps others ("١", "１") onto slot 1."""
    info = setup.store.backup()
    member = f"cycles/{setup.cycle_id}.json"
    bad = _rewrite(info.path, data_dir.parent / "ids.zip", member,
                   lambda raw: raw.replace(b'"participants":{"1":',
                                           b'"participants":{' + json.dumps(doc_id).encode() + b":"))
    with pytest.raises(BackupError, match="not a number"):
        setup.repo.restore(bad)


def test_a_kill_part_way_through_an_import_commit_never_lists_a_cycle_without_its_file(
        setup: Setup, data_dir: Path, pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two new cycles in one write batch: the district file lists both, so it must be
    the last file moved into place. A kill (a BaseException here: nothing is undone)
    after each move must leave every listed cycle with its file."""
    real = fileio.replace_with_retry
    store, cycles = setup.store, []
    for kill_at in range(1, 4):
        calls = 0

        def replace(src: str | Path, dst: Path, kill_at: int = kill_at) -> None:
            nonlocal calls
            calls += 1
            if calls == kill_at:
                raise KeyboardInterrupt  # the process dies here
            real(src, dst)

        monkeypatch.setattr(fileio, "replace_with_retry", replace)
        monkeypatch.setattr(WriteBatch, "discard", lambda self: None)  # a kill tidies nothing
        new = [Cycle(title=f"{kill_at}-{n}", date="2026-01-01", framework_id=pack.id,
                     framework_version=pack.version) for n in range(2)]
        with pytest.raises(KeyboardInterrupt), store.batch():
            for cycle in new:
                store.import_cycle(cycle)
        monkeypatch.undo()
        cycles += new
        store.repo.close()
        with Repository(data_dir) as repo:
            reopened = repo.open_district(store.id, auto_backup=False)
            for cycle in reopened.cycles():
                reopened.cycle(cycle.id)  # raises if its file is missing
        assert not [p for p in store.folder.rglob(".*") if p.name.endswith(".tmp")]
        setup.repo = Repository(data_dir)
        store = setup.repo.open_district(setup.store.id, auto_backup=False)
    setup.repo.close()


def test_a_lock_file_full_of_brackets_is_only_a_busy_folder(data_dir: Path) -> None:
    with Repository(data_dir):
        (data_dir / LOCK_NAME).write_bytes(b"[" * 4000)  # same file, new text
        with pytest.raises(StoreError, match="already open"):
            Repository(data_dir)


def test_a_settings_file_full_of_brackets_is_replaced(setup: Setup, data_dir: Path) -> None:
    district_id = setup.store.id
    setup.repo.close()
    (data_dir / "settings.json").write_bytes(b"[" * 100_000)
    with Repository(data_dir) as repo:
        assert repo.last_district_id() is None
        repo.open_district(district_id)
        assert repo.last_district_id() == district_id


def test_an_id_with_a_trailing_line_break_is_not_an_id(setup: Setup, data_dir: Path) -> None:
    """``$`` matches before a final newline: an id "<uuid>\\n" would name a district folder
    or a cycle file ending in a line break."""
    from navtool_desktop.core.records import District, RecordError

    with pytest.raises(RecordError):
        District.from_dict({**setup.store.profile.to_dict(), "id": setup.store.id + "\n"})
    info = setup.store.backup()
    moved = setup.store.id + "\n"
    bad = _rewrite(info.path, data_dir.parent / "id.zip", "district.json",
                   lambda raw: raw.replace(setup.store.id.encode(), moved.encode()))
    bad = _rewrite(bad, data_dir.parent / "id2.zip", "manifest.json",
                   lambda raw: raw.replace(setup.store.id.encode(), moved.encode()))
    with pytest.raises(BackupError):
        setup.repo.restore(bad)
    assert sorted(p.name for p in (data_dir / "districts").iterdir()) == [setup.store.id]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_store_file_that_is_not_a_regular_file_is_damaged(setup: Setup, data_dir: Path,
                                                            pack: Pack, kind: str) -> None:
    """A named pipe blocked ``navtool check`` for ever; a link to /dev/zero filled memory
    until MemoryError. Only regular files are read."""
    path = setup.store.folder / "cycles" / f"{setup.cycle_id}.json"
    setup.repo.close()
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(os.devnull if not Path("/dev/zero").exists() else "/dev/zero")
    report = check_data_dir(data_dir, pack)
    assert any("not a regular file" in p for p in report.problems), report.problems
    with Repository(data_dir) as repo, pytest.raises(DamagedStoreError, match="regular file"):
        repo.open_district(setup.store.id).cycle(setup.cycle_id)


def test_a_stray_copy_in_the_cycles_folder_does_not_spoil_the_backups(
        setup: Setup, data_dir: Path, pack: Pack) -> None:
    """Explorer's "<id> - Copy.json" beside the cycle files went into every backup, and a
    backup with a member not named ``cycles/<id>.json`` is refused: no backup could be
    restored. Backups hold the store files only; check names the stray file."""
    setup.store.save_rating(setup.cycle_id, setup.rating(0))
    path = setup.store.folder / "cycles" / f"{setup.cycle_id}.json"
    (path.parent / f"{setup.cycle_id} - Copy.json").write_bytes(path.read_bytes())
    info = setup.store.backup()
    setup.repo.close()
    assert any("Copy.json" in p for p in check_data_dir(data_dir, pack).problems)
    with Repository(data_dir) as repo:
        repo.restore(info.path)
        assert len(repo.open_district(setup.store.id).ratings(setup.cycle_id)) == 1


def test_another_districts_backup_in_this_districts_folder_is_not_offered(
        setup: Setup, data_dir: Path, pack: Pack) -> None:
    """A backup copied by hand into the wrong ``backups/<id>/`` folder restores the
    district its manifest names: offered for a damaged district, it would bring back (or
    overwrite) another district instead."""
    from navtool_desktop.core.records import District
    from navtool_desktop.storage.backup import newest_good

    mine = setup.store.backup()
    other = setup.repo.create_district(District(name="Another District"))
    for n in range(40):  # more writes: a higher store generation than mine
        other.save_profile(other.profile.replace(state=f"State {n}"))
    theirs = other.backup()
    copied = mine.path.parent / "29990101T000000000000Z.zip"
    copied.write_bytes(theirs.path.read_bytes())
    assert theirs.generation > mine.generation
    assert newest_good(setup.repo.backups(setup.store.id)).path == mine.path


def test_a_second_damaged_copy_set_aside_in_the_same_second_keeps_the_first(
        setup: Setup, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set-aside files are named by the second (or by a clock that went back): the second
    one replaced the first, which may hold ratings worth recovering by hand."""
    from navtool_desktop.storage import repository

    monkeypatch.setattr(repository, "_stamp", lambda: "20261201T120000Z")
    path = setup.store.folder / "cycles" / f"{setup.cycle_id}.json"
    setup.repo.close()
    for text in (b'{"first": cut', b'{"second": cut'):
        path.write_bytes(text)
        with Repository(data_dir) as repo, pytest.raises(DamagedStoreError):
            repo.open_district(setup.store.id).cycle(setup.cycle_id)
    kept = sorted(p.read_bytes() for p in path.parent.glob(f"{path.name}.corrupt-*"))
    assert kept == [b'{"first": cut', b'{"second": cut']


_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from navtool_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
def test_a_backup_bomb_is_refused_under_1_gb(setup: Setup, data_dir: Path, tmp_path: Path) -> None:
    """48 MiB of ``{},{},…`` (a zip of under 100 KB, each member within the size limits)
    parses into some 16 million dicts: over 2 GB. Restoring it ends in a refusal, not a
    MemoryError, in a process limited to 1 GB of address space (``ulimit -v``)."""
    info = setup.store.backup()
    member = f"cycles/{setup.cycle_id}.json"
    bomb = b'{"x":{"1":[' + b"{}," * (16 * 1024 * 1024) + b"{}]}}"
    bad = tmp_path / "bomb.zip"
    with zipfile.ZipFile(info.path) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, bomb if item.filename == member else src.read(item))
    setup.repo.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD.format(limit=1 << 30), "--data-dir", str(data_dir),
         "restore", str(bad)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600, check=False)
    assert "Traceback" not in run.stderr and "MemoryError" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == 1 and "not a usable" in run.stderr, run.stdout + run.stderr


@pytest.mark.parametrize("how", ["settings", "argument"])
def test_a_district_id_that_is_a_path_opens_nothing_outside_the_data_folder(
        setup: Setup, data_dir: Path, tmp_path: Path, how: str) -> None:
    """``settings.json``'s last district, or ``--district``, naming ``../../elsewhere``: a
    folder outside the data folder holding a district.json was opened as a district, its
    temp-looking files deleted and its file written."""
    from navtool_desktop.storage import NotFoundError

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "cycles").mkdir(parents=True)
    (elsewhere / "district.json").write_bytes(
        (setup.store.folder / "district.json").read_bytes().replace(
            setup.store.id.encode(), b"00000000-0000-4000-8000-000000000000"))
    (elsewhere / ".notes.tmp").write_text("someone's file")
    before = {p.name: p.read_bytes() for p in elsewhere.iterdir() if p.is_file()}
    rel = "../../elsewhere"
    setup.repo.close()
    with Repository(data_dir) as repo:
        if how == "settings":
            (data_dir / "settings.json").write_text(json.dumps(
                {"settings": {"1": {"last_district": rel}}}))
            assert repo.last_district_id() is None
            assert repo.open_last() is None
        else:
            with pytest.raises(NotFoundError):
                repo.open_district(rel)
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir() if p.is_file()} == before


def test_a_folder_not_named_by_a_district_id_is_left_alone_and_named_by_check(
        setup: Setup, data_dir: Path, pack: Pack) -> None:
    import shutil

    shutil.copytree(setup.store.folder, data_dir / "districts" / "Pine Ridge - Copy")
    assert [d.id for d in setup.repo.list_districts()] == [setup.store.id]
    setup.repo.close()
    problems = check_data_dir(data_dir, pack).problems
    assert any("Pine Ridge - Copy is not a district folder" in p for p in problems), problems


def test_a_backup_with_an_absurd_generation_does_not_break_saving(setup: Setup,
                                                                 data_dir: Path) -> None:
    """A write counter of 4,300 digits parses, but the next save makes it 4,301 digits,
    which Python will not turn into text: every save of the restored district failed
    with a ValueError. Counters past any real count are not counted."""
    from navtool_desktop.storage.atomic import MAX_GENERATION

    info = setup.store.backup()
    member = f"cycles/{setup.cycle_id}.json"
    huge = "9" * 4300
    with zipfile.ZipFile(info.path) as zf:
        old = json.loads(zf.read(member))["meta"]["1"]["generation"]

    def counter(raw: bytes) -> bytes:
        return raw.replace(f'"generation":{old}'.encode(), f'"generation":{huge}'.encode())

    def no_total(raw: bytes) -> bytes:  # a manifest without a generation (as in old backups)
        manifest = json.loads(raw)
        del manifest["generation"]
        return json.dumps(manifest).encode()

    bad = _rewrite(info.path, data_dir.parent / "gen.zip", member, counter)
    bad = _rewrite(bad, data_dir.parent / "gen2.zip", "manifest.json", no_total)
    try:
        setup.repo.restore(bad)
    except BackupError:
        return  # refused whole: as good
    store = setup.repo.open_district(setup.store.id)
    store.save_rating(setup.cycle_id, setup.rating(1))
    assert all(b.generation < MAX_GENERATION for b in setup.repo.backups(setup.store.id))
    store.backup()


@pytest.mark.parametrize("how", ["-m navtool_desktop.cli", "-m navtool_desktop"])
def test_check_of_a_data_folder_that_is_a_file_is_one_line(tmp_path: Path, how: str) -> None:
    """Run as ``python -m navtool_desktop.cli`` the module is ``__main__``, a second copy
    whose CommandError is not the one the commands raise: the error came out as a
    traceback."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "districts").write_text("not a folder")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run([sys.executable, *how.split(), "--data-dir", str(folder), "check"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
                         check=False)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "cannot be read" in run.stderr


def test_a_backup_file_too_large_to_be_one_is_refused_before_its_directory_is_read(
        setup: Setup, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python reads a zip's whole directory on opening it, about four times the
    directory's size in memory: a file of a million empty members cost a gigabyte
    before the member count was looked at. The file's size is checked first."""
    from navtool_desktop.storage import backup

    big = data_dir.parent / "many.zip"
    with zipfile.ZipFile(big, "w") as zf:
        for n in range(2000):
            zf.writestr(f"cycles/{n:08d}-0000-4000-8000-000000000000.json", b"")
    monkeypatch.setattr(backup, "MAX_BACKUP_FILE", big.stat().st_size - 1)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the zip was opened")

    with monkeypatch.context() as patch, pytest.raises(BackupError, match="too large"):
        patch.setattr(backup.zipfile, "ZipFile", never)
        setup.repo.restore(big)


def test_the_safety_backup_of_a_restore_never_thins_away_the_backup_being_restored(
        data_dir: Path, pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten backups are kept by count, then one a day: the restore's safety backup pushed
    the chosen backup (the tenth newest, the second of its day) out, so when the restore
    then failed (a full disk) the backup the user chose was gone."""
    from datetime import UTC, datetime, timedelta

    from navtool_desktop.core.records import District
    from navtool_desktop.storage import repository

    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with Repository(data_dir, clock=lambda: now) as repo:
        store = repo.create_district(District(name="Thin"))
        made = []
        for n in range(10):
            store.save_profile(store.profile.replace(state=f"S{n}"))
            made.append(store.backup())
            now += timedelta(minutes=1)
        chosen = made[0]  # the tenth newest of one day

        def full_disk(name: str) -> None:
            if name == "staged":
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(repository, "restore_step", full_disk)
        with pytest.raises(StoreError):
            repo.restore(chosen.path)
        assert chosen.path.exists()


def _twice(raw: bytes, table: str) -> bytes:
    data = json.loads(raw)
    docs = data[table]
    docs[str(max(map(int, docs)) + 1)] = dict(next(iter(docs.values())))
    return json.dumps(data).encode()


def test_two_records_with_one_id_are_refused_in_a_backup_and_named_by_check(
        setup: Setup, data_dir: Path, pack: Pack) -> None:
    """Two documents holding the same record: deleting it removes one, and the other
    brings it back at the next start."""
    info = setup.store.backup()
    member = f"cycles/{setup.cycle_id}.json"
    bad = _rewrite(info.path, data_dir.parent / "dup.zip", member,
                   lambda raw: _twice(raw, "participants"))
    bad = _rewrite(bad, data_dir.parent / "dup2.zip", "manifest.json",
                   lambda raw: json.dumps({k: v for k, v in json.loads(raw).items()
                                           if k != "generation"}).encode())
    with pytest.raises(BackupError, match="twice"):
        setup.repo.restore(bad)
    path = setup.store.folder / "district.json"
    setup.repo.close()
    path.write_bytes(_twice(path.read_bytes(), "cycles"))
    problems = check_data_dir(data_dir, pack).problems
    assert any("cycles" in p and "twice" in p and setup.cycle_id in p for p in problems), problems


def test_opening_removes_only_the_temp_files_the_store_makes(setup: Setup,
                                                             data_dir: Path) -> None:
    """Every ``.*.tmp`` in the district's folders was deleted on opening, someone else's
    too (a cycles folder linked to another disk, an editor's lock file)."""
    folder = setup.store.folder
    district_id = setup.store.id
    setup.repo.close()
    theirs = [folder / ".~lock.notes.tmp", folder / "cycles" / ".draft.tmp"]
    ours = [folder / ".district.json.0a1b2c3d.tmp",
            folder / "cycles" / f".{setup.cycle_id}.json.old-4242.tmp"]
    for path in theirs + ours:
        path.write_text("x")
    with Repository(data_dir) as repo:
        repo.open_district(district_id)
    assert all(p.exists() for p in theirs) and not any(p.exists() for p in ours)
