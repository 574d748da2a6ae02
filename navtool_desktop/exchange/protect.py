"""Passphrase protection of a bundle: AES-256-GCM with a key from scrypt.

A protected file is ``MAGIC``, one line of clear JSON header (cipher, scrypt parameters,
salt, nonce), then the ciphertext of the bundle's zip. The header is authenticated as
associated data, so changing it makes decryption fail like a wrong passphrase would.
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
#: scrypt cost for new files (about 128 MiB and a fraction of a second).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
#: Costs accepted when reading, so a forged header cannot make us work for hours.
_N_RANGE = (2**14, 2**20)
_MAX_HEADER = 1024
_MAX_MEMORY = 128 * 1024 * 1024  # a forged header must not push past the app's memory budget


def is_protected(raw: bytes) -> bool:
    """Whether ``raw`` is a passphrase-protected bundle."""
    return raw.startswith(MAGIC)


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    try:
        secret = passphrase.encode("utf-8")
    except UnicodeEncodeError:
        raise PassphraseError(_("The passphrase holds characters that cannot be used."),
                              needed=False) from None
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def protect(data: bytes, passphrase: str, *, n: int = SCRYPT_N) -> bytes:
    """Encrypt a bundle's zip with a passphrase."""
    if not passphrase:
        raise BundleError(_("The passphrase is empty."))
    salt, nonce = os.urandom(16), os.urandom(12)
    header = json.dumps({"cipher": CIPHER, "kdf": "scrypt", "n": n, "r": SCRYPT_R,
                         "p": SCRYPT_P, "salt": base64.b64encode(salt).decode("ascii"),
                         "nonce": base64.b64encode(nonce).decode("ascii")},
                        separators=(",", ":")).encode("ascii") + b"\n"
    key = _key(passphrase, salt, n, SCRYPT_R, SCRYPT_P)
    return MAGIC + header + AESGCM(key).encrypt(nonce, data, MAGIC + header)


def _param(header: dict[str, Any], name: str, low: int, high: int) -> int:
    value = header.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise BundleError(_("The protected bundle's header is damaged ({name})").format(name=name))
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
        raise BundleError(_("The protected bundle's header is damaged.")) from None
    if not isinstance(header, dict) or header.get("cipher") != CIPHER or header.get("kdf") != "scrypt":
        raise BundleError(_("The bundle is protected in a way this version does not know."))
    n = _param(header, "n", *_N_RANGE)
    if n & (n - 1):
        raise BundleError(_("The protected bundle's header is damaged (n)."))
    r = _param(header, "r", 1, 32)
    p = _param(header, "p", 1, 1)
    if 128 * r * n > _MAX_MEMORY:
        raise BundleError(_("The protected bundle's header asks for too much memory."))
    try:
        salt = base64.b64decode(str(header.get("salt")), validate=True)
        nonce = base64.b64decode(str(header.get("nonce")), validate=True)
    except (binascii.Error, ValueError):
        raise BundleError(_("The protected bundle's header is damaged.")) from None
    if len(salt) < 8 or len(nonce) != 12:
        raise BundleError(_("The protected bundle's header is damaged."))
    if not passphrase:
        raise PassphraseError(_("This bundle is protected by a passphrase; enter it to open "
                                "the bundle."), needed=True)
    try:
        return AESGCM(_key(passphrase, salt, n, r, p)).decrypt(nonce, raw[end + 1:],
                                                               MAGIC + header_bytes)
    except InvalidTag:
        raise PassphraseError(_("The passphrase is wrong (or the file was changed after it "
                                "was made). Nothing was imported."), needed=False) from None
