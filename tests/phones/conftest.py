"""Fixtures for the phone server: a district with a cycle, a server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from phone_helpers import FakeClock, Room

from navtool_desktop.core.records import Cycle, District, Participant
from navtool_desktop.framework import Pack
from navtool_desktop.phones import PhoneServer, PinBook, SaveDesk, snapshot_room
from navtool_desktop.storage import Repository


@pytest.fixture
def room(repo: Repository, pack: Pack) -> Iterator[Room]:
    store = repo.create_district(District(name="Peña Valley Schools", state="New Mexico"))
    cycle = store.create_cycle(Cycle(title="Retreat <b>2026</b>", date="2026-12-01",
                                     framework_id=pack.id, framework_version=pack.version,
                                     scope=("culture", "agency")))
    cid = cycle.cycle.id
    people = [store.save_participant(cid, Participant(name=f"Person {n}", role_group=role))
              for n, role in enumerate(("educator", "leader", "community_member", "learner"))]
    clock = FakeClock()
    desk = SaveDesk()
    server = PhoneServer(pack, snapshot_room(store, cid, pack), desk, host="127.0.0.1",
                         pins=PinBook(clock), clock=clock)
    server.start()
    r = Room(store, cid, people, server, desk, clock)
    yield r
    server.stop()
    r.pool.shutdown(wait=True)
