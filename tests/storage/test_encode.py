"""The store's JSON encoder (orjson, for speed) writes exactly what ``json`` writes."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from storage_helpers import Setup
from tinydb import TinyDB

from navtool_desktop.core.records import Rating
from navtool_desktop.storage import atomic
from navtool_desktop.storage.atomic import encode_json


def stdlib(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")


# Any text (lone surrogates, DEL, control and non-BMP characters), any integer size.
texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
scalars = st.none() | st.booleans() | st.integers() | texts
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(texts, inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_bytes_as_json(data: Any) -> None:
    assert encode_json(data) == stdlib(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts | st.text("aé€😀\x7f", max_size=40), max_size=8), st.integers(1, 9))
def test_non_ascii_found_across_every_slice_boundary(data: list[str], scan: int) -> None:
    with mock.patch.object(atomic, "_SCAN", scan):  # slices of a few bytes
        assert encode_json(data) == stdlib(data)


@given(st.floats())
def test_floats_keep_their_value(number: float) -> None:
    raw = encode_json({"x": [number]})
    back = json.loads(raw)["x"][0]
    assert raw.isascii()
    assert back == number or (math.isnan(number) and math.isnan(back))
    if not math.isfinite(number):
        assert raw == stdlib({"x": [number]})  # NaN and Infinity, never null


class Colour(enum.StrEnum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int


def test_what_json_refuses_or_writes_its_own_way_goes_to_json() -> None:
    for data in ({"big": 2**64}, {"neg": -(2**63) - 1}, {"lone": "\ud800"}, {1: "int key"},
                 {"colour": Colour.RED}, [[[[]]]] * 3, {"deep": json.loads("[" * 300 + "]" * 300)},
                 "\x7f é \u2028 😀", {"none": None}, {"text": "null"}):
        assert encode_json(data) == stdlib(data), data
    for refused in (Point(1), datetime.date(2025, 1, 1), {1.5: "float key"}, {(1, 2): "tuple key"}):
        try:
            expected: bytes | type[Exception] = stdlib(refused)
        except TypeError:
            expected = TypeError
        try:
            got: bytes | type[Exception] = encode_json(refused)
        except TypeError:
            got = TypeError
        assert got == expected, refused


def test_stock_tinydb_reads_a_saved_file_with_any_text(setup: Setup, data_dir: Path) -> None:
    note = "Peña \x7f ✓ 😀 \u2028 \"quoted\" \\ null"
    person = setup.participants[0].id
    setup.store.save_rating(setup.cycle_id, Rating(participant_id=person,
                                                   competency_id=setup.competencies[0],
                                                   level="developing", note=note))
    path = next((data_dir / "districts").rglob(f"{setup.cycle_id}.json"))
    raw = path.read_bytes()
    assert raw.isascii()
    assert raw == stdlib(json.loads(raw))
    db = TinyDB(path)
    try:
        assert [d["note"] for d in db.table("ratings")] == [note]
    finally:
        db.close()
