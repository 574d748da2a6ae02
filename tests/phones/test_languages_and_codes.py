"""The phone page per participant's language, personal codes from printed slips, PINs and codes
kept (hashed) across a restart until rating ends, and one server per cycle."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from phone_helpers import FakeClock, Room, send

from navtool_desktop import i18n
from navtool_desktop.core.records import Cycle, Participant
from navtool_desktop.framework import Pack
from navtool_desktop.framework.locale import load_localized
from navtool_desktop.i18n import _, speaking
from navtool_desktop.phones import PhoneServer, PinBook, SaveDesk, snapshot_room
from navtool_desktop.phones.keys import AlreadyRunning, CycleLock, forget_keys, keys_path, load_keys
from navtool_desktop.phones.server import JOINS_PER_MINUTE, show_code
from navtool_desktop.vocabulary import level_name


def content_of(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="content">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def spanish(text: str) -> str:
    with speaking("es"):
        return _(text)


def test_speaking_is_for_this_thread_only() -> None:
    import threading

    seen: list[str] = []
    with speaking("es") as spoken:
        assert spoken == "es" and _("Your name") == "Tu nombre" and i18n.language() == "es"
        worker = threading.Thread(target=lambda: seen.append(_("Your name")))
        worker.start()
        worker.join()
    assert seen == ["Your name"]  # the app's language on every other thread
    assert _("Your name") == "Your name" and i18n.language() == "en"


def test_the_page_in_spanish_by_choice_or_by_the_phones_language(room: Room, pack: Pack) -> None:
    code = room.server.join_code
    status, page = room.request("GET", f"/j/{code}?lang=es")
    assert status == 200 and '<html lang="es">' in page
    assert spanish("Your name") in page and spanish("Your name") != "Your name"
    assert 'aria-current="true">Español</a>' in page
    content = content_of(page)
    es_pack = load_localized(pack, "es")
    first = content["competencies"][0]
    assert first["name"] == es_pack.competency(first["id"]).name != pack.competency(first["id"]).name
    levels = {lv["id"]: lv for lv in first["levels"]}
    with speaking("es"):
        assert levels["operationalizing"]["name"] == level_name("operationalizing") != "Operationalizing"
    assert levels["operationalizing"]["source"] == "Operationalizing"  # in small print
    assert content["not_sure"] == spanish("Not sure")
    # the phone's own language when the page does not ask for one; English otherwise
    status, page = room.request("GET", f"/j/{code}", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.8"})
    assert '<html lang="es">' in page
    status, page = room.request("GET", f"/j/{code}", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in page and content_of(page)["competencies"][0]["levels"][0]["source"] == ""
    status, page = room.request("GET", f"/j/{code}?lang=en", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in page
    # the app stays in its own language meanwhile
    assert _("Your name") == "Your name"


def test_refusals_speak_the_pages_language(room: Room) -> None:
    pid = room.people[0].id
    status, reply = room.request("POST", f"/api/{room.server.join_code}/join?lang=es",
                                 {"participant": pid, "pin": "12"})
    assert status == 400 and reply["error"] == spanish("The PIN is four digits.") != "The PIN is four digits."
    status, reply = room.api("join", {"participant": pid, "pin": "12"})
    assert reply["error"] == "The PIN is four digits."


def test_ratings_from_a_spanish_page_pool_with_english_ones(room: Room) -> None:
    code = room.server.join_code
    cid = room.server.room.competency_ids[0]
    status, reply = room.request("POST", f"/api/{code}/join?lang=es", {"participant": room.people[0].id,
                                                                      "pin": "1357"})
    assert status == 200
    status, _r = room.request("POST", f"/api/{code}/rate?lang=es",
                              {"token": reply["token"], "competency": cid, "level": "operationalizing"})
    assert status == 200
    token = room.join(1)
    assert room.api("rate", {"token": token, "competency": cid, "level": "operationalizing"})[0] == 200
    assert {(r.competency_id, r.level) for r in room.store.ratings(room.cycle_id)} == {(cid, "operationalizing")}


def test_a_personal_code_joins_without_the_list(room: Room) -> None:
    people = [p.id for p in room.people]
    codes = room.server.pins.new_codes(people)
    assert len(set(codes.values())) == len(people)
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", c) for c in codes.values())
    printed = show_code(codes[people[2]]).lower()  # typed as printed, in small letters
    status, reply = room.api("join", {"code": printed, "pin": "2468"})
    assert status == 200 and reply["participant"] == people[2] and reply["name"] == "Person 2"
    cid = room.server.room.competency_ids[0]
    assert room.api("rate", {"token": reply["token"], "competency": cid, "level": "refining"})[0] == 200
    [rating] = room.store.ratings(room.cycle_id)
    assert rating.participant_id == people[2]
    # the code names the person; the PIN still guards them
    assert room.api("join", {"code": codes[people[2]], "pin": "0000"})[0] == 403
    # a code is for joining only: it is no token, and no PIN
    assert room.api("mine", {"token": codes[people[2]]})[0] == 403
    # printing again makes new codes: the slips printed before stop working
    again = room.server.pins.new_codes([people[2]])
    assert room.api("join", {"code": codes[people[2]], "pin": "2468"})[0] == 403
    assert room.api("join", {"code": again[people[2]], "pin": "2468"})[0] == 200


@pytest.mark.parametrize("guess", ["AAAAAAAA", "K7PM3QXA", "ABCD-EFG", "00000000", "", "x" * 500, 7, None])
def test_wrong_and_guessed_codes_are_refused(room: Room, guess: Any) -> None:
    room.server.pins.new_codes([p.id for p in room.people])
    status, reply = room.api("join", {"code": guess, "pin": "1234", "participant": room.people[0].id})
    if guess is None:  # no code at all: the name joins as before
        assert status == 200
        return
    assert status == 403 and "code is not right" in reply["error"]


def test_code_guesses_are_rate_limited(room: Room) -> None:
    room.server.pins.new_codes([p.id for p in room.people])
    statuses = [room.api("join", {"code": f"AAAA{n:04d}".replace("0", "A").replace("1", "B"),
                                  "pin": "1234"})[0] for n in range(JOINS_PER_MINUTE + 3)]
    assert statuses[:JOINS_PER_MINUTE] == [403] * JOINS_PER_MINUTE
    assert statuses[JOINS_PER_MINUTE:] == [429] * 3
    room.clock.now += 61  # a minute later the phone may try again
    assert room.api("join", {"code": "AAAAAAAA", "pin": "1234"})[0] == 403


def test_codes_work_only_for_their_cycle_and_not_after_rating_closes(room: Room, pack: Pack) -> None:
    codes = room.server.pins.new_codes([room.people[0].id])
    other = room.store.create_cycle(Cycle(title="Another", date="2026-12-02", framework_id=pack.id,
                                          framework_version=pack.version, scope=("culture",))).cycle.id
    room.store.save_participant(other, Participant(name="Person 0", role_group="educator"))
    there = PhoneServer(pack, snapshot_room(room.store, other, pack), SaveDesk(), host="127.0.0.1")
    there.start()
    try:
        status, reply = send(there.port, "POST", f"/api/{there.join_code}/join",
                             {"code": codes[room.people[0].id], "pin": "1234"})
    finally:
        there.stop()
    assert status == 403 and "code is not right" in reply["error"]
    room.server.close_rating()
    status, reply = room.api("join", {"code": codes[room.people[0].id], "pin": "1234"})
    assert status == 410 and "closed" in reply["error"]


def test_pins_and_codes_survive_a_restart_until_rating_ends(room: Room, pack: Pack) -> None:
    """Set a PIN, stop the server, a new server (a new PIN book read from disk, as after the
    app restarts): the PIN still guards the participant, and the printed code still works."""
    person = room.people[0].id
    codes = room.server.pins.new_codes([p.id for p in room.people])
    room.join(0, "2580")   # the PIN is kept on disk by the writer before the phone hears it
    room.server.stop()
    kept = keys_path(room.store, room.cycle_id).read_bytes()
    assert b'"2580"' not in kept and not any(code.encode() in kept for code in codes.values())
    [(who, text)] = json.loads(kept)["pins"].items()  # hashes only (hex, salted)
    assert who == person and text.startswith("scrypt$") and "2580" not in text.split("$")[:4]

    restored = PinBook.restore(load_keys(room.store, room.cycle_id), room.clock)
    assert restored.has_pin(person) and not restored.tokens  # phones sign in again
    desk = SaveDesk()
    again = PhoneServer(pack, snapshot_room(room.store, room.cycle_id, pack), desk, host="127.0.0.1",
                        pins=restored, clock=room.clock)
    again.start()
    room.server, room.desk = again, desk
    status, reply = room.api("join", {"participant": person, "pin": "1111"})
    assert status == 403 and "PIN is not right" in reply["error"]
    assert room.api("join", {"participant": person, "pin": "2580"})[0] == 200
    assert room.api("join", {"code": codes[room.people[0].id], "pin": "2580"})[0] == 200
    assert room.api("join", {"code": codes[room.people[1].id], "pin": "4444"})[0] == 200

    # the facilitator ends rating: PINs and codes are gone for good
    again.stop()
    forget_keys(room.store, room.cycle_id)
    fresh = PinBook.restore(load_keys(room.store, room.cycle_id), room.clock)
    desk = SaveDesk()
    third = PhoneServer(pack, snapshot_room(room.store, room.cycle_id, pack), desk, host="127.0.0.1",
                        pins=fresh, clock=room.clock)
    third.start()
    room.server, room.desk = third, desk
    assert room.api("join", {"code": codes[room.people[1].id], "pin": "4444"})[0] == 403


def test_a_damaged_keys_file_reads_as_none(room: Room) -> None:
    path = keys_path(room.store, room.cycle_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    for junk in (b"{not json", b"[]", json.dumps({"cycle": "other"}).encode(),
                 json.dumps({"cycle": room.cycle_id, "format": 1, "rounds": 20_000,
                             "pins": {"a": {"salt": "zz", "hash": "00"}, "b": 5},
                             "codes": {"c": "nothex"}, "code_salt": "00" * 16,
                             "session": {"port": [1], "join_code": "ABCDEF"}}).encode()):
        path.write_bytes(junk)
        book = PinBook.restore(load_keys(room.store, room.cycle_id), FakeClock())
        assert not book.has_pin("a") and not book.has_codes()
        assert "port" not in book.session


def test_one_server_per_cycle(room: Room) -> None:
    first, second = CycleLock(room.store, room.cycle_id), CycleLock(room.store, room.cycle_id)
    first.acquire("Retreat")
    first.note("http://127.0.0.1:8123/j/ABCDEF")
    try:
        with pytest.raises(AlreadyRunning, match=r"already running.*http://127\.0\.0\.1:8123/j/ABCDEF"):
            second.acquire("Retreat")
    finally:
        first.release()
    second.acquire("Retreat")  # free again once the first stopped
    second.release()


def test_a_writer_tick_writes_one_kind_of_file() -> None:
    """Answers and kept PINs are two files: one tick writes one of them, in arrival order."""
    from navtool_desktop.phones import SaveJob
    from navtool_desktop.phones.desk import KeysJob

    desk = SaveDesk()
    rate = [desk.submit(SaveJob("p", f"c{n}", "developing")) for n in range(2)]
    keys = desk.submit(KeysJob(dict))
    last = desk.submit(SaveJob("p", "c9", "refining"))
    ticks: list[list[str]] = []

    def write(jobs: Any) -> list[Any]:
        ticks.append([type(j).__name__ for j in jobs])
        return [True] * len(jobs)

    while desk.pending():
        desk.drain(write)
    assert ticks == [["SaveJob", "SaveJob"], ["KeysJob"], ["SaveJob"]]
    assert all(f.result(timeout=0) for f in (*rate, keys, last))


def test_an_app_in_spanish_serves_english_phones_the_english_pack(room: Room, pack: Pack) -> None:
    """The app's pack is already Spanish when the app speaks Spanish: an English phone still
    gets the source texts, and a phone that says nothing gets the app's language."""
    es_pack = load_localized(pack, "es")
    server = PhoneServer(es_pack, snapshot_room(room.store, room.cycle_id, pack), SaveDesk(),
                         host="127.0.0.1", pack_language="es")
    cid = server.room.competency_ids[0]
    english = json.loads(server.page("en"))["competencies"][0]
    spanish_page = json.loads(server.page("es"))["competencies"][0]
    assert english["name"] == pack.competency(cid).name != es_pack.competency(cid).name
    assert spanish_page["name"] == es_pack.competency(cid).name
    assert server.request_language("/j/X", "") == "es"
    assert server.request_language("/j/X", "fr-FR,fr;q=0.9,en;q=0.5") == "en"
    assert server.request_language("/j/X", "et,estonian") == "es"  # no shipped language named
    assert server.request_language("/j/X?lang=xx", "") == "es"


