"""``navtool demo|check|backup|restore`` through ``cli.main`` (output captured)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from navtool_desktop.cli import main
from navtool_desktop.storage import Repository
from navtool_desktop.storage.repository import iter_store_files


def test_demo_then_check(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--years", "1", "--participants", "4"]) == 0
    out = capsys.readouterr().out
    assert "4 cycles" in out and "Pine Ridge" in out
    with Repository(data_dir, read_only=True) as repo:
        [summary] = repo.list_districts()
        store = repo.open_district(summary.id)
        cycles = store.cycles()
        data = [store.cycle(c.id) for c in cycles]
        assert all(d.ratings and d.consensus for d in data)
        assert any(d.tallies for d in data) and any(d.responses for d in data)
        assert cycles[0].scope is None and cycles[1].scope  # winter check-in is scoped
        [plan] = store.plans()
        goal = store.goals(plan.id)[0]
        action = store.actions(goal.id)[0]
        assert goal.measures and goal.term and goal.target_date and goal.statement
        assert action.owner and action.start and action.due and action.resources
        assert store.progress_notes(action.id)
    assert main(["check"]) == 0
    assert "No problems found." in capsys.readouterr().out
    assert main(["demo", "--years", "1"]) == 1
    assert "already" in capsys.readouterr().err


def test_demo_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a", "b"):
        assert main(["--data-dir", str(tmp_path / name), "demo", "--years", "1",
                     "--participants", "2"]) == 0
    first = [p.read_bytes() for p in iter_store_files(tmp_path / "a")]
    second = [p.read_bytes() for p in iter_store_files(tmp_path / "b")]

    def strip_times(raw: bytes) -> object:
        data = json.loads(raw)
        for table in data.values():
            for doc in table.values():
                doc.pop("updated", None)
                doc.pop("version", None)  # made from the time, like "updated"
        return data

    assert [strip_times(r) for r in first] == [strip_times(r) for r in second]


def test_check_reports_problems(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "--years", "1", "--participants", "2"])
    files = list(iter_store_files(data_dir))
    cycle_file = files[1]
    data = json.loads(cycle_file.read_text("utf-8"))
    doc = next(iter(data["ratings"].values()))
    doc["competency_id"] = "culture.no-such-thing"
    doc["practices"] = []
    next(iter(data["responses"].values()), {})["participant_id"] = \
        "00000000-0000-4000-8000-000000000000"
    cycle_file.write_text(json.dumps(data), "utf-8")
    files[2].write_bytes(b"")
    (files[0].parent / "cycles" / "00000000-0000-4000-8000-00000000abcd.json").write_text(
        files[3].read_text("utf-8"), "utf-8")
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "unknown competency culture.no-such-thing" in out
    assert "is empty" in out
    assert "not listed in district.json" in out
    assert files[2].read_bytes() == b""  # check never changes anything


def test_backup_and_restore(data_dir: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "--years", "1", "--participants", "2"])
    out_file = tmp_path / "copy.zip"
    assert main(["backup", "--out", str(out_file)]) == 0
    said = capsys.readouterr().out
    assert out_file.exists() and str(out_file) in said
    # a copy elsewhere holds every named rating, unprotected: the command says so
    assert "individual answers" in said and "no passphrase" in said
    district_file = next(iter_store_files(data_dir))
    district_file.write_bytes(b"{cut")
    assert main(["restore", str(out_file)]) == 0
    assert "Restored" in capsys.readouterr().out
    assert main(["check"]) == 0


def test_restore_of_a_bad_file_is_one_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"not a zip")
    assert main(["restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("navtool: x.zip is not a usable") and err.count("\n") == 1


def test_backup_while_the_app_has_the_data_open(data_dir: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "--years", "1", "--participants", "2"])
    capsys.readouterr()
    with Repository(data_dir):  # as the app holds it
        assert main(["backup"]) == 1
        assert "back up to a file with --out" in capsys.readouterr().err
        out = tmp_path / "stick" / "pine-ridge.zip"
        out.parent.mkdir()
        assert main(["backup", "--out", str(out)]) == 0
        assert out.is_file()
    # the copy restores into an empty folder
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "other"), "restore", str(out)]) == 0
