"""Signed district summaries made up for tests and screenshots, with levels chosen by the caller.

Each district gets its own root (P-256, quick to make); a summary holds the cycles given, every
competency's level as given (missing ones have no level), and a plan whose goals are on the
competencies given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from navtool_desktop.framework import Pack
from navtool_desktop.network.demo import quick_identity as quick_identity  # the tests' name for it
from navtool_desktop.network.summary import FORMAT, VERSION, seal

#: When the summaries of the network tests are made: a minute after the tests start (their
#: certificates are made as the tests start).
MADE = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=1)

GROUPS = ("educator", "leader", "community_member", "learner")


def cycle(pack: Pack, cycle_id: str, date: str, levels: Mapping[str, str | None]) -> dict[str, Any]:
    comps = []
    for comp in pack.competencies:
        level = levels.get(comp.id)
        votes: list[int] | str = [2, 2, 1, 1, 0, 0, 6] if level else "suppressed"
        comps.append({"id": comp.id, "level": level, "source": "consensus" if level else "none",
                      "consensus": level, "change": "new", "votes": votes,
                      "groups": {g: "suppressed" for g in GROUPS}})
    conds = [{"id": c.id, "level": None, "priority": c.priority, "change": "new"} for c in pack.conditions]
    return {"id": cycle_id, "title": f"Cycle {date}", "date": date, "previous_cycle": None, "threshold": 3,
            "counts_shown": True, "hidden_groups": [], "competencies": comps, "conditions": conds}


def summary(pack: Pack, district_id: str, name: str, cycles: Sequence[dict[str, Any]],
            goals: Sequence[str] = (), *, state: str = "NH", made_at: dt.datetime | None = None) -> dict[str, Any]:
    made = (made_at or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    plan = None
    if goals:
        plan = {"id": f"p-{district_id}", "title": "Strategic plan", "period_start": "2025-07-01",
                "period_end": "2028-06-30", "approved_at": "2025-06-01", "goals": [
                    {"id": f"g-{district_id}-{n}", "competency_id": comp, "current_level": "developing",
                     "target_level": "operationalizing", "target_date": "2027-06-30", "term": "long",
                     "statement": "Raise the level",
                     "actions": {"not_started": 1, "in_progress": 1, "done": 0, "blocked": 0}}
                    for n, comp in enumerate(goals)]}
    return {"format": FORMAT, "version": VERSION, "made_at": made,
            "district": {"id": district_id, "name": name, "state": state},
            "framework": {"id": pack.id, "version": pack.version}, "cycles": list(cycles), "plan": plan}


def sealed(pack: Pack, district_id: str, name: str, levels: Mapping[str, str | None], goals: Sequence[str] = (),
           *, date: str = "2026-04-10", state: str = "NH") -> bytes:
    """One district's signed summary with one cycle at ``levels``."""
    return seal(summary(pack, district_id, name, [cycle(pack, "c1", date, levels)], goals, state=state),
                quick_identity(name))
