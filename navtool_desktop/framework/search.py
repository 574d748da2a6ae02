"""Find words across a whole pack: every definition, question, target, descriptor and practice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from navtool_desktop.framework.model import AUDIENCE_IDS, Pack

AUDIENCE_LABELS = {
    "educators_leaders_community": "Educators, leaders and community members",
    "learners": "Learners",
    "equity": "Equity",
}
LEVEL_LABELS = {"establishing": "Establishing", "developing": "Developing",
                "operationalizing": "Operationalizing", "refining": "Refining"}


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
        yield Hit(f"{cond.id}.definition", cond.id, f"{cond.name} › definition", cond.definition)
        for audience in AUDIENCE_IDS:
            for q in cond.questions[audience]:
                label = f"{cond.name} › question for {AUDIENCE_LABELS[audience].lower()}"
                yield Hit(q.id, cond.id, label, " ".join((q.text, *q.details)))
        for comp in cond.competencies:
            yield Hit(comp.id, comp.id, f"{cond.name} › {comp.name}", comp.name)
            yield Hit(f"{comp.id}.target", comp.id, f"{comp.name} › learning target",
                      comp.learning_target)
            for cell in comp.levels:
                level = LEVEL_LABELS[cell.level]
                for d in cell.descriptors:
                    yield Hit(d.id, comp.id, f"{comp.name} › {level}", d.text)
                for p in cell.practices:
                    yield Hit(p.id, comp.id, f"{comp.name} › {level} practice",
                              " ".join((p.text, *p.details)))


def query_pattern(query: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern that matches every word of ``query`` (None if it is blank)."""
    words = [re.escape(w) for w in query.split() if w]
    if not words:
        return None
    return re.compile("|".join(words), re.IGNORECASE)


def search(pack: Pack, query: str, limit: int = 200) -> list[Hit]:
    """Items whose text holds every word of ``query`` (any order, any case), in pack order."""
    words = [w.casefold() for w in query.split()]
    if not words:
        return []
    hits = []
    for hit in _entries(pack):
        folded = hit.text.casefold()
        if all(w in folded for w in words):
            hits.append(hit)
            if len(hits) >= limit:
                break
    return hits