def test_a_lock_left_by_a_killed_app_does_not_block(room: Room) -> None:
    """The OS lock dies with the process; the file it leaves (saying where it ran) is stale."""
    from navtool_desktop.phones.keys import running_elsewhere

    lock = CycleLock(room.store, room.cycle_id)
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    lock.path.write_text(json.dumps({"pid": 99999, "host": "gone", "url": "http://10.0.0.9:1/j/OLDOLD"}))
    assert running_elsewhere(room.store.repo.folder) == []
    lock.acquire("Retreat")
    try:
        assert running_elsewhere(room.store.repo.folder) == []  # the old words are gone
        lock.note("http://127.0.0.1:5/j/NEWNEW")
        [running] = running_elsewhere(room.store.repo.folder)
    finally:
        lock.release()
    assert "http://127.0.0.1:5/j/NEWNEW" in running and "OLDOLD" not in running
    assert running_elsewhere(room.store.repo.folder) == []


def test_a_personal_code_kept_by_the_hashlib_version_still_opens() -> None:
    """Personal codes were hashed with hashlib.pbkdf2_hmac; they hash with cryptography's PBKDF2
    now (the bundle has no _hashlib). A keys file written before still names the right person."""
    saved = {"format": 2, "rounds": 20_000, "pins": {}, "code_salt": b"salt-of-16-bytes".hex(),
             "codes": {"p1": "99cad5bdc2cf1f1ecc73fe2a028d53efd71a4e95dfd8bc42702a73ca515daf80"}}
    book = PinBook.restore(saved)
    assert book.participant_of_code("ABCD2345") == "p1"
    assert book.participant_of_code("ABCD2346") is None
