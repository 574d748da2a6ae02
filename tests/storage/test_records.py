"""Domain records: round trips through plain data and clear errors for wrong data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from navtool_desktop.core.records import (
    Action,
    Consensus,
    Cycle,
    District,
    Goal,
    Measure,
    Participant,
    Plan,
    ProgressNote,
    QuestionResponse,
    Rating,
    Record,
    RecordError,
    Tally,
    TeamMember,
    new_id,
)

COMP = "culture.culture-of-innovation"


def examples() -> list[Record]:
    pid, plan_id, goal_id, action_id = new_id(), new_id(), new_id(), new_id()
    return [
        District(name="Pine Ridge", state="MT", vision="v", portrait_of_graduate="p",
                 team=(TeamMember(name="Ana Peña", role="Superintendent"),)),
        Cycle(title="Fall", date="2025-10-01", scope=("culture", "agency"),
              framework_id="navigation-tool", framework_version="2021.1"),
        Cycle(title="All", date="2025-10-01", framework_id="x", framework_version="1"),
        Participant(code="L-01", role_group="learner"),
        Rating(participant_id=pid, competency_id=COMP, level="not_sure",
               practices=(f"{COMP}.developing.p1",), note="n"),
        QuestionResponse(participant_id=pid, question_id="culture.questions.learners.q1",
                         text="t"),
        Consensus(competency_id=COMP, level="refining", rationale="r"),
        Tally(competency_id=COMP, role_group="community_member",
              counts={"developing": 3, "not_sure": 1}),
        Plan(id=plan_id, title="Plan", period_start="2025-10-01", period_end="2026-09-30",
             status="approved", approved_by="Board", approved_at="2025-10-20T18:00:00.000Z"),
        Goal(id=goal_id, plan_id=plan_id, competency_id=COMP, current_level="developing",
             target_level="operationalizing", target_date="2026-06-01", term="short",
             statement="s", measures=(Measure(text="m", practices=(f"{COMP}.developing.p1",)),)),
        Action(id=action_id, goal_id=goal_id, description="d", owner="o", start="2025-10-01",
               due="2025-11-01", resources="r", status="blocked"),
        ProgressNote(action_id=action_id, date="2025-10-15", text="t"),
    ]


@pytest.mark.parametrize("record", examples(), ids=lambda r: type(r).__name__)
def test_round_trip_through_json(record: Record) -> None:
    data = json.loads(json.dumps(record.to_dict()))
    assert type(record).from_dict(data) == record


BAD: list[tuple[type[Record], dict[str, Any], str]] = [
    (Rating, {"level": "great"}, "Rating.level must be one of"),
    (Rating, {"level": 2}, "Rating.level must be text, not a whole number"),
    (Rating, {"practices": "culture.x"}, "Rating.practices must be a list"),
    (Rating, {"practices": ["agency.x.developing.p1"]}, "is not a practice of"),
    (Rating, {"participant_id": "bob"}, "Rating.participant_id must be a record id"),
    (Rating, {"updated": "yesterday"}, "Rating.updated must be a UTC time"),
    (Rating, {"extra": 1}, "unknown field(s): extra"),
    (Tally, {"counts": {"developing": "3"}}, "Tally.counts.developing must be a whole number"),
    (Tally, {"counts": {"great": 3}}, "unknown level 'great'"),
    (Tally, {"counts": {"developing": True}}, "must be a whole number"),
    (Cycle, {"scope": "culture"}, "Cycle.scope must be a list"),
    (Cycle, {"date": "10/01/2025"}, "Cycle.date must be a date"),
    (District, {"team": [{"name": 3}]}, "District.team[0].name must be text"),
    (Goal, {"measures": [{"text": ""}]}, "Goal.measures[0].text is empty"),
    (Plan, {"status": "approved", "approved_by": ""}, "approved_by or approved_at is empty"),
    (Action, {"due": "2025-09-01"}, "before start"),
    (Participant, {"name": "", "code": ""}, "one is needed"),
]


@pytest.mark.parametrize(("cls", "change", "message"), BAD)
def test_from_dict_rejects_wrong_data(cls: type[Record], change: dict[str, Any],
                                      message: str) -> None:
    base = next(r for r in examples() if type(r) is cls).to_dict()
    with pytest.raises(RecordError) as info:
        cls.from_dict({**base, **change})
    assert message in str(info.value)


def test_missing_field_is_named() -> None:
    data = examples()[4].to_dict()
    del data["competency_id"]
    with pytest.raises(RecordError, match=r"Rating.competency_id is missing"):
        Rating.from_dict(data)


def test_not_an_object() -> None:
    with pytest.raises(RecordError, match="must be an object"):
        Rating.from_dict([1, 2])  # type: ignore[arg-type]


@given(note=st.text(), level=st.sampled_from(
    ["establishing", "developing", "operationalizing", "refining", "not_sure"]))
def test_any_text_survives(note: str, level: str) -> None:
    rating = Rating(participant_id=new_id(), competency_id=COMP, level=level, note=note)
    assert Rating.from_dict(json.loads(json.dumps(rating.to_dict()))) == rating


@pytest.mark.parametrize("day", ["2025-W41-3", "2025-274", "20251001", "2025-10-1", "2025-1O-01", "２０２５-10-01"])
def test_a_date_is_year_month_day_and_nothing_else(day: str) -> None:
    """Python's fromisoformat also reads ISO week dates ("2025-W41-3", ten characters too); kept
    as typed, one would sort and compare as text among real dates."""
    with pytest.raises(RecordError, match="must be a date like"):
        Cycle(title="Fall", date=day, framework_id="x", framework_version="1").validate()
    Cycle(title="Fall", date="2025-10-01", framework_id="x", framework_version="1").validate()
