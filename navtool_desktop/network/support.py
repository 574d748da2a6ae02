"""The coach's support menu: a readiness tier per district, and a support plan per district.

Tiers follow the rule in ``content/network/support.toml`` (the app shows it as written):
each competency's tier comes from its level in the district's latest cycle, and the district's
tier is the middle one of its competencies' tiers (the lower middle with an even number).
Support plans are rows in the workspace file: a support type, a competency, by whom, when
(a date), a status and a note. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from navtool_desktop.core.records import ACTION_STATUSES
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.network.content import NetworkContent, Tier
from navtool_desktop.network.peer import Agenda
from navtool_desktop.network.tables import MAX_LINE, clean_day, clean_text, ensure, transaction
from navtool_desktop.network.workspace import Workspace, WorkspaceError
from navtool_desktop.vocabulary import action_status_name, level_name, translation_status_name

#: A support row's status uses the words of a plan's actions (vocabulary.action_status_name).
STATUSES = ACTION_STATUSES

_SCHEMA = """
CREATE TABLE IF NOT EXISTS support_rows (
    id TEXT PRIMARY KEY, district_id TEXT NOT NULL, type_id TEXT NOT NULL, competency_id TEXT NOT NULL,
    by_whom TEXT NOT NULL DEFAULT '', due TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'not_started',
    note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS support_rows_by_district ON support_rows (district_id, position, created_at)
"""


# --- tiers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictTier:
    """A district's readiness tier and how it was derived."""

    district_id: str
    cycle: tuple[str, str] | None                 #: (cycle id, date) the levels come from
    tier: Tier | None                             #: None: no cycle, or no competency with a level
    per_competency: Mapping[str, Tier | None]     #: every pack competency -> its tier (None: no level)
    counts: Mapping[str, int]                     #: tier id -> how many competencies have it


def derive_tier(district_id: str, levels: Mapping[str, str], content: NetworkContent, pack: Pack,
                cycle: tuple[str, str] | None = None) -> DistrictTier:
    """The tier of one district from its competencies' levels in one cycle (see the module docstring)."""
    per: dict[str, Tier | None] = {c.id: content.tier_of_level(levels.get(c.id)) for c in pack.competencies}
    order = [t.id for t in content.tiers]
    ranked = sorted((t for t in per.values() if t is not None), key=lambda t: order.index(t.id))
    counts = {t.id: sum(1 for x in ranked if x.id == t.id) for t in content.tiers}
    overall = ranked[(len(ranked) - 1) // 2] if ranked else None
    return DistrictTier(district_id, cycle, overall, per, counts)


def district_tiers(ws: Workspace, content: NetworkContent, *, year: int | None = None) -> dict[str, DistrictTier]:
    """Every district's tier from its latest cycle (in ``year``, or of all)."""
    view = ws.side_by_side(year=year)
    return {d.id: derive_tier(d.id, view.levels.get(d.id, {}), content, ws.pack, view.cycle.get(d.id))
            for d in view.districts}


def explain(result: DistrictTier, content: NetworkContent) -> str:
    """One plain sentence: the tier and exactly how it came out of the levels."""
    if result.cycle is None:
        return _("No tier yet: no cycle of this district has been imported.")
    if result.tier is None:
        return _("No tier yet: no competency has a level in the cycle of {date}.").format(date=result.cycle[1])
    parts = ", ".join(_("{n} at {tier}").format(n=result.counts[t.id], tier=t.name) for t in content.tiers)
    rated = sum(result.counts.values())
    return _("{tier}: in the cycle of {date}, {rated} competencies have a level ({parts}); the middle one of "
             "them, in order from {first} to {last}, is {tier}.").format(
        tier=result.tier.name, date=result.cycle[1], rated=rated, parts=parts, first=content.tiers[0].name,
        last=content.tiers[-1].name)


# --- support plans -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportRow:
    id: str
    district_id: str
    type_id: str
    competency_id: str
    by_whom: str = ""
    due: str = ""             #: ISO date, or empty
    status: str = "not_started"
    note: str = ""
    created_at: str = ""


class SupportPlans:
    """The support rows of every district in a workspace (created on first use)."""

    def __init__(self, ws: Workspace, content: NetworkContent) -> None:
        self.ws = ws
        self.content = content
        self._db = ensure(ws, _SCHEMA)

    def _checked(self, row: SupportRow) -> SupportRow:
        if row.type_id not in {t.id for t in self.content.types}:
            raise WorkspaceError(_("There is no support type \u201c{id}\u201d.").format(id=row.type_id))
        if row.competency_id not in {c.id for c in self.ws.pack.competencies}:
            raise WorkspaceError(_("There is no competency \u201c{id}\u201d.").format(id=row.competency_id))
        if row.status not in STATUSES:
            raise WorkspaceError(_("There is no status \u201c{id}\u201d.").format(id=row.status))
        if not row.district_id.strip():
            raise WorkspaceError(_("Choose a district first."))
        return SupportRow(row.id or uuid.uuid4().hex, row.district_id, row.type_id, row.competency_id,
                          clean_text(row.by_whom, _("\u201cBy whom\u201d"), limit=MAX_LINE),
                          clean_day(row.due, _("The date")), row.status, clean_text(row.note, _("The note")),
                          row.created_at or self.ws._clock())

    def save(self, row: SupportRow) -> SupportRow:
        """Add ``row`` (no id yet) or replace the row with its id."""
        row = self._checked(row)
        with transaction(self.ws) as db:
            position = db.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM support_rows WHERE district_id=?",
                                  (row.district_id,)).fetchone()[0]
            had = db.execute("SELECT position FROM support_rows WHERE id=?", (row.id,)).fetchone()
            db.execute("INSERT OR REPLACE INTO support_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (row.id, row.district_id, row.type_id, row.competency_id, row.by_whom, row.due, row.status,
                        row.note, row.created_at, had[0] if had else position))
        return row

    def delete(self, row_id: str) -> None:
        with transaction(self.ws) as db:
            db.execute("DELETE FROM support_rows WHERE id=?", (row_id,))

    def rows(self, district_id: str) -> list[SupportRow]:
        return [SupportRow(*r) for r in self._db.execute(
            "SELECT id, district_id, type_id, competency_id, by_whom, due, status, note, created_at "
            "FROM support_rows WHERE district_id=? ORDER BY position, created_at, id", (district_id,))]

    def suggested(self, tier: Tier | None) -> list[str]:
        """The support types the tier suggests (all of them when there is no tier yet)."""
        return list(tier.suggested) if tier is not None else [t.id for t in self.content.types]


