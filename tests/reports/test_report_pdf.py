"""The assessment report: results per competency, small role groups hidden, notes without names."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from report_helpers import pdf_text, qpdf_check

from navtool_desktop.core.records import Consensus, Cycle, District, Participant, Rating, Tally
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.framework import Pack
from navtool_desktop.reports import ReportInput, render_report


def _report_input(pack: Pack) -> ReportInput:
    """Culture only: 4 educators, 2 leaders (too few), no learners, 5 community votes on paper."""
    cycle = Cycle(title="Winter check-in", date="2025-01-15", scope=("culture",), framework_id=pack.id,
                  framework_version=pack.version)
    educators = [Participant(name=f"Educator {n}", role_group="educator") for n in range(4)]
    leaders = [Participant(name=f"Secret Leader {n}", role_group="leader") for n in range(2)]
    ratings = []
    for comp in pack.condition("culture").competencies:
        ratings += [Rating(participant_id=p.id, competency_id=comp.id, level="developing") for p in educators]
        ratings += [Rating(participant_id=p.id, competency_id=comp.id, level="refining",
                           note="Leaders see this everywhere, said Secret Leader." if p is leaders[0] else "")
                    for p in leaders]
    first = pack.condition("culture").competencies[0].id
    tallies = [Tally(competency_id=first, role_group="community_member",
                     counts={"establishing": 3, "developing": 2})]
    consensus = [Consensus(competency_id=first, level="developing",
                           rationale="Most classrooms show it; the high school is catching up.")]
    results = cycle_results(pack, CycleInput(cycle, (*educators, *leaders), tuple(ratings), tuple(tallies),
                                             tuple(consensus)))
    return ReportInput(District(name="Peña Valley Unified"), results, tuple(ratings), date(2025, 2, 1))


def test_report_passes_qpdf_and_has_metadata_and_outline(pack: Pack, tmp_path: Path) -> None:
    pdf = render_report(pack, _report_input(pack))
    assert qpdf_check(pdf, tmp_path).returncode == 0
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None and reader.metadata.title.startswith("Assessment report: Winter check-in")
    assert reader.metadata.author == "Peña Valley Unified"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Summary" in titles and "Culture" in titles


def test_report_shows_every_competency_in_scope(pack: Pack, tmp_path: Path) -> None:
    text = " ".join(pdf_text(render_report(pack, _report_input(pack)), tmp_path).split())
    for comp in pack.condition("culture").competencies:
        assert comp.name in text
    assert pack.condition("agency").competencies[0].name not in text


def test_report_hides_small_groups_and_never_prints_their_numbers(pack: Pack, tmp_path: Path) -> None:
    data = _report_input(pack)
    text = pdf_text(render_report(pack, data), tmp_path, layout=True)
    # 2 leaders are hidden, and the 4 educators with them (the next-smallest group), so that the
    # overall counts minus the community members give only the two groups' votes together
    for group in ("Leaders", "Educators"):
        lines = [line for line in text.splitlines() if line.strip().startswith(group)]
        assert len(lines) == len(pack.condition("culture").competencies)
        for line in lines:
            assert "Hidden to protect a group of fewer than 3 people." in line
            assert not re.search(r"\d", line.replace("fewer than 3 people", "")), line
    learners = [line for line in text.splitlines() if line.strip().startswith("Learners")]
    assert learners and all("No votes from this group" in line for line in learners)
    community = [line for line in text.splitlines() if line.strip().startswith("Community members")]
    assert community[0].split()[2:7] == ["3", "2", "0", "0", "0"]  # the five paper votes
    assert "Hidden in this cycle: Educators, Leaders." in text


def test_report_prints_rationales_and_notes_without_names(pack: Pack, tmp_path: Path) -> None:
    text = " ".join(pdf_text(render_report(pack, _report_input(pack)), tmp_path).split())
    assert "Most classrooms show it; the high school is catching up." in text
    assert "Leaders see this everywhere" in text
    assert "Educator 0" not in text
    assert "5 of the votes were entered from paper sheets" in text


def test_the_equity_lens_prints_no_number_for_a_hidden_group(pack: Pack, tmp_path: Path) -> None:
    data = _report_input(pack)  # educators and leaders hidden together; community members on paper
    text = pdf_text(render_report(pack, data), tmp_path, layout=True)
    lens = text.split("Equity lens")[1].split("Change since the previous cycle")[0]
    row = next(line for line in lens.splitlines() if line.strip().startswith("Culture"))
    cells = [c for c in row.split() if c != "\u2605"]
    # Culture, Everyone, Educators, Leaders, Community members, Learners, Gap
    assert cells[2:4] == ["hidden", "hidden"] and cells[5] == "\u2014", row
    assert "first cycle with this framework" in " ".join(text.split())  # no previous cycle given


def test_under_the_threshold_the_equity_lens_prints_no_number(pack: Pack, tmp_path: Path) -> None:
    cycle = Cycle(title="Tiny", date="2025-01-15", scope=("culture",), framework_id=pack.id,
                  framework_version=pack.version)
    people = [Participant(name=f"P{n}", role_group="educator") for n in range(2)]
    ratings = [Rating(participant_id=p.id, competency_id=c.id, level="developing")
               for p in people for c in pack.condition("culture").competencies]
    results = cycle_results(pack, CycleInput(cycle, tuple(people), tuple(ratings)))
    text = pdf_text(render_report(pack, ReportInput(District(name="X"), results, tuple(ratings),
                                                    date(2025, 2, 1))), tmp_path, layout=True)
    lens = text.split("Equity lens")[1].split("Change since the previous cycle")[0]
    row = next(line for line in lens.splitlines() if line.strip().startswith("Culture"))
    assert not re.search(r"\d", row), row
