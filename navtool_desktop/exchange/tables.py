"""A cycle's ratings, its summary and the plans' actions as tables: CSV (UTF-8 with BOM) and Excel (XLSX).

Cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or
carriage return) get a leading apostrophe, so a note like ``=HYPERLINK(...)`` stays text.
In XLSX, characters XML cannot hold (control characters but tab, line feed and carriage
return; U+FFFE, U+FFFF; lone surrogates) are left out; CSV keeps every character.

Each table may start with a notice line: the ratings table says that it holds individual
answers (ratings with their notes, and answers to the guiding questions, each with its
writer); the summary table states the privacy rule it was made under (small role groups
hidden as in every other output, :mod:`navtool_desktop.core.disclosure`) and lists the notes
and answers without names, as the Consensus screen and the report show them
(:mod:`navtool_desktop.core.written`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from navtool_desktop.core import planning
from navtool_desktop.core.disclosure import texts_rule_text, texts_withheld_text
from navtool_desktop.core.records import RATING_CHOICES
from navtool_desktop.core.results import CycleResults, GroupResult, VoteSummary
from navtool_desktop.core.written import CycleWritten, Texts, cycle_written
from navtool_desktop.exchange.errors import BundleError
from navtool_desktop.exchange.files import write_file
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.repository import DistrictStore

WHATS: tuple[str, ...] = ("ratings", "summary", "actions")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Table(NamedTuple):
    """A header, rows, and a notice for the first line (empty: none)."""

    head: list[str]
    rows: list[list[str]]
    notice: str = ""


def ratings_notice() -> str:
    """The first line of every ratings table."""
    return "# " + _("This file contains individual answers: each row is one person's rating or written "
                    "answer, with their name or code and their note. Keep it on the facilitator's laptop; "
                    "share the summary (small groups hidden) instead.")


#: The longest text an Excel cell holds (openpyxl cuts longer text there without a sign).
MAX_CELL = 32_767
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_cell(value: object, *, xml: bool = False) -> str:
    """A cell's text, made inert if a spreadsheet would read it as a formula; with ``xml``,
    without the characters an XLSX file (XML) cannot hold, and cut to what a cell holds
    with a visible "…"."""
    text = "" if value is None else str(value)
    if xml:
        text = _NOT_XML.sub("", text)
    text = "'" + text if text.startswith(_FORMULA_START) else text
    if xml and len(text) > MAX_CELL:
        text = text[:MAX_CELL - 1] + "\u2026"
    return text


def ratings_table(store: DistrictStore, pack: Pack, cycle_id: str) -> Table:
    """One row per rating of a cycle."""
    data = store.cycle(cycle_id)
    head = [_("cycle"), _("participant or code"), _("role group"), _("condition"),
            _("competency"), _("level"), _("practices"), _("note"), _("time"), _("guiding question")]
    rows = []
    order = {c.id: n for n, c in enumerate(pack.competencies)}
    ratings = sorted(data.ratings.values(), key=lambda r: (
        data.participants[r.participant_id].label.casefold() if r.participant_id in data.participants
        else "", order.get(r.competency_id, len(order)), r.competency_id))
    for rating in ratings:
        person = data.participants.get(rating.participant_id)
        try:
            competency = pack.competency(rating.competency_id)
            condition, name = pack.condition(competency.condition_id).name, competency.name
        except KeyError:
            condition, name = "", rating.competency_id
        rows.append([data.cycle.title, person.label if person else rating.participant_id,
                     person.role_group.replace("_", " ") if person else "", condition, name,
                     rating.level.replace("_", " "), "; ".join(rating.practices), rating.note,
                     rating.updated, ""])
    # then each answer to a guiding question: the answer in the note column, the question last
    questions = {q.id: (c.name, q.text) for c in pack.conditions for qs in c.questions.values() for q in qs}
    answers = sorted(data.responses.values(), key=lambda r: (
        data.participants[r.participant_id].label.casefold() if r.participant_id in data.participants
        else "", r.question_id))
    for response in answers:
        if not response.text.strip():
            continue
        person = data.participants.get(response.participant_id)
        condition, question = questions.get(response.question_id, ("", response.question_id))
        rows.append([data.cycle.title, person.label if person else response.participant_id,
                     person.role_group.replace("_", " ") if person else "", condition, "", "", "",
                     response.text, response.updated, question])
    return Table(head, rows, ratings_notice())


def summary_table(pack: Pack, results: CycleResults, written: CycleWritten | None = None) -> Table:
    """Counts per competency and condition, overall and per role group, under the privacy rule,
    then the notes and answers that ``written`` shows (without names).

    Hidden groups (and, when the cycle is too small, every row) have no numbers at all.
    """
    from navtool_desktop.core.disclosure import hidden_text, item_withheld_text, no_counts_text, rule_text
    from navtool_desktop.core.results import EMPTY, SHOWN

    head = [_("kind"), _("id"), _("name"), _("role group"),
            *(c.replace("_", " ") for c in RATING_CHOICES), _("people"), _("median"), _("note")]
    withheld = no_counts_text(results.threshold)
    rows: list[list[str]] = []

    def numbers(summary: VoteSummary) -> list[str]:
        return [*(str(n) for n in summary.distribution.counts), str(summary.respondents),
                (summary.median or "").replace("_", " ")]

    items: list[tuple[str, str, str, VoteSummary | None, Sequence[GroupResult]]] = []
    for cond in results.conditions:
        items.append((_("condition"), cond.condition_id, pack.condition(cond.condition_id).name,
                      cond.overall if cond.overall_shown else None, cond.groups))
        for comp in results.competencies:
            if comp.condition_id == cond.condition_id:
                items.append((_("competency"), comp.competency_id,
                              pack.competency(comp.competency_id).name,
                              comp.overall if comp.overall_shown else None, comp.groups))
    blank = [""] * (len(RATING_CHOICES) + 2)
    for kind, item_id, name, overall, groups in items:
        if overall is not None:
            rows.append([kind, item_id, name, "all", *numbers(overall), ""])
        else:
            rows.append([kind, item_id, name, "all", *blank,
                         withheld if not results.overall_shown else item_withheld_text(results.threshold)])
        for group in groups:
            label = group.role_group.replace("_", " ")
            if group.status == SHOWN and group.summary is not None:
                rows.append([kind, item_id, name, label, *numbers(group.summary), ""])
            elif group.status == EMPTY:
                rows.append([kind, item_id, name, label, *(["0"] * (len(RATING_CHOICES) + 1)), "",
                             _("no ratings")])
            else:
                rows.append([kind, item_id, name, label, *blank, hidden_text(results.threshold)])
    if written is not None:
        rows += _written_rows(pack, results, written, len(blank))
    notice = rule_text(results.threshold) + (" " + texts_rule_text(results.threshold) if written else "")
    return Table(head, rows, "# " + notice)


def _written_rows(pack: Pack, results: CycleResults, written: CycleWritten, blanks: int) -> list[list[str]]:
    """One row per note or answer shown, or one saying they are withheld."""
    rows: list[list[str]] = []

    def add(kind: str, texts: Texts, name: str, who: str) -> None:
        if not texts.shown:
            rows.append([kind, texts.item_id, name, who, *[""] * blanks, texts_withheld_text(written.threshold)])
        rows.extend([kind, texts.item_id, name, who, *[""] * blanks, text] for text in texts.texts)

    for cond in results.conditions:
        for comp in results.competencies:
            notes = written.notes_on(comp.competency_id)
            if comp.condition_id == cond.condition_id and notes is not None:
                add(_("note"), notes, pack.competency(comp.competency_id).name, "all")
        for answers in written.answers_for(cond.condition_id):
            add(_("answer"), answers, answers.question, answers.audience.replace("_", " "))
    return rows


def actions_table(store: DistrictStore, pack: Pack) -> Table:
    """One row per action of every plan: plans by period, goals in the team's order of
    priority, actions by date (as in the plan PDF)."""
    head = [_("plan"), _("plan status"), _("competency"), _("goal"), _("target level"),
            _("action"), _("owner"), _("start"), _("due"), _("status"), _("resources"),
            _("time")]
    rows = []
    for plan in store.plans():
        for goal in store.goals(plan.id):
            try:
                competency = pack.competency(goal.competency_id).name
            except KeyError:
                competency = goal.competency_id
            for action in planning.ordered_actions(store.actions(goal.id)):
                rows.append([plan.title, plan.status, competency, goal.statement, goal.target_level,
                             action.description, action.owner, action.start, action.due,
                             action.status.replace("_", " "), action.resources, action.updated])
    return Table(head, rows)


def table_for(store: DistrictStore, pack: Pack, what: str, cycle_id: str | None) -> Table:
    if what == "actions":
        return actions_table(store, pack)
    if cycle_id is None:
        raise BundleError(_("Choose a cycle to export."))
    if what == "summary":
        results = store.results.cycle(pack, cycle_id)
        data = store.cycle(cycle_id)
        return summary_table(pack, results, cycle_written(pack, results, data.participants.values(),
                                                          data.ratings.values(), data.responses.values()))
    return ratings_table(store, pack, cycle_id)


def csv_bytes(head: Sequence[str], rows: Sequence[Sequence[object]], notice: str = "") -> bytes:
    """CSV as UTF-8 with a byte order mark (so Excel reads accents), CRLF line ends.

    A ``notice`` becomes the first line, as one cell.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if notice:
        writer.writerow([safe_cell(notice)])
    writer.writerow([safe_cell(h) for h in head])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(head: Sequence[str], rows: Sequence[Sequence[object]], title: str,
               notice: str = "") -> bytes:
    """An Excel workbook with one sheet: a notice line if any, a bold, frozen header row, then
    the rows as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    if notice:
        sheet.append([safe_cell(notice, xml=True)])
        sheet.cell(1, 1).font = Font(italic=True)
    sheet.append([safe_cell(h, xml=True) for h in head])
    for row in rows:
        sheet.append([safe_cell(c, xml=True) for c in row])
    header_row = 2 if notice else 1
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"
    for n, name in enumerate(head, 1):
        width = max([len(name), *(len(str(r[n - 1])) for r in rows[:200])], default=10)
        sheet.column_dimensions[sheet.cell(header_row, n).column_letter].width = min(max(width, 8), 60) + 2
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check(out: Path, what: str, fmt: str | None) -> str:
    if what not in WHATS:
        raise BundleError(_("Export ratings, a summary or actions, not {what}.").format(what=what))
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in ("csv", "xlsx"):
        raise BundleError(_("Export as .csv or .xlsx, not {suffix}.").format(suffix=out.suffix or fmt))
    return fmt


def export_table(store: DistrictStore, pack: Pack, out: Path, *, what: str = "ratings",
                 cycle_id: str | None = None, fmt: str | None = None) -> int:
    """Write ratings or actions as CSV or XLSX (by ``fmt`` or the file's suffix); return the row count.

    In two halves for an app: :func:`table_for` reads the store, :func:`write_table` writes.
    """
    _check(out, what, fmt)
    return write_table(table_for(store, pack, what, cycle_id), out, what=what, fmt=fmt)


def write_table(table: Table, out: Path, *, what: str = "ratings", fmt: str | None = None) -> int:
    """Write a table made by :func:`table_for` as CSV or XLSX; return the row count.

    Uses no store (fit for a worker thread).
    """
    fmt = _check(out, what, fmt)
    head, rows, notice = table
    if fmt == "csv":
        raw = csv_bytes(head, rows, notice)
    else:
        title = {"ratings": _("Ratings"), "summary": _("Summary")}.get(what, _("Actions"))
        raw = xlsx_bytes(head, rows, title, notice)
    write_file(out, raw)
    return len(rows)
