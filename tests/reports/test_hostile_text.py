"""Every user field filled with hostile text: markup stays literal, nothing crashes or goes missing."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from report_helpers import pdf_text

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
    Rating,
    TeamMember,
)
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.framework import Pack
from navtool_desktop.reports import PlanInput, ReportInput, Signer, render_plan, render_rating_sheet, render_report

#: Must come out literally.
LITERALS = ("<b>bold</b>", "<para>", "</para>", "&amp;", "A&B", '"double"', "'single'", "Peña", "Nguyễn",
            "<font", "<br/>")
MARKUP = "Peña Nguyễn <b>bold</b> <para> A&B &amp; \"double\" 'single' <font color=red> <br/> </para>"
#: Must not crash the export nor swallow the text around them.
EXOTIC = "שלום עולם مرحبا بكم 😀👩\u200d👩\u200d👧 \u202eevil\u202c \x00\x07 \ud800"
LONG_CHAR = "ж"  # printed nowhere else in the documents
LONG_WORD = LONG_CHAR * 10_000


def hostile(tag: str) -> str:
    """A field's hostile text between start and end markers named after the field."""
    return f"{tag}START {MARKUP} {EXOTIC} {tag}END"


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def hostile_cycle(pack: Pack) -> CycleInput:
    cycle = Cycle(title=hostile("CYCLE"), date="2025-02-01", scope=("culture",), framework_id=pack.id,
                  framework_version=pack.version)
    people = [Participant(name=hostile(f"PERSON{n}"), role_group="educator") for n in range(4)]
    competency = pack.condition("culture").competencies[0].id
    ratings = [Rating(participant_id=p.id, competency_id=competency, level="developing",
                      note=hostile(f"NOTE{n}")) for n, p in enumerate(people)]
    consensus = [Consensus(competency_id=competency, level="developing", rationale=hostile("RATIONALE"))]
    return CycleInput(cycle, tuple(people), tuple(ratings), (), tuple(consensus))


@pytest.fixture
def hostile_plan(pack: Pack, hostile_cycle: CycleInput) -> PlanInput:
    district = District(name=hostile("DISTRICT"), state=hostile("STATE"),
                        vision=f"VISIONSTART {MARKUP} LONGSTART {LONG_WORD} LONGEND {EXOTIC} VISIONEND",
                        portrait_of_graduate=hostile("PORTRAIT"),
                        team=(TeamMember(name=hostile("MEMBER"), role=hostile("ROLE")),))
    plan = Plan(title=hostile("PLAN"), period_start="2024-10-01", period_end="2025-09-30", status="approved",
                approved_by=hostile("APPROVER"), approved_at="2024-10-20T10:00:00Z")
    competency = hostile_cycle.ratings[0].competency_id
    goal = Goal(plan_id=plan.id, competency_id=competency, current_level="developing",
                target_level="operationalizing", target_date="2025-06-01", term="short",
                statement=hostile("STATEMENT"), measures=(Measure(text=hostile("MEASURE")),))
    action = Action(goal_id=goal.id, description=hostile("ACTION"), owner=hostile("OWNER"),
                    start="2024-11-01", due="2025-01-15", resources=hostile("RESOURCES"), status="in_progress")
    note = ProgressNote(action_id=action.id, date="2024-12-01", text=hostile("PROGRESS"))
    results = cycle_results(pack, hostile_cycle)
    return PlanInput(district, plan, (goal,), {goal.id: (action,)}, results, (results,), {action.id: (note,)},
                     (Signer(role=hostile("SIGNERROLE"), name=hostile("SIGNER")), Signer(role="Board chair")),
                     today=date(2025, 3, 1))


def _check(text: str, tags: list[str]) -> None:
    flat = _normalized(text)
    for literal in LITERALS:
        assert literal in flat, f"{literal!r} is not printed literally"
    for tag in tags:
        assert f"{tag}START" in flat, f"the start of {tag} is missing"
        assert f"{tag}END" in flat, f"the end of {tag} is missing (swallowed)"
    assert "\x00" not in text


def test_plan_prints_hostile_text_literally(pack: Pack, hostile_plan: PlanInput, tmp_path: Path) -> None:
    pdf = render_plan(pack, hostile_plan).pdf
    text = pdf_text(pdf, tmp_path)
    # the recorded approver is not printed: the plan claims no approval, its signatures are the record
    assert "APPROVERSTART" not in text
    _check(text, ["DISTRICT", "STATE", "VISION", "LONG", "PORTRAIT", "MEMBER", "ROLE", "PLAN",
                  "STATEMENT", "MEASURE", "ACTION", "OWNER", "RESOURCES", "SIGNERROLE", "SIGNER"])
    assert "PROGRESSSTART" not in text  # progress notes go in the progress report, not the adopted plan
    # the 10,000-character word wraps onto many lines, every character printed once
    assert text.count(LONG_CHAR) == len(LONG_WORD)


def test_progress_report_prints_hostile_text_literally(pack: Pack, hostile_plan: PlanInput, tmp_path: Path) -> None:
    from navtool_desktop.reports.progress import render_progress

    text = pdf_text(render_progress(pack, hostile_plan), tmp_path)
    _check(text, ["DISTRICT", "PLAN", "ACTION", "OWNER", "PROGRESS"])


def test_report_prints_hostile_text_literally(pack: Pack, hostile_plan: PlanInput, hostile_cycle: CycleInput,
                                              tmp_path: Path) -> None:
    data = ReportInput(hostile_plan.district, cycle_results(pack, hostile_cycle), hostile_cycle.ratings,
                       date(2025, 3, 1))
    text = pdf_text(render_report(pack, data), tmp_path)
    _check(text, ["DISTRICT", "CYCLE", "RATIONALE", "NOTE0", "NOTE3"])
    assert "PERSON" not in text  # notes never say who wrote them


def test_rating_sheet_prints_hostile_text_literally(pack: Pack, hostile_plan: PlanInput,
                                                    hostile_cycle: CycleInput, tmp_path: Path) -> None:
    text = pdf_text(render_rating_sheet(pack, hostile_plan.district, hostile_cycle.cycle), tmp_path)
    _check(text, ["DISTRICT", "CYCLE"])


def test_a_long_word_in_a_table_cell_breaks_across_lines(pack: Pack, hostile_plan: PlanInput,
                                                         tmp_path: Path) -> None:
    goal = hostile_plan.goals[0]
    action = dataclasses.replace(hostile_plan.actions[goal.id][0], description=f"CELLSTART {LONG_WORD} CELLEND",
                                 owner=LONG_CHAR * 300)
    data = dataclasses.replace(hostile_plan, actions={goal.id: (action,)},
                               district=dataclasses.replace(hostile_plan.district, vision="short"))
    text = pdf_text(render_plan(pack, data).pdf, tmp_path)
    # the description in the actions table and in the timeline, whole in both (wrapped, never cut)
    assert text.count("CELLSTART") == 2 and text.count("CELLEND") == 2
    assert text.count(LONG_CHAR) == 2 * (len(LONG_WORD) + 300)
