"""Shared fixtures. Qt runs offscreen; user data always goes to a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from navtool_desktop import i18n, paths
from navtool_desktop.framework import Pack, load_pack
from navtool_desktop.storage import Repository

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pack() -> Pack:
    """The shipped Navigation Tool pack, loaded once."""
    return load_pack(paths.default_pack_dir())


@pytest.fixture
def repo(data_dir: Path) -> Iterator[Repository]:
    """The data folder opened for writing (locked), closed after the test."""
    repository = Repository(data_dir)
    yield repository
    repository.close()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own empty data folder; no test touches the real one."""
    folder = tmp_path / "data"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(folder))
    paths.set_data_dir(None)
    yield folder
    paths.set_data_dir(None)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English whatever the machine's locale; a test that switches to
    Spanish (``i18n.set_language``, ``navtool --lang es``) leaves English behind it."""
    monkeypatch.setenv(i18n.LANG_ENV, "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run only with SLOW=1 (``make test SLOW=1``)."""
    if os.environ.get("SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow; run with SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
