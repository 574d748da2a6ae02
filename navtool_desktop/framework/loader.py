"""Load and validate a framework pack from its folder of TOML files.

Every problem with a pack becomes one :class:`PackError` whose message names the
file and the field, so a district editing its own pack sees what to fix, never a
traceback.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from navtool_desktop.errors import UserFacingError
from navtool_desktop.framework.model import (
    AUDIENCE_IDS,
    LEVEL_IDS,
    STAGE_IDS,
    Competency,
    Condition,
    GlossaryTerm,
    Item,
    LevelCell,
    Pack,
    Phase,
    Reference,
    Resource,
    Stage,
)
from navtool_desktop.i18n import _

MANIFEST = "pack.toml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PackError(UserFacingError):
    """A pack that cannot be used, with a message naming the file and the field."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file, self.field, self.problem = file, field, problem
        where = _("{file}: field '{field}'").format(file=file, field=field) if field else file
        super().__init__(_("{where}: {problem}").format(where=where, problem=problem))


class _Reader:
    """Typed access to one parsed TOML file that reports problems by field path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, field: str, problem: str) -> PackError:
        return PackError(self.file, field, problem)

    def get(self, table: dict[str, Any], key: str, path: str, kind: type, *, optional: bool = False) -> Any:
        field = f"{path}.{key}" if path else key
        if key not in table:
            if optional:
                return kind()
            raise self.fail(field, _("is missing"))
        value = table[key]
        if kind is str and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(field, _("must be {kind}, not {found}").format(kind=_kind_name(kind),
                                                                       found=_kind_name(type(value))))
        if isinstance(value, str) and kind is str and not optional and not value.strip():
            raise self.fail(field, _("is empty"))
        return value

    def text(self, table: dict[str, Any], key: str, path: str, *, optional: bool = False) -> str:
        return str(self.get(table, key, path, str, optional=optional)).strip()

    def slug(self, table: dict[str, Any], key: str, path: str) -> str:
        value = self.text(table, key, path)
        if not SLUG.match(value):
            raise self.fail(f"{path}.{key}" if path else key,
                            _("'{value}' is not a valid id (lowercase letters, digits and dashes)").format(value=value))
        return value

    def tables(self, table: dict[str, Any], key: str, path: str, *,
               optional: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
        items = self.get(table, key, path, list, optional=optional)
        if not items and not optional:
            raise self.fail(f"{path}.{key}" if path else key, _("is empty"))
        for n, entry in enumerate(items):
            where = f"{path}.{key}[{n}]" if path else f"{key}[{n}]"
            if not isinstance(entry, dict):
                raise self.fail(where, _("must be a table, not {found}").format(found=_kind_name(type(entry))))
            yield where, entry

    def items(self, table: dict[str, Any], key: str, path: str, prefix: str, *,
              allow_empty: bool = False) -> tuple[Item, ...]:
        if allow_empty and not table.get(key, []):
            self.get(table, key, path, list, optional=True)
            return ()
        seen: set[str] = set()
        result = []
        for where, entry in self.tables(table, key, path):
            item_id = self.slug(entry, "id", where)
            if item_id in seen:
                raise self.fail(f"{where}.id", _("duplicate id '{id}'").format(id=item_id))
            seen.add(item_id)
            details = self.get(entry, "details", where, list, optional=True)
            for k, d in enumerate(details):
                if not isinstance(d, str) or not d.strip():
                    raise self.fail(f"{where}.details[{k}]", _("must be non-empty text"))
            result.append(Item(f"{prefix}.{item_id}", self.text(entry, "text", where), tuple(details)))
        return tuple(result)


def _kind_name(kind: type) -> str:
    return {str: _("text"), int: _("a whole number"), bool: _("true or false"), list: _("a list"),
            dict: _("a table"), float: _("a number")}.get(kind, kind.__name__)


def _parse(path: Path, root: Path) -> tuple[_Reader, dict[str, Any]]:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    reader = _Reader(name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError(name, "", _("cannot be read ({error})").format(error=exc.strerror or exc)) from None
    if not raw.strip():
        raise PackError(name, "", _("is empty"))
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PackError(name, "", _("is not UTF-8 text")) from None
    except tomllib.TOMLDecodeError as exc:
        raise PackError(name, "", _("is not valid TOML ({error})").format(error=exc)) from None
    if not data:
        raise PackError(name, "", _("holds no fields"))
    return reader, data


def _condition(path: Path, root: Path) -> Condition:
    r, data = _parse(path, root)
    cid = r.slug(data, "id", "")
    questions: dict[str, tuple[Item, ...]] = {}
    qtable = r.get(data, "questions", "", dict)
    for audience in qtable:
        if audience not in AUDIENCE_IDS:
            raise r.fail(f"questions.{audience}",
                         _("unknown audience (expected one of {audiences})").format(audiences=", ".join(AUDIENCE_IDS)))
    for audience in AUDIENCE_IDS:
        questions[audience] = r.items(qtable, audience, "questions",
                                      f"{cid}.questions.{audience}", allow_empty=True)
    competencies = []
    seen: set[str] = set()
    for where, entry in r.tables(data, "competencies", ""):
        comp_id = r.slug(entry, "id", where)
        if comp_id in seen or comp_id == "questions":
            raise r.fail(f"{where}.id", _("duplicate id '{id}'").format(id=comp_id))
        seen.add(comp_id)
        full = f"{cid}.{comp_id}"
        levels_table = r.get(entry, "levels", where, dict)
        for level_id in levels_table:
            if level_id not in LEVEL_IDS:
                raise r.fail(f"{where}.levels.{level_id}",
                             _("unknown level (expected {levels})").format(levels=", ".join(LEVEL_IDS)))
        cells = []
        for level_id in LEVEL_IDS:
            cell = r.get(levels_table, level_id, f"{where}.levels", dict)
            lpath = f"{where}.levels.{level_id}"
            cells.append(LevelCell(
                id=f"{full}.{level_id}",
                level=level_id,
                descriptors=r.items(cell, "descriptors", lpath, f"{full}.{level_id}"),
                practices=r.items(cell, "practices", lpath, f"{full}.{level_id}",
                                  allow_empty=True),
            ))
            _no_id_clash(r, lpath, cells[-1])
        competencies.append(Competency(
            id=full,
            name=r.text(entry, "name", where),
            learning_target=r.text(entry, "learning_target", where),
            levels=tuple(cells),
            condition_id=cid,
            note=r.text(entry, "note", where, optional=True),
        ))
    return Condition(
        id=cid,
        name=r.text(data, "name", ""),
        order=r.get(data, "order", "", int),
        priority=r.get(data, "priority", "", bool),
        definition=r.text(data, "definition", ""),
        questions=questions,
        competencies=tuple(competencies),
        source_file=r.file,
    )


def _glossary(path: Path, root: Path) -> tuple[GlossaryTerm, ...]:
    """The glossary file: unique ids, each term or other form claimed by one entry only."""
    if not path.is_file():
        raise PackError(MANIFEST, "glossary_file", _("'{name}' not found").format(name=path.name))
    r, data = _parse(path, root)
    terms: list[GlossaryTerm] = []
    claimed: dict[str, str] = {}
    for where, entry in r.tables(data, "terms", ""):
        term_id = r.slug(entry, "id", where)
        if any(t.id == term_id for t in terms):
            raise r.fail(f"{where}.id", _("duplicate id '{id}'").format(id=term_id))
        forms = []
        for key in ("also", "see"):
            values = r.get(entry, key, where, list, optional=True)
            for k, value in enumerate(values):
                if not isinstance(value, str) or not value.strip():
                    raise r.fail(f"{where}.{key}[{k}]", _("must be non-empty text"))
            forms.append(tuple(v.strip() for v in values))
        term = GlossaryTerm(term_id, r.text(entry, "term", where), r.text(entry, "definition", where),
                            also=forms[0], see=forms[1])
        for form in (term.term, *term.also):
            owner = claimed.setdefault(form.casefold(), term_id)
            if owner != term_id:
                raise r.fail(f"{where}.term", _("'{form}' is also a form of '{owner}'").format(form=form, owner=owner))
        terms.append(term)
    known = {t.id for t in terms}
    for n, term in enumerate(terms):
        for k, other in enumerate(term.see):
            if other not in known:
                raise r.fail(f"terms[{n}].see[{k}]", _("unknown term '{term}'").format(term=other))
    return tuple(terms)


def _no_id_clash(r: _Reader, path: str, cell: LevelCell) -> None:
    ids = [i.id for i in (*cell.descriptors, *cell.practices)]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup:
        raise r.fail(path, _("duplicate id '{id}' among descriptors and practices").format(id=dup.rsplit(".", 1)[-1]))


def load_pack(folder: Path | str) -> Pack:
    """Load the pack in ``folder`` (its ``pack.toml`` and its condition files)."""
    root = Path(folder)
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise PackError(MANIFEST, "", _("not found in {folder}").format(folder=root))
    r, data = _parse(manifest, root)
    pack_id = r.slug(data, "id", "")
    stages = tuple(Stage(r.slug(e, "id", w), r.text(e, "name", w), r.text(e, "meaning", w))
                   for w, e in r.tables(data, "stages", ""))
    for n, (stage, expected) in enumerate(zip(stages, STAGE_IDS, strict=False)):
        if stage.id != expected:
            raise r.fail(f"stages[{n}].id", _("unknown stage '{found}' (expected '{expected}')").format(
                found=stage.id, expected=expected))
    if len(stages) != len(STAGE_IDS):
        raise r.fail("stages", _("must be exactly {stages} in that order").format(stages=", ".join(STAGE_IDS)))
    phases = tuple(Phase(r.slug(e, "id", w), r.text(e, "name", w), r.text(e, "purpose", w))
                   for w, e in r.tables(data, "phases", ""))
    # Traits, references and resources are optional: a district's own pack may have none.
    traits = r.items(data, "traits", "", "traits", allow_empty=True)
    references = tuple(
        Reference(
            id=r.slug(e, "id", w), authors=r.text(e, "authors", w), year=r.text(e, "year", w),
            title=r.text(e, "title", w), published_in=r.text(e, "published_in", w, optional=True),
            publisher=r.text(e, "publisher", w, optional=True), url=r.text(e, "url", w, optional=True),
        )
        for w, e in r.tables(data, "references", "", optional=True))
    resources_raw = list(r.tables(data, "resources", "", optional=True))

    folder_name = r.text(data, "conditions_folder", "")
    cond_dir = root / folder_name
    files = sorted(cond_dir.glob("*.toml")) if cond_dir.is_dir() else []
    if not files:
        raise r.fail("conditions_folder", _("no condition files (*.toml) in '{folder}'").format(folder=folder_name))
    conditions = sorted((_condition(f, root) for f in files), key=lambda c: c.order)

    index: dict[str, object] = {}

    def add(item_id: str, obj: object, file: str, field: str) -> None:
        if item_id in index:
            raise PackError(file, field, _("duplicate id '{id}'").format(id=item_id))
        index[item_id] = obj

    orders: dict[int, str] = {}
    for cond in conditions:
        if cond.order in orders:
            raise PackError(cond.source_file, "order",
                            _("{order} is also the order of '{other}'").format(order=cond.order,
                                                                               other=orders[cond.order]))
        orders[cond.order] = cond.id
        add(cond.id, cond, cond.source_file, "id")
        for q in (q for qs in cond.questions.values() for q in qs):
            add(q.id, q, cond.source_file, "questions")
        for comp in cond.competencies:
            add(comp.id, comp, cond.source_file, "competencies")
            for cell in comp.levels:
                add(cell.id, cell, cond.source_file, "competencies")
                for item in (*cell.descriptors, *cell.practices):
                    add(item.id, item, cond.source_file, "competencies")
    for trait in traits:
        add(trait.id, trait, r.file, "traits")
    for ref in references:
        add(f"references.{ref.id}", ref, r.file, "references")
    resources = []
    for where, e in resources_raw:
        linked = r.get(e, "conditions", where, list)
        for k, cid in enumerate(linked):
            if not isinstance(cid, str) or not isinstance(index.get(cid), Condition):
                raise r.fail(f"{where}.conditions[{k}]", _("unknown condition '{id}'").format(id=cid))
        res = Resource(r.slug(e, "id", where), r.text(e, "title", where),
                       r.text(e, "summary", where), tuple(linked),
                       use=r.text(e, "use", where, optional=True))
        add(f"resources.{res.id}", res, r.file, where)
        resources.append(res)

    glossary_name = r.text(data, "glossary_file", "", optional=True)
    glossary = _glossary(root / glossary_name, root) if glossary_name else ()
    for term in glossary:
        add(f"glossary.{term.id}", term, glossary_name, "terms")

    year = r.get(data, "year", "", int)
    return Pack(
        id=pack_id,
        title=r.text(data, "title", ""),
        short_title=r.text(data, "short_title", ""),
        version=r.text(data, "version", ""),
        publisher=r.text(data, "publisher", ""),
        year=year,
        credit=r.text(data, "credit", ""),
        refining_note=r.text(data, "refining_note", ""),
        stages=stages,
        phases=phases,
        traits=traits,
        references=references,
        resources=tuple(resources),
        conditions=tuple(conditions),
        glossary=glossary,
        traits_source=r.text(data, "traits_source", "", optional=True),
        path=str(root),
        _index=index,
    )


def discover_packs(content_dir: Path | str) -> list[Path]:
    """Every folder under ``content_dir`` that holds a pack manifest, sorted by name."""
    base = Path(content_dir)
    return sorted(p.parent for p in base.glob(f"*/{MANIFEST}"))
