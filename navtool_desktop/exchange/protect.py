"""Passphrase protection of a bundle: AES-256-GCM with a key from scrypt.

A protected file is ``MAGIC``, one line of clear JSON header (cipher, scrypt parameters,
salt, nonce, and the ciphertext's length), then the ciphertext of the bundle's zip. The
header is authenticated as associated data, so changing it makes decryption fail like a
wrong passphrase would.

Reading trusts nothing in the header: the scrypt parameters must be exactly the ones this
app writes (a forged header cannot make key derivation cost more memory or time, or fail
inside OpenSSL), and a file shorter than its header says is reported as incomplete (a
USB stick pulled too soon), not as a wrong passphrase.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from navtool_desktop.exchange.errors import BundleError, PassphraseError
from navtool_desktop.i18n import _

MAGIC = b"NAVTOOL-PROTECTED\n"
CIPHER = "AES-256-GCM"
#: scrypt cost (about 128 MiB and a fraction of a second). The only values written and
#: the only values accepted when reading.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
_MAX_HEADER = 1024
_TAG_BYTES = 16  # AES-GCM appends a 16-byte tag to the ciphertext


def is_protected(raw: bytes) -> bool:
    """Whether ``raw`` is a passphrase-protected bundle."""
    return raw.startswith(MAGIC)


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    try:
        secret = passphrase.encode("utf-8")
    except UnicodeEncodeError:
        raise PassphraseError(_("The passphrase holds characters that cannot be used."),
                              needed=False) from None
    try:
        return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)
    except (MemoryError, ValueError):  # OpenSSL refusing the parameters, or no memory left
        raise _damaged() from None


def _damaged() -> BundleError:
    return BundleError(_("The protected bundle's header is damaged."))


def protect(data: bytes, passphrase: str) -> bytes:
    """Encrypt a bundle's zip with a passphrase."""
    if not passphrase:
        raise BundleError(_("The passphrase is empty."))
    salt, nonce = os.urandom(16), os.urandom(12)
    header = json.dumps({"cipher": CIPHER, "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R,
                         "p": SCRYPT_P, "salt": base64.b64encode(salt).decode("ascii"),
                         "nonce": base64.b64encode(nonce).decode("ascii"),
                         "length": len(data) + _TAG_BYTES},
                        separators=(",", ":")).encode("ascii") + b"\n"
    key = _key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return MAGIC + header + AESGCM(key).encrypt(nonce, data, MAGIC + header)


def _int(header: dict[str, Any], name: str) -> int | None:
    value = header.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return value


def unprotect(raw: bytes, passphrase: str | None) -> bytes:
    """The zip inside a protected bundle; :class:`PassphraseError` if the passphrase is wrong."""
    end = raw.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
    if end < 0:
        raise BundleError(_("The protected bundle's header is damaged."))
    header_bytes = raw[len(MAGIC):end + 1]
    try:
        header = json.loads(header_bytes.decode("ascii"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _damaged() from None
    if not isinstance(header, dict) or header.get("cipher") != CIPHER or header.get("kdf") != "scrypt":
        raise BundleError(_("The bundle is protected in a way this version does not know."))
    if (_int(header, "n"), _int(header, "r"), _int(header, "p")) != (SCRYPT_N, SCRYPT_R, SCRYPT_P):
        raise _damaged()
    try:
        salt = base64.b64decode(str(header.get("salt")), validate=True)
        nonce = base64.b64decode(str(header.get("nonce")), validate=True)
    except (binascii.Error, ValueError):
        raise _damaged() from None
    if len(salt) < 8 or len(nonce) != 12:
        raise _damaged()
    ciphertext = raw[end + 1:]
    length = _int(header, "length")
    if "length" in header and (length is None or length < _TAG_BYTES):
        raise _damaged()
    if length is not None and len(ciphertext) < length:
        raise BundleError(_("The file is incomplete: it is shorter than when it was made (a "
                            "copy cut off, or a USB stick removed too soon). Copy it again."))
    if length is not None and len(ciphertext) > length:
        raise BundleError(_("The file is longer than when it was made; it was changed or "
                            "damaged."))
    if not passphrase:
        raise PassphraseError(_("This bundle is protected by a passphrase; enter it to open "
                                "the bundle."), needed=True)
    try:
        return AESGCM(_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).decrypt(
            nonce, ciphertext, MAGIC + header_bytes)
    except InvalidTag:
        raise PassphraseError(_("The passphrase is wrong (or the file was changed after it "
                                "was made). Nothing was imported."), needed=False) from None
