"""The network workspace window: many districts side by side, and each district's page.

Opened from File > Districts… ("Open the network workspace…"). It reads and writes only the
workspace (:mod:`navtool_desktop.network.workspace`), never a district's store. Imports run on
a worker thread with their own connection (SQLite serialises the writers); the window reads
again when an import ends.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core.records import LEVELS
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.network.workspace import ImportReport, SideBySide, Workspace, WorkspaceError, summary_files
from navtool_desktop.ui import messages, preferences
from navtool_desktop.ui.charts import level_tint
from navtool_desktop.ui.operations import run_job
from navtool_desktop.ui.widgets import plain_label, tab_leaves_tables
from navtool_desktop.vocabulary import level_name

#: One letter per level, so the heat map reads in black and white and to a screen reader.
LEVEL_LETTERS = {"establishing": "E", "developing": "D", "operationalizing": "O", "refining": "R"}
_FIXED = 3  # district, cycle, goals reached
#: How long (seconds) a change made in the window waits while another import holds the workspace.
BUSY_TIMEOUT = 2.0


def competency_codes(pack: Pack) -> list[tuple[str, str, str]]:
    """(competency id, short code, full name) in pack order: "3b" is the 3rd condition's 2nd competency."""
    codes = []
    for n, condition in enumerate(pack.conditions, 1):
        for m, comp in enumerate(condition.competencies):
            codes.append((comp.id, f"{n}{chr(ord('a') + m)}", pack.competency_label(comp.id)))
    return codes


def change_text(steps: int | None) -> str:
    """One arrow for a level gained or lost, a double arrow for two, an arrow and a number beyond."""
    if not steps:
        return ""
    arrow = ("\u2191", "\u21c8") if steps > 0 else ("\u2193", "\u21ca")
    return arrow[abs(steps) - 1] if abs(steps) <= 2 else arrow[0] + str(abs(steps))


