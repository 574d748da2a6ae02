"""Reflect and Listen results: every aggregation rule the consensus view, results, reports and CLI share.

Pure functions over the domain records (no Qt, no storage). Everything is deterministic:
competencies and conditions come in pack order, role groups in :data:`ROLE_GROUPS` order.

Terms used throughout:

* a **vote** is one individual :class:`Rating` or one count in a paper :class:`Tally`;
  tallies count like votes but stay marked as tallied (``Distribution.tallied``);
* a **rated vote** is a vote at one of the four :data:`LEVELS` (``not_sure`` is a vote,
  not a level, and never enters a median, mean or agreement);
* the **level index** is Establishing 1, Developing 2, Operationalizing 3, Refining 4;
* **respondents** are people: distinct participants with a rating (``not_sure`` included)
  plus every paper vote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from navtool_desktop.core.disclosure import (
    DEFAULT_THRESHOLD,
    EMPTY,
    SHOWN,
    SUPPRESSED,
    Disclosure,
    check_threshold,
    combined,
    decide,
    for_item,
    head_counts,
    repeated_people,
)
from navtool_desktop.core.records import (
    LEVELS,
    NOT_SURE,
    RATING_CHOICES,
    ROLE_GROUPS,
    Consensus,
    Cycle,
    Participant,
    Rating,
    Tally,
)
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _

#: A new cycle's anonymity threshold (each cycle keeps its own: ``Cycle.threshold``).
ANONYMITY_THRESHOLD = DEFAULT_THRESHOLD


def median_rule() -> str:
    """The median rule, as shown to people."""
    return _(
        "Median: the middle level of the votes, not counting \u201cnot sure\u201d. With an even "
        "number of votes it is the lower of the two middle levels, so the result never "
        "overstates where the district is."
    )


#: A level needs strictly more than this share of the rated votes to be a majority.
MAJORITY_SHARE = 0.5
#: Low agreement also when at least this share of the rated votes lie two or more levels
#: away from the majority level.
FAR_SHARE = 0.25
#: "Far" means at least this many levels apart.
FAR_STEPS = 2


def low_agreement_rule() -> str:
    """The low-agreement rule, as shown to people."""
    return _(
        "Low agreement: no level has more than half of the votes, or a quarter or more of the "
        "votes are two or more levels away from the level most people chose. \u201cNot sure\u201d "
        "is not counted; fewer than two votes are never flagged."
    )


def ranking_rule() -> str:
    """The strengths and growth areas rule, as shown to people."""
    return _(
        "Strengths are the competencies at the highest levels, growth areas those at the lowest "
        "(consensus level if recorded, else the median). Ties go to the higher (for strengths) or "
        "lower (for growth areas) average vote, then to framework order. Strengths come from the "
        "upper half of that ranking and growth areas from the lower half, so none is both."
    )


#: What a competency's heat-map level comes from.
LEVEL_SOURCES: tuple[str, ...] = ("consensus", "median", "none")

#: Status of a role group's view: shown, hidden (see :mod:`disclosure`), or nobody in it rated.
GROUP_STATUSES: tuple[str, ...] = (SHOWN, SUPPRESSED, EMPTY)

#: How a level changed since the previous cycle. ``new``: no level to compare with in the
#: previous cycle (or no previous cycle); ``unrated``: no level in this cycle.
CHANGES: tuple[str, ...] = ("up", "down", "same", "new", "unrated")


def level_index(level: str | None) -> int | None:
    """Establishing 1 … Refining 4; None for ``not_sure`` or no level."""
    return LEVELS.index(level) + 1 if level in LEVELS else None


# --- distributions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Distribution:
    """Votes per choice: ``counts`` follows :data:`RATING_CHOICES` (four levels, then not sure).

    ``tallied`` says how many of the votes came from paper tallies.
    """

    counts: tuple[int, ...] = (0,) * len(RATING_CHOICES)
    tallied: int = 0

    @classmethod
    def of(cls, choices: Iterable[str]) -> Distribution:
        """Count a sequence of choices (levels or ``not_sure``)."""
        counts = [0] * len(RATING_CHOICES)
        for choice in choices:
            counts[RATING_CHOICES.index(choice)] += 1
        return cls(tuple(counts))

    def count(self, choice: str) -> int:
        return self.counts[RATING_CHOICES.index(choice)]

    @property
    def rated(self) -> int:
        """Votes at a level (not sure excluded)."""
        return sum(self.counts[: len(LEVELS)])

    @property
    def not_sure(self) -> int:
        return self.count(NOT_SURE)

    @property
    def total(self) -> int:
        return sum(self.counts)

    def as_dict(self) -> dict[str, int]:
        """Counts by choice id, in :data:`RATING_CHOICES` order."""
        return dict(zip(RATING_CHOICES, self.counts, strict=True))

    def __add__(self, other: Distribution) -> Distribution:
        return Distribution(tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)),
                            self.tallied + other.tallied)


def count_votes(ratings: Iterable[Rating] = (), tallies: Iterable[Tally] = ()) -> Distribution:
    """The distribution of individual ratings and paper tallies together."""
    counts = list(Distribution.of(r.level for r in ratings).counts)
    tallied = 0
    for tally in tallies:
        for choice, n in tally.counts.items():
            counts[RATING_CHOICES.index(choice)] += n
            tallied += n
    return Distribution(tuple(counts), tallied)


def median_level(dist: Distribution) -> str | None:
    """The ordinal median of the rated votes (lower middle for an even count); None if none.

    See :data:`median_rule()`.
    """
    rated = dist.rated
    if rated == 0:
        return None
    position = (rated - 1) // 2  # 0-based; the lower middle when ``rated`` is even
    seen = 0
    for level, n in zip(LEVELS, dist.counts, strict=False):
        seen += n
        if seen > position:
            return level
    raise AssertionError("unreachable")  # pragma: no cover


def mean_level(dist: Distribution) -> float | None:
    """The mean level index (1–4) of the rated votes, rounded to 2 decimals; None if none."""
    if dist.rated == 0:
        return None
    total = sum(n * (i + 1) for i, n in enumerate(dist.counts[: len(LEVELS)]))
    return round(total / dist.rated, 2)


def is_low_agreement(dist: Distribution) -> bool:
    """Whether the rated votes disagree, by :data:`low_agreement_rule()`.

    Flagged when no level holds more than :data:`MAJORITY_SHARE` of the rated votes, or
    when :data:`FAR_SHARE` or more of them lie :data:`FAR_STEPS` or more levels from the
    majority level. Fewer than two rated votes are never flagged.
    """
    rated = dist.rated
    if rated < 2:
        return False
    level_counts = dist.counts[: len(LEVELS)]
    top = max(level_counts)
    if top <= MAJORITY_SHARE * rated:
        return True
    majority = level_counts.index(top)  # unique: it holds more than half
    far = sum(n for i, n in enumerate(level_counts) if abs(i - majority) >= FAR_STEPS)
    return far >= FAR_SHARE * rated


# --- inputs -------------------------------------------------------------------------------


class CycleSource(Protocol):
    """What a stored cycle offers (``storage.CycleData`` fits): records keyed by id."""

    @property
    def cycle(self) -> Cycle: ...
    @property
    def participants(self) -> Mapping[str, Participant]: ...
    @property
    def ratings(self) -> Mapping[str, Rating]: ...
    @property
    def tallies(self) -> Mapping[str, Tally]: ...
    @property
    def consensus(self) -> Mapping[str, Consensus]: ...


@dataclass(frozen=True, slots=True)
class CycleInput:
    """One cycle's records, as the results need them."""

    cycle: Cycle
    participants: tuple[Participant, ...] = ()
    ratings: tuple[Rating, ...] = ()
    tallies: tuple[Tally, ...] = ()
    consensus: tuple[Consensus, ...] = ()

    @classmethod
    def of(cls, source: CycleSource) -> CycleInput:
        """From a stored cycle (``DistrictStore.cycle(id)``)."""
        return cls(source.cycle, tuple(source.participants.values()),
                   tuple(source.ratings.values()), tuple(source.tallies.values()),
                   tuple(source.consensus.values()))


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoteSummary:
    """Votes of a set of people on a competency (or pooled over a condition), summarised."""

    distribution: Distribution
    respondents: int
    median: str | None
    mean: float | None
    low_agreement: bool


