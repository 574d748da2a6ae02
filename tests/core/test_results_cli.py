"""``navtool results``: read from the store, aligned text, stable JSON, anonymity applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from navtool_desktop.cli import main
from navtool_desktop.core.records import (
    LEVELS,
    RATING_CHOICES,
    ROLE_GROUPS,
    Consensus,
    Cycle,
    District,
    Participant,
    Rating,
    Tally,
)
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository

VOICE = "agency.voice"
GOALS = "agency.goal-setting"


def results(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["results", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str]) -> list[Cycle]:
    """The demo district (one school year: four cycles); its cycles, oldest first."""
    assert main(["demo", "--years", "1"]) == 0
    capsys.readouterr()
    with Repository(read_only=True) as repo:
        return repo.open_last().cycles()  # type: ignore[union-attr]


def small_district(pack: Pack, leaders: int = 2) -> tuple[str, str]:
    """A district with one scoped cycle: 3 learners, ``leaders`` leaders, a paper tally."""
    with Repository() as repo:
        store = repo.create_district(District(name="Cedar Falls"))
        cycle = Cycle(title="Retreat", date="2025-05-01", scope=("agency",),
                      framework_id=pack.id, framework_version=pack.version)
        people = [Participant(name=f"L{n}", role_group="learner") for n in range(3)]
        people += [Participant(name=f"A{n}", role_group="leader") for n in range(leaders)]
        ratings = [Rating(participant_id=p.id, competency_id=VOICE,
                          level="developing" if p.role_group == "learner" else "refining")
                   for p in people]
        store.import_cycle(cycle, people, ratings, consensus=[
            Consensus(competency_id=GOALS, level="establishing", rationale="Just starting.")],
            tallies=[Tally(competency_id=VOICE, role_group="community_member",
                           counts={"operationalizing": 2, "not_sure": 1})])
        return store.id, cycle.id


def test_json_of_the_latest_demo_cycle(demo: list[Cycle], pack: Pack,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = results(capsys)
    assert data["cycle"]["id"] == demo[-1].id
    assert data["previous_cycle"] == demo[-2].id
    assert data["anonymity_threshold"] == 3
    assert [c["id"] for c in data["competencies"]] == [c.id for c in pack.competencies]
    assert [c["id"] for c in data["conditions"]] == [c.id for c in pack.conditions]
    for comp in data["competencies"]:
        assert list(comp["distribution"]) == [*RATING_CHOICES, "tallied"]
        assert list(comp["role_groups"]) == list(ROLE_GROUPS)
        assert comp["median"] in LEVELS
        assert isinstance(comp["low_agreement"], bool)
        assert comp["change"] in ("up", "down", "same", "new", "unrated")
        assert sum(comp["distribution"][k] for k in RATING_CHOICES) == comp["respondents"]
    assert len(data["strengths"]) == len(data["growth_areas"]) == 3
    assert "half" in data["rules"]["low_agreement"]


def test_json_is_stable(demo: list[Cycle], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", "--format", "json"]) == 0
    first = capsys.readouterr().out
    assert main(["results", "--format", "json", "--cycle", demo[-1].id]) == 0
    assert capsys.readouterr().out == first


def test_a_cycle_with_paper_tallies(demo: list[Cycle], capsys: pytest.CaptureFixture[str]) -> None:
    data = results(capsys, "--cycle", demo[0].id)  # the fall baseline has community tallies
    assert data["previous_cycle"] is None
    assert all(c["change"] == "new" for c in data["competencies"])
    for comp in data["competencies"]:
        community = comp["role_groups"]["community_member"]
        assert community["status"] == "shown"
        assert community["distribution"]["tallied"] > 0
        assert comp["distribution"]["tallied"] == community["distribution"]["tallied"]


def test_a_scoped_demo_cycle(demo: list[Cycle], pack: Pack,
                             capsys: pytest.CaptureFixture[str]) -> None:
    scoped = next(c for c in demo if c.scope is not None)
    data = results(capsys, "--cycle", scoped.id)
    assert data["cycle"]["scope"] == list(scoped.scope or ())
    assert {c["condition"] for c in data["competencies"]} == set(scoped.scope or ())
    assert [c["id"] for c in data["conditions"]] == [
        c.id for c in pack.conditions if c.id in (scoped.scope or ())]


def test_anonymity_and_threshold_option(pack: Pack, capsys: pytest.CaptureFixture[str]) -> None:
    district, cycle = small_district(pack, leaders=2)
    data = results(capsys, "--district", district, "--cycle", cycle)
    voice = next(c for c in data["competencies"] if c["id"] == VOICE)
    assert voice["role_groups"]["leader"] == {"status": "suppressed"}
    assert voice["role_groups"]["educator"] == {"status": "empty"}
    # three paper votes, but the next-smallest group: hidden with the leaders
    assert voice["role_groups"]["community_member"] == {"status": "suppressed"}
    assert voice["role_groups"]["learner"]["distribution"]["developing"] == 3
    assert voice["distribution"]["refining"] == 2  # the hidden groups still count overall
    assert data["privacy"]["hidden_groups"] == ["leader", "community_member"]
    assert data["privacy"]["counts_shown"] is True
    assert data["privacy"]["rule"].startswith("Privacy: a role group's counts are shown only when "
                                              "at least 3 people")
    assert voice["consensus"] is None and voice["level_source"] == "median"
    goals = next(c for c in data["competencies"] if c["id"] == GOALS)
    assert goals["consensus"] == {"level": "establishing", "rationale": "Just starting."}
    assert data["without_consensus"] == ["agency.voice", "agency.collective-efficacy"]
    # a lower threshold is refused; a higher one hides more
    assert main(["results", "--district", district, "--cycle", cycle, "--threshold", "2"]) == 1
    assert "--threshold must be at least 3" in capsys.readouterr().err
    stricter = results(capsys, "--district", district, "--cycle", cycle, "--threshold", "4")
    assert stricter["anonymity_threshold"] == 4
    assert stricter["privacy"]["hidden_groups"] == ["leader", "community_member", "learner"]


def test_threshold_below_the_cycles_is_refused(pack: Pack, capsys: pytest.CaptureFixture[str]) -> None:
    district, cycle_id = small_district(pack, leaders=3)
    with Repository() as repo:
        store = repo.open_district(district)
        store.save_cycle(store.get_cycle(cycle_id).with_threshold(
            4, by="Ana", reveals="Groups of 3 people are now hidden too."))
    data = results(capsys, "--district", district, "--cycle", cycle_id)
    assert data["anonymity_threshold"] == 4
    assert [(c["old"], c["new"], c["by"]) for c in data["privacy"]["threshold_changes"]] == [(3, 4, "Ana")]
    assert main(["results", "--district", district, "--cycle", cycle_id, "--threshold", "3"]) == 1
    assert "below this cycle's threshold of 4" in capsys.readouterr().err
    assert main(["results", "--district", district, "--cycle", cycle_id]) == 0
    out = capsys.readouterr().out
    assert "at least 4 people in it rated" in out


def test_text_is_aligned_and_hides_small_groups(pack: Pack,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    district, cycle = small_district(pack, leaders=2)
    assert main(["results", "--district", district, "--cycle", cycle]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Cedar Falls: Retreat (2025-05-01), 3 competencies in scope")
    header = next(line for line in lines if line.startswith("competency / role group"))
    column = header.index("median")
    rows = [line for line in lines if line.startswith("  ") and len(line) > column
            and line[column:].split()[0] in (*LEVELS, "\u2014")]
    assert len(rows) == 3 + 3  # three competencies, each with the learners (shown once for the cycle)
    assert all(line[column - 1] == " " for line in rows)
    hidden = [line for line in lines if "hidden to protect a group of fewer than 3 people" in line]
    assert [line.split()[0] for line in hidden] == ["leader", "community"] * 3
    assert "Agency \u2605" in lines
    at = next(n for n, line in enumerate(lines) if line.startswith("  Voice"))
    voice = lines[at]
    assert voice.endswith(" 3")  # three votes on paper
    assert len(voice) == len(header)  # the on-paper column lines up


def test_text_of_the_demo(demo: list[Cycle], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "Summer retreat" in out.splitlines()[0]
    assert out.count("\u2605") == 4
    assert "Strengths: " in out and "Growth areas: " in out


def test_errors_are_one_line(tmp_path: Path, pack: Pack,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results"]) == 1
    assert "say which district with --district ID (0 found)" in capsys.readouterr().err
    district, _cycle = small_district(pack)
    assert main(["results", "--cycle", "no-such-cycle"]) == 1
    assert "There is no cycle with id no-such-cycle" in capsys.readouterr().err
    assert main(["results", "--threshold", "0"]) == 1
    assert "--threshold must be at least 3" in capsys.readouterr().err
    with Repository() as repo:
        empty = repo.create_district(District(name="Empty USD")).id
    assert main(["results", "--district", empty]) == 1
    assert "has no cycles yet" in capsys.readouterr().err
    assert main(["results", "--district", district]) == 0


def test_a_cycle_under_the_threshold_prints_no_counts(pack: Pack, capsys: pytest.CaptureFixture[str]) -> None:
    with Repository() as repo:
        store = repo.create_district(District(name="Tiny USD"))
        cycle = Cycle(title="Pilot", date="2025-05-01", scope=("agency",), framework_id=pack.id,
                      framework_version=pack.version)
        people = [Participant(name=f"L{n}", role_group="learner") for n in range(2)]
        store.import_cycle(cycle, people, [Rating(participant_id=p.id, competency_id=VOICE, level="refining")
                                           for p in people])
    data = results(capsys, "--cycle", cycle.id)
    assert data["privacy"]["counts_shown"] is False
    voice = next(c for c in data["competencies"] if c["id"] == VOICE)
    assert voice["status"] == "suppressed" and "distribution" not in voice and voice["level"] is None
    assert voice["role_groups"]["learner"] == {"status": "suppressed"}
    assert all("distribution" not in c for c in data["conditions"])
    assert main(["results", "--cycle", cycle.id]) == 0
    out = capsys.readouterr().out
    assert "Fewer than 3 people rated in this cycle, so no counts are shown." in out
    voice_line = next(line for line in out.splitlines() if line.startswith("  Voice"))
    assert not any(ch.isdigit() for ch in voice_line)


def test_a_competency_one_person_rated_prints_no_counts(pack: Pack, capsys: pytest.CaptureFixture[str]) -> None:
    """Attack: 8 people rated Voice, one learner alone rated Goal Setting."""
    with Repository() as repo:
        store = repo.create_district(District(name="Cedar Falls"))
        cycle = Cycle(title="Retreat", date="2025-05-01", scope=("agency",),
                      framework_id=pack.id, framework_version=pack.version)
        people = [Participant(name=f"E{n}", role_group="educator") for n in range(8)]
        ratings = [Rating(participant_id=p.id, competency_id=VOICE, level="developing") for p in people]
        ratings.append(Rating(participant_id=people[0].id, competency_id=GOALS, level="refining"))
        store.import_cycle(cycle, people, ratings)
    data = results(capsys)
    goals = next(c for c in data["competencies"] if c["id"] == GOALS)
    assert goals["status"] == "suppressed" and "distribution" not in goals and goals["level"] is None
    assert goals["role_groups"]["educator"] == {"status": "suppressed"}
    agency = data["conditions"][0]
    assert agency["status"] == "suppressed" and agency["role_groups"]["educator"] == {"status": "suppressed"}
    assert main(["results"]) == 0
    text = capsys.readouterr().out
    line = next(row for row in text.splitlines() if "Goal Setting" in row)
    assert "Fewer than 3 people rated this, so no counts are shown for it." in line
    assert "refining" not in text.split("Strengths")[0].lower().replace("r refining", "")
