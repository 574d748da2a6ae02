"""Helpers shared by the storage tests (imported by name; conftest modules are not)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def disk_cycle(district_folder: Path, cycle_id: str) -> dict[str, dict[str, dict[str, Any]]]:
    """A cycle's tables as stock TinyDB reads them from disk: the cycle file and, for a cycle
    kept in parts, each listed participant's file of ratings (``cycles/<cycle>/<person>.json``)."""
    from tinydb import TinyDB

    head = district_folder / "cycles" / f"{cycle_id}.json"
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    with TinyDB(head) as db:
        for name in db.tables():
            tables[name] = {str(d.doc_id): dict(d) for d in db.table(name)}
    if tables["meta"]["1"].get("split"):
        assert not tables.get("ratings"), "a cycle kept in parts has its ratings in the parts"
        tables["ratings"] = {}
        for person in tables["participants"].values():
            with TinyDB(head.with_suffix("") / f"{person['id']}.json") as db:
                for doc in db.table("ratings"):
                    assert str(doc.doc_id) not in tables["ratings"]
                    tables["ratings"][str(doc.doc_id)] = dict(doc)
    return tables
