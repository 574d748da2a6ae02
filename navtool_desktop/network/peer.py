"""Peer learning in a network: shared priorities, the learning agenda, meetings, lens checks.

- :func:`priority_groups`: districts grouped by the competencies they share as priorities:
  a goal in their adopted plan, or one of their lowest-rated competencies in their latest cycle
  (when those are fewer than half of the competencies it rated).
- :class:`Agenda`: the anchor questions the network chose, each with its local context, the
  agenda's title and the network's name, and the meetings (date, notes, next steps); kept in
  the workspace file (tables made on first use).
- :func:`lens_checks`: the three cross-cutting lenses as checks on a set of goals.

No Qt here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from navtool_desktop.core.records import LEVELS
from navtool_desktop.i18n import _
from navtool_desktop.network.content import AnchorQuestion, Lens, NetworkContent
from navtool_desktop.network.tables import MAX_LINE, clean_day, clean_text, ensure, transaction
from navtool_desktop.network.workspace import Workspace, WorkspaceError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS agenda_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agenda_questions (
    question_id TEXT PRIMARY KEY, context TEXT NOT NULL DEFAULT '', chosen_at TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS meetings (
    id TEXT PRIMARY KEY, date TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', next_steps TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS meetings_by_date ON meetings (date, created_at)
"""


# --- shared priorities -------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityGroup:
    """Districts that share one competency as a priority."""

    competency_id: str
    goal: tuple[str, ...]      #: district ids with a goal on it
    lowest: tuple[str, ...]    #: district ids for which it is among the lowest rated in their latest cycle

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(sorted({*self.goal, *self.lowest}))


def lowest_competencies(levels: Mapping[str, str]) -> set[str]:
    """The competencies at a district's lowest level, when they stand out: fewer than half of its
    rated competencies (a district rated Establishing nearly throughout singles none out), and
    never at Refining (nothing to lift)."""
    ranks = {c: LEVELS.index(level) for c, level in levels.items() if level in LEVELS}
    if not ranks:
        return set()
    low = min(ranks.values())
    lowest = {c for c, r in ranks.items() if r == low}
    return set() if LEVELS[low] == "refining" or 2 * len(lowest) >= len(ranks) else lowest


def priority_groups(ws: Workspace, *, year: int | None = None, tags: Iterable[str] = (),
                    minimum: int = 2) -> list[PriorityGroup]:
    """Competencies that at least ``minimum`` districts share as a priority, most districts first."""
    view = ws.side_by_side(year=year, tags=tuple(tags))
    goal: dict[str, set[str]] = {}
    lowest: dict[str, set[str]] = {}
    for district in view.districts:
        plan = ws.plan(district.id) or {}
        for g in plan.get("goals", []):
            goal.setdefault(g["competency_id"], set()).add(district.id)
        for comp in lowest_competencies(view.levels.get(district.id, {})):
            lowest.setdefault(comp, set()).add(district.id)
    groups = [PriorityGroup(c, tuple(sorted(goal.get(c, ()))), tuple(sorted(lowest.get(c, ()))))
              for c in {*goal, *lowest}]
    order = {c.id: n for n, c in enumerate(ws.pack.competencies)}
    return sorted((g for g in groups if len(g.districts) >= minimum),
                  key=lambda g: (-len(g.districts), -len(g.goal), order.get(g.competency_id, len(order))))


# --- lenses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LensCheck:
    lens: Lens
    touching: tuple[str, ...]   #: the goals' competencies that speak to the lens

    @property
    def touched(self) -> bool:
        return bool(self.touching)


def lens_checks(content: NetworkContent, goal_competencies: Iterable[str]) -> list[LensCheck]:
    """Each lens, with the goals' competencies that touch it. A person still answers the question."""
    goals = list(dict.fromkeys(goal_competencies))
    return [LensCheck(lens, tuple(c for c in goals if c in lens.competencies)) for lens in content.lenses]


