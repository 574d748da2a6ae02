"""The assessment report keeps small groups private: what pdftotext reads never pins down a hidden group.

The same subtraction attack as tests/core/test_disclosure.py, on the report's text: the overall
counts of every competency (overview tables) and the counts of every role group shown
(group tables). Few examples: each renders a PDF.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_helpers import pdf_text

from navtool_desktop.core.records import ROLE_GROUPS, Cycle, District, Participant, Rating
from navtool_desktop.core.results import CycleInput, cycle_results
from navtool_desktop.framework import Pack
from navtool_desktop.reports import style
from navtool_desktop.reports.data import ReportInput
from navtool_desktop.reports.report import render_report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))
from disclosure_check import SCOPE, ZERO, Counts, Publication, cycles, determined, items_of

_INTS = re.compile(r"\b\d+\b")


def report_publication(pack: Pack, text: str, withheld: frozenset[str] = frozenset()) -> Publication:
    """The counts a reader of the report's text sees, per competency.

    ``withheld``: competencies too few people rated; their overview rows have no numbers and
    they have no group table, so the rows and tables in order belong to the others.
    """
    comps = [c.id for cid in SCOPE for c in pack.condition(cid).competencies]
    counted = [c for c in comps if c not in withheld]
    pub = Publication(overall=dict.fromkeys(comps), groups={c: dict.fromkeys(ROLE_GROUPS) for c in comps})
    lines = text.splitlines()
    # overview tables: one row with six numbers (E D O R ? people) per competency, in order
    overall_rows: list[Counts] = []
    inside = False
    for line in lines:
        if re.match(r"\s*Competency\s+Level\s+Votes", line):
            inside = True
        elif inside and "E Establishing" in line:
            inside = False
        elif inside:
            numbers = _INTS.findall(line)
            if len(numbers) == 6:
                overall_rows.append(tuple(int(n) for n in numbers[:5]))
            else:
                assert not numbers, f"an overview row with stray numbers: {line!r}"
    if overall_rows:
        assert len(overall_rows) == len(counted)
        pub.overall.update(zip(counted, overall_rows, strict=True))
    # group tables: one per competency, in order
    names = {style.role_group_name(g): g for g in ROLE_GROUPS}
    tables = [n for n, line in enumerate(lines) if re.match(r"\s*Role group\s+E\s+D", line)]
    assert len(tables) in (0, len(counted))
    for cid, start in zip(counted, tables, strict=False):
        seen = 0
        for line in lines[start + 1:]:
            match = re.match(r"\s*(Educators|Leaders|Community members|Learners)\s+(.*)$", line)
            if not match:
                continue
            group, rest = names[match.group(1)], match.group(2)
            if rest.startswith("No votes"):
                pub.groups[cid][group] = ZERO
            elif rest.startswith("Hidden"):
                assert not _INTS.findall(rest.replace(f"fewer than {_threshold(text)}", "")), line
            else:
                pub.groups[cid][group] = tuple(int(n) for n in _INTS.findall(rest)[:5])
            seen += 1
            if seen == len(ROLE_GROUPS):
                break
    return pub


def _threshold(text: str) -> str:
    found = re.search(r"at least (\d+) people in it rated", text)
    assert found, "the report does not state the privacy rule"
    return found.group(1)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                           HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_report_text_never_determines_a_hidden_group(pack: Pack, data: st.DataObject, tmp_path: Path) -> None:
    cycle, truth = data.draw(cycles(pack))
    results = cycle_results(pack, cycle)
    pdf = render_report(pack, ReportInput(District(name="Test"), results, cycle.ratings, date(2026, 3, 2)))
    text = pdf_text(pdf, tmp_path, layout=True)
    withheld = frozenset(c.competency_id for c in results.competencies if not c.overall_shown)
    leaks = determined(truth, items_of(pack), report_publication(pack, text, withheld))
    assert not leaks, leaks[:5]


def _cycle(pack: Pack, **extra: object) -> Cycle:
    return Cycle(title="Spring", date="2026-03-01", scope=("agency",), framework_id=pack.id,
                 framework_version=pack.version, **extra)  # type: ignore[arg-type]


def test_a_hidden_pair_is_printed_as_hidden_and_the_rule_is_stated(pack: Pack, tmp_path: Path) -> None:
    # 6 educators, 4 community members, 2 leaders: leaders and community members are hidden together
    people = ([Participant(name=f"E{n}", role_group="educator") for n in range(6)]
              + [Participant(name=f"C{n}", role_group="community_member") for n in range(4)]
              + [Participant(name="Superintendent Ruiz", role_group="leader"),
                 Participant(name="Principal Obi", role_group="leader")])
    ratings = [Rating(participant_id=p.id, competency_id="agency.voice", level="developing",
                      note="The board never asks us" if p.name == "Principal Obi" else "")
               for p in people]
    results = cycle_results(pack, CycleInput(_cycle(pack), tuple(people), tuple(ratings)))
    assert results.disclosure.hidden_groups == ("leader", "community_member")
    text = pdf_text(render_report(pack, ReportInput(District(name="T"), results, tuple(ratings),
                                                    date(2026, 3, 2))), tmp_path, layout=True)
    assert "Hidden in this cycle: Leaders, Community members." in text
    assert text.count("Hidden to protect a group of fewer than 3 people.") == 2 * 3  # 3 competencies
    # the leader's note is printed without a name and not beside any group
    assert "The board never asks us" in text and "Obi" not in text and "Ruiz" not in text
    note_line = next(line for line in text.splitlines() if "The board never asks us" in line)
    assert not any(style.role_group_name(g) in note_line for g in ROLE_GROUPS)


def test_the_report_shows_a_recorded_threshold_change(pack: Pack, tmp_path: Path) -> None:
    cycle = _cycle(pack).with_threshold(5, by="Ana Peña", at="2026-03-02T10:00:00.000Z",
                                        reveals="Groups of 3 or 4 people are now hidden.")
    people = [Participant(name=f"E{n}", role_group="educator") for n in range(6)]
    ratings = [Rating(participant_id=p.id, competency_id="agency.voice", level="refining") for p in people]
    results = cycle_results(pack, CycleInput(cycle, tuple(people), tuple(ratings)))
    text = pdf_text(render_report(pack, ReportInput(District(name="T"), results, tuple(ratings),
                                                    date(2026, 3, 2))), tmp_path)
    flat = " ".join(text.split())
    assert "at least 5 people in it rated" in flat
    assert ("The threshold was changed from 3 to 5 by Ana Peña on March 2, 2026. "
            "Groups of 3 or 4 people are now hidden.") in flat


def test_a_cycle_under_the_threshold_prints_no_counts(pack: Pack, tmp_path: Path) -> None:
    people = [Participant(name="Only", role_group="learner"), Participant(name="Two", role_group="learner")]
    ratings = [Rating(participant_id=p.id, competency_id="agency.voice", level="refining", note="secret")
               for p in people]
    results = cycle_results(pack, CycleInput(_cycle(pack), tuple(people), tuple(ratings)))
    text = pdf_text(render_report(pack, ReportInput(District(name="T"), results, tuple(ratings),
                                                    date(2026, 3, 2))), tmp_path)
    flat = " ".join(text.split())
    assert "Fewer than 3 people rated in this cycle, so no counts are shown." in flat
    assert "secret" not in flat and "Voice Level: No level (no consensus yet)." in flat
    assert "Median vote" not in flat and "People 2" not in flat
