"""60 phones rating at once over loopback (DESIGN section 7; issue 22).

Each simulated phone joins with a PIN and rates every competency of a full cycle with a
note, one request after another on its own keep-alive connection, all phones at once. This
thread plays the GUI thread: it drains the save desk the way the app's timer does and
measures how long each drain holds it. Targets: p95 request to "saved" under 200 ms; the
writer never blocked over 100 ms. Every rating must be stored exactly once.
"""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import Result, percentile

PHONES = 60
LEVELS = ("establishing", "developing", "operationalizing", "refining", "not_sure")


@dataclass
class LoadResult:
    requests: int
    latencies: list[float]       # seconds, request sent to "saved" received
    longest_drain: float         # seconds the writer thread was held by one drain
    stored: int                  # ratings in the store afterwards
    unique_pairs: int            # distinct (participant, competency) among them
    failures: list[str]
    wall: float


def run_load(folder: Path, phones: int = PHONES, per_phone: int | None = None,
             tick: Callable[[], None] | None = None) -> LoadResult:
    """Run the load against a fresh store in ``folder``; ``per_phone`` None means all 30."""
    from navtool_desktop import paths
    from navtool_desktop.core.records import Cycle, District, Participant
    from navtool_desktop.framework import load_pack
    from navtool_desktop.phones import PhoneServer, SaveDesk, snapshot_room, store_writer
    from navtool_desktop.storage import Repository

    pack = load_pack(paths.default_pack_dir())
    roles = ("educator", "leader", "community_member", "learner")
    with Repository(folder) as repo:
        store = repo.create_district(District(name="Bench Valley Schools"))
        cid = store.create_cycle(Cycle(title="Retreat", date="2026-12-01", framework_id=pack.id,
                                       framework_version=pack.version)).cycle.id
        people = [store.save_participant(cid, Participant(name=f"Phone {n}", role_group=roles[n % 4]))
                  for n in range(phones)]
        desk = SaveDesk()
        server = PhoneServer(pack, snapshot_room(store, cid, pack), desk, host="127.0.0.1",
                             joins_per_minute=10**6, requests_per_minute=10**6,
                             connections_per_client=10**6)
        server.start()
        comps = list(server.room.competency_ids)[:per_phone]
        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        def phone(n: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            base = f"/api/{server.join_code}/"

            def post(what: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
                conn.request("POST", base + what, body=json.dumps(body),
                             headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                return resp.status, json.loads(resp.read())

            try:
                status, reply = post("join", {"participant": people[n].id, "pin": f"{n:04d}"})
                if status != 200:
                    raise RuntimeError(reply)
                token = reply["token"]
                for k, comp in enumerate(comps):
                    body = {"token": token, "competency": comp, "level": LEVELS[(n + k) % 5],
                            "note": f"Phone {n} on {comp}: we see this in some buildings."}
                    start = time.perf_counter()
                    status, reply = post("rate", body)
                    took = time.perf_counter() - start
                    if status != 200 or reply != {"saved": comp}:
                        raise RuntimeError(f"{status} {reply}")
                    with lock:
                        latencies.append(took)
            except Exception as exc:
                with lock:
                    failures.append(f"phone {n}: {exc}")
            finally:
                conn.close()

        write = store_writer(store, cid)
        threads = [threading.Thread(target=phone, args=(n,), daemon=True) for n in range(phones)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        longest = 0.0
        while any(t.is_alive() for t in threads):
            start = time.perf_counter()
            desk.drain(write)
            longest = max(longest, time.perf_counter() - start)
            if tick is not None:
                tick()
            threads[0].join(0.002)  # the app's timer interval stands in here
        wall = time.perf_counter() - wall
        server.stop()
        ratings = store.ratings(cid)
        return LoadResult(phones * (len(comps) + 1), latencies, longest, len(ratings),
                          len({(r.participant_id, r.competency_id) for r in ratings}),
                          failures, wall)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        result = run_load(Path(tmp) / "data")
    if result.failures:
        print("  failures:", *result.failures[:5], sep="\n    ")
    return [
        Result(f"{PHONES} phones x 30 ratings: p95 request to saved", percentile(result.latencies, 0.95) * 1000,
               "ms", 200),
        Result("median request to saved", percentile(result.latencies, 0.5) * 1000, "ms"),
        Result("writer (GUI) thread: longest drain", result.longest_drain * 1000, "ms", 100),
        Result("ratings stored (each exactly once)", result.unique_pairs, "n"),
        Result("whole load, wall time", result.wall, "s"),
    ]
