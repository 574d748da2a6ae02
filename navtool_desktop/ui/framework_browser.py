"""The framework browser: conditions and competencies, their pages, and search across all of it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.framework import Competency, Condition, Pack
from navtool_desktop.framework.search import ABOUT_PAGE, GLOSSARY_PAGE, Hit, query_pattern, search
from navtool_desktop.i18n import _
from navtool_desktop.ui.framework_models import (
    PRIORITY_MARK,
    FrameworkTreeModel,
    ItemIdRole,
    SearchResultsModel,
)
from navtool_desktop.ui.framework_pages import AboutPage, CompetencyPage, ConditionPage, GlossaryPage
from navtool_desktop.ui.widgets import rich_label


class FrameworkBrowser(QWidget):
    """Browse the pack. ``page_shown`` carries the id of the condition or competency shown."""

    page_shown = Signal(str)

    def __init__(self, pack: Pack, parent: Any = None) -> None:
        super().__init__(parent)
        self._pack = pack
        self.current_page_id = ""
        self.focused_item_id: str | None = None

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(_("Search all content (Ctrl+F)"))
        self.search_box.setAccessibleName(_("Search the framework"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._on_query)
        self.search_box.returnPressed.connect(self._open_first_hit)
        self.search_box.installEventFilter(self)

        self.tree_model = FrameworkTreeModel(pack, self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(_("Conditions and competencies"))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.expandAll()
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current)

        self.results_model = SearchResultsModel(self)
        self.results = QListView()
        self.results.setModel(self.results_model)
        self.results.setAccessibleName(_("Search results"))
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.results.activated.connect(self._open_hit_index)
        self.results.installEventFilter(self)
        self.no_results = QLabel(_("Nothing found. Try another word."))
        self.no_results.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_results.setWordWrap(True)

        self.left_stack = QStackedWidget()
        for w in (self.tree, self.results, self.no_results):
            self.left_stack.addWidget(w)
        legend = QLabel(_("{mark} Priority conditions: a district works on these first.").format(
            mark=PRIORITY_MARK))
        legend.setWordWrap(True)
        legend.setObjectName("legend")
        self.more_links = rich_label(
            f'<a href="{GLOSSARY_PAGE}">{_("Glossary")}</a> · '
            f'<a href="{ABOUT_PAGE}">{_("Levels, cycle, traits, resources and references")}</a>')
        self.more_links.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.more_links.setAccessibleName(_("More about the framework"))
        self.more_links.linkActivated.connect(self.show_item)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_box)
        left_layout.addWidget(self.left_stack, 1)
        left_layout.addWidget(self.more_links)
        left_layout.addWidget(legend)

        self.condition_page = ConditionPage(pack)
        self.condition_page.competency_chosen.connect(self.show_item)
        self.competency_page = CompetencyPage(pack)
        self.glossary_page = GlossaryPage(pack)
        self.about_page = AboutPage(pack)
        self.pages = QStackedWidget()
        for page in (self.condition_page, self.competency_page, self.glossary_page, self.about_page):
            self.pages.addWidget(page)
            page.link_chosen.connect(self.follow_link)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 760])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.focus_search)
        self.setFocusProxy(self.tree)
        self.tree.setCurrentIndex(self.tree_model.index(0, 0))

    # --- navigation ------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def follow_link(self, link: str) -> None:
        """A link on a page: a glossary term ("glossary:<id>") or a condition or competency id."""
        if link.startswith("glossary:"):
            self.show_item(GLOSSARY_PAGE, f"glossary.{link.split(':', 1)[1]}")
        elif link in self._pack.ids() or link in (GLOSSARY_PAGE, ABOUT_PAGE):
            self.show_item(link)

    def show_item(self, item_id: str, focus: str | None = None) -> None:
        """Show the page of a condition or competency id, optionally highlighting one item."""
        index = self.tree_model.index_of(item_id)
        if index.isValid():
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._render(item_id, focus)

    def _render(self, item_id: str, focus: str | None) -> None:
        pattern = query_pattern(self.search_box.text()) if focus else None
        if item_id == GLOSSARY_PAGE:
            self.glossary_page.show_glossary(pattern, focus)
            self.pages.setCurrentWidget(self.glossary_page)
            self.tree.clearSelection()
            self.current_page_id, self.focused_item_id = item_id, focus
            self.page_shown.emit(item_id)
            return
        if item_id == ABOUT_PAGE:
            self.about_page.show_about(pattern, focus)
            self.pages.setCurrentWidget(self.about_page)
            self.tree.clearSelection()
            self.current_page_id, self.focused_item_id = item_id, focus
            self.page_shown.emit(item_id)
            return
        target = self._pack.find(item_id)
        if isinstance(target, Condition):
            self.condition_page.show_condition(target, pattern, focus)
            self.pages.setCurrentWidget(self.condition_page)
        elif isinstance(target, Competency):
            self.competency_page.show_competency(target, pattern, focus)
            self.pages.setCurrentWidget(self.competency_page)
        self.current_page_id, self.focused_item_id = item_id, focus
        self.page_shown.emit(item_id)

    def _on_tree_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item_id = current.data(ItemIdRole)
        if item_id and item_id != self.current_page_id:
            self._render(item_id, None)

    # --- search ----------------------------------------------------------------------------

    def _on_query(self, text: str) -> None:
        if not text.strip():
            self.left_stack.setCurrentWidget(self.tree)
            self.results_model.set_hits([])
            return
        hits = search(self._pack, text)
        self.results_model.set_hits(hits)
        self.left_stack.setCurrentWidget(self.results if hits else self.no_results)
        if hits:
            self.results.setCurrentIndex(self.results_model.index(0, 0))

    def _open_first_hit(self) -> None:
        if self.results_model.rowCount():
            self._open_hit(self.results_model.hit(0))

    def _open_hit_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self._open_hit(self.results_model.hit(index.row()))

    def _open_hit(self, hit: Hit) -> None:
        self._render(hit.page_id, hit.item_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_box:
                if key == Qt.Key.Key_Down and self.results_model.rowCount():
                    # the first hit is already highlighted (Enter opens it): Down goes on to the next
                    next_row = min(1, self.results_model.rowCount() - 1)
                    self.results.setCurrentIndex(self.results_model.index(next_row, 0))
                    self.results.setFocus(Qt.FocusReason.TabFocusReason)
                    return True
                if key == Qt.Key.Key_Escape:
                    self.search_box.clear()
                    self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
            elif watched is self.results and key == Qt.Key.Key_Escape:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)
