"""A district's summary for its coach or network: what may leave the laptop, signed by the district.

What a summary holds (and nothing else): the district's name, state and id; for each *closed*
cycle its title, date and results exactly as :func:`navtool_desktop.core.published.results_to_dict`
publishes them under the privacy rule, minus everything written by a person (the consensus
rationale) and minus the names in the threshold history; the plan in force (approved) with its
goals, targets and each goal's count of actions by status (no owners, no leads, no notes); the
day it was made. Never: a participant, a name, a rating, a written answer, a tally.

The file (``.navsummary``) is three parts, each ending in a newline but the last::

    NAVTOOL-SUMMARY 1
    {"signature": "<base64>", "certificates": ["<signer PEM>", ..., "<root PEM>"]}
    <the summary as UTF-8 JSON: exactly the bytes signed>

so the signed bytes travel as they are (no re-encoding, nothing to canonicalise). Levels and
counts are compact: a vote summary is ``[establishing, developing, operationalizing,
refining, not sure, of which on paper, respondents]``, or ``"suppressed"``/``"empty"`` where
the privacy rule or an empty group leaves no numbers.

It is signed with the district's root or a signer the root issued (the same ``.p12`` files as
the plan); the coach's workspace pins the root's fingerprint at the first import
(:mod:`navtool_desktop.network.workspace`). The certificate is checked at the time the summary
says it was made: that is the signer's computer clock, and the app says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from navtool_desktop.core import results as res
from navtool_desktop.core.planning import current_plan, ordered_goals
from navtool_desktop.core.published import results_to_dict
from navtool_desktop.core.records import ACTION_STATUSES, GOAL_TERMS, LEVELS, RATING_CHOICES, ROLE_GROUPS
from navtool_desktop.core.results import EMPTY, SUPPRESSED
from navtool_desktop.errors import UserFacingError
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.signing.identity import Identity, fingerprint
from navtool_desktop.signing.sealed import (
    BIDI_CONTROLS,
    SealError,
    cert_name,
    cert_organization,
    not_valid_on,
    open_bytes,
    plain_text,
    seal_bytes,
)
from navtool_desktop.storage import DistrictStore
from navtool_desktop.vocabulary import role_name

FORMAT = "navtool-district-summary"
VERSION = 1
SUFFIX = ".navsummary"
#: A summary of 40 cycles is about 0.7 MB; anything far larger was not made by this app.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_CYCLES = 200
MAX_GOALS = 200
MAX_TEXT = 2000


class SummaryError(UserFacingError):
    """A summary that cannot be made or read; nothing was changed. ``str(exc)`` says why."""


# --- building ------------------------------------------------------------------------------


def _votes_of(view: Mapping[str, Any]) -> list[int] | str:
    """A published vote summary as ``[establishing, developing, operationalizing, refining, not sure,
    of which on paper, respondents]``, or the word for why it has no numbers."""
    if "distribution" not in view:
        return str(view.get("status", SUPPRESSED))
    dist = view["distribution"]
    return [*(dist[level] for level in LEVELS), dist["not_sure"], dist["tallied"], view["respondents"]]


def _published_cycle(pack: Pack, store: DistrictStore, cycle_id: str, previous_id: str | None) -> dict[str, Any]:
    """One closed cycle as published (:func:`results_to_dict`), in the summary's compact form."""
    current = store.results.cycle(pack, cycle_id)
    previous = store.results.cycle(pack, previous_id) if previous_id else None
    data = results_to_dict(pack, {"id": store.id, "name": store.profile.name}, current,
                           res.compare(current, previous))
    return {
        "id": data["cycle"]["id"], "title": _clean(data["cycle"]["title"], line=True), "date": data["cycle"]["date"],
        "previous_cycle": previous_id, "threshold": data["anonymity_threshold"],
        "counts_shown": data["privacy"]["counts_shown"], "hidden_groups": data["privacy"]["hidden_groups"],
        "competencies": [{
            "id": c["id"], "level": c["level"], "source": c["level_source"],
            "consensus": c["consensus"]["level"] if c["consensus"] else None, "change": c["change"],
            "votes": _votes_of(c), "groups": {g: _votes_of(v) for g, v in c["role_groups"].items()},
        } for c in data["competencies"]],
        "conditions": [{"id": c["id"], "level": c["level"], "priority": c["priority"], "change": c["change"]}
                       for c in data["conditions"]],
    }


