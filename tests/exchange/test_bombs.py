"""Hostile bundles cost bounded memory: each is refused by name, and the good one beside it
is imported, in a process limited to 1 GB of address space (``ulimit -v``)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bombs import bomb_bundle, huge_tally_bundle, scrypt_header_bomb
from exchange_helpers import Setup

from navtool_desktop.core.records import Rating
from navtool_desktop.exchange import read_paths
from navtool_desktop.exchange.bundle import value_bound, write_bundle
from navtool_desktop.exchange.errors import BundleError
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository

REPO = Path(__file__).resolve().parents[2]
LIMIT = 1 << 30  # 1 GB, as ``ulimit -v 1048576``

_CHILD = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    from navtool_desktop.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def _folder_of_bombs(setup: Setup, pack: Pack, folder: Path) -> None:
    store = setup.store
    store.save_rating(setup.cycle_id, Rating(participant_id=setup.people[2].id,
                                             competency_id=setup.competencies[0], level="refining"))
    content = make_content(store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    folder.mkdir()
    good = write_bundle(content)
    (folder / "good.navtool").write_bytes(good)
    (folder / "json-bomb.navtool").write_bytes(bomb_bundle(content))
    (folder / "scrypt-header.navtool").write_bytes(scrypt_header_bomb(good, "pw"))
    (folder / "huge-tally.navtool").write_bytes(huge_tally_bundle(content, setup.competencies[0]))


def test_each_bomb_is_refused_by_name_under_1_gb_and_the_good_bundle_is_imported(
        setup: Setup, pack: Pack, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    _folder_of_bombs(setup, pack, folder)
    passphrase = tmp_path / "pw.txt"
    passphrase.write_text("pw\n", encoding="utf-8")
    laptop = tmp_path / "other-laptop"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD.format(limit=LIMIT), "--data-dir", str(laptop), "bundle",
         "import", str(folder), "--passphrase-file", str(passphrase)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600, check=False)
    assert "Traceback" not in run.stderr and "MemoryError" not in run.stderr, run.stderr
    assert run.returncode == 1, run.stdout + run.stderr  # some files were refused
    out = run.stdout
    assert "1 bundle(s) imported, 3 refused." in out, out
    refused = {line.split(":", 1)[0].strip(" -"): line for line in out.splitlines()
               if line.startswith("  - ") and ".navtool:" in line}
    assert set(refused) == {"json-bomb.navtool", "scrypt-header.navtool", "huge-tally.navtool"}
    assert "too many items" in refused["json-bomb.navtool"]
    assert "header is damaged" in refused["scrypt-header.navtool"]
    assert "more than 10,000 votes" in refused["huge-tally.navtool"]
    with Repository(laptop, read_only=True) as repo:
        store = repo.open_last()
        assert store is not None and store.id == setup.store.id
        ratings = store.cycle(setup.cycle_id).ratings.values()
        assert any(r.participant_id == setup.people[2].id and r.level == "refining" for r in ratings)
        assert not store.cycle(setup.cycle_id).tallies


def test_the_value_bound_is_never_below_the_real_count(setup: Setup, pack: Pack) -> None:
    import json

    def count(value: object) -> int:
        if isinstance(value, dict):
            return 1 + sum(count(v) + 1 for v in value.values())  # each key and its value
        if isinstance(value, list):
            return 1 + sum(count(v) for v in value)
        return 1

    for raw in (b"[]", b"{}", b'[1,[2,[3]],{"a":{"b":[]}}]', b'"x"', b'{"a":1,"b":"c,d"}'):
        assert value_bound(raw) >= count(json.loads(raw)) / 2  # keys and values each bounded
    from navtool_desktop.exchange.bundle import bundle_members
    members = bundle_members(make_content(setup.store, pack, "district", answers=True))
    for raw in members.values():
        assert value_bound(raw) >= count(json.loads(raw)) / 2


def test_a_bomb_is_refused_before_it_is_parsed(setup: Setup, pack: Pack, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import json as json_module

    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    (tmp_path / "b.navtool").write_bytes(bomb_bundle(content, size=512 * 1024))
    monkeypatch.setattr("navtool_desktop.exchange.bundle.MAX_VALUES", 10_000)
    monkeypatch.setattr("navtool_desktop.exchange.bundle.KIND_LIMITS",
                        {"cycle": (32 << 20, 10_000), "participant": (1 << 20, 10_000),
                         "district": (32 << 20, 10_000)})
    parsed: list[int] = []
    real_loads = json_module.loads
    monkeypatch.setattr(json_module, "loads", lambda text, **kw: (parsed.append(len(text)),
                                                                  real_loads(text, **kw))[1])
    [checked] = read_paths([tmp_path / "b.navtool"], pack)
    assert "too many items" in checked.reason
    assert all(n < 1 << 20 for n in parsed)  # the manifest only, never the bomb


def test_many_small_members_together_are_refused(setup: Setup, pack: Pack,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from navtool_desktop.exchange.bundle import read_bundle

    raw = write_bundle(make_content(setup.store, pack, "district", answers=True))
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        bounds = [value_bound(zf.read(name)) for name in zf.namelist()]
    assert len(bounds) == 3 and max(bounds) < sum(bounds) - 1
    monkeypatch.setattr("navtool_desktop.exchange.bundle.MAX_BUNDLE_VALUES", sum(bounds))
    read_bundle(raw, pack)  # exactly at the limit: fine
    monkeypatch.setattr("navtool_desktop.exchange.bundle.MAX_BUNDLE_VALUES", sum(bounds) - 1)
    with pytest.raises(BundleError, match="too many items together"):
        read_bundle(raw, pack)


def test_a_participant_bundle_member_is_small(setup: Setup, pack: Pack) -> None:
    from exchange_helpers import zip_from_data

    from navtool_desktop.exchange.bundle import bundle_members, read_bundle

    content = make_content(setup.store, pack, "participant", cycle_id=setup.cycle_id,
                           participant_id=setup.people[0].id)
    import json
    members = {name: json.loads(raw) for name, raw in bundle_members(content).items()}
    name = next(n for n in members if n.startswith("cycles/"))
    members[name]["responses"] = [{"pad": os.urandom(45_000).hex()} for _ in range(48)]  # 4.3 MB
    with pytest.raises(BundleError, match="too large for a participant bundle"):
        read_bundle(zip_from_data(content, members), pack)


def test_memory_error_while_reading_refuses_that_file_only(setup: Setup, pack: Pack, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    (tmp_path / "a.navtool").write_bytes(write_bundle(content))
    (tmp_path / "b.navtool").write_bytes(write_bundle(content))
    import navtool_desktop.exchange.files as files

    real = files.read_bundle

    def fake(raw: bytes, pack: Pack, passphrase: str | None = None, *, source: str = "") -> object:
        if source == "a.navtool":
            raise MemoryError
        return real(raw, pack, passphrase, source=source)

    monkeypatch.setattr(files, "read_bundle", fake)
    first, second = read_paths([tmp_path], pack)
    assert first.content is None and "more memory" in first.reason
    assert second.content is not None
