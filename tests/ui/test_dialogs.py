"""The dialogs of Reflect and Listen and Set Goals have room for what people type and read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from navtool_desktop import paths
from navtool_desktop.framework import Pack
from navtool_desktop.ui.cycle_dialogs import (
    PARTICIPANT_MIN_WIDTH,
    NewCycleDialog,
    ParticipantDialog,
)
from navtool_desktop.ui.plan_dialogs import ActionDialog

GOAL_ID = "0b6f2b8e-3c1a-4e5b-9a7d-2f4c6e8a0b1c"


@pytest.fixture(params=["plain", "app style"])
def look(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """Each test runs with Qt's own look and with the app's stylesheet (its larger type)."""
    before = qapp.styleSheet()
    if request.param == "app style":
        qapp.setStyleSheet(paths.resource("style.qss").read_text(encoding="utf-8"))
    yield request.param
    qapp.setStyleSheet(before)


def test_new_cycle_dialog_shows_every_condition_name_whole(qtbot: QtBot, pack: Pack, look: str) -> None:
    dialog = NewCycleDialog(pack)
    qtbot.addWidget(dialog)
    assert dialog.minimumWidth() >= 520 and dialog.minimumHeight() >= 560
    assert dialog.title.minimumWidth() > dialog.title.fontMetrics().horizontalAdvance(
        dialog.title.placeholderText())
    view = dialog.conditions
    longest = max((view.item(n).text() for n in range(view.count())), key=len)
    assert longest == "Professional Development and Learning"
    # however small the dialog is made, the list stays wider than its widest row (even with a
    # vertical scroll bar) and tall enough for every condition: no sideways scrolling
    frame = 2 * view.frameWidth()
    scroll_bar = view.style().pixelMetric(view.style().PixelMetric.PM_ScrollBarExtent)
    assert view.minimumWidth() - frame - scroll_bar >= view.sizeHintForColumn(0)
    rows = sum(view.sizeHintForRow(n) for n in range(view.count()))
    assert view.minimumHeight() - frame >= rows
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.some_conditions.setChecked(True)
    assert view.viewport().width() >= view.sizeHintForColumn(0)
    assert view.horizontalScrollBar().maximum() == 0
    assert not view.horizontalScrollBar().isVisible()
    assert view.viewport().rect().contains(view.visualItemRect(view.item(view.count() - 1)))
    assert dialog.all_conditions.text() == "All 12 conditions"


def test_participant_dialog_shows_its_placeholder_whole(qtbot: QtBot, look: str) -> None:
    dialog = ParticipantDialog()
    qtbot.addWidget(dialog)
    assert dialog.minimumWidth() >= PARTICIPANT_MIN_WIDTH >= 440
    code = dialog.code
    assert code.placeholderText() == "For example: L-07 (instead of a name)"
    placeholder = code.fontMetrics().horizontalAdvance(code.placeholderText())
    assert code.minimumWidth() >= placeholder + 16  # the text and the field's own margins
    assert dialog.name.minimumWidth() >= dialog.name.fontMetrics().averageCharWidth() * 30
    dialog.show()
    qtbot.waitExposed(dialog)
    assert code.cursorRect().left() + placeholder < code.width()


def test_action_dialog_has_room_for_a_sentence(qtbot: QtBot, look: str) -> None:
    dialog = ActionDialog(["Ana Peña"], goal_id=GOAL_ID)
    qtbot.addWidget(dialog)
    assert dialog.minimumWidth() >= 600
    what = dialog.description
    assert what.minimumWidth() >= what.fontMetrics().averageCharWidth() * 60
    dialog.show()
    qtbot.waitExposed(dialog)
    sentence = "Run a learning walk in every school with the principals"
    qtbot.keyClicks(what, sentence)
    assert what.width() >= what.fontMetrics().horizontalAdvance(sentence) + 16
    # the dates keep their own size; the text fields take the width
    assert dialog.start.width() < what.width() / 2
    assert dialog.resources.width() >= what.width() - 2
    action = dialog.action()
    assert action is not None and action.description == sentence


def test_new_cycle_sets_its_privacy_threshold_never_below_three(qtbot: QtBot, pack: Pack) -> None:
    dialog = NewCycleDialog(pack)
    qtbot.addWidget(dialog)
    assert dialog.threshold.value() == 3 and dialog.threshold.minimum() == 3
    assert "at least 3 people in it rated" in dialog.threshold_note.text()
    assert "recorded change" in dialog.threshold_note.text()
    dialog.threshold.setValue(2)
    assert dialog.threshold.value() == 3
    dialog.title.setText("Spring retreat")
    dialog.threshold.setValue(5)
    assert "at least 5 people" in dialog.threshold_note.text()
    cycle = dialog.cycle()
    assert (cycle.threshold, cycle.threshold_changes) == (5, ())
