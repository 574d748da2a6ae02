"""What a district's IT checks: ``navtool --version --verbose`` and the lock files (build/requirements.py)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from navtool_desktop import __version__, cli, paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "build"))
import requirements as locks  # build/requirements.py

ROOT = Path(__file__).resolve().parent.parent


def test_version_alone_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"navtool {__version__}\n"


def test_verbose_alone_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["--verbose"])
    assert stop.value.code == 2
    assert "--verbose goes with --version" in capsys.readouterr().err


def test_verbose_version_names_the_libraries_and_the_source_lock_hash(capsys: pytest.CaptureFixture[str]) -> None:
    import reportlab
    import tinydb
    from pyhanko import version as pyhanko_version
    from PySide6 import QtCore

    assert cli.main(["--version", "--verbose"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"navtool {__version__}"
    assert out[1].startswith(f"Python {sys.version_info.major}.{sys.version_info.minor}.")
    assert f"Qt {QtCore.qVersion()} " in out[2]
    assert f"ReportLab {reportlab.Version}" in out
    assert any(line.startswith(f"pyHanko {pyhanko_version.__version__} ") for line in out)
    assert f"TinyDB {tinydb.__version__}" in out
    digest = hashlib.sha256((ROOT / "requirements" / "bundle.txt").read_bytes()).hexdigest()
    assert out[-1] == f"not a built copy (source); requirements/bundle.txt SHA-256 {digest}"


def test_a_built_copy_reports_the_lock_hash_it_was_built_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bundle carries build_info.json (build/navtool.spec); its hash wins over any lock file lying around."""
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "bundle.txt").write_text("something else\n", encoding="utf-8")
    (tmp_path / cli.BUILD_INFO).write_text(json.dumps(
        {"version": __version__, "lock": "requirements/bundle.txt", "lock_sha256": "ab" * 32}), encoding="utf-8")
    monkeypatch.setattr(paths, "bundle_root", lambda: tmp_path)
    assert cli.main(["--version", "--verbose"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"built from requirements/bundle.txt, SHA-256 {'ab' * 32}"


def test_a_copy_without_build_record_or_lock_says_the_hash_is_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(paths, "bundle_root", lambda: tmp_path)
    assert cli.main(["--version", "--verbose"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "lock hash unknown: this copy has no build record"


@pytest.mark.parametrize(("lock", "extra"), [("run.txt", None), ("dev.txt", "dev"), ("bundle.txt", "bundle"),
                                             ("lint.txt", "lint")])
def test_every_lock_file_satisfies_pyproject(lock: str, extra: str | None) -> None:
    """A dependency added to pyproject.toml without `make lock` fails here (and in make)."""
    assert locks.problems(ROOT / "requirements" / lock, extra) == []


def test_every_pin_in_a_lock_carries_hashes() -> None:
    for lock in sorted((ROOT / "requirements").glob("*.txt")):
        text = lock.read_text(encoding="utf-8")
        entries = [entry for entry in text.split("\n") if locks._PIN.match(entry)]
        assert entries, lock
        for entry in entries:
            assert entry.endswith("\\"), f"{lock.name}: {entry} has no --hash"


def test_the_lock_check_names_a_missing_package_and_a_pin_outside_the_range(tmp_path: Path) -> None:
    real = (ROOT / "requirements" / "run.txt").read_text(encoding="utf-8")
    missing = tmp_path / "missing.txt"
    missing.write_text("\n".join(line for line in real.split("\n") if not line.startswith("tinydb==")),
                       encoding="utf-8")
    assert any("has no tinydb" in problem for problem in locks.problems(missing, None))
    old = tmp_path / "old.txt"
    old.write_text(real.replace("\npyhanko==", "\npyhanko==0.29.1 \\\n    --hash=sha256:00\nold-pyhanko=="),
                   encoding="utf-8")
    assert any("pins pyhanko==0.29.1, outside" in problem for problem in locks.problems(old, None))
    assert locks.main(["check", str(old)]) == 1
