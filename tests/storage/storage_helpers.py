"""Helpers shared by the storage tests (imported by name; conftest modules are not)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from navtool_desktop.core.records import Participant, Rating
from navtool_desktop.storage import DistrictStore, Repository


@dataclass
class Setup:
    repo: Repository
    store: DistrictStore
    cycle_id: str
    participants: list[Participant]
    competencies: list[str]

    def rating(self, n: int, level: str = "developing", note: str = "") -> Rating:
        """A rating of participant ``n % len`` on competency ``n // len % 30``."""
        person = self.participants[n % len(self.participants)]
        comp = self.competencies[n // len(self.participants) % len(self.competencies)]
        return Rating(participant_id=person.id, competency_id=comp, level=level, note=note)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (but the lock) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "navtool.lock"}
