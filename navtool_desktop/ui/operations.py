"""Run slow work (rendering, signing, reading bundles) off the GUI thread, with progress.

Jobs never touch the DistrictStore: read what they need from it before, save after.

The one way to do it in this app::

    run_job(parent, _("Exporting the plan"), job, on_done)

``job(progress)`` runs on a worker thread and must not touch widgets; it may call
``progress(done, total, text)``. ``on_done(result)`` runs on the GUI thread. An exception
from the job is shown by :func:`messages.show_error` (its message as is for the app's own
errors; "something went wrong" and a logged traceback for a bug) and passed to ``on_error``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from navtool_desktop.i18n import _
from navtool_desktop.ui import messages

Progress = Callable[[int, int, str], None]
Job = Callable[[Progress], Any]


class _Signals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(object)


class _Runner(QRunnable):
    def __init__(self, job: Job, signals: _Signals) -> None:
        super().__init__()
        self.job, self.signals = job, signals
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result = self.job(lambda done, total, text="": self.signals.progress.emit(done, total, text))
        except Exception as exc:  # reported on the GUI thread, never lost (its traceback goes along)
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class Operation(QObject):
    """One running job; ``finished`` carries the result, ``failed`` the exception."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QWidget | None, title: str, job: Job, *, show_errors: bool = True,
                 on_progress: Callable[[int, int, str], None] | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.show_errors = show_errors
        self.dialog = QProgressDialog(title, "", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setCancelButton(None)
        self.dialog.setMinimumDuration(400)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self._signals = _Signals()
        self._signals.progress.connect(self._on_progress)
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)
        if on_progress is not None:
            self._signals.progress.connect(on_progress)
        self.running = True
        QThreadPool.globalInstance().start(_Runner(job, self._signals))

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(done)
        if text:
            self.dialog.setLabelText(text)

    def _finish(self) -> None:
        self.running = False
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()

    def _on_done(self, result: object) -> None:
        self._finish()
        self.finished.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._finish()
        if self.show_errors:
            messages.show_error(self.parent() if isinstance(self.parent(), QWidget) else None, exc,
                                _("{title}: it did not work").format(title=self.title))
        self.failed.emit(exc)


def run_job(parent: QWidget | None, title: str, job: Job,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, *,
            show_errors: bool = True,
            on_progress: Callable[[int, int, str], None] | None = None) -> Operation:
    """Start ``job`` on a worker thread with a progress dialog; see the module docstring.

    ``on_progress(done, total, text)`` runs on the GUI thread for each progress report.
    """
    operation = Operation(parent, title, job, show_errors=show_errors, on_progress=on_progress)
    if on_done is not None:
        operation.finished.connect(on_done)
    if on_error is not None:
        operation.failed.connect(on_error)
    return operation
