"""The phone page in a real browser: the system's Chromium (Debian package) headless through
Selenium and the system chromedriver (no browser download). Joins by the address, sets a PIN,
rates every competency of a small cycle, loses the server mid-way (stop and restart) and
finishes; the store then holds exactly what was tapped. Screenshots at 360x740 go to
``tmp_path`` (``NAVTOOL_SHOTS=DIR`` keeps them).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from navtool_desktop.core.records import Cycle, District, Participant
from navtool_desktop.framework import Pack
from navtool_desktop.phones import PhoneServer, PinBook, SaveDesk, snapshot_room, store_writer
from navtool_desktop.storage import Repository

webdriver = pytest.importorskip("selenium.webdriver")
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver")


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=360,740",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    driver.set_window_size(360, 740)
    yield driver
    driver.quit()


def test_rating_every_competency_in_chromium_with_a_lost_connection(
        browser: Any, repo: Repository, pack: Pack, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    shots = Path(os.environ.get("NAVTOOL_SHOTS") or tmp_path)
    store = repo.create_district(District(name="Peña Valley Schools"))
    cid = store.create_cycle(Cycle(title="Winter retreat", date="2026-12-01", framework_id=pack.id,
                                   framework_version=pack.version, scope=("culture",))).cycle.id
    ana = store.save_participant(cid, Participant(name="Ana Peña", role_group="educator"))
    store.save_participant(cid, Participant(name="<b>Bo</b>", role_group="leader"))
    desk, pins = SaveDesk(), PinBook()
    write = store_writer(store, cid)
    writers: set[int] = set()

    def drain() -> None:
        desk.drain(lambda jobs: (writers.add(threading.get_ident()), write(jobs))[1])

    def until(cond: Callable[[], bool], what: str) -> None:
        done = threading.Event()
        for _tick in range(3000):   # bounded: about 30 s
            drain()
            if cond():
                return
            done.wait(0.01)
        state = browser.execute_script(
            "return [document.getElementById('status').textContent,"
            " document.getElementById('rateerr').textContent,"
            " document.getElementById('pinerr').textContent,"
            " document.getElementById('rate').hidden, JSON.stringify(localStorage)]")
        pytest.fail(f"never happened: {what}; page: {state}")

    def serve(port: int = 0, code: str | None = None) -> PhoneServer:
        s = PhoneServer(pack, snapshot_room(store, cid, pack), desk, host="127.0.0.1",
                        pins=pins, port=port, join_code=code)
        s.start()
        return s

    server = serve()
    comps = list(server.room.competency_ids)
    assert len(comps) >= 3
    levels = ["developing", "not_sure", "operationalizing", "establishing"]
    tapped: dict[str, tuple[str, tuple[str, ...], str]] = {}
    try:
        browser.get(server.url)
        browser.save_screenshot(str(shots / "phone-pick-name.png"))
        Select(browser.find_element(By.ID, "who")).select_by_value(ana.id)
        browser.find_element(By.ID, "next").click()
        browser.find_element(By.ID, "pinbox").send_keys("2580")
        browser.find_element(By.ID, "join").click()
        until(lambda: browser.find_element(By.ID, "rate").is_displayed(), "the rating page")

        def rate(n: int, comp: str) -> None:
            level = levels[n % len(levels)]
            browser.find_element(By.CSS_SELECTOR, f"input[name=level][value={level}]").click()
            practices: tuple[str, ...] = ()
            if level != "not_sure":
                browser.find_element(By.CSS_SELECTOR, "#comp details summary").click()
                box = browser.find_elements(By.CSS_SELECTOR, "input.practice")[0]
                box.click()
                practices = (str(box.get_attribute("value")),)
            note = f"<script>alert({n})</script> note {n}"
            browser.find_element(By.ID, "note").send_keys(note)
            tapped[comp] = (level, practices, note)
            if n == 0:
                browser.save_screenshot(str(shots / "phone-rating.png"))
            browser.find_element(By.ID, "fwd").click()

        rate(0, comps[0])
        until(lambda: tapped[comps[0]] == _stored(store, cid, ana.id, comps[0]), "the first answer saved")
        # the laptop goes away mid-way: the answer waits on the phone
        port, code = server.port, server.join_code
        server.stop()
        rate(1, comps[1])
        kept = "return Object.keys(localStorage).map(function(k){return localStorage.getItem(k);}).join()"
        until(lambda: comps[1] in browser.execute_script(kept), "the answer kept on the phone")
        assert _stored(store, cid, ana.id, comps[1]) is None
        server = serve(port, code)            # back, same address; the phone resends
        browser.execute_script("window.dispatchEvent(new Event('online'))")
        until(lambda: tapped[comps[1]] == _stored(store, cid, ana.id, comps[1]), "the kept answer sent")
        for n, comp in enumerate(comps[2:], start=2):
            rate(n, comp)
        until(lambda: browser.find_element(By.ID, "done").is_displayed(), "the thank-you page")
        until(lambda: all(tapped[c] == _stored(store, cid, ana.id, c) for c in comps), "every answer saved")
        browser.save_screenshot(str(shots / "phone-done.png"))
        assert "<b>Bo</b> (Leader)" in str(browser.find_element(By.ID, "who").get_attribute("textContent"))
    finally:
        server.stop()
    saved = {r.competency_id: (r.level, r.practices, r.note) for r in store.ratings(cid)}
    assert saved == tapped
    assert writers == {threading.get_ident()}


def _stored(store: Any, cid: str, pid: str, comp: str) -> tuple[str, tuple[str, ...], str] | None:
    rating = store.cycle(cid).rating_for(pid, comp)
    return None if rating is None else (rating.level, rating.practices, rating.note)


def test_a_printed_code_and_the_spanish_page_in_chromium(
        browser: Any, repo: Repository, pack: Pack, tmp_path: Path) -> None:
    """A participant scans their slip's QR code (the address with ``#c=CODE``), switches the
    page to Spanish, sets a PIN and rates; switching back to English keeps them signed in."""
    from selenium.webdriver.common.by import By

    from navtool_desktop.i18n import _, speaking
    from navtool_desktop.vocabulary import level_name

    shots = Path(os.environ.get("NAVTOOL_SHOTS") or tmp_path)
    store = repo.create_district(District(name="Peña Valley Schools"))
    cid = store.create_cycle(Cycle(title="Retiro de invierno", date="2026-12-01", framework_id=pack.id,
                                   framework_version=pack.version, scope=("culture",))).cycle.id
    ana = store.save_participant(cid, Participant(name="Ana Peña", role_group="educator"))
    store.save_participant(cid, Participant(name="Bo", role_group="leader"))
    desk, pins = SaveDesk(), PinBook()
    write = store_writer(store, cid)
    code = pins.new_codes([ana.id])[ana.id]
    server = PhoneServer(pack, snapshot_room(store, cid, pack), desk, host="127.0.0.1", pins=pins)
    server.start()

    def until(cond: Callable[[], bool], what: str) -> None:
        pause = threading.Event()
        for _tick in range(3000):   # bounded: about 30 s
            desk.drain(write)
            if cond():
                return
            pause.wait(0.01)
        pytest.fail(f"never happened: {what}")

    def shown(element_id: str) -> bool:
        return bool(browser.find_element(By.ID, element_id).is_displayed())

    with speaking("es"):
        es_pin, es_level = _("Joining with your personal code"), level_name("operationalizing")
    comp = server.room.competency_ids[0]
    try:
        # a wrong code: refused at the PIN step, and Back returns to the list
        browser.get(f"{server.url}#c=AAAA-AAAA")
        until(lambda: shown("pin"), "the PIN step for a made-up code")
        browser.find_element(By.ID, "pinbox").send_keys("2580")
        browser.find_element(By.ID, "join").click()
        until(lambda: "code is not right" in browser.find_element(By.ID, "pinerr").text, "the refusal")
        browser.find_element(By.ID, "repick").click()
        until(lambda: shown("pick"), "the list again")
        assert not pins.has_pin(ana.id)
        browser.get("about:blank")
        browser.get(f"{server.url}#c={code}")
        until(lambda: shown("pin"), "the PIN step, straight from the code")
        assert browser.execute_script("return location.hash") == ""  # the code left the address bar
        assert "Ana" not in browser.find_element(By.TAG_NAME, "body").text  # no list was needed
        browser.find_element(By.CSS_SELECTOR, ".langs a[lang=es]").click()
        until(lambda: browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
              and shown("pin"), "the Spanish PIN step, the code kept")
        assert browser.find_element(By.ID, "pinwho").text == es_pin
        browser.save_screenshot(str(shots / "phone-es-code-pin.png"))
        browser.find_element(By.ID, "pinbox").send_keys("2580")
        browser.find_element(By.ID, "join").click()
        until(lambda: shown("rate"), "the Spanish rating page")
        labels = browser.find_element(By.ID, "comp").text
        assert es_level in labels and "Operationalizing" in labels  # the English name in small print
        assert "Ana Peña" in browser.find_element(By.ID, "whoami").text
        browser.find_element(By.CSS_SELECTOR, "input[name=level][value=operationalizing]").click()
        until(lambda: _stored(store, cid, ana.id, comp) == ("operationalizing", (), ""), "the answer saved")
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(str(shots / "phone-es-rating.png"))
        # back to English: still signed in, the answer still there
        browser.find_element(By.CSS_SELECTOR, ".langs a[lang=en]").click()
        until(lambda: browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
              and shown("rate"), "the English rating page, still signed in")
        assert browser.find_element(By.CSS_SELECTOR, "input[value=operationalizing]").is_selected()
    finally:
        server.stop()
    assert [(r.participant_id, r.level) for r in store.ratings(cid)] == [(ana.id, "operationalizing")]
