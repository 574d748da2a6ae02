"""Bundles: round trip, passphrase, and refusals (zip bomb, traversal, truncation, framework)."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import pytest
from exchange_helpers import Setup, members_of, snapshot, zip_from_data

from navtool_desktop.exchange import BundleError, PassphraseError, import_paths, read_bundle, write_bundle
from navtool_desktop.exchange.bundle import MANIFEST, manifest_for, zip_members
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack


def _import_raw(setup: Setup, pack: Pack, raw: bytes, tmp_path: Path, name: str = "b.navtool"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(raw)
    return import_paths(setup.repo, pack, [path], store=setup.store)


def test_a_participant_bundle_reads_back_as_written(setup: Setup, pack: Pack) -> None:
    person = setup.people[0]
    content = make_content(setup.store, pack, "participant", cycle_id=setup.cycle_id,
                           participant_id=person.id, answers=True)
    back = read_bundle(write_bundle(content), pack)
    assert back.kind == "participant"
    assert back.cycles[0].participants == (person,)
    assert set(back.cycles[0].ratings) == set(content.cycles[0].ratings)
    assert len(back.cycles[0].ratings) == 3
    zf = zipfile.ZipFile(io.BytesIO(write_bundle(content)))
    manifest = json.loads(zf.read(MANIFEST))
    assert manifest["framework"] == {"id": pack.id, "version": pack.version}
    assert manifest["district_id"] == setup.store.id
    assert set(manifest["members"]) == {"district.json", f"cycles/{setup.cycle_id}.json"}


def test_a_passphrase_protects_and_a_wrong_one_says_so(setup: Setup, pack: Pack) -> None:
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    raw = write_bundle(content, passphrase="correct horse")
    assert b"Person 0" not in raw
    assert read_bundle(raw, pack, "correct horse").cycles[0].cycle.id == setup.cycle_id
    with pytest.raises(PassphraseError, match="passphrase is wrong") as wrong:
        read_bundle(raw, pack, "wrong horse")
    assert not wrong.value.needed
    with pytest.raises(PassphraseError, match="protected by a passphrase") as missing:
        read_bundle(raw, pack)
    assert missing.value.needed
    tampered = raw[:-5] + bytes([raw[-5] ^ 1]) + raw[-4:]
    with pytest.raises(PassphraseError):
        read_bundle(tampered, pack, "correct horse")


def _cycle_bundle_with(setup: Setup, pack: Pack, name: str, payload: bytes,
                       compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    data, _c = members_of(setup.store, pack, "cycle", cycle_id=setup.cycle_id)
    buffer = io.BytesIO()
    raw = {n: json.dumps(v).encode() for n, v in data.items()}
    manifest = manifest_for(content, {**raw, name: payload})
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest))
        for n, v in raw.items():
            zf.writestr(n, v)
        zf.writestr(name, payload)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_the_directory(setup: Setup, pack: Pack, tmp_path: Path,
                                                  data_dir: Path) -> None:
    before = snapshot(data_dir)
    bomb = _cycle_bundle_with(setup, pack, "cycles/00000000-0000-4000-8000-000000000000.json",
                              b"0" * (20 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(BundleError, match="zip bomb"):
        read_bundle(bomb, pack)
    summary = _import_raw(setup, pack, bomb, tmp_path)
    assert summary.refused and "zip bomb" in summary.refused[0][1]
    assert snapshot(data_dir) == before


def test_a_zip_whose_directory_lies_about_sizes_is_caught_while_reading(setup: Setup,
                                                                       pack: Pack) -> None:
    name = "cycles/00000000-0000-4000-8000-000000000000.json"
    payload = b"0" * (5 * 1024 * 1024)
    claimed = payload[:100]
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    data, _c = members_of(setup.store, pack, "cycle", cycle_id=setup.cycle_id)
    raw = {n: json.dumps(v).encode() for n, v in data.items()}
    manifest = manifest_for(content, {**raw, name: claimed})  # agrees with the lie
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest))
        for n, v in raw.items():
            zf.writestr(n, v)
        zf.writestr(name, payload)
    bomb = buffer.getvalue()
    # The central directory entry of the last member claims 100 bytes instead of 5 MiB.
    at = bomb.rfind(b"PK\x01\x02")
    entry = bytearray(bomb[at:])
    assert struct.unpack_from("<I", entry, 24)[0] == len(payload)
    struct.pack_into("<I", entry, 24, len(claimed))
    lying = bomb[:at] + bytes(entry)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo(name).file_size == 100
    with pytest.raises(BundleError, match="damaged or cut off"):
        read_bundle(lying, pack)


@pytest.mark.parametrize("name", ["../evil.json", "/etc/evil.json", "cycles/../../evil.json",
                                  "C:/evil.json", "cycles\\..\\evil.json", "cycles/./x.json"])
def test_a_path_traversal_member_is_refused(setup: Setup, pack: Pack, tmp_path: Path,
                                            data_dir: Path, name: str) -> None:
    before = snapshot(data_dir)
    raw = _cycle_bundle_with(setup, pack, name, b"{}")
    with pytest.raises(BundleError, match=r"unsafe name|unexpected file"):
        read_bundle(raw, pack)
    summary = _import_raw(setup, pack, raw, tmp_path)
    assert not summary.ok
    assert snapshot(data_dir) == before
    assert not (tmp_path / "evil.json").exists() and not (data_dir / "evil.json").exists()


def test_a_truncated_bundle_is_refused_at_every_cut(setup: Setup, pack: Pack, tmp_path: Path,
                                                    data_dir: Path) -> None:
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    raw = write_bundle(content)
    before = snapshot(data_dir)
    cuts = sorted({0, 1, 4, 30, 100, len(raw) // 3, len(raw) // 2, len(raw) - 100, len(raw) - 22,
                   len(raw) - 1})
    for cut in cuts:
        with pytest.raises(BundleError):
            read_bundle(raw[:cut], pack)
        summary = _import_raw(setup, pack, raw[:cut], tmp_path)
        assert len(summary.refused) == 1, cut
        assert snapshot(data_dir) == before
    protected = write_bundle(content, "pw")
    for cut in (10, len(protected) // 2, len(protected) - 1):
        with pytest.raises(BundleError):
            read_bundle(protected[:cut], pack, "pw")


def test_another_framework_version_is_refused_naming_both(setup: Setup, pack: Pack,
                                                          tmp_path: Path, data_dir: Path) -> None:
    data, content = members_of(setup.store, pack, "cycle", cycle_id=setup.cycle_id)
    raw = zip_from_data(content, data,
                        manifest_changes={"framework": {"id": pack.id, "version": "1999.9"}})
    before = snapshot(data_dir)
    with pytest.raises(BundleError) as refused:
        read_bundle(raw, pack)
    assert "1999.9" in str(refused.value) and pack.version in str(refused.value)
    summary = _import_raw(setup, pack, raw, tmp_path)
    assert "1999.9" in summary.text() and pack.version in summary.text()
    assert snapshot(data_dir) == before


def test_a_bad_checksum_and_an_unlisted_member_are_refused(setup: Setup, pack: Pack) -> None:
    data, content = members_of(setup.store, pack, "cycle", cycle_id=setup.cycle_id)
    name = f"cycles/{setup.cycle_id}.json"
    changed = dict(data)
    changed[name] = {**data[name], "ratings": data[name]["ratings"][:1]}
    with pytest.raises(BundleError, match=r"checksum|size the manifest"):
        read_bundle(zip_from_data(content, changed, fix_checksums=False), pack)
    members = {n: json.dumps(v).encode() for n, v in data.items()}
    manifest = manifest_for(content, members)
    extra = "cycles/00000000-0000-4000-8000-000000000000.json"
    with pytest.raises(BundleError, match="do not match its manifest"):
        read_bundle(zip_members(manifest, {**members, extra: members[name]}), pack)


def test_unknown_framework_ids_are_refused(setup: Setup, pack: Pack) -> None:
    data, content = members_of(setup.store, pack, "cycle", cycle_id=setup.cycle_id)
    name = f"cycles/{setup.cycle_id}.json"
    rating = data[name]["ratings"][0]
    for change, word in (({"competency_id": "culture.no-such-thing", "practices": []}, "competency"),
                         ({"practices": [rating["competency_id"] + ".developing.p99"]}, "practice")):
        bad = {**data, name: {**data[name], "ratings": [{**rating, **change}]}}
        with pytest.raises(BundleError, match=word):
            read_bundle(zip_from_data(content, bad), pack)
