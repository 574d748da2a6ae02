"""The phone panel: start on loopback, a phone's answer saved by the GUI thread's timer, the
QR code and address shown, and the server stops with the panel and with the cycle."""

from __future__ import annotations

import http.client
import json
import os
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
    panel.resize(900, 640)
    shots = Path(os.environ.get("NAVTOOL_SHOTS") or tmp_path)  # docs/screenshots/phone-projector.png
    panel.grab().save(str(shots / "phone-projector.png"))
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
    from navtool_desktop.phones.keys import keys_path

    assert panel.start()
    assert keys_path(panel.store, panel.cycle_id).exists()
    cycle = panel.store.get_cycle(panel.cycle_id)
    panel.store.save_cycle(cycle.replace(status="closed"))
    qtbot.waitUntil(lambda: panel.server is None, timeout=5_000)
    assert "closed" in panel.message.text()
    assert not keys_path(panel.store, panel.cycle_id).exists()  # rating closed: PINs and codes gone
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


def test_a_second_panel_for_the_cycle_says_phone_rating_already_runs(
        qtbot: Any, panel: PhonePanel) -> None:
    assert panel.start()
    assert panel.server is not None
    twin = PhonePanel(panel.pack, panel.store, panel.cycle_id)
    qtbot.addWidget(twin)
    twin.interface.setCurrentIndex(twin.interface.findData("127.0.0.1"))
    assert not twin.start() and twin.server is None
    assert "already running" in twin.message.text() and panel.server.url in twin.message.text()
    panel.stop()
    assert twin.start()  # free once the first one stopped
    twin.stop()


