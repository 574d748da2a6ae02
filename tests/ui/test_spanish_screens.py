"""The whole app in Spanish: every screen opened, no string the catalog translates left in
English, and no screen wider than 1280 px."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from navtool_desktop import i18n
from navtool_desktop.framework import Pack
from navtool_desktop.storage import DistrictStore, Repository

REPO = Path(__file__).resolve().parents[2]
#: Room a laptop's window manager takes (tests/ui/test_fits_screen.py).
DECORATION = 48


def english_msgids() -> set[str]:
    """Every English string the Spanish catalog translates to something else."""
    spec = importlib.util.spec_from_file_location("i18n_tool", REPO / "tools" / "i18n.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = tool
    spec.loader.exec_module(tool)
    entries = tool.read_po(tool.po_path("es"))
    return {e.msgid.replace("&", "") for e in entries
            if e.msgid and e.msgstr and e.msgstr != e.msgid and "{" not in e.msgid and len(e.msgid) > 2}


def shown_texts(root: QWidget) -> set[str]:
    """The words a person can see or hear (accessible names) in ``root`` and its children."""
    out: set[str] = set()
    for widget in [root, *root.findChildren(QWidget)]:
        out.update((widget.toolTip(), widget.accessibleName(), widget.windowTitle()))
        if isinstance(widget, (QLabel, QAbstractButton)):
            out.add(widget.text())
        if isinstance(widget, QLineEdit):
            out.add(widget.placeholderText())
        if isinstance(widget, QTextEdit):
            out.add(widget.placeholderText())
        if isinstance(widget, QGroupBox):
            out.add(widget.title())
        if isinstance(widget, QComboBox):
            out.update(widget.itemText(n) for n in range(widget.count()))
        if isinstance(widget, QTabWidget):
            out.update(widget.tabText(n) for n in range(widget.count()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            top = QModelIndex()
            columns = model.columnCount(top) if hasattr(widget, "horizontalHeader") else 1
            out.update(str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns))
            for row in range(min(model.rowCount(top), 50)):
                out.update(str(model.index(row, c, top).data() or "") for c in range(columns))
        for action in QWidget.actions(widget):
            out.add(action.text())
    return {t.replace("&", "").strip() for t in out if t}


def demo_store(repo: Repository, pack: Pack) -> DistrictStore:
    from navtool_desktop.core.demo import generate
    from navtool_desktop.storage.demo import save_demo

    return save_demo(repo, generate(pack, years=1), backup=False)


def test_every_screen_in_spanish_has_no_catalog_english_and_fits_1280_across(
        qtbot: QtBot, pack: Pack, repo: Repository) -> None:
    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.ui.main_window import LazyScreen, MainWindow

    i18n.set_language("es")
    spanish = load_localized(pack, "es")
    store = demo_store(repo, spanish)
    window = MainWindow(spanish, store)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    # What the district typed (the demo's team roles "Superintendent", "Board chair") stays as
    # written: it is data, not the app's words.
    english = english_msgids() - {member.role for member in store.profile.team}
    found: dict[str, str] = {}
    for index in range(window.nav.count()):
        window.show_screen(index)
        QApplication.processEvents()
        page = window.screens.widget(index)
        if isinstance(page, LazyScreen):
            page.screen()
        for text in shown_texts(page):
            if text in english:
                found[text] = window.nav.item(index).text()
        # Spanish runs about 25% longer: no screen may need more than 1280 px across. (Its
        # height is language-blind; Set Goals needs 742 px in English too: not checked here.)
        assert window.minimumSizeHint().width() <= 1280, window.nav.item(index).text()
    for text in shown_texts(window.menuBar()):
        if text in english:
            found[text] = "menu"
    assert found == {}, found


def test_the_rating_screen_in_spanish_fits_1280_across_on_every_competency(
        qtbot: QtBot, pack: Pack, repo: Repository) -> None:
    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.ui.main_window import MainWindow

    i18n.set_language("es")
    spanish = load_localized(pack, "es")
    window = MainWindow(spanish, demo_store(repo, spanish))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.show_screen(2)
    cycles = window.cycles
    assert cycles is not None
    cycles.start_rating()
    panel = cycles.rating_panel
    assert panel is not None
    widest = 0
    for row in range(panel.list.count()):
        panel.go_to(row)
        QApplication.processEvents()
        widest = max(widest, window.minimumSizeHint().width())
    assert widest <= 1280


def page_lines(root: QWidget) -> set[str]:
    """Each line of the rich text (framework pages, help) shown under ``root``."""
    return {" ".join(line.replace("&", "").split()) for edit in root.findChildren(QTextEdit)
            for line in edit.toPlainText().splitlines() if line.strip()}


@pytest.fixture
def qt_speaks_spanish() -> Iterator[None]:
    """Qt's own words (dialog buttons) in Spanish and the app's stylesheet (its type sizes), as
    the app installs them; English and no stylesheet after."""
    from navtool_desktop.ui.app import apply_style, install_qt_translation

    app = QApplication.instance()
    i18n.set_language("es")
    translator = install_qt_translation(app)
    assert translator is not None, "qtbase_es.qm not found in Qt's translations folder"
    before = app.styleSheet()
    apply_style(app)
    yield
    app.setStyleSheet(before)
    app.removeTranslator(translator)
    i18n.set_language("en")
    install_qt_translation(app)


@pytest.mark.usefixtures("qt_speaks_spanish")
def test_every_dialog_and_panel_in_spanish_has_no_catalog_english(
        qtbot: QtBot, pack: Pack, repo: Repository, monkeypatch: pytest.MonkeyPatch,
        dialogs: list[tuple[str, str]]) -> None:
    """The dialogs each screen opens, the rating and handover panels, a page of each kind in the
    framework browser and the keyboard help: nothing the catalog translates shows in English,
    and no dialog needs more room than a 1280x720 screen. A dialog is read when it would be
    shown, then closed (no one answers it)."""
    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.ui.main_window import MainWindow

    i18n.set_language("es")
    spanish = load_localized(pack, "es")
    store = demo_store(repo, spanish)
    window = MainWindow(spanish, store, repo=repo)
    qtbot.addWidget(window)
    window.show()
    # the catalog's English, and the words of Qt's own buttons (qtbase_es translates them)
    english = (english_msgids() - {member.role for member in store.profile.team}) | {
        "OK", "Cancel", "Close", "Save", "Yes", "No", "Apply", "Reset", "Help"}
    found: dict[str, str] = {}
    opened: list[str] = []

    def read(where: str, texts: set[str]) -> None:
        found.update((text, where) for text in texts if text in english)

    def shown_dialog(dialog: QDialog) -> int:
        opened.append(type(dialog).__name__)
        need = dialog.minimumSizeHint()
        if need.width() > 1280 or need.height() > 720 - DECORATION:  # a school laptop's screen
            found[f"needs {need.width()}x{need.height()}"] = type(dialog).__name__
        read(type(dialog).__name__, shown_texts(dialog) | page_lines(dialog))
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(QDialog, "exec", shown_dialog)

    window.edit_preferences()
    window.show_shortcuts()
    window.choose_district()
    read("about", {" ".join(line.split()) for line in QTextDocumentFragment.fromHtml(window.about_text())
                   .toPlainText().splitlines()})
    browser = window.browser
    condition = spanish.conditions[0]
    for item_id in (condition.id, condition.competencies[0].id):
        browser.show_item(item_id)
        QApplication.processEvents()
        read(f"framework page {item_id}", page_lines(browser))
    window.show_screen(window.index_of(window.cycles))
    cycles = window.cycles
    assert cycles is not None
    cycles.participants.setCurrentRow(0)
    for step in (cycles.new_cycle, cycles.add_participant, cycles.edit_participant, cycles.remove_participant,
                 cycles.merge_participant, cycles.enter_tally, cycles.enter_sheet):
        step()
    results = window.results_screen
    assert results is not None
    results.change_threshold()
    plan = window.plan_screen
    assert plan is not None
    plan.tabs.setCurrentIndex(1)
    QApplication.processEvents()
    plan.new_action()
    export = window.export_screen
    assert export is not None
    window.show_screen(window.index_of(export))
    QApplication.processEvents()
    export.edit_signers()
    export.create_identity()
    cycles.start_rating()
    QApplication.processEvents()
    panel = cycles.rating_panel
    assert panel is not None
    read("rating", shown_texts(panel) | page_lines(panel))
    cycles.finish_rating()
    QApplication.processEvents()
    read("after rating (handover)", shown_texts(cycles) | page_lines(cycles))
    assert {"PreferencesDialog", "DistrictsDialog", "NewCycleDialog", "ParticipantDialog",
            "MergeParticipantDialog", "TallyDialog", "SheetTallyDialog", "ThresholdDialog", "ActionDialog",
            "PlanSignersDialog", "CreateIdentityDialog"} <= set(opened), opened
    assert dialogs  # removing a participant asks first
    for title, text in dialogs:  # message boxes (ui/conftest.py records them)
        read("message: " + title, {title, text})
    window._close_confirmed = True
    assert found == {}, found
