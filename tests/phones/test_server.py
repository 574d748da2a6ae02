"""The phone server over loopback: joining, rating, refusals; saves only through the desk."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from phone_helpers import Room, send

from navtool_desktop.core.pins import minutes_left
from navtool_desktop.core.records import Participant
from navtool_desktop.framework import Pack
from navtool_desktop.phones import PhoneServer, SaveDesk, ServerRefused, snapshot_room
from navtool_desktop.phones.server import MAX_BODY, PIN_LOCK_SECONDS, PIN_TRIES


def comps(room: Room) -> list[str]:
    return list(room.server.room.competency_ids)


def test_rating_reaches_the_store_on_the_writer_thread_only(room: Room, pack: Pack) -> None:
    token = room.join(0)
    ids = comps(room)
    practice = pack.competency(ids[0]).levels[1].practices[0].id
    for cid, level in zip(ids[:3], ("developing", "not_sure", "establishing"), strict=True):
        body = {"token": token, "competency": cid, "level": level,
                "practices": [practice] if cid == ids[0] else [], "note": f"note {cid}"}
        status, reply = room.api("rate", body)
        assert (status, reply) == (200, {"saved": cid})
    # changing an answer replaces it
    status, _reply = room.api("rate", {"token": token, "competency": ids[1], "level": "refining"})
    assert status == 200
    saved = {r.competency_id: r for r in room.store.ratings(room.cycle_id)}
    assert set(saved) == set(ids[:3])
    assert saved[ids[0]].level == "developing" and saved[ids[0]].practices == (practice,)
    assert saved[ids[1]].level == "refining" and saved[ids[1]].note == ""
    assert saved[ids[2]].note == f"note {ids[2]}"
    assert all(r.participant_id == room.people[0].id for r in saved.values())
    assert room.writer_threads == {threading.get_ident()}
    # the participant sees their own answers back, after joining again with the PIN
    token2 = room.join(0)
    status, mine = room.api("mine", {"token": token2})
    assert status == 200 and mine["answers"][ids[1]]["level"] == "refining"
    # the old token no longer works (one phone per person)
    assert room.api("mine", {"token": token})[0] == 403


def test_nobody_sees_anyone_elses_answers(room: Room) -> None:
    first = room.join(0)
    ids = comps(room)
    assert room.api("rate", {"token": first, "competency": ids[0], "level": "developing",
                             "note": "zq-secret-note"})[0] == 200
    second = room.join(1, "9876")
    status, mine = room.api("mine", {"token": second})
    assert status == 200 and mine == {"answers": {}}
    status, page = room.request("GET", f"/j/{room.server.join_code}")
    assert status == 200 and "zq-secret-note" not in page
    # progress for the facilitator counts people, never answers
    progress = room.server.progress()
    assert progress["educator"] == {"people": 1, "joined": 1, "finished": 0}


def test_wrong_pin_locks_the_name_then_unlocks(room: Room) -> None:
    room.join(0, "1234")
    pid = room.people[0].id
    for _ in range(PIN_TRIES):
        status, reply = room.api("join", {"participant": pid, "pin": "0000"})
        assert status == 403 and "PIN" in reply["error"]
    status, reply = room.api("join", {"participant": pid, "pin": "1234"})
    assert status == 429 and "Too many wrong PINs" in reply["error"]
    # the same whole minutes as the laptop's PIN page (core.pins.minutes_left): it said 6
    assert f"Try again in {minutes_left(PIN_LOCK_SECONDS)} minutes" in reply["error"]
    room.clock.now += PIN_LOCK_SECONDS + 1
    assert room.api("join", {"participant": pid, "pin": "1234"})[0] == 200


def test_joins_are_rate_limited_per_address(room: Room) -> None:
    pid = room.people[2].id
    statuses = [room.api("join", {"participant": pid, "pin": "12x4"})[0] for _ in range(25)]
    assert statuses[:20] == [400] * 20 and statuses[20:] == [429] * 5


def test_hostile_requests_are_refused_with_plain_messages(room: Room) -> None:
    code = room.server.join_code
    token = room.join(0)
    cid = comps(room)[0]
    # wrong join code: nothing to see
    assert room.request("GET", "/j/AAAAAA")[0] == 404
    assert room.request("POST", "/api/AAAAAA/join", {"participant": room.people[0].id,
                                                     "pin": "1234"})[0] == 404
    # unknown participant
    status, reply = room.api("join", {"participant": "x" * 36, "pin": "1234"})
    assert status == 403 and "not on this cycle" in reply["error"]
    # another participant's token, a made-up token
    assert room.api("rate", {"token": "forged", "competency": cid, "level": "developing"})[0] == 403
    # oversized body: refused before it is read
    status, reply = room.request("POST", f"/api/{code}/rate", raw=b"x" * (MAX_BODY + 1))
    assert status == 413 and "too large" in reply["error"]
    # malformed bodies, wrong type, no length
    assert room.request("POST", f"/api/{code}/rate", raw=b"{not json")[0] == 400
    assert room.request("POST", f"/api/{code}/rate", raw=b"[1,2]")[0] == 400
    assert room.request("POST", f"/api/{code}/rate", raw=b'{"token":"a"}',
                        headers={"Content-Type": "text/plain"})[0] == 415
    assert room.request("PUT", f"/api/{code}/rate")[0] == 405
    # fields checked against the cycle
    bad = [{"competency": "shared_vision.x", "level": "developing"},   # not in scope
           {"competency": cid, "level": "excellent"},
           {"competency": cid, "level": "developing", "practices": ["agency.x.p1"]},
           {"competency": cid, "level": "developing", "practices": [cid + ".nope.p9"]},
           {"competency": cid, "level": "developing", "note": "n" * 2001},
           {"competency": cid, "level": "developing", "note": 5}]
    for body in bad:
        status, reply = room.api("rate", {"token": token, **body})
        assert status == 400 and reply["error"], body
    assert room.store.ratings(room.cycle_id) == []


def test_script_in_a_note_is_stored_as_text_and_the_page_escapes_names(room: Room, pack: Pack) -> None:
    note = "</script><script>alert(1)</script>"
    token = room.join(0)
    cid = comps(room)[0]
    assert room.api("rate", {"token": token, "competency": cid, "level": "refining",
                             "note": note})[0] == 200
    assert room.store.ratings(room.cycle_id)[0].note == note
    evil = room.store.save_participant(room.cycle_id, room.people[1].replace(
        name="<img src=x onerror=alert(1)></script>"))
    server = PhoneServer(pack, snapshot_room(room.store, room.cycle_id, pack), SaveDesk(),
                         host="127.0.0.1")
    server.start()
    try:
        status, page = send(server.port, "GET", f"/j/{server.join_code}")
    finally:
        server.stop()
    assert status == 200
    assert evil.name not in page and "</script><script>" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e\\u003c/script\\u003e" in page
    assert "Retreat &lt;b&gt;2026&lt;/b&gt;" in page


def test_page_headers_forbid_outside_code(room: Room) -> None:
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", room.server.port, timeout=10)
    conn.request("GET", f"/j/{room.server.join_code}")
    resp = conn.getresponse()
    page = resp.read().decode()
    conn.close()
    csp = resp.getheader("Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src 'nonce-" in csp
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in page and "http://" not in page and "https://" not in page
    assert resp.getheader("X-Content-Type-Options") == "nosniff"
    assert resp.getheader("Set-Cookie") is None


def test_closed_rating_refuses_everything(room: Room) -> None:
    token = room.join(0)
    room.server.close_rating()
    status, reply = room.api("rate", {"token": token, "competency": comps(room)[0],
                                      "level": "developing"})
    assert status == 410 and "closed" in reply["error"]
    assert room.request("GET", f"/j/{room.server.join_code}")[0] == 410
    assert room.store.ratings(room.cycle_id) == []


def test_a_store_refusal_reaches_the_phone(room: Room) -> None:
    token = room.join(0)
    room.store.delete_participant(room.cycle_id, room.people[0].id)  # removed while rating
    status, reply = room.api("rate", {"token": token, "competency": comps(room)[0],
                                      "level": "developing"})
    assert status == 409 and reply["error"]
    assert room.store.ratings(room.cycle_id) == []


def test_every_interface_only_when_chosen(pack: Pack, room: Room) -> None:
    snap = snapshot_room(room.store, room.cycle_id, pack)
    for host in ("0.0.0.0", "::", ""):
        with pytest.raises(ServerRefused):
            PhoneServer(pack, snap, SaveDesk(), host=host)
    with pytest.raises(ServerRefused):
        PhoneServer(pack, snap, SaveDesk(), host="example.org")
    PhoneServer(pack, snap, SaveDesk(), host="0.0.0.0", allow_all_interfaces=True)  # no start


def test_stopping_refuses_queued_saves_and_closes_the_port(room: Room) -> None:
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    token = room.join(0)
    port = room.server.port
    with ThreadPoolExecutor(1) as pool:
        body = {"token": token, "competency": comps(room)[0], "level": "developing"}
        future = pool.submit(send, port, "POST", f"/api/{room.server.join_code}/rate", body)
        while room.desk.pending() == 0:   # the request reached the desk; nobody drains it
            future.exception(timeout=0.005) if future.done() else None
        room.server.stop()
        status, reply = future.result()
    assert status == 409 and "stopped" in reply["error"]
    assert room.store.ratings(room.cycle_id) == []
    with pytest.raises(OSError):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/")
        conn.getresponse()


def test_save_ratings_writes_all_or_none(room: Room) -> None:
    from navtool_desktop.core.records import Rating
    from navtool_desktop.storage import InvalidChangeError

    ids = comps(room)
    good = [Rating(participant_id=p.id, competency_id=ids[0], level="developing")
            for p in room.people]
    stranger = Rating(participant_id="0" * 8 + "-0000-4000-8000-" + "0" * 12,
                      competency_id=ids[0], level="developing")
    with pytest.raises(InvalidChangeError):
        room.store.save_ratings(room.cycle_id, [*good, stranger])
    twice = [good[0], good[0].replace(level="refining")]
    with pytest.raises(InvalidChangeError):
        room.store.save_ratings(room.cycle_id, twice)
    assert room.store.ratings(room.cycle_id) == []
    saved = room.store.save_ratings(room.cycle_id, good)
    again = room.store.save_ratings(room.cycle_id, [good[0].replace(level="refining")])
    assert again[0].prior == saved[0].version
    reopened = {(r.participant_id, r.level) for r in room.store.ratings(room.cycle_id)}
    assert len(reopened) == 4 and (room.people[0].id, "refining") in reopened


def test_a_bad_answer_in_a_batch_does_not_fail_the_others(room: Room) -> None:
    from navtool_desktop.phones import SaveJob, store_writer

    ids = comps(room)
    jobs = [SaveJob(room.people[0].id, ids[0], "developing"),
            SaveJob("0" * 8 + "-0000-4000-8000-" + "0" * 12, ids[0], "developing"),
            SaveJob(room.people[1].id, ids[1], "refining")]
    results = store_writer(room.store, room.cycle_id)(jobs)
    assert [isinstance(r, Exception) for r in results] == [False, True, False]
    assert len(room.store.ratings(room.cycle_id)) == 2


def test_an_address_in_use_is_refused_plainly(room: Room, pack: Pack) -> None:
    again = PhoneServer(pack, room.server.room, SaveDesk(), host="127.0.0.1", port=room.server.port)
    with pytest.raises(ServerRefused, match="Could not listen"):
        again.start()


def test_the_server_layer_imports_no_qt() -> None:
    import json
    import subprocess
    import sys

    code = ("import json, sys, navtool_desktop.phones, navtool_desktop.phones.page\n"
            "print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                       text=True, check=True).stdout)
    assert not [m for m in loaded if m.split(".")[0] in ("PySide6", "shiboken6", "reportlab", "pyhanko")]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for a syntax check")
def test_the_page_script_parses(room: Room, tmp_path: Path) -> None:
    import re
    import subprocess

    status, page = room.request("GET", f"/j/{room.server.join_code}")
    assert status == 200
    [script] = re.findall(r'<script nonce="[^"]+">(.*?)</script>', page, re.S)
    (tmp_path / "page.js").write_text(script, encoding="utf-8")
    subprocess.run(["node", "--check", str(tmp_path / "page.js")], check=True)


def test_idle_connections_beyond_the_cap_are_dropped(pack: Pack, room: Room) -> None:
    import socket

    server = PhoneServer(pack, room.server.room, SaveDesk(), host="127.0.0.1", max_connections=2)
    server.start()
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(2)]
    try:
        # the two idle connections hold both slots (each was accepted and waits for a request)
        for _attempt in range(1000):
            try:
                status = send(server.port, "GET", f"/j/{server.join_code}")[0]
            except OSError:
                break  # dropped: the cap holds
            assert status == 200  # accepted before both idle ones were taken up
        else:
            pytest.fail("a third connection was served while two idle ones held the slots")
    finally:
        for s in idle:
            s.close()
        server.stop()


def test_each_person_is_given_only_the_questions_written_for_their_role_group(room: Room, pack: Pack) -> None:
    """The page is one for the room; each person's entry says which question sets are theirs
    (learners: the learner questions only; adults: their own, then the equity questions)."""
    learner = room.store.save_participant(room.cycle_id, Participant(name="Lee", role_group="learner"))
    server = PhoneServer(pack, snapshot_room(room.store, room.cycle_id, pack), SaveDesk(), host="127.0.0.1")
    people = {p["id"]: p for p in server.people()}
    assert people[learner.id]["audiences"] == ["learners"]
    groups = {p.id: p.role_group for p in room.store.cycle(room.cycle_id).participants.values()}
    adults = [p for p in people.values() if groups[p["id"]] != "learner"]
    assert adults and all(p["audiences"] == ["educators_leaders_community", "equity"] for p in adults)
    assert all(p["audiences"] == ["learners"] for p in people.values() if groups[p["id"]] == "learner")
    page = server.page()
    assert "learners" in page  # every set travels once; the script picks the person's own
