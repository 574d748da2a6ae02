"""Fixtures for the signing tests: a district with a root and two signers, a plan PDF."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import signing_helpers
from signing_helpers import TEST_KEY_BITS, District, make_pdf

from navtool_desktop.signing import RootAuthority, create_root, issue_signer


@pytest.fixture(scope="session")
def district() -> District:
    root = create_root("Peña Valley Unified", key_bits=TEST_KEY_BITS)
    return District(
        root,
        issue_signer(root, "Ana Peña", "Superintendent", key_bits=TEST_KEY_BITS),
        issue_signer(root, "Nguyễn Văn An", "Board Chair", key_bits=TEST_KEY_BITS),
    )


@pytest.fixture(scope="session")
def other_root() -> RootAuthority:
    """A root that issued none of the district's signers."""
    return create_root("Somewhere Else ISD", key_bits=TEST_KEY_BITS)


@pytest.fixture
def plan_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "plan.pdf"
    path.write_bytes(make_pdf(pages=3))
    return path


@pytest.fixture
def pdfsig() -> Callable[[Path], list[dict[str, str]]]:
    """Runs poppler's ``pdfsig`` on a file and parses its report."""
    return signing_helpers.pdfsig


@pytest.fixture
def qpdf_check() -> Callable[[Path], subprocess.CompletedProcess[str]]:
    """Runs ``qpdf --check`` on a file."""
    return signing_helpers.qpdf_check