# --- the learning agenda -----------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen:
    question: AnchorQuestion
    context: str


@dataclass(frozen=True)
class Meeting:
    id: str
    date: str
    notes: str = ""
    next_steps: str = ""
    created_at: str = ""


class Agenda:
    """A network's learning agenda in its workspace."""

    def __init__(self, ws: Workspace, content: NetworkContent) -> None:
        self.ws = ws
        self.content = content
        self._db = ensure(ws, _SCHEMA)

    # title and network name
    def _meta(self, key: str) -> str:
        row = self._db.execute("SELECT value FROM agenda_meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else ""

    def _set_meta(self, key: str, value: str) -> None:
        with transaction(self.ws) as db:
            db.execute("INSERT OR REPLACE INTO agenda_meta VALUES (?, ?)", (key, value))

    @property
    def title(self) -> str:
        return self._meta("title")

    def set_title(self, title: str) -> None:
        self._set_meta("title", clean_text(title, _("The agenda's title"), limit=MAX_LINE))

    @property
    def network(self) -> str:
        return self._meta("network")

    def set_network(self, name: str) -> None:
        self._set_meta("network", clean_text(name, _("The network's name"), limit=MAX_LINE))

    # questions
    def choose(self, question_id: str, context: str = "") -> None:
        """Put an anchor question on the agenda (again: keeps its place, replaces its context)."""
        try:
            self.content.question(question_id)
        except KeyError:
            raise WorkspaceError(_("There is no anchor question \u201c{id}\u201d.").format(id=question_id)) from None
        text = clean_text(context, _("The local context"))
        with transaction(self.ws) as db:
            had = db.execute("SELECT 1 FROM agenda_questions WHERE question_id=?", (question_id,)).fetchone()
            if had:
                db.execute("UPDATE agenda_questions SET context=? WHERE question_id=?", (text, question_id))
            else:
                position = db.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM agenda_questions").fetchone()[0]
                db.execute("INSERT INTO agenda_questions VALUES (?, ?, ?, ?)",
                           (question_id, text, self.ws._clock(), position))

    def drop(self, question_id: str) -> None:
        with transaction(self.ws) as db:
            db.execute("DELETE FROM agenda_questions WHERE question_id=?", (question_id,))

    def chosen(self) -> list[Chosen]:
        """The chosen questions in the order they were chosen (a question the content lost is left out)."""
        out = []
        for qid, context in self._db.execute(
                "SELECT question_id, context FROM agenda_questions ORDER BY position, chosen_at"):
            try:
                out.append(Chosen(self.content.question(qid), context))
            except KeyError:
                continue
        return out

    def competencies(self) -> list[str]:
        """Every competency the chosen questions map to, in pack order."""
        wanted = {c for ch in self.chosen() for c in ch.question.competencies}
        return [c.id for c in self.ws.pack.competencies if c.id in wanted]

    # meetings
    def save_meeting(self, meeting: Meeting) -> Meeting:
        """Add a meeting (no id yet) or replace the one with its id."""
        m = Meeting(meeting.id or uuid.uuid4().hex, clean_day(meeting.date, _("The meeting's date"), required=True),
                    clean_text(meeting.notes, _("The notes")), clean_text(meeting.next_steps, _("The next steps")),
                    meeting.created_at or self.ws._clock())
        with transaction(self.ws) as db:
            db.execute("INSERT OR REPLACE INTO meetings VALUES (?, ?, ?, ?, ?)",
                       (m.id, m.date, m.notes, m.next_steps, m.created_at))
        return m

    def delete_meeting(self, meeting_id: str) -> None:
        with transaction(self.ws) as db:
            db.execute("DELETE FROM meetings WHERE id=?", (meeting_id,))

    def meetings(self) -> list[Meeting]:
        """Meetings, oldest first."""
        return [Meeting(*r) for r in self._db.execute(
            "SELECT id, date, notes, next_steps, created_at FROM meetings ORDER BY date, created_at, id")]
