"""Find words across a whole pack: every definition, question, target, descriptor and practice."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from navtool_desktop.framework.model import AUDIENCE_IDS, GlossaryTerm, Pack
from navtool_desktop.i18n import _
from navtool_desktop.vocabulary import audience_name, level_name

#: Pages of the browser that are not a condition or a competency.
GLOSSARY_PAGE = "glossary"
ABOUT_PAGE = "about"


@dataclass(frozen=True)
class Hit:
    """One place where the query occurs."""

    item_id: str   #: the matching item (or the page itself for names and definitions)
    page_id: str   #: the condition or competency page that shows it
    where: str     #: a short human label: "Culture › Relationships › Developing practice"
    text: str      #: the full text that matched


def _entries(pack: Pack) -> Iterator[Hit]:
    for cond in pack.conditions:
        yield Hit(cond.id, cond.id, cond.name, cond.name)
        yield Hit(f"{cond.id}.definition", cond.id, _("{condition} › definition").format(condition=cond.name),
                  cond.definition)
        for audience in AUDIENCE_IDS:
            for q in cond.questions[audience]:
                label = _("{condition} › question for {audience}").format(
                    condition=cond.name, audience=audience_name(audience).lower())
                yield Hit(q.id, cond.id, label, " ".join((q.text, *q.details)))
        for comp in cond.competencies:
            yield Hit(comp.id, comp.id, f"{cond.name} › {comp.name}", comp.name)
            yield Hit(f"{comp.id}.target", comp.id, _("{competency} › learning target").format(competency=comp.name),
                      comp.learning_target)
            for cell in comp.levels:
                level = level_name(cell.level)
                for d in cell.descriptors:
                    yield Hit(d.id, comp.id, f"{comp.name} › {level}", d.text)
                for p in cell.practices:
                    label = _("{competency} › {level} practice").format(competency=comp.name, level=level)
                    yield Hit(p.id, comp.id, label, " ".join((p.text, *p.details)))


def _more_entries(pack: Pack) -> Iterator[Hit]:
    """The rest of the pack: resources (on their first condition's page), glossary, levels,
    cycle phases, traits and references."""
    for res in pack.resources:
        text = " ".join((res.title, res.summary, res.use))
        page = res.conditions[0] if res.conditions else ABOUT_PAGE
        yield Hit(f"resources.{res.id}", page, _("Resource › {title}").format(title=res.title), text)
    for term in pack.glossary:
        yield Hit(f"glossary.{term.id}", GLOSSARY_PAGE, _("Glossary › {term}").format(term=term.term),
                  " ".join((term.term, *term.also, term.definition)))
    for stage in pack.stages:
        yield Hit(f"stages.{stage.id}", ABOUT_PAGE, _("Level › {name}").format(name=stage.name),
                  f"{stage.name}: {stage.meaning}")
    for phase in pack.phases:
        yield Hit(f"phases.{phase.id}", ABOUT_PAGE, _("Cycle phase › {name}").format(name=phase.name),
                  f"{phase.name}: {phase.purpose}")
    for trait in pack.traits:
        yield Hit(trait.id, ABOUT_PAGE, _("Seven traits"), trait.text)
    for ref in pack.references:
        label = _("Reference › {authors} ({year})").format(authors=ref.authors, year=ref.year)
        yield Hit(f"references.{ref.id}", ABOUT_PAGE, label,
                  " ".join((ref.authors, ref.year, ref.title, ref.published_in, ref.publisher)))


def term_pattern(glossary: tuple[GlossaryTerm, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One pattern for every form of every glossary term (longest first), and form -> term id."""
    forms = {f.casefold(): t.id for t in glossary for f in (t.term, *t.also)}
    if not forms:
        return None
    alternatives = sorted(forms, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in alternatives) + r")(?![\w-])",
                         re.IGNORECASE)
    return pattern, forms


def term_spans(text: str, terms: tuple[re.Pattern[str], dict[str, str]] | None,
               seen: set[str] | None = None) -> list[tuple[int, int, str]]:
    """Where glossary terms occur in ``text``: (start, end, term id), the first time each term
    occurs (``seen`` carries the terms already linked on the same page)."""
    if terms is None:
        return []
    pattern, forms = terms
    seen = set() if seen is None else seen
    spans = []
    for m in pattern.finditer(text):
        term_id = forms[m.group().casefold()]
        if term_id not in seen:
            seen.add(term_id)
            spans.append((m.start(), m.end(), term_id))
    return spans


def fold(text: str) -> str:
    """``text`` for matching: case and accents ignored ("Evaluación" -> "evaluacion")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letter_pattern(ch: str) -> str:
    """A regex for one query letter that also matches it with any accent ("e" -> "[eéèêë…]"),
    precomposed or followed by combining marks."""
    base = fold(ch)
    if len(base) != 1 or not base.isalpha():
        return re.escape(ch)
    return "[" + re.escape(base) + "".join(_ACCENTED.get(base, "")) + "]" + "[\u0300-\u036f]*"


#: Precomposed lower-case letters by their base letter (Latin-1 and Latin Extended-A/B).
_ACCENTED: dict[str, str] = {}
for _char in map(chr, range(0xC0, 0x250)):
    _lower = _char.casefold()
    if (_char.isalpha() and len(_lower) == 1 and len(fold(_char)) == 1 and fold(_char) != _lower
            and _lower not in _ACCENTED.get(fold(_char), "")):
        _ACCENTED[fold(_char)] = _ACCENTED.get(fold(_char), "") + _lower


def query_pattern(query: str) -> re.Pattern[str] | None:
    """A case- and accent-insensitive pattern that matches every word of ``query`` (None if it
    is blank): "evaluacion" marks "evaluación"."""
    words = ["".join(_letter_pattern(ch) for ch in w) for w in query.split() if w]
    if not words:
        return None
    return re.compile("|".join(words), re.IGNORECASE)


def search(pack: Pack, query: str, limit: int = 200) -> list[Hit]:
    """Items whose text holds every word of ``query`` (any order, any case, with or without
    accents), in pack order."""
    words = [fold(w) for w in query.split()]
    if not words:
        return []
    hits = []
    for hit in (*_entries(pack), *_more_entries(pack)):
        folded = fold(hit.text)
        if all(w in folded for w in words):
            hits.append(hit)
            if len(hits) >= limit:
                break
    return hits
