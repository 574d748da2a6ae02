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
    # Goals and actions first on a draft: an approved plan no longer changes.
    for plan in demo.plans:
        store.save_plan(plan.replace(status="draft"))
    for goal in demo.goals:
        store.save_goal(goal)
    for action in demo.actions:
        store.save_action(action)
    for note in demo.notes:
        store.save_progress_note(note)
    for plan in demo.plans:
        if plan.status != "draft":
            store.save_plan(plan)
    if backup:
        store.backup()
    return store
