"""The network window: import a folder of summaries, read the side-by-side view, open a district."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from navtool_desktop.framework import Pack
from navtool_desktop.network.demo import make_folder
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.ui.network_window import LEVEL_LETTERS, NetworkWindow, competency_codes


def shots(tmp_path: Path) -> Path:
    """Where the window's pictures go: ``tmp_path``, or ``NAVTOOL_SHOTS=docs/screenshots`` to keep them."""
    import os

    return Path(os.environ.get("NAVTOOL_SHOTS") or tmp_path)


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory, pack: Pack) -> Path:
    folder = tmp_path_factory.mktemp("usb")
    make_folder(folder, pack, districts=36, years=4)
    return folder


def test_importing_a_folder_fills_the_side_by_side_view(qtbot: QtBot, tmp_path: Path, pack: Pack,
                                                        summaries: Path, dialogs: list[tuple[str, str]]) -> None:
    window = NetworkWindow(tmp_path / "ws", pack)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 0
    window.import_folder(summaries)
    qtbot.waitUntil(lambda: window.model.rowCount() == 36, timeout=60_000)
    assert dialogs[-1][0] == "District summaries imported" and "36 added" in dialogs[-1][1]
    # the learning agenda and the support menu read the same districts once they are in
    assert [window.tabs.tabText(i) for i in range(4)] == ["Side &by side", "&District", "&Learning agenda",
                                                          "Su&pport"]
    assert window.support.districts.count() == 36
    # Every cell says what the workspace holds, as a letter (black and white) and to a screen reader.
    with Workspace(tmp_path / "ws2", pack) as ws:
        ws.import_folder(summaries)
        view = ws.side_by_side()
    codes = competency_codes(pack)
    model = window.model
    for row in range(model.rowCount()):
        did = model.district_id(row)
        for col, (comp_id, _code, name) in enumerate(codes, 3):
            shown = model.index(row, col).data()
            level = view.levels[did].get(comp_id)
            assert shown[0] == (LEVEL_LETTERS[level] if level else "\u2013")
            spoken = model.index(row, col).data(Qt.ItemDataRole.AccessibleTextRole)
            assert name in spoken
    # A year shows that year's cycles; a region filter shows its districts only.
    window.year.setCurrentIndex(window.year.findData(2024))
    assert {model.index(r, 1).data()[:4] for r in range(model.rowCount())} == {"2024"}
    window.filter.setCurrentIndex(window.filter.findData("North"))
    assert model.rowCount() == 9 and all("(North)" in model.index(r, 0).data() for r in range(9))
    window.year.setCurrentIndex(0)
    window.filter.setCurrentIndex(0)
    window.resize(1366, 740)
    window.grab().save(str(shots(tmp_path) / "network-side-by-side.png"))
    # Enter on a row opens the district's page with its history.
    window.table.setCurrentIndex(model.index(2, 0))
    window.table.activated.emit(model.index(2, 0))
    assert window.tabs.currentWidget() is window.page
    assert window.page.history.columnCount() == 4
    assert window.page.goals.rowCount() == 6
    window.grab().save(str(shots(tmp_path) / "network-district-page.png"))


def test_tags_and_releasing_a_pin_from_the_district_page(qtbot: QtBot, tmp_path: Path, pack: Pack, summaries: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with Workspace(tmp_path / "ws", pack) as ws:
        ws.import_paths(sorted(summaries.iterdir())[:3])
    window = NetworkWindow(tmp_path / "ws", pack)
    qtbot.addWidget(window)
    did = window.model.district_id(0)
    window.open_district(did)
    window.page.tags.setText("Cohort 2, rural")
    qtbot.mouseClick(window.page.save_tags, Qt.MouseButton.LeftButton)
    assert window.filter.findData("Cohort 2") < 0  # filters refresh on import; the view refreshes now
    window._fill_filters()
    window.filter.setCurrentIndex(window.filter.findData("Cohort 2"))
    assert window.model.rowCount() == 1
    monkeypatch.setattr(window.page, "confirm_release", lambda _name: False)
    window.page._release()
    assert did in {d.id for d in window.ws.districts()}
    monkeypatch.setattr(window.page, "confirm_release", lambda _name: True)
    window.page._release()
    assert did not in {d.id for d in window.ws.districts()}


def test_the_import_folder_is_remembered(qtbot: QtBot, tmp_path: Path, pack: Pack, monkeypatch: pytest.MonkeyPatch,
                                         dialogs: list[tuple[str, str]]) -> None:
    from PySide6.QtWidgets import QFileDialog

    stick = tmp_path / "usb stick"
    stick.mkdir()
    seen: list[str] = []

    def choose(_parent: object, _title: str, start: str) -> str:
        seen.append(start)
        return str(stick)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    window = NetworkWindow(tmp_path / "ws", pack)
    qtbot.addWidget(window)
    window.import_folder()
    window.import_folder()
    assert Path(seen[1]) == stick and Path(seen[0]) != stick
    assert dialogs[-1][0] == "Nothing to import"
