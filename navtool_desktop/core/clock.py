"""Versions that do not trust wall clocks: a hybrid logical clock (HLC) per laptop.

Every saved record carries a ``version`` text ``"<wall ms>.<counter>.<laptop id>"``.
Versions compare as ``(wall ms, counter, laptop id)``. A laptop's clock never hands out a
version below one it has seen: before a record replaces another, and whenever a record
comes in from a bundle, the clock moves past that record's version (the HLC "receive"
rule). So a correction made on this laptop after an import always beats the imported
copy, whatever the other laptop's clock said; a wrong clock only makes the wall part of
versions look odd, and imports flag records dated far ahead of this laptop's clock.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

_VERSION = re.compile(r"^(\d{1,16})\.(\d{1,12})\.([0-9a-z]{1,32})$")
#: The laptop id of versions made from the ``updated`` times of data saved before versions.
LEGACY_LAPTOP = "v1"
#: How far ahead of this laptop's clock a record may be before an import flags it.
FUTURE_TOLERANCE_MS = 24 * 3600 * 1000
#: The largest wall time and counter a version from another laptop may carry (the end of
#: the year 9999, and a billion saves in one millisecond): anything beyond was made by hand,
#: and taking it would carry this laptop's versions past what they can be written as.
MAX_WALL_MS = 253_402_300_799_999
MAX_COUNTER = 999_999_999
#: The largest counter a version can be written with (12 digits): the clock moves on one
#: millisecond instead of going past it.
_COUNTER_LIMIT = 999_999_999_999

VersionKey = tuple[int, int, str]
ZERO: VersionKey = (0, 0, "")


def is_version(text: str) -> bool:
    return bool(_VERSION.match(text))


def plausible(version: str, prior: str = "") -> bool:
    """Whether a version (and the version it says it replaced) can come from a laptop:
    within :data:`MAX_WALL_MS` and :data:`MAX_COUNTER`, and later than its prior."""
    if not version:
        return not prior
    wall, counter, _laptop = parse_version(version)
    if not is_version(version) or wall > MAX_WALL_MS or counter > MAX_COUNTER:
        return False
    return not prior or (is_version(prior) and parse_version(prior) < (wall, counter, _laptop))


def parse_version(text: str) -> VersionKey:
    """``(wall ms, counter, laptop id)`` of a version; an empty text is the lowest."""
    match = _VERSION.match(text)
    if match is None:
        return ZERO
    return int(match[1]), int(match[2]), match[3]


def format_version(wall_ms: int, counter: int, laptop: str) -> str:
    return f"{wall_ms}.{counter}.{laptop}"


def time_ms(value: str) -> int:
    """Milliseconds since 1970 of an ISO-8601 time with a zone (0 if it is not one)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return 0
    if parsed.tzinfo is None:
        return 0
    return max(0, int(parsed.timestamp() * 1000))


def legacy_version(time: str) -> str:
    """The version given to a record saved before versions existed: its own time."""
    return format_version(time_ms(time), 0, LEGACY_LAPTOP)


def ms_to_time(wall_ms: int) -> str:
    """The UTC time of a version's wall part, as :func:`~navtool_desktop.core.records.utc_now` writes."""
    try:
        moment = datetime.fromtimestamp(wall_ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return "?"
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_laptop_id() -> str:
    """A fresh laptop id: 12 lowercase hex digits."""
    return secrets.token_hex(6)


def system_now() -> datetime:
    return datetime.now(UTC)


class HybridClock:
    """One laptop's hybrid logical clock. ``now`` gives the wall time (tests inject one)."""

    def __init__(self, laptop: str, now: Callable[[], datetime] = system_now) -> None:
        if not re.fullmatch(r"[0-9a-z]{1,32}", laptop):
            raise ValueError(f"bad laptop id {laptop!r}")
        self.laptop = laptop
        self.now = now
        self._wall = 0
        self._counter = 0

    def wall_ms(self) -> int:
        return int(self.now().timestamp() * 1000)

    def receive(self, version: str) -> None:
        """Move past a version seen here (from a bundle, or of a record being replaced)."""
        wall, counter, _laptop = parse_version(version)
        if (wall, counter) > (self._wall, self._counter):
            self._wall, self._counter = wall, counter

    def tick(self, after: str = "") -> str:
        """A new version, later than every version this clock has made or received."""
        if after:
            self.receive(after)
        now = self.wall_ms()
        if now > self._wall:
            self._wall, self._counter = now, 0
        elif self._counter < _COUNTER_LIMIT:
            self._counter += 1
        else:  # only after taking a hand-made version: move on one millisecond
            self._wall, self._counter = self._wall + 1, 0
        return format_version(self._wall, self._counter, self.laptop)
