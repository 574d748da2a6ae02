"""Four-digit PINs: the one home for checking, hashing and locking out (pure Python, no Qt).

A PIN guards a participant's own ratings, on a phone (``phones/server.py``) and when the
laptop is passed round (``ui/turns.py``). Only a salted, slow scrypt hash is ever kept: the
text ``scrypt$<log2 n>$<r>$<p>$<salt>$<digest>`` (salt and digest in base64). Four digits
are only 10,000 guesses, so the real guard is the lock-out: after :data:`PIN_TRIES` wrong
PINs within :data:`PIN_LOCK_SECONDS`, that name is locked until the oldest of them is that
old. The facilitator can always clear a forgotten PIN.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import re
import secrets
import threading
from collections.abc import Sequence

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

PIN_TRIES = 5              #: wrong PINs before a name is locked
PIN_LOCK_SECONDS = 300.0   #: how long a locked name stays locked
#: Wrong PINs since the last right one after which a name stays locked until the facilitator
#: clears its PIN, on the phones and on the laptop alike: without it, waiting out each short
#: lock-out would try all 10,000 PINs in about a week.
MAX_WRONG_PINS = 20
#: scrypt cost: n = 2**14, r = 8, p = 1 (16 MB, a few hundredths of a second per try).
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 14, 8, 1
SALT_BYTES = 16
_PIN = re.compile(r"[0-9]{4}")
_HASH = re.compile(r"scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]{8,64})\$([A-Za-z0-9+/=]{16,128})")


def valid_pin(pin: object) -> bool:
    """A PIN is exactly four digits (0-9, nothing else)."""
    return isinstance(pin, str) and bool(_PIN.fullmatch(pin))


#: At most this many hashes at once (each takes 16 MB): thirty phones joining together queue
#: for a second instead of taking half a gigabyte of a school laptop's memory.
_HASHING = threading.BoundedSemaphore(2)


def _scrypt(pin: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    with _HASHING:
        return _scrypt_now(pin, salt, log2_n, r, p)


def _scrypt_now(pin: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    # cryptography's scrypt, not hashlib's: the desktop bundle leaves Python's OpenSSL
    # binding (_hashlib, which hashlib.scrypt needs) out. Same algorithm, same bytes.
    return Scrypt(salt=salt, length=32, n=2 ** log2_n, r=r, p=p).derive(pin.encode("ascii"))


def hash_pin(pin: str) -> str:
    """The text to keep for ``pin`` (a new random salt each time); ValueError if not 4 digits."""
    if not valid_pin(pin):
        raise ValueError("a PIN is four digits")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(pin, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    return "$".join(("scrypt", str(SCRYPT_LOG2_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()))


def is_pin_hash(text: object) -> bool:
    """``text`` is a hash :func:`hash_pin` makes: exactly this module's cost, so a planted file can
    neither make a PIN cheap to crack (lower cost) nor make each check take gigabytes (higher)."""
    if not isinstance(text, str):
        return False
    found = _HASH.fullmatch(text)
    if found is None:
        return False
    return (int(found[1]), int(found[2]), int(found[3])) == (SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)


def check_pin(pin: str, stored: str) -> bool:
    """``pin`` is the one ``stored`` was made from (False for anything malformed)."""
    if not valid_pin(pin) or not is_pin_hash(stored):
        return False
    _name, log2_n, r, p, salt, digest = stored.split("$")
    try:
        salt_raw, digest_raw = base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(_scrypt(pin, salt_raw, int(log2_n), int(r), int(p)), digest_raw)


def recent_failures(failures: Sequence[float], now: float) -> list[float]:
    """The wrong tries that still count at ``now`` (seconds): those in the last lock period.

    A try dated after ``now`` (the clock was turned back) counts as made ``now``, so turning a
    clock back never makes a lock-out last longer than one period from when it is seen.
    """
    return [min(t, now) for t in failures if now - min(t, now) < PIN_LOCK_SECONDS]


def locked_for(failures: Sequence[float], now: float) -> float:
    """Seconds left on a lock-out after these wrong tries (0 when not locked)."""
    recent = sorted(recent_failures(failures, now))
    if len(recent) < PIN_TRIES:
        return 0.0
    return max(1.0, PIN_LOCK_SECONDS - (now - recent[-PIN_TRIES]))


def needs_facilitator(wrong_since_right: int) -> bool:
    """Whether this many wrong PINs since the last right one lock the name for good (until the
    facilitator clears its PIN)."""
    return wrong_since_right >= MAX_WRONG_PINS


def minutes_left(seconds: float) -> int:
    """Whole minutes to tell a person to wait, rounded up (never 0 while locked)."""
    return max(1, math.ceil(seconds / 60))


__all__ = ["MAX_WRONG_PINS", "PIN_LOCK_SECONDS", "PIN_TRIES", "check_pin", "hash_pin", "is_pin_hash",
           "locked_for", "minutes_left", "needs_facilitator", "recent_failures", "valid_pin"]
