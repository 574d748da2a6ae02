"""A network's learning agenda sent to its districts: the signed ``.navagenda`` file.

The layout follows the district summary's (:mod:`navtool_desktop.network.summary`): three parts,
each ending in a newline but the last::

    NAVTOOL-AGENDA 1
    {"signature": "<base64>", "certificates": ["<signer PEM>", ..., "<root PEM>"]}
    <the agenda as UTF-8 JSON: exactly the bytes signed>

What it holds: the network's name, the agenda's title, the day it was made, the chosen anchor
questions (each with its text as the network saw it, its local context and the competencies it
maps to) and the meetings (date, notes, next steps). Nothing about any district.

It is signed by the coach's or network's identity (a root or a signer it issued). The district
keeps the last agenda it imported as the file itself, ``network-agenda.navagenda`` in its
district folder, and checks it again whenever it is shown. The first agenda pins the network's
root; an agenda under another root is refused until the district replaces the pin on purpose
(after checking the new fingerprint with the coach by phone). An agenda older than the one kept
changes nothing. (The file sits beside the district's store files, not in them: backups and
district bundles do not carry it; importing the agenda again restores it.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from navtool_desktop.errors import UserFacingError
from navtool_desktop.fileio import write_file
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.network.content import NetworkContent
from navtool_desktop.network.peer import Agenda
from navtool_desktop.signing.identity import Identity, fingerprint
from navtool_desktop.signing.sealed import (
    SealError,
    cert_name,
    cert_organization,
    not_valid_on,
    open_bytes,
    plain_text,
    seal_bytes,
)

FORMAT = "navtool-network-agenda"
VERSION = 1
SUFFIX = ".navagenda"
MAGIC = b"NAVTOOL-AGENDA 1\n"
#: The file a district keeps (in its district folder).
DISTRICT_FILE = "network-agenda" + SUFFIX
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS = 100
MAX_MEETINGS = 500
MAX_TEXT = 4000


class AgendaError(UserFacingError):
    """An agenda that cannot be made, read or kept; nothing was changed. ``str(exc)`` says why;
    ``reason`` is ``"root"`` when only the network's root differs from the kept agenda's."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


# --- building and sealing ------------------------------------------------------------------


