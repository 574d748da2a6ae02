"""The subtraction attack, as a test helper: can published counts pin down a hidden group?

A *publication* is what an output shows of a cycle: per item (competency or condition), the
overall counts (or None when withheld) and, per role group, its counts (or None when hidden).
The attacker knows every published number and that each is a sum of votes. For a hidden
group we look for a second non-negative assignment of votes to groups that gives exactly
the same published numbers but a different count for the group: moving one vote at one
level between the group and another hidden group. If one exists for every hidden group,
item and level that the hidden groups voted at, the publication does not determine any
hidden group's per-level counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from navtool_desktop.core.records import RATING_CHOICES, ROLE_GROUPS

Counts = tuple[int, ...]


@dataclass
class Publication:
    """Published numbers: ``overall[item]`` and ``groups[item][group]`` (None: not published)."""

    overall: dict[str, Counts | None] = field(default_factory=dict)
    groups: dict[str, dict[str, Counts | None]] = field(default_factory=dict)


def add(a: Counts, b: Counts) -> Counts:
    return tuple(x + y for x, y in zip(a, b, strict=True))


ZERO: Counts = (0,) * len(RATING_CHOICES)


def published_from(truth: Mapping[str, Mapping[str, Counts]], items: Mapping[str, Sequence[str]],
                   pub: Publication) -> list[str]:
    """Every way the assignment ``truth[group][competency]`` disagrees with ``pub``.

    ``items`` maps each published item to the competencies it sums (a competency to
    itself, a condition to its competencies).
    """
    problems = []
    for item, comps in items.items():
        overall = ZERO
        for group in ROLE_GROUPS:
            mine = ZERO
            for cid in comps:
                mine = add(mine, truth[group].get(cid, ZERO))
            overall = add(overall, mine)
            shown = pub.groups.get(item, {}).get(group)
            if shown is not None and shown != mine:
                problems.append(f"{item} {group}: published {shown}, assignment {mine}")
        if pub.overall.get(item) is not None and pub.overall[item] != overall:
            problems.append(f"{item} overall: published {pub.overall[item]}, assignment {overall}")
    return problems


def determined(truth: Mapping[str, Mapping[str, Counts]], items: Mapping[str, Sequence[str]],
               pub: Publication) -> list[str]:
    """Hidden (group, competency, level) whose true count the publication pins down.

    Empty when every hidden group's counts can be changed by moving one vote to or from
    another group without changing any published number. Levels no hidden group voted at
    are not checked (there is no one's answer to protect there).
    """
    assert not published_from(truth, items, pub), "the publication does not match the data"
    leaks = []
    competencies = [item for item, comps in items.items() if comps == [item]]
    for cid in competencies:
        hidden = [g for g in ROLE_GROUPS if pub.groups.get(cid, {}).get(g) is None]
        for group in hidden:
            for level in range(len(RATING_CHOICES)):
                combined = sum(truth[g].get(cid, ZERO)[level] for g in hidden)
                if combined == 0:
                    continue
                if not (_changed_ok(truth, items, pub, cid, level, group)
                        or any(_moved_ok(truth, items, pub, cid, level, group, other)
                               for other in hidden if other != group)):
                    leaks.append(f"{group} at {cid}, {RATING_CHOICES[level]}: "
                                 f"{truth[group].get(cid, ZERO)[level]}")
    return leaks


def _moved_ok(truth: Mapping[str, Mapping[str, Counts]], items: Mapping[str, Sequence[str]],
              pub: Publication, cid: str, level: int, group: str, other: str) -> bool:
    """Whether moving one vote at ``level`` between ``group`` and ``other`` stays consistent."""
    for source, target in ((group, other), (other, group)):
        if truth[source].get(cid, ZERO)[level] == 0:
            continue
        moved = {g: dict(per) for g, per in truth.items()}
        step = tuple(1 if n == level else 0 for n in range(len(RATING_CHOICES)))
        moved[source][cid] = tuple(a - b for a, b in zip(moved[source].get(cid, ZERO), step, strict=True))
        moved[target][cid] = add(moved[target].get(cid, ZERO), step)
        if not published_from(moved, items, pub):
            return True
    return False


def _changed_ok(truth: Mapping[str, Mapping[str, Counts]], items: Mapping[str, Sequence[str]],
                pub: Publication, cid: str, level: int, group: str) -> bool:
    """Whether one vote more at ``level`` for ``group`` alone stays consistent (nothing sums it)."""
    moved = {g: dict(per) for g, per in truth.items()}
    step = tuple(1 if n == level else 0 for n in range(len(RATING_CHOICES)))
    moved[group][cid] = add(moved[group].get(cid, ZERO), step)
    return not published_from(moved, items, pub)
