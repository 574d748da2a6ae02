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

Other languages: ``content/network/<lang>/`` holds a file of the same name for each English file
(``es/anchor-questions.toml``, ``es/support.toml``), keyed by the English ids, in the manner of a
pack's language layer (:mod:`navtool_desktop.framework.locale`). Only words are translated: ids,
competencies, levels, suggestions, provenance and the source's headings (a type's
``source_name``) stay as in English. The file::

    status = "draft"                  # every entry's status unless it says otherwise
    source = "…"                      # the English file's own texts
    about = "…"
    [questions.plc3-q1]               # an entry by its group and id: its text fields
    theme = "…"
    text = "…"
    follow_ups = ["…", "…"]           # as many as in English
    status = "draft"

:func:`load_network_content` gives the texts in the app's language (``i18n.language()``, or
``language=``); a text missing there stays English and :func:`untranslated` lists it. An id, a
field or a file the English does not have is refused.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from navtool_desktop import i18n, paths
from navtool_desktop.errors import UserFacingError
from navtool_desktop.framework import Pack
from navtool_desktop.framework.locale import STATUSES, Translation
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
    language: str = i18n.SOURCE_LANGUAGE  #: the language of the translated texts ("en": none)
    #: the translation status of each translated entry ("questions.plc1-q1": "draft"; see
    #: :func:`translatable` for the keys); empty in English
    status: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    def status_of(self, key: str) -> str | None:
        """How far the shown translation of ``key`` was checked ("draft"…), or None (English)."""
        return self.status.get(key)

    def least_status(self) -> str | None:
        """How far the least checked of the translated texts was checked, or None (English)."""
        return min(self.status.values(), key=STATUSES.index) if self.status else None

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


