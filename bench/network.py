"""A state's network workspace: ten years of summaries from 1,000 districts.

Generator (:func:`navtool_desktop.network.demo.make_folder`) parameters: ``DISTRICTS`` = 1,000
districts, each with its own district root (P-256 keys, so that generating is quick), one
signed ``.navsummary`` per district holding ``YEARS`` = 10 years of closed cycles (one a
year), all 30 competencies with counts for four role groups, and a plan of six goals. The folder is made
once; each round imports it into a new workspace (every signature and every summary
checked) and then opens the side-by-side view of the latest cycles.

Targets (issue "coach and network view"): import under 10 s, the side-by-side view under
1 s. Also measured, for the README's choice of storage: the same levels kept in one TinyDB
file (the district store's layout), where every import rewrites the file and the view
parses all of it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import Result, median

DISTRICTS = 1000
YEARS = 10
ROUNDS = 3
IMPORT_TARGET_S = 10.0
VIEW_TARGET_S = 1.0


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
    from navtool_desktop.network.demo import make_folder
    from navtool_desktop.network.workspace import Workspace

    pack = load_pack(paths.default_pack_dir())
    root = Path(tempfile.mkdtemp(prefix="navtool-bench-network-"))
    try:
        folder = root / "summaries"
        folder.mkdir()
        size = make_folder(folder, pack, districts=DISTRICTS, years=YEARS)
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
