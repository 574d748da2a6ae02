"""Generated district summaries for a network workspace: the benchmark's state and the tests' networks.

Each district gets its own district root (P-256 keys, quick to make) and one signed
``.navsummary`` holding ``years`` closed cycles (one each spring), all competencies with
counts for the four role groups, and a plan of ``GOALS`` goals. Levels drift upward over the
years, with noise, so the side-by-side view shows change.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from navtool_desktop.core.records import LEVELS, ROLE_GROUPS
from navtool_desktop.framework import Pack
from navtool_desktop.network.summary import FORMAT, VERSION, seal
from navtool_desktop.signing import Identity

GOALS = 6
PLACES = ("Pine Ridge", "Cedar Falls", "Maple Hollow", "Stone Creek", "Willow Bend", "Elk River", "Red Mesa",
          "Clear Lake", "Bear Valley", "Sandy Point", "Oak Prairie", "Fox Run", "Silver Hills", "Twin Forks",
          "High Plains", "Long Meadow", "Quarry Hill", "North Fork", "Blue Spruce", "Prairie View")
KINDS = ("Unified", "School District", "Public Schools", "Consolidated Schools")
REGIONS = ("North", "South", "East", "West")
GROUPS = ROLE_GROUPS

def quick_identity(name: str, *, now: dt.datetime | None = None) -> Identity:
    """A self-signed P-256 root that signs for itself (a small district may sign this way), valid
    from 400 days before ``now`` for ten years: quick to make, for generated networks and tests."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{name} root")])
    at = now or dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(at - dt.timedelta(days=400))
            .not_valid_after(at + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    return Identity(cert, key)


def _votes(rng: random.Random, people: int) -> list[int]:
    counts = [rng.randint(0, people) for _ in range(len(LEVELS) + 1)]
    return [*counts, 0, sum(counts)]


def _cycle(pack: Pack, rng: random.Random, year: int, growth: float) -> dict[str, Any]:
    """One spring cycle; ``growth`` is how far (in levels) the district has come."""
    comps = []
    for comp in pack.competencies:
        level = LEVELS[min(3, max(0, round(growth + rng.uniform(-0.8, 0.8))))]
        comps.append({"id": comp.id, "level": level, "source": "consensus", "consensus": level, "change": "new",
                      "votes": _votes(rng, 6), "groups": {g: _votes(rng, 3) for g in GROUPS}})
    conds = [{"id": c.id, "level": LEVELS[1], "priority": False, "change": "new"} for c in pack.conditions]
    return {"id": f"spring-{year}", "title": f"Spring {year}", "date": f"{year}-04-15",
            "previous_cycle": None, "threshold": 5, "counts_shown": True, "hidden_groups": [],
            "competencies": comps, "conditions": conds}


def make_folder(folder: Path, pack: Pack, *, districts: int, years: int, end_year: int = 2026,
                seed: int = 2026) -> int:
    """Write one signed summary per district into ``folder``; return the bytes written."""
    rng = random.Random(seed)
    comps = [c.id for c in pack.competencies]
    made = (dt.datetime.now(dt.UTC).replace(microsecond=0)).isoformat().replace("+00:00", "Z")
    total = 0
    for d in range(districts):
        name = f"{PLACES[d % len(PLACES)]} {KINDS[(d // len(PLACES)) % len(KINDS)]}"
        if d >= len(PLACES) * len(KINDS):
            name += f" {d // (len(PLACES) * len(KINDS)) + 1}"
        lean = rng.uniform(-1.0, 1.0)
        cycles = [_cycle(pack, rng, end_year - years + 1 + y, y / 3 + lean) for y in range(years)]
        for before, cycle in zip([None, *cycles], cycles, strict=False):  # "change" as build_summary writes it
            was = {c["id"]: c["level"] for c in before["competencies"]} if before else {}
            for comp in cycle["competencies"]:
                old, new = was.get(comp["id"]), comp["level"]
                comp["change"] = ("new" if old is None else "same" if old == new
                                  else "up" if LEVELS.index(new) > LEVELS.index(old) else "down")
            for cond in cycle["conditions"]:
                cond["change"] = "same" if before else "new"
            cycle["previous_cycle"] = before["id"] if before else None
        goals = [{"id": f"g{d}-{k}", "competency_id": rng.choice(comps), "current_level": "developing",
                  "target_level": "operationalizing", "target_date": "2027-06-30", "term": "long",
                  "statement": "Raise the level", "actions": {"not_started": 1, "in_progress": 2,
                                                               "done": 1, "blocked": 0}} for k in range(GOALS)]
        summary = {"format": FORMAT, "version": VERSION, "made_at": made,
                   "district": {"id": f"d{d:04d}", "name": name, "state": REGIONS[d % len(REGIONS)]},
                   "framework": {"id": pack.id, "version": pack.version}, "cycles": cycles,
                   "plan": {"id": f"p{d}", "title": "Plan", "period_start": "2025-07-01", "period_end": "2028-06-30",
                            "approved_at": "2025-06-01", "goals": goals}}
        raw = seal(summary, quick_identity(name))
        (folder / f"{name}.navsummary").write_bytes(raw)
        total += len(raw)
    return total