@dataclass(frozen=True, slots=True)
class GroupResult:
    """One role group's view; ``summary`` is None unless ``status`` is :data:`SHOWN`."""

    role_group: str
    status: str
    summary: VoteSummary | None = None


@dataclass(frozen=True, slots=True)
class CompetencyResult:
    """Everything the consensus view and results show for one competency in scope.

    ``level`` is the heat-map level: the consensus level if recorded, else the median;
    ``level_source`` says which (see :func:`heat_level`).
    """

    competency_id: str
    condition_id: str
    overall: VoteSummary
    groups: tuple[GroupResult, ...]
    consensus: Consensus | None
    level: str | None
    level_source: str
    #: False when fewer people than the threshold rated it: ``overall`` is then empty.
    overall_shown: bool = True

    def group(self, role_group: str) -> GroupResult:
        return next(g for g in self.groups if g.role_group == role_group)


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """A condition's rollup over its competencies.

    ``overall`` and ``groups`` pool every vote on the condition's competencies (so the
    mean is the mean level index of all those votes, the median their median); a group's
    respondents are its distinct participants plus the largest paper tally it gave any one
    competency (paper voters are taken to be the same people across a condition).
    ``level_mean`` is the mean level index of the competencies' heat-map levels
    (consensus, else median), and ``level`` their median: what comparisons use.
    """

    condition_id: str
    priority: bool
    competency_ids: tuple[str, ...]
    overall: VoteSummary
    groups: tuple[GroupResult, ...]
    level: str | None
    level_mean: float | None
    #: False when any of its competencies withholds its overall counts (``overall`` empty).
    overall_shown: bool = True

    def group(self, role_group: str) -> GroupResult:
        return next(g for g in self.groups if g.role_group == role_group)


