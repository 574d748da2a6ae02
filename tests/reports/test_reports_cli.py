"""``navtool export-plan|export-report|rating-sheet`` on the demo district."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from report_helpers import TEST_KEY_BITS

from navtool_desktop import cli
from navtool_desktop.signing import RootAuthority, identity_to_p12, issue_signer, signature_fields


@pytest.fixture
def demo(data_dir: Path) -> None:
    assert cli.main(["demo", "--years", "1", "--participants", "8"]) == 0


def test_export_plan_then_sign_in_turn(demo: None, tmp_path: Path, root: RootAuthority,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    passphrase = tmp_path / "pw"
    passphrase.write_text("correct horse\n", encoding="utf-8")
    chair = issue_signer(root, "Uma Running Crane", "Board chair", key_bits=TEST_KEY_BITS)
    (tmp_path / "chair.p12").write_bytes(identity_to_p12(chair, "correct horse"))
    out = tmp_path / "plan.pdf"
    # the board chair signs first here: the box whose role matches is the one signed
    assert cli.main(["export-plan", "--out", str(out), "--sign", str(tmp_path / "chair.p12"),
                     "--passphrase-file", str(passphrase)]) == 0
    printed = capsys.readouterr().out
    assert "signer-2-board-chair: Board chair Uma Running Crane (signed)" in printed
    assert signature_fields(out.read_bytes()) == [("signer-1-superintendent", False), ("signer-2-board-chair", True)]


def test_export_refuses_to_replace_a_signed_pdf_without_force(demo: None, tmp_path: Path, root: RootAuthority,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    passphrase = tmp_path / "pw"
    passphrase.write_text("pw-123456\n", encoding="utf-8")
    boss = issue_signer(root, "Rosa Nguyễn", "Superintendent", key_bits=TEST_KEY_BITS)
    (tmp_path / "boss.p12").write_bytes(identity_to_p12(boss, "pw-123456"))
    out = tmp_path / "plan.pdf"
    assert cli.main(["export-plan", "--out", str(out), "--sign", str(tmp_path / "boss.p12"),
                     "--passphrase-file", str(passphrase)]) == 0
    signed = out.read_bytes()
    assert cli.main(["export-plan", "--out", str(out)]) == 1
    assert "signed PDF" in capsys.readouterr().err
    assert out.read_bytes() == signed
    assert cli.main(["export-plan", "--out", str(out), "--force"]) == 0
    assert signature_fields(out.read_bytes()) == [("signer-1-superintendent", False),
                                                  ("signer-2-board-chair", False)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_unsigned_output_is_replaced(demo: None, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF-1.4 old unsigned draft")
    assert cli.main(["export-report", "--out", str(out), "--cycle", "latest"]) == 0
    assert out.read_bytes().startswith(b"%PDF-") and b"old unsigned draft" not in out.read_bytes()
    assert cli.main(["rating-sheet", "--out", str(tmp_path / "sheet.pdf")]) == 0
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF-")


def test_unknown_cycle_is_one_line_error(demo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export-report", "--out", str(tmp_path / "r.pdf"), "--cycle", "nope"]) == 1
    assert "no cycle with id nope" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()


def test_the_cli_and_app_start_without_reportlab() -> None:
    code = ("import sys\n"
            "from navtool_desktop import cli\n"
            "cli.build_parser()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'reportlab'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_export_and_sign_refuses_a_box_named_for_someone_else(demo: None, tmp_path: Path, root: RootAuthority,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    passphrase = tmp_path / "pw"
    passphrase.write_text("pw-123456\n", encoding="utf-8")
    other = issue_signer(root, "Tom Board", "Board chair", key_bits=TEST_KEY_BITS)
    (tmp_path / "tom.p12").write_bytes(identity_to_p12(other, "pw-123456"))
    out = tmp_path / "plan.pdf"
    assert cli.main(["export-plan", "--out", str(out), "--sign", str(tmp_path / "tom.p12"),
                     "--passphrase-file", str(passphrase)]) == 1
    err = capsys.readouterr().err
    assert "the box names Uma Running Crane, the certificate Tom Board" in err and "--force" in err
    assert not out.exists()


def test_export_progress_and_the_compact_sheet(demo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from report_helpers import page_texts

    out = tmp_path / "progress.pdf"
    assert cli.main(["export-progress", "--out", str(out), "--date", "2025-03-01"]) == 0
    assert "progress report on" in capsys.readouterr().out
    pages = page_texts(out.read_bytes(), tmp_path)
    assert "Progress as of March 1, 2025" in " ".join(pages[0].split())
    compact, full = tmp_path / "compact.pdf", tmp_path / "full.pdf"
    assert cli.main(["rating-sheet", "--compact", "--out", str(compact)]) == 0
    assert cli.main(["rating-sheet", "--out", str(full)]) == 0
    assert len(page_texts(compact.read_bytes(), tmp_path)) * 4 < len(page_texts(full.read_bytes(), tmp_path))
    handout = tmp_path / "handout.pdf"
    assert cli.main(["rating-sheet", "--handout", "--out", str(handout)]) == 0
    assert "What the levels mean" in page_texts(handout.read_bytes(), tmp_path)[0]
    assert cli.main(["rating-sheet", "--compact", "--handout", "--out", str(handout)]) == 1
    with pytest.raises(SystemExit):  # argparse says what is wrong with the date
        cli.main(["export-progress", "--out", str(out), "--date", "next week"])
