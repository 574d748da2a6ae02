"""The ``navtool bundle`` and ``export-csv``/``export-xlsx`` commands, and a district round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from navtool_desktop import paths
from navtool_desktop.cli import main
from navtool_desktop.framework import Pack
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
    secret = tmp_path / "secret.txt"
    secret.write_text("blue heron at dusk", encoding="utf-8")
    assert _run(capsys, "bundle", "export", "--kind", "district", "--with-answers",
                "--passphrase-file", str(secret), "--out", str(bundle))[0] == 0
    with Repository(data_dir, read_only=True) as repo:
        store = repo.open_last()
        assert store is not None
        old_plans = [(p, store.goals(p.id), [store.actions(g.id) for g in store.goals(p.id)])
                     for p in store.plans()]
        old_notes = store.progress_notes()
    other = tmp_path / "empty-laptop"
    paths.set_data_dir(other)
    code, out, _err = _run(capsys, "bundle", "import", str(bundle), "--passphrase-file", str(secret))
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
    code, out, _err = _run(capsys, "bundle", "import", str(bundle), "--passphrase-file", str(secret))
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


def test_bundles_carry_answers_only_when_asked_and_then_need_a_passphrase(
        demo: None, capsys: pytest.CaptureFixture[str], tmp_path: Path, pack: Pack) -> None:
    from navtool_desktop.exchange.files import read_bundle_file
    from navtool_desktop.exchange.protect import is_protected

    plain = tmp_path / "cycle.navtool"
    code, _out, err = _run(capsys, "bundle", "export", "--kind", "cycle", "--cycle", "latest", "--out", str(plain))
    assert code == 0, err
    [part] = read_bundle_file(plain, pack).cycles
    assert part.participants and part.consensus  # who takes part, and what the team agreed
    assert (part.ratings, part.responses, part.tallies) == ((), (), ())  # no one's answers
    # with the answers: refused unless protected, or unprotected on purpose
    answers = tmp_path / "answers.navtool"
    code, _out, err = _run(capsys, "bundle", "export", "--kind", "cycle", "--cycle", "latest",
                           "--with-answers", "--out", str(answers))
    assert code == 1 and "needs a passphrase" in err and "--no-passphrase" in err
    assert not answers.exists()
    secret = tmp_path / "secret.txt"
    secret.write_text("red river stones", encoding="utf-8")
    code, _out, err = _run(capsys, "bundle", "export", "--kind", "cycle", "--cycle", "latest",
                           "--with-answers", "--passphrase-file", str(secret), "--out", str(answers))
    assert code == 0, err
    assert is_protected(answers.read_bytes())
    assert read_bundle_file(answers, pack, "red river stones").cycles[0].ratings
    code, _out, err = _run(capsys, "bundle", "export", "--kind", "cycle", "--cycle", "latest",
                           "--with-answers", "--no-passphrase", "--out", str(tmp_path / "open.navtool"))
    assert code == 0, err
    assert read_bundle_file(tmp_path / "open.navtool", pack).cycles[0].ratings
    code, _out, err = _run(capsys, "bundle", "export", "--kind", "cycle", "--cycle", "latest", "--with-answers",
                           "--no-passphrase", "--passphrase-file", str(secret), "--out", str(answers))
    assert code == 1 and "not both" in err
    # one person's own ratings: protected by default too
    with Repository(read_only=True) as repo:
        store = repo.open_last()
        assert store is not None
        cycle = store.cycles()[-1]
        person = next(iter(store.cycle(cycle.id).participants))
    mine = tmp_path / "mine.navtool"
    code, _out, err = _run(capsys, "bundle", "export", "--kind", "participant", "--cycle", cycle.id,
                           "--participant", person, "--out", str(mine))
    assert code == 1 and "needs a passphrase" in err
    code, _out, err = _run(capsys, "bundle", "export", "--kind", "participant", "--cycle", cycle.id,
                           "--participant", person, "--no-passphrase", "--out", str(mine))
    assert code == 0, err
