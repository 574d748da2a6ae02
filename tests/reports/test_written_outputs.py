"""What people wrote reaches the team: the Consensus screen, the report PDF and the summary table
show the same notes and answers, without names, and none shows what the rule withholds.

Trial (review 2026-12-01, finding 8): the learner's answer "I don't really know what it is.
Teachers never told us." was on no screen, in neither PDF and not in the CSV. It must reach the
facilitator's raw table, but with one learner in the cycle it must not reach any shared output:
each output shows the same texts, so no output minus another gives back a small group's.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from report_helpers import pdf_text

from navtool_desktop.core.records import Cycle, District, Participant, QuestionResponse, Rating
from navtool_desktop.exchange.tables import export_table
from navtool_desktop.framework import Pack
from navtool_desktop.reports import render_report
from navtool_desktop.reports.data import load_report
from navtool_desktop.storage.repository import DistrictStore, Repository

pytestmark = pytest.mark.gui

COMPETENCY = "agency.voice"
LEARNER_ANSWER = "I don't really know what it is. Teachers never told us."
ADULT_ANSWERS = ("Only the high school has a data team.", "<b>bold</b> & <script>alert(1)</script>")
NOTES = ("We look at data once a year, not as routine.", "Family nights are full.",
         "\u202eevil\u202c turned around?")
NAMES = ("Rosa Martínez", "Lupe Archuleta", "Tomás Vigil", "Ana Lucero", "Dana Whitehorse", "L-07")


@pytest.fixture
def store(repo: Repository, pack: Pack) -> tuple[DistrictStore, str]:
    store = repo.create_district(District(name="Distrito Escolar de Peñasco"))
    cycle = Cycle(title="Spring retreat", date="2027-03-12", scope=("agency",), framework_id=pack.id,
                  framework_version=pack.version)
    store.create_cycle(cycle)
    roles = ("educator", "educator", "educator", "leader", "community_member", "learner")
    people = [store.save_participant(cycle.id, Participant(name=n, role_group=r))
              for n, r in zip(NAMES, roles, strict=True)]
    for n, person in enumerate(people):
        store.save_rating(cycle.id, Rating(participant_id=person.id, competency_id=COMPETENCY,
                                           level="developing", note=NOTES[n] if n < len(NOTES) else ""))
    condition = pack.condition("agency")
    adult_q = condition.questions["educators_leaders_community"][0].id
    learner_q = condition.questions["learners"][0].id
    for person, text in zip(people[:2], ADULT_ANSWERS, strict=True):
        store.save_response(cycle.id, QuestionResponse(participant_id=person.id, question_id=adult_q, text=text))
    store.save_response(cycle.id, QuestionResponse(participant_id=people[-1].id, question_id=learner_q,
                                                   text=LEARNER_ANSWER))
    return store, cycle.id


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_shared_output_shows_the_same_texts_and_never_the_small_groups(
        qtbot: QtBot, pack: Pack, store: tuple[DistrictStore, str], tmp_path: Path) -> None:
    from navtool_desktop.ui.consensus_screen import ConsensusScreen

    district, cycle_id = store
    shown = (*ADULT_ANSWERS, *NOTES[:2], "evil turned around?")

    # the Consensus screen, on the competency under discussion
    screen = ConsensusScreen(pack, district)
    qtbot.addWidget(screen)
    screen.show()
    screen.go_to([c.competency_id for c in screen.results.competencies].index(COMPETENCY))
    on_screen = screen.written_view.toPlainText()
    assert "\u202e" not in on_screen and "\u202c" not in on_screen  # no override turns the view around

    # the report PDF
    report = _flat(pdf_text(render_report(pack, load_report(district, pack, cycle_id)), tmp_path))

    # the summary table (CSV), the one to share
    out = tmp_path / "summary.csv"
    export_table(district, pack, out, what="summary", cycle_id=cycle_id)
    summary = out.read_bytes().decode("utf-8-sig")
    summary_cells = {cell for row in csv.reader(io.StringIO(summary)) for cell in row}

    for text in shown:
        assert text in on_screen, text
        assert _flat(text) in report, text
        assert text in summary_cells, text
    for output in (on_screen, report, summary):
        assert "Teachers never told us" not in output  # the one learner's answer
        assert not any(name in output for name in NAMES)
        assert "fewer than 3 people could have written these" in _flat(output)
    # the question withheld is the same everywhere; the adults' question shows everywhere
    assert on_screen.count("Not shown:") == _flat(report).count("Not shown:") == summary.count("Not shown:") == 1


def test_the_raw_table_carries_every_answer_with_its_writer(pack: Pack, store: tuple[DistrictStore, str],
                                                            tmp_path: Path) -> None:
    district, cycle_id = store
    out = tmp_path / "ratings.csv"
    export_table(district, pack, out, what="ratings", cycle_id=cycle_id)
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0][0].startswith("# This file contains individual answers")
    answer = next(r for r in rows[2:] if r[7] == LEARNER_ANSWER)
    assert answer[1] == "L-07" and answer[2] == "learner" and answer[9] == pack.condition(
        "agency").questions["learners"][0].text
    assert "'<b>bold</b>" not in out.read_text(encoding="utf-8-sig")  # text, not a formula or markup change
    assert sum(1 for r in rows[2:] if r[9]) == 3


def test_the_xlsx_summary_holds_the_answers_as_text(pack: Pack, store: tuple[DistrictStore, str],
                                                     tmp_path: Path) -> None:
    from openpyxl import load_workbook

    district, cycle_id = store
    out = tmp_path / "summary.xlsx"
    export_table(district, pack, out, what="summary", cycle_id=cycle_id)
    cells = {str(c) for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c}
    assert ADULT_ANSWERS[1] in cells and NOTES[0] in cells
    assert not any("Teachers never told us" in c for c in cells)


def test_the_exchange_screen_exports_the_summary_of_the_chosen_cycle(
        qtbot: QtBot, pack: Pack, store: tuple[DistrictStore, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary button used to export no cycle at all ("Choose a cycle to export")."""
    from PySide6.QtCore import Qt

    from navtool_desktop.ui import messages
    from navtool_desktop.ui.exchange_screen import ExchangeScreen

    shown: list[str] = []
    monkeypatch.setattr(messages, "_show", lambda _icon, _parent, title, text, *_a: shown.append(text)
                        or messages.Button.Ok)

    district, _cycle_id = store
    screen = ExchangeScreen(pack, district)
    qtbot.addWidget(screen)
    target = tmp_path / "summary.csv"
    screen.ask_save_path = lambda *_args: target  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.exported, timeout=20000):
        qtbot.mouseClick(screen.summary_button, Qt.MouseButton.LeftButton)
    assert not shown
    summary = target.read_bytes().decode("utf-8-sig")
    assert ADULT_ANSWERS[0] in summary and "Teachers never told us" not in summary