@dataclass(frozen=True, slots=True)
class CycleResults:
    """The results of one cycle: competencies and conditions in scope, in pack order.

    ``disclosure`` says which role groups are hidden (the same in every competency and
    condition) and whether any counts are shown at all (``overall_shown``); when they are
    not, every overall summary is empty and levels come from consensus only.
    """

    cycle: Cycle
    threshold: int
    competencies: tuple[CompetencyResult, ...]
    conditions: tuple[ConditionResult, ...]
    disclosure: Disclosure
    #: people who rated under a name or code another in their role group has too
    repeated: int = 0

    @property
    def overall_shown(self) -> bool:
        return self.disclosure.overall_shown

    def competency(self, competency_id: str) -> CompetencyResult:
        for result in self.competencies:
            if result.competency_id == competency_id:
                return result
        raise KeyError(competency_id)

    def condition(self, condition_id: str) -> ConditionResult:
        for result in self.conditions:
            if result.condition_id == condition_id:
                return result
        raise KeyError(condition_id)


def summarize(dist: Distribution, respondents: int) -> VoteSummary:
    """Median, mean and agreement of a distribution."""
    return VoteSummary(dist, respondents, median_level(dist), mean_level(dist),
                       is_low_agreement(dist))


def group_result(role_group: str, dist: Distribution, respondents: int,
                 disclosure: Disclosure) -> GroupResult:
    """A role group's view under the cycle's disclosure decision.

    Hidden groups (:data:`SUPPRESSED`) carry no numbers at all; a shown group whose people
    did not rate this item is shown with zero votes.
    """
    status = disclosure.status(role_group)
    if status != SHOWN:
        return GroupResult(role_group, status)
    return GroupResult(role_group, SHOWN, summarize(dist, respondents))


