"""A large cycle keeps its ratings in one TinyDB file per participant (format 3 cycle files,
see ``storage/atomic.CycleStorage``): a save rewrites one small file; every file stays
stock TinyDB; backups, checks, summaries and old data folders work as before."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from storage_helpers import Setup, disk_cycle, snapshot
from tinydb import TinyDB

from navtool_desktop.core.records import Consensus, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage import DamagedStoreError, DistrictStore, Repository, SchemaTooNewError, atomic, schema
from navtool_desktop.storage.check import check_data_dir
from navtool_desktop.storage.repository import iter_store_files

SAMPLES = Path(__file__).resolve().parent.parent / "data"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cycle is large enough to be kept in parts (named before ``setup``: from its
    creation; after it: from the first save, which splits it)."""
    monkeypatch.setattr(atomic, "SPLIT_AT", 1)


def _rate_everyone(setup: Setup, note: str = "") -> None:
    for n in range(len(setup.participants) * 3):
        setup.store.save_rating(setup.cycle_id, setup.rating(n, note=note))


def _head(setup: Setup) -> Path:
    return setup.store.folder / "cycles" / f"{setup.cycle_id}.json"


def test_a_large_cycle_is_one_small_file_per_participant(setup: Setup, parts: None) -> None:
    _rate_everyone(setup)
    head = _head(setup)
    names = sorted(p.name for p in head.with_suffix("").iterdir())
    assert names == sorted(f"{p.id}.json" for p in setup.participants)
    meta = json.loads(head.read_text("utf-8"))["meta"]["1"]
    assert meta["split"] is True and meta["schema"] == schema.SCHEMA_VERSION + 1
    for path in iter_store_files(setup.repo.folder):  # stock TinyDB opens every file
        with TinyDB(path) as db:
            assert db.tables()
    on_disk = disk_cycle(setup.store.folder, setup.cycle_id)
    saved = {r.id: r.to_dict() for r in setup.store.ratings(setup.cycle_id)}
    assert len(saved) == 12 and {d["id"]: d for d in on_disk["ratings"].values()} == saved
    setup.repo.close()
    with Repository(setup.repo.folder) as again:
        store = again.open_last()
        assert store is not None
        assert {r.id: r.to_dict() for r in store.ratings(setup.cycle_id)} == saved


def test_a_save_rewrites_only_that_participants_file(setup: Setup, parts: None,
                                                     data_dir: Path) -> None:
    _rate_everyone(setup)
    before = snapshot(data_dir)
    person = setup.participants[2]
    setup.store.save_rating(setup.cycle_id, Rating(participant_id=person.id,
                                                   competency_id=setup.competencies[0],
                                                   level="refining"))
    after = snapshot(data_dir)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {f"districts/{setup.store.id}/cycles/{setup.cycle_id}/{person.id}.json"}
    setup.store.save_consensus(setup.cycle_id, Consensus(competency_id=setup.competencies[0],
                                                         level="developing"))
    again = snapshot(data_dir)
    assert {name for name in again if after.get(name) != again[name]} == {
        f"districts/{setup.store.id}/cycles/{setup.cycle_id}.json"}


def test_the_write_count_and_the_fingerprint_follow_every_part(setup: Setup, parts: None) -> None:
    """The cycle's write count (backups order by it) is the sum over its files and grows
    with every save; the fingerprint that keys its results summary changes with any part."""
    _rate_everyone(setup)
    head = _head(setup)
    counts, prints = [], []
    for n in range(6):
        setup.store.save_rating(setup.cycle_id, setup.rating(n, "refining", note=str(n)))
        counts.append(atomic.file_generation(json.loads(atomic.read_whole(head))))
        prints.append(atomic.disk_fingerprint(head))
        assert setup.store.cycle_fingerprint(setup.cycle_id) == prints[-1]  # memory = disk
    assert counts == sorted(set(counts)) and len(set(prints)) == 6


def test_results_of_a_cycle_changed_in_a_part_are_recomputed(setup: Setup, parts: None,
                                                             pack: Pack, data_dir: Path) -> None:
    from navtool_desktop.core.results import CycleInput, cycle_results

    _rate_everyone(setup)
    before = setup.store.results.cycle(pack, setup.cycle_id)  # its summary is written
    setup.repo.close()
    with Repository(data_dir) as repo:  # one rating changes, in one part only
        store = repo.open_last()
        assert store is not None
        for old in store.ratings(setup.cycle_id):
            store.save_rating(setup.cycle_id, Rating(participant_id=old.participant_id,
                                                     competency_id=old.competency_id,
                                                     level="refining"))
    with Repository(data_dir) as repo:
        store = repo.open_last()
        assert store is not None
        found = store.results.cycle(pack, setup.cycle_id)
        assert found != before
        assert found == cycle_results(pack, CycleInput.of(store.cycle(setup.cycle_id)))


