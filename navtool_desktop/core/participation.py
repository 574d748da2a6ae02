"""Who has rated so far, by role group: the handover screen's counts (never anyone's levels)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from navtool_desktop.core.records import ROLE_GROUPS, Participant, Rating


@dataclass(frozen=True)
class GroupProgress:
    """One role group's people: who rated every competency, who some, who none (names only)."""

    role_group: str
    finished: tuple[str, ...]
    started: tuple[str, ...]
    not_started: tuple[str, ...]


def rating_progress(participants: Iterable[Participant], ratings: Iterable[Rating],
                    scope: Collection[str]) -> list[GroupProgress]:
    """Each role group with people in it, in the usual order; names sorted within each list.

    Only whether a person has a rating for each competency in ``scope`` counts: the levels
    they chose never reach the result.
    """
    in_scope = set(scope)
    rated: dict[str, set[str]] = {}
    for rating in ratings:
        if rating.competency_id in in_scope:
            rated.setdefault(rating.participant_id, set()).add(rating.competency_id)
    groups: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for person in participants:
        finished, started, not_started = groups.setdefault(person.role_group, ([], [], []))
        count = len(rated.get(person.id, ()))
        (finished if in_scope and count == len(in_scope) else started if count else not_started).append(
            person.label)
    order = [g for g in ROLE_GROUPS if g in groups] + sorted(set(groups) - set(ROLE_GROUPS))

    def names(people: list[str]) -> tuple[str, ...]:
        return tuple(sorted(people, key=str.casefold))

    return [GroupProgress(g, *(names(part) for part in groups[g])) for g in order]
