"""``navtool plan``: the current plan from the store, overdue marks, targets, text and JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from navtool_desktop.cli import main
from navtool_desktop.core.records import LEVELS, Action, District
from navtool_desktop.storage import Repository


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["plan", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo district with one school year: one draft plan, five goals, fifteen actions."""
    assert main(["demo", "--years", "1"]) == 0
    capsys.readouterr()


def test_plan_lists_goals_actions_and_overdue_marks(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    data = plan_json(capsys, "--today", "2025-01-20")
    assert data["plan"]["status"] == "draft" and data["plan"]["approved_by"] is None
    assert data["district"]["name"] == "Pine Ridge Unified School District"
    assert len(data["goals"]) == 5
    actions = [a for g in data["goals"] for a in g["actions"]]
    assert len(actions) == 15
    # each goal: an action due 2024-11-15 (in progress), one due 2025-01-14, one due 2025-03-15
    late = {a["due"]: a["overdue"] for a in actions}
    assert late == {"2024-11-15": True, "2025-01-14": True, "2025-03-15": False}
    assert {a["days_overdue"] for a in actions if a["due"] == "2025-01-14"} == {6}
    assert data["summary"]["overdue"] == 10 and data["summary"]["actions"] == 15
    assert [a["start"] for a in data["goals"][0]["actions"]] == sorted(
        a["start"] for a in data["goals"][0]["actions"])


def test_targets_are_judged_on_the_latest_later_cycle(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    data = plan_json(capsys)
    for goal in data["goals"]:
        target = goal["target"]
        assert target["cycle_date"] == "2025-06-15"  # the summer retreat, the last cycle
        reached = LEVELS.index(target["level"]) >= LEVELS.index(goal["target_level"])
        assert target["status"] == ("reached" if reached else "not_reached")
    summary = data["summary"]
    assert summary["reached"] + summary["not_reached"] == 5 and summary["not_assessed"] == 0


def test_a_done_action_is_never_overdue(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    with Repository() as repo:
        store = repo.open_last()
        assert store is not None
        first: Action = min(store.actions(), key=lambda a: a.due)
        store.save_action(first.replace(status="done"))
    data = plan_json(capsys, "--today", "2025-01-20")
    saved = next(a for g in data["goals"] for a in g["actions"] if a["id"] == first.id)
    assert saved["status"] == "done" and saved["overdue"] is False
    assert data["summary"]["overdue"] == 9 and data["summary"]["done"] == 1


def test_latest_approved_plan_wins_over_a_newer_draft(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--years", "2"]) == 0
    capsys.readouterr()
    data = plan_json(capsys)
    assert data["plan"]["status"] == "approved"
    assert data["plan"]["period_start"] == "2023-10-01"
    assert "Board chair" in data["plan"]["approved_by"]
    with Repository(read_only=True) as repo:
        draft = next(p for p in repo.open_last().plans() if p.status == "draft")  # type: ignore[union-attr]
    assert plan_json(capsys, "--plan", draft.id)["plan"]["id"] == draft.id


def test_text_output(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--today", "2025-01-20"]) == 0
    out = capsys.readouterr().out
    assert "Vision: Every learner in Pine Ridge" in out
    assert "draft (not approved yet)" in out
    assert "OVERDUE by 66 days" in out  # due 2024-11-15
    assert "[in progress] Run a learning walk" in out
    assert "Target: " in out
    assert "15 actions: 0 done, 10 overdue, 0 blocked (as of 2025-01-20)" in out


def test_a_district_without_a_plan_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    with Repository() as repo:
        repo.create_district(District(name="Cedar Falls"))
    assert main(["plan"]) == 1
    assert "has no plan yet" in capsys.readouterr().err
    assert main(["plan", "--plan", "nope"]) == 1
    assert "no plan with id nope" in capsys.readouterr().err


def test_plan_reorder_approve_and_revise(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    before = [g["competency"] for g in plan_json(capsys)["goals"]]
    wanted = [before[3], before[0]]
    assert main(["plan", "reorder", *wanted]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"1. {before[3]}"
    assert [g["competency"] for g in plan_json(capsys)["goals"]] == [before[3], before[0], *before[1:3], before[4]]
    assert main(["plan", "reorder", "agency.nothing"]) == 1
    assert "no goal agency.nothing" in capsys.readouterr().err
    assert main(["plan", "approve", "--by", "Ana Peña, Superintendent"]) == 0
    capsys.readouterr()
    approved = plan_json(capsys)["plan"]
    assert approved["status"] == "approved" and approved["approved_by"] == "Ana Peña, Superintendent"
    # approved: it no longer changes, not even its order
    assert main(["plan", "reorder", *before]) == 1
    assert "approved, so it cannot change" in capsys.readouterr().err
    assert main(["plan", "approve", "--by", "Someone else"]) == 1
    assert "already approved" in capsys.readouterr().err
    assert main(["plan", "revise"]) == 0
    revision_id = capsys.readouterr().out.split()[1]
    revision = plan_json(capsys, "--plan", revision_id)
    assert revision["plan"]["status"] == "draft"
    assert [g["competency"] for g in revision["goals"]] == [g["competency"] for g in plan_json(capsys)["goals"]]
    assert main(["plan", "reorder", "--plan", revision_id, before[4]]) == 0
    capsys.readouterr()
    assert plan_json(capsys)["plan"]["id"] == approved["id"]  # the approved plan is in force
