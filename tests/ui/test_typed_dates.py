"""Every date field takes a typed date, at a quick typist's speed (review 2026-12-01, finding 6;
issue 16 item 3): ISO (2028-06-30), its digits alone and the local short format (6/30/2028 in
English, 30/6/2028 in Spanish), with the calendar as a helper. A text that is no date is
refused with a message, and the field keeps the date it had."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from test_fits_screen import build_district

from navtool_desktop import i18n
from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui.cycle_dialogs import NewCycleDialog
from navtool_desktop.ui.editors import DateField, date_edit, parse_date
from navtool_desktop.ui.plan_dialogs import ActionDialog, ProgressNotes
from navtool_desktop.ui.plan_screen import PlanScreen
from navtool_desktop.ui.signing_dialogs import PlanSignersDialog

DELAY = 30  # ms between keys, as a quick typist types
ISO = "2028-06-30"


def type_into(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Into the field, Ctrl+A (as Tab in selects the text), type at typing speed, Tab out."""
    field.window().activateWindow()
    field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(field, text, delay=DELAY)
    else:
        qtbot.keyClick(field, Qt.Key.Key_Delete)  # the selected date goes
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    QApplication.processEvents()


@pytest.fixture
def plan_screen(qtbot: QtBot, pack: Pack, repo: Repository) -> Iterator[tuple[PlanScreen, DistrictStore]]:
    store, _cycle = build_district(repo, pack)
    shown = PlanScreen(pack, store)
    qtbot.addWidget(shown)
    shown.resize(1300, 760)
    shown.show()
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow)
    yield shown, store


def saved_plan(screen: PlanScreen, store: DistrictStore) -> object:
    assert screen.plan is not None
    return store.get_plan(screen.plan.id)


@pytest.mark.parametrize("typed", [ISO, "20280630", "6/30/2028"])
def test_every_date_on_set_goals_stores_what_was_typed(
        qtbot: QtBot, plan_screen: tuple[PlanScreen, DistrictStore], typed: str) -> None:
    screen, store = plan_screen
    # the goal's "by" date
    screen.tabs.setCurrentIndex(1)
    screen.goal_list.setCurrentIndex(screen.goal_model.index(2))
    goal_id = screen.goal.id
    type_into(qtbot, screen.target_date, typed)
    assert screen.flush()
    assert next(g for g in store.goals() if g.id == goal_id).target_date == ISO
    # the plan period (its end, then its start) and the board meeting
    type_into(qtbot, screen.period_end, typed)
    assert saved_plan(screen, store).period_end == ISO  # type: ignore[attr-defined]
    type_into(qtbot, screen.period_start, typed)
    assert saved_plan(screen, store).period_start == ISO  # type: ignore[attr-defined]
    type_into(qtbot, screen.meeting_date, typed)
    assert screen.flush()
    assert saved_plan(screen, store).meeting_date == ISO  # type: ignore[attr-defined]


def test_a_typed_text_that_is_no_date_is_refused_with_a_message_and_the_old_date_stays(
        qtbot: QtBot, plan_screen: tuple[PlanScreen, DistrictStore]) -> None:
    screen, store = plan_screen
    screen.tabs.setCurrentIndex(1)
    screen.goal_list.setCurrentIndex(screen.goal_model.index(2))
    goal_id = screen.goal.id
    before = next(g for g in store.goals() if g.id == goal_id).target_date
    refused: list[str] = []
    screen.target_date.refused.connect(refused.append)
    for bad in ("2028-13-45", "30/6/2028", "next june", "2300-01-01", ""):
        type_into(qtbot, screen.target_date, bad)
        assert refused, bad
        message = refused.pop()
        assert "2028-06-30" in message and "Traceback" not in message
        assert screen.target_date.edit.text() == before  # the field shows the old date again
        assert screen.target_date.date().toString("yyyy-MM-dd") == before
        assert screen.flush()
        assert next(g for g in store.goals() if g.id == goal_id).target_date == before
    assert "is not a date" in screen.target_date.problem or "needed" in screen.target_date.problem


