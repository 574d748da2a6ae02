"""The main window: a side bar of screens and the screen shown beside it."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop import __version__
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.ui.framework_browser import FrameworkBrowser
from navtool_desktop.ui.widgets import alt_key, rich_label, tab_leaves_tables
from navtool_desktop.vocabulary import provenance_name

if TYPE_CHECKING:  # each district screen is imported when it is first built (start-up stays quick)
    from navtool_desktop.core.records import District
    from navtool_desktop.storage.repository import DistrictStore, Repository
    from navtool_desktop.ui.consensus_screen import ConsensusScreen
    from navtool_desktop.ui.cycles_screen import CyclesScreen
    from navtool_desktop.ui.exchange_screen import ExchangeScreen
    from navtool_desktop.ui.export_screen import ExportScreen
    from navtool_desktop.ui.improve_screen import ImproveScreen
    from navtool_desktop.ui.plan_screen import PlanScreen
    from navtool_desktop.ui.results_screen import ResultsScreen
    from navtool_desktop.ui.vision_screen import VisionScreen


class LazyScreen(QWidget):
    """Holds a screen's place in the window and builds the screen the first time it shows."""

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None,
                 purpose: str = "") -> None:
        super().__init__(parent)
        self._build = build
        self.built: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        #: The purpose of the cycle phase this screen serves (from the framework), if any.
        self.purpose = rich_label(purpose, object_name="phasePurpose")
        self.purpose.setVisible(bool(purpose))
        layout.addWidget(self.purpose)
        #: The screen scrolls when it needs more room than the window has, so that no screen
        #: makes the window grow past a small laptop's screen (1280x720, 1366x768).
        self.scroll = QScrollArea()
        self.scroll.setObjectName("screenScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.scroll, 1)

    def screen(self) -> QWidget:
        if self.built is None:
            self.built = self._build()
            tab_leaves_tables(self.built)
            self.scroll.setWidget(self.built)
            self.setFocusProxy(self.built)
        return self.built

    def showEvent(self, event: Any) -> None:
        self.screen()
        super().showEvent(event)


class MainWindow(QMainWindow):
    """Holds the screens. Later screens join with :meth:`add_screen`; none is a placeholder."""

    shown = Signal()

    #: The person chose another district (File > Districts…): its id.
    district_chosen = Signal(str)

    def __init__(self, pack: Pack, store: DistrictStore | None = None, parent: Any = None, *,
                 repo: Repository | None = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.store = store
        self.repo = repo
        #: Set by :meth:`confirm_close` for the close that follows it (a district switch asks first).
        self._close_confirmed = False
        self.setWindowTitle(_("Navigation Tool Desktop"))
        # 1280x800, or less on a smaller screen (many school laptops are 1366x768)
        available = self.screen().availableGeometry()
        self.resize(min(1280, int(available.width() * 0.96)), min(800, int(available.height() * 0.92)))

        self._screen_actions: list[QAction] = []
        self.nav = QListWidget()
        self.nav.setObjectName("screenNav")
        self.nav.setAccessibleName(_("Screens"))
        self.nav.setMaximumWidth(260)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.screens = QStackedWidget()
        self.nav.currentRowChanged.connect(self.screens.setCurrentIndex)
        self.nav.currentRowChanged.connect(lambda _row: self.fit_to_screen())
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.screens)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([170, 1110])
        #: Says why nothing can be saved, when the district is open read-only.
        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setAccessibleName(_("Read-only"))
        self.read_only_banner.setVisible(store is not None and store.read_only)
        if store is not None and store.read_only:
            reason = store.repo.read_only_reason
            self.read_only_banner.setText(
                _("Open read-only: changes cannot be saved.")
                + (" " + reason if reason else ""))
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.read_only_banner)
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.browser = FrameworkBrowser(pack)
        self.add_screen(_("Framework"), self.browser)
        #: Screens of a district, built the first time each is shown (start-up stays quick).
        self._screens: dict[str, LazyScreen] = {}
        if store is not None:
            self._add_lazy("vision", _("Shared Vision"), self._build_vision, phase="shared-vision")
            self._add_lazy("cycles", _("Reflect and Listen"), self._build_cycles, phase="reflect-and-listen")
            self._add_lazy("consensus", _("Consensus"), self._build_consensus)
            self._add_lazy("results", _("Results"), self._build_results)
            self._add_lazy("plan", _("Set Goals"), self._build_plan, phase="set-goals")
            self._add_lazy("improve", _("Learn and Improve"), self._build_improve, phase="learn-and-improve")
            self._add_lazy("export", _("Export and Sign"), self._build_export)
            self._add_lazy("exchange", _("Exchange"), self._build_exchange)
            self._profile_saved(store.profile)
        self._build_menus()
        self.statusBar().showMessage(
            _("{title} {version}: {conditions} conditions, {competencies} competencies").format(
                title=pack.short_title, version=pack.version,
                conditions=len(pack.conditions), competencies=len(pack.competencies)))

    # --- screens of a district -------------------------------------------------------------

    def _add_lazy(self, key: str, title: str, build: Callable[[], QWidget], phase: str = "") -> None:
        found = next((p for p in self.pack.phases if p.id == phase), None)
        purpose = ""
        if found is not None:
            purpose = (f"<b>{html.escape(_('Purpose of this phase:'))}</b> {html.escape(found.purpose)}"
                       f" <span style='color:#555;'>[{html.escape(provenance_name('source'))}]</span>")
        self._screens[key] = LazyScreen(build, purpose=purpose)
        self.add_screen(title, self._screens[key])

    def _built(self, key: str) -> Any:
        """A district screen if it has been built (never builds it); None otherwise."""
        host = self._screens.get(key)
        return host.built if host is not None else None

    def _screen(self, key: str) -> Any:
        host = self._screens.get(key)
        return host.screen() if host is not None else None

    def _saved_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 3000)

    def _build_vision(self) -> VisionScreen:
        from navtool_desktop.ui.vision_screen import VisionScreen

        assert self.store is not None
        screen = VisionScreen(self.store)
        screen.save_failed.connect(self._show_error)
        screen.saved.connect(self._profile_saved)
        return screen

    def _build_cycles(self) -> CyclesScreen:
        from navtool_desktop.ui.cycles_screen import CyclesScreen

        assert self.store is not None
        screen = CyclesScreen(self.pack, self.store)
        screen.private_rating.connect(self._private_rating)
        screen.error.connect(self._show_error)
        screen.saved.connect(lambda: self._saved_message(_("Saved")))
        return screen

    def _build_consensus(self) -> ConsensusScreen:
        from navtool_desktop.ui.consensus_screen import ConsensusScreen

        assert self.store is not None
        screen = ConsensusScreen(self.pack, self.store)
        screen.error.connect(self._show_error)
        screen.saved.connect(lambda _c: self._saved_message(_("Consensus saved")))
        screen.presentation_changed.connect(self._presenting)
        return screen

    def _build_results(self) -> ResultsScreen:
        from navtool_desktop.ui.results_screen import ResultsScreen

        assert self.store is not None
        return ResultsScreen(self.pack, self.store)

    def _build_plan(self) -> PlanScreen:
        from navtool_desktop.ui.plan_screen import PlanScreen

        assert self.store is not None
        screen = PlanScreen(self.pack, self.store)
        screen.error.connect(self._show_error)
        screen.saved.connect(lambda: self._saved_message(_("Saved")))
        return screen

    def _build_improve(self) -> ImproveScreen:
        from navtool_desktop.ui.improve_screen import ImproveScreen

        assert self.store is not None
        screen = ImproveScreen(self.pack, self.store)
        screen.error.connect(self._show_error)
        screen.saved.connect(lambda: self._saved_message(_("Saved")))
        return screen

    def _build_export(self) -> ExportScreen:
        from navtool_desktop.ui.export_screen import ExportScreen

        assert self.store is not None
        screen = ExportScreen(self.pack, self.store)
        screen.saved.connect(
            lambda path: self.statusBar().showMessage(_("Saved to {file}").format(file=path), 10000))
        return screen

    def _build_exchange(self) -> ExchangeScreen:
        from navtool_desktop.ui.exchange_screen import ExchangeScreen

        assert self.store is not None
        screen = ExchangeScreen(self.pack, self.store)
        screen.imported.connect(lambda _s: self.statusBar().showMessage(_("Import finished"), 5000))
        screen.imported.connect(self._district_changed)
        return screen

    def _district_changed(self, *_args: object) -> None:
        """An import changed the district: show it again in the screens already built.

        The other screens read the store again each time they are shown.
        """
        assert self.store is not None
        self._profile_saved(self.store.profile)
        vision, cycles = self._built("vision"), self._built("cycles")
        if vision is not None:
            vision.reload()
        if cycles is not None and cycles.rating_panel is None:
            cycles.reload()

    @property
    def vision(self) -> VisionScreen | None:
        return self._screen("vision")

    @property
    def cycles(self) -> CyclesScreen | None:
        return self._screen("cycles")

    @property
    def consensus(self) -> ConsensusScreen | None:
        return self._screen("consensus")

    @property
    def results_screen(self) -> ResultsScreen | None:
        return self._screen("results")

    @property
    def plan_screen(self) -> PlanScreen | None:
        return self._screen("plan")

    @property
    def improve(self) -> ImproveScreen | None:
        return self._screen("improve")

    @property
    def export_screen(self) -> ExportScreen | None:
        return self._screen("export")

    @property
    def exchange(self) -> ExchangeScreen | None:
        return self._screen("exchange")

    def _profile_saved(self, district: District) -> None:
        """The district's name leads the title (which district is open, on the task bar too)."""
        suffix = _(" (read-only)") if self.store is not None and self.store.read_only else ""
        name = " ".join("".join(ch if ch.isprintable() else " " for ch in district.name).split())
        if len(name) > 80:
            name = name[:79] + "\u2026"
        title = (_("{district} · Navigation Tool Desktop").format(district=name) if name
                 else _("Navigation Tool Desktop"))
        self.setWindowTitle(title + suffix)

    def _private_rating(self, on: bool) -> None:
        """While one person rates, no other screen (with everyone's votes) can be opened."""
        self.nav.setEnabled(not on)
        for action in (*self._screen_actions, *self._facilitator_actions):
            action.setEnabled(not on)

    def _presenting(self, on: bool) -> None:
        """A screen presents full screen: only that screen shows."""
        for bar in (self.nav, self.menuBar(), self.statusBar()):
            bar.setVisible(not on)

    def _show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def built_screens(self) -> list[QWidget]:
        """Every screen built so far (a screen never shown holds no edits)."""
        return [host.built for host in self._screens.values() if host.built is not None]

    def confirm_close(self) -> bool:
        """Save what every screen still holds (``ui/saving.flush_all``); True when the window may
        go: everything is saved, or the person agreed to lose what could not be."""
        from navtool_desktop.ui import messages
        from navtool_desktop.ui.saving import flush_all

        lost = flush_all(self.built_screens())
        if lost and not messages.ask(
                self, _("Close without saving?"),
                _("These changes are not saved and would be lost:\n\n{changes}\n\nClose anyway?")
                .format(changes="\n".join(f"• {text}" for text in lost))):
            return False
        self._close_confirmed = True
        return True

    def closeEvent(self, event: Any) -> None:
        """Nothing typed goes without a word: see :meth:`confirm_close`."""
        confirmed, self._close_confirmed = self._close_confirmed, False
        if not confirmed and not self.confirm_close():
            event.ignore()
            return
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
            self._screen_actions.append(action)
            item.setToolTip(_("{title} (Ctrl+{number})").format(title=title, number=number))
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        return index

    def index_of(self, screen: QWidget) -> int:
        """The side-bar index of a screen (built or still waiting to be built)."""
        for index in range(self.screens.count()):
            held = self.screens.widget(index)
            if held is screen or (isinstance(held, LazyScreen) and held.built is screen):
                return index
        return -1

    def fit_to_screen(self) -> None:
        """Never larger than the screen's available area (a screen scrolls instead)."""
        if self.isFullScreen() or self.isMaximized():
            return
        available = self.screen().availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()
        width = min(self.width(), available.width() - frame.width())
        height = min(self.height(), available.height() - frame.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)

    def show_screen(self, index: int) -> None:
        self.nav.setCurrentRow(index)
        self.screens.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        #: Facilitator's actions a participant's turn must not reach (another district's results).
        self._facilitator_actions: list[QAction] = []
        if self.repo is not None:
            self.districts_action = districts = file_menu.addAction(_("&Districts…"))
            districts.setShortcut(QKeySequence("Ctrl+Shift+D"))
            districts.triggered.connect(self.choose_district)
            self._facilitator_actions.append(districts)
            file_menu.addSeparator()
        quit_action = file_menu.addAction(_("&Quit"))
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        edit_menu = self.menuBar().addMenu(_("&Edit"))
        self.find_action = find = edit_menu.addAction(_("&Find in framework…"))
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._find)
        preferences = edit_menu.addAction(_("&Preferences…"))
        preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        preferences.triggered.connect(self.edit_preferences)
        self._facilitator_actions.append(preferences)
        help_menu = self.menuBar().addMenu(_("&Help"))
        self.shortcuts_action = help_menu.addAction(_("&Keyboard shortcuts"))
        self.shortcuts_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.guide_action = help_menu.addAction(_("&Retreat guide"))
        self.guide_action.triggered.connect(self.show_guide)
        self.whats_new_action = help_menu.addAction(_("&What's new"))
        self.whats_new_action.triggered.connect(self.show_whats_new)
        help_menu.addSeparator()
        self.about_action = help_menu.addAction(_("&About Navigation Tool Desktop"))
        self.about_action.triggered.connect(self.show_about)
        self._focus_before_menu: QWidget | None = None
        for menu in (file_menu, edit_menu, help_menu):
            menu.aboutToShow.connect(self._menu_opening)
            menu.aboutToHide.connect(lambda: QTimer.singleShot(0, self._menu_closed))

    def _menu_opening(self) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and focus is not self.menuBar():
            self._focus_before_menu = focus

    def _menu_closed(self) -> None:
        """A menu closed with Escape gives the keys back to where they were (during rating the
        level keys work at once, not after a second Escape); the menu bar would keep them."""
        before, self._focus_before_menu = self._focus_before_menu, None
        if QApplication.activePopupWidget() is not None or not self.menuBar().hasFocus():
            return
        if before is not None and before.isVisible():
            before.setFocus(Qt.FocusReason.PopupFocusReason)

    def choose_district(self) -> None:
        from navtool_desktop.ui.districts import choose_district

        assert self.repo is not None
        chosen = choose_district(self.repo, self.pack, self.store.id if self.store else None, self)
        if chosen is not None:
            self.district_chosen.emit(chosen)

    def edit_preferences(self) -> None:
        from navtool_desktop.ui.preferences import edit_preferences

        edit_preferences(self)

    def _find(self) -> None:
        self.show_screen(self.index_of(self.browser))
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

    def shortcuts_text(self) -> str:
        """Every keyboard shortcut of the app, screen by screen (Help > Keyboard shortcuts, F1).

        The Alt keys are read from the words shown (Alt+F / Alt+E / Alt+H in English, Alt+A /
        Alt+E / Alt+Y in Spanish) and the shortcuts from the actions, so the list cannot drift
        from the app. Key names stay as printed on a US keyboard's keys (Ctrl, Shift, Tab).
        """
        from navtool_desktop.ui.cycles_screen import tally_button_texts

        screens = [self.nav.item(i).text() for i in range(min(self.nav.count(), 9))]
        menus = " / ".join(key for key in (alt_key(a.text()) for a in self.menuBar().actions()) if key)
        tallies = " / ".join(alt_key(text) for text in tally_button_texts())
        districts = getattr(self, "districts_action", None)
        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (_("Everywhere"), [
                *[(f"Ctrl+{n}", title) for n, title in enumerate(screens, start=1)],
                (menus, _("File, Edit and Help menus")),
                (_("Alt + underlined letter"), _("the button, tab or field with that letter")),
                (self.find_action.shortcut().toString(), _("find in the framework")),
                *([(districts.shortcut().toString(), _("choose another district"))] if districts else []),
                ("Tab / Shift+Tab", _("next / previous control; Tab leaves a table")),
                (_("arrow keys"), _("move inside a list or table")),
                ("Ctrl+Tab / Ctrl+PgDn", _("next tab, also from inside a table (Ctrl+Shift+Tab, "
                                           "Ctrl+PgUp: previous)")),
                (self.shortcuts_action.shortcut().toString(), _("this list")),
            ]),
            (_("Reflect and Listen: rating (pass the laptop)"), [
                ("1 2 3 4", _("choose a level (and move on)")),
                (_("0 or ?"), _("not sure")),
                (_("↑ ↓ or J K"), _("previous / next competency")),
                (_("← → and Space"), _("choose a practice, tick it as evidence")),
                ("N", _("write a note (Ctrl+Enter or Esc closes it)")),
                ("Q", _("guiding questions (Esc goes back)")),
                ("Alt+D", _("I'm done")),
                (alt_key(_("&Rate (pass the laptop)")), _("who is rating? Type a few letters of the name, ↑ ↓, Enter")),
                (_("Enter / Esc"), _("yes, that's me / not me (then the PIN, if any)")),
            ]),
            (_("Reflect and Listen: paper tallies"), [
                (tallies, _("one competency's grid / a whole sheet for one role group")),
                ("Tab", _("next count (an empty count is 0)")),
                ("Enter", _("next role group (grid) or next competency (sheet); on the last, Save")),
            ]),
            (_("Consensus"), [
                (_("↑ ↓ or J K"), _("previous / next competency (saves)")),
                ("1 2 3 4 / 0", _("the team's level / not sure")),
                ("R", _("write the rationale (Esc goes back)")),
                ("Ctrl+S", _("save")),
                ("PgUp / PgDn", _("scroll the votes and what people wrote")),
                ("F11", _("present full screen (there a level key saves at once); Esc leaves")),
            ]),
            (_("Set Goals and Learn and Improve"), [
                ("Ctrl+Up / Ctrl+Down", _("move a priority up or down")),
                ("Ctrl+Left / Ctrl+Right", _("move an action to the previous / next column")),
                ("Enter", _("add the progress note")),
                ("Alt+Down / F4", _("a date's calendar (or type the date: 2028-06-30)")),
            ]),
        ]
        parts = []
        for title, rows in groups:
            parts.append(f"<h4>{html.escape(title)}</h4><table cellspacing='2'>")
            parts.extend(f"<tr><td><b>{html.escape(keys)}</b></td><td>&nbsp;&nbsp;{html.escape(what)}</td></tr>"
                         for keys, what in rows)
            parts.append("</table>")
        return "".join(parts)

    def show_shortcuts(self) -> None:
        """The list in a scrolling window that fits the screen (a message box grew past 768 px)."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser

        dialog = QDialog(self)
        dialog.setWindowTitle(_("Keyboard shortcuts"))
        text = QTextBrowser()
        text.setHtml(self.shortcuts_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        room = self.screen().availableGeometry()
        dialog.resize(min(640, room.width() - 40), min(680, room.height() - 80))
        dialog.exec()

    def show_guide(self) -> None:
        from navtool_desktop.ui.guide import GuideDialog

        GuideDialog(self).exec()

    def show_whats_new(self) -> None:
        from navtool_desktop.ui.guide import WhatsNewDialog

        WhatsNewDialog(self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Navigation Tool Desktop"), self.about_text())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.shown.emit()
