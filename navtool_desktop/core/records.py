"""Domain records of a district: plain, validated, immutable dataclasses.

Every record has a UUID4 ``id``, converts to plain JSON data with :meth:`Record.to_dict`
and back with :meth:`Record.from_dict`, which rejects wrong types and values with a
:class:`RecordError` naming the record and the field. Times are UTC ISO-8601 strings
(``2025-03-01T14:05:09.123Z``), dates are ISO dates (``2025-03-01``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Self

from navtool_desktop.core.clock import VersionKey, is_version, legacy_version, parse_version
from navtool_desktop.errors import UserFacingError
from navtool_desktop.i18n import _
from navtool_desktop.vocabulary import role_name

#: The levels a participant can place a competency at, in order, then "not sure".
LEVELS: tuple[str, ...] = ("establishing", "developing", "operationalizing", "refining")
NOT_SURE = "not_sure"
RATING_CHOICES: tuple[str, ...] = (*LEVELS, NOT_SURE)
ROLE_GROUPS: tuple[str, ...] = ("educator", "leader", "community_member", "learner")


def audiences_for(role_group: str) -> tuple[str, ...]:
    """Which guiding questions a participant sees: the ones the source writes for them.

    Learners see the learner questions only; the Equity questions are written for the
    district's educators, leaders and community members, so adults see them after their own.
    """
    return ("learners",) if role_group == "learner" else ("educators_leaders_community", "equity")

CYCLE_STATUSES: tuple[str, ...] = ("open", "closed")
PLAN_STATUSES: tuple[str, ...] = ("draft", "approved")
GOAL_TERMS: tuple[str, ...] = ("short", "long")
ACTION_STATUSES: tuple[str, ...] = ("not_started", "in_progress", "done", "blocked")
#: The most votes a paper tally may count for one level (and the most people in a room).
MAX_TALLY_COUNT = 10_000
#: The years a date (a cycle, a plan's period, an action's dates) and a time may fall in:
#: a plan ending in the year 9999 would make every timeline draw 96,000 months.
DATE_YEARS = (1900, 2199)
#: A date as the records keep it: year, month and day, ASCII digits.
_YMD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIME_YEARS = (1970, 2199)

_ITEM_ID = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\Z")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


class RecordError(UserFacingError, ValueError):
    """Data that does not make a valid record; the message names the record and field."""


def new_id() -> str:
    """A fresh record id (UUID4, lowercase, with dashes)."""
    return str(uuid.uuid4())


def utc_now() -> str:
    """The current UTC time as ISO-8601 with milliseconds and a ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: str) -> datetime:
    """Parse a time written by :func:`utc_now` (or any ISO-8601 time with a zone)."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("no time zone")
    return parsed


def _describe(value: object) -> str:
    return {str: _("text"), int: _("a whole number"), bool: _("true/false"), list: _("a list"),
            dict: _("an object"), float: _("a number"), type(None): _("nothing (null)")}.get(
        type(value), type(value).__name__)


class _Checker:
    """Converts one JSON value to a field's declared type, or raises RecordError."""

    def __init__(self, record: str) -> None:
        self.record = record

    def fail(self, name: str, problem: str) -> RecordError:
        return RecordError(_("{field} {problem}").format(field=f"{self.record}.{name}", problem=problem))

    def convert(self, name: str, kind: Any, value: Any) -> Any:
        if kind is str and type(value) is str:  # most fields: no typing introspection
            return value
        origin = typing.get_origin(kind)
        if origin in (typing.Union, types.UnionType):
            options = typing.get_args(kind)
            if value is None and type(None) in options:
                return None
            kind = next(k for k in options if k is not type(None))
            origin = typing.get_origin(kind)
        if kind is str:
            if not isinstance(value, str):
                raise self.fail(name, _("must be text, not {found}").format(found=_describe(value)))
            return value
        if kind is int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise self.fail(name, _("must be a whole number, not {found}").format(found=_describe(value)))
            return value
        if kind is bool:
            if not isinstance(value, bool):
                raise self.fail(name, _("must be true or false, not {found}").format(found=_describe(value)))
            return value
        if origin is tuple:
            if not isinstance(value, list | tuple):
                raise self.fail(name, _("must be a list, not {found}").format(found=_describe(value)))
            item_kind = typing.get_args(kind)[0]
            return tuple(self.convert(f"{name}[{n}]", item_kind, v) for n, v in enumerate(value))
        if origin is dict or kind is dict:
            if not isinstance(value, dict):
                raise self.fail(name, _("must be an object, not {found}").format(found=_describe(value)))
            val_kind = typing.get_args(kind)[1]
            return {self.convert(f"{name} key", str, k): self.convert(f"{name}.{k}", val_kind, v)
                    for k, v in value.items()}
        if isinstance(kind, type) and issubclass(kind, Record):
            if not isinstance(value, dict):
                raise self.fail(name, _("must be an object, not {found}").format(found=_describe(value)))
            return kind.from_dict(value, _path=f"{self.record}.{name}")
        raise TypeError(f"unsupported field type {kind!r}")  # a programming error


@dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """Base of every record: typed ``from_dict``/``to_dict`` and a ``validate`` hook."""

    _hints: ClassVar[dict[type, dict[str, Any]]] = {}
    _required_fields: ClassVar[dict[type, frozenset[str]]] = {}

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check values beyond their types; raise :class:`RecordError`."""

    @classmethod
    def _field_types(cls) -> dict[str, Any]:
        hints = Record._hints.get(cls)
        if hints is None:
            all_hints = typing.get_type_hints(cls)
            hints = {f.name: all_hints[f.name] for f in dataclasses.fields(cls)}
            Record._hints[cls] = hints
        return hints

    @classmethod
    def _required(cls) -> frozenset[str]:
        """The fields without a default (kept per class: records are loaded by the thousand)."""
        found = Record._required_fields.get(cls)
        if found is None:
            found = frozenset(f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING
                              and f.default_factory is dataclasses.MISSING)
            Record._required_fields[cls] = found
        return found

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, _path: str = "") -> Self:
        """Build a record from plain data, checking every field's type and value."""
        path = _path or cls.__name__
        if not isinstance(data, Mapping):
            raise RecordError(_("{path} must be an object, not {kind}").format(path=path, kind=_describe(data)))
        checker = _Checker(path)
        kwargs: dict[str, Any] = {}
        required = cls._required()
        for name, kind in cls._field_types().items():
            if name in data:
                kwargs[name] = checker.convert(name, kind, data[name])
            elif name in required:
                raise checker.fail(name, _("is missing"))
        unknown = set(data) - set(kwargs)
        if unknown:
            raise RecordError(_("{path} has unknown field(s): {fields}").format(
                path=path, fields=", ".join(sorted(unknown))))
        try:
            return cls(**kwargs)
        except RecordError as exc:
            if _path:
                raise RecordError(f"{_path}{str(exc)[len(cls.__name__):]}") from None
            raise

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON data (tuples become lists)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    # validation helpers used by subclasses
    def _fail(self, name: str, problem: str) -> RecordError:
        return RecordError(_("{field} {problem}").format(field=f"{type(self).__name__}.{name}", problem=problem))

    def _uuid(self, name: str) -> None:
        if not _UUID.match(getattr(self, name)):
            raise self._fail(name, _("must be a record id (UUID4), not '{value}'").format(value=getattr(self, name)))

    def _choice(self, name: str, choices: tuple[str, ...]) -> None:
        if getattr(self, name) not in choices:
            raise self._fail(name, _("must be one of {choices}, not '{value}'").format(
                choices=", ".join(choices), value=getattr(self, name)))

    def _time(self, name: str, *, optional: bool = False) -> None:
        value = getattr(self, name)
        if optional and not value:
            return
        try:
            year = parse_time(value).astimezone(UTC).year
        except (ValueError, OverflowError):
            raise self._fail(name, _("must be a UTC time like 2025-03-01T14:05:09Z, not '{value}'").format(
                value=value[:40])) from None
        if not TIME_YEARS[0] <= year <= TIME_YEARS[1]:
            raise self._fail(name, _("must be a time from {first} to {last}, not '{value}'").format(
                first=TIME_YEARS[0], last=TIME_YEARS[1], value=value[:40]))

    def _date(self, name: str, *, optional: bool = False, value: str | None = None) -> None:
        value = getattr(self, name) if value is None else value
        if optional and not value:
            return
        try:
            if not isinstance(value, str) or not _YMD.fullmatch(value):  # not a week date (2025-W41-3)
                raise ValueError
            year = date.fromisoformat(value).year
        except ValueError:
            raise self._fail(name, _("must be a date like 2025-03-01, not '{value}'").format(
                value=value[:40])) from None
        if not DATE_YEARS[0] <= year <= DATE_YEARS[1]:
            raise self._fail(name, _("must be a date from {first} to {last}, not '{value}'").format(
                first=DATE_YEARS[0], last=DATE_YEARS[1], value=value))

    def _item_id(self, name: str, value: str | None = None) -> None:
        value = getattr(self, name) if value is None else value
        if not _ITEM_ID.match(value):
            raise self._fail(name, _("must be a framework id like 'culture.relationships', not '{value}'").format(
                value=value))

    def _version(self, name: str = "version", *, optional: bool = True) -> None:
        value = getattr(self, name)
        if optional and not value:
            return
        if not is_version(value):
            raise self._fail(name, _("must be a version like 1764590709123.0.a1b2c3d4e5f6, not '{value}'").format(
                value=value[:60]))

    def _text(self, name: str) -> None:
        if not getattr(self, name).strip():
            raise self._fail(name, _("is empty"))


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# --- district and cycles ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamMember(Record):
    """A member of the district leadership team."""

    name: str
    role: str = ""

    def validate(self) -> None:
        self._text("name")


