"""Every test in tests/ui needs a QApplication, and two guards run around each one.

- No unexpected modal dialog: ``messages._show`` (the one place a message box is shown) is
  replaced by a recorder, so a dialog can never block the run; a test that meets a dialog it
  did not ask for fails and names it. A test that expects dialogs replaces ``messages.warn``
  (``error``, ``ask``, ...) itself, or asks for the ``dialogs`` fixture and reads it; a test
  that needs the real box is marked ``real_dialogs``.
- No window left open: a top-level widget a test shows and leaves visible fails it (napari's
  dangling-widget check, ``src/napari/conftest.py``). ``qtbot.addWidget`` closes what it is given.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from navtool_desktop.ui import messages


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/ui/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.gui)


class Dialogs(list[tuple[str, str]]):
    """The message boxes a test met, as (title, text); ``expected`` says the test reads them."""

    expected = False


@pytest.fixture
def dialogs(_guard_dialogs: Dialogs) -> Dialogs:
    """Ask for this to meet message boxes on purpose: they are recorded here, not shown."""
    _guard_dialogs.expected = True
    return _guard_dialogs


@pytest.fixture(autouse=True)
def _guard_dialogs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Dialogs]:
    seen = Dialogs()
    if request.node.get_closest_marker("real_dialogs") is None:
        def record(_icon: QMessageBox.Icon, _parent: QWidget | None, title: str, text: str,
                   _buttons: messages.Button = messages.Button.Ok,
                   _default: messages.Button = messages.Button.NoButton) -> messages.Button:
            seen.append((title, text))
            return messages.Button.No  # a question not expected is answered "no" (the safe side)

        monkeypatch.setattr(messages, "_show", record)
    yield seen
    if seen and not seen.expected:
        pytest.fail(f"a dialog the test did not expect: {seen}", pytrace=False)


@pytest.fixture(autouse=True)
def _guard_windows(qapp: QApplication) -> Iterator[None]:
    before = {id(w) for w in QApplication.topLevelWidgets()}
    yield
    QApplication.processEvents()
    left = [w for w in QApplication.topLevelWidgets()
            if w.isVisible() and id(w) not in before and not isinstance(w, QMessageBox)]
    for widget in left:
        widget.close()
    if left:
        names = ", ".join(f"{type(w).__name__} {w.windowTitle()!r}" for w in left)
        pytest.fail(f"the test left top-level windows open: {names}", pytrace=False)