def _read(folder: Path, name: str, shown: str | None = None) -> dict[str, Any]:
    try:
        with (folder / name).open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise NetworkContentError(_("{file} cannot be read: {why}").format(
            file=shown or name, why=exc.strerror or exc)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # TOML is UTF-8
        raise NetworkContentError(_("{file} is not valid TOML: {why}").format(file=shown or name, why=exc)) from None


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


def _english(pack: Pack, where: Path) -> NetworkContent:
    q_source, about, communities, questions, lenses = _questions(where, pack)
    s_source, types, examples_note, tiers, rule, tiers_note, policy = _support(where, pack)
    return NetworkContent(q_source, about, communities, questions, lenses, s_source, types, examples_note,
                          tiers, rule, tiers_note, policy)


def load_network_content(pack: Pack, folder: Path | None = None, *, language: str | None = None) -> NetworkContent:
    """The network content in ``folder`` (default: ``content/network``), checked against ``pack``,
    with its texts in ``language`` (default: the app's, ``i18n.language()``) where they exist."""
    where = Path(folder) if folder is not None else paths.content_dir() / FOLDER
    english = _english(pack, where)
    code = language or i18n.language()
    if code == i18n.SOURCE_LANGUAGE:
        return english
    return _localize(english, _translation(where, english, code))


# --- other languages ---------------------------------------------------------------------------

#: Per English file: the key of its own texts, which of them a translation gives, and its groups
#: of entries (keyed by id in a translation) with their text fields.
_LAYOUT: dict[str, tuple[str, tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    QUESTIONS_FILE: ("anchor-questions", ("source", "about"),
                     {"communities": ("name", "theme"), "questions": ("theme", "text", "follow_ups"),
                      "lenses": ("name", "check")}),
    SUPPORT_FILE: ("support", ("source", "examples_note", "rule", "tiers_note"),
                   {"types": ("name", "description", "example"), "tiers": ("name", "description")}),
}
#: Fields that hold a list of texts (as many as in English).
_LISTS = ("follow_ups",)


def translatable(content: NetworkContent) -> dict[str, tuple[str, ...]]:
    """Every key with text to translate and its fields, in file order: a file's own texts under
    its stem ("support": rule…), each entry as group.id ("questions.plc3-q1": theme, text, follow_ups)."""
    entries: dict[str, tuple[Any, ...]] = {"communities": content.communities, "questions": content.questions,
                                           "lenses": content.lenses, "types": content.types, "tiers": content.tiers}
    out: dict[str, tuple[str, ...]] = {}
    for stem, own, groups in _LAYOUT.values():
        out[stem] = own
        for group, fields in groups.items():
            for entry in entries[group]:
                out[f"{group}.{entry.id}"] = tuple(f for f in fields if f not in _LISTS or getattr(entry, f))
    return out


def _english_list(content: NetworkContent, key: str, field: str) -> tuple[str, ...]:
    group, _dot, entry_id = key.partition(".")
    entry = {"questions": content.question}[group](entry_id)
    return tuple(getattr(entry, field))


def _translation(folder: Path, english: NetworkContent, language: str) -> Translation | None:
    """The texts in ``language`` from ``folder/<language>/``, or None when it has none."""
    root = folder / language
    files = sorted(p.name for p in root.glob("*.toml") if p.is_file()) if root.is_dir() else []
    if not files:
        return None
    fields_of = translatable(english)
    texts: dict[str, dict[str, Any]] = {}
    status: dict[str, str] = {}
    for name in files:
        f = _File(f"{language}/{name}")
        if name not in _LAYOUT:
            raise NetworkContentError(_("{file}: no English file has this name; a translation's files are: "
                                        "{files}").format(file=f.name, files=", ".join(_LAYOUT)))
        stem, own, groups = _LAYOUT[name]
        data = _read(root, name, f.name)
        default = data.get("status", "draft")
        if default not in STATUSES:
            raise f.fail("status", _("must be one of {statuses}").format(statuses=", ".join(STATUSES)))
        entries: list[tuple[str, str, dict[str, Any]]] = [(stem, "", {k: v for k, v in data.items() if k in own})]
        for key, value in data.items():
            if key == "status" or key in own:
                continue
            if key not in groups:
                raise f.fail(key, _("no such field here; it may be: {fields}").format(
                    fields=", ".join(("status", *own, *groups))))
            if not isinstance(value, dict):
                raise f.fail(key, _("must be a table"))
            for entry_id, table in value.items():
                where = f"{key}.{entry_id}"
                if where not in fields_of:
                    raise f.fail(where, _("no such id in the English file"))
                if not isinstance(table, dict):
                    raise f.fail(where, _("must be a table"))
                entries.append((where, where + ".", table))
        for key, prefix, table in entries:
            entry_status = table.get("status", default) if prefix else default
            if entry_status not in STATUSES:
                raise f.fail(prefix + "status", _("must be one of {statuses}").format(statuses=", ".join(STATUSES)))
            found: dict[str, Any] = {}
            for field, value in table.items():
                if field == "status" and prefix:
                    continue
                if field not in fields_of[key]:
                    raise f.fail(prefix + field, _("no such field here; it may be: {fields}").format(
                        fields=", ".join(fields_of[key])))
                if field in _LISTS:
                    count = len(_english_list(english, key, field))
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        raise f.fail(prefix + field, _("must be a list of texts"))
                    if len(value) != count:
                        raise f.fail(prefix + field, _("must have {count} follow-up questions, as in English")
                                     .format(count=count))
                    if all(v.strip() for v in value):
                        found[field] = tuple(v.strip() for v in value)
                elif not isinstance(value, str):
                    raise f.fail(prefix + field, _("must be a text"))
                elif value.strip():
                    found[field] = value.strip()
            texts.setdefault(key, {}).update(found)
            if found:
                status[key] = min(status.get(key, entry_status), entry_status, key=STATUSES.index)
    return Translation(language, texts, status)


def _localize(content: NetworkContent, translation: Translation | None) -> NetworkContent:
    """``content`` with every translated text in place; anything untranslated stays English."""
    if translation is None:
        return content
    texts = translation.texts

    def swap(group: str, entry: Any) -> Any:
        return dataclasses.replace(entry, **texts.get(f"{group}.{entry.id}", {}))

    questions = texts.get("anchor-questions", {})
    support = texts.get("support", {})
    return dataclasses.replace(
        content,
        questions_source=questions.get("source", content.questions_source),
        about=questions.get("about", content.about),
        communities=tuple(swap("communities", c) for c in content.communities),
        questions=tuple(swap("questions", q) for q in content.questions),
        lenses=tuple(swap("lenses", lens) for lens in content.lenses),
        support_source=support.get("source", content.support_source),
        types=tuple(swap("types", t) for t in content.types),
        examples_note=support.get("examples_note", content.examples_note),
        tiers=tuple(swap("tiers", t) for t in content.tiers),
        rule=support.get("rule", content.rule),
        tiers_note=support.get("tiers_note", content.tiers_note),
        language=translation.language,
        status=dict(translation.status),
    )


def untranslated(pack: Pack, language: str, folder: Path | None = None) -> list[str]:
    """``key:field`` for every network text that lacks ``language`` (keys as in :func:`translatable`),
    in file order; a broken translation raises :class:`NetworkContentError`."""
    where = Path(folder) if folder is not None else paths.content_dir() / FOLDER
    english = _english(pack, where)
    translation = _translation(where, english, language)
    texts = translation.texts if translation else {}
    return [f"{key}:{field}" for key, fields in translatable(english).items() for field in fields
            if not texts.get(key, {}).get(field)]
