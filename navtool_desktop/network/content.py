"""The network content: anchor questions for peer learning, and the coach's support menu.

Two TOML files in ``content/network/`` (next to the framework pack, whose ids they use):

- ``anchor-questions.toml``: the four peer learning communities, their anchor questions
  restated for districts (each marked "adapted by this project", with the pack competencies it
  maps to) and the three cross-cutting lenses used as checks on a plan.
- ``support.toml``: the six support types, the readiness tiers (which pack levels lead to each,
  and the rule in words the app shows), and which pack resources are state-policy documents.

:func:`load_network_content` checks both strictly against the pack: unknown or missing keys,
duplicate ids, an id the pack does not have, tiers that do not cover every level exactly once.
Every problem is one :class:`NetworkContentError` naming the file and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from navtool_desktop import paths
from navtool_desktop.errors import UserFacingError
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _

FOLDER = "network"
QUESTIONS_FILE = "anchor-questions.toml"
SUPPORT_FILE = "support.toml"
ADAPTED = "adapted by this project"


class NetworkContentError(UserFacingError):
    """The network content cannot be used; ``str(exc)`` names the file and the field."""


@dataclass(frozen=True)
class Community:
    id: str
    number: int
    name: str
    theme: str


@dataclass(frozen=True)
class AnchorQuestion:
    id: str
    community: str
    theme: str
    text: str
    provenance: str
    competencies: tuple[str, ...]
    follow_ups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lens:
    id: str
    name: str
    check: str
    provenance: str
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class SupportType:
    id: str
    name: str
    source_name: str
    description: str
    example: str
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    levels: tuple[str, ...]
    description: str
    suggested: tuple[str, ...]


@dataclass(frozen=True)
class NetworkContent:
    questions_source: str
    about: str
    communities: tuple[Community, ...]
    questions: tuple[AnchorQuestion, ...]
    lenses: tuple[Lens, ...]
    support_source: str
    types: tuple[SupportType, ...]
    examples_note: str
    tiers: tuple[Tier, ...]          #: least ready first
    rule: str                        #: how a tier is derived, in words the app shows
    tiers_note: str
    state_policy: tuple[str, ...]    #: pack resource ids

    def question(self, question_id: str) -> AnchorQuestion:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def community(self, community_id: str) -> Community:
        for c in self.communities:
            if c.id == community_id:
                return c
        raise KeyError(community_id)

    def support_type(self, type_id: str) -> SupportType:
        for t in self.types:
            if t.id == type_id:
                return t
        raise KeyError(type_id)

    def tier(self, tier_id: str) -> Tier:
        for t in self.tiers:
            if t.id == tier_id:
                return t
        raise KeyError(tier_id)

    def tier_of_level(self, level: str | None) -> Tier | None:
        """The tier a pack level leads to (None for no level)."""
        return next((t for t in self.tiers if level in t.levels), None)


class _File:
    """Strict typed access to one parsed TOML file."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, field: str, problem: str) -> NetworkContentError:
        return NetworkContentError(_("{file}, field \u201c{field}\u201d: {problem}").format(
            file=self.name, field=field, problem=problem))

    def table(self, value: Any, field: str, keys: set[str],
              optional: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, _("expected a table"))
        missing = keys - set(value)
        unknown = set(value) - keys - optional
        if missing or unknown:
            raise self.fail(field, _("missing {missing}; unexpected {unknown}").format(
                missing=", ".join(sorted(missing)) or "-", unknown=", ".join(sorted(unknown)) or "-"))
        return value

    def text(self, table: dict[str, Any], key: str, field: str) -> str:
        value = table.get(key, "")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{field}.{key}", _("expected text that is not empty"))
        return value.strip()

    def texts(self, table: dict[str, Any], key: str, field: str, *, empty: bool = False) -> tuple[str, ...]:
        value = table.get(key, [])
        if (not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value)
                or (not value and not empty) or len(set(value)) != len(value)):
            raise self.fail(f"{field}.{key}", _("expected a list of distinct, non-empty texts"))
        return tuple(v.strip() for v in value)

    def rows(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, _("expected a list of tables"))
        return value

    def ids(self, items: Any, key: str) -> None:
        seen: set[str] = set()
        for n, item in enumerate(items):
            if item.id in seen:
                raise self.fail(f"{key}[{n}].id", _("the id {id} is used twice").format(id=item.id))
            seen.add(item.id)

    def known(self, values: tuple[str, ...], known: set[str] | frozenset[str], field: str) -> None:
        for value in values:
            if value not in known:
                raise self.fail(field, _("{id} is not known").format(id=value))


