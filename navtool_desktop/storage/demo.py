"""Save a generated demo district (:mod:`navtool_desktop.core.demo`) into a repository."""

from __future__ import annotations

from navtool_desktop.core.demo import DemoDistrict
from navtool_desktop.storage.repository import DistrictStore, Repository


def save_demo(repo: Repository, demo: DemoDistrict, *, backup: bool = True) -> DistrictStore:
    """Create the demo district: one write per cycle, then its plans; back it up."""
    store = repo.create_district(demo.district)
    for dc in demo.cycles:
        store.import_cycle(dc.cycle, dc.participants, dc.ratings, dc.responses, dc.consensus,
                           dc.tallies)
    for plan in demo.plans:
        store.save_plan(plan)
    for goal in demo.goals:
        store.save_goal(goal)
    for action in demo.actions:
        store.save_action(action)
    for note in demo.notes:
        store.save_progress_note(note)
    if backup:
        store.backup()
    return store
