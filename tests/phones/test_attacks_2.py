"""Attacks on phone rating's newer parts: PIN lock-outs under concurrent tries, crafted
requests and files, the cycle lock, idle connections from one address, kept keys."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from phone_helpers import Room, send

from navtool_desktop.framework import Pack
from navtool_desktop.phones import PhoneServer, SaveDesk
from navtool_desktop.phones.keys import CycleLock, keys_path, load_keys, save_keys
from navtool_desktop.phones.server import PIN_TRIES

posix_only = pytest.mark.skipif(os.name == "nt", reason="symlinks and named pipes: POSIX")


def test_concurrent_wrong_pins_get_no_more_tries_than_the_lock_out_allows(room: Room) -> None:
    """Twenty wrong PINs sent at once for one name: only PIN_TRIES of them are checked."""
    room.join(0, "1234")
    pid = room.people[0].id
    path = f"/api/{room.server.join_code}/join"
    barrier = threading.Barrier(20)

    def guess(n: int) -> tuple[int, str]:
        # from five addresses (127.0.0.10-14: loopback answers to them all), as phones would
        conn = http.client.HTTPConnection("127.0.0.1", room.server.port, timeout=30,
                                          source_address=(f"127.0.0.{10 + n % 5}", 0))
        body = json.dumps({"participant": pid, "pin": f"{2000 + n}"})
        barrier.wait()
        try:
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read())["error"]
        finally:
            conn.close()

    with ThreadPoolExecutor(20) as pool:
        replies = Counter(pool.map(guess, range(20)))
    checked = replies[(403, "That PIN is not right.")]
    assert checked <= PIN_TRIES, replies
    room.clock.now += 61   # past the per-phone join limit, not the lock-out
    status, reply = room.api("join", {"participant": pid, "pin": "1234"})
    assert status == 429 and "Too many wrong PINs" in reply["error"]


def test_a_length_in_other_digits_is_refused_plainly_and_nothing_is_logged(
        room: Room, capfd: pytest.CaptureFixture[str]) -> None:
    """"Content-Length: ²" is a digit to str.isdigit but not to int(): a plain refusal, and no
    traceback naming the phone's address on the laptop's console."""
    with socket.create_connection(("127.0.0.1", room.server.port), timeout=10) as conn:
        conn.sendall(f"POST /api/{room.server.join_code}/join HTTP/1.1\r\nHost: x\r\n"
                     "Content-Type: application/json\r\nContent-Length: \xb2\r\n\r\n{}".encode("latin-1"))
        reply = conn.recv(4096)
    assert reply.startswith(b"HTTP/1.1 411"), reply
    out, err = capfd.readouterr()
    assert "127.0.0.1" not in out + err and "Traceback" not in out + err


def test_a_connection_that_breaks_mid_reply_writes_nothing_about_the_phone(
        room: Room, capfd: pytest.CaptureFixture[str]) -> None:
    """Whatever goes wrong in a request thread, nothing about who asked is written anywhere."""
    server = room.server
    original = server.handle

    def broken(*args: object) -> object:
        raise RuntimeError("a bug")

    server.handle = broken  # type: ignore[method-assign]
    try:
        with pytest.raises(OSError):
            send(server.port, "GET", f"/j/{server.join_code}")
    finally:
        server.handle = original  # type: ignore[method-assign]
    out, err = capfd.readouterr()
    assert "127.0.0.1" not in out + err and "Traceback" not in out + err


@posix_only
def test_a_cycle_lock_that_is_a_symlink_never_empties_the_file_it_points_to(room: Room, tmp_path: Path) -> None:
    lock = CycleLock(room.store, room.cycle_id)
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    victim = tmp_path / "thesis.txt"
    victim.write_text("four years of work")
    os.symlink(victim, lock.path)
    lock.acquire("Retreat")   # the link is not the app's: a lock file of its own replaces it
    try:
        lock.note("http://127.0.0.1:1/j/ABCDEF")
        assert not lock.path.is_symlink()
    finally:
        lock.release()
    assert victim.read_text() == "four years of work"


@posix_only
def test_a_named_pipe_in_place_of_the_keys_file_does_not_hang_the_app(room: Room) -> None:
    path = keys_path(room.store, room.cycle_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(load_keys(room.store, room.cycle_id)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # unblock the reader so the test process can end
        with open(path, "wb"):
            pass
        reader.join(timeout=10)
        pytest.fail("load_keys waited on a named pipe")
    assert found == [{}]


def test_a_huge_keys_file_is_not_read_whole(room: Room) -> None:
    path = keys_path(room.store, room.cycle_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        file.truncate(4 * 1024**3)   # a sparse 4 GB file: reading it whole would fill memory
    assert load_keys(room.store, room.cycle_id) == {}


def test_deleting_a_cycle_forgets_its_pins_and_codes(room: Room) -> None:
    """PIN hashes of four digits are cracked offline in seconds: they must not outlive the cycle."""
    room.server.pins.new_codes([p.id for p in room.people])
    room.join(0, "2580")
    path = keys_path(room.store, room.cycle_id)
    assert path.exists()
    leftover = path.parent / f".{path.name}.deadbeef.tmp"   # left by an app killed mid-write
    leftover.write_bytes(path.read_bytes())
    room.server.stop()
    room.store.delete_cycle(room.cycle_id)
    assert not path.exists()
    assert not list(path.parent.glob(f".{path.name}.*"))


def test_one_address_cannot_take_every_connection(pack: Pack, room: Room) -> None:
    """Slow or idle connections from one phone (slowloris) leave room for the others."""
    server = PhoneServer(pack, room.server.room, SaveDesk(), host="127.0.0.1", max_connections=16)
    server.start()
    idle: list[socket.socket] = []
    try:
        for _ in range(16):   # the attacker, from 127.0.0.2: as many connections as there are slots
            s = socket.socket()
            s.settimeout(10)
            s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", server.port))
            s.sendall(b"GET /j/")   # and never more
            idle.append(s)
        status = send(server.port, "GET", f"/j/{server.join_code}")[0]   # a phone at 127.0.0.1
        assert status == 200
    finally:
        for s in idle:
            s.close()
        server.stop()


def test_kept_keys_of_another_cycle_are_ignored(room: Room) -> None:
    path = keys_path(room.store, room.cycle_id)
    save_keys(room.store, "another-cycle", {"format": 1, "pins": {}})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((path.parent / "another-cycle.json").read_bytes())
    assert load_keys(room.store, room.cycle_id) == {}
    assert json.loads(path.read_bytes())["cycle"] == "another-cycle"


KEEPER = r"""
import sys
from pathlib import Path
from types import SimpleNamespace
from navtool_desktop.phones.keys import save_keys
from navtool_desktop.phones.server import PinBook, hash_pin