def test_a_removed_participants_file_goes_and_a_merge_is_one_commit(setup: Setup, parts: None,
                                                                     data_dir: Path) -> None:
    _rate_everyone(setup)
    gone, keep, drop = setup.participants[:3]
    setup.store.delete_participant(setup.cycle_id, gone.id)
    folder = _head(setup).with_suffix("")
    assert not (folder / f"{gone.id}.json").exists()
    setup.store.merge_participants(setup.cycle_id, keep.id, drop.id)
    assert not (folder / f"{drop.id}.json").exists()
    assert not list(folder.parent.glob(f".*{atomic.COMMIT_SUFFIX}"))  # journal done with
    on_disk = disk_cycle(setup.store.folder, setup.cycle_id)
    assert {d["participant_id"] for d in on_disk["ratings"].values()} == {
        keep.id, setup.participants[3].id}
    assert len(on_disk["ratings"]) == len(setup.store.ratings(setup.cycle_id))


def _rate_one_in_each(store: DistrictStore) -> None:
    for cycle in store.cycles():
        data = store.cycle(cycle.id)
        if cycle.status == "closed":
            store.save_cycle(cycle.replace(status="open"))
        someone = sorted(data.participants)[0]
        store.save_rating(cycle.id, Rating(participant_id=someone, level="refining",
                                           competency_id=next(iter(data.ratings.values())).competency_id))


def test_the_format_2_sample_opens_as_it_is_and_is_split_at_its_first_save(
        data_dir: Path, pack: Pack, parts: None) -> None:
    shutil.copytree(SAMPLES / "store-v2", data_dir)
    old = {p: p.read_bytes() for p in iter_store_files(data_dir)}
    with Repository(data_dir) as repo:
        store = repo.open_last()
        assert store is not None
        for cycle in store.cycles():
            store.cycle(cycle.id)
        assert {p: p.read_bytes() for p in iter_store_files(data_dir)} == old  # read, not written
        _rate_one_in_each(store)
        contents = {c.id: {r.id: r.to_dict() for r in store.ratings(c.id)} for c in store.cycles()}
    heads = [p for p in iter_store_files(data_dir) if p.parent.name == "cycles"]
    assert len(heads) == 4 and all(json.loads(p.read_bytes())["meta"]["1"].get("split")
                                   for p in heads)
    assert check_data_dir(data_dir, pack).ok
    with Repository(data_dir) as repo:
        store = repo.open_last()
        assert store is not None
        assert contents == {c.id: {r.id: r.to_dict() for r in store.ratings(c.id)}
                            for c in store.cycles()}
        info = store.backup()
    with zipfile.ZipFile(info.path) as zf:  # a backup holds each cycle as one format-2 file
        for name in zf.namelist():
            if name.startswith("cycles/"):
                data = json.loads(zf.read(name))
                assert data["meta"]["1"]["schema"] == 2 and "split" not in data["meta"]["1"]
                cycle_id = name[len("cycles/"):-len(".json")]
                assert {d["id"] for d in data["ratings"].values()} == set(contents[cycle_id])
    with Repository(data_dir) as repo:  # and restores, read as it is again
        district_id = repo.restore(info.path)
        store = repo.open_district(district_id)
        assert contents == {c.id: {r.id: r.to_dict() for r in store.ratings(c.id)}
                            for c in store.cycles()}


def test_an_older_app_refuses_a_cycle_kept_in_parts(setup: Setup, parts: None) -> None:
    """Its file says format 3: the schema-2 app's upgrade refuses it as too new, rather
    than show the cycle without its ratings."""
    _rate_everyone(setup)
    raw = json.loads(_head(setup).read_bytes())
    with pytest.raises(SchemaTooNewError):
        schema.upgrade(_head(setup), raw, "cycle")


def test_a_damaged_part_is_set_aside_and_its_cycle_restored(setup: Setup, parts: None,
                                                            data_dir: Path) -> None:
    _rate_everyone(setup, note="backed up")
    info = setup.store.backup()
    person = setup.participants[1]
    part = _head(setup).with_suffix("") / f"{person.id}.json"
    part.write_bytes(part.read_bytes()[:40])  # cut
    setup.repo.close()
    with Repository(data_dir) as repo:
        store = repo.open_last()
        assert store is not None
        with pytest.raises(DamagedStoreError) as caught:
            store.cycle(setup.cycle_id)
        assert caught.value.path == _head(setup)  # the file to bring back from a backup
        assert not part.exists() and list(part.parent.glob(f"{part.name}.corrupt-*"))
        repo.restore_file(info.path, f"cycles/{setup.cycle_id}.json")
        store = repo.open_last()
        assert store is not None
        ratings = store.ratings(setup.cycle_id)
        assert len(ratings) == 12 and {r.note for r in ratings} == {"backed up"}
    assert list(_head(setup).parent.glob(f"{setup.cycle_id}.corrupt-*"))  # kept, not deleted


