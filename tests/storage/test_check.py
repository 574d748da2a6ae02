"""``navtool check``: hand edits, wrong clocks, half-finished restores, newer files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage_helpers import Setup

from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.storage.check import check_data_dir

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data), "utf-8")


def _cycle_file(setup: Setup) -> Path:
    return setup.store.folder / "cycles" / f"{setup.cycle_id}.json"


def _problems(setup: Setup, data_dir: Path, pack: Pack) -> list[str]:
    setup.repo.close()
    return check_data_dir(data_dir, pack).problems


def test_a_clean_district_is_clean(setup: Setup, data_dir: Path, pack: Pack) -> None:
    setup.store.save_rating(setup.cycle_id, setup.rating(0))
    setup.store.backup()
    assert _problems(setup, data_dir, pack) == []


def test_double_votes(setup: Setup, data_dir: Path, pack: Pack) -> None:
    first = setup.store.save_rating(setup.cycle_id, setup.rating(0, "developing"))

    def twice(data: dict[str, Any]) -> None:
        doc = dict(data["ratings"]["1"], id="00000000-0000-4000-8000-000000000001")
        data["ratings"]["2"] = doc

    _edit(_cycle_file(setup), twice)
    problems = _problems(setup, data_dir, pack)
    assert any("Person 0" in p and first.competency_id in p and "2 ratings" in p
               for p in problems), problems


def test_ratings_outside_the_scope(setup: Setup, data_dir: Path, pack: Pack) -> None:
    rating = setup.store.save_rating(setup.cycle_id, setup.rating(0))
    other = next(c.id for c in pack.conditions if not rating.competency_id.startswith(c.id))
    cycle = setup.store.get_cycle(setup.cycle_id)
    setup.store.save_cycle(cycle.replace(scope=(other,)))
    problems = _problems(setup, data_dir, pack)
    assert any("outside" in p and "scope" in p and "1 rating" in p for p in problems), problems


def test_future_dated_records_and_backups(setup: Setup, data_dir: Path, pack: Pack) -> None:
    setup.store.save_rating(setup.cycle_id, setup.rating(0))
    setup.repo.wall = lambda: datetime(2031, 1, 1, tzinfo=UTC)
    setup.store.backup()

    def ahead(data: dict[str, Any]) -> None:
        data["ratings"]["1"]["updated"] = "2031-01-01T09:00:00.000Z"

    _edit(_cycle_file(setup), ahead)
    setup.repo.close()
    report = check_data_dir(data_dir, pack)
    # a record saved by a clock that was ahead is a note naming the laptop (data is intact);
    # a backup dated in the future is a problem: it would be offered as the newest
    assert any("2031-01-01" in n and "ahead of this computer's clock" in n and "laptop" in n
               for n in report.notes), report.notes
    assert any("backup" in p and "future" in p for p in report.problems), report.problems


def test_records_pointing_at_unknown_ids(setup: Setup, data_dir: Path, pack: Pack) -> None:
    setup.store.save_rating(setup.cycle_id, setup.rating(0))

    def orphan(data: dict[str, Any]) -> None:
        data["ratings"]["1"]["participant_id"] = "00000000-0000-4000-8000-00000000dead"

    _edit(_cycle_file(setup), orphan)
    problems = _problems(setup, data_dir, pack)
    assert any("missing participant" in p for p in problems), problems


def test_a_newer_file_names_both_versions(setup: Setup, data_dir: Path, pack: Pack) -> None:
    from navtool_desktop.storage import SCHEMA_VERSION

    def newer(data: dict[str, Any]) -> None:
        data["meta"]["1"]["schema"] = SCHEMA_VERSION + 5

    _edit(_cycle_file(setup), newer)
    problems = _problems(setup, data_dir, pack)
    text = "\n".join(problems)
    assert f"{SCHEMA_VERSION + 5}" in text and f"{SCHEMA_VERSION}" in text
    assert "Update the app" in text or "update the app" in text
    assert "open it in the app to upgrade" not in text


def test_two_profiles_are_named_as_such(setup: Setup, data_dir: Path, pack: Pack) -> None:
    def two(data: dict[str, Any]) -> None:
        data["district"]["2"] = dict(data["district"]["1"],
                                     id="00000000-0000-4000-8000-0000000000aa")

    _edit(setup.store.folder / "district.json", two)
    problems = _problems(setup, data_dir, pack)
    assert any("2 district profiles" in p for p in problems), problems


def test_leftover_restore_folders_are_named_and_fixed(setup: Setup, data_dir: Path,
                                                      pack: Pack) -> None:
    # What the old restore left after a power cut between its two renames.
    folder = setup.store.folder
    setup.repo.close()
    folder.rename(folder.with_name(f".replaced-{setup.store.id}-20261201T090000Z"))
    report = check_data_dir(data_dir, pack)
    assert any("restore" in p for p in report.problems), report.problems
    assert folder.is_dir()
    assert check_data_dir(data_dir, pack).ok


def test_a_non_numeric_document_id_is_named(setup: Setup, data_dir: Path, pack: Pack) -> None:
    setup.store.save_rating(setup.cycle_id, setup.rating(0))

    def renumber(data: dict[str, Any]) -> None:
        data["ratings"]["abc"] = data["ratings"].pop("1")

    _edit(_cycle_file(setup), renumber)
    problems = _problems(setup, data_dir, pack)
    assert any("document id abc" in p for p in problems), problems
    assert not any("invalid literal" in p for p in problems)


def test_an_interrupted_restore_while_the_app_is_open_is_only_named(setup: Setup,
                                                                    data_dir: Path,
                                                                    pack: Pack) -> None:
    folder = setup.store.folder
    folder.rename(folder.with_name(f".replaced-{setup.store.id}-20261201T090000Z"))
    report = check_data_dir(data_dir, pack)  # the app (setup.repo) holds the lock
    assert any("restore" in p and "open the app" in p for p in report.problems), report.problems
    assert not folder.exists()
    setup.repo.close()
    with Repository(data_dir) as repo:
        assert repo.recovered and "rolled back" in repo.recovered[0]
    assert folder.is_dir() and check_data_dir(data_dir, pack).ok
