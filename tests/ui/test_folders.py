"""File dialogs open where the last file of their kind went (the USB stick), also after a restart.

Trial (review 2026-12-01, finding 13): every dialog opened in /root or the app folder and never
remembered the USB folder just used.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from navtool_desktop import i18n
from navtool_desktop.core.records import Cycle, District
from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import Repository
from navtool_desktop.ui import preferences
from navtool_desktop.ui.exchange_screen import ExchangeScreen
from navtool_desktop.ui.export_screen import ExportScreen
from navtool_desktop.ui.signing_dialogs import P12_FILTER


class FakeDialogs:
    """Stands in for QFileDialog: records where each dialog opened, answers with ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[str] = []
        self.answer = ""
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._file)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", self._file)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", self._folder)

    def _file(self, _parent: object, _title: str, start: str, *_args: object, **_kw: object) -> tuple[str, str]:
        self.opened.append(start)
        return self.answer, ""

    def _folder(self, _parent: object, _title: str, start: str, *_args: object) -> str:
        self.opened.append(start)
        return self.answer


def test_each_kind_of_file_remembers_its_own_folder_across_a_restart(tmp_path: Path, data_dir: Path) -> None:
    usb, reports = tmp_path / "USB", tmp_path / "reports"
    usb.mkdir()
    reports.mkdir()
    assert preferences.last_folder("bundle") == Path.home()  # nothing chosen yet
    preferences.remember_folder("bundle", usb / "spring.navtool")
    preferences.remember_folder("pdf", reports / "plan.pdf")
    i18n.save_language("es")  # the language is kept beside the folders, and they beside it
    saved = json.loads((data_dir / i18n.PREFERENCES_FILE).read_text(encoding="utf-8"))
    assert saved["language"] == "es" and saved["folders"]["bundle"] == str(usb)
    # a restart reads the file again: nothing is kept in memory
    assert preferences.last_folder("bundle") == usb
    assert preferences.last_folder("pdf") == reports
    assert preferences.last_folder("table") == Path.home()
    assert preferences.start_path("bundle", "me.navtool") == str(usb / "me.navtool")
    # the stick is out: the home folder, not an error
    usb.rmdir()
    assert preferences.last_folder("bundle") == Path.home()
    with pytest.raises(ValueError):
        preferences.last_folder("anything")


def test_a_damaged_preferences_file_falls_back_to_home(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / i18n.PREFERENCES_FILE).write_text('{"folders": ["not", "a", "map"]', encoding="utf-8")
    assert preferences.last_folder("pdf") == Path.home()
    (data_dir / i18n.PREFERENCES_FILE).write_text('{"folders": {"pdf": "relative/x"}}', encoding="utf-8")
    assert preferences.last_folder("pdf") == Path.home()


def test_the_screens_open_their_dialogs_in_the_last_folder_of_the_kind(
        qtbot: QtBot, pack: Pack, repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = repo.create_district(District(name="Peñasco"))
    store.create_cycle(Cycle(title="Spring", date="2027-03-12", framework_id=pack.id,
                             framework_version=pack.version))
    dialogs = FakeDialogs(monkeypatch)
    usb, desk = tmp_path / "USB", tmp_path / "Desktop"
    usb.mkdir()
    desk.mkdir()
    exchange = ExchangeScreen(pack, store)
    export = ExportScreen(pack, store)
    qtbot.addWidget(exchange)
    qtbot.addWidget(export)

    dialogs.answer = str(usb / "spring.navtool")
    exchange.ask_save_path("Export", "spring.navtool", "*.navtool")
    dialogs.answer = str(desk / "plan.pdf")
    export.ask_save_path("Save the plan", "plan.pdf")
    dialogs.answer = ""  # cancelled dialogs change nothing
    exchange.ask_open_path()
    assert dialogs.opened[-1] == str(usb)  # the bundle went to the stick: importing starts there
    exchange.ask_folder()
    assert dialogs.opened[-1] == str(usb)
    export.ask_open_path("Check a signed PDF")
    assert dialogs.opened[-1] == str(desk)  # PDFs apart from bundles
    exchange.ask_save_path("Export to a spreadsheet", "spring-summary.xlsx", "*.xlsx")
    assert dialogs.opened[-1] == str(Path.home() / "spring-summary.xlsx")  # no table saved yet
    export.ask_open_path("Import a signing identity", P12_FILTER)
    assert dialogs.opened[-1] == str(Path.home())


def test_the_slips_and_support_plan_dialogs_use_the_pdf_folder(tmp_path: Path, data_dir: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The phone panel's slips and the network's support plan opened their save dialogs in the
    home folder and forgot where the PDF went (each with its own copy of the dialog)."""
    dialogs = FakeDialogs(monkeypatch)
    reports = tmp_path / "reports"
    reports.mkdir()
    preferences.remember_folder("pdf", reports / "plan.pdf")
    dialogs.answer = str(tmp_path / "stick" / "codes.pdf")
    assert preferences.ask_pdf_path(None, "Save", "personal codes.pdf") == tmp_path / "stick" / "codes.pdf"  # type: ignore[arg-type]
    assert dialogs.opened == [str(reports / "personal codes.pdf")]
    (tmp_path / "stick").mkdir()
    assert preferences.last_folder("pdf") == tmp_path / "stick"
    from navtool_desktop.ui.network_support import NetworkSupportPanel
    from navtool_desktop.ui.phone_panel import PhonePanel

    for panel in (PhonePanel, NetworkSupportPanel):
        dialogs.answer = ""
        assert panel.ask_save_path(None, "Save", "x.pdf") is None  # type: ignore[arg-type]
        assert dialogs.opened[-1] == str(tmp_path / "stick" / "x.pdf")
