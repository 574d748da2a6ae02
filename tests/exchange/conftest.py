"""Fixtures for exchange tests: a repository in the test's data folder with a small district."""

from __future__ import annotations

import pytest
from exchange_helpers import Setup, make_setup

from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository


@pytest.fixture
def setup(repo: Repository, pack: Pack) -> Setup:
    return make_setup(repo, pack)
