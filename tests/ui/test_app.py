"""What the user sees when an error reaches no screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from navtool_desktop.exchange.errors import BundleError
from navtool_desktop.signing.errors import SigningError
from navtool_desktop.storage.errors import StoreWriteError
from navtool_desktop.ui import messages
from navtool_desktop.ui.app import report_unexpected


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "error", lambda _p, title, text: seen.append((title, text)))
    return seen


def test_a_store_error_is_shown_as_is(qtbot: QtBot, shown: list[tuple[str, str]],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    exc = StoreWriteError("The disk is full, so your last change was not saved.")
    report_unexpected(parent, type(exc), exc, None)
    assert shown == [("Your data could not be read or saved",
                      "The disk is full, so your last change was not saved.")]
    assert not messages.log_path().exists()  # the app's own error is no fault: nothing logged


@pytest.mark.parametrize("exc", [SigningError("The passphrase is wrong.", "wrong_passphrase"),
                                 BundleError("This bundle is for another district.")])
def test_every_app_error_is_shown_as_is(qtbot: QtBot, shown: list[tuple[str, str]],
                                        exc: Exception) -> None:
    report_unexpected(None, type(exc), exc, None)
    assert shown == [("It did not work", str(exc))]


def test_any_other_error_is_explained_without_a_traceback(qtbot: QtBot, shown: list[tuple[str, str]],
                                                          data_dir: Path) -> None:
    try:
        raise KeyError("culture.nowhere")
    except KeyError as exc:
        report_unexpected(None, KeyError, exc, exc.__traceback__)
    title, text = shown[0]
    assert title == "Something went wrong"
    assert "Your saved work is safe" in text and "KeyError: 'culture.nowhere'" in text
    assert "Traceback" not in text
    log = data_dir / "logs" / "navtool.log"
    assert str(log) in text
    kept = log.read_text(encoding="utf-8")
    assert "Traceback" in kept and "test_any_other_error_is_explained" in kept


def test_the_log_keeps_one_older_file_and_no_more(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(messages, "LOG_LIMIT", 100)
    for n in range(3):
        try:
            raise RuntimeError(f"fault {n}")
        except RuntimeError as exc:
            assert messages.log_fault(exc) == data_dir / "logs" / "navtool.log"
    logs = sorted(p.name for p in (data_dir / "logs").iterdir())
    assert logs == ["navtool.log", "navtool.log.1"]
    assert "fault 2" in (data_dir / "logs" / "navtool.log").read_text(encoding="utf-8")
    assert "fault 1" in (data_dir / "logs" / "navtool.log.1").read_text(encoding="utf-8")
    assert "fault 2" in capsys.readouterr().err