class SideBySideModel(QAbstractTableModel):
    """Districts (rows) x competencies (columns): the level as a letter on its tint, and its change."""

    def __init__(self, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = competency_codes(pack)
        self.view: SideBySide | None = None
        self.rows: list[Any] = []

    def set_view(self, view: SideBySide) -> None:
        self.beginResetModel()
        self.view = view
        self.rows = [d for d in view.districts if d.id in view.cycle]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else _FIXED + len(self.codes)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        fixed = (_("District"), _("Cycle"), _("Goals met"))
        if role == Qt.ItemDataRole.DisplayRole:
            return fixed[section] if section < _FIXED else self.codes[section - _FIXED][1]
        if role == Qt.ItemDataRole.ToolTipRole and section >= _FIXED:
            return self.codes[section - _FIXED][2]
        return None

    def district_id(self, row: int) -> str:
        return str(self.rows[row].id)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.view is None:
            return None
        district = self.rows[index.row()]
        col = index.column()
        view = self.view
        if col < _FIXED:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                if col == 0:
                    return district.name + (f" ({district.state})" if district.state else "")
                if col == 1:
                    return view.cycle[district.id][1]
                done, total = view.goals_reached.get(district.id, (0, 0))
                return _("{done} of {total}").format(done=done, total=total) if total else _("no plan")
            return None
        comp_id, _code, name = self.codes[col - _FIXED]
        level = view.levels.get(district.id, {}).get(comp_id)
        steps = view.change.get(district.id, {}).get(comp_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return (LEVEL_LETTERS[level] + change_text(steps)) if level else "\u2013"
        if role == Qt.ItemDataRole.BackgroundRole:
            return level_tint(level) if level else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            what = level_name(level) if level else _("no level")
            if steps:
                what += ", " + (_("up {n} since the cycle before") if steps > 0
                                else _("down {n} since the cycle before")).format(n=abs(steps))
            text = f"{district.name}, {name}: {what}"
            # Qt reads a tooltip that looks like HTML as HTML: the district's name is the district's text
            return text if role == Qt.ItemDataRole.AccessibleTextRole else f"<p>{html.escape(text)}</p>"
        return None


class DistrictPage(QWidget):
    """One district: who signs its summaries, its tags, its plan's goals and its history."""

    changed = Signal()

    def __init__(self, workspace: Workspace, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.pack = workspace, pack
        self.district_id: str | None = None
        self.names = {c.id: c.name for c in pack.competencies}
        self.title = plain_label(object_name="districtTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.root = plain_label()
        self.root.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tags = QLineEdit()
        self.tags.setAccessibleName(_("Tags"))
        self.tags.setPlaceholderText(_("e.g. North region, cohort 2 (separate with commas)"))
        self.save_tags = QPushButton(_("Save &tags"))
        self.save_tags.clicked.connect(self._save_tags)
        self.release = QPushButton(_("&Release the pinned root…"))
        self.release.clicked.connect(self._release)
        self.goals = QTableWidget(0, 4)
        self.goals.setHorizontalHeaderLabels([_("Competency"), _("Target"), _("By"), _("Latest level")])
        self.goals.setAccessibleName(_("The plan's goals"))
        self.goals.horizontalHeader().setStretchLastSection(True)
        self.history = QTableWidget(0, 0)
        self.history.setAccessibleName(_("Levels in each cycle"))
        for table in (self.goals, self.history):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tags, 1)
        tag_row.addWidget(self.save_tags)
        form = QFormLayout()
        form.addRow(_("Signed under:"), self.root)
        form.addRow(_("Tags:"), tag_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(plain_label(_("Goals of the plan in force, and whether the latest cycle reached them")))
        layout.addWidget(self.goals, 1)
        layout.addWidget(plain_label(_("Levels in each cycle (oldest first)")))
        layout.addWidget(self.history, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.release)
        layout.addLayout(buttons)
        self.show_district(None)

    def show_district(self, district_id: str | None) -> None:
        self.district_id = district_id
        row = next((d for d in self.ws.districts() if d.id == district_id), None)
        for widget in (self.tags, self.save_tags, self.release):
            widget.setEnabled(row is not None)
        if row is None:
            self.title.setText(_("Choose a district in \u201cSide by side\u201d (Enter or double-click)."))
            self.root.setText("")
            self.tags.clear()
            self.goals.setRowCount(0)
            self.history.setRowCount(0)
            self.history.setColumnCount(0)
            return
        self.title.setText(row.name + (f" ({row.state})" if row.state else ""))
        self.root.setText(_("root {fingerprint}; summary of {when}, signed by {signer}").format(
            fingerprint=row.root_fingerprint, when=row.made_at, signer=row.signer))
        self.tags.setText(", ".join(row.tags))
        history = self.ws.history(row.id)
        latest = {c["id"]: c["level"] for c in history[-1]["competencies"]} if history else {}
        plan = self.ws.plan(row.id)
        goals = plan["goals"] if plan else []
        self.goals.setRowCount(len(goals))
        for n, goal in enumerate(goals):
            now = latest.get(goal["competency_id"])
            reached = now in LEVELS and LEVELS.index(now) >= LEVELS.index(goal["target_level"])  # not "not sure"
            cells = (self.names.get(goal["competency_id"], goal["competency_id"]), level_name(goal["target_level"]),
                     goal["target_date"], (level_name(now) if now else _("no level"))
                     + ("  \u2713 " + _("reached") if reached else ""))
            for col, text in enumerate(cells):
                self.goals.setItem(n, col, QTableWidgetItem(text))
        self.history.setColumnCount(len(history))
        self.history.setHorizontalHeaderLabels([c["date"] for c in history])
        comps = [c for c in competency_codes(self.pack)]
        self.history.setRowCount(len(comps))
        self.history.setVerticalHeaderLabels([name for _id, _code, name in comps])
        for col, cycle in enumerate(history):
            levels = {c["id"]: c["level"] for c in cycle["competencies"]}
            for n, (comp_id, _code, _name) in enumerate(comps):
                level = levels.get(comp_id)
                item = QTableWidgetItem(level_name(level) if level else "\u2013")
                if level:
                    item.setBackground(level_tint(level))
                self.history.setItem(n, col, item)

    def _save_tags(self) -> None:
        if self.district_id is None:
            return
        try:
            self.ws.set_tags(self.district_id, self.tags.text().split(","))
        except WorkspaceError as exc:
            messages.warn(self, _("Tags not saved"), str(exc))
            return
        self.changed.emit()
        self.show_district(self.district_id)

    def confirm_release(self, name: str) -> bool:
        return messages.ask(self, _("Release the pinned root"), _(
            "Release the root pinned for \u201c{name}\u201d? Its summaries are removed from this workspace, "
            "and the next summary from it is trusted under whatever root signs it. Do this only after "
            "the district told you, by phone, the fingerprint of its new root.").format(name=name))

    def _release(self) -> None:
        if self.district_id is None or not self.confirm_release(self.title.text()):
            return
        try:
            self.ws.release_pin(self.district_id)
        except WorkspaceError as exc:
            messages.warn(self, _("The pin was not released"), str(exc))
            return
        self.changed.emit()
        self.show_district(None)


class NetworkWindow(QMainWindow):
    """The coach's or network's view of many districts (see the module docstring)."""

    def __init__(self, folder: Path, pack: Pack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder, self.pack = folder, pack
        self.ws = Workspace(folder, pack, busy_timeout=BUSY_TIMEOUT)  # WorkspaceError: the caller says why
        self.setWindowTitle(_("Network workspace · Navigation Tool Desktop"))
        self.import_button = QPushButton(_("&Import summaries from a folder…"))
        self.import_button.setToolTip(_("Every .navsummary file in a folder (a USB stick or saved e-mail "
                                        "attachments): each signature is checked first."))
        self.import_button.clicked.connect(self.import_folder)
        self.year = QComboBox()
        self.year.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year.setAccessibleName(_("Year"))
        self.year.currentIndexChanged.connect(self.refresh)
        self.filter = QComboBox()
        self.filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.filter.setAccessibleName(_("Region or tag"))
        self.filter.currentIndexChanged.connect(self.refresh)
        self.summary = plain_label()
        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addStretch(1)
        year_label = plain_label(_("&Year:"), wrap=False)
        year_label.setBuddy(self.year)
        filter_label = plain_label(_("&Show:"), wrap=False)
        filter_label.setBuddy(self.filter)
        for widget in (year_label, self.year, filter_label, self.filter):
            top.addWidget(widget)
        self.model = SideBySideModel(pack, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Districts side by side"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(10)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setDefaultSectionSize(self.fontMetrics().horizontalAdvance("O\u21c8") + 10)
        self.table.setColumnWidth(0, self.fontMetrics().horizontalAdvance("Cedar Falls Unified (North)") + 8)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.activated.connect(lambda index: self.open_district(self.model.district_id(index.row())))
        self.priorities = QListWidget()
        self.priorities.setAccessibleName(_("Competencies that several districts set goals on"))
        self.priorities.setFlow(QListWidget.Flow.LeftToRight)
        self.priorities.setWrapping(True)
        self.priorities.setSpacing(4)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(plain_label(_("Shared priorities: competencies several districts set goals on")))
        side_layout.addWidget(self.priorities)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 1)
        legend = plain_label(_("E Establishing, D Developing, O Operationalizing, R Refining; \u2191 or \u2193 "
                               "one level gained or lost (\u21c8 \u21ca two) since the district's cycle before; "
                               "\u2013 no level (hidden or not rated). Hover a column for the competency's name."))
        overview = QWidget()
        layout = QVBoxLayout(overview)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addWidget(legend)
        self.page = DistrictPage(self.ws, pack)
        self.page.changed.connect(self.refresh)
        from navtool_desktop.network.content import load_network_content
        from navtool_desktop.ui.network_agenda import NetworkAgendaPanel
        from navtool_desktop.ui.network_support import NetworkSupportPanel

        content = load_network_content(pack)  # read once, for both panels
        self.agenda = NetworkAgendaPanel(self.ws, pack, content)
        self.support = NetworkSupportPanel(self.ws, pack, content)
        self.tabs = QTabWidget()
        self.tabs.addTab(overview, _("Side &by side"))
        self.tabs.addTab(self.page, _("&District"))
        self.tabs.addTab(self.agenda, _("&Learning agenda"))
        self.tabs.addTab(self.support, _("Su&pport"))
        self.setCentralWidget(self.tabs)
        tab_leaves_tables(self)
        QShortcut(QKeySequence("Ctrl+W"), self, activated=self.close)
        self.resize(1300, 720)
        self._fill_filters()
        self.refresh()

    # --- reading ---------------------------------------------------------------------------

    def _fill_filters(self) -> None:
        year, tag = self.year.currentData(), self.filter.currentData()
        for box in (self.year, self.filter):
            box.blockSignals(True)
            box.clear()
        self.year.addItem(_("Latest cycle"), None)
        for y in reversed(self.ws.years()):
            self.year.addItem(str(y), y)
        self.filter.addItem(_("All districts"), None)
        districts = self.ws.districts()
        for value in sorted({d.state for d in districts if d.state} | {t for d in districts for t in d.tags}):
            self.filter.addItem(value, value)
        for box, value in ((self.year, year), (self.filter, tag)):
            found = box.findData(value)
            box.setCurrentIndex(max(found, 0))
            box.blockSignals(False)

    def refresh(self) -> None:
        year, tag = self.year.currentData(), self.filter.currentData()
        try:
            view = self.ws.side_by_side(year=year, tags=[tag] if tag else [])
        except WorkspaceError as exc:  # damaged since it opened (busy never: reading does not wait)
            self.summary.setText(str(exc))
            return
        self.model.set_view(view)
        names = {c.id: c.name for c in self.pack.competencies}
        self.priorities.clear()
        for comp_id, count in view.shared_priorities:
            self.priorities.addItem(_("{name}: {n} districts").format(name=names.get(comp_id, comp_id), n=count))
        total = len(self.ws.districts())
        self.summary.setText(_("{shown} of {total} districts have a cycle in this view.").format(
            shown=len(view.cycle), total=total) if total else
            _("No districts yet. Import the summaries districts sent you (Alt+I)."))

    def open_district(self, district_id: str) -> None:
        self.page.show_district(district_id)
        self.tabs.setCurrentWidget(self.page)

    # --- importing ---------------------------------------------------------------------------

    def ask_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self, _("Import summaries from a folder"),
                                                  preferences.start_path("summary"))
        if not folder:
            return None
        preferences.remember_folder("summary", folder)
        return Path(folder)

    def import_folder(self, folder: Path | None = None) -> None:
        folder = folder or self.ask_folder()
        if folder is None:
            return
        try:
            files = summary_files(folder)
        except WorkspaceError as exc:
            messages.warn(self, _("Nothing was imported"), str(exc))
            return
        if not files:
            messages.inform(self, _("Nothing to import"), _("There are no .navsummary files in {folder}.")
                            .format(folder=folder))
            return
        target, pack = self.folder, self.pack

        def job(progress: Any) -> ImportReport:
            with Workspace(target, pack) as ws:
                return ws.import_paths(files, lambda done, total, name: progress(done, total, name))

        self.import_button.setEnabled(False)
        self.operation = run_job(self, _("Importing district summaries"), job, self._imported,
                                 lambda _exc: self.import_button.setEnabled(True))

    def _imported(self, report: ImportReport) -> None:
        self.import_button.setEnabled(True)
        self.last_report = report
        self._fill_filters()
        self.refresh()
        self.agenda.refresh()
        self.support.refresh()
        lines = [_("{added} added, {updated} updated, {same} unchanged, {refused} refused.").format(
            added=report.count("added"), updated=report.count("updated"), same=report.count("unchanged"),
            refused=report.count("refused"))]
        lines += [f"{o.file}: {o.message}" for o in report.outcomes if o.message][:20]
        (messages.warn if report.count("refused") else messages.inform)(
            self, _("District summaries imported"), "\n\n".join(lines))

    def closeEvent(self, event: Any) -> None:
        self.ws.close()
        super().closeEvent(event)


_open: list[NetworkWindow] = []


def open_network_window(folder: Path, pack: Pack, parent: QWidget | None = None) -> NetworkWindow:
    """Show the network window (one per workspace folder), raised if it is already open."""
    for window in _open:
        if window.folder == folder and window.isVisible():
            window.raise_()
            window.activateWindow()
            return window
    window = NetworkWindow(folder, pack, parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.destroyed.connect(lambda *_a: _open.remove(window) if window in _open else None)
    _open.append(window)
    window.show()
    return window
