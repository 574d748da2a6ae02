"""A pack's text in another language: every ``<pack>/<lang>/*.toml``, keyed by the English ids.

The texts may be split over several files (``texts.toml`` for the names, questions and level
meanings, one file per condition for its targets, descriptors and practices, one for the
glossary and resources); an id may appear in only one of them.

Ids never change with the language, so ratings given on Spanish and English screens are the
same ratings and are pooled. Only text is translated: names, definitions, learning targets,
descriptors, practices, guiding questions, level names and meanings, glossary entries,
resources' summaries and "useful for" lines, and the seven traits. Titles of cited works stay
as published.

The file::

    status = "draft"                      # every entry's status unless it says otherwise
    [stages.operationalizing]             # a level: name and meaning
    [phases.set-goals]                    # a phase of the cycle: name and purpose
    name = "Consolidando"
    meaning = "Hay evidencia en todo el sistema de que…"
    [items."culture"]                     # a condition: name, definition
    [items."culture.relationships"]       # a competency: name, learning_target
    [items."culture.questions.learners.q3"]   # a question, descriptor or practice: text
    text = "¿Por qué vienes a la escuela?"
    status = "back-translated"
    [items."glossary.agency"]             # a glossary term: term, definition; optionally
                                          # also (forms that link), gloss and avoid (term base)
    [items."resources.some-id"]           # a resource: summary, use
    [items."traits.t1"]                   # one of the seven traits: text

A text missing in the files stays English; :func:`missing` lists which ids lack it.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import tomllib
from pathlib import Path
from typing import Any

from navtool_desktop.framework.loader import PackError, load_pack
from navtool_desktop.framework.model import (
    Competency,
    Condition,
    GlossaryTerm,
    Item,
    LevelCell,
    Pack,
    Resource,
)
from navtool_desktop.i18n import SOURCE_LANGUAGE, _

LOCALE_FILE = "texts.toml"
#: A translation's status, in order; nothing is "reviewed" unless a person reviewed it.
STATUSES: tuple[str, ...] = ("draft", "back-translated", "reviewed")


@dataclasses.dataclass(frozen=True)
class Translation:
    """A pack's texts in one language: ``texts[id][field]`` and ``status[id]``."""

    language: str
    texts: dict[str, dict[str, Any]]  #: text fields are str; an item's "details" a tuple
    status: dict[str, str]


def locale_path(pack: Pack, language: str) -> Path:
    """The pack's main file of texts in ``language`` (the folder may hold more)."""
    return Path(pack.path) / language / LOCALE_FILE


def locale_files(pack: Pack, language: str) -> list[Path]:
    """Every file of texts in ``language``, sorted by name (none when the pack has no folder)."""
    folder = Path(pack.path) / language
    return sorted(p for p in folder.glob("*.toml") if p.is_file()) if folder.is_dir() else []


def language_folders(pack: Pack) -> list[str]:
    """The languages the pack has texts in: its sub-folders named by a language code ("es")."""
    root = Path(pack.path)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and re.fullmatch(r"[a-z]{2,3}", p.name) and any(p.glob("*.toml")))


def read_translation(pack: Pack, language: str) -> Translation | None:
    """The pack's texts in ``language`` from every file of its folder, or ``None`` when the
    pack has none. Files may share an id (a competency's name in one, its learning target in
    another) but not a text: a field given twice is a :class:`PackError` naming both files.
    An id whose fields carry different statuses gets the least advanced one."""
    files = locale_files(pack, language)
    if not files:
        return None
    texts: dict[str, dict[str, Any]] = {}
    status: dict[str, str] = {}
    origin: dict[tuple[str, str], str] = {}
    fields_of = translatable(pack)
    for path in files:
        where = f"{language}/{path.name}"
        for key, fields, entry_status in _read_file(pack, path, where, fields_of):
            for name in fields:
                if (key, name) in origin:
                    raise PackError(where, f"{key}.{name}",
                                    _("already given in {file}; a text may appear in only one file")
                                    .format(file=origin[key, name]))
                origin[key, name] = where
            texts.setdefault(key, {}).update(fields)
            earlier = status.get(key, entry_status)
            status[key] = min(earlier, entry_status, key=STATUSES.index)
    return Translation(language, texts, status)


