"""The ``navtool bundle`` and ``export-csv``/``export-xlsx`` commands, and a district round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from navtool_desktop import paths
from navtool_desktop.cli import main
from navtool_desktop.storage import Repository


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--years", "1", "--participants", "8"]) == 0
    capsys.readouterr()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_district_bundle_round_trip_prints_the_same_results_and_plan(
        demo: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path) -> None:
    results_before = _run(capsys, "results")
    plan_before = _run(capsys, "plan", "--today", "2026-01-15")
    json_before = _run(capsys, "results", "--format", "json")
    assert results_before[0] == 0 and plan_before[0] == 0
    bundle = tmp_path / "district.navtool"
    assert _run(capsys, "bundle", "export", "--kind", "district", "--out", str(bundle))[0] == 0
    with Repository(data_dir, read_only=True) as repo:
        store = repo.open_last()
        assert store is not None
        old_plans = [(p, store.goals(p.id), [store.actions(g.id) for g in store.goals(p.id)])
                     for p in store.plans()]
        old_notes = store.progress_notes()
    other = tmp_path / "empty-laptop"
    paths.set_data_dir(other)
    code, out, _err = _run(capsys, "bundle", "import", str(bundle))
    assert code == 0, out
    assert "1 bundle(s) imported, 0 refused" in out
    assert _run(capsys, "results") == results_before
    assert _run(capsys, "results", "--format", "json") == json_before
    assert _run(capsys, "plan", "--today", "2026-01-15") == plan_before
    with Repository(other, read_only=True) as repo:
        store = repo.open_last()
        assert store is not None
        assert [(p, store.goals(p.id), [store.actions(g.id) for g in store.goals(p.id)])
                for p in store.plans()] == old_plans
        assert store.progress_notes() == old_notes
    # importing it again changes nothing
    code, out, _err = _run(capsys, "bundle", "import", str(bundle))
    assert code == 0 and "Added: 0" in out and "Updated: 0" in out and "Conflicts: 0" in out


def test_import_exits_non_zero_on_a_refused_bundle(demo: None, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    bad = tmp_path / "bad.navtool"
    bad.write_bytes(b"not a zip")
    code, out, _err = _run(capsys, "bundle", "import", str(bad))
    assert code == 1 and "bad.navtool" in out and "Refused" in out


def test_a_protected_participant_bundle_and_a_dry_run(demo: None, capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path, data_dir: Path) -> None:
    with Repository(data_dir, read_only=True) as repo:
        store = repo.open_last()
        assert store is not None
        cycle = store.cycles()[-1]
        person = next(iter(store.cycle(cycle.id).participants.values()))
    secret = tmp_path / "pass.txt"
    secret.write_text("blue river stones\n", encoding="utf-8")
    out_file = tmp_path / "me.navtool"
    code, _out, err = _run(capsys, "bundle", "export", "--kind", "participant", "--cycle", "latest",
                           "--participant", person.id, "--passphrase-file", str(secret),
                           "--out", str(out_file))
    assert code == 0, err
    code, out, _err = _run(capsys, "bundle", "import", str(out_file), "--dry-run",
                           "--passphrase-file", str(secret))
    assert code == 0 and "Dry run" in out
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("red river stones", encoding="utf-8")
    code, out, _err = _run(capsys, "bundle", "import", str(out_file), "--passphrase-file", str(wrong))
    assert code == 1 and "passphrase is wrong" in out


def test_export_csv_and_xlsx(demo: None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out_csv = tmp_path / "ratings.csv"
    code, out, err = _run(capsys, "export-csv", "--cycle", "latest", "--out", str(out_csv))
    assert code == 0, err
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0].startswith("# This file contains individual answers")
    assert rows[1][:3] == ["cycle", "participant or code", "role group"]
    assert len(rows) > 10 and f"Wrote {len(rows) - 2} rows" in out
    out_summary = tmp_path / "summary.xlsx"
    code, out, err = _run(capsys, "export-xlsx", "--what", "summary", "--out", str(out_summary))
    assert code == 0, err
    values = list(openpyxl.load_workbook(out_summary).active.values)
    assert values[0][0].startswith("# Privacy: a role group's counts are shown only when at least 3")
    assert values[1][:4] == ("kind", "id", "name", "role group")
    hidden = [v for v in values[2:] if v[-1] and v[-1].startswith("hidden")]
    assert hidden and all(v[4] is None for v in hidden)  # no numbers for a hidden group
    out_xlsx = tmp_path / "actions.xlsx"
    code, out, err = _run(capsys, "export-xlsx", "--what", "actions", "--out", str(out_xlsx))
    assert code == 0, err
    sheet = openpyxl.load_workbook(out_xlsx).active
    values = list(sheet.values)
    assert values[0][0] == "plan" and len(values) > 1
    code, _out, err = _run(capsys, "export-csv", "--cycle", "no-such-cycle", "--out", str(out_csv))
    assert code == 1 and "no-such-cycle" in err
