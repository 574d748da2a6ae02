"""Generated bundles: the importer raises only BundleError, and a refused one changes nothing."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from exchange_helpers import Setup, encode, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from navtool_desktop.exchange import BundleError, Merger, read_bundle
from navtool_desktop.exchange.bundle import MANIFEST, bundle_members, manifest_for
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack

ODD_TEXT = ["\ud800", "a\udc80b", "x" * 200_000, "", " ", "developing", "not_sure", "educator",
            "culture.relationships", "culture.relationships.developing.p1", "2030-01-01T00:00:00Z",
            "2025-13-45", "9e0c8a38-2f7b-4c69-9d53-2f0a2b6c1d10", "../../etc/passwd", "=cmd()",
            "participant", "cycle", "district", "navtool-bundle", "1999.1"]

_leaves = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
           | st.sampled_from(ODD_TEXT))
JUNK = st.recursive(_leaves, lambda kids: st.lists(kids, max_size=3)
                    | st.dictionaries(st.text(max_size=8), kids, max_size=3), max_leaves=6)
RAW_MEMBER = st.sampled_from([b"[" * 60 + b"]" * 60, b"[" * 100_000 + b"]" * 100_000,
                              b'{"a":' * 5000 + b"1" + b"}" * 5000, b"", b"\xff\xfe{}", b"{",
                              b"NaN", b'{"district": Infinity}', b"1" * 5000, b"\x00" * 10]) | st.binary(max_size=64)


def _zip(manifest: Any, members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, encode(manifest))
        for name, raw in members.items():
            zf.writestr(name, raw)
    return buffer.getvalue()


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) inside a JSON value, for picking a place to change."""
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in list(item):
                found.append((item, key))
                stack.append(item[key])
        elif isinstance(item, list):
            for index in range(len(item)):
                found.append((item, index))
                stack.append(item[index])
    return found


def _mutate(draw: Any, value: Any) -> None:
    """One change somewhere in a JSON value: a new value, a removed key, an extra key."""
    slots = _slots(value)
    if not slots:
        return
    container, key = slots[draw(st.integers(0, len(slots) - 1))]
    action = draw(st.sampled_from(["set", "set", "delete", "extra"]))
    if action == "set":
        container[key] = draw(JUNK)
    elif action == "delete":
        del container[key]
    elif isinstance(container, dict):
        container[draw(st.text(max_size=10))] = draw(JUNK)
    else:
        container.append(draw(JUNK))


def test_generated_bundles_raise_only_bundle_errors_and_refusals_change_nothing(
        setup: Setup, pack: Pack, data_dir: Path) -> None:
    person = setup.people[0]
    bases = []
    for kind, ids in (("participant", {"cycle_id": setup.cycle_id, "participant_id": person.id}),
                      ("cycle", {"cycle_id": setup.cycle_id}), ("district", {})):
        content = make_content(setup.store, pack, kind, **ids, answers=True)
        members = {n: json.loads(raw) for n, raw in bundle_members(content).items()}
        bases.append((content, members))
    outcomes = {"refused": 0, "accepted": 0}

    @settings(max_examples=1000, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def check(data: st.DataObject) -> None:
        draw = data.draw
        content, base = bases[draw(st.integers(0, len(bases) - 1))]
        members: dict[str, Any] = copy.deepcopy(base)
        for _n in range(draw(st.integers(0, 3))):
            name = draw(st.sampled_from(sorted(members)))
            _mutate(draw, members[name])
        raw = {n: encode(v) for n, v in members.items()}
        if draw(st.integers(0, 9)) == 0:
            raw[draw(st.sampled_from(sorted(raw)))] = draw(RAW_MEMBER)
        manifest = manifest_for(content, raw)
        if draw(st.integers(0, 5)) == 0:
            manifest = manifest_for(content, bundle_members(content))  # stale checksums
        if draw(st.integers(0, 4)) == 0:
            _mutate(draw, manifest)
        bundle = _zip(manifest, raw)
        cut = draw(st.integers(0, 12))
        if cut == 0:
            bundle = bundle[:draw(st.integers(0, len(bundle)))]
        elif cut == 1:
            at = draw(st.integers(0, len(bundle) - 1))
            bundle = bundle[:at] + bytes([bundle[at] ^ draw(st.integers(1, 255))]) + bundle[at + 1:]
        before = snapshot(data_dir)
        try:
            checked = read_bundle(bundle, pack, source="generated.navtool")
            merger = Merger(setup.repo, pack, setup.store)
            merger.add(checked)
            merger.apply()
        except BundleError as exc:
            assert str(exc)
            outcomes["refused"] += 1
            assert snapshot(data_dir) == before
        else:
            outcomes["accepted"] += 1

    check()
    # Both paths were exercised: the test would mean little if everything were refused.
    assert outcomes["refused"] > 100 and outcomes["accepted"] > 10, outcomes
