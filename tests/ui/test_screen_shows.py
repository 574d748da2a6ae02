"""Showing a screen again reads what is cached: no results are computed, no cycle walked.

Issue 23 item 4 (every screen shows in under 200 ms after its first build with ten years of
history) is measured by ``bench/screens.py``; this test catches the cause of a slow show
without timing it: the results service's counters and the cycle reads a second show makes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from navtool_desktop.core.demo import generate
from navtool_desktop.core.records import Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage.demo import save_demo
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui.main_window import MainWindow


@pytest.fixture
def history(repo: Repository, pack: Pack) -> DistrictStore:
    """Two years of cycles and plans (the shape of the ten-year history, smaller)."""
    return save_demo(repo, generate(pack, years=2, participants=6, scoped_cycles=False),
                     backup=False)


def counting(store: DistrictStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read of a cycle's data (its ratings), by cycle id."""
    reads: list[str] = []
    original: Callable[..., Any] = store.cycle

    def cycle(cycle_id: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(cycle_id)
        return original(cycle_id, *args, **kwargs)

    monkeypatch.setattr(store, "cycle", cycle)
    return reads


def show_all(window: MainWindow, qtbot: QtBot) -> None:
    """Each screen in turn, as chosen in the side bar (built the first time)."""
    for index in range(window.nav.count()):
        window.show_screen(index)
        for _round in range(3):  # the show events, layout and paint, as the benchmark
            QApplication.processEvents()


def test_a_second_show_of_every_screen_computes_no_results(
    qtbot: QtBot, pack: Pack, history: DistrictStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    cycles = len(history.cycles())
    assert cycles >= 6
    window = MainWindow(pack, history)
    qtbot.addWidget(window)
    window.show()
    show_all(window, qtbot)  # the first build: every cycle's results, once
    service = history.results
    assert service.computed + service.from_disk >= cycles
    before = (service.computed, service.from_disk)
    reads = counting(history, monkeypatch)
    show_all(window, qtbot)
    show_all(window, qtbot)
    assert (service.computed, service.from_disk) == before
    # no screen walks the history's ratings on a show (one screen may read its own cycle)
    assert len(set(reads)) <= 1, reads


def test_after_a_save_only_the_changed_cycle_is_computed_again(
    qtbot: QtBot, pack: Pack, history: DistrictStore
) -> None:
    window = MainWindow(pack, history)
    qtbot.addWidget(window)
    window.show()
    show_all(window, qtbot)
    newest = history.cycles()[-1]
    data = history.cycle(newest.id)
    rating = next(iter(data.ratings.values()))
    level = "refining" if rating.level != "refining" else "developing"
    history.save_rating(newest.id, Rating(participant_id=rating.participant_id,
                                          competency_id=rating.competency_id, level=level))
    service = history.results
    before = service.computed
    show_all(window, qtbot)
    show_all(window, qtbot)
    assert service.computed - before <= 2  # the newest cycle (with and without a threshold)