store = SimpleNamespace(repo=SimpleNamespace(folder=Path(sys.argv[1])), id="district", read_only=False,
                        phone_keys_path=lambda c: Path(sys.argv[1]) / "phones" / "district" / f"{c}.json")
book = PinBook()
for n in range(10_000):
    book._pins[f"person-{n}"] = hash_pin("1234")
    book.new_codes([f"person-{n}"])
    save_keys(store, "cycle", book.saved())
    print(n + 1, flush=True)   # this many PINs are kept: the phone would now hear "joined"
"""


def test_killing_the_app_while_it_keeps_pins_never_loses_one(tmp_path: Path) -> None:
    """The writer is killed at random points while it keeps PINs: the file always holds every
    PIN it had said was kept."""
    import random
    import signal
    import subprocess
    import sys
    from types import SimpleNamespace

    from navtool_desktop.phones.server import PinBook

    store = SimpleNamespace(repo=SimpleNamespace(folder=tmp_path), id="district", read_only=False,
                            phone_keys_path=lambda c: tmp_path / "phones" / "district" / f"{c}.json")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    rng = random.Random(22)
    for _round in range(4):
        child = subprocess.Popen([sys.executable, "-c", KEEPER, str(tmp_path)], stdout=subprocess.PIPE,
                                 env=env, text=True)
        assert child.stdout is not None
        kept = 0
        for _line in range(rng.randint(1, 12)):
            kept = int(child.stdout.readline())
        child.send_signal(signal.SIGKILL if os.name != "nt" else signal.SIGTERM)
        child.wait()
        child.stdout.close()
        book = PinBook.restore(load_keys(store, "cycle"))
        assert all(book.has_pin(f"person-{n}") and book.has_code(f"person-{n}") for n in range(kept))


def test_ending_rating_forgets_temp_files_of_the_keys_too(room: Room) -> None:
    """An app killed mid-write leaves a temp file holding PIN hashes: End rating removes it."""
    from navtool_desktop.phones.keys import forget_keys

    room.join(0, "2580")
    path = keys_path(room.store, room.cycle_id)
    leftover = path.parent / f".{path.name}.0badf00d.tmp"
    leftover.write_bytes(path.read_bytes())
    room.server.stop()
    forget_keys(room.store, room.cycle_id)
    assert not path.exists() and not leftover.exists()


@pytest.mark.parametrize("session", [
    {"join_code": "A", "host": "127.0.0.1", "port": 8123},            # a join code anyone guesses
    {"join_code": "AB/CD?", "host": "127.0.0.1", "port": 8123},
    {"join_code": "ABCDEF", "host": "127.0.0.1", "port": 70000},      # bind() raised OverflowError
    {"join_code": "ABCDEF", "host": "127.0.0.1", "port": -1},
    {"join_code": "ABCDEF", "host": "127.0.0.1", "port": True},
    {"join_code": "ABCDEF", "host": "not an address", "port": 8123},
])
def test_a_crafted_session_in_the_keys_file_is_not_used(room: Room, pack: Pack, session: dict[str, object]) -> None:
    """The kept join code and port are checked like everything else in the file: a weak join
    code is never served, and an impossible port does not crash Start."""
    from navtool_desktop.phones import PinBook

    save_keys(room.store, room.cycle_id, {"format": 1, "rounds": 20_000, "session": session})
    book = PinBook.restore(load_keys(room.store, room.cycle_id))
    kept = book.session
    assert set(kept) <= {"join_code", "host", "port"}
    good = {"join_code": "ABCDEF", "host": "127.0.0.1", "port": 8123}
    assert all(kept[k] == good[k] and type(kept[k]) is type(good[k]) for k in kept)
    if "port" in kept:  # what the panel and navtool serve do with it
        server = PhoneServer(pack, room.server.room, SaveDesk(), host="127.0.0.1", port=0,
                             join_code=str(kept.get("join_code", "")) or None)
        assert len(server.join_code) == 6


def test_guessing_a_pin_slowly_ends_in_a_lock_only_the_facilitator_lifts_and_a_restart_keeps_it(
        room: Room, pack: Pack) -> None:
    """Five tries every five minutes is 1,440 a day per name (a four-digit PIN falls in a week,
    one in seven in a day), and a restarted app forgot every lock-out. Now MAX_WRONG_PINS
    wrong PINs since the last right one lock the name until the facilitator resets its PIN,
    and the count is kept with the PINs, so a restart does not reset it."""
    from navtool_desktop.phones import PinBook
    from navtool_desktop.phones.server import MAX_WRONG_PINS, PIN_LOCK_SECONDS

    room.join(0, "1234")
    pid = room.people[0].id
    room.clock.now += 1
    assert room.api("join", {"participant": pid, "pin": "0000"})[0] == 403
    assert room.api("join", {"participant": pid, "pin": "1234"})[0] == 200   # a right PIN: count anew
    room.clock.now += PIN_LOCK_SECONDS + 1
    wrong = 0
    while wrong < MAX_WRONG_PINS - 1:
        for _ in range(PIN_TRIES):
            if wrong == MAX_WRONG_PINS - 1:
                break
            assert room.api("join", {"participant": pid, "pin": f"{9000 + wrong}"})[0] == 403
            wrong += 1
        room.clock.now += PIN_LOCK_SECONDS + 1
    room.desk.drain(room.write)   # as the panel and navtool serve do before stopping
    room.server.stop()

    # the app restarts: the count was kept with the PINs
    restored = PinBook.restore(load_keys(room.store, room.cycle_id), room.clock)
    assert restored.wrong_pins(pid) == MAX_WRONG_PINS - 1
    again = PhoneServer(pack, room.server.room, SaveDesk(), host="127.0.0.1", pins=restored,
                        clock=room.clock)
    again.start()
    room.server, room.desk = again, again.desk
    assert room.api("join", {"participant": pid, "pin": "9999"})[0] == 403   # the last one
    room.clock.now += 24 * 3600
    status, reply = room.api("join", {"participant": pid, "pin": "1234"})     # even the right PIN
    assert status == 429 and "facilitator" in reply["error"]

    again.reset_pin(pid)   # the facilitator lifts it: the person chooses a new PIN
    assert room.api("join", {"participant": pid, "pin": "4321"})[0] == 200


RACER = r"""
import sys, time
from pathlib import Path
from types import SimpleNamespace
from navtool_desktop.phones.keys import AlreadyRunning, CycleLock

