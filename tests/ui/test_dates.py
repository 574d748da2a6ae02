"""Dates that type right (review 2026-12-01, finding 6): typing 20280630 into a goal's "by"
field gave 2027-02-02 or 2028-05-20, depending on the typing speed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_fits_screen import build_district

from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui.plan_screen import PlanScreen


@pytest.fixture
def screen(qtbot: QtBot, pack: Pack, repo: Repository) -> Iterator[tuple[PlanScreen, DistrictStore]]:
    store, _cycle = build_district(repo, pack)
    shown = PlanScreen(pack, store)
    qtbot.addWidget(shown)
    shown.show()
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow)
    yield shown, store


@pytest.mark.parametrize("delay", [0, 80])  # ms between keys: instant, and a quick typist
def test_typing_a_goal_date_gives_that_date(screen: tuple[PlanScreen, DistrictStore], qtbot: QtBot,
                                            delay: int) -> None:
    plan_screen, store = screen
    plan_screen.tabs.setCurrentIndex(1)
    plan_screen.goal_list.setCurrentIndex(plan_screen.goal_model.index(2))
    goal_id = plan_screen.goal.id
    field = plan_screen.target_date
    field.setFocus(Qt.FocusReason.TabFocusReason)  # Tab into the field: the year is selected
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "20280630", delay=delay)
    assert field.date() == QDate(2028, 6, 30)
    qtbot.keyClick(field, Qt.Key.Key_Tab)  # on to the next field
    QApplication.processEvents()
    assert plan_screen.flush()
    saved = next(g for g in store.goals(plan_screen.plan.id) if g.id == goal_id)
    assert saved.target_date == "2028-06-30"


def test_a_save_while_the_date_is_typed_does_not_change_what_is_typed(
        screen: tuple[PlanScreen, DistrictStore], qtbot: QtBot) -> None:
    """The goal saves half a second after an edit; that save must not reset the date being typed
    (the reviewer had just edited the goal before tabbing into "by")."""
    plan_screen, store = screen
    plan_screen.tabs.setCurrentIndex(1)
    plan_screen.goal_list.setCurrentIndex(plan_screen.goal_model.index(2))
    goal_id = plan_screen.goal.id
    field = plan_screen.target_date
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(field.hasFocus)
    for chunk in ("2028", "06", "30"):
        qtbot.keyClicks(field, chunk)
        if plan_screen._timer.isActive():  # the save delay ends while the person is typing
            plan_screen._timer.stop()
            plan_screen.save_goal_now()
        QApplication.processEvents()
    assert field.date() == QDate(2028, 6, 30)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert plan_screen.flush()
    saved = next(g for g in store.goals(plan_screen.plan.id) if g.id == goal_id)
    assert saved.target_date == "2028-06-30"
