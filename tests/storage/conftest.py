"""Fixtures for storage tests: a repository in the test's data folder, a district with a cycle."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from navtool_desktop.core.records import Cycle, District, Participant, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage import DistrictStore, Repository


@dataclass
class Setup:
    repo: Repository
    store: DistrictStore
    cycle_id: str
    participants: list[Participant]
    competencies: list[str]

    def rating(self, n: int, level: str = "developing", note: str = "") -> Rating:
        """A rating of participant ``n % len`` on competency ``n // len % 30``."""
        person = self.participants[n % len(self.participants)]
        comp = self.competencies[n // len(self.participants) % len(self.competencies)]
        return Rating(participant_id=person.id, competency_id=comp, level=level, note=note)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (but the lock) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "navtool.lock"}


@pytest.fixture
def repo(data_dir: Path) -> Iterator[Repository]:
    repository = Repository(data_dir)
    yield repository
    repository.close()


@pytest.fixture
def setup(repo: Repository, pack: Pack) -> Setup:
    store = repo.create_district(District(name="Peña Valley Schools", state="New Mexico"))
    cycle = store.create_cycle(Cycle(title="Fall 2025", date="2025-10-01",
                                     framework_id=pack.id, framework_version=pack.version))
    people = [store.save_participant(cycle.cycle.id,
                                     Participant(name=f"Person {n}", role_group=role))
              for n, role in enumerate(("educator", "leader", "community_member", "learner"))]
    return Setup(repo, store, cycle.cycle.id, people, [c.id for c in pack.competencies])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long storage tests run only with SLOW=1 (see the ``slow`` marker)."""
    import os

    if os.environ.get("SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow; run with SLOW=1")
    for item in items:
        if "/tests/storage/" in str(item.path).replace("\\", "/") and "slow" in item.keywords:
            item.add_marker(skip)
