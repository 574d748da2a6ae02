"""Saving over a record updates its document in place, as TinyDB's ``update`` would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from storage_helpers import Setup, snapshot

from navtool_desktop.storage.atomic import file_generation
from navtool_desktop.storage.errors import StoreError


def _cycle_file(setup: Setup, data_dir: Path) -> Path:
    return next((data_dir / "districts").rglob(f"{setup.cycle_id}.json"))


def test_update_takes_the_same_slot_and_bumps_the_generation(setup: Setup, data_dir: Path) -> None:
    first = setup.store.save_rating(setup.cycle_id, setup.rating(0, note="one"))
    setup.store.save_rating(setup.cycle_id, setup.rating(1, note="other"))
    path = _cycle_file(setup, data_dir)
    before = json.loads(path.read_bytes())
    saved = setup.store.save_rating(setup.cycle_id, setup.rating(0, level="refining", note="two"))
    after = json.loads(path.read_bytes())
    assert list(after["ratings"]) == list(before["ratings"])  # no new document
    slot = next(k for k, d in before["ratings"].items() if d["id"] == first.id)
    assert after["ratings"][slot]["id"] == saved.id  # the new version took the old one's slot
    assert (after["ratings"][slot]["level"], after["ratings"][slot]["note"]) == ("refining", "two")
    assert after["ratings"][slot]["version"] > before["ratings"][slot]["version"]
    assert file_generation(after) == file_generation(before) + 1
    setup.store.reload()
    assert setup.store.cycle(setup.cycle_id).rating_for(
        setup.participants[0].id, setup.competencies[0]).note == "two"


def test_a_document_gone_from_under_the_index_is_refused(setup: Setup, data_dir: Path) -> None:
    setup.store.save_rating(setup.cycle_id, setup.rating(0, note="one"))
    data = setup.store.cycle(setup.cycle_id)._file.storage.read()
    assert data is not None
    data["ratings"].clear()  # the in-memory copy no longer has the rating's document
    before = snapshot(data_dir)
    with pytest.raises(StoreError, match="changed unexpectedly"):
        setup.store.save_rating(setup.cycle_id, setup.rating(0, note="two"))
    assert snapshot(data_dir) == before
