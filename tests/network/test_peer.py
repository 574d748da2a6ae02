"""Peer learning: districts grouped by shared priorities, the learning agenda and meetings, lens checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from network_fakes import sealed

from navtool_desktop.framework import Pack
from navtool_desktop.network.content import NetworkContent, load_network_content
from navtool_desktop.network.peer import Agenda, Meeting, lens_checks, lowest_competencies, priority_groups
from navtool_desktop.network.workspace import Workspace, WorkspaceError


@pytest.fixture(scope="module")
def content(pack: Pack) -> NetworkContent:
    return load_network_content(pack)


def test_lowest_competencies() -> None:
    assert lowest_competencies({"a": "developing", "b": "establishing", "c": "developing",
                                "d": "refining", "e": "establishing"}) == {"b", "e"}
    # half or more at the lowest level: none stands out
    assert lowest_competencies({"a": "developing", "b": "establishing", "c": "establishing"}) == set()
    assert lowest_competencies({"a": "establishing", "b": "developing"}) == set()
    assert lowest_competencies({"a": "refining"}) == set()
    assert lowest_competencies({}) == set()


def test_districts_are_grouped_by_shared_goals_and_lowest_levels(tmp_path: Path, pack: Pack) -> None:
    a, b, c = (comp.id for comp in pack.competencies[:3])
    rest = {comp.id: "operationalizing" for comp in pack.competencies[3:]}
    with Workspace(tmp_path / "net", pack) as ws:
        ws.import_bytes(sealed(pack, "d1", "One", {**rest, a: "establishing", b: "developing"}, goals=[b]))
        ws.import_bytes(sealed(pack, "d2", "Two", {**rest, a: "establishing", b: "developing"}, goals=[b, c]))
        ws.import_bytes(sealed(pack, "d3", "Three", {**rest, a: "developing", b: "developing", c: "developing"}))
        ws.set_tags("d3", ["north"])
        groups = {g.competency_id: g for g in priority_groups(ws)}
        # a: lowest for d1 and d2; d3's lowest are a, b, c (all developing); b: goals of d1, d2
        assert groups[a].districts == ("d1", "d2", "d3") and groups[a].goal == ()
        assert groups[b].goal == ("d1", "d2") and groups[b].lowest == ("d3",)
        assert groups[c].districts == ("d2", "d3")
        assert set(groups) == {a, b, c}
        # most districts first; with a filter only those districts count
        assert [g.competency_id for g in priority_groups(ws)][:2] == [b, a]
        assert priority_groups(ws, tags=["north"]) == []
        assert {g.competency_id for g in priority_groups(ws, tags=["north"], minimum=1)} == {a, b, c}


def test_the_agenda_keeps_chosen_questions_context_and_meetings_on_disk(tmp_path: Path, pack: Pack,
                                                                        content: NetworkContent) -> None:
    with Workspace(tmp_path / "net", pack, clock=lambda: "2026-12-01T10:00:00Z") as ws:
        agenda = Agenda(ws, content)
        agenda.set_network("North Country Network")
        agenda.set_title("Learning agenda 2026-27")
        agenda.choose("plc2-q4", "Our middle schools pilot learning progressions in math.")
        agenda.choose("plc1-q1")
        agenda.choose("plc2-q4", "Now in all middle schools.")   # again: keeps its place, new context
        first = agenda.save_meeting(Meeting("", "2026-10-02", "Shared pilots.", "Each district brings one task."))
        agenda.save_meeting(Meeting("", "2026-09-01", "Kick-off.", "Choose questions."))
    with Workspace(tmp_path / "net", pack) as ws:
        agenda = Agenda(ws, content)
        assert (agenda.network, agenda.title) == ("North Country Network", "Learning agenda 2026-27")
        chosen = agenda.chosen()
        assert [c.question.id for c in chosen] == ["plc2-q4", "plc1-q1"]
        assert chosen[0].context == "Now in all middle schools."
        assert set(agenda.competencies()) == {*content.question("plc2-q4").competencies,
                                              *content.question("plc1-q1").competencies}
        assert [m.date for m in agenda.meetings()] == ["2026-09-01", "2026-10-02"]
        agenda.save_meeting(Meeting(first.id, "2026-10-03", first.notes, "Bring two tasks.", first.created_at))
        assert agenda.meetings()[-1].next_steps == "Bring two tasks." and len(agenda.meetings()) == 2
        agenda.drop("plc1-q1")
        agenda.delete_meeting(first.id)
        assert [c.question.id for c in agenda.chosen()] == ["plc2-q4"] and len(agenda.meetings()) == 1


def test_the_agenda_refuses_what_it_cannot_keep(tmp_path: Path, pack: Pack, content: NetworkContent) -> None:
    with Workspace(tmp_path / "net", pack) as ws:
        agenda = Agenda(ws, content)
        with pytest.raises(WorkspaceError, match="no anchor question"):
            agenda.choose("plc9-q9")
        with pytest.raises(WorkspaceError, match="a date like"):
            agenda.save_meeting(Meeting("", ""))
        with pytest.raises(WorkspaceError, match="too long"):
            agenda.choose("plc1-q1", "x" * 5000)
        assert agenda.chosen() == [] and agenda.meetings() == []


def test_lens_checks_name_the_goals_that_touch_each_lens(content: NetworkContent) -> None:
    goals = ["learner-supports.equity-and-access", "curriculum.learning-continuum",
             "learner-supports.equity-and-access"]
    checks = {c.lens.id: c for c in lens_checks(content, goals)}
    assert checks["equity"].touching == ("learner-supports.equity-and-access",)
    assert not checks["leadership"].touched and not checks["implementation-quality"].touched
