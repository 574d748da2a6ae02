"""Read the structure (not the wording) of the Navigation Tool source text.

Used by the tests that prove the content pack has one item for each item of the
source, and by content writers to see what a condition file must hold. It reads
``../shared/seeds/004_*.txt`` (the source lives beside the repository, never in it).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

LEVELS = ("ESTABLISHING", "DEVELOPING", "OPERATIONALIZING")
AUDIENCES = {
    "Questions for Educators, Leaders and Community Members": "educators_leaders_community",
    "Questions for Learners": "learners",
    "Questions for Equity": "equity",
}
CAPS = re.compile(r"^[A-Z][A-Z ,'/-]+$")


@dataclass
class Item:
    """A practice or a question; some have sub-points in the source."""

    text: str
    details: list[str] = field(default_factory=list)


@dataclass
class Level:
    descriptors: list[str] = field(default_factory=list)
    practices: list[Item] = field(default_factory=list)


@dataclass
class Competency:
    name: str
    learning_target: str
    levels: dict[str, Level] = field(default_factory=dict)


@dataclass
class Condition:
    name: str
    definition: str
    questions: dict[str, list[Item]] = field(default_factory=dict)
    competencies: list[Competency] = field(default_factory=list)


def seed_path(root: Path | None = None) -> Path | None:
    base = (root or Path(__file__).resolve().parent.parent).parent / "shared" / "seeds"
    found = sorted(base.glob("004_*.txt"))
    return found[0] if found else None


def parse(text: str) -> list[Condition]:
    lines = [ln.rstrip() for ln in text.splitlines()]
    nonempty = [(i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()]
    conditions: list[Condition] = []
    cond: Condition | None = None
    comp: Competency | None = None
    level: Level | None = None
    audience: str | None = None
    in_practices = False
    for k, (_i, ln) in enumerate(nonempty):
        nxt = nonempty[k + 1][1] if k + 1 < len(nonempty) else ""
        after = nonempty[k + 2][1] if k + 2 < len(nonempty) else ""
        if after == "GUIDING QUESTIONS":
            cond = Condition(name=ln, definition=nxt)
            conditions.append(cond)
            comp = level = audience = None
            continue
        if cond is None:
            continue
        if ln.startswith("References") or ln.startswith("Photo by"):
            comp = level = audience = None
            if ln.startswith("References"):
                break
            continue
        if ln in AUDIENCES:
            audience = AUDIENCES[ln]
            cond.questions[audience] = []
            continue
        if audience and ln.startswith("- »"):
            cond.questions[audience].append(Item(ln[3:].strip()))
            continue
        if audience and lines[_i].startswith(" - ") and cond.questions[audience]:
            cond.questions[audience][-1].details.append(ln[2:].strip())
            continue
        if (audience and cond.questions[audience] and not lines[_i].lstrip().startswith("-")
                and not CAPS.match(ln)):
            # An unbulleted line inside a question list continues the question above it
            # (Learner Supports: "... developed and provided?" then "Who determines the supports?").
            last = cond.questions[audience][-1]
            last.text = f"{last.text} {ln}"
            continue
        if CAPS.match(ln) and nxt.startswith("Learning communities will"):
            comp = Competency(name=ln, learning_target=nxt)
            cond.competencies.append(comp)
            level = audience = None
            continue
        if comp and ln in LEVELS:
            level = Level()
            comp.levels[ln.lower()] = level
            in_practices = False
            continue
        if level is None:
            continue
        if ln == "Possible practices to look for:":
            in_practices = True
            continue
        if CAPS.match(ln):
            level = None
            continue
        if in_practices:
            if lines[_i].startswith("- "):
                level.practices.append(Item(ln[2:].strip().strip("*")))
            elif lines[_i].startswith(" - ") and level.practices:
                level.practices[-1].details.append(ln[2:].strip())
        elif ln != comp.learning_target:
            level.descriptors.append(ln)
    return conditions


def counts(conditions: list[Condition]) -> dict[str, int]:
    comps = [c for cond in conditions for c in cond.competencies]
    return {
        "conditions": len(conditions),
        "competencies": len(comps),
        "descriptors": sum(len(lv.descriptors) for c in comps for lv in c.levels.values()),
        "practices": sum(len(lv.practices) for c in comps for lv in c.levels.values()),
        "questions": sum(len(q) for cond in conditions for q in cond.questions.values()),
    }


if __name__ == "__main__":
    path = seed_path()
    if path is None:
        sys.exit("source text not found beside the repository")
    parsed = parse(path.read_text(encoding="utf-8"))
    if "--counts" in sys.argv:
        print(json.dumps(counts(parsed)))
    else:
        from dataclasses import asdict

        print(json.dumps([asdict(c) for c in parsed], indent=1, ensure_ascii=False))
