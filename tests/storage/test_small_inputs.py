"""Small inputs with big consequences: paper tally counts (review M3, L7) and the room size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from storage_helpers import Setup

from navtool_desktop.cli import main
from navtool_desktop.core.records import MAX_TALLY_COUNT, RecordError, Tally
from navtool_desktop.framework import Pack
from navtool_desktop.storage.check import check_data_dir, tally_problems
from navtool_desktop.storage.repository import iter_store_files

COMP = "culture.culture-of-innovation"


def _tally(**changes: object) -> Tally:
    data = {"competency_id": COMP, "role_group": "educator", "counts": {"developing": 3}}
    return Tally.from_dict({**data, **changes})


def test_a_tally_counts_up_to_ten_thousand_per_level() -> None:
    assert MAX_TALLY_COUNT == 10_000
    assert _tally(counts={"developing": 10_000, "refining": 10_000}).total == 20_000
    with pytest.raises(RecordError, match=r"Tally.counts for 'developing' is 10,001, more than 10,000 votes"):
        _tally(counts={"developing": 10_001})


def test_an_absurd_count_is_refused_in_a_short_message() -> None:
    with pytest.raises(RecordError) as info:
        _tally(counts={"refining": 10**400})
    assert "more than 30 digits" in str(info.value) and len(str(info.value)) < 200
    with pytest.raises(RecordError, match="negative"):
        _tally(counts={"refining": -1})


def test_people_in_the_room_is_optional_and_bounded() -> None:
    assert _tally().people == 0 and not _tally().over_room  # files without the field load
    assert _tally(people=3).over_room is False
    assert _tally(people=2).over_room is True  # a warning, not a refusal
    for bad in (-1, 10_001):
        with pytest.raises(RecordError, match=r"Tally\.people must be 0 to 10,000"):
            _tally(people=bad)


def test_saving_an_absurd_tally_fails_at_entry(setup: Setup) -> None:
    with pytest.raises(RecordError):
        setup.store.save_tally(setup.cycle_id, Tally(competency_id=COMP, role_group="educator",
                                                     counts={"developing": 12_000}))
    assert not setup.store.cycle(setup.cycle_id).tallies


def _hand_edit_tally(data_dir: Path, count: int) -> None:
    """A cycle file holding a tally an older version accepted from a bundle."""
    cycle_file = next(p for p in iter_store_files(data_dir) if p.parent.name == "cycles")
    data = json.loads(cycle_file.read_text("utf-8"))
    doc = _tally().to_dict()
    data["tallies"] = {"1": doc}
    text = json.dumps(data).replace('"developing": 3', f'"refining": {count}')
    cycle_file.write_text(text, "utf-8")


def test_check_names_an_absurd_tally_in_a_file(setup: Setup, pack: Pack, data_dir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    setup.repo.close()
    _hand_edit_tally(data_dir, 10**400)
    report = check_data_dir(data_dir, pack)
    assert any("counts a number of 401 digits refining votes; a tally may count 0 to 10,000"
               in p for p in report.problems), report.problems
    assert main(["check"]) == 1
    assert "401 digits" in capsys.readouterr().out
    # results refuse the cycle in one line instead of crashing with OverflowError
    assert main(["results", "--cycle", setup.cycle_id]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "OverflowError" not in err and err.startswith("navtool:")


def test_check_names_a_large_tally(setup: Setup, pack: Pack, data_dir: Path) -> None:
    setup.repo.close()
    _hand_edit_tally(data_dir, 10**12)  # the review's L7 example
    report = check_data_dir(data_dir, pack)
    assert any("1,000,000,000,000 refining votes" in p for p in report.problems), report.problems


def test_tally_problems_skips_what_is_sane() -> None:
    sane = {"tallies": {"1": {"competency_id": COMP, "role_group": "educator",
                              "counts": {"developing": 10_000, "refining": 0}}}}
    assert tally_problems(sane) == []
    assert tally_problems({"tallies": "junk"}) == []
    assert len(tally_problems({"tallies": {"1": {"counts": {"a": -1, "b": 10_001}}}})) == 2


@pytest.mark.parametrize(("cls", "field", "value", "message"), [
    ("Cycle", "date", "9999-12-31", "must be a date from 1900 to 2199"),
    ("Cycle", "date", "0001-01-01", "must be a date from 1900 to 2199"),
    ("Action", "due", "9999-12-31", "must be a date from 1900 to 2199"),
    ("Plan", "period_end", "2300-01-01", "must be a date from 1900 to 2199"),
    ("Rating", "updated", "9999-12-31T23:59:59-14:00", "must be a UTC time like"),  # overflows
    ("Rating", "updated", "0001-01-01T00:00:00+14:00", "must be a UTC time like"),
    ("Rating", "updated", "2500-01-01T00:00:00Z", "must be a time from 1970 to 2199"),
    ("Tally", "updated", "1969-12-31T23:59:59Z", "must be a time from 1970 to 2199"),
])
def test_dates_and_times_fall_in_sane_years(cls: str, field: str, value: str, message: str) -> None:
    import importlib

    import test_records  # the examples of every record

    record = next(r for r in test_records.examples() if type(r).__name__ == cls)
    kind = getattr(importlib.import_module("navtool_desktop.core.records"), cls)
    data = {**record.to_dict(), field: value}
    if cls == "Action":
        data["start"] = "2025-10-01"
    with pytest.raises(RecordError, match=message):
        kind.from_dict(data)
    kind.from_dict({**data, field: record.to_dict()[field]})  # the usual value is fine
