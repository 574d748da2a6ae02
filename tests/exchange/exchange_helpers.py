"""Helpers for exchange tests: a small district, store snapshots, bundles built in memory."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from navtool_desktop.core.records import Cycle, District, Participant, Rating
from navtool_desktop.exchange.bundle import MANIFEST, bundle_members, manifest_for, zip_members
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack
from navtool_desktop.storage import DistrictStore, Repository
from navtool_desktop.storage.repository import iter_store_files


@dataclass
class Setup:
    """A district with one cycle of four participants, two of them with ratings."""

    repo: Repository
    store: DistrictStore
    cycle_id: str
    people: list[Participant]
    competencies: list[str]


def make_setup(repo: Repository, pack: Pack) -> Setup:
    store = repo.create_district(District(name="Peña Valley Schools", state="New Mexico"))
    cycle = store.create_cycle(Cycle(title="Fall 2025", date="2025-10-01",
                                     framework_id=pack.id, framework_version=pack.version))
    cid = cycle.cycle.id
    people = [store.save_participant(cid, Participant(name=f"Person {n}", role_group=role))
              for n, role in enumerate(("educator", "leader", "community_member", "learner"))]
    competencies = [c.id for c in pack.competencies]
    for person in people[:2]:
        for comp in competencies[:3]:
            store.save_rating(cid, Rating(participant_id=person.id, competency_id=comp,
                                          level="developing"))
    return Setup(repo, store, cid, people, competencies)


def snapshot(data_dir: Path) -> dict[str, bytes]:
    """Every store file under the data folder, by relative path, with its bytes."""
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in iter_store_files(data_dir)}


def members_of(store: DistrictStore, pack: Pack, kind: str, **ids: str) -> dict[str, Any]:
    """A bundle's members as plain JSON data (to change before zipping)."""
    content = make_content(store, pack, kind, **ids, answers=True)
    return {name: json.loads(raw) for name, raw in bundle_members(content).items()}, content


def build(manifest: dict[str, Any], members: dict[str, bytes]) -> bytes:
    return zip_members(manifest, members)


def encode(value: Any) -> bytes:
    """JSON the way a careless or hostile writer might: NaN allowed, surrogates escaped."""
    return json.dumps(value, allow_nan=True).encode("utf-8")


def zip_from_data(content: Any, data: dict[str, Any], *, fix_checksums: bool = True,
                  manifest_changes: dict[str, Any] | None = None) -> bytes:
    """A bundle from member data; the manifest is made to match unless told otherwise."""
    raw = {name: value if isinstance(value, bytes) else encode(value) for name, value in data.items()}
    manifest = manifest_for(content, raw) if fix_checksums else manifest_for(content, bundle_members(content))
    manifest.update(manifest_changes or {})
    return zip_members(manifest, raw)


def sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


__all__ = ["MANIFEST", "Setup", "build", "encode", "make_setup", "members_of", "sha", "snapshot",
           "zip_from_data"]