@pytest.mark.parametrize("typed", [ISO, "6/30/28"])
def test_the_dialogs_dates_take_what_was_typed(qtbot: QtBot, pack: Pack, typed: str) -> None:
    action = ActionDialog(["Rosa"], goal_id="0b6f2b8e-3c1a-4e5b-9a7d-2f4c6e8a0b1c")
    qtbot.addWidget(action)
    action.show()
    qtbot.keyClicks(action.description, "Family forum")
    type_into(qtbot, action.due, "2028-07-31")
    type_into(qtbot, action.start, typed)
    made = action.action()
    assert made is not None and (made.start, made.due) == (ISO, "2028-07-31")

    cycle = NewCycleDialog(pack)
    qtbot.addWidget(cycle)
    cycle.show()
    qtbot.keyClicks(cycle.title, "Spring retreat")
    type_into(qtbot, cycle.date, typed)
    assert cycle.cycle().date == ISO

    signers = PlanSignersDialog([("Superintendent", "Ana"), ("Board chair", "")], "")
    qtbot.addWidget(signers)
    signers.show()
    signers.has_meeting.setChecked(True)
    type_into(qtbot, signers.meeting, typed)
    request = signers.request()
    assert request is not None and request.meeting_date == ISO

    notes = ProgressNotes(today=lambda: date(2027, 1, 15))
    qtbot.addWidget(notes)
    notes.show()
    notes.action_id = "0b6f2b8e-3c1a-4e5b-9a7d-2f4c6e8a0b1c"
    for w in (notes.date, notes.text, notes.add_button):
        w.setEnabled(True)
    added: list[object] = []
    notes.added.connect(added.append)
    type_into(qtbot, notes.date, typed)
    qtbot.keyClicks(notes.text, "Forum held", delay=0)
    qtbot.keyClick(notes.text, Qt.Key.Key_Return)
    assert [n.date for n in added] == [ISO]  # type: ignore[attr-defined]


def test_spanish_takes_the_day_first(qtbot: QtBot) -> None:
    i18n.set_language("es")
    field = date_edit("2027-01-15")
    qtbot.addWidget(field)
    field.show()
    type_into(qtbot, field, "30/6/2028")
    assert field.date() == QDate(2028, 6, 30)
    assert parse_date("6/30/2028") is None  # no month 30


def test_an_optional_date_can_be_emptied_and_a_required_one_cannot(qtbot: QtBot) -> None:
    form = QWidget()
    optional = date_edit("2027-01-15", optional=True)
    required = date_edit("2027-01-15")
    layout = QVBoxLayout(form)
    for widget in (optional, required, QLineEdit()):
        layout.addWidget(widget)
    qtbot.addWidget(form)
    form.show()
    for field in (optional, required):
        type_into(qtbot, field, "")
    assert optional.date() == optional.minimumDate() and optional.edit.text() == ""
    assert required.date() == QDate(2027, 1, 15) and "needed" in required.problem


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")  # a popup, offscreen
def test_the_calendar_helps_by_keyboard(qtbot: QtBot) -> None:
    field: DateField = date_edit("2028-06-01")
    qtbot.addWidget(field)
    field.show()
    changed: list[QDate] = []
    field.dateChanged.connect(changed.append)
    field.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate() == QDate(2028, 6, 1)
    for _ in range(4):  # four weeks on, with the arrow keys
        qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Down)
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert field.date() == QDate(2028, 6, 29) and changed == [QDate(2028, 6, 29)]
    assert field.edit.text() == "2028-06-29"


@pytest.mark.parametrize("make", [lambda: date_edit(), lambda: date_edit(optional=True)])
def test_the_years_stay_within_what_records_take(qtbot: QtBot, make: Callable[[], DateField]) -> None:
    field = make()
    qtbot.addWidget(field)
    field.setDate(QDate(9999, 12, 31))
    assert field.date() == QDate(2199, 12, 31)


def test_arrow_keys_move_the_date_a_day_and_page_keys_a_month(qtbot: QtBot) -> None:
    field = date_edit("2028-06-29")
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.date() == QDate(2028, 6, 30)
    qtbot.keyClick(field, Qt.Key.Key_PageUp)
    assert field.date() == QDate(2028, 7, 30) and field.edit.text() == "2028-07-30"
    field.edit.setText("2028-13-01")  # a text that is no date: refused, the arrow does nothing more
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert field.date() == QDate(2028, 7, 30) and field.problem
