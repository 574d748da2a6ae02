"""Readiness tiers from real imported summaries, and support plans stored in the workspace file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from network_fakes import sealed

from navtool_desktop.framework import Pack
from navtool_desktop.network.content import NetworkContent, load_network_content
from navtool_desktop.network.support import SupportPlans, SupportRow, derive_tier, district_tiers, explain
from navtool_desktop.network.workspace import Workspace, WorkspaceError


@pytest.fixture(scope="module")
def content(pack: Pack) -> NetworkContent:
    return load_network_content(pack)


def _levels(pack: Pack, *mix: tuple[str | None, int]) -> dict[str, str | None]:
    """The first n competencies at one level, the next m at another, …"""
    ids = [c.id for c in pack.competencies]
    out: dict[str, str | None] = {}
    for level, n in mix:
        for _ in range(n):
            out[ids[len(out)]] = level
    return out


@pytest.mark.parametrize(("mix", "expected"), [
    ((("establishing", 20), ("developing", 10)), "awareness"),
    ((("establishing", 10), ("developing", 11), ("operationalizing", 9)), "assistance"),
    # a tie of 14 and 14 around 2 in the middle: the middle one, not the most frequent
    ((("establishing", 14), ("developing", 2), ("refining", 14)), "assistance"),
    # an even count: the lower of the two middle ones
    ((("developing", 15), ("operationalizing", 15)), "assistance"),
    ((("developing", 14), ("operationalizing", 8), ("refining", 8)), "shared-expertise"),
    # competencies without a level do not count
    ((("establishing", 1), (None, 27), ("refining", 2)), "shared-expertise"),
    (((None, 30),), None),
])
def test_the_tier_is_the_middle_of_the_competencies_tiers(pack: Pack, content: NetworkContent, mix: tuple[
        tuple[str | None, int], ...], expected: str | None) -> None:
    levels = {k: v for k, v in _levels(pack, *mix).items() if v}
    result = derive_tier("d", levels, content, pack, ("c1", "2026-04-10"))
    assert (result.tier.id if result.tier else None) == expected
    assert sum(result.counts.values()) == len(levels)
    said = explain(result, content)
    assert ("No tier yet" in said) == (expected is None)
    if expected:
        assert said.startswith(content.tier(expected).name) and "2026-04-10" in said


def test_tiers_come_from_each_districts_latest_cycle_in_the_workspace(tmp_path: Path, pack: Pack,
                                                                      content: NetworkContent) -> None:
    with Workspace(tmp_path / "net", pack) as ws:
        ws.import_bytes(sealed(pack, "d-low", "Low ISD", _levels(pack, ("establishing", 30))))
        ws.import_bytes(sealed(pack, "d-high", "High ISD", _levels(pack, ("refining", 20), ("developing", 10))))
        ws.import_bytes(sealed(pack, "d-none", "New ISD", {}))
        tiers = district_tiers(ws, content)
        assert tiers["d-low"].tier.id == "awareness"  # type: ignore[union-attr]
        assert tiers["d-high"].tier.id == "shared-expertise"  # type: ignore[union-attr]
        assert tiers["d-high"].per_competency[pack.competencies[-1].id].id == "assistance"  # type: ignore[union-attr]
        assert tiers["d-none"].tier is None
        assert "no competency has a level" in explain(tiers["d-none"], content)


def test_support_rows_are_kept_in_the_workspace_file(tmp_path: Path, pack: Pack, content: NetworkContent) -> None:
    comp = pack.competencies[0].id
    with Workspace(tmp_path / "net", pack, clock=lambda: "2026-12-01T10:00:00Z") as ws:
        plans = SupportPlans(ws, content)
        a = plans.save(SupportRow("", "d1", "training", comp, "Region 5 coach", "2027-01-15"))
        b = plans.save(SupportRow("", "d1", "peer-networks", comp, "Iowa-style cohort", ""))
        plans.save(SupportRow("", "d2", "information", comp))
        plans.save(SupportRow(a.id, "d1", "training", comp, "State TA team", "2027-02-01", "in_progress"))
    # another connection, as after a restart: the rows are on disk, in their order, the edit kept
    with Workspace(tmp_path / "net", pack) as ws:
        plans = SupportPlans(ws, content)
        rows = plans.rows("d1")
        assert [r.id for r in rows] == [a.id, b.id]
        assert (rows[0].by_whom, rows[0].due, rows[0].status) == ("State TA team", "2027-02-01", "in_progress")
        assert rows[0].created_at == "2026-12-01T10:00:00Z"
        plans.delete(b.id)
        assert [r.id for r in plans.rows("d1")] == [a.id]
        assert len(plans.rows("d2")) == 1


@pytest.mark.parametrize(("change", "said"), [
    ({"type_id": "coffee"}, "no support type"),
    ({"competency_id": "culture.nothing"}, "no competency"),
    ({"status": "maybe"}, "no status"),
    ({"due": "next week"}, "a date like"),
    ({"due": "2027-02-30"}, "a date like"),
    ({"by_whom": "x" * 201}, "too long"),
    ({"note": "bell\x07"}, "cannot be kept"),
])
def test_a_bad_support_row_is_refused_and_nothing_is_kept(tmp_path: Path, pack: Pack, content: NetworkContent,
                                                          change: dict[str, str], said: str) -> None:
    fields = {"id": "", "district_id": "d1", "type_id": "training", "competency_id": pack.competencies[0].id,
              **change}
    with Workspace(tmp_path / "net", pack) as ws:
        plans = SupportPlans(ws, content)
        with pytest.raises(WorkspaceError, match=said):
            plans.save(SupportRow(**fields))
        assert plans.rows("d1") == []


def test_an_old_workspace_gains_the_tables_and_keeps_its_districts(tmp_path: Path, pack: Pack,
                                                                   content: NetworkContent) -> None:
    with Workspace(tmp_path / "net", pack) as ws:
        ws.import_bytes(sealed(pack, "d-low", "Low ISD", _levels(pack, ("establishing", 30))))
    with Workspace(tmp_path / "net", pack) as ws:
        SupportPlans(ws, content)
        SupportPlans(ws, content)  # again: nothing happens
        assert [d.id for d in ws.districts()] == ["d-low"]
        # releasing a district's pin keeps the support the coach planned for it
        plans = SupportPlans(ws, content)
        plans.save(SupportRow("", "d-low", "training", pack.competencies[0].id, due=dt.date(2027, 1, 1).isoformat()))
        ws.release_pin("d-low")
        assert len(plans.rows("d-low")) == 1


def test_a_change_while_an_import_holds_the_file_is_refused_in_plain_words(tmp_path: Path, pack: Pack,
                                                                           content: NetworkContent) -> None:
    with Workspace(tmp_path / "net", pack) as ws, Workspace(tmp_path / "net", pack) as importing:
        plans = SupportPlans(ws, content)
        ws._db.execute("PRAGMA busy_timeout=50")  # the app waits 5 s; the test need not
        importing._db.execute("BEGIN IMMEDIATE")  # what an import on its own connection holds
        try:
            with pytest.raises(WorkspaceError, match="busy"):
                plans.save(SupportRow("", "d1", "training", pack.competencies[0].id))
        finally:
            importing._db.execute("ROLLBACK")
        assert plans.rows("d1") == []
        plans.save(SupportRow("", "d1", "training", pack.competencies[0].id))
        assert len(plans.rows("d1")) == 1
