"""A local HTTP server for rating one cycle on phones (standard library only).

Security design (a room full of strangers' phones, plain HTTP on a local network):

* Binds one address the caller chose; all interfaces only when asked for explicitly.
* Every URL carries the session's random join code (``/j/CODE``, ``/api/CODE/...``); a
  wrong code gets a plain 404, so the server is not discoverable by scanning paths.
* A participant picks their name, or types (or scans) the personal code from their printed
  slip, and sets a 4-digit PIN. PINs are kept only as salted scrypt hashes
  (:mod:`navtool_desktop.core.pins`), codes as PBKDF2 hashes, written by the single writer
  beside the data until rating ends (``phones/keys.py``);
  joining returns a random per-participant token, kept in memory only. Wrong PINs lock
  that name for a while after a few tries; joins (by name or code) are rate limited per
  client address, and every client has a request budget per minute.
* Each request speaks its own language (``?lang=``, else the phone's ``Accept-Language``,
  else the app's): words from the gettext catalog (``i18n.speaking`` on the request
  thread), texts from the pack's language layer.
* No cookies: the token travels in the JSON body of POST requests, and every POST must
  be ``application/json`` (a cross-site form cannot send that without a CORS preflight,
  which this server never grants), so cross-site request forgery has nothing to ride on.
* Bodies are limited in size, fields checked against the cycle (competency in scope,
  level from the list, practices of that competency, note length); anything else is
  refused with a plain message.
* The page is one self-contained document with a strict Content-Security-Policy (a nonce
  for its one script and one style), ``nosniff``, no referrer, no caching. Names and
  notes are inserted as text (``textContent``), never as markup.
* Nobody sees anyone else's answers: the only read of answers is a participant's own,
  with their token. Closing rating refuses everything.
* The server never touches the store: answers go to a :class:`SaveDesk` and the reply
  waits for the single writer's verdict.
"""

from __future__ import annotations

import contextlib
import hmac
import html
import ipaddress
import json
import re
import secrets
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from navtool_desktop.core.pins import MAX_WRONG_PINS as MAX_WRONG_PINS  # kept with the PINs on disk
from navtool_desktop.core.pins import PIN_LOCK_SECONDS as PIN_LOCK_SECONDS  # the phone tests' names
from navtool_desktop.core.pins import PIN_TRIES as PIN_TRIES
from navtool_desktop.core.pins import (
    check_pin,
    hash_pin,
    is_pin_hash,
    locked_for,
    minutes_left,
    needs_facilitator,
    recent_failures,
    valid_pin,
)
from navtool_desktop.core.records import LEVELS, NOT_SURE, Cycle, Participant, Rating, audiences_for
from navtool_desktop.errors import UserFacingError
from navtool_desktop.framework import Pack
from navtool_desktop.framework.locale import pack_in
from navtool_desktop.i18n import LANGUAGES, _, language, speaking
from navtool_desktop.phones.desk import KeysJob, SaveDesk, SaveJob
from navtool_desktop.phones.page import render_page
from navtool_desktop.vocabulary import level_name, role_name, source_level_name

MAX_BODY = 8 * 1024            #: bytes in one request body
MAX_NOTE = 2000                #: characters in a note
JOINS_PER_MINUTE = 20          #: join attempts per client address per minute
REQUESTS_PER_MINUTE = 600      #: requests per client address per minute
SAVE_WAIT_SECONDS = 10.0       #: how long a request waits for the writer
MAX_CONNECTIONS = 128          #: connections served at once (each holds a thread)
#: connections served at once from one address (a browser opens at most six to a server), so
#: one phone holding slow or idle connections (slowloris) cannot take every slot
CONNECTIONS_PER_CLIENT = 8
#: PBKDF2 rounds for personal codes (40 random bits each; PINs use core/pins.py's scrypt)
PBKDF2_ROUNDS = 20_000
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class ServerRefused(UserFacingError):
    """The server cannot start (an address refused or in use)."""


JOIN_CODE_LENGTH = 6  #: letters in a session's join code (30 bits, in every URL)
_JOIN_CODE = re.compile(f"[{_CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}")


