"""The main window: a side bar of screens and the screen shown beside it."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from navtool_desktop import __version__
from navtool_desktop.core.records import District
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui.consensus_screen import ConsensusScreen
from navtool_desktop.ui.cycles_screen import CyclesScreen
from navtool_desktop.ui.exchange_screen import ExchangeScreen
from navtool_desktop.ui.export_screen import ExportScreen
from navtool_desktop.ui.framework_browser import FrameworkBrowser
from navtool_desktop.ui.improve_screen import ImproveScreen
from navtool_desktop.ui.plan_screen import PlanScreen
from navtool_desktop.ui.results_screen import ResultsScreen
from navtool_desktop.ui.vision_screen import VisionScreen


class MainWindow(QMainWindow):
    """Holds the screens. Later screens join with :meth:`add_screen`; none is a placeholder."""

    shown = Signal()

    def __init__(self, pack: Pack, store: DistrictStore | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.store = store
        self.setWindowTitle(_("Navigation Tool Desktop"))
        self.resize(1280, 800)

        self.nav = QListWidget()
        self.nav.setObjectName("screenNav")
        self.nav.setAccessibleName(_("Screens"))
        self.nav.setMaximumWidth(260)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.screens = QStackedWidget()
        self.nav.currentRowChanged.connect(self.screens.setCurrentIndex)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.screens)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([170, 1110])
        self.setCentralWidget(splitter)

        self.browser = FrameworkBrowser(pack)
        self.add_screen(_("Framework"), self.browser)
        self.vision: VisionScreen | None = None
        self.cycles: CyclesScreen | None = None
        self.consensus: ConsensusScreen | None = None
        self.results_screen: ResultsScreen | None = None
        self.plan_screen: PlanScreen | None = None
        self.improve: ImproveScreen | None = None
        self.exchange: ExchangeScreen | None = None
        self.export_screen: ExportScreen | None = None
        if store is not None:
            self.vision = VisionScreen(store)
            self.vision.save_failed.connect(self._show_error)
            self.vision.saved.connect(self._profile_saved)
            self.add_screen(_("Shared Vision"), self.vision)
            self.cycles = CyclesScreen(pack, store)
            self.cycles.error.connect(self._show_error)
            self.cycles.saved.connect(lambda: self.statusBar().showMessage(_("Saved"), 3000))
            self.add_screen(_("Reflect and Listen"), self.cycles)
            self.consensus = ConsensusScreen(pack, store)
            self.consensus.error.connect(self._show_error)
            self.consensus.saved.connect(lambda _c: self.statusBar().showMessage(_("Consensus saved"), 3000))
            self.consensus.presentation_changed.connect(self._presenting)
            self.add_screen(_("Consensus"), self.consensus)
            self.results_screen = ResultsScreen(pack, store)
            self.add_screen(_("Results"), self.results_screen)
            self.plan_screen = PlanScreen(pack, store)
            self.plan_screen.error.connect(self._show_error)
            self.plan_screen.saved.connect(lambda: self.statusBar().showMessage(_("Saved"), 3000))
            self.add_screen(_("Set Goals"), self.plan_screen)
            self.improve = ImproveScreen(pack, store)
            self.improve.error.connect(self._show_error)
            self.improve.saved.connect(lambda: self.statusBar().showMessage(_("Saved"), 3000))
            self.add_screen(_("Learn and Improve"), self.improve)
            self.export_screen = ExportScreen(pack, store)
            self.export_screen.saved.connect(
                lambda path: self.statusBar().showMessage(_("Saved to {file}").format(file=path), 10000))
            self.add_screen(_("Export and Sign"), self.export_screen)
            self.exchange = ExchangeScreen(pack, store)
            self.exchange.imported.connect(
                lambda _s: self.statusBar().showMessage(_("Import finished"), 5000))
            self.add_screen(_("Exchange"), self.exchange)
            self._profile_saved(store.profile)
        self._build_menus()
        self.statusBar().showMessage(
            _("{title} {version}: {conditions} conditions, {competencies} competencies").format(
                title=pack.short_title, version=pack.version,
                conditions=len(pack.conditions), competencies=len(pack.competencies)))

    def _profile_saved(self, district: District) -> None:
        suffix = _(" (read-only)") if self.store is not None and self.store.read_only else ""
        self.setWindowTitle(_("{district} · Navigation Tool Desktop").format(district=district.name)
                            + suffix)

    def _presenting(self, on: bool) -> None:
        """A screen presents full screen: only that screen shows."""
        for bar in (self.nav, self.menuBar(), self.statusBar()):
            bar.setVisible(not on)

    def _show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def closeEvent(self, event: Any) -> None:
        """Save what is still waiting (a profile being typed) before the window goes."""
        if self.vision is not None and self.vision.pending():
            self.vision.save_now()
        if self.cycles is not None and self.cycles.rating_panel is not None:
            self.cycles.finish_rating()
        if self.consensus is not None:
            self.consensus.save()
        if self.plan_screen is not None and self.plan_screen.pending():
            self.plan_screen.save_goal_now()
        super().closeEvent(event)

    def add_screen(self, title: str, widget: QWidget) -> int:
        """Add a screen; Ctrl+<its number> shows it."""
        item = QListWidgetItem(title)
        self.nav.addItem(item)
        # wide enough for the longest screen name, in whatever font and language
        self.nav.setMinimumWidth(min(260, self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 28))
        index = self.screens.addWidget(widget)
        number = self.nav.count()
        if number <= 9:
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda: self.show_screen(index))
            self.addAction(action)
            item.setToolTip(_("{title} (Ctrl+{number})").format(title=title, number=number))
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        return index

    def show_screen(self, index: int) -> None:
        self.nav.setCurrentRow(index)
        self.screens.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        quit_action = file_menu.addAction(_("&Quit"))
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        edit_menu = self.menuBar().addMenu(_("&Edit"))
        find = edit_menu.addAction(_("&Find in framework…"))
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._find)
        help_menu = self.menuBar().addMenu(_("&Help"))
        self.about_action = help_menu.addAction(_("&About Navigation Tool Desktop"))
        self.about_action.triggered.connect(self.show_about)

    def _find(self) -> None:
        self.show_screen(self.screens.indexOf(self.browser))
        self.browser.focus_search()

    def about_text(self) -> str:
        pack = self.pack
        return "".join([
            f"<h3>{html.escape(_('Navigation Tool Desktop'))} {html.escape(__version__)}</h3>",
            "<p>", html.escape(_("An offline companion for district teams: assess the conditions "
                                 "for personalized, competency-based learning, set goals and "
                                 "build a strategic action plan.")), "</p>",
            f"<p><b>{html.escape(_('Source'))}:</b> <i>{html.escape(pack.title)}</i>, ",
            f"{html.escape(pack.publisher)}, {pack.year}.</p>",
            f"<p>{html.escape(pack.credit)}</p>",
            "<p>", html.escape(_("This app never connects to the internet.")), "</p>",
        ])

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Navigation Tool Desktop"), self.about_text())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.shown.emit()