# --- the support plan's contents (drawn by reports/support_plan.py) ----------------------------


@dataclass(frozen=True)
class SupportPlanData:
    """Everything one district's support plan PDF prints, already in words.

    Built here from the workspace; :func:`navtool_desktop.reports.support_plan.render_support_plan`
    draws it (reports and network are sibling layers: neither imports the other).
    """

    district_name: str
    district_state: str
    summary_made: str                                      #: ISO date of the district's summary
    network: str
    today: dt.date
    tier_name: str                                         #: "" when there is no tier yet
    tier_description: str
    explanation: str                                       #: :func:`explain`
    rule: str
    tiers_note: str
    tier_rows: tuple[tuple[str, int, tuple[str, ...]], ...]   #: tier (or "No level"), count, "Name (Level)"
    rows: tuple[tuple[str, str, str, str, str, str], ...]    #: type, competency, by whom, ISO date, status, note
    menu: tuple[tuple[bool, str, str, str], ...]             #: suggested?, type, description, example
    menu_note: str
    source: str
    resources: tuple[tuple[str, str], ...]                   #: state-policy resources: title, summary


def _competency(pack: Pack, competency_id: str) -> str:
    try:
        return pack.competency(competency_id).name
    except KeyError:
        return competency_id


def _tiers_note(content: NetworkContent) -> str:
    """The note on the tiers, and in a translation how far its texts were checked."""
    status = content.least_status()
    if status is None:
        return content.tiers_note
    return content.tiers_note + " " + _("The network's texts in this language: {status}.").format(
        status=translation_status_name(status))


def support_plan_data(ws: Workspace, content: NetworkContent, district_id: str,
                      today: dt.date | None = None) -> SupportPlanData:
    """The contents of one district's support plan, read from the workspace."""
    pack = ws.pack
    district = next((d for d in ws.districts() if d.id == district_id), None)
    if district is None:
        raise WorkspaceError(_("There is no district \u201c{id}\u201d in this workspace.").format(id=district_id))
    view = ws.side_by_side()
    levels = view.levels.get(district_id, {})
    tier = derive_tier(district_id, levels, content, pack, view.cycle.get(district_id))
    tier_rows: list[tuple[str, int, tuple[str, ...]]] = []
    if tier.cycle is not None:
        for t in content.tiers:
            names = tuple(f"{_competency(pack, c)} ({level_name(levels.get(c))})"
                          for c, got in tier.per_competency.items() if got is not None and got.id == t.id)
            tier_rows.append((t.name, tier.counts[t.id], names))
        missing = tuple(_competency(pack, c) for c, got in tier.per_competency.items() if got is None)
        tier_rows.append((level_name(None), len(missing), missing))
    rows = []
    for row in SupportPlans(ws, content).rows(district_id):
        try:
            kind = content.support_type(row.type_id).name
        except KeyError:
            kind = row.type_id
        rows.append((kind, _competency(pack, row.competency_id), row.by_whom, row.due,
                     action_status_name(row.status), row.note))
    suggested = set(tier.tier.suggested) if tier.tier is not None else set()
    by_id = {r.id: r for r in pack.resources}
    return SupportPlanData(
        district.name, district.state, district.made_at[:10], Agenda(ws, content).network,
        today or dt.date.today(), tier.tier.name if tier.tier else "", tier.tier.description if tier.tier else "",
        explain(tier, content), content.rule, _tiers_note(content), tuple(tier_rows), tuple(rows),
        tuple((t.id in suggested, t.name, t.description, t.example) for t in content.types),
        content.examples_note, content.support_source,
        tuple((by_id[r].title, by_id[r].summary) for r in content.state_policy if r in by_id))
