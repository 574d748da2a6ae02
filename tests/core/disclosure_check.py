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

from hypothesis import strategies as st

from navtool_desktop.core.records import RATING_CHOICES, ROLE_GROUPS, Cycle, Participant, Rating, Tally
from navtool_desktop.core.results import CycleInput
from navtool_desktop.framework import Pack

Counts = tuple[int, ...]


@dataclass
class Publication:
    """Published numbers: ``overall[item]`` and ``groups[item][group]`` (None: not published)."""

    overall: dict[str, Counts | None] = field(default_factory=dict)
    groups: dict[str, dict[str, Counts | None]] = field(default_factory=dict)


def merged(*pubs: Publication) -> Publication:
    """What a reader of several outputs knows: every number any of them publishes.

    Outputs of the same data (other scopes, thresholds, moments with no new votes) must
    agree where both publish a number; a group is hidden only where every output hides it.
    """
    out = Publication()
    for pub in pubs:
        for item, counts in pub.overall.items():
            if counts is not None:
                assert out.overall.get(item) in (None, counts), (item, out.overall[item], counts)
                out.overall[item] = counts
            else:
                out.overall.setdefault(item, None)
        for item, groups in pub.groups.items():
            mine = out.groups.setdefault(item, {})
            for group, counts in groups.items():
                if counts is not None:
                    assert mine.get(group) in (None, counts), (item, group, mine[group], counts)
                    mine[group] = counts
                else:
                    mine.setdefault(group, None)
    return out


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


# --- random cycles ------------------------------------------------------------------------------

SCOPE = ("culture", "agency")


@st.composite
def cycles(draw: st.DrawFn, pack: Pack) -> tuple[CycleInput, dict[str, dict[str, Counts]]]:
    """A random cycle (0-12 people per role group, now and then one entered twice, random
    ratings, not-sure votes and paper tallies) and the truth: each group's counts per competency."""
    threshold = draw(st.integers(3, 5))
    cycle = Cycle(title="Random", date="2026-03-01", scope=SCOPE, framework_id=pack.id,
                  framework_version=pack.version, threshold=threshold)
    comps = [c.id for cid in SCOPE for c in pack.condition(cid).competencies]
    truth: dict[str, dict[str, Counts]] = {g: {} for g in ROLE_GROUPS}
    participants, ratings, tallies = [], [], []
    for group in ROLE_GROUPS:
        for n in range(draw(st.integers(0, 12), label=f"{group} people")):
            # now and then the same person entered again (another laptop, another id)
            again = n > 0 and draw(st.integers(0, 9), label="entered twice") == 0
            who = Participant(name=f"{group} {0 if again else n}".upper() if again else f"{group} {n}",
                              role_group=group)
            participants.append(who)
            rated = draw(st.lists(st.sampled_from(comps), unique=True, min_size=1, max_size=len(comps)))
            for cid in rated:
                level = draw(st.sampled_from(RATING_CHOICES))
                ratings.append(Rating(participant_id=who.id, competency_id=cid, level=level))
                truth[group][cid] = add(truth[group].get(cid, ZERO),
                                        tuple(int(c == level) for c in RATING_CHOICES))
        if draw(st.booleans(), label=f"{group} paper"):
            for cid in draw(st.lists(st.sampled_from(comps), unique=True, max_size=3)):
                counts = draw(st.lists(st.integers(0, 2), min_size=5, max_size=5))
                tallies.append(Tally(competency_id=cid, role_group=group,
                                     counts=dict(zip(RATING_CHOICES, counts, strict=True))))
                truth[group][cid] = add(truth[group].get(cid, ZERO), tuple(counts))
    return CycleInput(cycle, tuple(participants), tuple(ratings), tuple(tallies)), truth


def items_of(pack: Pack) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cid in SCOPE:
        comps = [c.id for c in pack.condition(cid).competencies]
        out.update({c: [c] for c in comps})
        out[cid] = comps
    return out
