"""Slow jobs run on a worker thread; results and errors come back on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

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
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))

    def job(progress):  # type: ignore[no-untyped-def]
        raise OSError("The USB stick was removed.")

    op = run_job(parent, "Exporting", job)
    with qtbot.waitSignal(op.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], OSError)
    assert shown == ["The USB stick was removed."]
