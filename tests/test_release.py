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


@pytest.mark.parametrize(("lock", "extra"), [("run.txt", None), ("dev.txt", "dev"), ("bundle.txt", "bundle")])
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


def test_portable_selection_leaves_out_files_that_run_linux_tools_and_keeps_the_rest(tmp_path: Path) -> None:
    import portable_tests  # build/portable_tests.py

    # (the tools' names are spelled in pieces, so this file itself stays in the portable run)
    (tmp_path / "test_pdf.py").write_text("text = " + "pdf_" + "text(data, tmp_path)\n", encoding="utf-8")
    (tmp_path / "test_sig.py").write_text("def test_x(" + "pdf" + "sig):\n    pass\n", encoding="utf-8")
    (tmp_path / "test_plain.py").write_text("def test_x():\n    assert 'pdf' in 'a pdf text'\n", encoding="utf-8")
    (tmp_path / "helpers.py").write_text("import subprocess\nsubprocess.run(['" + "q" + "pdf'])\n", encoding="utf-8")
    assert [path.name for path in portable_tests.linux_only_tests(tmp_path)] == ["test_pdf.py", "test_sig.py"]
    assert ROOT / "tests" / "reports" / "test_plan_pdf.py" in portable_tests.linux_only_tests(ROOT / "tests")
    assert ROOT / "tests" / "test_release.py" not in portable_tests.linux_only_tests(ROOT / "tests")
    assert ROOT / "tests" / "test_paths.py" not in portable_tests.linux_only_tests(ROOT / "tests")


def test_release_archive_carries_the_bundle_and_a_checking_sha256(tmp_path: Path) -> None:
    import tarfile
    import zipfile

    import release  # build/release.py

    (tmp_path / "navtool").mkdir()
    (tmp_path / "navtool" / "navtool").write_bytes(b"\x7fELF not really")
    assert release.main([str(tmp_path)]) == 0
    sums = list(tmp_path.glob("*.sha256"))
    assert len(sums) == 1
    digest, name = sums[0].read_text(encoding="utf-8").split()
    archive = tmp_path / name
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == digest
    assert name.startswith(f"navtool-{__version__}-")
    if name.endswith(".zip"):
        with zipfile.ZipFile(archive) as packed:
            assert "navtool/navtool" in packed.namelist()
    else:
        with tarfile.open(archive) as packed:
            assert "navtool/navtool" in packed.getnames()


def test_release_without_a_bundle_says_to_build_it(tmp_path: Path) -> None:
    import release  # build/release.py

    with pytest.raises(SystemExit, match="run `make bundle` first"):
        release.main([str(tmp_path)])