store = SimpleNamespace(repo=SimpleNamespace(folder=Path(sys.argv[1])), id="district",
                        phone_keys_path=lambda c: Path(sys.argv[1]) / "phones" / "district" / f"{c}.json")
lock = CycleLock(store, "cycle")
try:
    lock.acquire("Retreat")
    print("won", flush=True)
except AlreadyRunning:
    print("refused", flush=True)
sys.stdin.read()   # hold the lock (or not) until the test has heard from everyone
"""


def test_processes_racing_for_one_cycle_lock_let_exactly_one_serve(tmp_path: Path) -> None:
    import subprocess
    import sys
    from types import SimpleNamespace

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(tmp_path)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, env=env, text=True) for _ in range(6)]
    try:
        said = [r.stdout.readline().strip() for r in racers]  # type: ignore[union-attr]
        assert sorted(said) == ["refused"] * 5 + ["won"]
        winner = racers[said.index("won")]
        winner.kill()   # the serving app is killed: the lock dies with it
        winner.wait()
        store = SimpleNamespace(repo=SimpleNamespace(folder=tmp_path), id="district",
                                phone_keys_path=lambda c: tmp_path / "phones" / "district" / f"{c}.json")
        lock = CycleLock(store, "cycle")  # type: ignore[arg-type]
        lock.acquire("Retreat")
        lock.release()
    finally:
        for r in racers:
            r.communicate("")


def test_closing_the_cycle_forgets_its_pins_and_codes_even_with_no_panel_open(room: Room) -> None:
    """The README says closing the cycle forgets them; closing it from the cycles screen or
    with `navtool cycles close` (no phone panel open to notice) left them on disk."""
    room.server.pins.new_codes([p.id for p in room.people])
    room.join(0, "2580")
    room.server.stop()
    path = keys_path(room.store, room.cycle_id)
    assert path.exists()
    cycle = room.store.get_cycle(room.cycle_id)
    room.store.save_cycle(cycle.replace(status="closed"))
    assert not path.exists()


def test_a_flood_of_addresses_does_not_reset_every_phones_limits() -> None:
    """Rate limits were forgotten for everyone once 10,000 addresses had been seen in a minute
    (easy over IPv6, where one phone has millions): a used-up phone could try again."""
    from phone_helpers import FakeClock

    from navtool_desktop.phones.server import _Window

    clock = FakeClock()
    window = _Window(2, clock)
    assert window.allow("guesser") and window.allow("guesser") and not window.allow("guesser")
    for n in range(10_050):
        window.allow(f"fe80::{n:x}")
    assert not window.allow("guesser")
    clock.now += 61
    assert window.allow("guesser") and window.allow("a phone that comes later")


def test_pin_hashes_at_a_cheaper_cost_are_not_taken_from_the_file(room: Room) -> None:
    """A keys file whose hashes use 1 round (a downgrade, or a planted PIN) guards nobody."""
    import hashlib

    from navtool_desktop.phones import PinBook

    pid = room.people[0].id
    salt = b"s" * 16
    cheap = f"pbkdf2$1${salt.hex()}${hashlib.pbkdf2_hmac('sha256', b'0000', salt, 1).hex()}"
    for rounds in (1, 20_000):
        save_keys(room.store, room.cycle_id, {"format": 1, "rounds": rounds, "pins": {pid: cheap}})
        assert not PinBook.restore(load_keys(room.store, room.cycle_id)).has_pin(pid)


def test_two_phones_with_one_code_the_second_needs_the_pin_and_signs_the_first_out(room: Room) -> None:
    codes = room.server.pins.new_codes([p.id for p in room.people])
    code = codes[room.people[0].id]
    status, first = room.api("join", {"code": code, "pin": "1357"})
    assert status == 200
    assert room.api("join", {"code": code, "pin": "2468"})[0] == 403   # a finder of the slip
    status, second = room.api("join", {"code": code.lower(), "pin": "1357"})
    assert status == 200
    cid = room.server.room.competency_ids[0]
    assert room.api("rate", {"token": first["token"], "competency": cid, "level": "developing"})[0] == 403
    assert room.api("rate", {"token": second["token"], "competency": cid, "level": "developing"})[0] == 200
