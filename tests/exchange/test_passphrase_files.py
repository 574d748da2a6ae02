"""Passphrase files (review L3): a BOM and one line end are dropped, nothing else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from exchange_helpers import Setup

from navtool_desktop.cli import main
from navtool_desktop.commands.common import CommandError, passphrase_text, read_passphrase
from navtool_desktop.exchange import read_bundle_file, save_bundle
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack


@pytest.mark.parametrize(("raw", "expected"), [
    (b"correct horse", "correct horse"),
    (b"correct horse\n", "correct horse"),
    (b"correct horse\r\n", "correct horse"),  # Notepad
    (b"\xef\xbb\xbfcorrect horse\r\n", "correct horse"),  # Notepad, "UTF-8 with BOM"
    (b"correct horse\r", "correct horse"),
    (b"correct horse\n\n", "correct horse\n"),  # only one line end
    (b"  spaced out  \n", "  spaced out  "),
    ("correct horse\u0085battery staple\n".encode(), "correct horse\u0085battery staple"),
    ("correct horse\u2028battery staple".encode(), "correct horse\u2028battery staple"),
    ("Peña ñandú\n".encode(), "Peña ñandú"),
])
def test_a_passphrase_file_is_its_text_less_a_bom_and_one_line_end(
        tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "pass.txt"
    path.write_bytes(raw)
    assert read_passphrase(path) == expected
    assert passphrase_text(raw.decode("utf-8")) == expected


@pytest.mark.parametrize("raw", [b"", b"\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_an_empty_passphrase_file_is_refused(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "pass.txt"
    path.write_bytes(raw)
    with pytest.raises(CommandError, match="is empty"):
        read_passphrase(path)


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pass.txt"
    path.write_bytes(b"caf\xe9\n")
    with pytest.raises(CommandError, match="cannot be read"):
        read_passphrase(path)


def test_standard_input_gives_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\ufeffblue river\r\nnext line\n"))
    assert read_passphrase(Path("-")) == "blue river"


def test_a_notepad_file_opens_a_bundle_protected_with_the_typed_passphrase(
        setup: Setup, pack: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "cycle.navtool"
    save_bundle(make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id), bundle,
                "blue river stones")  # typed in the app
    notepad = tmp_path / "pass.txt"
    notepad.write_bytes(b"\xef\xbb\xbfblue river stones\r\n")
    assert read_bundle_file(bundle, pack, read_passphrase(notepad)).kind == "cycle"
    setup.repo.close()
    assert main(["bundle", "import", str(bundle), "--dry-run", "--passphrase-file", str(notepad)]) == 0
    assert "Dry run" in capsys.readouterr().out


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_notepad_unicode_file_is_read_as_utf16(tmp_path: Path, codec: str) -> None:
    """Notepad's "Unicode" (UTF-16 with a byte order mark) cannot be UTF-8: bytes FF FE or
    FE FF never start UTF-8 text, so the mark says how to read it."""
    path = tmp_path / "pass.txt"
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    path.write_bytes(bom + "Peña ñandú\r\n".encode(codec))
    assert read_passphrase(path) == "Peña ñandú"


def test_a_huge_file_is_not_a_passphrase(tmp_path: Path) -> None:
    """A wrong file chosen (or /dev/zero) is refused after reading a little of it."""
    path = tmp_path / "pass.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024))
    with pytest.raises(CommandError, match="too long"):
        read_passphrase(path)
