"""The small-group disclosure rule: which role groups' counts may be shown, for every output.

One decision per cycle, from the role groups' head-counts, so that every view of the cycle
(competency tables, condition roll-ups, the equity lens, reports, CSV and JSON, the
comparison with the previous cycle) hides the same groups:

1. a role group with people but fewer than the cycle's threshold is hidden;
2. when exactly one group would be hidden, the next-smallest group is hidden with it
   (complementary suppression), so that "overall minus the groups shown" gives only the
   hidden groups' combined votes, never one group's;
3. while the hidden groups together have fewer people than the threshold, the next-smallest
   shown group is hidden as well;
4. when the whole cycle has fewer people than the threshold, no counts are shown at all;
5. the rule is applied again to each competency, counting the people who rated *it*
   (:func:`for_item`): a group hidden for the cycle stays hidden, and a competency that
   fewer than the threshold rated shows no overall counts; a sum of competencies (a
   condition's roll-up) hides whatever any of its competencies hides (:func:`combined`).

Why this is enough: every published number is a sum of votes of shown groups, or a sum over
all groups. What is hidden is therefore only ever the hidden groups' *combined* votes, and
at least two hidden groups with people share them, so any one vote can be moved from one
hidden group to another without changing a published number.

Head-counts: a person counts in their role group if they rated anything in the cycle's
scope (``not sure`` included), once per name or code (the same person entered on two
laptops is one person); paper tallies add the largest tally the group gave any one
competency (paper voters are taken to be the same people across the cycle), capped by the
people said to be in the room, a tally entered twice counted once.

Pure Python: no Qt, no storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from navtool_desktop.core.records import MIN_THRESHOLD, ROLE_GROUPS, Participant, Rating, Tally, name_key
from navtool_desktop.i18n import _

#: A new cycle's threshold.
DEFAULT_THRESHOLD = MIN_THRESHOLD

#: What a group's view shows: its counts, nothing (hidden), or that nobody in it rated.
SHOWN, SUPPRESSED, EMPTY = "shown", "suppressed", "empty"


@dataclass(frozen=True, slots=True)
class Disclosure:
    """Which role groups of a cycle may be shown, and whether the overall counts may be.

    ``sizes`` are the head-counts per role group (every one of :data:`ROLE_GROUPS`);
    ``total`` counts every voter, including ratings whose participant is unknown.
    """

    threshold: int
    sizes: Mapping[str, int]
    total: int
    hidden: frozenset[str]
    overall_shown: bool

    def status(self, role_group: str) -> str:
        """:data:`SHOWN`, :data:`SUPPRESSED` or :data:`EMPTY` for a role group."""
        if not self.overall_shown and self.sizes.get(role_group, 0):
            return SUPPRESSED
        if role_group in self.hidden:
            return SUPPRESSED
        return EMPTY if not self.sizes.get(role_group, 0) else SHOWN

    def shown(self, role_group: str) -> bool:
        return self.status(role_group) == SHOWN

    @property
    def hidden_groups(self) -> tuple[str, ...]:
        """Hidden role groups in :data:`ROLE_GROUPS` order."""
        return tuple(g for g in ROLE_GROUPS if self.status(g) == SUPPRESSED)

    @property
    def protected(self) -> tuple[str, ...]:
        """The groups hidden because they are small (fewer people than the threshold)."""
        return tuple(g for g in ROLE_GROUPS if 0 < self.sizes.get(g, 0) < self.threshold)


def check_threshold(threshold: int) -> int:
    """The threshold, or ValueError if below :data:`MIN_THRESHOLD`."""
    if threshold < MIN_THRESHOLD:
        raise ValueError(f"the anonymity threshold must be at least {MIN_THRESHOLD}, not {threshold}")
    return threshold


def decide(sizes: Mapping[str, int], threshold: int, total: int | None = None) -> Disclosure:
    """Apply the rule (see the module doc) to head-counts per role group."""
    check_threshold(threshold)
    sizes = {g: max(0, sizes.get(g, 0)) for g in ROLE_GROUPS}
    total = sum(sizes.values()) if total is None else total
    order = {g: n for n, g in enumerate(ROLE_GROUPS)}
    hidden = {g for g, n in sizes.items() if 0 < n < threshold}
    if hidden:
        candidates = sorted((g for g, n in sizes.items() if n and g not in hidden),
                            key=lambda g: (sizes[g], order[g]))
        while candidates and (len(hidden) < 2 or sum(sizes[g] for g in hidden) < threshold):
            hidden.add(candidates.pop(0))
    overall_shown = total >= threshold
    return Disclosure(threshold, sizes, total, frozenset(hidden), overall_shown)


def for_item(cycle: Disclosure, sizes: Mapping[str, int], total: int) -> Disclosure:
    """The decision for one competency: the cycle's, and the rule again on who rated *it*.

    ``sizes`` and ``total`` count the people who rated this competency (paper votes
    included). A competency is published on its own, so a group of exactly the threshold
    where one person skipped it, or a competency only one or two people rated, must not
    show those votes there. Groups hidden for the cycle stay hidden; the overall counts
    are withheld when fewer than the threshold rated the competency (none rated: nothing
    to protect). Statuses still say "no votes" only for groups empty in the whole cycle.
    """
    item = decide(sizes, cycle.threshold, total)
    hidden = cycle.hidden | frozenset(item.hidden_groups)
    overall = cycle.overall_shown and (total == 0 or item.overall_shown)
    return Disclosure(cycle.threshold, cycle.sizes, cycle.total, hidden, overall)


def combined(cycle: Disclosure, parts: Iterable[Disclosure]) -> Disclosure:
    """The decision for a sum of items (a condition's roll-up, the cycle as a whole).

    A sum shows a group only where every part shows it, and overall counts only where
    every part does: otherwise the sum minus the parts shown would give back what a
    part hides.
    """
    hidden, overall = set(cycle.hidden), cycle.overall_shown
    for part in parts:
        hidden |= part.hidden
        overall = overall and part.overall_shown
    return Disclosure(cycle.threshold, cycle.sizes, cycle.total, frozenset(hidden), overall)


def person_key(participant: Participant) -> str:
    """Who a participant is, for counting people: the name or code as :func:`records.name_key`
    compares it (case, spaces, Unicode form and invisible characters ignored).

    The same person entered on two laptops has two ids but the same name; counting ids would
    let one person lift a group of two over the threshold (so would counting "Martínez" typed
    with a combining accent, or with a zero-width space, as another name). Two different
    people with the same name in one role group count as one: that hides more, never less.
    """
    return name_key(participant.label)


def paper_people(tallies: Iterable[Tally]) -> int:
    """How many people the paper votes of one role group on one competency stand for.

    The votes, but no more than the people the facilitator said were in the room, and a
    tally with exactly the same counts as another (entered twice, on two laptops) once.
    """
    seen: set[tuple[tuple[str, int], ...]] = set()
    people = 0
    for tally in tallies:
        key = tuple(sorted((level, n) for level, n in tally.counts.items() if n))
        if key in seen:
            continue
        seen.add(key)
        people += min(tally.total, tally.people) if tally.people else tally.total
    return people


def repeated_people(participants: Iterable[Participant], ratings: Iterable[Rating]) -> int:
    """How many of the people who rated share a name or code with another in their role group.

    Each such name counts as one person (:func:`head_counts`); the outputs say how many there
    are, so that someone checks whether a person was entered twice (their votes count twice).
    """
    voted = {r.participant_id for r in ratings}
    keys = [(p.role_group, person_key(p)) for p in participants if p.id in voted]
    return len(keys) - len(set(keys))


def repeated_text(n: int) -> str:
    """The warning when people seem to be entered more than once (:func:`repeated_people`)."""
    return _("{n} of the people who rated have the same name or code as another person in their "
             "role group: each name counts once for the privacy rule, but their votes count "
             "every time. Check the list of people for someone entered twice.").format(n=n)


def head_counts(participants: Iterable[Participant], ratings: Iterable[Rating],
                tallies: Iterable[Tally]) -> tuple[dict[str, int], int]:
    """People per role group who voted (see the module doc), and everyone who voted.

    Pass only the ratings and tallies in the cycle's scope. People are counted by name
    (:func:`person_key`), paper votes by :func:`paper_people`.
    """
    known = {p.id: p for p in participants}
    people: dict[str, set[str]] = {g: set() for g in ROLE_GROUPS}
    unknown: set[str] = set()
    for rating in ratings:
        who = known.get(rating.participant_id)
        if who is not None and who.role_group in people:
            people[who.role_group].add(person_key(who))
        else:
            unknown.add(rating.participant_id)
    paper: dict[tuple[str, str], list[Tally]] = {}
    for tally in tallies:
        paper.setdefault((tally.role_group, tally.competency_id), []).append(tally)
    on_paper = dict.fromkeys(ROLE_GROUPS, 0)
    for (group, _cid), found in paper.items():
        if group in on_paper:
            on_paper[group] = max(on_paper[group], paper_people(found))
    sizes = {g: len(people[g]) + on_paper[g] for g in ROLE_GROUPS}
    return sizes, sum(sizes.values()) + len(unknown)


def writers(participants: Iterable[Participant], ids: Iterable[str]) -> int:
    """How many people the participant ``ids`` are, each counted once (:func:`person_key`).

    An id with no participant record counts as one person of its own.
    """
    known = {p.id: p for p in participants}
    return len({person_key(known[i]) if i in known else "#" + i for i in ids})


def texts_shown(decision: Disclosure, writers: int) -> bool:
    """Whether texts people wrote (rating notes, answers to guiding questions) may be shown.

    ``writers`` is how many people could have written them: the people who rated the
    competency (notes), or the people of the role groups a question is written for who took
    part (answers). Texts are always shown without names, role groups, levels or times, in
    alphabetical order; with fewer writers than the threshold (or a cycle whose counts are not
    shown at all) they would say who wrote them, so none is shown. Every output takes its texts
    from the same decision (:mod:`core.written`), so that no output's texts minus another's
    leave one group's.
    """
    return decision.overall_shown and writers >= decision.threshold


def texts_rule_text(threshold: int) -> str:
    """The rule for written answers and notes, as every output says it."""
    return _("Written answers and notes are shown without names, role groups or levels, in "
             "alphabetical order, and only where at least {n} people could have written them.").format(
        n=threshold)


def texts_withheld_text(threshold: int) -> str:
    """What shows in place of texts that fewer than the threshold could have written."""
    return _("Not shown: fewer than {n} people could have written these, so they would say who "
             "wrote them.").format(n=threshold)


def rule_text(threshold: int) -> str:
    """The rule in two plain sentences, as every output shows it."""
    return _(
        "Privacy: a role group's counts are shown only when at least {n} people in it rated, "
        "counted competency by competency; a smaller group is hidden together with at least one "
        "more group, so that no group's answers can be worked out by subtracting the groups "
        "shown from the total. A competency, or a whole cycle, that fewer than {n} people rated "
        "shows no counts at all."
    ).format(n=threshold)


def hidden_text(threshold: int) -> str:
    """What a hidden group shows in place of its numbers (the same for every hidden group)."""
    return _("hidden to protect a group of fewer than {n} people").format(n=threshold)


def no_counts_text(threshold: int) -> str:
    """What shows in place of every count when the whole cycle is under the threshold."""
    return _("Fewer than {n} people rated in this cycle, so no counts are shown.").format(n=threshold)


def item_withheld_text(threshold: int) -> str:
    """What shows in place of a competency's counts when fewer than the threshold rated it."""
    return _("Fewer than {n} people rated this, so no counts are shown for it.").format(n=threshold)


def open_cycle_text() -> str:
    """The caution for counts shown while people may still rate (the rule has no memory)."""
    return _("While people are still rating, counts seen before and after someone rates differ by "
             "that person's votes: show the counts once everyone has rated.")


def change_effect(sizes: Mapping[str, int], total: int, old: int, new: int,
                  name: Callable[[str], str] = str) -> str:
    """What changing a cycle's threshold from ``old`` to ``new`` reveals or hides, in words.

    ``sizes`` and ``total`` are the cycle's head-counts now (:func:`head_counts`); ``name``
    turns a role group id into its name.
    """
    before, after = decide(sizes, old, total), decide(sizes, new, total)
    revealed = [g for g in ROLE_GROUPS if before.status(g) == SUPPRESSED and after.status(g) == SHOWN]
    hidden = [g for g in ROLE_GROUPS if before.status(g) == SHOWN and after.status(g) == SUPPRESSED]
    parts = []
    if before.overall_shown != after.overall_shown:
        parts.append(_("The overall counts become visible.") if after.overall_shown
                     else _("No counts will be shown at all."))
    if revealed:
        parts.append(_("Shown from now on, with their counts: {groups}.").format(
            groups=", ".join(name(g) for g in revealed)))
    if hidden:
        parts.append(_("Hidden from now on: {groups}.").format(groups=", ".join(name(g) for g in hidden)))
    if not parts:
        parts.append(_("No role group changes with the ratings so far; later ratings follow the new threshold."))
    if new == old - 1:
        parts.append(_("Groups of {n} people can be shown on their own.").format(n=new))
    elif new < old:
        parts.append(_("Groups of {low} to {high} people can be shown on their own.").format(
            low=new, high=old - 1))
    return " ".join(parts)
