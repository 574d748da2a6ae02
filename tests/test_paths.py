"""Where things live, and the file names the app suggests."""

from __future__ import annotations

from pathlib import Path

import pytest

from navtool_desktop import paths


def test_file_stem_is_safe_and_readable() -> None:
    assert paths.file_stem("Strategic Action Plan 2026\u20132027 (draft)") == "strategic-action-plan-2026-2027-draft"
    assert paths.file_stem("Ana Peña — Nguyễn / Superintendent") == "ana-pena-nguyen-superintendent"
    assert paths.file_stem("<>:\"/\\|?*") == "navtool"
    assert paths.file_stem("x" * 100, limit=10) == "x" * 10


def test_data_dir_override_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.data_dir() == (tmp_path / "env").resolve()
    paths.set_data_dir(tmp_path / "flag")
    assert paths.data_dir() == (tmp_path / "flag").resolve()


def test_the_app_and_the_cli_use_one_signing_folder(data_dir: Path) -> None:
    """The app's Verify and ``navtool`` read identities and trusted roots from the same place."""
    from navtool_desktop import paths

    assert paths.signing_dir() == data_dir / "signing"
    import navtool_desktop.signing.folder as folder
    import navtool_desktop.ui.export_screen as export_screen

    assert not hasattr(folder, "signing_dir") and not hasattr(export_screen, "signing_folder")
