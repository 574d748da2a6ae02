"""A cycle's anonymity threshold: its own (default 3, never below), changed only by a recorded change."""

from __future__ import annotations

import pytest
from storage_helpers import Setup

from navtool_desktop.core.records import Cycle, RecordError
from navtool_desktop.storage import Repository
from navtool_desktop.storage.errors import InvalidChangeError


def test_a_new_cycle_has_threshold_three_and_an_old_file_without_it_loads(setup: Setup) -> None:
    cycle = setup.store.get_cycle(setup.cycle_id)
    assert (cycle.threshold, cycle.threshold_changes) == (3, ())
    plain = cycle.to_dict()
    del plain["threshold"], plain["threshold_changes"]  # a file written before the field existed
    assert Cycle.from_dict(plain).threshold == 3


def test_a_threshold_below_three_is_refused(setup: Setup) -> None:
    cycle = setup.store.get_cycle(setup.cycle_id)
    with pytest.raises(RecordError, match="threshold must be at least 3"):
        cycle.replace(threshold=2)
    with pytest.raises(RecordError, match="new must be at least 3"):
        cycle.with_threshold(2, by="Ana")


def test_a_recorded_change_is_kept_with_who_when_and_what_it_reveals(setup: Setup, repo: Repository) -> None:
    cycle = setup.store.get_cycle(setup.cycle_id)
    changed = cycle.with_threshold(5, by="Ana Peña", at="2026-03-02T10:00:00.000Z",
                                   reveals="Role groups of 3 or 4 people are now hidden.")
    setup.store.save_cycle(changed)
    back = setup.store.get_cycle(setup.cycle_id)
    assert back.threshold == 5
    [record] = back.threshold_changes
    assert (record.by, record.at, record.old, record.new, record.reveals) == (
        "Ana Peña", "2026-03-02T10:00:00.000Z", 3, 5, "Role groups of 3 or 4 people are now hidden.")
    lowered = back.with_threshold(3, by="Ben", reveals="Groups of 3 or 4 people are shown again.")
    setup.store.save_cycle(lowered)
    assert [(c.old, c.new, c.by) for c in setup.store.get_cycle(setup.cycle_id).threshold_changes] == [
        (3, 5, "Ana Peña"), (5, 3, "Ben")]


def test_a_silent_change_or_a_rewritten_history_is_refused(setup: Setup) -> None:
    cycle = setup.store.get_cycle(setup.cycle_id)
    with pytest.raises(InvalidChangeError, match="only through a recorded change"):
        setup.store.save_cycle(cycle.replace(threshold=4))
    setup.store.save_cycle(cycle.with_threshold(4, by="Ana"))
    current = setup.store.get_cycle(setup.cycle_id)
    with pytest.raises(InvalidChangeError, match="cannot be altered"):
        setup.store.save_cycle(current.replace(threshold_changes=()))
    # other edits keep the threshold and its record
    setup.store.save_cycle(current.replace(title="Fall 2025 (retreat)"))
    assert setup.store.get_cycle(setup.cycle_id).threshold == 4