def test_printed_codes_join_and_survive_a_restart_until_rating_ends(
        qtbot: Any, panel: PhonePanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import subprocess

    from navtool_desktop.ui import phone_panel
    from navtool_desktop.ui.phone_panel import PhonePanel as Panel

    assert panel.start()
    server = panel.server
    assert server is not None
    out = tmp_path / "slips.pdf"
    panel.ask_save_path = lambda *_a: out  # type: ignore[method-assign]
    panel.print_button.click()
    qtbot.waitUntil(lambda: "Saved 1 slips" in panel.message.text(), timeout=30_000)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Ana Peña" in text and server.url in text.replace("\n", "")
    [printed] = re.findall(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b", text)
    url = server.url

    def join(body: dict[str, Any], where: str = url) -> tuple[int, Any]:
        port, code = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/j/(\w+)", where).groups()  # type: ignore[union-attr]
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(post, int(port), f"/api/{code}/join", body)
            qtbot.waitUntil(future.done, timeout=10_000)
        return future.result()

    assert join({"code": printed, "pin": "8642"})[0] == 200
    panel.close()
    # the app restarts: nothing in memory, the PIN and the code are read back from disk
    monkeypatch.setattr(phone_panel, "_PIN_BOOKS", {})
    again = Panel(panel.pack, panel.store, panel.cycle_id)
    qtbot.addWidget(again)
    again.interface.setCurrentIndex(again.interface.findData("127.0.0.1"))
    assert again.start() and again.server is not None
    assert again.server.url == url  # same address and join code: the printed QR still works
    assert join({"code": printed, "pin": "1111"})[0] == 403
    assert join({"code": printed, "pin": "8642"})[0] == 200
    monkeypatch.setattr(phone_panel.messages, "ask", lambda *_a, **_k: True)
    again.end_button.click()
    assert again.server is None and "forgotten" in again.message.text()
    assert again.start() and again.server is not None
    assert join({"code": printed, "pin": "8642"}, again.server.url)[0] == 403  # refused after rating ended
    again.stop()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_panels_alt_keys_are_unique(qtbot: Any, repo: Repository, pack: Pack, lang: str) -> None:
    import re

    from PySide6.QtWidgets import QAbstractButton

    from navtool_desktop import i18n

    i18n.set_language(lang)
    store = repo.create_district(District(name="Peña Valley Schools"))
    cid = store.create_cycle(Cycle(title="Retreat", date="2026-12-01", framework_id=pack.id,
                                   framework_version=pack.version, scope=("culture",))).cycle.id
    p = PhonePanel(pack, store, cid)
    qtbot.addWidget(p)
    letters = [m.group(1).lower() for b in p.findChildren(QAbstractButton)
               if (m := re.search(r"&(\w)", b.text()))]
    assert len(letters) == 5 and len(set(letters)) == len(letters), letters


def test_end_rating_says_when_the_kept_pins_cannot_be_removed(
        qtbot: Any, panel: PhonePanel, monkeypatch: pytest.MonkeyPatch) -> None:
    from navtool_desktop.phones.keys import keys_path
    from navtool_desktop.ui import phone_panel

    assert panel.start()
    panel.stop()
    kept = keys_path(panel.store, panel.cycle_id)
    real_unlink = Path.unlink

    def refuse(self: Path, missing_ok: bool = False) -> None:
        if self == kept:
            raise PermissionError(13, "Permission denied")
        real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    monkeypatch.setattr(phone_panel.messages, "ask", lambda *_a, **_k: True)
    panel.end_button.click()
    assert kept.exists() and "forgotten" not in panel.message.text()
    assert "cannot be written to" in panel.message.text()


def test_printing_again_prints_only_the_people_without_a_code(
        qtbot: Any, panel: PhonePanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import subprocess

    from navtool_desktop.ui import phone_panel

    def printed(name: str) -> str:
        out = tmp_path / name
        panel.ask_save_path = lambda *_a: out  # type: ignore[method-assign]
        before = panel.operation
        panel.print_button.click()
        started = panel.operation
        if started is not None and started is not before:
            qtbot.waitUntil(lambda: not started.running, timeout=30_000)
        if not out.exists():
            return ""
        return subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                              text=True, check=True).stdout

    def codes(text: str) -> list[str]:
        return re.findall(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b", text)

    def join(code: str) -> int:
        server = panel.server
        assert server is not None
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(post, server.port, f"/api/{server.join_code}/join",
                                 {"code": code, "pin": "1212"})
            qtbot.waitUntil(future.done, timeout=10_000)
        return future.result()[0]

    assert panel.start()
    [ana] = codes(printed("first.pdf"))
    panel.stop()
    panel.store.save_participant(panel.cycle_id, Participant(name="Lee Late", role_group="learner"))
    assert panel.start()
    second = printed("second.pdf")
    assert "Lee Late" in second and "Ana" not in second and len(codes(second)) == 1
    assert join(ana) == 200  # Ana's slip still works
    asked: list[bool] = []
    monkeypatch.setattr(phone_panel.messages, "ask", lambda *_a, **_k: asked.append(False) or False)
    assert printed("third.pdf") == "" and asked  # everyone has one: asked, and no was kept
    monkeypatch.setattr(phone_panel.messages, "ask", lambda *_a, **_k: True)
    assert len(codes(printed("fourth.pdf"))) == 2
    assert join(ana) == 403  # new codes for everyone: the old slips stop working
    panel.stop()


def test_slips_are_drawn_off_the_gui_thread_and_a_stop_meanwhile_keeps_the_old_codes(
        qtbot: Any, panel: PhonePanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawing 60 slips froze the window (0.6-0.8 s measured here); it is a background job now, with
    the button off meanwhile. Stopping the session before it ends keeps no new code."""
    import threading

    from navtool_desktop.reports import slips

    threads: list[str] = []
    gate = threading.Event()
    real = slips.render_slips

    def slow_render(*args: Any) -> bytes:
        threads.append(threading.current_thread().name)
        gate.wait(30)
        return real(*args)

    monkeypatch.setattr(slips, "render_slips", slow_render)
    assert panel.start()
    server = panel.server
    assert server is not None
    panel.ask_save_path = lambda *_a: tmp_path / "slips.pdf"  # type: ignore[method-assign]
    panel.print_button.click()
    qtbot.waitUntil(lambda: bool(threads), timeout=10_000)
    assert threads != [threading.main_thread().name] and not panel.print_button.isEnabled()
    panel.stop()
    gate.set()
    operation = panel.operation
    assert operation is not None
    qtbot.waitUntil(lambda: not operation.running, timeout=30_000)
    assert "do not work" in panel.message.text()
    assert not server.pins.has_codes()  # nothing kept for a session that had stopped
