"""The guards of tests/ui/conftest.py: a message box is recorded, never shown, never blocks."""

from __future__ import annotations

from navtool_desktop.ui import messages


def test_a_message_box_is_recorded_and_a_question_answered_no(dialogs: list[tuple[str, str]]) -> None:
    messages.warn(None, "Not saved", "The disk is full.")
    assert messages.ask(None, "Remove participant", "Remove \u201cAna\u201d?", default_yes=True) is False
    assert dialogs == [("Not saved", "The disk is full."), ("Remove participant", "Remove \u201cAna\u201d?")]