def cycle_threshold(cycle: Cycle, threshold: int | None = None) -> int:
    """The threshold to apply: the cycle's own, or a higher one asked for.

    ValueError when ``threshold`` is below the cycle's (or below the minimum): a threshold
    is lowered only by a recorded change of the cycle (:meth:`Cycle.with_threshold`).
    """
    if threshold is None:
        return check_threshold(cycle.threshold)
    check_threshold(threshold)
    if threshold < cycle.threshold:
        raise ValueError(f"the threshold {threshold} is below this cycle's threshold {cycle.threshold}")
    return threshold


def heat_level(consensus: Consensus | None, median: str | None) -> tuple[str | None, str]:
    """The level to show on the heat map and where it comes from (:data:`LEVEL_SOURCES`).

    A recorded consensus wins (even "not sure"); else the median; else no level.
    """
    if consensus is not None:
        return consensus.level, "consensus"
    if median is not None:
        return median, "median"
    return None, "none"


def in_scope(pack: Pack, cycle: Cycle) -> tuple[str, ...]:
    """The condition ids a cycle covers, in pack order (ids the pack lacks are left out)."""
    return tuple(c.id for c in pack.conditions if cycle.scope is None or c.id in cycle.scope)


def cycle_results(pack: Pack, data: CycleInput, threshold: int | None = None) -> CycleResults:
    """Every competency and condition in the cycle's scope, summarised.

    ``threshold`` defaults to the cycle's own and may only be raised (:func:`cycle_threshold`).
    Which role groups are shown is decided once for the cycle (:func:`disclosure.decide`).
    Ratings of competencies outside the scope are ignored; a rating whose participant is
    unknown counts in the overall results but in no role group.
    """
    threshold = cycle_threshold(data.cycle, threshold)
    roles = {p.id: p.role_group for p in data.participants}
    scoped = {c.id for cid in in_scope(pack, data.cycle) for c in pack.condition(cid).competencies}
    ratings: dict[str, list[Rating]] = {}
    for rating in data.ratings:
        if rating.competency_id in scoped:
            ratings.setdefault(rating.competency_id, []).append(rating)
    tallies: dict[str, list[Tally]] = {}
    for tally in data.tallies:
        if tally.competency_id in scoped:
            tallies.setdefault(tally.competency_id, []).append(tally)
    sizes, total = head_counts(data.participants, [r for rs in ratings.values() for r in rs],
                               [t for ts in tallies.values() for t in ts])
    cycle_disclosure = decide(sizes, threshold, total)
    if not cycle_disclosure.overall_shown:
        return _withheld(pack, data, threshold, cycle_disclosure)
    agreed = {c.competency_id: c for c in data.consensus}

    competencies: list[CompetencyResult] = []
    conditions: list[ConditionResult] = []
    decisions: list[Disclosure] = []
    for condition_id in in_scope(pack, data.cycle):
        condition = pack.condition(condition_id)
        own: list[CompetencyResult] = []
        own_decisions: list[Disclosure] = []
        pooled = {group: Distribution() for group in ROLE_GROUPS}
        people: dict[str, set[str]] = {group: set() for group in ROLE_GROUPS}
        paper = dict.fromkeys(ROLE_GROUPS, 0)
        for competency in condition.competencies:
            cid = competency.id
            rs, ts = ratings.get(cid, []), tallies.get(cid, [])
            item_sizes, item_total = head_counts(data.participants, rs, ts)
            disclosure = for_item(cycle_disclosure, item_sizes, item_total)
            overall = summarize(count_votes(rs, ts),
                                len({r.participant_id for r in rs}) + sum(t.total for t in ts))
            if not disclosure.overall_shown:
                overall = summarize(Distribution(), 0)
            groups = []
            for group in ROLE_GROUPS:
                g_rs = [r for r in rs if roles.get(r.participant_id) == group]
                g_ts = [t for t in ts if t.role_group == group]
                dist = count_votes(g_rs, g_ts)
                voters = {r.participant_id for r in g_rs}
                on_paper = sum(t.total for t in g_ts)
                groups.append(group_result(group, dist, len(voters) + on_paper, disclosure))
                pooled[group] += dist
                people[group] |= voters
                paper[group] = max(paper[group], on_paper)
            consensus = agreed.get(cid)
            level, source = heat_level(consensus, overall.median)
            own.append(CompetencyResult(cid, condition_id, overall, tuple(groups), consensus,
                                        level, source, disclosure.overall_shown))
            own_decisions.append(disclosure)
        competencies.extend(own)
        decisions.extend(own_decisions)
        rollup = combined(cycle_disclosure, own_decisions)
        condition_voters = {r.participant_id for c in own for r in ratings.get(c.competency_id, [])}
        known = [c.level for c in own if level_index(c.level) is not None]
        conditions.append(ConditionResult(
            condition_id, condition.priority, tuple(c.competency_id for c in own),
            summarize(sum((c.overall.distribution for c in own), Distribution()),
                      len(condition_voters) + sum(paper.values()))
            if rollup.overall_shown else summarize(Distribution(), 0),
            tuple(group_result(g, pooled[g], len(people[g]) + paper[g], rollup)
                  for g in ROLE_GROUPS),
            median_level(Distribution.of(known)),
            mean_level(Distribution.of(known)),
            rollup.overall_shown,
        ))
    # the cycle's decision lists every group hidden anywhere (the note every output prints)
    return CycleResults(data.cycle, threshold, tuple(competencies), tuple(conditions),
                        replace(combined(cycle_disclosure, decisions),
                                overall_shown=cycle_disclosure.overall_shown),
                        repeated_people(data.participants, [r for rs in ratings.values() for r in rs]))


