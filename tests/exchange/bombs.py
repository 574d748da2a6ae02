"""Hostile bundles from the adversarial review (M2, M3, M4), built from a real bundle's content.

Each is under every size, ratio and range limit the importer had before, so only a bounded
parse, the exact scrypt parameters and the tally bound refuse them.
"""

from __future__ import annotations

import json
import random
import zlib
from typing import Any

from exchange_helpers import zip_from_data

from navtool_desktop.exchange.bundle import MAX_RATIO, bundle_members
from navtool_desktop.exchange.protect import MAGIC, protect


def json_bomb(size: int = 31 * 1024 * 1024, seed: int = 1) -> bytes:
    """``[{},{},…]`` with sparse random whitespace, so it deflates less than MAX_RATIO-fold.

    Parsed whole, 31 MiB of it is about 10 million dicts: over 1.5 GB of memory.
    """
    rng = random.Random(seed)
    pieces = [b"["]
    length = 1
    spaces = (b" ", b"\n", b"\t", b"\r\n", b"  ")
    while length < size:
        run = b"{}," * rng.randint(1, 48) + spaces[rng.randrange(len(spaces))]
        pieces.append(run)
        length += len(run)
    pieces.append(b"{}]")
    raw = b"".join(pieces)
    assert len(raw) < MAX_RATIO * len(zlib.compress(raw, 6)), "the bomb must pass the ratio check"
    return raw


def bomb_bundle(content: Any, size: int = 31 * 1024 * 1024) -> bytes:
    """A cycle bundle whose cycle member is a JSON bomb (checksums and sizes all correct)."""
    members: dict[str, Any] = {name: json.loads(raw) for name, raw in bundle_members(content).items()}
    cycle_member = next(name for name in members if name.startswith("cycles/"))
    members[cycle_member] = json_bomb(size)
    return zip_from_data(content, members)


def scrypt_header_bomb(raw_zip: bytes, passphrase: str = "pw") -> bytes:
    """A protected bundle whose header asks for ``n=2**16, r=1`` (OpenSSL raises MemoryError)."""
    protected = protect(raw_zip, passphrase)
    end = protected.index(b"\n", len(MAGIC))
    header = json.loads(protected[len(MAGIC):end])
    header.update(n=2**16, r=1)
    return MAGIC + json.dumps(header, separators=(",", ":")).encode("ascii") + protected[end:]


def huge_tally_bundle(content: Any, competency_id: str, count: int = 10**400) -> bytes:
    """A cycle bundle with a paper tally of ``count`` votes (10^400 by default)."""
    members: dict[str, Any] = {name: json.loads(raw) for name, raw in bundle_members(content).items()}
    cycle_member = next(name for name in members if name.startswith("cycles/"))
    members[cycle_member]["tallies"] = [{
        "id": "0b0b2c1e-7d0a-4c55-9d55-3f1f6b1d2a10", "competency_id": competency_id,
        "role_group": "community_member", "counts": {"refining": 0},
        "source": "paper", "entered_by": "", "updated": "2026-12-01T10:00:00.000Z"}]
    raw = json.dumps(members[cycle_member]).replace('{"refining": 0}', f'{{"refining": {count}}}')
    members[cycle_member] = raw.encode("utf-8")
    return zip_from_data(content, members)
