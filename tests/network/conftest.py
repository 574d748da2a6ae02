"""A demo district in a real store, and district identities, for the network tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from navtool_desktop.core.demo import DemoDistrict, generate
from navtool_desktop.framework import Pack
from navtool_desktop.signing import Identity, RootAuthority, create_root, issue_signer
from navtool_desktop.storage import DistrictStore, Repository
from navtool_desktop.storage.demo import save_demo

KEY_BITS = 2048


@pytest.fixture(scope="session")
def demo(pack: Pack) -> DemoDistrict:
    return generate(pack, years=2, participants=14)


@pytest.fixture
def store(repo: Repository, demo: DemoDistrict) -> Iterator[DistrictStore]:
    yield save_demo(repo, demo, backup=False)


@pytest.fixture(scope="session")
def district_root() -> RootAuthority:
    return create_root("Peña Valley Unified", key_bits=KEY_BITS)


@pytest.fixture(scope="session")
def signer(district_root: RootAuthority) -> Identity:
    return issue_signer(district_root, "Ana Peña", "Superintendent", key_bits=KEY_BITS)


@pytest.fixture(scope="session")
def other_root() -> RootAuthority:
    return create_root("Somebody Else ISD", key_bits=KEY_BITS)


@pytest.fixture(scope="session")
def stranger(other_root: RootAuthority) -> Identity:
    return issue_signer(other_root, "Mallory", "Clerk", key_bits=KEY_BITS)
