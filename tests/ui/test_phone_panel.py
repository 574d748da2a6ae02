"""The phone panel: start on loopback, a phone's answer saved by the GUI thread's timer, the
QR code and address shown, and the server stops with the panel and with the cycle."""

from __future__ import annotations

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from navtool_desktop.core.records import Cycle, District, Participant
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.ui.phone_panel import PhonePanel, network_addresses


def post(port: int, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


@pytest.fixture
def panel(qtbot: Any, repo: Repository, pack: Pack) -> PhonePanel:
    store = repo.create_district(District(name="Peña Valley Schools"))
    cid = store.create_cycle(Cycle(title="Retreat", date="2026-12-01", framework_id=pack.id,
                                   framework_version=pack.version, scope=("culture",))).cycle.id
    store.save_participant(cid, Participant(name="Ana Peña", role_group="educator"))
    p = PhonePanel(pack, store, cid)
    qtbot.addWidget(p)
    p.interface.setCurrentIndex(p.interface.findData("127.0.0.1"))
    return p


def test_never_listens_before_start_and_offers_loopback() -> None:
    assert network_addresses()[-1][1] == "127.0.0.1"
    assert all(addr not in ("0.0.0.0", "::") for _label, addr in network_addresses())


def test_a_phone_answer_is_saved_by_the_gui_timer(qtbot: Any, panel: PhonePanel,
                                                  tmp_path: Path) -> None:
    assert panel.server is None
    assert panel.start()
    server = panel.server
    assert server is not None and server.host == "127.0.0.1"
    assert panel.address.text() == server.url and not panel.qr.pixmap().isNull()
    panel.grab().save(str(tmp_path / "projector.png"))
    person = server.room.participants[0]
    comp = server.room.competency_ids[0]
    writer = set()
    original = panel._write
    panel._write = lambda jobs: (writer.add(threading.get_ident()), original(jobs))[1]
    base = f"/api/{server.join_code}/"
    with ThreadPoolExecutor(1) as pool:
        def phone() -> tuple[int, Any]:
            status, reply = post(server.port, base + "join", {"participant": person.id, "pin": "4321"})
            assert status == 200
            return post(server.port, base + "rate", {"token": reply["token"], "competency": comp,
                                                     "level": "operationalizing", "note": "ok"})
        future = pool.submit(phone)
        with qtbot.waitSignal(panel.saved, timeout=10_000):
            pass
        qtbot.waitUntil(future.done, timeout=10_000)
    assert future.result() == (200, {"saved": comp})
    assert writer == {threading.get_ident()}
    [rating] = panel.store.ratings(panel.cycle_id)
    assert (rating.level, rating.note) == ("operationalizing", "ok")
    port = server.port
    panel.close()
    assert panel.server is None
    with pytest.raises(OSError):
        post(port, base + "join", {})


def test_closing_the_cycle_stops_the_server(qtbot: Any, panel: PhonePanel) -> None:
    assert panel.start()
    cycle = panel.store.get_cycle(panel.cycle_id)
    panel.store.save_cycle(cycle.replace(status="closed"))
    qtbot.waitUntil(lambda: panel.server is None, timeout=5_000)
    assert "closed" in panel.message.text()
    assert not panel.start()  # a closed cycle cannot be served


def test_reset_pin_signs_out_the_phone_and_frees_the_name(qtbot: Any, panel: PhonePanel) -> None:
    assert panel.start()
    server = panel.server
    assert server is not None
    person = server.room.participants[0]
    base = f"/api/{server.join_code}/"
    with ThreadPoolExecutor(1) as pool:
        def run() -> list[int]:
            status, reply = post(server.port, base + "join", {"participant": person.id, "pin": "1111"})
            token = reply["token"]
            statuses = [status, post(server.port, base + "join",
                                     {"participant": person.id, "pin": "2222"})[0]]
            return [*statuses, token]
        first = pool.submit(run)
        qtbot.waitUntil(first.done, timeout=10_000)
        joined, refused, token = first.result()
        assert (joined, refused) == (200, 403)
        panel.person.setCurrentIndex(panel.person.findData(person.id))
        panel.reset_button.click()
        second = pool.submit(lambda: (post(server.port, base + "mine", {"token": token})[0],
                                      post(server.port, base + "join",
                                           {"participant": person.id, "pin": "2222"})[0]))
        qtbot.waitUntil(second.done, timeout=10_000)
    assert second.result() == (403, 200)