@pytest.mark.parametrize("meta", [[1], "x", 7])
def test_a_part_whose_meta_is_not_a_table_is_damaged_not_a_crash(setup: Setup, parts: None, data_dir: Path,
                                                                 meta: object) -> None:
    """A part file whose "meta" is a list, text or a number raised AttributeError before the
    damaged-file path could say which file to bring back."""
    _rate_everyone(setup, note="kept")
    person = setup.participants[1]
    part = _head(setup).with_suffix("") / f"{person.id}.json"
    data = json.loads(part.read_text(encoding="utf-8"))
    data["meta"] = meta
    part.write_text(json.dumps(data), encoding="utf-8")
    setup.repo.close()
    with Repository(data_dir) as repo:
        store = repo.open_last()
        assert store is not None
        with pytest.raises(DamagedStoreError):
            store.cycle(setup.cycle_id)


def test_a_journal_naming_files_outside_its_folder_is_ignored(setup: Setup, parts: None,
                                                              tmp_path: Path) -> None:
    _rate_everyone(setup)
    victim = tmp_path / "victim.json"
    victim.write_text("{}")
    (tmp_path / ".victim.json.00000000.tmp").write_text("evil")
    journal = atomic.commit_journal(_head(setup))
    journal.write_text(json.dumps({"moves": [["../../../../.victim.json.00000000.tmp",
                                              "../../../../victim.json"]]}))
    atomic.finish_commit(journal)
    assert victim.read_text() == "{}" and not journal.exists()


# --- kills on the new write path --------------------------------------------------------

def test_sigkill_while_saving_into_parts_never_loses_an_acknowledged_rating(
        data_dir: Path, pack: Pack, parts: None) -> None:
    from test_crash import _read_acks, _start_child

    from navtool_desktop.core.records import Cycle, District, Participant

    if not hasattr(os, "fork"):
        pytest.skip("needs fork and SIGKILL")
    with Repository(data_dir) as repo:
        store = repo.create_district(District(name="Crash Test USD"))
        people = [Participant(name=f"P{n}", role_group="educator") for n in range(8)]
        comps = [c.id for c in pack.competencies]
        cycle = Cycle(title="Crash", date="2025-10-01", framework_id=pack.id,
                      framework_version=pack.version)
        store.import_cycle(cycle, people, [
            Rating(participant_id=p.id, competency_id=c, level="developing", note="0:0")
            for p in people for c in comps])
        district_id = store.id
    pairs = [(p.id, c) for p in people for c in comps]
    rng = random.Random(3)
    acked: dict[tuple[str, str], tuple[int, int]] = {}
    total = 0
    for round_no in range(1, 61):
        pid, fd = _start_child(data_dir, district_id, cycle.id, pairs, round_no)
        for line in _read_acks(fd, pid, rng).decode().splitlines(keepends=True):
            if line.endswith("\n"):
                person, comp, _rid, note = line.split()
                acked[(person, comp)] = tuple(map(int, note.split(":")))  # type: ignore[assignment]
                total += 1
        for path in iter_store_files(data_dir):
            with TinyDB(path) as db:
                assert db.tables()
        on_disk = {(d["participant_id"], d["competency_id"]): d for d in
                   disk_cycle(data_dir / "districts" / district_id, cycle.id)["ratings"].values()}
        assert len(on_disk) == len(pairs)
        for pair, version in acked.items():
            assert tuple(map(int, on_disk[pair]["note"].split(":"))) >= version, (round_no, pair)
    assert total > 40


_MERGE_CHILD = """
import os, signal, sys
from navtool_desktop import fileio
from navtool_desktop.core.records import Rating
from navtool_desktop.storage import Repository, atomic

atomic.SPLIT_AT = 1
kill_at, calls = int(sys.argv[2]), 0
real_replace = fileio.replace_with_retry

def replace(src, dst):
    global calls
    calls += 1
    if calls == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

fileio.replace_with_retry = replace
with Repository(sys.argv[1]) as repo:
    store = repo.open_last()
    cycle = store.cycles()[-1]
    data = store.cycle(cycle.id)
    if sys.argv[3] == "merge":
        keep, drop = sorted(data.participants)[:2]
        store.merge_participants(cycle.id, keep, drop)
    else:  # the first save into a format-2 cycle splits it
        someone = sorted(data.participants)[0]
        rated = next(iter(data.ratings.values())).competency_id
        store.save_rating(cycle.id, Rating(participant_id=someone, competency_id=rated,
                                           level="refining", note="split"))
print("moves", calls, flush=True)
"""