def build_agenda(agenda: Agenda, *, made_at: dt.datetime | None = None) -> dict[str, Any]:
    """The agenda of a network workspace as plain data (see the module docstring)."""
    content = agenda.content
    pack = agenda.ws.pack
    when = (made_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {
        "format": FORMAT, "version": VERSION, "made_at": when.isoformat().replace("+00:00", "Z"),
        "network": agenda.network, "title": agenda.title,
        "framework": {"id": pack.id, "version": pack.version},
        "questions": [{
            "id": ch.question.id, "community": content.community(ch.question.community).name,
            "theme": ch.question.theme, "text": ch.question.text, "provenance": ch.question.provenance,
            "context": ch.context, "competencies": list(ch.question.competencies),
        } for ch in agenda.chosen()],
        "meetings": [{"date": m.date, "notes": m.notes, "next_steps": m.next_steps} for m in agenda.meetings()],
    }


def what_leaves(agenda: Mapping[str, Any]) -> list[str]:
    """Plain lines for the export: exactly what the agenda file carries."""
    return [
        _("Network: {name}; agenda: {title}").format(name=agenda["network"] or _("not named"),
                                                     title=agenda["title"] or _("untitled")),
        _("{n} anchor questions with their local context and the competencies they map to")
        .format(n=len(agenda["questions"])),
        _("{n} meetings with their notes and next steps").format(n=len(agenda["meetings"])),
        _("Nothing about any district: no names, levels, plans or support rows."),
    ]


def seal(agenda: Mapping[str, Any], identity: Identity) -> bytes:
    """The ``.navagenda`` file: ``agenda`` signed with ``identity`` (a signer or the root)."""
    try:
        return seal_bytes(MAGIC, agenda, identity)
    except SealError:
        raise AgendaError(_("This signing file does not lead to a root, so a district could not check "
                            "the agenda. Use the network's root or a signer it issued.")) from None


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealedAgenda:
    """An agenda whose signature and shape checked out, with who signed it."""

    agenda: dict[str, Any]
    raw: bytes
    root_fingerprint: str
    root_organization: str
    signer: str

    @property
    def made_at(self) -> str:
        return str(self.agenda["made_at"])

    def competencies(self) -> list[str]:
        """Every competency the agenda's questions map to, first mention first."""
        return list(dict.fromkeys(c for q in self.agenda["questions"] for c in q["competencies"]))

    def shared_with(self, goal_competencies: Iterable[str]) -> list[str]:
        """The agenda's competencies the district also has goals on (to show beside its plan)."""
        goals = set(goal_competencies)
        return [c for c in self.competencies() if c in goals]


def _bad(where: str) -> AgendaError:
    return AgendaError(_("The agenda file is malformed at {where}; it was not made by this app.").format(where=where))


def _json(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except (orjson.JSONDecodeError, RecursionError):
        raise AgendaError(_("The agenda file is damaged (it is not readable JSON).")) from None


def _obj(value: Any, keys: set[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != keys:
        raise _bad(where)
    return value


def _text(value: Any, where: str, *, limit: int = MAX_TEXT, empty: bool = True, line: bool = False) -> str:
    """Text a sealed file may carry (:func:`~navtool_desktop.signing.sealed.plain_text`), else refused."""
    if not plain_text(value, limit=limit, empty=empty, line=line):
        raise _bad(where)
    return str(value)


def check_agenda(agenda: Any, pack: Pack, content: NetworkContent) -> None:
    """Raise :class:`AgendaError` unless ``agenda`` has exactly the shape :func:`build_agenda` makes."""
    a = _obj(agenda, {"format", "version", "made_at", "network", "title", "framework", "questions", "meetings"},
             "agenda")
    if a["format"] != FORMAT or a["version"] != VERSION:
        raise _bad("format")
    try:
        when = dt.datetime.fromisoformat(_text(a["made_at"], "made_at", limit=30).replace("Z", "+00:00"))
    except ValueError:
        raise _bad("made_at") from None
    if when.tzinfo is None:
        raise _bad("made_at")
    _text(a["network"], "network", limit=200)
    _text(a["title"], "title", limit=200)
    framework = _obj(a["framework"], {"id", "version"}, "framework")
    if framework["id"] != pack.id:
        raise AgendaError(_("The agenda uses the framework \u201c{used}\u201d, not \u201c{loaded}\u201d.")
                          .format(used=str(framework["id"])[:80], loaded=pack.id))
    competencies = {c.id for c in pack.competencies}
    known = {q.id for q in content.questions}
    if not isinstance(a["questions"], list) or len(a["questions"]) > MAX_QUESTIONS:
        raise _bad("questions")
    seen: set[str] = set()
    for n, raw in enumerate(a["questions"]):
        where = f"questions[{n}]"
        q = _obj(raw, {"id", "community", "theme", "text", "provenance", "context", "competencies"}, where)
        if type(q["id"]) is not str or q["id"] not in known or q["id"] in seen:
            raise _bad(where + ".id")
        seen.add(q["id"])
        for key in ("community", "theme", "text", "provenance"):
            _text(q[key], f"{where}.{key}", empty=False)
        _text(q["context"], where + ".context")
        if (not isinstance(q["competencies"], list) or not q["competencies"]
                or not all(isinstance(c, str) and c in competencies for c in q["competencies"])):
            raise _bad(where + ".competencies")
    if not isinstance(a["meetings"], list) or len(a["meetings"]) > MAX_MEETINGS:
        raise _bad("meetings")
    for n, raw in enumerate(a["meetings"]):
        where = f"meetings[{n}]"
        m = _obj(raw, {"date", "notes", "next_steps"}, where)
        try:
            dt.date.fromisoformat(_text(m["date"], where + ".date", limit=10))
        except ValueError:
            raise _bad(where + ".date") from None
        _text(m["notes"], where + ".notes")
        _text(m["next_steps"], where + ".next_steps")


def _problem(problem: str, size: int, why: str = "") -> AgendaError:
    """A :class:`SealError`'s code in the words of an agenda's reader."""
    words = {
        "too_large": _("The file is too large to be a network agenda ({size} bytes)."),
        "newer": _("This agenda was made by a newer version of the app; update the app to read it."),
        "foreign": _("This is not a network agenda made by Navigation Tool Desktop."),
        "damaged": _("The agenda file is damaged (its signature part is malformed)."),
        "unreadable": _("The agenda's certificates or signature cannot be read; the file is damaged."),
        "no_root": _("The agenda's signer does not lead to a root, so it cannot be trusted: {why}."),
        "changed": _("The agenda was changed after it was signed (its signature does not match). "
                     "Ask the network for a new copy."),
    }
    return AgendaError(words[problem].format(size=size, why=why))


def open_agenda(raw: bytes, pack: Pack, content: NetworkContent) -> SealedAgenda:
    """Check a ``.navagenda`` file completely and return it, or raise :class:`AgendaError`."""
    try:
        opened = open_bytes(raw, MAGIC, MAX_FILE_BYTES)
    except SealError as exc:
        raise _problem(exc.problem, len(raw), exc.why) from None
    agenda = _json(opened.body)
    check_agenda(agenda, pack, content)
    made = dt.datetime.fromisoformat(agenda["made_at"].replace("Z", "+00:00"))
    stale = not_valid_on(opened, made)
    if stale is not None:
        raise AgendaError(_("The certificate of {name} was not valid on {day}, the day the agenda says it was "
                            "made (by the signer's computer clock).").format(
            name=cert_name(stale) or cert_organization(stale), day=made.date().isoformat()))
    # the certificates' names are shown beside the fingerprint: one line, no controls (as a summary's)
    return SealedAgenda(agenda, raw, fingerprint(opened.root),
                        _text(cert_organization(opened.root), "root", limit=300, line=True),
                        _text(cert_name(opened.signer), "signer", limit=300, line=True))


# --- the district's side -------------------------------------------------------------------


def _kept_path(folder: Path) -> Path:
    return Path(folder) / DISTRICT_FILE


def kept_agenda(district_folder: Path, pack: Pack, content: NetworkContent) -> SealedAgenda | None:
    """The agenda a district keeps, checked again; None when it has none.

    This is what the district's plan screen shows beside the plan (see ``ui/network_agenda.py``,
    :class:`DistrictAgendaPanel`). A kept file that no longer checks out raises :class:`AgendaError`.
    """
    path = _kept_path(district_folder)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AgendaError(_("The network agenda kept for this district cannot be read: {why}")
                          .format(why=exc.strerror or exc)) from None
    return open_agenda(raw, pack, content)


#: How far past this computer's clock an agenda's time may lie (time zones, a clock a little fast).
FUTURE_SLACK = dt.timedelta(days=1)


def keep_agenda(district_folder: Path, raw: bytes, pack: Pack, content: NetworkContent, *,
                replace_root: bool = False, read_only: bool = False,
                now: dt.datetime | None = None) -> tuple[str, SealedAgenda]:
    """Check ``raw`` and keep it as the district's agenda. Returns ``("added"|"updated"|"unchanged", agenda)``.

    Refused (:class:`AgendaError`, nothing changed): a file that does not check out, one dated
    after ``now`` (this computer's clock) by more than a day, and an agenda signed under another
    root than the kept one's, unless ``replace_root`` (the district checked the new fingerprint
    with the coach by phone).
    """
    new = open_agenda(raw, pack, content)
    latest = (now or dt.datetime.now(dt.UTC)) + FUTURE_SLACK
    if dt.datetime.fromisoformat(new.made_at.replace("Z", "+00:00")) > latest:
        # a coach's laptop with a clock running fast would otherwise make this copy "newest"
        # for good, and every real agenda after it would be kept out as older
        raise AgendaError(_("Refused: this agenda says it was made on {day}, after today by this computer's "
                            "clock. Ask the network to check the date on its laptop and send it again.")
                          .format(day=new.made_at[:10]))
    try:
        old = kept_agenda(district_folder, pack, content)
    except AgendaError:
        old = None  # a damaged kept copy is replaced by a good one
    if old is not None and old.root_fingerprint != new.root_fingerprint and not replace_root:
        raise AgendaError(_(
            "Refused: this agenda is signed under another network root ({new}) than the agenda this district "
            "already has ({old}). If the network really made a new root, check its fingerprint with the coach "
            "by phone, then import again choosing to replace it.").format(new=new.root_fingerprint,
                                                                          old=old.root_fingerprint), "root")
    if old is not None and old.root_fingerprint == new.root_fingerprint and old.made_at >= new.made_at:
        return "unchanged", old
    if read_only:
        raise AgendaError(_("This data is open read-only; the agenda was not kept."))
    try:
        write_file(_kept_path(district_folder), raw)
    except OSError as exc:
        raise AgendaError(_("The agenda could not be kept: {why}").format(why=exc.strerror or exc)) from None
    return ("added" if old is None else "updated"), new
