"""Fixtures for exchange tests: a repository in the test's data folder with a small district."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from exchange_helpers import Setup, make_setup

from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository


@pytest.fixture
def repo(data_dir: Path) -> Iterator[Repository]:
    repository = Repository(data_dir)
    yield repository
    repository.close()


@pytest.fixture
def setup(repo: Repository, pack: Pack) -> Setup:
    return make_setup(repo, pack)