def _read(folder: Path, name: str) -> dict[str, Any]:
    try:
        with (folder / name).open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise NetworkContentError(_("{file} cannot be read: {why}").format(
            file=name, why=exc.strerror or exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise NetworkContentError(_("{file} is not valid TOML: {why}").format(file=name, why=exc)) from None


def _questions(folder: Path, pack: Pack) -> tuple[str, str, tuple[Community, ...], tuple[AnchorQuestion, ...],
                                                   tuple[Lens, ...]]:
    f = _File(QUESTIONS_FILE)
    data = f.table(_read(folder, QUESTIONS_FILE), "", {"source", "about", "communities", "questions", "lenses"})
    competencies = {c.id for c in pack.competencies}
    communities = []
    for n, raw in enumerate(f.rows(data, "communities")):
        where = f"communities[{n}]"
        row = f.table(raw, where, {"id", "number", "name", "theme"})
        if not isinstance(row["number"], int) or isinstance(row["number"], bool) or row["number"] < 1:
            raise f.fail(where + ".number", _("expected a whole number from 1"))
        communities.append(Community(f.text(row, "id", where), row["number"], f.text(row, "name", where),
                                     f.text(row, "theme", where)))
    f.ids(communities, "communities")
    questions = []
    for n, raw in enumerate(f.rows(data, "questions")):
        where = f"questions[{n}]"
        row = f.table(raw, where, {"id", "community", "theme", "text", "provenance", "competencies"},
                      {"follow_ups"})
        q = AnchorQuestion(f.text(row, "id", where), f.text(row, "community", where), f.text(row, "theme", where),
                           f.text(row, "text", where), f.text(row, "provenance", where),
                           f.texts(row, "competencies", where), f.texts(row, "follow_ups", where, empty=True))
        f.known((q.community,), {c.id for c in communities}, where + ".community")
        f.known(q.competencies, competencies, where + ".competencies")
        if q.provenance != ADAPTED:
            raise f.fail(where + ".provenance", _("must be \u201c{expected}\u201d").format(expected=ADAPTED))
        questions.append(q)
    f.ids(questions, "questions")
    for c in communities:
        if not any(q.community == c.id for q in questions):
            raise f.fail("questions", _("the community {id} has no question").format(id=c.id))
    lenses = []
    for n, raw in enumerate(f.rows(data, "lenses")):
        where = f"lenses[{n}]"
        row = f.table(raw, where, {"id", "name", "check", "provenance", "competencies"})
        lens = Lens(f.text(row, "id", where), f.text(row, "name", where), f.text(row, "check", where),
                    f.text(row, "provenance", where), f.texts(row, "competencies", where))
        f.known(lens.competencies, competencies, where + ".competencies")
        if lens.provenance != ADAPTED:
            raise f.fail(where + ".provenance", _("must be \u201c{expected}\u201d").format(expected=ADAPTED))
        lenses.append(lens)
    f.ids(lenses, "lenses")
    return (f.text(data, "source", ""), f.text(data, "about", ""), tuple(communities), tuple(questions),
            tuple(lenses))


def _support(folder: Path, pack: Pack) -> tuple[str, tuple[SupportType, ...], str, tuple[Tier, ...], str, str,
                                                tuple[str, ...]]:
    f = _File(SUPPORT_FILE)
    data = f.table(_read(folder, SUPPORT_FILE), "",
                   {"source", "types", "examples_note", "tiers", "rule", "tiers_note", "state_policy"})
    competencies = {c.id for c in pack.competencies}
    types = []
    for n, raw in enumerate(f.rows(data, "types")):
        where = f"types[{n}]"
        row = f.table(raw, where, {"id", "name", "source_name", "description", "example", "competencies"})
        t = SupportType(f.text(row, "id", where), f.text(row, "name", where), f.text(row, "source_name", where),
                        f.text(row, "description", where), f.text(row, "example", where),
                        f.texts(row, "competencies", where))
        f.known(t.competencies, competencies, where + ".competencies")
        types.append(t)
    f.ids(types, "types")
    tiers = []
    for n, raw in enumerate(f.rows(data, "tiers")):
        where = f"tiers[{n}]"
        row = f.table(raw, where, {"id", "name", "levels", "description", "suggested"})
        tier = Tier(f.text(row, "id", where), f.text(row, "name", where), f.texts(row, "levels", where),
                    f.text(row, "description", where), f.texts(row, "suggested", where))
        f.known(tier.levels, {s.id for s in pack.stages}, where + ".levels")
        f.known(tier.suggested, {t.id for t in types}, where + ".suggested")
        tiers.append(tier)
    f.ids(tiers, "tiers")
    # every level leads to exactly one tier, and the tiers go up with the levels
    order = [s.id for s in pack.stages]
    covered = [level for tier in tiers for level in tier.levels]
    if sorted(covered, key=order.index) != order or covered != order:
        raise f.fail("tiers", _("every level must lead to exactly one tier, least ready first"))
    policy = f.table(data["state_policy"], "state_policy", {"resources"})
    resources = f.texts(policy, "resources", "state_policy")
    f.known(resources, {r.id for r in pack.resources}, "state_policy.resources")
    return (f.text(data, "source", ""), tuple(types), f.text(data, "examples_note", ""), tuple(tiers),
            f.text(data, "rule", ""), f.text(data, "tiers_note", ""), resources)


def load_network_content(pack: Pack, folder: Path | None = None) -> NetworkContent:
    """The network content in ``folder`` (default: ``content/network``), checked against ``pack``."""
    where = Path(folder) if folder is not None else paths.content_dir() / FOLDER
    q_source, about, communities, questions, lenses = _questions(where, pack)
    s_source, types, examples_note, tiers, rule, tiers_note, policy = _support(where, pack)
    return NetworkContent(q_source, about, communities, questions, lenses, s_source, types, examples_note,
                          tiers, rule, tiers_note, policy)