def new_join_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def is_join_code(text: object) -> bool:
    """A join code as :func:`new_join_code` makes them (a kept one is checked before use)."""
    return isinstance(text, str) and bool(_JOIN_CODE.fullmatch(text))


def _is_address(text: object) -> bool:
    try:
        ipaddress.ip_address(text)  # type: ignore[arg-type]
    except ValueError:
        return False
    return isinstance(text, str)


CODE_LENGTH = 8  #: letters in a personal code (40 bits: guessing one is hopeless at 20 tries a minute)


def new_personal_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def show_code(code: str) -> str:
    """A personal code as printed: two groups of four ("K7PM-3QXA")."""
    return f"{code[:4]}-{code[4:]}"


def _typed_code(text: str) -> str:
    """What someone typed or scanned, as a code: capitals, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


class PinLocked(Exception):
    """Too many wrong PINs for a name lately: ``seconds`` until it is free again, or None when
    only the facilitator can free it (:data:`MAX_WRONG_PINS`)."""

    def __init__(self, seconds: float | None) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class PinBook:
    """PINs (hashed), personal codes (hashed), lock-outs and phones' tokens by participant id.

    PINs and codes are kept on disk for the cycle until rating ends (:meth:`saved` and
    :meth:`restore`; ``phones/keys.py``); tokens and lock-outs live in memory only, so a
    restarted app asks each phone for its PIN again.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._pins: dict[str, str] = {}  #: participant id -> PIN hash (:func:`hash_pin`)
        #: personal codes: PBKDF2(code, one salt for the cycle) -> participant id
        self._code_salt = secrets.token_bytes(16)
        self._codes: dict[bytes, str] = {}
        #: session tokens (token -> participant id): a restarted server keeps phones signed in
        self.tokens: dict[str, str] = {}
        #: the last session's join code, address and port (kept, so printed slips keep working)
        self.session: dict[str, Any] = {}
        self._failures: dict[str, list[float]] = {}
        #: wrong PINs since the last right one, by participant id (kept on disk, see MAX_WRONG_PINS)
        self._wrong: dict[str, int] = {}
        self._lock = threading.Lock()

    # --- kept on disk ---------------------------------------------------------------------

    def saved(self) -> dict[str, Any]:
        """The PINs and codes as kept on disk (hashes and salts only, never a PIN or code)."""
        with self._lock:
            return {"format": 2, "rounds": PBKDF2_ROUNDS, "pins": dict(sorted(self._pins.items())),
                    "wrong": {pid: n for pid, n in sorted(self._wrong.items()) if n},
                    "code_salt": self._code_salt.hex(),
                    "codes": {pid: digest.hex() for digest, pid in sorted(self._codes.items())},
                    "session": dict(self.session)}

    @classmethod
    def restore(cls, data: Mapping[str, Any], clock: Callable[[], float] = time.monotonic) -> PinBook:
        """A book from :meth:`saved`'s form; anything damaged in it is left out."""
        book = cls(clock)
        if data.get("format") != 2 or data.get("rounds") != PBKDF2_ROUNDS:  # 2: PINs as scrypt hashes
            return book

        def raw(text: Any, size: int) -> bytes | None:
            try:
                value = bytes.fromhex(text) if isinstance(text, str) else b""
            except ValueError:
                return None
            return value if len(value) == size else None

        pins = data.get("pins")
        for pid, pin in (pins.items() if isinstance(pins, dict) else ()):
            if isinstance(pid, str) and is_pin_hash(pin):
                book._pins[pid] = pin
        wrong = data.get("wrong")
        for pid, count in (wrong.items() if isinstance(wrong, dict) else ()):
            if pid in book._pins and type(count) is int and count > 0:
                book._wrong[pid] = min(count, MAX_WRONG_PINS)
        session = data.get("session")
        if isinstance(session, dict):  # a weak join code or an impossible port is not used
            port = session.get("port")
            checks = {"join_code": is_join_code(session.get("join_code")),
                      "host": _is_address(session.get("host")),
                      "port": type(port) is int and 0 < port < 65536}
            book.session = {k: session[k] for k, ok in checks.items() if ok}
        code_salt = raw(data.get("code_salt"), 16)
        codes = data.get("codes")
        if code_salt and isinstance(codes, dict):
            book._code_salt = code_salt
            for pid, text in codes.items():
                digest = raw(text, 32)
                if isinstance(pid, str) and digest:
                    book._codes[digest] = pid
        return book

    # --- PINs -----------------------------------------------------------------------------

    def has_pin(self, participant_id: str) -> bool:
        with self._lock:
            return participant_id in self._pins

    def locked_for(self, participant_id: str) -> float:
        """Seconds left on a lock-out (0 when not locked)."""
        with self._lock:
            return self._locked_for(participant_id)

    def wrong_pins(self, participant_id: str) -> int:
        """Wrong PINs since the name's last right one (or since its PIN was reset)."""
        with self._lock:
            return self._wrong.get(participant_id, 0)

    def _locked_for(self, participant_id: str) -> float:  # with self._lock held
        now = self._clock()
        recent = recent_failures(self._failures.get(participant_id, []), now)
        self._failures[participant_id] = recent
        return locked_for(recent, now)

    def check_or_set_new(self, participant_id: str, pin: str) -> tuple[bool, bool]:
        """(whether the PIN is right, whether it was set just now).

        A try is counted as wrong before the PIN is checked (and taken back if it was
        right), so tries sent all at once cannot all pass the lock-out while the first ones
        are still being hashed; a try while the name is locked raises :class:`PinLocked`.
        """
        with self._lock:
            known = self._pins.get(participant_id)
        if known is None:  # hashed outside the lock: the writer reads the book meanwhile
            made = hash_pin(pin)
            with self._lock:
                known = self._pins.setdefault(participant_id, made)
            if known is made:
                return True, True
        with self._lock:
            if needs_facilitator(self._wrong.get(participant_id, 0)):
                raise PinLocked(None)
            wait = self._locked_for(participant_id)
            if wait:
                raise PinLocked(wait)
            stamp = self._clock()
            tries = self._failures.setdefault(participant_id, [])
            tries.append(stamp)
            self._wrong[participant_id] = self._wrong.get(participant_id, 0) + 1
        good = check_pin(pin, known)
        if good:
            with self._lock, contextlib.suppress(ValueError):
                self._wrong.pop(participant_id, None)
                self._failures.get(participant_id, []).remove(stamp)
        return good, False

    def forget(self, participant_id: str) -> None:
        """Clear a PIN (the facilitator resets it for someone who forgot theirs)."""
        with self._lock:
            self._pins.pop(participant_id, None)
            self._failures.pop(participant_id, None)
            self._wrong.pop(participant_id, None)
            for token in [t for t, p in self.tokens.items() if p == participant_id]:
                del self.tokens[token]

    # --- personal codes -------------------------------------------------------------------

    def _code_digest(self, code: str) -> bytes:
        # cryptography's PBKDF2 (the bundle has no _hashlib; hashlib's would fall back to slow Python)
        return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=self._code_salt,
                          iterations=PBKDF2_ROUNDS).derive(code.encode())

    def new_codes(self, participant_ids: Sequence[str]) -> dict[str, str]:
        """A new personal code for each participant (replacing any earlier one: slips printed
        before stop working); the codes are returned once, to print, and kept only hashed."""
        made = {pid: new_personal_code() for pid in participant_ids}
        self.set_codes(made)
        return made

    def set_codes(self, codes: Mapping[str, str]) -> None:
        """Make ``codes`` (participant id -> code, from :func:`new_personal_code`) the
        participants' personal codes, replacing their earlier ones."""
        digests = {pid: self._code_digest(code) for pid, code in codes.items()}
        with self._lock:
            for old in [d for d, p in self._codes.items() if p in digests]:
                del self._codes[old]
            for pid, digest in digests.items():
                self._codes[digest] = pid

    def has_codes(self) -> bool:
        with self._lock:
            return bool(self._codes)

    def has_code(self, participant_id: str) -> bool:
        with self._lock:
            return participant_id in self._codes.values()

    def participant_of_code(self, typed: str) -> str | None:
        """Whose personal code this is, or None (a wrong or guessed code)."""
        code = _typed_code(typed)
        if len(code) != CODE_LENGTH or not all(ch in _CODE_ALPHABET for ch in code):
            return None
        digest = self._code_digest(code)
        with self._lock:
            return self._codes.get(digest)


