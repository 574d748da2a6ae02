"""A state's network workspace: ten years of summaries from 1,000 districts.

Generator parameters (``DISTRICTS``, ``YEARS``, ``CYCLES_PER_YEAR``): 1,000 districts, each with
its own district root (P-256 keys, made here so that generating is quick), one signed
``.navsummary`` per district holding ten years of closed cycles (one a year), all 30
competencies with counts for four role groups, and a plan of six goals. The folder is made
once; each round imports it into a new workspace (every signature and every summary
checked) and then opens the side-by-side view of the latest cycles.

Targets (issue "coach and network view"): import under 10 s, the side-by-side view under
1 s. Also measured, for the README's choice of storage: the same levels kept in one TinyDB
file (the district store's layout), where every import rewrites the file and the view
parses all of it.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import Result, median

DISTRICTS = 1000
YEARS = 10
CYCLES_PER_YEAR = 1
GOALS = 6
ROUNDS = 3
IMPORT_TARGET_S = 10.0
VIEW_TARGET_S = 1.0
LEVELS = ("establishing", "developing", "operationalizing", "refining")
GROUPS = ("educator", "leader", "community_member", "learner")


def _identity(name: str) -> Any:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from navtool_desktop.signing import Identity

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{name} root")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    return Identity(cert, key)


def _votes(rng: random.Random, people: int) -> list[int]:
    counts = [rng.randint(0, people) for _ in range(len(LEVELS) + 1)]
    return [*counts, 0, sum(counts)]


def _cycle(pack: Any, rng: random.Random, year: int, n: int) -> dict[str, Any]:
    comps = []
    for comp in pack.competencies:
        level = LEVELS[min(3, max(0, (year - 2016) // 3 + rng.randint(-1, 1)))]
        comps.append({"id": comp.id, "level": level, "source": "consensus", "consensus": level, "change": 0,
                      "votes": _votes(rng, 6), "groups": {g: _votes(rng, 3) for g in GROUPS}})
    conds = [{"id": c.id, "level": LEVELS[1], "priority": False, "change": 0} for c in pack.conditions]
    return {"id": f"c{year}-{n}", "title": f"Spring {year}", "date": f"{year}-04-{10 + n:02d}",
            "previous_cycle": None, "threshold": 5, "counts_shown": True, "hidden_groups": [],
            "competencies": comps, "conditions": conds}


def make_folder(folder: Path, pack: Any, districts: int = DISTRICTS, years: int = YEARS) -> int:
    """Write one signed summary per district into ``folder``; return the bytes written."""
    from navtool_desktop.network.summary import FORMAT, VERSION, seal

    rng = random.Random(2026)
    comps = [c.id for c in pack.competencies]
    made = (dt.datetime.now(dt.UTC).replace(microsecond=0)).isoformat().replace("+00:00", "Z")
    total = 0
    for d in range(districts):
        name = f"District {d:04d}"
        cycles = [_cycle(pack, rng, 2026 - years + y, n) for y in range(years) for n in range(CYCLES_PER_YEAR)]
        goals = [{"id": f"g{d}-{k}", "competency_id": rng.choice(comps), "current_level": "developing",
                  "target_level": "operationalizing", "target_date": "2027-06-30", "term": "long",
                  "statement": "Raise the level", "actions": {"not_started": 1, "in_progress": 2,
                                                               "done": 1, "blocked": 0}} for k in range(GOALS)]
        summary = {"format": FORMAT, "version": VERSION, "made_at": made,
                   "district": {"id": f"d{d:04d}", "name": name, "state": "NH"},
                   "framework": {"id": pack.id, "version": pack.version}, "cycles": cycles,
                   "plan": {"id": f"p{d}", "title": "Plan", "period_start": "2025-07-01", "period_end": "2028-06-30",
                            "approved_at": "2025-06-01", "goals": goals}}
        raw = seal(summary, _identity(name))
        (folder / f"{name}.navsummary").write_bytes(raw)
        total += len(raw)
    return total


def _tinydb_view(folder: Path, rows: list[dict[str, Any]]) -> tuple[float, float]:
    """Seconds to write the levels into one TinyDB file (one import's rewrite) and to read the view."""
    from tinydb import TinyDB

    path = folder / "levels.json"
    start = time.perf_counter()
    with TinyDB(path) as db:
        db.table("levels").insert_multiple(rows)
    write = time.perf_counter() - start
    start = time.perf_counter()
    with TinyDB(path) as db:
        latest: dict[str, str] = {}
        table = db.table("levels").all()
        for row in table:
            if row["cycle_id"] > latest.get(row["district_id"], ""):
                latest[row["district_id"]] = row["cycle_id"]
        view = {(r["district_id"], r["competency_id"]): r["level"] for r in table
                if latest[r["district_id"]] == r["cycle_id"]}
    read = time.perf_counter() - start
    assert view
    return write, read


def run() -> list[Result]:
    from navtool_desktop import paths
    from navtool_desktop.framework import load_pack
    from navtool_desktop.network.workspace import Workspace

    pack = load_pack(paths.default_pack_dir())
    root = Path(tempfile.mkdtemp(prefix="navtool-bench-network-"))
    try:
        folder = root / "summaries"
        folder.mkdir()
        size = make_folder(folder, pack)
        imports, views = [], []
        for n in range(ROUNDS):
            start = time.perf_counter()
            with Workspace(root / f"ws{n}", pack) as ws:
                report = ws.import_folder(folder)
                imports.append(time.perf_counter() - start)
                assert report.count("added") == DISTRICTS, report.outcomes[:3]
            with Workspace(root / f"ws{n}", pack) as ws:
                start = time.perf_counter()
                view = ws.side_by_side()
                views.append(time.perf_counter() - start)
                assert len(view.cycle) == DISTRICTS
                levels = ws._db.execute("SELECT district_id, cycle_id, competency_id, level FROM levels").fetchall()
        rows = [{"district_id": d, "cycle_id": c, "competency_id": k, "level": v} for d, c, k, v in levels]
        tiny_write, tiny_read = _tinydb_view(root, rows)
        db_size = (root / "ws0" / "network.sqlite3").stat().st_size
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [
        Result(f"summaries generated ({DISTRICTS} districts x {YEARS} years)", size / 1e6, "MB"),
        Result("import the folder into a new workspace (median)", median(imports), "s", IMPORT_TARGET_S),
        Result("open the side-by-side view (median)", median(views) * 1000, "ms", VIEW_TARGET_S * 1000),
        Result("workspace file (SQLite)", db_size / 1e6, "MB"),
        Result("TinyDB instead: rewrite the levels file (each import)", tiny_write, "s"),
        Result("TinyDB instead: read the side-by-side view", tiny_read * 1000, "ms"),
    ]
