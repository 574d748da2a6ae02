"""Fixtures for storage tests: a repository in the test's data folder, a district with a cycle."""

from __future__ import annotations

import pytest
from storage_helpers import Setup

from navtool_desktop.core.records import Cycle, District, Participant
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository


@pytest.fixture
def setup(repo: Repository, pack: Pack) -> Setup:
    store = repo.create_district(District(name="Peña Valley Schools", state="New Mexico"))
    cycle = store.create_cycle(Cycle(title="Fall 2025", date="2025-10-01",
                                     framework_id=pack.id, framework_version=pack.version))
    people = [store.save_participant(cycle.cycle.id,
                                     Participant(name=f"Person {n}", role_group=role))
              for n, role in enumerate(("educator", "leader", "community_member", "learner"))]
    return Setup(repo, store, cycle.cycle.id, people, [c.id for c in pack.competencies])
