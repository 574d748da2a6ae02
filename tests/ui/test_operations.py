"""Slow jobs run on a worker thread; results and errors come back on the GUI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from navtool_desktop.ui import messages
from navtool_desktop.ui.operations import run_job


def test_job_runs_off_the_gui_thread_and_reports_progress(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    gui_thread = threading.get_ident()
    seen: list[tuple[int, int, str]] = []

    def job(progress):  # type: ignore[no-untyped-def]
        for n in range(3):
            progress(n + 1, 3, f"step {n + 1}")
        return threading.get_ident()

    op = run_job(parent, "Testing", job, on_progress=lambda d, t, s: seen.append((d, t, s)))
    with qtbot.waitSignal(op.finished, timeout=5000) as blocker:
        pass
    assert blocker.args[0] != gui_thread
    assert not op.running
    assert seen == [(1, 3, "step 1"), (2, 3, "step 2"), (3, 3, "step 3")]


def test_a_failing_job_shows_its_message(qtbot: QtBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[str] = []
    monkeypatch.setattr(messages, "error", lambda _p, _t, text: shown.append(text))

    def job(progress):  # type: ignore[no-untyped-def]
        raise OSError("The USB stick was removed.")

    op = run_job(parent, "Exporting", job)
    with qtbot.waitSignal(op.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], OSError)
    assert shown == ["The USB stick was removed."]


def render_plan_with_a_bug(progress):  # type: ignore[no-untyped-def]
    return {}["culture.x"]


def test_a_bug_in_a_job_is_no_riddle_and_its_traceback_is_kept(qtbot: QtBot, monkeypatch,  # type: ignore[no-untyped-def]
                                                               data_dir) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "error", lambda _p, title, text: shown.append((title, text)))
    op = run_job(parent, "Exporting", render_plan_with_a_bug)
    with qtbot.waitSignal(op.failed, timeout=5000):
        pass
    [(title, text)] = shown
    assert title == "Something went wrong"
    assert text != "'culture.x'" and "Your saved work is safe" in text
    log = (data_dir / "logs" / "navtool.log").read_text(encoding="utf-8")
    assert "render_plan_with_a_bug" in log and "KeyError: 'culture.x'" in log


@pytest.mark.real_dialogs
def test_messages_show_user_text_literally(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[tuple[Qt.TextFormat, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.textFormat(), box.text()))
        box.done(0)

    QTimer.singleShot(0, read_and_close)
    messages.warn(None, "Not saved", "The cycle \u201c<b>Fall</b>\u201d & <img src=x> is closed")
    assert seen == [(Qt.TextFormat.PlainText, "The cycle \u201c<b>Fall</b>\u201d & <img src=x> is closed")]
