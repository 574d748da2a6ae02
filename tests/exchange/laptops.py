"""Two or three "laptops" for merge tests: each its own data folder and its own fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from navtool_desktop.core.records import Cycle, District
from navtool_desktop.exchange import export_bundle, import_paths
from navtool_desktop.exchange.merge import ImportSummary
from navtool_desktop.framework import Pack
from navtool_desktop.storage import DistrictStore, Repository


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Laptop:
    """A data folder whose clock shows ``time`` until a test moves it (no sleeping)."""

    def __init__(self, folder: Path, name: str, time: datetime, pack: Pack) -> None:
        self.name = name
        self.time = time
        self.pack = pack
        self.repo = Repository(folder, clock=lambda: self.time)
        self.repo.set_laptop_name(name)
        self.district_id = ""

    def tick(self, **delta: float) -> None:
        self.time += timedelta(**delta)

    @property
    def store(self) -> DistrictStore:
        return self.repo.open_district(self.district_id, auto_backup=False)

    def start(self, name: str = "Peña Valley Schools") -> str:
        """A new district with one open cycle; returns the cycle id."""
        self.district_id = self.repo.create_district(District(name=name)).id
        cycle = self.store.create_cycle(Cycle(title="Fall retreat", date="2026-11-30",
                                              framework_id=self.pack.id,
                                              framework_version=self.pack.version))
        return cycle.cycle.id

    def export(self, out: Path, kind: str = "district", **ids: str) -> Path:
        """A bundle with everyone's answers, as between a retreat's own laptops."""
        return export_bundle(self.store, self.pack, kind, out, answers=True, unprotected_ok=True, **ids)

    def receive(self, *paths: Path) -> ImportSummary:
        summary = import_paths(self.repo, self.pack, list(paths))
        if not self.district_id and summary.imported:
            self.district_id = self.repo.last_district_id() or ""
        return summary

    def close(self) -> None:
        self.repo.close()


def state(store: DistrictStore) -> dict[str, object]:
    """Everything a district holds, as plain data (to compare two laptops)."""
    out: dict[str, object] = {
        "profile": store.profile.to_dict(),
        "cycles": sorted((c.to_dict() for c in store.cycles()), key=lambda d: d["id"]),
        "plans": sorted((r.to_dict() for r in store.plans()), key=lambda d: d["id"]),
        "goals": sorted((r.to_dict() for r in store.goals()), key=lambda d: d["id"]),
        "actions": sorted((r.to_dict() for r in store.actions()), key=lambda d: d["id"]),
        "notes": sorted((r.to_dict() for r in store.progress_notes()), key=lambda d: d["id"]),
        "tombstones": sorted((t.to_dict() for t in store.tombstones()), key=lambda d: d["id"]),
    }
    for cycle in store.cycles():
        data = store.cycle(cycle.id)
        for name in ("participants", "ratings", "responses", "tallies", "tombstones"):
            out[f"{cycle.id} {name}"] = sorted(
                (r.to_dict() for r in getattr(data, name).values()), key=lambda d: d["id"])
        out[f"{cycle.id} consensus"] = sorted(
            (r.to_dict() for r in data.consensus.values()), key=lambda d: d["id"])
    return out