def _withheld(pack: Pack, data: CycleInput, threshold: int, disclosure: Disclosure) -> CycleResults:
    """Results with no counts at all (too few people in the cycle): consensus levels only."""
    agreed = {c.competency_id: c for c in data.consensus}
    nothing = summarize(Distribution(), 0)
    competencies: list[CompetencyResult] = []
    conditions: list[ConditionResult] = []
    for condition_id in in_scope(pack, data.cycle):
        condition = pack.condition(condition_id)
        groups = tuple(GroupResult(g, disclosure.status(g)) for g in ROLE_GROUPS)
        own = []
        for competency in condition.competencies:
            consensus = agreed.get(competency.id)
            level, source = heat_level(consensus, None)
            own.append(CompetencyResult(competency.id, condition_id, nothing, groups, consensus,
                                        level, source, False))
        competencies.extend(own)
        known = [c.level for c in own if level_index(c.level) is not None]
        conditions.append(ConditionResult(
            condition_id, condition.priority, tuple(c.competency_id for c in own), nothing, groups,
            median_level(Distribution.of(known)), mean_level(Distribution.of(known)), False))
    return CycleResults(data.cycle, threshold, tuple(competencies), tuple(conditions), disclosure)


def hidden_note(results: CycleResults, name: Callable[[str], str] = str) -> str:
    """Which role groups the rule hides in this cycle, in one sentence ("" when none).

    Groups hidden on every competency their people rated are named as hidden; groups hidden
    only where few of them rated a competency, as hidden on some competencies.
    """
    somewhere = results.disclosure.hidden_groups
    if not somewhere:
        return ""
    everywhere = [g for g in somewhere if all(
        c.group(g).status == SUPPRESSED for c in results.competencies
        if c.group(g).status != EMPTY)]
    partly = [g for g in somewhere if g not in everywhere]
    parts = []
    if everywhere:
        parts.append(_("Hidden in this cycle: {groups}.").format(groups=", ".join(name(g) for g in everywhere)))
    if partly:
        parts.append(_("Hidden on some competencies only (where fewer than {n} people of a "
                       "group rated them): {groups}.").format(
            n=results.threshold, groups=", ".join(name(g) for g in partly)))
    return " ".join(parts)


# --- strengths, growth areas, missing consensus -------------------------------------------