def _read_file(pack: Pack, path: Path, where: str,
               fields_of: dict[str, tuple[str, ...]]) -> list[tuple[str, dict[str, Any], str]]:
    """One file's entries: (id, text fields, status). A field the English item does not have,
    a list where a text belongs (or the reverse) and sub-points that do not match the English
    ones are refused; a blank text is left out, so English stands in and :func:`missing` lists it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PackError(where, "", str(exc)) from None
    default = data.get("status", "draft")
    entries: list[tuple[str, dict[str, Any], str]] = []
    known = pack.ids()
    for group in ("stages", "phases", "items"):
        table = data.get(group, {})
        if not isinstance(table, dict):
            raise PackError(where, group, _("must be a table"))
        for item_id, fields in table.items():
            key = item_id if group == "items" else f"{group}.{item_id}"
            if (group == "items" and item_id not in known) or (group != "items" and key not in fields_of):
                raise PackError(where, f"{group}.{item_id}", _("no such id in the English pack"))
            if not isinstance(fields, dict):
                raise PackError(where, f"{group}.{item_id}", _("must be a table"))
            entry_status = fields.get("status", default)
            if entry_status not in STATUSES:
                raise PackError(where, f"{group}.{item_id}.status",
                                _("must be one of {statuses}").format(statuses=", ".join(STATUSES)))
            allowed = (*fields_of.get(key, ()), *(_GLOSSARY_EXTRAS if key.startswith("glossary.") else ()))
            text: dict[str, Any] = {}
            for name, value in fields.items():
                if name == "status":
                    continue
                field = f"{group}.{item_id}.{name}"
                if name not in allowed:
                    raise PackError(where, field, _("no such field here; it may be: {fields}").format(
                        fields=", ".join(allowed) if allowed else _("(none)")))
                if name in _LISTS:
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        raise PackError(where, field, _("must be a list of texts"))
                    english = getattr(pack.find(key), name, ())
                    if name == "details" and len(value) != len(english):
                        raise PackError(where, field, _("must have {count} sub-points, as in English")
                                        .format(count=len(english)))
                    text[name] = tuple(value)
                elif not isinstance(value, str):
                    raise PackError(where, field, _("must be a text"))
                elif value.strip():
                    text[name] = value
            entries.append((key, text, entry_status))
    return entries


#: Fields that hold a list of texts: an item's sub-points, a glossary term's other forms.
_LISTS = ("details", "also")
#: A glossary term's optional fields in a translation: the forms that link to it in that
#: language, and the term base's one-line gloss and what to avoid and why.
_GLOSSARY_EXTRAS = ("also", "gloss", "avoid")


def _fields(obj: object) -> tuple[str, ...]:
    """Which fields of a pack object are text to translate."""
    if isinstance(obj, Condition):
        return ("name", "definition")
    if isinstance(obj, Competency):
        return ("name", "learning_target")
    if isinstance(obj, Item):
        return ("text", "details") if obj.details else ("text",)
    if isinstance(obj, GlossaryTerm):
        return ("term", "definition")
    if isinstance(obj, Resource):
        return ("summary", "use") if obj.use else ("summary",)
    return ()


def translatable(pack: Pack) -> dict[str, tuple[str, ...]]:
    """Every id with text to translate, and its fields (level cells have none of their own)."""
    out: dict[str, tuple[str, ...]] = {f"stages.{s.id}": ("name", "meaning") for s in pack.stages}
    out.update((f"phases.{p.id}", ("name", "purpose")) for p in pack.phases)
    for item_id in sorted(pack.ids()):
        fields = _fields(pack.find(item_id))
        if fields:
            out[item_id] = fields
    return out


def missing(pack: Pack, translation: Translation | None) -> list[str]:
    """``id.field`` for every text the translation lacks, in id order."""
    texts = translation.texts if translation else {}
    return [f"{item_id}:{name}" for item_id, fields in translatable(pack).items()
            for name in fields if not texts.get(item_id, {}).get(name)]


def localize(pack: Pack, translation: Translation | None) -> Pack:
    """The pack with every translated text in place; anything untranslated stays English."""
    if translation is None:
        return pack
    texts = translation.texts

    def swap(obj: Any, key: str) -> Any:
        found = texts.get(key)
        if not found:
            return obj
        extra = ("also",) if isinstance(obj, GlossaryTerm) else ()  # optional: links in this language
        return dataclasses.replace(obj, **{k: v for k, v in found.items() if k in (*_fields(obj), *extra)})

    def item(obj: Item) -> Item:
        return swap(obj, obj.id)  # type: ignore[no-any-return]

    def cell(obj: LevelCell) -> LevelCell:
        return dataclasses.replace(obj, descriptors=tuple(map(item, obj.descriptors)),
                                   practices=tuple(map(item, obj.practices)))

    def competency(obj: Competency) -> Competency:
        out: Competency = swap(obj, obj.id)
        return dataclasses.replace(out, levels=tuple(map(cell, obj.levels)))

    def condition(obj: Condition) -> Condition:
        out: Condition = swap(obj, obj.id)
        return dataclasses.replace(
            out, questions={a: tuple(map(item, qs)) for a, qs in obj.questions.items()},
            competencies=tuple(map(competency, obj.competencies)))

    stages = tuple(dataclasses.replace(s, **{k: v for k, v in texts.get(f"stages.{s.id}", {}).items()
                                             if k in ("name", "meaning")})
                   for s in pack.stages)
    phases = tuple(dataclasses.replace(p, **{k: v for k, v in texts.get(f"phases.{p.id}", {}).items()
                                             if k in ("name", "purpose")})
                   for p in pack.phases)
    conditions = tuple(map(condition, pack.conditions))
    glossary = tuple(swap(t, f"glossary.{t.id}") for t in pack.glossary)
    resources = tuple(swap(r, f"resources.{r.id}") for r in pack.resources)
    traits = tuple(map(item, pack.traits))
    index: dict[str, object] = {t.id: t for t in traits}
    for cond in conditions:
        index[cond.id] = cond
        for qs in cond.questions.values():
            index.update((q.id, q) for q in qs)
        for comp in cond.competencies:
            index[comp.id] = comp
            for lc in comp.levels:
                index[lc.id] = lc
                index.update((i.id, i) for i in (*lc.descriptors, *lc.practices))
    index.update((f"glossary.{t.id}", t) for t in glossary)
    index.update((f"resources.{r.id}", r) for r in resources)
    for key, value in pack._index.items():
        index.setdefault(key, value)  # references stay as published
    return dataclasses.replace(pack, stages=stages, phases=phases, conditions=conditions, glossary=glossary,
                               resources=resources, traits=traits, _index=index)


@dataclasses.dataclass(frozen=True)
class TermBaseRow:
    """One decision of the term base: the English term, the term in the language, the one-line
    gloss to give on first use, and what to avoid and why."""

    term_id: str
    english: str
    term: str
    gloss: str
    avoid: str


def term_base(pack: Pack, translation: Translation | None) -> list[TermBaseRow]:
    """The glossary entries that carry a term base decision (a ``gloss`` and an ``avoid``), in
    glossary order."""
    texts = translation.texts if translation else {}
    rows = []
    for term in pack.glossary:
        found = texts.get(f"glossary.{term.id}", {})
        if found.get("gloss") and found.get("avoid"):
            rows.append(TermBaseRow(term.id, term.term, found.get("term", ""), found["gloss"], found["avoid"]))
    return rows


def load_localized(pack: Pack, language: str) -> Pack:
    """``pack`` in ``language`` where its texts exist (English is the source: unchanged)."""
    if language == "en":
        return pack
    return localize(pack, read_translation(pack, language))


def status_of(pack: Pack, language: str, item_id: str) -> str | None:
    """An item's translation status ("draft", "back-translated", "reviewed"), if translated."""
    translation = read_translation(pack, language)
    return translation.status.get(item_id) if translation else None


__all__ = [
    "LOCALE_FILE",
    "STATUSES",
    "TermBaseRow",
    "Translation",
    "language_folders",
    "load_localized",
    "locale_files",
    "locale_path",
    "localize",
    "missing",
    "read_translation",
    "status_of",
    "term_base",
    "translatable",
]


_IN_LANGUAGE: dict[tuple[str, str], Pack] = {}
_IN_LANGUAGE_LOCK = threading.Lock()


def pack_in(pack: Pack, pack_language: str, language: str) -> Pack:
    """``pack`` (whose texts are in ``pack_language``) with its texts in ``language``, kept once
    made (the pass-the-laptop turns and the phone server's request threads both ask).

    The English source is read again from the pack's folder when ``pack`` is a translation;
    should that fail, ``pack`` itself is used (the person rates in the app's language).
    """
    if language == pack_language:
        return pack
    key = (pack.path, language)
    with _IN_LANGUAGE_LOCK:
        if key not in _IN_LANGUAGE:
            try:
                english = pack if pack_language == SOURCE_LANGUAGE else load_pack(Path(pack.path))
                _IN_LANGUAGE[key] = load_localized(english, language)
            except (PackError, OSError):
                return pack
        return _IN_LANGUAGE[key]
