"""Protected bundles: a forged header costs nothing, a cut file says it is incomplete."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest

from navtool_desktop.exchange.errors import BundleError, PassphraseError
from navtool_desktop.exchange.protect import (
    CIPHER,
    MAGIC,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    _key,
    protect,
    unprotect,
)

DATA = b"PK\x03\x04 a bundle's zip, say" * 20


def _with_header(protected: bytes, **changes: Any) -> bytes:
    end = protected.index(b"\n", len(MAGIC))
    header = json.loads(protected[len(MAGIC):end])
    header.update(changes)
    for name in [k for k, v in changes.items() if v is None]:
        del header[name]
    return MAGIC + json.dumps(header, separators=(",", ":")).encode("ascii") + protected[end:]


@pytest.fixture(scope="module")
def protected() -> bytes:
    return protect(DATA, "correct horse")


def test_the_right_passphrase_opens_it(protected: bytes) -> None:
    assert unprotect(protected, "correct horse") == DATA
    with pytest.raises(PassphraseError, match="passphrase is wrong"):
        unprotect(protected, "wrong")


@pytest.mark.parametrize("changes", [
    {"n": 2**16, "r": 1},  # the review's M4: OpenSSL raises MemoryError
    {"n": 2**14},  # cheaper than this app writes: a forged header
    {"n": 2**20},  # dearer
    {"r": 32}, {"p": 2}, {"n": str(SCRYPT_N)}, {"r": True}, {"p": 1.0}, {"n": None},
    {"length": -1}, {"length": "12"},
], ids=repr)
def test_any_other_scrypt_parameters_are_a_damaged_header(protected: bytes,
                                                          changes: dict[str, Any]) -> None:
    forged = _with_header(protected, **changes)
    for passphrase in ("correct horse", None):
        with pytest.raises(BundleError, match="header is damaged") as info:
            unprotect(forged, passphrase)
        assert not isinstance(info.value, PassphraseError)


@pytest.mark.parametrize("error", [MemoryError, ValueError])
def test_key_derivation_failing_is_a_clear_refusal(monkeypatch: pytest.MonkeyPatch,
                                                   error: type[Exception]) -> None:
    from cryptography.hazmat.primitives.kdf import scrypt

    def fail(self: object, secret: bytes) -> bytes:
        raise error("Not enough memory to derive key.")

    monkeypatch.setattr(scrypt.Scrypt, "derive", fail)
    with pytest.raises(BundleError, match="header is damaged"):
        _key("pw", b"saltsalt", SCRYPT_N, SCRYPT_R, SCRYPT_P)


@pytest.mark.parametrize("cut", [1, 2, 16, 100])
def test_a_cut_file_is_incomplete_not_a_wrong_passphrase(protected: bytes, cut: int) -> None:
    for passphrase in ("correct horse", "wrong", None):
        with pytest.raises(BundleError, match="The file is incomplete") as info:
            unprotect(protected[:-cut], passphrase)
        assert not isinstance(info.value, PassphraseError)


def test_a_longer_file_was_changed(protected: bytes) -> None:
    with pytest.raises(BundleError, match="longer than when it was made"):
        unprotect(protected + b"\x00", "correct horse")


def test_a_forged_length_fails_like_a_changed_file(protected: bytes) -> None:
    end = protected.index(b"\n", len(MAGIC))
    length = json.loads(protected[len(MAGIC):end])["length"]
    forged = _with_header(protected, length=length - 1)[:-1]
    with pytest.raises(PassphraseError, match="passphrase is wrong"):
        unprotect(forged, "correct horse")  # the header is authenticated


def test_a_file_from_before_the_length_was_written_still_opens() -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    header = json.dumps({"cipher": CIPHER, "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R,
                         "p": SCRYPT_P, "salt": base64.b64encode(salt).decode("ascii"),
                         "nonce": base64.b64encode(nonce).decode("ascii")},
                        separators=(",", ":")).encode("ascii") + b"\n"
    key = _key("pw", salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    old = MAGIC + header + AESGCM(key).encrypt(nonce, DATA, MAGIC + header)
    assert unprotect(old, "pw") == DATA
    with pytest.raises(PassphraseError):
        unprotect(old[:-1], "pw")  # without a length, a cut one can only fail to decrypt
