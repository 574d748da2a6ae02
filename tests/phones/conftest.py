"""Fixtures for the phone server: a district with a cycle, a server on 127.0.0.1, a driver."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from typing import Any

import pytest

from navtool_desktop.core.records import Cycle, District, Participant
from navtool_desktop.framework import Pack
from navtool_desktop.phones import PhoneServer, PinBook, SaveDesk, snapshot_room, store_writer
from navtool_desktop.storage import DistrictStore, Repository


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Room:
    store: DistrictStore
    cycle_id: str
    people: list[Participant]
    server: PhoneServer
    desk: SaveDesk
    clock: FakeClock
    writer_threads: set[int] = field(default_factory=set)
    pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(8))

    def write(self, jobs: Any) -> list[Any]:
        self.writer_threads.add(threading.get_ident())
        return store_writer(self.store, self.cycle_id)(jobs)

    def request(self, method: str, path: str, body: Any = None, *,
                raw: bytes | None = None, headers: dict[str, str] | None = None
                ) -> tuple[int, dict[str, Any] | str]:
        """Send one request from a worker thread while this (the "GUI") thread drains saves."""
        future: Future[tuple[int, Any]] = self.pool.submit(
            send, self.server.port, method, path, body, raw, headers)
        while not future.done():
            self.desk.drain(self.write)
            wait_for([future], timeout=0.005)
        return future.result()

    def api(self, what: str, body: Any) -> tuple[int, Any]:
        return self.request("POST", f"/api/{self.server.join_code}/{what}", body)

    def join(self, person: int, pin: str = "1234") -> str:
        status, reply = self.api("join", {"participant": self.people[person].id, "pin": pin})
        assert status == 200, reply
        return reply["token"]


def send(port: int, method: str, path: str, body: Any = None, raw: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        hdrs = {"Content-Type": "application/json"} if data is not None else {}
        hdrs.update(headers or {})
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8")
        if resp.getheader("Content-Type", "").startswith("application/json"):
            return resp.status, json.loads(text)
        return resp.status, text
    finally:
        conn.close()


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
