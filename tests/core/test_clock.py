"""The hybrid logical clock: versions never go back, whatever the wall clock does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from navtool_desktop.core.clock import (
    HybridClock,
    format_version,
    legacy_version,
    parse_version,
    time_ms,
)
from navtool_desktop.core.records import Participant, RecordError, same_person, version_key


def test_versions_grow_when_the_wall_clock_stands_still_or_goes_back() -> None:
    now = [datetime(2026, 12, 1, tzinfo=UTC)]
    clock = HybridClock("aaaa", lambda: now[0])
    first = clock.tick()
    second = clock.tick()
    now[0] -= timedelta(days=400)  # someone "fixes" the clock backwards
    third = clock.tick()
    assert parse_version(first) < parse_version(second) < parse_version(third)
    assert parse_version(third)[0] == time_ms("2026-12-01T00:00:00Z")


def test_a_version_received_from_the_future_is_passed_by_the_next_tick() -> None:
    clock = HybridClock("ffac", lambda: datetime(2026, 12, 1, tzinfo=UTC))
    far = format_version(time_ms("2031-06-01T09:00:00Z"), 7, "b0b")
    after = clock.tick(after=far)
    assert parse_version(after) > parse_version(far)
    assert parse_version(after)[2] == "ffac"
    assert parse_version(clock.tick()) > parse_version(after)


def test_versions_are_checked_and_ordered() -> None:
    assert parse_version("") == (0, 0, "")
    assert legacy_version("2025-03-01T14:05:09.123Z") == f"{time_ms('2025-03-01T14:05:09.123Z')}.0.v1"
    with pytest.raises(RecordError, match="version"):
        Participant(name="A", role_group="learner", version="tomorrow")
    with pytest.raises(ValueError):
        HybridClock("NOT OK")
    a = Participant(name="A", role_group="learner", version="5.0.aa")
    b = a.replace(role_group="leader")  # the same version twice (hand-made data): content decides
    assert (version_key(a) > version_key(b)) != (version_key(b) > version_key(a))


def test_same_person_compares_names_and_codes_loosely() -> None:
    maria = Participant(name="Maria  Lopez", role_group="learner")
    assert same_person(maria, Participant(name=" maria lopez", role_group="leader"))
    assert same_person(Participant(code="L-07", role_group="learner"),
                       Participant(code="l-07 ", role_group="leader"))
    assert not same_person(Participant(code="L-07", role_group="learner"),
                           Participant(name="L-08", role_group="learner"))
