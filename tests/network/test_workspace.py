"""The network workspace: import from a folder, pinned roots, idempotent re-import, side by side."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from network_fakes import MADE

from navtool_desktop.framework import Pack
from navtool_desktop.network.summary import build_summary, seal
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.signing import Identity, RootAuthority
from navtool_desktop.storage import DistrictStore


def later() -> str:
    """The coach's clock, a month after the summaries were made."""
    return (MADE + dt.timedelta(days=30)).isoformat().replace("+00:00", "Z")


def _dump(ws: Workspace) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for table in ("districts", "cycles", "levels", "goals"):
        rows += [(table, *r) for r in ws._db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    return rows


@pytest.fixture
def summary_file(tmp_path: Path, store: DistrictStore, pack: Pack, signer: Identity) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    path = folder / "pena-valley.navsummary"
    path.write_bytes(seal(build_summary(store, pack, made_at=MADE), signer))
    return path


def test_first_import_pins_the_root_and_a_second_changes_nothing(tmp_path: Path, pack: Pack, summary_file: Path,
                                                                   district_root: RootAuthority) -> None:
    with Workspace(tmp_path / "net", pack) as ws:
        report = ws.import_folder(summary_file.parent)
        assert [o.status for o in report.outcomes] == ["added"]
        (row,) = ws.districts()
        assert row.root_fingerprint == district_root.fingerprint
        assert row.cycles > 0
        before = _dump(ws)
        again = ws.import_folder(summary_file.parent)
        assert [o.status for o in again.outcomes] == ["unchanged"]
        assert _dump(ws) == before
    # It is all on disk: a new connection sees the same.
    with Workspace(tmp_path / "net", pack) as ws:
        assert _dump(ws) == before


def test_a_summary_under_another_root_is_refused_and_changes_nothing(
        tmp_path: Path, pack: Pack, store: DistrictStore, summary_file: Path, stranger: Identity) -> None:
    with Workspace(tmp_path / "net", pack, clock=later) as ws:
        ws.import_folder(summary_file.parent)
        before = _dump(ws)
        forged = build_summary(store, pack, made_at=MADE + dt.timedelta(days=1))
        outcome = ws.import_bytes(seal(forged, stranger), "forged.navsummary")
        assert outcome.status == "refused"
        assert "another district root" in outcome.message and "by phone" in outcome.message
        assert _dump(ws) == before
        # After the coach releases the pin (having checked the new root by phone), it pins anew.
        ws.release_pin(store.id)
        assert ws.import_bytes(seal(forged, stranger), "forged.navsummary").status == "added"


def test_newer_summaries_replace_older_ones_cycle_by_cycle(tmp_path: Path, pack: Pack, store: DistrictStore,
                                                            signer: Identity) -> None:
    old = build_summary(store, pack, made_at=MADE)
    new = json.loads(json.dumps(old))
    new["made_at"] = (MADE + dt.timedelta(days=2)).isoformat().replace("+00:00", "Z")
    last = new["cycles"][-1]
    comp = next(c for c in last["competencies"] if c["level"] and c["consensus"])
    comp["level"] = comp["consensus"] = "refining" if comp["level"] != "refining" else "developing"
    with Workspace(tmp_path / "net", pack, clock=later) as ws:
        assert ws.import_bytes(seal(new, signer), "new").status == "added"
        # An older copy arriving later keeps out.
        assert ws.import_bytes(seal(old, signer), "old").status == "unchanged"
        view = ws.side_by_side()
        assert view.levels[store.id][comp["id"]] == comp["level"]
        history = ws.history(store.id)
        assert [c["id"] for c in history] == [c["id"] for c in new["cycles"]]


def test_a_bad_file_in_the_folder_is_reported_and_the_rest_imports(tmp_path: Path, pack: Pack,
                                                                     summary_file: Path) -> None:
    (summary_file.parent / "broken.navsummary").write_bytes(b"{\"format\": \"navtool-district-summary\"")
    (summary_file.parent / "notes.txt").write_text("not a summary")
    with Workspace(tmp_path / "net", pack) as ws:
        report = ws.import_folder(summary_file.parent)
    by_file = {o.file: o for o in report.outcomes}
    assert set(by_file) == {"broken.navsummary", "pena-valley.navsummary"}
    assert by_file["broken.navsummary"].status == "refused" and by_file["broken.navsummary"].message
    assert by_file["pena-valley.navsummary"].status == "added"


def test_side_by_side_shows_the_latest_cycle_change_and_goals(tmp_path: Path, pack: Pack, store: DistrictStore,
                                                                signer: Identity) -> None:
    summary = build_summary(store, pack, made_at=MADE)
    with Workspace(tmp_path / "net", pack) as ws:
        ws.import_bytes(seal(summary, signer))
        view = ws.side_by_side()
        latest = max(summary["cycles"], key=lambda c: (c["date"], c["id"]))
        assert view.cycle[store.id][0] == latest["id"]
        expected = {c["id"]: c["level"] for c in latest["competencies"] if c["level"]}
        assert view.levels[store.id] == expected
        goals = summary["plan"]["goals"]
        reached = sum(1 for g in goals if expected.get(g["competency_id"]) is not None
                      and pack_index(expected[g["competency_id"]]) >= pack_index(g["target_level"]))
        assert view.goals_reached[store.id] == (reached, len(goals))
        first_year = int(summary["cycles"][0]["date"][:4])
        in_first = ws.side_by_side(year=first_year)
        assert in_first.cycle[store.id][1].startswith(str(first_year))
        assert ws.side_by_side(year=1990).cycle == {}
        ws.set_tags(store.id, ["North region", " "])
        assert [d.id for d in ws.districts(["North region"])] == [store.id]
        assert ws.districts(["South region"]) == []


def pack_index(level: str) -> int:
    from navtool_desktop.core.records import LEVELS

    return LEVELS.index(level)


def test_a_summary_from_the_future_is_refused_so_it_cannot_shadow_later_ones(
        tmp_path: Path, pack: Pack, store: DistrictStore, signer: Identity) -> None:
    """A district laptop whose clock runs years ahead must not make its copy "newest" for good."""
    now = MADE + dt.timedelta(days=3)
    stamp = now.isoformat().replace("+00:00", "Z")
    ahead = build_summary(store, pack, made_at=MADE + dt.timedelta(days=400))
    with Workspace(tmp_path / "net", pack, clock=lambda: stamp) as ws:
        outcome = ws.import_bytes(seal(ahead, signer), "ahead")
        assert outcome.status == "refused" and "after today" in outcome.message
        assert ws.districts() == []
        assert ws.import_bytes(seal(build_summary(store, pack, made_at=MADE), signer), "real").status == "added"