def _ranked(results: CycleResults, highest_first: bool) -> list[CompetencyResult]:
    order = {c.competency_id: n for n, c in enumerate(results.competencies)}
    sign = -1 if highest_first else 1
    with_level = [c for c in results.competencies if level_index(c.level) is not None]
    return sorted(with_level, key=lambda c: (
        sign * (level_index(c.level) or 0),
        sign * (c.overall.mean if c.overall.mean is not None else level_index(c.level) or 0),
        order[c.competency_id]))


def strengths(results: CycleResults, n: int = 3) -> tuple[CompetencyResult, ...]:
    """Up to ``n`` competencies at the highest levels, from the upper half of the ranking.

    See :data:`ranking_rule()`.
    """
    ranked = _ranked(results, highest_first=True)
    return tuple(ranked[: min(n, (len(ranked) + 1) // 2)])


def growth_areas(results: CycleResults, n: int = 3) -> tuple[CompetencyResult, ...]:
    """Up to ``n`` competencies at the lowest levels, from the lower half of the ranking."""
    ranked = _ranked(results, highest_first=True)
    lower = {c.competency_id for c in ranked[(len(ranked) + 1) // 2:]}
    return tuple(c for c in _ranked(results, highest_first=False) if c.competency_id in lower)[:n]


def without_consensus(results: CycleResults) -> tuple[str, ...]:
    """Competency ids in scope with no consensus recorded yet, in pack order."""
    return tuple(c.competency_id for c in results.competencies if c.consensus is None)


# --- comparison with an earlier cycle -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompetencyChange:
    """How a competency's heat-map level moved since the previous cycle (:data:`CHANGES`)."""

    competency_id: str
    previous: str | None
    current: str | None
    steps: int | None
    change: str


@dataclass(frozen=True, slots=True)
class ConditionChange:
    """How a condition's ``level_mean`` moved since the previous cycle (:data:`CHANGES`)."""

    condition_id: str
    previous: float | None
    current: float | None
    delta: float | None
    change: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """This cycle against an earlier one (``previous_cycle_id`` None when there is none)."""

    previous_cycle_id: str | None
    competencies: tuple[CompetencyChange, ...]
    conditions: tuple[ConditionChange, ...]


def _change(previous: float | None, current: float | None) -> str:
    if current is None:
        return "unrated"
    if previous is None:
        return "new"
    return "up" if current > previous else "down" if current < previous else "same"


def compare(current: CycleResults, previous: CycleResults | None) -> Comparison:
    """Change per competency and condition in the current scope, against ``previous``.

    Levels are the heat-map levels (consensus, else median); "not sure" counts as no level.
    Items outside the previous cycle's scope, or without a level there, are ``new``.
    """
    before = {c.competency_id: c.level for c in previous.competencies} if previous else {}
    changes = []
    for result in current.competencies:
        was, now = level_index(before.get(result.competency_id)), level_index(result.level)
        changes.append(CompetencyChange(
            result.competency_id, before.get(result.competency_id) if was is not None else None,
            result.level if now is not None else None,
            now - was if now is not None and was is not None else None, _change(was, now)))
    before_mean = {c.condition_id: c.level_mean for c in previous.conditions} if previous else {}
    conditions = []
    for cond in current.conditions:
        was_mean, now_mean = before_mean.get(cond.condition_id), cond.level_mean
        conditions.append(ConditionChange(
            cond.condition_id, was_mean, now_mean,
            round(now_mean - was_mean, 2) if now_mean is not None and was_mean is not None
            else None, _change(was_mean, now_mean)))
    return Comparison(previous.cycle.id if previous else None, tuple(changes), tuple(conditions))


def previous_cycle(cycles: Sequence[Cycle], cycle_id: str) -> Cycle | None:
    """The cycle just before ``cycle_id`` by date (then creation time), or None."""
    ordered = sorted(cycles, key=lambda c: (c.date, c.created))
    for n, cycle in enumerate(ordered):
        if cycle.id == cycle_id:
            return ordered[n - 1] if n else None
    raise KeyError(cycle_id)
