"""The pass-the-laptop PINs of one district, kept on this laptop only (``pins.json``).

A PIN guards a participant's return to their own ratings on this laptop. Only its hash
(:mod:`navtool_desktop.core.pins`) is written, with the times of recent wrong tries (so a
restart does not lift a lock-out) and the language the person rated in last. The file sits
beside ``district.json`` but is no part of the district's data: bundles, exports and backups
leave it out, so a PIN hash never travels (four digits are too few to survive a copy).
A missing or damaged file means "no PINs".
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from navtool_desktop.core.pins import (
    MAX_WRONG_PINS,
    check_pin,
    hash_pin,
    is_pin_hash,
    locked_for,
    needs_facilitator,
    recent_failures,
)
from navtool_desktop.i18n import LANGUAGES, _
from navtool_desktop.storage.atomic import atomic_write, read_bytes
from navtool_desktop.storage.errors import ReadOnlyStoreError, StoreError

PINS_FILE = "pins.json"
FORMAT = 1
#: The largest file read (bytes): a few hundred people's hashes take a few kilobytes.
MAX_BYTES = 4 * 1024 * 1024


class PinStore:
    """PINs by cycle and participant id, in ``<district folder>/pins.json``.

    ``clock`` gives seconds since the epoch (wall time, so a lock-out survives a restart).
    """

    def __init__(self, folder: Path, *, read_only: bool = False,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(folder) / PINS_FILE
        self.read_only = read_only
        self._clock = clock

    # --- the file ---------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        try:
            if self.path.stat().st_size > MAX_BYTES:
                return {}
            data = json.loads(read_bytes(self.path).decode("utf-8"))  # not blocking on a named pipe
        except (OSError, StoreError, ValueError, RecursionError):  # (UnicodeDecodeError is a ValueError)
            return {}
        cycles = data.get("cycles") if isinstance(data, dict) else None
        return cycles if isinstance(cycles, dict) else {}

    def _entry(self, cycle_id: str, participant_id: str) -> dict[str, Any]:
        people = self._read().get(cycle_id)
        entry = people.get(participant_id) if isinstance(people, dict) else None
        return entry if isinstance(entry, dict) else {}

    def _change(self, cycle_id: str, participant_id: str, change: Callable[[dict[str, Any]], None]) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(_("This data is open read-only; the change was not saved."))
        cycles = self._read()
        people = cycles.get(cycle_id)
        if not isinstance(people, dict):
            people = cycles[cycle_id] = {}
        entry = people.get(participant_id)
        if not isinstance(entry, dict):
            entry = people[participant_id] = {}
        change(entry)
        if not entry:
            del people[participant_id]
        if not people:
            del cycles[cycle_id]
        raw = json.dumps({"format": FORMAT, "cycles": cycles}, indent=1, ensure_ascii=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, raw.encode("utf-8"))

    def _failures(self, entry: dict[str, Any]) -> list[float]:
        found = entry.get("failures")
        if not isinstance(found, list):
            return []
        times = []
        for t in found:  # a planted file: a 400-digit integer, NaN or infinity is no time
            if isinstance(t, int | float) and not isinstance(t, bool):
                try:
                    value = float(t)
                except OverflowError:
                    continue
                if math.isfinite(value):
                    times.append(value)
        return times

    # --- PINs -------------------------------------------------------------------------

    def has_pin(self, cycle_id: str, participant_id: str) -> bool:
        return is_pin_hash(self._entry(cycle_id, participant_id).get("pin"))

    def pinned(self, cycle_id: str) -> set[str]:
        """The participants of a cycle who set a PIN (the file read once, for a whole list)."""
        people = self._read().get(cycle_id)
        if not isinstance(people, dict):
            return set()
        return {pid for pid, entry in people.items() if isinstance(entry, dict) and is_pin_hash(entry.get("pin"))}

    def set_pin(self, cycle_id: str, participant_id: str, pin: str) -> None:
        """Keep ``pin`` (four digits) for this person; ValueError if it is not four digits."""
        digest = hash_pin(pin)

        def change(entry: dict[str, Any]) -> None:
            entry["pin"] = digest
            entry.pop("failures", None)
            entry.pop("wrong", None)

        self._change(cycle_id, participant_id, change)

    def locked_for(self, cycle_id: str, participant_id: str) -> float:
        """Seconds this person must wait before trying a PIN again (0: not locked).

        Wrong tries dated ahead of the clock (it was turned back) are dated now from here on,
        so the lock-out ends one period after the change was seen, not a day later.
        """
        failures, now = self._failures(self._entry(cycle_id, participant_id)), self._clock()
        if any(t > now for t in failures) and not self.read_only:
            kept = recent_failures(failures, now)

            def change(entry: dict[str, Any]) -> None:
                entry["failures"] = kept

            with contextlib.suppress(StoreError):
                self._change(cycle_id, participant_id, change)
            failures = kept
        return locked_for(failures, now)

    def needs_facilitator(self, cycle_id: str, participant_id: str) -> bool:
        """Whether so many wrong PINs were typed since the last right one that only the
        facilitator can open this name again (by clearing its PIN; see core/pins.py)."""
        return needs_facilitator(self._wrong(self._entry(cycle_id, participant_id)))

    @staticmethod
    def _wrong(entry: dict[str, Any]) -> int:
        found = entry.get("wrong")
        return min(found, MAX_WRONG_PINS) if type(found) is int and found > 0 else 0

    def wrong_tries(self, cycle_id: str, participant_id: str) -> int:
        """Wrong PINs that still count toward a lock-out."""
        return len(recent_failures(self._failures(self._entry(cycle_id, participant_id)), self._clock()))

    def check(self, cycle_id: str, participant_id: str, pin: str) -> bool:
        """The right PIN (a wrong one counts toward a lock-out; a right one clears the count).

        A locked name is refused whatever is typed: ask :meth:`locked_for` first to say why.
        """
        if self.locked_for(cycle_id, participant_id):  # (which also re-dates tries after a clock change)
            return False
        entry = self._entry(cycle_id, participant_id)
        wrong = self._wrong(entry)
        if needs_facilitator(wrong):
            return False
        good = check_pin(pin, entry.get("pin", ""))
        now = self._clock()
        failures = recent_failures(self._failures(entry), now)
        if good and not failures and not wrong:
            return True

        def change(stored: dict[str, Any]) -> None:
            if good:
                stored.pop("failures", None)
                stored.pop("wrong", None)
            else:
                stored["failures"] = [*failures, now]
                stored["wrong"] = wrong + 1

        self._change(cycle_id, participant_id, change)
        return good

    def clear(self, cycle_id: str, participant_id: str) -> None:
        """Forget this person's PIN and wrong tries (the facilitator, for a forgotten PIN)."""
        def change(entry: dict[str, Any]) -> None:
            entry.pop("pin", None)
            entry.pop("failures", None)
            entry.pop("wrong", None)

        self._change(cycle_id, participant_id, change)

    # --- the language of their turn ----------------------------------------------------

    def language(self, cycle_id: str, participant_id: str) -> str | None:
        found = self._entry(cycle_id, participant_id).get("language")
        return found if found in LANGUAGES else None

    def set_language(self, cycle_id: str, participant_id: str, language: str) -> None:
        if language not in LANGUAGES or language == self.language(cycle_id, participant_id):
            return

        def change(entry: dict[str, Any]) -> None:
            entry["language"] = language

        self._change(cycle_id, participant_id, change)
