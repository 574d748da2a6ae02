"""A cycle's ratings and the plans' actions as tables: CSV (UTF-8 with BOM) and Excel (XLSX).

Cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or
carriage return) get a leading apostrophe, so a note like ``=HYPERLINK(...)`` stays text.
In XLSX, characters XML cannot hold (control characters but tab, line feed and carriage
return; U+FFFE, U+FFFF; lone surrogates) are left out; CSV keeps every character.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from navtool_desktop.exchange.errors import BundleError
from navtool_desktop.exchange.files import write_file
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.repository import DistrictStore

WHATS: tuple[str, ...] = ("ratings", "actions")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Table = tuple[list[str], list[list[str]]]


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_cell(value: object, *, xml: bool = False) -> str:
    """A cell's text, made inert if a spreadsheet would read it as a formula; with ``xml``,
    without the characters an XLSX file (XML) cannot hold."""
    text = "" if value is None else str(value)
    if xml:
        text = _NOT_XML.sub("", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def ratings_table(store: DistrictStore, pack: Pack, cycle_id: str) -> Table:
    """One row per rating of a cycle."""
    data = store.cycle(cycle_id)
    head = [_("cycle"), _("participant or code"), _("role group"), _("condition"),
            _("competency"), _("level"), _("practices"), _("note"), _("time")]
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
                     rating.updated])
    return head, rows


def actions_table(store: DistrictStore, pack: Pack) -> Table:
    """One row per action of every plan, in plan and goal order."""
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
            for action in store.actions(goal.id):
                rows.append([plan.title, plan.status, competency, goal.statement, goal.target_level,
                             action.description, action.owner, action.start, action.due,
                             action.status.replace("_", " "), action.resources, action.updated])
    return head, rows


def table_for(store: DistrictStore, pack: Pack, what: str, cycle_id: str | None) -> Table:
    if what == "actions":
        return actions_table(store, pack)
    if cycle_id is None:
        raise BundleError(_("Choose a cycle to export."))
    return ratings_table(store, pack, cycle_id)


def csv_bytes(head: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """CSV as UTF-8 with a byte order mark (so Excel reads accents), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in head])
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(head: Sequence[str], rows: Sequence[Sequence[object]], title: str) -> bytes:
    """An Excel workbook with one sheet: a bold, frozen header row, then the rows as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([safe_cell(h, xml=True) for h in head])
    for row in rows:
        sheet.append([safe_cell(c, xml=True) for c in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for n, name in enumerate(head, 1):
        width = max([len(name), *(len(str(r[n - 1])) for r in rows[:200])], default=10)
        sheet.column_dimensions[sheet.cell(1, n).column_letter].width = min(max(width, 8), 60) + 2
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _check(out: Path, what: str, fmt: str | None) -> str:
    if what not in WHATS:
        raise BundleError(_("Export ratings or actions, not {what}.").format(what=what))
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
    head, rows = table
    if fmt == "csv":
        raw = csv_bytes(head, rows)
    else:
        raw = xlsx_bytes(head, rows, _("Ratings") if what == "ratings" else _("Actions"))
    write_file(out, raw)
    return len(rows)