def _plan(store: DistrictStore) -> dict[str, Any] | None:
    plan = current_plan(p for p in store.plans() if p.status == "approved")
    if plan is None:
        return None
    goals = []
    for goal in ordered_goals(store.goals(plan.id)):
        counts = dict.fromkeys(ACTION_STATUSES, 0)
        for action in store.actions(goal.id):
            counts[action.status] += 1
        goals.append({
            "id": goal.id, "competency_id": goal.competency_id, "current_level": goal.current_level,
            "target_level": goal.target_level, "target_date": goal.target_date, "term": goal.term,
            "statement": _clean(goal.statement), "actions": counts,
        })
    return {"id": plan.id, "title": _clean(plan.title, line=True), "period_start": plan.period_start,
            "period_end": plan.period_end, "approved_at": plan.approved_at, "goals": goals}


def build_summary(store: DistrictStore, pack: Pack, *, made_at: dt.datetime | None = None) -> dict[str, Any]:
    """The summary of ``store`` as plain data (see the module docstring for what it holds)."""
    closed = sorted((c for c in store.cycles() if c.status == "closed" and c.framework_id == pack.id),
                    key=lambda c: (c.date, c.created))
    cycles = []
    for n, cycle in enumerate(closed):
        cycles.append(_published_cycle(pack, store, cycle.id, closed[n - 1].id if n else None))
    profile = store.profile
    when = (made_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {
        "format": FORMAT, "version": VERSION,
        "made_at": when.isoformat().replace("+00:00", "Z"),
        "district": {"id": store.id, "name": _clean(profile.name, line=True),
                     "state": _clean(profile.state, line=True)},
        "framework": {"id": pack.id, "version": pack.version},
        "cycles": cycles,
        "plan": _plan(store),
    }


def what_leaves(summary: Mapping[str, Any]) -> list[str]:
    """Plain lines for the export screen: exactly what the summary carries."""
    lines = [_("District: {name} ({state})").format(name=summary["district"]["name"],
                                                   state=summary["district"]["state"] or _("no state"))]
    for cycle in summary["cycles"]:
        hidden = cycle["hidden_groups"]
        lines.append(_("Cycle \u201c{title}\u201d ({date}): levels and counts for {n} competencies; "
                       "hidden role groups: {hidden}").format(
            title=cycle["title"], date=cycle["date"], n=len(cycle["competencies"]),
            hidden=", ".join(role_name(g, plural=True) for g in hidden) if hidden else _("none")))
    plan = summary["plan"]
    if plan:
        lines.append(_("Plan \u201c{title}\u201d: {n} goals as written, with their targets and how many "
                       "actions are done").format(title=plan["title"], n=len(plan["goals"])))
    else:
        lines.append(_("No approved plan."))
    lines.append(_("Never included: names, individual ratings, written answers, notes, paper tallies."))
    return lines


# --- sealing -------------------------------------------------------------------------------


MAGIC = b"NAVTOOL-SUMMARY 1\n"


def seal(summary: Mapping[str, Any], identity: Identity) -> bytes:
    """The ``.navsummary`` file: ``summary`` signed with ``identity`` (a signer or the root)."""
    try:
        return seal_bytes(MAGIC, summary, identity)
    except SealError:
        raise SummaryError(_("This signing file does not lead to a district root, so a coach could "
                             "not check the summary. Use the root or a signer it issued.")) from None


@dataclass(frozen=True)
class Sealed:
    """A summary whose signature checked out, with who signed it."""

    summary: dict[str, Any]
    raw: bytes
    root_fingerprint: str
    root_organization: str
    signer: str
    signer_fingerprint: str


def _refuse(message: str) -> SummaryError:
    return SummaryError(message)


def _json(raw: bytes, what: str) -> Any:
    """Strict JSON (no NaN or Infinity; orjson also refuses nesting deeper than 1,024)."""
    try:
        return orjson.loads(raw)
    except (orjson.JSONDecodeError, RecursionError):
        raise _refuse(_("{what} is not readable JSON; the file is damaged or not a summary.")
                      .format(what=what)) from None


def _problem(problem: str, size: int, why: str = "") -> SummaryError:
    """A :class:`SealError`'s code in the words of a summary's reader."""
    words = {
        "too_large": _("The file is too large to be a district summary ({size} bytes)."),
        "newer": _("This summary was made by a newer version of the app; update the app to read it."),
        "foreign": _("This is not a district summary made by Navigation Tool Desktop."),
        "damaged": _("The summary file is damaged (its signature part is malformed)."),
        "unreadable": _("The summary's certificates or signature cannot be read; the file is damaged."),
        "no_root": _("The summary's signer does not lead to a district root, so it cannot be trusted: {why}."),
        "changed": _("The summary was changed after it was signed (its signature does not match). "
                     "Ask the district for a new copy."),
    }
    return _refuse(words[problem].format(size=size, why=why))


def open_sealed(raw: bytes, pack: Pack) -> Sealed:
    """Check a ``.navsummary`` file completely and return it, or raise :class:`SummaryError`."""
    try:
        opened = open_bytes(raw, MAGIC, MAX_FILE_BYTES)
    except SealError as exc:
        raise _problem(exc.problem, len(raw), exc.why) from None
    summary = _json(opened.body, _("The summary"))
    check_summary(summary, pack)
    made = made_at(summary)
    stale = not_valid_on(opened, made)
    if stale is not None:
        raise _refuse(_("The certificate of {name} was not valid on {day}, the day the summary says it "
                        "was made (by the signer's computer clock).").format(
            name=cert_name(stale) or cert_organization(stale), day=made.date().isoformat()))
    # the certificates' names are shown and printed like the summary's: one line, no controls
    signer, organization = _text(cert_name(opened.signer), "signer", limit=300, line=True), _text(
        cert_organization(opened.root), "root", limit=300, line=True)
    return Sealed(summary, raw, fingerprint(opened.root), organization, signer, fingerprint(opened.signer))


# --- the summary's shape -------------------------------------------------------------------


def _bad(where: str) -> SummaryError:
    return _refuse(_("The summary is malformed at {where}; it was not made by this app.").format(where=where))


def _obj(value: Any, keys: Sequence[str], where: str, optional: Sequence[str] = ()) -> dict[str, Any]:
    if not isinstance(value, dict) or not set(keys) <= set(value) or not set(value) <= {*keys, *optional}:
        raise _bad(where)
    return value


def _clean(text: str, *, line: bool = False) -> str:
    """``text`` as a summary carries it: without bidirectional controls; a ``line`` (a name, a
    title) on one line, so that it cannot print a forged line in a report."""
    if BIDI_CONTROLS.intersection(text):
        text = "".join(ch for ch in text if ch not in BIDI_CONTROLS)
    return " ".join(text.split()) if line and any(ch in text for ch in "\n\r\t") else text


def _text(value: Any, where: str, *, empty: bool = True, limit: int = MAX_TEXT, line: bool = False) -> str:
    """Text a sealed file may carry (:func:`~navtool_desktop.signing.sealed.plain_text`), else refused."""
    if not plain_text(value, limit=limit, empty=empty, line=line):
        raise _bad(where)
    return str(value)


def _day(value: Any, where: str) -> str:
    """A day written ``2026-12-01`` and nothing else: the workspace compares days as text, so
    another ISO form ("20261201", "2026-W49-2") would sort in the wrong place."""
    text = _text(value, where, limit=10)
    try:
        if dt.date.fromisoformat(text).isoformat() != text:
            raise ValueError(text)
    except ValueError:
        raise _bad(where) from None
    return text


_TIME = "%Y-%m-%dT%H:%M:%SZ"


def made_at(summary: Mapping[str, Any]) -> dt.datetime:
    """When a checked summary says it was made (UTC, by the signer's computer clock)."""
    return dt.datetime.strptime(summary["made_at"], _TIME).replace(tzinfo=dt.UTC)


def _count(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1_000_000:
        raise _bad(where)
    return value


def _level(value: Any, where: str, *, none: bool = True, choices: Sequence[str] = LEVELS) -> str | None:
    if value is None and none:
        return None
    if value not in choices:
        raise _bad(where)
    return str(value)


def _choice(value: Any, choices: Sequence[Any], where: str) -> Any:
    if type(value) not in (str, bool, type(None)) or value not in choices:
        raise _bad(where)
    return value


def _known(value: Any, known: set[str] | frozenset[str]) -> bool:
    """Whether ``value`` is one of ``known``'s texts. Checked as text first: a list or an object
    from a file cannot even be looked up in a set (TypeError)."""
    return type(value) is str and value in known


def _id(value: Any, where: str, seen: set[str]) -> str:
    """A record's id: text, and not twice in its list."""
    text = _text(value, where, empty=False, limit=100, line=True)
    if text in seen:
        raise _bad(where)
    seen.add(text)
    return text


_VOTE_LENGTH = len(LEVELS) + 3
_SOURCES = frozenset(res.LEVEL_SOURCES)
_CHANGES = frozenset(res.CHANGES)
_INT = {int}


def _votes_ok(view: Any) -> bool:
    """Whether ``view`` is a compact vote summary (see the module docstring) or why it has none."""
    if type(view) is list:  # the checks below run in C: a state's import checks 1.5 million of these
        return (len(view) == _VOTE_LENGTH and set(map(type, view)) == _INT
                and min(view) >= 0 and max(view) <= 1_000_000)
    return view in (SUPPRESSED, EMPTY)


def check_summary(summary: Any, pack: Pack) -> None:
    """Raise :class:`SummaryError` unless ``summary`` has exactly the shape :func:`build_summary` makes."""
    s = _obj(summary, ["format", "version", "made_at", "district", "framework", "cycles", "plan"], "summary")
    if s["format"] != FORMAT or s["version"] != VERSION:
        raise _bad("format")
    # exactly the form build_summary writes: the workspace compares these times as text
    made = _text(s["made_at"], "made_at", limit=30)
    try:
        if len(made) != 20 or made_at(s).strftime(_TIME) != made:
            raise ValueError(made)
    except ValueError:
        raise _bad("made_at") from None
    district = _obj(s["district"], ["id", "name", "state"], "district")
    _text(district["id"], "district.id", empty=False, limit=100, line=True)
    _text(district["name"], "district.name", empty=False, limit=200, line=True)
    _text(district["state"], "district.state", limit=100, line=True)
    framework = _obj(s["framework"], ["id", "version"], "framework")
    if framework["id"] != pack.id:
        raise _refuse(_("The summary uses the framework \u201c{used}\u201d, not \u201c{loaded}\u201d.")
                      .format(used=str(framework["id"])[:80], loaded=pack.id))
    competencies = {c.id for c in pack.competencies}
    conditions = {c.id for c in pack.conditions}
    if not isinstance(s["cycles"], list) or len(s["cycles"]) > MAX_CYCLES:
        raise _bad("cycles")
    seen: set[str] = set()
    roles = set(ROLE_GROUPS)
    cycle_keys = ["id", "title", "date", "previous_cycle", "threshold", "counts_shown", "hidden_groups",
                  "competencies", "conditions"]
    comp_keys = ["id", "level", "source", "consensus", "change", "votes", "groups"]
    for n, cycle in enumerate(s["cycles"]):
        where = f"cycles[{n}]"
        c = _obj(cycle, cycle_keys, where)
        _id(c["id"], where + ".id", seen)
        if c["previous_cycle"] is not None:
            _text(c["previous_cycle"], where + ".previous_cycle", empty=False, limit=100, line=True)
        _text(c["title"], where + ".title", limit=300, line=True)
        _day(c["date"], where + ".date")
        _count(c["threshold"], where + ".threshold")
        if not (isinstance(c["hidden_groups"], list) and all(_known(g, roles) for g in c["hidden_groups"])
                and isinstance(c["counts_shown"], bool)):
            raise _bad(where + ".privacy")
        if not isinstance(c["competencies"], list) or not isinstance(c["conditions"], list):
            raise _bad(where)
        hidden = set(c["hidden_groups"])
        ids: set[str] = set()
        for m, comp in enumerate(c["competencies"]):
            cw = f"{where}.competencies[{m}]"
            k = _obj(comp, comp_keys, cw)
            if not _known(k["id"], competencies) or k["id"] in ids:  # a known id (so text), once
                raise _bad(cw + ".id")
            ids.add(k["id"])
            # a team may agree on "not sure": a consensus wins even then (results.heat_level)
            _level(k["level"], cw + ".level", choices=RATING_CHOICES)
            _level(k["consensus"], cw + ".consensus", choices=RATING_CHOICES)
            source, change = k["source"], k["change"]  # inline: a state's import checks 300,000 of these
            if type(source) is not str or source not in _SOURCES or type(change) is not str or change not in _CHANGES:
                raise _bad(cw + ".source")
            if not _votes_ok(k["votes"]):
                raise _bad(cw + ".votes")
            groups = k["groups"]
            if not isinstance(groups, dict) or not groups.keys() <= roles:
                raise _bad(cw + ".groups")
            for group, view in groups.items():
                if not _votes_ok(view) or (group in hidden and type(view) is list):
                    raise _bad(f"{cw}.groups.{group}")
        ids = set()
        for m, cond in enumerate(c["conditions"]):
            k = _obj(cond, ["id", "level", "priority", "change"], f"{where}.conditions[{m}]")
            if not _known(k["id"], conditions) or k["id"] in ids:
                raise _bad(f"{where}.conditions[{m}]")
            ids.add(k["id"])
            _level(k["level"], f"{where}.conditions[{m}].level")
            _choice(k["priority"], (True, False), f"{where}.conditions[{m}].priority")
            _choice(k["change"], res.CHANGES, f"{where}.conditions[{m}].change")
    plan = s["plan"]
    if plan is None:
        return
    p = _obj(plan, ["id", "title", "period_start", "period_end", "approved_at", "goals"], "plan")
    _text(p["id"], "plan.id", empty=False, limit=100, line=True)
    _text(p["title"], "plan.title", limit=300, line=True)
    _day(p["period_start"], "plan.period_start")
    _day(p["period_end"], "plan.period_end")
    _text(p["approved_at"], "plan.approved_at", limit=30)
    if not isinstance(p["goals"], list) or len(p["goals"]) > MAX_GOALS:
        raise _bad("plan.goals")
    goal_ids: set[str] = set()
    for n, goal in enumerate(p["goals"]):
        gw = f"plan.goals[{n}]"
        g = _obj(goal, ["id", "competency_id", "current_level", "target_level", "target_date", "term",
                        "statement", "actions"], gw)
        _id(g["id"], gw + ".id", goal_ids)
        if not _known(g["competency_id"], competencies):
            raise _bad(gw + ".competency_id")
        _level(g["current_level"], gw + ".current_level", choices=RATING_CHOICES)
        _level(g["target_level"], gw + ".target_level", none=False)
        _day(g["target_date"], gw + ".target_date")
        _choice(g["term"], GOAL_TERMS, gw + ".term")
        _text(g["statement"], gw + ".statement")
        actions = _obj(g["actions"], list(ACTION_STATUSES), gw + ".actions")
        for key, number in actions.items():
            _count(number, f"{gw}.actions.{key}")
