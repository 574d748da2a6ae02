"""The documents as their readers meet them: the plan a board adopts, its progress report, the
assessment report, and a rating sheet filled in with a pen (issue 17)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from report_helpers import drawn_squares, headings_at_the_foot, page_texts, pdf_text

from navtool_desktop.core.records import Cycle, District, Measure, ProgressNote
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.framework import Pack
from navtool_desktop.reports import PlanInput, ReportInput, render_plan, render_rating_sheet, render_report

MM = 72 / 25.4


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def board_plan(demo_plan: PlanInput) -> PlanInput:
    """The demo plan with a lead per goal, a measure with baseline and target, costs and board dates."""
    goals = []
    for n, goal in enumerate(demo_plan.goals):
        measure = Measure(text=f"Staff who rate goal {n + 1}'s competency at target", baseline=f"{30 + n}%",
                          target="70%", source="Spring staff survey", when="Each May")
        goals.append(goal.replace(lead=f"Lead Person {n + 1}", measures=(measure, *goal.measures), rank=n,
                                  funding="Title II-A", cost=1000))
    actions = {g.id: tuple(a.replace(cost=500 * (k + 1), funding="General fund") for k, a in enumerate(group))
               for g, group in zip(goals, (demo_plan.actions[g.id] for g in demo_plan.goals), strict=True)}
    plan = demo_plan.plan.replace(report_dates=("2025-01-15", "2025-04-15"), resolution="2024-117",
                                  vote="5 for, 0 against, 1 absent", meeting_date="2024-09-20")
    return dataclasses.replace(demo_plan, plan=plan, goals=tuple(goals), actions=actions)


@pytest.fixture(scope="module")
def plan_pdf(pack: Pack, board_plan: PlanInput) -> bytes:
    return render_plan(pack, board_plan).pdf


# --- the plan to adopt ------------------------------------------------------------------------


def test_page_2_says_what_is_adopted_then_the_contents_with_page_numbers(
        pack: Pack, board_plan: PlanInput, plan_pdf: bytes, tmp_path: Path) -> None:
    pages = page_texts(plan_pdf, tmp_path)
    second = flat(pages[1])
    assert "What this plan adopts" in second
    for label in ("Goal", "Level now → target", "Lead", "Headline measure"):
        assert label in second
    for n, goal in enumerate(board_plan.goals, start=1):
        assert f"Lead Person {n}" in second
        assert pack.competency(goal.competency_id).name in second
    assert "Target: 70% (now 30%)" in second
    assert "Contents" in second
    # every contents line names the page its section starts on
    for title in ("Goals and actions", "Timeline", "Progress reports to the board", "How to check the signatures"):
        found = re.search(re.escape(title) + r"\s+(\d+)", second)
        assert found, title
        page = int(found.group(1))
        assert flat(pages[page - 1]).startswith(f"{board_plan.district.name} · {board_plan.plan.title}") or \
            title in flat(pages[page - 1])
        assert title in flat(pages[page - 1]), (title, page)


def test_actions_are_numbered_the_same_in_their_tables_and_the_timeline(
        pack: Pack, board_plan: PlanInput, plan_pdf: bytes, tmp_path: Path) -> None:
    pages = pdf_text(plan_pdf, tmp_path, layout=True).split("\f")
    timeline = next(n for n, p in enumerate(pages) if "with its number and owner" in p)
    for n, goal in enumerate(board_plan.goals, start=1):
        for k, action in enumerate(board_plan.actions[goal.id], start=1):
            # a row: the number, then the action's first words, on one line
            row = re.compile(rf"^\s*{n}\.{k}\s+{re.escape(action.description[:18])}.*$", re.MULTILINE)
            before = [m.group(0) for p in pages[:timeline] for m in row.finditer(p)]
            after = [m.group(0) for p in pages[timeline:] for m in row.finditer(p)]
            assert len(before) == 1, f"{n}.{k} in the goal's table"
            assert len(after) == 1, f"{n}.{k} in the timeline"
            assert action.owner.split()[0] in after[0], after[0]  # with its owner


def test_the_timeline_wraps_long_names_and_keeps_actions_with_their_goal(
        pack: Pack, board_plan: PlanInput, tmp_path: Path) -> None:
    goal = board_plan.goals[0]
    long = "Run a learning walk focused on culture of collaboration, with every school's team and families"
    actions = dict(board_plan.actions)
    actions[goal.id] = tuple(a.replace(description=long) for a in actions[goal.id])
    pdf = render_plan(pack, dataclasses.replace(board_plan, actions=actions)).pdf
    text = flat(pdf_text(pdf, tmp_path))
    assert text.count(long) >= 2 * len(actions[goal.id])  # in the table and in the timeline, whole
    assert "…" not in text.split("Timeline")[-1].split("Progress reports")[0]


def test_the_adoption_plan_holds_no_live_status(board_plan: PlanInput, plan_pdf: bytes, tmp_path: Path) -> None:
    text = flat(pdf_text(plan_pdf, tmp_path))
    for live in ("In progress", "Not started", "Blocked", "target reached", "not there yet",
                 "Latest result", "Latest note", "Status"):
        assert live not in text, live
    assert not re.search(r"overdue \d+ day", text)
    for group in board_plan.notes.values():
        for note in group:
            assert note.text not in text


def test_measures_costs_calendar_and_adoption_record_are_printed(board_plan: PlanInput, plan_pdf: bytes,
                                                                 tmp_path: Path) -> None:
    text = flat(pdf_text(plan_pdf, tmp_path))
    for words in ("Baseline", "Target", "Data source", "When measured", "Spring staff survey", "Each May",
                  "Total for this goal", "Title II-A", "General fund", "January 15, 2025", "April 15, 2025",
                  "Resolution number 2024-117", "Vote 5 for, 0 against, 1 absent",
                  "Board meeting September 20, 2024"):
        assert words in text, words
    total = sum(g.cost for g in board_plan.goals) + sum(a.cost for group in board_plan.actions.values()
                                                       for a in group)
    assert f"Total cost of the plan: ${total:,}" in text


def test_a_plan_without_the_new_fields_leaves_lines_to_fill(pack: Pack, demo_plan: PlanInput,
                                                             tmp_path: Path) -> None:
    plan = demo_plan.plan.replace(report_dates=(), resolution="", vote="")
    goals = (demo_plan.goals[0].replace(lead=""), *demo_plan.goals[1:])
    text = flat(pdf_text(render_plan(pack, dataclasses.replace(demo_plan, plan=plan, goals=goals)).pdf, tmp_path))
    assert "Resolution number ____" in text and "For ____ Against ____" in text
    assert "not named" in text  # a goal without a lead says so


# --- the progress report --------------------------------------------------------------------------


def test_the_progress_report_shows_status_notes_and_overdue_cut_at_its_date(
        pack: Pack, board_plan: PlanInput, tmp_path: Path) -> None:
    from navtool_desktop.reports.progress import render_progress

    goal = board_plan.goals[0]
    first = board_plan.actions[goal.id][0]
    notes = dict(board_plan.notes)
    notes[first.id] = (ProgressNote(action_id=first.id, date="2025-02-01", text="Walk held in two schools."),
                       ProgressNote(action_id=first.id, date="2025-06-01", text="A note from the future."))
    actions = dict(board_plan.actions)
    actions[goal.id] = (first.replace(due="2025-02-10", status="in_progress"), *actions[goal.id][1:])
    data = dataclasses.replace(board_plan, notes=notes, actions=actions, today=date(2025, 3, 1))
    text = flat(pdf_text(render_progress(pack, data), tmp_path))
    assert "Progress as of March 1, 2025" in text
    assert "Walk held in two schools." in text
    assert "A note from the future." not in text
    assert "overdue 19 days" in text and "Overdue actions" in text
    assert "1.1 " + first.description in text
    assert "In progress" in text
    assert "Latest result" in text
    # no cycle after the report date counts
    late = [r for r in board_plan.history if r.cycle.date > "2025-03-01"]
    for results in late:
        assert results.cycle.date not in text


def test_the_progress_report_shows_each_status_as_it_stood_on_its_date(
        pack: Pack, board_plan: PlanInput, tmp_path: Path) -> None:
    from navtool_desktop.core.records import StatusChange
    from navtool_desktop.reports.progress import render_progress

    goal = board_plan.goals[0]
    first = board_plan.actions[goal.id][0]
    later = first.replace(status="done", due="2026-06-30", status_history=(
        StatusChange(on="2025-01-10", status="in_progress"), StatusChange(on="2025-04-02", status="done")))
    actions = {gid: tuple(a.replace(status="not_started", status_history=()) for a in group)
               for gid, group in board_plan.actions.items()}
    actions[goal.id] = (later, *actions[goal.id][1:])

    def status_line(day: date) -> str:
        data = dataclasses.replace(board_plan, actions=actions, today=day)
        text = flat(pdf_text(render_progress(pack, data), tmp_path))
        at = text.index("1.1 " + first.description)
        return text[at:at + len(first.description) + 120]

    assert "In progress" in status_line(date(2025, 3, 1)) and "Done" not in status_line(date(2025, 3, 1))
    assert "Done" in status_line(date(2025, 5, 1))
    assert "Not started" in status_line(date(2024, 12, 1))


# --- the rating sheet -------------------------------------------------------------------------------


def _cycle(pack: Pack, scope: tuple[str, ...] | None = None) -> Cycle:
    return Cycle(title="Spring review", date="2025-03-10", scope=scope, framework_id=pack.id,
                 framework_version=pack.version)


@pytest.mark.parametrize("compact", [False, True])
def test_every_box_of_the_sheet_is_at_least_4_5_mm(pack: Pack, compact: bool) -> None:
    pdf = render_rating_sheet(pack, District(name="Pine Ridge"), _cycle(pack), compact=compact)
    squares = drawn_squares(pdf)
    comps = pack.competencies
    practices = 0 if compact else sum(len(cell.practices) for comp in comps for cell in comp.levels)
    # a box per practice, per choice (4 levels and "Not sure"), and the 4 role groups on every page
    assert sum(len(page) for page in squares) == practices + 5 * len(comps) + 4 * len(squares)
    assert min(side for page in squares for side in page) >= 4.5 * MM


@pytest.mark.parametrize("compact", [False, True])
def test_every_page_of_the_sheet_asks_for_name_or_code_and_role_group(pack: Pack, compact: bool,
                                                                      tmp_path: Path) -> None:
    pdf = render_rating_sheet(pack, District(name="Pine Ridge"), _cycle(pack), compact=compact)
    pages = page_texts(pdf, tmp_path)
    assert len(pages) > 1
    for page in pages:
        text = flat(page)
        assert "Name or code:" in text and "Role group:" in text
        for group in ("Educator", "Leader", "Community member", "Learner"):
            assert group in text


def test_descriptors_read_as_sentences_in_9_pt_black(pack: Pack, tmp_path: Path) -> None:
    from navtool_desktop.reports.sheet import _styles, sentence
    from navtool_desktop.reports.style import INK

    text = flat(pdf_text(render_rating_sheet(pack, District(name="Pine Ridge"), _cycle(pack)), tmp_path))
    joins = 0
    for comp in pack.competencies:
        for cell in comp.levels:
            for d in cell.descriptors:
                assert flat(sentence(d.text)) in text, d.text
                joins += 1
    assert joins > 90
    # no descriptor runs into the next: every one ends with its full stop
    assert "themselves Starts" not in text and "themselves. Starts" in text
    descriptor = _styles()[0]
    assert descriptor.fontSize >= 9 and descriptor.textColor == INK


def test_the_compact_sheet_fits_about_four_pages_and_the_handout_has_the_levels(pack: Pack,
                                                                                 tmp_path: Path) -> None:
    compact = render_rating_sheet(pack, District(name="Pine Ridge"), _cycle(pack), compact=True)
    pages = page_texts(compact, tmp_path)
    assert len(pages) <= 5
    handout = flat(pdf_text(render_rating_sheet(pack, District(name="Pine Ridge"), _cycle(pack), handout=True),
                            tmp_path))
    comp = pack.competencies[0]
    assert flat(pack.competencies[0].levels[0].practices[0].text) in handout and comp.name in handout
    assert not any(drawn_squares(render_rating_sheet(pack, District(name="Pine Ridge"), _cycle(pack),
                                                     handout=True)))


# --- the assessment report ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_report(pack: Pack) -> ReportInput:
    from navtool_desktop.core.demo import generate

    demo = generate(pack, years=1, participants=12)
    history = [cycle_results(pack, CycleInput(dc.cycle, tuple(dc.participants), tuple(dc.ratings),
                                              tuple(dc.tallies), tuple(dc.consensus))) for dc in demo.cycles]
    latest = demo.cycles[-1]
    return ReportInput(demo.district, history[-1], tuple(latest.ratings), date(2025, 3, 1), history[-2])


def test_the_report_has_the_equity_lens_under_the_privacy_rule(pack: Pack, demo_report: ReportInput,
                                                               tmp_path: Path) -> None:
    pdf = render_report(pack, demo_report)
    text = pdf_text(pdf, tmp_path, layout=True)
    assert "Equity lens" in text
    hidden = demo_report.results.disclosure.hidden_groups
    lens = text.split("Equity lens")[1].split("Change since the previous cycle")[0]
    for cond in demo_report.results.conditions:
        name = pack.condition(cond.condition_id).name
        row = next(line for line in lens.splitlines() if line.strip().startswith(name[:14]))
        for group in hidden:
            assert cond.group(group).status != "shown"
        # a hidden group prints the word, never a number
        assert row.count("hidden") == len(hidden), row


def test_the_report_shows_the_change_since_the_previous_cycle(pack: Pack, demo_report: ReportInput,
                                                              tmp_path: Path) -> None:
    assert demo_report.previous is not None
    text = flat(pdf_text(render_report(pack, demo_report), tmp_path))
    assert "Change since the previous cycle" in text
    assert f"Compared with “{demo_report.previous.cycle.title}”" in text


def test_an_open_cycle_says_draft_on_every_page(pack: Pack, demo_report: ReportInput, tmp_path: Path) -> None:
    results = demo_report.results
    open_cycle = dataclasses.replace(results, cycle=results.cycle.replace(status="open"))
    pages = page_texts(render_report(pack, dataclasses.replace(demo_report, results=open_cycle)), tmp_path)
    for n, page in enumerate(pages, start=1):
        assert "(draft: cycle still open)" in flat(page), n
    closed = dataclasses.replace(results, cycle=results.cycle.replace(status="closed"))
    text = pdf_text(render_report(pack, dataclasses.replace(demo_report, results=closed)), tmp_path)
    assert "draft" not in text


def test_notes_are_labelled_with_their_competency(pack: Pack, demo_report: ReportInput, tmp_path: Path) -> None:
    text = flat(pdf_text(render_report(pack, demo_report), tmp_path))
    noted = {r.competency_id for r in demo_report.ratings if r.note.strip()}
    assert noted
    for cid in noted:
        assert f"Notes from participants on {pack.competency(cid).name}" in text


# --- every document -----------------------------------------------------------------------------


def test_no_page_of_any_document_ends_with_a_heading(pack: Pack, board_plan: PlanInput, plan_pdf: bytes,
                                                     demo_report: ReportInput, tmp_path: Path) -> None:
    from navtool_desktop.reports.progress import render_progress

    district = District(name="Pine Ridge")
    documents = {
        "plan": plan_pdf,
        "progress": render_progress(pack, board_plan),
        "report": render_report(pack, demo_report),
        "sheet": render_rating_sheet(pack, district, _cycle(pack)),
        "compact sheet": render_rating_sheet(pack, district, _cycle(pack), compact=True),
        "handout": render_rating_sheet(pack, district, _cycle(pack), handout=True),
    }
    alone = {name: headings_at_the_foot(pdf, tmp_path) for name, pdf in documents.items()}
    assert alone == {name: [] for name in documents}


def test_a_goal_whose_timeline_runs_over_a_page_repeats_its_goal_row(pack: Pack, board_plan: PlanInput,
                                                                      tmp_path: Path) -> None:
    goal = board_plan.goals[0]
    first = board_plan.actions[goal.id][0]
    many = tuple(first.replace(id=f"{first.id[:-4]}{n:04d}", description=f"Step {n} of the long goal")
                 for n in range(1, 71))
    actions = {**board_plan.actions, goal.id: many}
    pdf = render_plan(pack, dataclasses.replace(board_plan, actions=actions)).pdf
    pages = pdf_text(pdf, tmp_path, layout=True).split("\f")
    start = next(n for n, p in enumerate(pages) if "with its number and owner" in p)
    label = f"Goal 1: {pack.competency(goal.competency_id).name}"
    spread = [p for p in pages[start:] if re.search(r"^\s*1\.\d+\s+Step", p, re.MULTILINE)]
    assert len(spread) >= 2  # the goal's actions run over more than one page
    for page in spread:
        lines = page.splitlines()
        first_row = next(n for n, line in enumerate(lines) if re.match(r"^\s*1\.\d+\s+Step", line))
        assert any(label in line for line in lines[:first_row]), "an action row printed apart from its goal"