@dataclass(frozen=True, slots=True, kw_only=True)
class District(Record):
    """The district profile: who they are and where they want to go (Shared Vision)."""

    id: str = field(default_factory=new_id)
    name: str
    state: str = ""
    vision: str = ""
    portrait_of_graduate: str = ""
    team: tuple[TeamMember, ...] = ()
    created: str = field(default_factory=utc_now)
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._text("name")
        self._time("created")
        self._time("updated")
        self._version()
        self._version("prior")


#: The smallest anonymity threshold a cycle can have (and the default for a new cycle).
MIN_THRESHOLD = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class ThresholdChange(Record):
    """A recorded change of a cycle's anonymity threshold: who, when, from what to what, and
    what the change reveals (as the person was told when they confirmed it)."""

    at: str = field(default_factory=utc_now)
    by: str
    old: int
    new: int
    reveals: str = ""

    def validate(self) -> None:
        self._time("at")
        self._text("by")
        for name in ("old", "new"):
            if getattr(self, name) < MIN_THRESHOLD:
                raise self._fail(name, _("must be at least {least}, not {value}").format(
                    least=MIN_THRESHOLD, value=getattr(self, name)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle(Record):
    """One round of Reflect and Listen: who rated which conditions, on which framework.

    ``scope`` lists condition ids; ``None`` means every condition of the framework.
    """

    id: str = field(default_factory=new_id)
    title: str
    date: str
    scope: tuple[str, ...] | None = None
    framework_id: str
    framework_version: str
    status: str = "open"
    created: str = field(default_factory=utc_now)
    updated: str = field(default_factory=utc_now)
    #: Role groups with fewer people than this are never shown on their own (optional field,
    #: default :data:`MIN_THRESHOLD`); changed only through :meth:`with_threshold`.
    threshold: int = MIN_THRESHOLD
    threshold_changes: tuple[ThresholdChange, ...] = ()
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._text("title")
        self._date("date")
        if self.threshold < MIN_THRESHOLD:
            raise self._fail("threshold", _("must be at least {least}, not {value}").format(
                least=MIN_THRESHOLD, value=self.threshold))
        if self.scope is not None:
            if not self.scope:
                raise self._fail("scope", _("must name at least one condition (or be null for all)"))
            for cid in self.scope:
                self._item_id("scope", cid)
        self._text("framework_id")
        self._choice("status", CYCLE_STATUSES)
        self._time("created")
        self._time("updated")
        self._version()
        self._version("prior")

    def with_threshold(self, new: int, *, by: str, reveals: str = "", at: str | None = None) -> Cycle:
        """A copy with a new anonymity threshold and the change recorded (who, when, old, new)."""
        change = ThresholdChange(at=at or utc_now(), by=by, old=self.threshold, new=new, reveals=reveals)
        return self.replace(threshold=new, threshold_changes=(*self.threshold_changes, change),
                            updated=change.at)

    def covers(self, competency_id: str) -> bool:
        """Whether a competency (``condition.competency``) is in this cycle's scope."""
        return self.scope is None or competency_id.split(".", 1)[0] in self.scope


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant(Record):
    """Someone who rates in a cycle: a display name or an anonymous code, and a role group."""

    id: str = field(default_factory=new_id)
    name: str = ""
    code: str = ""
    role_group: str
    created: str = field(default_factory=utc_now)
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        if not (self.name.strip() or self.code.strip()):
            raise self._fail("name", _("and code are both empty (one is needed)"))
        self._choice("role_group", ROLE_GROUPS)
        self._time("created")
        self._time("updated")
        self._version()
        self._version("prior")

    @property
    def label(self) -> str:
        """What to show for this participant: the name, else the anonymous code."""
        return self.name.strip() or self.code.strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class Rating(Record):
    """One participant's placement of one competency, with practices ticked as evidence."""

    id: str = field(default_factory=new_id)
    participant_id: str
    competency_id: str
    level: str
    practices: tuple[str, ...] = ()
    note: str = ""
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._uuid("participant_id")
        self._item_id("competency_id")
        self._choice("level", RATING_CHOICES)
        prefix = self.competency_id + "."
        for pid in self.practices:
            self._item_id("practices", pid)
            if not pid.startswith(prefix):
                raise self._fail("practices", _("'{practice}' is not a practice of '{competency}'").format(
                    practice=pid, competency=self.competency_id))
        self._time("updated")
        self._version()
        self._version("prior")


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionResponse(Record):
    """A participant's answer to a guiding question."""

    id: str = field(default_factory=new_id)
    participant_id: str
    question_id: str
    text: str
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._uuid("participant_id")
        self._item_id("question_id")
        self._time("updated")
        self._version()
        self._version("prior")


@dataclass(frozen=True, slots=True, kw_only=True)
class Consensus(Record):
    """The level the team agreed on for one competency in a cycle, and why."""

    id: str = field(default_factory=new_id)
    competency_id: str
    level: str
    rationale: str = ""
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._item_id("competency_id")
        self._choice("level", RATING_CHOICES)
        self._time("updated")
        self._version()
        self._version("prior")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally(Record):
    """Paper votes a facilitator entered for one competency and role group.

    Kept apart from :class:`Rating`: these are counts, not people, and stay marked as
    facilitator-entered (``source = "paper"``). ``counts`` maps each of
    :data:`RATING_CHOICES` to a number of votes, at most :data:`MAX_TALLY_COUNT` each.
    ``people`` is how many of that role group the facilitator says were in the room
    (0: not said); more votes than that is allowed but warned about (:attr:`over_room`).
    """

    id: str = field(default_factory=new_id)
    competency_id: str
    role_group: str
    counts: dict[str, int]
    people: int = 0
    source: str = "paper"
    entered_by: str = ""
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._item_id("competency_id")
        self._choice("role_group", ROLE_GROUPS)
        for level, count in self.counts.items():
            if level not in RATING_CHOICES:
                raise self._fail("counts", _("has an unknown level '{level}' (expected {choices})").format(
                    level=level, choices=", ".join(RATING_CHOICES)))
            if count < 0:
                raise self._fail("counts", _("for '{level}' is negative ({count})").format(level=level, count=count))
            if count > MAX_TALLY_COUNT:
                raise self._fail("counts", _("for '{level}' is {count}, more than {most} votes").format(
                    level=level, count=_count(count), most=f"{MAX_TALLY_COUNT:,}"))
        if not 0 <= self.people <= MAX_TALLY_COUNT:
            raise self._fail("people", _("must be 0 to {most}, not {value}").format(
                most=f"{MAX_TALLY_COUNT:,}", value=_count(self.people)))
        self._choice("source", ("paper",))
        self._time("updated")
        self._version()
        self._version("prior")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def over_room(self) -> bool:
        """Whether the votes outnumber the people said to be in the room (a warning only)."""
        return self.people > 0 and self.total > self.people


def _count(value: int) -> str:
    """A number for a message, shortened if it is absurdly long (10^400 has 401 digits)."""
    return f"{value:,}" if abs(value) < 10**30 else "a number with more than 30 digits"


# --- plans -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSigner(Record):
    """One signature box of a plan's approval page: the role that signs it, and whose name
    is expected there (the stamp itself always shows the name in the signer's certificate)."""

    role: str
    name: str = ""

    def validate(self) -> None:
        self._text("role")
        if len(self.role) > 64 or len(self.name) > 64:
            raise self._fail("role", _("and name are at most 64 characters each"))


#: At most this many signature boxes fit on the approval page.
MAX_PLAN_SIGNERS = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan(Record):
    """A strategic action plan for a period; approved plans can be signed and sent."""

    id: str = field(default_factory=new_id)
    title: str
    period_start: str
    period_end: str
    status: str = "draft"
    approved_by: str = ""
    approved_at: str = ""
    #: The signature boxes of the approval page, in order; empty: the district's default two
    #: (superintendent and board chair, named from the team when it says).
    signers: tuple[PlanSigner, ...] = ()
    #: The day of the board meeting that is to adopt the plan (ISO date), or "".
    meeting_date: str = ""
    #: The id of the plan this one is a revision of ("" for a first plan); see
    #: :func:`navtool_desktop.core.planning.revise`.
    revises: str = ""
    created: str = field(default_factory=utc_now)
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""
    #: The board's resolution number adopting the plan, or "" (the adoption record).
    resolution: str = ""
    #: The board's vote on the plan as written down (e.g. "5-0, 1 absent"), or "".
    vote: str = ""
    #: The days the board receives progress reports on the plan (ISO dates, in order).
    report_dates: tuple[str, ...] = ()

    def validate(self) -> None:
        self._uuid("id")
        self._text("title")
        self._date("period_start")
        self._date("period_end")
        if self.period_end < self.period_start:
            raise self._fail("period_end", _("({end}) is before period_start ({start})").format(
                end=self.period_end, start=self.period_start))
        self._choice("status", PLAN_STATUSES)
        self._time("approved_at", optional=True)
        if self.status == "approved" and not (self.approved_by.strip() and self.approved_at):
            raise self._fail("status", _("is 'approved' but approved_by or approved_at is empty"))
        if len(self.signers) > MAX_PLAN_SIGNERS:
            raise self._fail("signers", _("has {count} boxes; at most {most} fit").format(
                count=len(self.signers), most=MAX_PLAN_SIGNERS))
        roles = [s.role.strip().casefold() for s in self.signers]
        if len(set(roles)) != len(roles):
            raise self._fail("signers", _("names the same role twice"))
        self._date("meeting_date", optional=True)
        if self.revises:
            self._uuid("revises")
        self._time("created")
        self._time("updated")
        self._version()
        self._version("prior")
        if len(self.resolution) > 64 or len(self.vote) > 64:
            raise self._fail("resolution", _("and vote are at most 64 characters each"))
        for day in self.report_dates:
            self._date("report_dates", value=day)


@dataclass(frozen=True, slots=True, kw_only=True)
class Measure(Record):
    """A success measure of a goal; practices to look for can serve as indicators."""

    text: str
    practices: tuple[str, ...] = ()
    #: Where the district stands on the measure when the plan is adopted (e.g. "41%"), or "".
    baseline: str = ""
    #: The number the measure is to reach (e.g. "70%"), or "".
    target: str = ""
    #: Where the number comes from (e.g. "spring staff survey"), or "".
    source: str = ""
    #: When it is measured (e.g. "each May"), or "".
    when: str = ""

    def validate(self) -> None:
        self._text("text")
        for pid in self.practices:
            self._item_id("practices", pid)


@dataclass(frozen=True, slots=True, kw_only=True)
class Goal(Record):
    """A goal of a plan: move one competency from its current level to a target level."""

    id: str = field(default_factory=new_id)
    plan_id: str
    competency_id: str
    current_level: str
    target_level: str
    target_date: str
    term: str
    statement: str
    measures: tuple[Measure, ...] = ()
    #: The goal's place in the plan's list of priorities (0 first).
    rank: int = 0
    #: The person accountable for the goal, or "".
    lead: str = ""
    #: What the goal costs beyond its actions, in whole dollars (0: none given).
    cost: int = 0
    #: Where the money comes from (e.g. "Title II-A"), or "".
    funding: str = ""
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._uuid("plan_id")
        if self.rank < 0:
            raise self._fail("rank", _("must be 0 or more, not {value}").format(value=self.rank))
        self._item_id("competency_id")
        self._choice("current_level", RATING_CHOICES)
        self._choice("target_level", LEVELS)
        self._date("target_date")
        self._choice("term", GOAL_TERMS)
        self._text("statement")
        if self.cost < 0:
            raise self._fail("cost", _("must be 0 or more, not {value}").format(value=self.cost))
        self._time("updated")
        self._version()
        self._version("prior")


#: The most status changes an action keeps (a change a day for years is far fewer).
MAX_STATUS_CHANGES = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange(Record):
    """An action's status from a day on: its history, so a progress report shows each action's
    status as it stood on the report's date."""

    on: str
    status: str

    def validate(self) -> None:
        self._date("on")
        self._choice("status", ACTION_STATUSES)


@dataclass(frozen=True, slots=True, kw_only=True)
class Action(Record):
    """A step toward a goal, with an owner, dates, resources and a status."""

    id: str = field(default_factory=new_id)
    goal_id: str
    description: str
    owner: str = ""
    start: str = ""
    due: str = ""
    resources: str = ""
    status: str = "not_started"
    #: What the action costs, in whole dollars (0: none given).
    cost: int = 0
    #: Where the money comes from, or "".
    funding: str = ""
    #: The status from each day it was set, oldest first (empty: saved before this was kept).
    status_history: tuple[StatusChange, ...] = ()
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._uuid("goal_id")
        self._text("description")
        self._date("start", optional=True)
        self._date("due", optional=True)
        if self.start and self.due and self.due < self.start:
            raise self._fail("due", _("({due}) is before start ({start})").format(due=self.due, start=self.start))
        self._choice("status", ACTION_STATUSES)
        if self.cost < 0:
            raise self._fail("cost", _("must be 0 or more, not {value}").format(value=self.cost))
        if len(self.status_history) > MAX_STATUS_CHANGES:
            raise self._fail("status_history", _("has {count} changes; at most {most} are kept").format(
                count=len(self.status_history), most=MAX_STATUS_CHANGES))
        days = [c.on for c in self.status_history]
        if days != sorted(days):
            raise self._fail("status_history", _("is not in date order"))
        self._time("updated")
        self._version()
        self._version("prior")


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgressNote(Record):
    """A dated note on how an action is going (Learn and Improve)."""

    id: str = field(default_factory=new_id)
    action_id: str
    date: str
    text: str
    updated: str = field(default_factory=utc_now)
    #: The record's version (see :mod:`navtool_desktop.core.clock`); empty before it is saved.
    version: str = ""
    #: The version of the record this one replaced where it was saved ("" if none): an
    #: import tells an edit made after seeing another from two edits made apart.
    prior: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._uuid("action_id")
        self._date("date")
        self._text("text")
        self._time("updated")
        self._version()
        self._version("prior")


# --- deletions -------------------------------------------------------------------------

#: What a tombstone can stand for. Cycle, plan, goal, action and note tombstones live in
#: the district file; the others in their cycle's file.
TOMBSTONE_KINDS: tuple[str, ...] = ("cycle", "participant", "rating", "response", "consensus",
                                    "tally", "plan", "goal", "action", "note")
DISTRICT_TOMBSTONES: tuple[str, ...] = ("cycle", "plan", "goal", "action", "note")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tombstone(Record):
    """A deleted record: its id, what it was, and the version of the deletion.

    Tombstones travel in bundles so that an import never brings a deleted record back.
    A deletion is final: a record whose id has a tombstone (or whose participant, cycle,
    plan, goal or action has one) is never saved again, except that the ratings and
    answers of a participant merged into another (``merged_into``) go to that one, even
    those entered on another laptop before it heard of the merge. They hold no names, and
    they are kept for good (they are a few dozen bytes each).
    """

    id: str
    kind: str
    version: str
    deleted: str = field(default_factory=utc_now)
    #: For a participant merged into another (the same person twice): the kept one's id.
    merged_into: str = ""

    def validate(self) -> None:
        self._uuid("id")
        self._choice("kind", TOMBSTONE_KINDS)
        self._version(optional=False)
        self._time("deleted")
        if self.merged_into:
            self._uuid("merged_into")
            if self.kind != "participant" or self.merged_into == self.id:
                raise self._fail("merged_into", _("names the participant another one was merged into"))


def version_of(record: Record) -> str:
    """A record's version; data saved before versions existed is versioned by its own time."""
    version = getattr(record, "version", "")
    if version:
        return str(version)
    return legacy_version(getattr(record, "updated", "") or getattr(record, "created", ""))


def version_key(record: Record) -> tuple[VersionKey, str]:
    """What merging orders two versions of a record by: the version, then (for two records
    with the same version, which only hostile or hand-made data has) their content, so
    every laptop picks the same one."""
    import json

    return parse_version(version_of(record)), json.dumps(record.to_dict(), sort_keys=True)


def role_label(role: str) -> str:
    """A role group's name as shown (the words live in :mod:`navtool_desktop.vocabulary`)."""
    return role_name(role)


@functools.lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """A name or code as compared to find one person entered twice: case, spacing, the Unicode
    form (a decomposed "í", full-width letters) and invisible characters (zero-width spaces,
    byte order marks, soft hyphens) ignored. Remembered per text: the results of ten years ask
    for the same sixty names 146,000 times (1 s uncached)."""
    import unicodedata

    text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", " ".join(text.split()).casefold())


def same_person(a: Participant, b: Participant) -> bool:
    """Whether two participants look like one person entered twice: the same name, or the
    same code (compared by :func:`name_key`)."""
    return bool((name_key(a.name) and name_key(a.name) == name_key(b.name))
                or (name_key(a.code) and name_key(a.code) == name_key(b.code)))