@dataclass(frozen=True)
class RoomSnapshot:
    """What the server may know of the cycle: taken on the writer thread before it starts."""

    cycle_id: str
    title: str
    participants: tuple[Participant, ...]
    competency_ids: tuple[str, ...]
    #: each participant's own answers, by participant id then competency id
    answers: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)


def _answer(rating: Rating) -> dict[str, Any]:
    return {"level": rating.level, "practices": list(rating.practices), "note": rating.note}


def snapshot_room(store: Any, cycle_id: str, pack: Pack) -> RoomSnapshot:
    """Read what the server needs from the store (call on the writer thread)."""
    data = store.cycle(cycle_id)
    cycle: Cycle = data.cycle
    answers: dict[str, dict[str, dict[str, Any]]] = {}
    for rating in data.ratings.values():
        answers.setdefault(rating.participant_id, {})[rating.competency_id] = _answer(rating)
    people = tuple(sorted(data.participants.values(),
                          key=lambda p: (p.name or p.code).casefold()))
    comps = tuple(c.id for c in pack.competencies if cycle.covers(c.id))
    return RoomSnapshot(cycle.id, cycle.title, people, comps, answers)


class _Refusal(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Window:
    """Counts events per key in a sliding minute (rate limits)."""

    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._events: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    #: addresses followed at once: a flood from more (IPv6 gives one phone millions) is refused
    #: for new addresses until the minute has passed, never forgotten for everyone
    MAX_KEYS = 10_000

    def allow(self, key: str) -> bool:
        with self._lock:
            now = self._clock()
            if key not in self._events and len(self._events) >= self.MAX_KEYS:
                self._events = {k: ts for k, ts in self._events.items() if ts and now - ts[-1] < 60.0}
                if len(self._events) >= self.MAX_KEYS:
                    return False
            recent = [t for t in self._events.get(key, []) if now - t < 60.0]
            if len(recent) >= self.per_minute:
                self._events[key] = recent
                return False
            recent.append(now)
            self._events[key] = recent
            return True


def _is_all_interfaces(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host.strip() == ""


class PhoneServer:
    """One rating session for one cycle; :meth:`start` and :meth:`stop` from the writer thread."""

    def __init__(self, pack: Pack, room: RoomSnapshot, desk: SaveDesk, *,
                 host: str, port: int = 0, pins: PinBook | None = None,
                 allow_all_interfaces: bool = False,
                 clock: Callable[[], float] = time.monotonic,
                 save_wait: float = SAVE_WAIT_SECONDS,
                 joins_per_minute: int = JOINS_PER_MINUTE,
                 requests_per_minute: int = REQUESTS_PER_MINUTE,
                 max_connections: int = MAX_CONNECTIONS,
                 connections_per_client: int = CONNECTIONS_PER_CLIENT, join_code: str | None = None,
                 pack_language: str | None = None) -> None:
        if _is_all_interfaces(host) and not allow_all_interfaces:
            raise ServerRefused(_("Phone rating listens on one network only: choose the "
                                  "network's address, not every interface."))
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise ServerRefused(_("{address} is not a network address.").format(address=host)) from None
        self.pack = pack
        #: the language ``pack`` is in (the app's): a phone that asks for it gets no other
        self.language = pack_language or language()
        self.room = room
        self.desk = desk
        self.host = host
        self.port = port
        self.pins = pins or PinBook(clock)
        #: a restart for the same cycle may keep the code, so open pages keep working
        self.join_code = join_code if is_join_code(join_code) else new_join_code()
        self.save_wait = save_wait
        self._clock = clock
        self._people = {p.id: p for p in room.participants}
        self._scope = frozenset(room.competency_ids)
        self._answers: dict[str, dict[str, dict[str, Any]]] = {
            pid: {cid: dict(a) for cid, a in by.items()} for pid, by in room.answers.items()}
        self._tokens = self.pins.tokens         # token -> participant id (survives a restart)
        self._lock = threading.Lock()
        # per client address (one phone each); a load test on loopback raises them
        self._joins = _Window(joins_per_minute, clock)
        self._requests = _Window(requests_per_minute, clock)
        self._open = False
        self._slots = threading.BoundedSemaphore(max_connections)
        self._live: set[Any] = set()   # connections being served (kept alive by browsers)
        self._per_client = connections_per_client
        self._clients: Counter[str] = Counter()  # connections being served, by address
        self._clients_lock = threading.Lock()
        self._busy = 0                 # requests being answered right now
        self._idle = threading.Condition()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._page_cache: dict[str, str] = {}
        self._people_cache: dict[str, str] = {}

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/j/{self.join_code}"

    def start(self) -> str:
        """Listen and serve on a worker thread; returns the address to show."""
        if self._httpd is not None:
            return self.url
        server = self

        class Handler(_Handler):
            phone_server = server

        family_v6 = ":" in self.host

        slots = self._slots
        live = self._live
        clients, clients_lock, per_client = self._clients, self._clients_lock, self._per_client

        class Httpd(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128

            def process_request(self, request: Any, client_address: Any) -> None:
                # a cap on threads: a flood of idle connections is dropped, not served; and a
                # cap per address, so that one phone cannot hold them all
                with clients_lock:
                    taken = (clients[client_address[0]] < per_client
                             and slots.acquire(blocking=False))
                    if taken:
                        clients[client_address[0]] += 1
                if not taken:
                    self.shutdown_request(request)
                    return
                live.add(request)
                super().process_request(request, client_address)

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # the connection is dropped; no traceback naming the phone's address

            def process_request_thread(self, request: Any, client_address: Any) -> None:
                try:
                    super().process_request_thread(request, client_address)
                finally:
                    live.discard(request)
                    with clients_lock:
                        clients[client_address[0]] -= 1
                        if clients[client_address[0]] <= 0:
                            del clients[client_address[0]]
                    slots.release()
            if family_v6:
                address_family = socket.AF_INET6

        try:
            httpd = Httpd((self.host, self.port), Handler)
        except OSError as exc:
            raise ServerRefused(_("Could not listen on {address}:{port} ({reason}).").format(
                address=self.host, port=self.port, reason=exc.strerror or exc)) from None
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._open = True
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="navtool-phones", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop listening; queued answers not yet written are refused."""
        self._open = False
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        self.desk.refuse_all(_("Rating on phones has stopped."))
        if httpd is not None:
            with self._idle:  # let answers being written finish (bounded)
                self._idle.wait_for(lambda: self._busy == 0, timeout=2.0)
            for conn in list(self._live):  # kept-alive connections end too: nothing is left
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def reset_pin(self, participant_id: str) -> None:
        """Forget a person's PIN and sign out their phone (they forgot it, or someone else
        took their name): the next to join under that name sets a new PIN."""
        with self._lock:
            self.pins.forget(participant_id)

    def close_rating(self) -> None:
        """Refuse every request from now on (the server still answers, with a refusal)."""
        self._open = False

    # --- progress for the facilitator (counts, never answers) -----------------------------

    def progress(self) -> dict[str, dict[str, int]]:
        """Per role group: people joined, people who answered every competency, and total."""
        total = len(self._scope)
        out: dict[str, dict[str, int]] = {}
        with self._lock:
            joined = set(self._tokens.values())
            for person in self._people.values():
                row = out.setdefault(person.role_group, {"people": 0, "joined": 0, "finished": 0})
                row["people"] += 1
                row["joined"] += person.id in joined
                mine = self._answers.get(person.id, {})
                row["finished"] += total > 0 and all(c in mine for c in self._scope)
        return out

    # --- requests ---------------------------------------------------------------------------

    def pack_in(self, lang: str) -> Pack:
        """The pack's texts in ``lang`` (the Spanish pack layer; English is the source)."""
        return pack_in(self.pack, self.language, lang)

    def page(self, lang: str | None = None) -> str:
        """The cycle's content for the page, as JSON, in ``lang`` (this thread's language)."""
        lang = lang or language()
        cached = self._page_cache.get(lang)
        if cached is None:
            with speaking(lang):
                cached = self._page_cache[lang] = json.dumps(self._content(self.pack_in(lang)),
                                                             ensure_ascii=True)
        return cached

    def _content(self, pack: Pack) -> dict[str, Any]:
        comps = []
        for cid in self.room.competency_ids:
            comp = pack.competency(cid)
            cond = pack.condition(comp.condition_id)
            comps.append({
                "id": comp.id, "name": comp.name, "condition": cond.name,
                "target": comp.learning_target,
                # another language's level name has the English one beside it (ratings pool)
                "levels": [{"id": cell.level, "name": level_name(cell.level),
                            "source": source_level_name(cell.level),
                            "meaning": [d.text for d in cell.descriptors],
                            "practices": [{"id": p.id, "text": p.text} for p in cell.practices]}
                           for cell in comp.levels],
                "questions": {aud: [q.text for q in items] for aud, items in cond.questions.items()},
            })
        return {"title": self.room.title, "competencies": comps,
                "not_sure": level_name(NOT_SURE)}

    def people(self) -> list[dict[str, Any]]:
        # the page shows each person only the guiding questions written for their role group
        return [{"id": p.id, "name": p.name or p.code, "role": role_name(p.role_group),
                 "audiences": list(audiences_for(p.role_group))}
                for p in self.room.participants]

    def _people_json(self, lang: str) -> str:
        cached = self._people_cache.get(lang)
        if cached is None:
            cached = self._people_cache[lang] = json.dumps(self.people(), ensure_ascii=True)
        return cached

    def busy(self, delta: int) -> None:
        with self._idle:
            self._busy += delta
            self._idle.notify_all()

    def request_language(self, path: str, accept: str = "") -> str:
        """The language a request asks for: ``?lang=`` (the page's choice), else the phone's
        own (``Accept-Language``), else the app's."""
        query = path.split("?", 1)[1] if "?" in path else ""
        for pair in query.split("&")[:8]:
            name, _eq, value = pair.partition("=")
            if name == "lang" and value in LANGUAGES:
                return value
        for part in accept.split(",")[:16]:
            tag = part.split(";", 1)[0].strip().lower()
            if tag[:2] in LANGUAGES and (len(tag) == 2 or tag[2:3] == "-"):
                return tag[:2]
            if tag == "*":
                break
        return self.language

    def handle(self, method: str, path: str, client: str,
               body: bytes | None) -> tuple[HTTPStatus, str, str, str]:
        """Answer one request: (status, content type, text, CSP nonce or ""); request thread,
        speaking the request's language (see :meth:`request_language`)."""
        if not self._requests.allow(client):
            raise _Refusal(HTTPStatus.TOO_MANY_REQUESTS, _("Too many requests; wait a minute."))
        parts = path.split("?", 1)[0].split("/")
        # "/j/CODE" -> ["", "j", "CODE"]; "/api/CODE/what" -> ["", "api", "CODE", "what"]
        if len(parts) < 3 or not hmac.compare_digest(parts[2].encode(), self.join_code.encode()):
            raise _Refusal(HTTPStatus.NOT_FOUND, _("Not found."))
        if not self._open:
            raise _Refusal(HTTPStatus.GONE, _("Rating is closed. Thank you!"))
        if parts[1] == "j" and len(parts) == 3 and method == "GET":
            nonce = secrets.token_urlsafe(16)
            lang = language()
            return HTTPStatus.OK, "text/html; charset=utf-8", render_page(
                nonce, self.page(lang), self._people_json(lang), html.escape(self.room.title),
                lang), nonce
        if parts[1] != "api" or len(parts) != 4 or method != "POST" or body is None:
            raise _Refusal(HTTPStatus.NOT_FOUND, _("Not found."))
        data = _parse(body)
        what = parts[3]
        if what == "join":
            return self._json(self._join(data, client))
        if what == "mine":
            return self._json({"answers": self._mine(self._who(data))})
        if what == "rate":
            return self._json(self._rate(self._who(data), data))
        raise _Refusal(HTTPStatus.NOT_FOUND, _("Not found."))

    @staticmethod
    def _json(value: Any) -> tuple[HTTPStatus, str, str, str]:
        return HTTPStatus.OK, "application/json", json.dumps(value, ensure_ascii=True), ""

    def _join(self, data: Mapping[str, Any], client: str) -> dict[str, Any]:
        if not self._joins.allow(client):
            raise _Refusal(HTTPStatus.TOO_MANY_REQUESTS, _("Too many tries from this phone; wait a minute."))
        pid = data.get("participant")
        pin = data.get("pin")
        code = data.get("code")
        if not isinstance(pin, str) or not valid_pin(pin):
            raise _Refusal(HTTPStatus.BAD_REQUEST, _("The PIN is four digits."))
        if code is not None:  # a personal code from a printed slip, instead of a name
            pid = self.pins.participant_of_code(code) if isinstance(code, str) and len(code) < 40 else None
            if pid is None or pid not in self._people:
                raise _Refusal(HTTPStatus.FORBIDDEN, _("That code is not right. Check it on your "
                                                       "slip, or pick your name from the list."))
        elif not isinstance(pid, str) or pid not in self._people:
            raise _Refusal(HTTPStatus.FORBIDDEN, _("That name is not on this cycle's list."))
        try:
            good, new = self.pins.check_or_set_new(pid, pin)  # raises PinLocked while the name is locked
        except PinLocked as locked:
            if locked.seconds is None:
                raise _Refusal(HTTPStatus.TOO_MANY_REQUESTS,
                               _("Too many wrong PINs: ask the facilitator to reset your PIN.")) from None
            raise _Refusal(HTTPStatus.TOO_MANY_REQUESTS,
                           _("Too many wrong PINs. Try again in {minutes} minutes, or ask the "
                             "facilitator.").format(minutes=minutes_left(locked.seconds))) from None
        if not good:
            self.desk.submit(KeysJob(self.pins.saved))  # the count is kept; the phone need not wait
            raise _Refusal(HTTPStatus.FORBIDDEN, _("That PIN is not right."))
        if new:  # kept on disk (hashed) by the writer before the phone hears it joined
            try:
                self.desk.submit(KeysJob(self.pins.saved)).result(timeout=self.save_wait)
            except Exception:
                self.pins.forget(pid)
                raise _Refusal(HTTPStatus.SERVICE_UNAVAILABLE,
                               _("Your PIN could not be kept on the laptop. Try again.")) from None
        token = secrets.token_urlsafe(24)
        with self._lock:
            for old in [t for t, p in self._tokens.items() if p == pid]:
                del self._tokens[old]   # one phone at a time per person
            self._tokens[token] = pid
        person = self._people[pid]
        return {"token": token, "answers": self._mine(pid), "participant": pid,
                "name": person.name or person.code}

    def _who(self, data: Mapping[str, Any]) -> str:
        token = data.get("token")
        with self._lock:
            pid = self._tokens.get(token) if isinstance(token, str) else None
        if pid is None:
            raise _Refusal(HTTPStatus.FORBIDDEN, _("Please pick your name and enter your PIN again."))
        return pid

    def _mine(self, pid: str) -> dict[str, Any]:
        with self._lock:
            return {cid: dict(a) for cid, a in self._answers.get(pid, {}).items()}

    def _rate(self, pid: str, data: Mapping[str, Any]) -> dict[str, Any]:
        cid = data.get("competency")
        level = data.get("level")
        practices = data.get("practices", [])
        note = data.get("note", "")
        if not isinstance(cid, str) or cid not in self._scope:
            raise _Refusal(HTTPStatus.BAD_REQUEST, _("That competency is not part of this cycle."))
        if level not in (*LEVELS, NOT_SURE):
            raise _Refusal(HTTPStatus.BAD_REQUEST, _("Choose a level or \"not sure\"."))
        if (not isinstance(practices, list) or len(practices) > 64
                or not all(isinstance(p, str) and p.startswith(cid + ".") for p in practices)):
            raise _Refusal(HTTPStatus.BAD_REQUEST, _("Those practices are not of this competency."))
        known = {p.id for cell in self.pack.competency(cid).levels for p in cell.practices}
        if not set(practices) <= known:
            raise _Refusal(HTTPStatus.BAD_REQUEST, _("Those practices are not of this competency."))
        if not isinstance(note, str) or len(note) > MAX_NOTE or "\x00" in note:
            raise _Refusal(HTTPStatus.BAD_REQUEST,
                           _("A note is plain text of at most {n} characters.").format(n=MAX_NOTE))
        job = SaveJob(pid, cid, str(level), tuple(dict.fromkeys(practices)), note.strip())
        future = self.desk.submit(job)
        try:
            saved = future.result(timeout=self.save_wait)
        except FutureTimeout:
            raise _Refusal(HTTPStatus.SERVICE_UNAVAILABLE,
                           _("Not saved yet: the laptop is busy. Your phone will try again.")) from None
        except UserFacingError as exc:
            raise _Refusal(HTTPStatus.CONFLICT, str(exc)) from None
        except Exception:
            raise _Refusal(HTTPStatus.INTERNAL_SERVER_ERROR, _("Not saved: the laptop refused it.")) from None
        with self._lock:
            self._answers.setdefault(pid, {})[cid] = _answer(saved) if isinstance(saved, Rating) else {
                "level": job.level, "practices": list(job.practices), "note": job.note}
        return {"saved": cid}


def _parse(body: bytes) -> Mapping[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _Refusal(HTTPStatus.BAD_REQUEST, _("The request could not be read.")) from None
    if not isinstance(data, dict):
        raise _Refusal(HTTPStatus.BAD_REQUEST, _("The request could not be read."))
    return data


_SECURITY_HEADERS: Sequence[tuple[str, str]] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


class _Handler(BaseHTTPRequestHandler):
    phone_server: PhoneServer
    server_version = "navtool"
    sys_version = ""
    timeout = 15  # a slow or silent client cannot hold a thread for long
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # nothing about who asked what is written anywhere

    def _send(self, status: HTTPStatus, ctype: str, text: str, nonce: str = "") -> None:
        raw = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        for name, value in _SECURITY_HEADERS:
            self.send_header(name, value)
        if nonce:
            self.send_header("Content-Security-Policy",
                             f"default-src 'none'; script-src 'nonce-{nonce}'; "
                             f"style-src 'nonce-{nonce}'; connect-src 'self'; img-src 'self' data:; "
                             "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(raw)

    def _refuse(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "application/json", json.dumps({"error": message}, ensure_ascii=True))

    def _serve(self, body: bytes | None) -> None:
        server = self.phone_server
        server.busy(+1)
        try:
            try:
                status, ctype, text, nonce = server.handle(
                    self.command, self.path, self.client_address[0], body)
            except _Refusal as refusal:
                self._refuse(refusal.status, refusal.message)
                return
            self._send(status, ctype, text, nonce)
        finally:
            server.busy(-1)

    def do_GET(self) -> None:
        with speaking(self._language()):
            self._serve(None)

    def _language(self) -> str:
        return self.phone_server.request_language(self.path, self.headers.get("Accept-Language", ""))

    def do_POST(self) -> None:
        with speaking(self._language()):
            self._post()

    def _post(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._refuse(HTTPStatus.LENGTH_REQUIRED, _("Send a length, not chunks."))
            return
        length_text = self.headers.get("Content-Length", "").strip()
        if not (length_text.isascii() and length_text.isdigit()):  # "²" is a digit to isdigit
            self.close_connection = True
            self._refuse(HTTPStatus.LENGTH_REQUIRED, _("The request has no length."))
            return
        length = int(length_text)
        if length > MAX_BODY:
            self.close_connection = True  # the body is not read: drop the connection
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _("The request is too large."))
            return
        ctype = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        body = self.rfile.read(length)
        if ctype != "application/json":
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, _("The request could not be read."))
            return
        self._serve(body)

    def _not_allowed(self) -> None:
        self.close_connection = True
        self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, _("Not allowed."))

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _not_allowed
