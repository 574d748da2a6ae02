"""Signed JSON files passed between laptops: a district's summary, a network's agenda.

One layout for both, three parts, each ending in a newline but the last::

    <MAGIC line, e.g. NAVTOOL-SUMMARY 1>
    {"signature": "<base64>", "certificates": ["<signer PEM>", ..., "<root PEM>"]}
    <the JSON exactly as signed>

so the signed bytes travel as they are. :func:`open_bytes` checks everything a reader must
before the body is parsed: the size, the layout, the certificates' path up to a self-signed
root (:func:`~navtool_desktop.signing.certpath.trusted_path`, the same rules as a signed plan's:
a signer's key cannot mint a certificate of its own that leads to the root) and the signature
over the exact bytes. The caller then checks the body's shape and :func:`not_valid_on` the day
the body says it was made. Problems are raised as :class:`SealError` with a code; each kind of
file words them for its reader.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from navtool_desktop.signing.certpath import trusted_path, why_not
from navtool_desktop.signing.identity import Identity, sign_bytes, verify_bytes

MAX_HEADER_BYTES = 64 * 1024
MAX_CERTIFICATES = 4
MAX_CERT_BYTES = 16 * 1024

#: The codes :class:`SealError` carries.
PROBLEMS = ("too_large", "newer", "foreign", "damaged", "unreadable", "no_root", "changed")


class SealError(Exception):
    """A sealed file that cannot be trusted; ``problem`` is one of :data:`PROBLEMS`, ``why`` says
    in words why its certificates lead to no root (for "no_root" when a file was read)."""

    def __init__(self, problem: str, why: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.why = why


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(Encoding.PEM).decode("ascii")


def seal_bytes(magic: bytes, data: Mapping[str, Any], identity: Identity) -> bytes:
    """``data`` as a sealed file signed by ``identity`` (a signer, or the root itself).
    SealError("no_root") when the identity does not lead to a root a reader could pin."""
    if identity.root is None:
        raise SealError("no_root")
    body = orjson.dumps(dict(data), option=orjson.OPT_SORT_KEYS)
    header = {"signature": base64.b64encode(sign_bytes(identity.private_key, body)).decode("ascii"),
              "certificates": [_pem(identity.certificate), *(_pem(c) for c in identity.chain)]}
    return magic + json.dumps(header).encode("ascii") + b"\n" + body


#: Bidirectional embeddings, overrides and isolates: text after one shows in another order (a name
#: could turn the fingerprints after it in a message around). No sealed file carries them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def plain_text(value: Any, *, limit: int, empty: bool = True, line: bool = False) -> bool:
    """Whether ``value`` is text a sealed file may carry: a string of at most ``limit`` characters,
    not blank unless ``empty``, with no bidirectional controls and no control characters but (unless
    it is one ``line``: a name, a title) line ends and tabs. Each reader refuses in its own words."""
    if not isinstance(value, str) or len(value) > limit or (not empty and not value.strip()):
        return False
    allowed = "" if line else "\n\t"
    return not (any(ord(ch) < 32 and ch not in allowed for ch in value) or BIDI_CONTROLS.intersection(value))


def cert_name(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def cert_organization(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else ""


@dataclass(frozen=True)
class Opened:
    """A sealed file whose layout, certificate path and signature checked out."""

    body: bytes
    path: tuple[x509.Certificate, ...]  #: the signer's certificate first, the root last

    @property
    def signer(self) -> x509.Certificate:
        return self.path[0]

    @property
    def root(self) -> x509.Certificate:
        return self.path[-1]


def _unwrapped(raw: bytes, magic: bytes) -> bytes:
    """``raw`` without what a mail program or an editor may add to the two unsigned lines: a
    byte-order mark, Windows line ends. The signed part has no line end (JSON escapes them)."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if raw.startswith(magic[:-1] + b"\r\n"):
        first, header, body = [*raw.split(b"\n", 2), b"", b""][:3]
        raw = first.removesuffix(b"\r") + b"\n" + header.removesuffix(b"\r") + b"\n" + body
    return raw


def open_bytes(raw: bytes, magic: bytes, max_bytes: int) -> Opened:
    """Check a sealed file's size, layout, certificate path and signature (see the module
    docstring); the body is not parsed here. Raises :class:`SealError`."""
    if len(raw) > max_bytes:
        raise SealError("too_large")
    raw = _unwrapped(raw, magic)
    if not raw.startswith(magic):
        family = magic.split(b" ")[0] + b" "
        raise SealError("newer" if raw.startswith(family) else "foreign")
    end = raw.find(b"\n", len(magic), len(magic) + MAX_HEADER_BYTES)
    if end < 0:
        raise SealError("damaged")
    try:
        header = orjson.loads(raw[len(magic):end])
    except (orjson.JSONDecodeError, RecursionError):
        raise SealError("damaged") from None
    if not isinstance(header, dict) or set(header) != {"signature", "certificates"}:
        raise SealError("damaged")
    signature, certs = header["signature"], header["certificates"]
    if not (isinstance(signature, str) and isinstance(certs, list) and 1 <= len(certs) <= MAX_CERTIFICATES
            and all(isinstance(c, str) and len(c) <= MAX_CERT_BYTES for c in certs)):
        raise SealError("damaged")
    try:
        chain = [x509.load_pem_x509_certificate(c.encode("ascii")) for c in certs]
        sig = base64.b64decode(signature, validate=True)
    except (ValueError, UnicodeEncodeError, binascii.Error):
        raise SealError("unreadable") from None
    found = trusted_path(chain[0], chain[1:])
    if not found:
        raise SealError("no_root", why_not(found))
    body = raw[end + 1:]
    if not verify_bytes(chain[0], body, sig):
        raise SealError("changed")
    return Opened(body, found.path)


def not_valid_on(opened: Opened, when: dt.datetime) -> x509.Certificate | None:
    """The first certificate of the path that was not valid at ``when`` (the day the file says it
    was made, by the signer's clock), or None."""
    return next((c for c in opened.path if not c.not_valid_before_utc <= when <= c.not_valid_after_utc), None)
