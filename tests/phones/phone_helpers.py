"""Helpers for the phone server tests (imported by name; conftest modules are not)."""

from __future__ import annotations

import http.client
import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from typing import Any

from navtool_desktop.core.records import Participant
from navtool_desktop.phones import PhoneServer, SaveDesk, store_writer
from navtool_desktop.storage import DistrictStore


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