def _run(folder: Path, kill_at: int, what: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", _MERGE_CHILD, str(folder), str(kill_at), what],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def _cycles(folder: Path) -> dict[str, object]:
    with Repository(folder) as repo:
        store = repo.open_last()
        assert store is not None
        return {c.id: (sorted(store.cycle(c.id).participants),
                       sorted((r.participant_id, r.competency_id, r.level)
                              for r in store.ratings(c.id)))
                for c in store.cycles()}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("what", ["split", "merge"])
def test_a_write_of_several_files_killed_at_any_move_is_all_or_nothing(
        tmp_path: Path, pack: Pack, what: str) -> None:
    """The first save into a cycle of the format-2 sample (which splits it), and merging two
    participants of a cycle kept in parts (their files and the cycle file, through the
    journal): SIGKILL at each file move, then the next start has all of the change or none."""
    base = tmp_path / "base"
    shutil.copytree(SAMPLES / "store-v2", base)
    if what == "merge":
        done = _run(base, 0, "split")
        assert done.returncode == 0, done.stderr
    before = _cycles(base)
    whole = tmp_path / "whole"
    shutil.copytree(base, whole)
    done = _run(whole, 0, what)
    assert done.returncode == 0, done.stderr
    moves = int(done.stdout.split()[-1])
    assert moves >= 3
    after = _cycles(whole)
    for kill_at in range(1, moves + 1):
        folder = tmp_path / f"kill{kill_at}"
        shutil.copytree(base, folder)
        killed = _run(folder, kill_at, what)
        assert killed.returncode == -9, (kill_at, killed.stdout, killed.stderr)
        found = _cycles(folder)
        assert found in (after, before), kill_at
        assert not list((folder / "districts").rglob("*.tmp")), kill_at  # tidied up
        assert check_data_dir(folder, pack).ok, kill_at
        for path in iter_store_files(folder):
            with TinyDB(path) as db:
                assert db.tables()


def test_an_import_partly_saved_leaves_no_cycle_without_its_parts(
        parts: None, setup: Setup, pack: Pack, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A new participant in each of two cycles (each a part, then its cycle file, then the
    district file): the third move fails and so does every move back. What stays moved is
    the first moves, so no cycle file names a participant whose file is not there, and the
    same import then completes."""
    import dataclasses

    from navtool_desktop import fileio
    from navtool_desktop.core.records import Cycle, Participant
    from navtool_desktop.exchange.bundle import write_bundle
    from navtool_desktop.exchange.errors import BundleError
    from navtool_desktop.exchange.files import import_paths, make_content

    store = setup.store
    second = store.create_cycle(Cycle(title="Spring 2026", date="2026-03-01",
                                      framework_id=pack.id, framework_version=pack.version))
    content = make_content(store, pack, "district")
    content = dataclasses.replace(content, cycles=tuple(dataclasses.replace(part, participants=(
        *part.participants, Participant(name=f"New in {part.cycle.title}", role_group="learner")))
        for part in content.cycles))
    bundle = tmp_path / "from-b.navtool"
    bundle.write_bytes(write_bundle(content))
    real_replace, calls = fileio.replace_with_retry, 0

    def replace(src: str | Path, dst: Path) -> None:
        nonlocal calls
        calls += "cycles" in Path(dst).parts  # a part, its cycle file, the other's part...
        if calls >= 3:
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(fileio, "replace_with_retry", replace)
    with pytest.raises(BundleError, match="only partly saved"):
        import_paths(setup.repo, pack, [bundle], store=store)
    monkeypatch.setattr(fileio, "replace_with_retry", real_replace)
    for cycle_id in (setup.cycle_id, second.cycle.id):
        disk_cycle(store.folder, cycle_id)  # every listed participant has its file
        store.cycle(cycle_id)
    assert import_paths(setup.repo, pack, [bundle], store=store).ok
    assert [len(store.cycle(c).participants) for c in (setup.cycle_id, second.cycle.id)] == [5, 1]


def test_ratings_of_someone_no_longer_listed_are_kept_in_one_file(setup: Setup, parts: None,
                                                                  data_dir: Path) -> None:
    """A participant taken out without their ratings (as an import may): their ratings have
    no part to go to, so the cycle goes back to one file rather than lose them."""
    _rate_everyone(setup)
    saved = {r.id for r in setup.store.ratings(setup.cycle_id)}
    setup.store.merge_cycle(setup.cycle_id, removed={"participants": [setup.participants[0].id]})
    assert not json.loads(_head(setup).read_bytes())["meta"]["1"].get("split")
    setup.repo.close()
    with Repository(data_dir) as repo:
        store = repo.open_last()
        assert store is not None
        assert {r.id for r in store.ratings(setup.cycle_id)} == saved
