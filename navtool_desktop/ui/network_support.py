"""The coach's support menu (a tab of the network window): per district its readiness tier, with
how it was derived, its support plan rows, and the support plan PDF; the state-policy resources.

Logic lives in :mod:`navtool_desktop.network.support`; this widget only shows and edits it.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.network.content import NetworkContent, load_network_content
from navtool_desktop.network.support import STATUSES, DistrictTier, SupportPlans, SupportRow, district_tiers, explain
from navtool_desktop.network.workspace import Workspace, WorkspaceError
from navtool_desktop.paths import file_stem
from navtool_desktop.ui import messages, preferences
from navtool_desktop.ui.editors import date_edit, from_qdate, narrow_combo, to_qdate
from navtool_desktop.ui.network_agenda import translation_tag
from navtool_desktop.ui.widgets import plain_label, rich_label
from navtool_desktop.vocabulary import action_status_name


class NetworkSupportPanel(QWidget):
    """Districts on the left; the chosen district's tier, support rows and PDF on the right."""

    def __init__(self, workspace: Workspace, pack: Pack, content: NetworkContent | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.pack = pack
        self.content = content or load_network_content(pack)
        self.plans = SupportPlans(workspace, self.content)
        self.tiers: dict[str, DistrictTier] = {}
        self._rows: list[SupportRow] = []
        self._build()
        self.refresh()

    # --- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(plain_label(_("Districts and their readiness tier"), object_name="sectionTitle"))
        self.districts = QListWidget()
        self.districts.setAccessibleName(_("Districts"))
        self.districts.currentItemChanged.connect(lambda *_a: self._show_district())
        lv.addWidget(self.districts)
        splitter.addWidget(left)

        right = QWidget()
        rv = QVBoxLayout(right)
        self.title = plain_label("", object_name="pageTitle")
        rv.addWidget(self.title)
        self.tier_label = rich_label()
        self.tier_label.setAccessibleName(_("Readiness tier"))
        rv.addWidget(self.tier_label)
        self.explanation = plain_label()
        rv.addWidget(self.explanation)
        self.rule = plain_label(_("How the tier is derived: {rule}").format(rule=self.content.rule))
        self.rule.setObjectName("muted")
        rv.addWidget(self.rule)

        box = QGroupBox(_("Support plan"))
        bv = QVBoxLayout(box)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([_("Support type"), _("Competency"), _("By whom"), _("When"),
                                              _("Status"), _("Note")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName(_("Support rows"))
        self.table.itemSelectionChanged.connect(self._load_row)
        bv.addWidget(self.table)

        form = QGridLayout()
        self.kind = narrow_combo(QComboBox(), 20)
        self.kind.setAccessibleName(_("Support type"))
        self.competency = narrow_combo(QComboBox(), 30)
        self.competency.setAccessibleName(_("Competency"))
        for comp in self.pack.competencies:
            self.competency.addItem(self.pack.competency_label(comp.id), comp.id)
        self.by_whom = QLineEdit()
        self.by_whom.setAccessibleName(_("By whom"))
        self.by_whom.setPlaceholderText(_("a person, team or partner"))
        self.due = date_edit(optional=True)
        self.due.setAccessibleName(_("When"))
        self.status = QComboBox()
        self.status.setAccessibleName(_("Status"))
        for status in STATUSES:
            self.status.addItem(action_status_name(status), status)
        self.note = QLineEdit()
        self.note.setAccessibleName(_("Note"))
        fields = ((_("&Type:"), self.kind), (_("&Competency:"), self.competency), (_("B&y whom:"), self.by_whom),
                  (_("&When:"), self.due), (_("Stat&us:"), self.status), (_("&Note:"), self.note))
        for n, (text, edit) in enumerate(fields):
            label = QLabel(text)  # our own words with an Alt key, as QFormLayout makes them
            label.setBuddy(edit)
            form.addWidget(label, n // 2, (n % 2) * 2)
            form.addWidget(edit, n // 2, (n % 2) * 2 + 1)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        bv.addLayout(form)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("&Add support"))
        self.add_button.clicked.connect(self._add)
        self.update_button = QPushButton(_("&Save changes"))
        self.update_button.clicked.connect(self._update)
        self.remove_button = QPushButton(_("&Remove"))
        self.remove_button.clicked.connect(self._remove)
        self.export_button = QPushButton(_("E&xport support plan PDF\u2026"))
        self.export_button.clicked.connect(self._export)
        for b in (self.add_button, self.update_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        bv.addLayout(buttons)
        rv.addWidget(box, 1)

        resources = QGroupBox(_("State-policy resources"))
        res_layout = QVBoxLayout(resources)
        by_id = {r.id: r for r in self.pack.resources}
        parts = [f"<p><b>{html.escape(by_id[rid].title)}</b><br/>{html.escape(by_id[rid].summary)}</p>"
                 for rid in self.content.state_policy if rid in by_id]
        self.resources = rich_label("".join(parts))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.resources)
        scroll.setMinimumHeight(80)
        scroll.setMaximumHeight(130)
        res_layout.addWidget(scroll)
        rv.addWidget(resources)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 986])

    # --- showing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the districts and their tiers again (after an import)."""
        current = self.district_id()
        self.tiers = district_tiers(self.ws, self.content)
        self.districts.blockSignals(True)
        self.districts.clear()
        for d in self.ws.districts():
            tier = self.tiers.get(d.id)
            word = tier.tier.name if tier and tier.tier else _("no tier yet")
            item = QListWidgetItem(f"{word} \u00b7 {d.name}")
            item.setToolTip(f"{d.name} \u2014 {word}")
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            self.districts.addItem(item)
            if d.id == current:
                self.districts.setCurrentItem(item)
        self.districts.blockSignals(False)
        if self.districts.currentItem() is None and self.districts.count():
            self.districts.setCurrentRow(0)
        self._show_district()

    def district_id(self) -> str | None:
        item = self.districts.currentItem() if hasattr(self, "districts") else None
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def select_district(self, district_id: str) -> None:
        for n in range(self.districts.count()):
            if self.districts.item(n).data(Qt.ItemDataRole.UserRole) == district_id:
                self.districts.setCurrentRow(n)
                return

    def _show_district(self) -> None:
        did = self.district_id()
        enabled = did is not None
        for w in (self.add_button, self.update_button, self.remove_button, self.export_button):
            w.setEnabled(enabled)
        if did is None:
            self.title.setText(_("No districts yet: import their summaries first."))
            self.tier_label.setText("")
            self.explanation.setText("")
            self.table.setRowCount(0)
            return
        name = next((d.name for d in self.ws.districts() if d.id == did), did)
        self.title.setText(name)
        tier = self.tiers.get(did)
        if tier is not None and tier.tier is not None:
            self.tier_label.setText(_("Tier: <b>{tier}</b>. {description}").format(
                tier=html.escape(tier.tier.name), description=html.escape(tier.tier.description))
                + translation_tag(self.content, f"tiers.{tier.tier.id}"))
        else:
            self.tier_label.setText(_("Tier: <b>none yet</b>."))
        self.explanation.setText(explain(tier, self.content) if tier else "")
        self._fill_kinds(tier)
        self._fill_rows()

    def _fill_kinds(self, tier: DistrictTier | None) -> None:
        """The support types, those the tier suggests first and marked."""
        keep = self.kind.currentData()
        suggested = tier.tier.suggested if tier and tier.tier else ()
        self.kind.clear()
        ordered = [t for t in self.content.types if t.id in suggested] + [
            t for t in self.content.types if t.id not in suggested]
        for t in ordered:
            label = _("{name} (suggested for this tier)").format(name=t.name) if t.id in suggested else t.name
            self.kind.addItem(label, t.id)
            self.kind.setItemData(self.kind.count() - 1, t.description, Qt.ItemDataRole.ToolTipRole)
        if keep is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(keep)))

    def _fill_rows(self) -> None:
        did = self.district_id()
        self._rows = self.plans.rows(did) if did else []
        self.table.setRowCount(len(self._rows))
        for n, row in enumerate(self._rows):
            try:
                kind = self.content.support_type(row.type_id).name
            except KeyError:
                kind = row.type_id
            try:
                comp = self.pack.competency(row.competency_id).name
            except KeyError:
                comp = row.competency_id
            for col, text in enumerate((kind, comp, row.by_whom, row.due or "\u2014", action_status_name(row.status),
                                        row.note)):
                self.table.setItem(n, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _selected(self) -> SupportRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows and rows[0].row() < len(self._rows) else None

    def _load_row(self) -> None:
        row = self._selected()
        if row is None:
            return
        self.kind.setCurrentIndex(max(0, self.kind.findData(row.type_id)))
        self.competency.setCurrentIndex(max(0, self.competency.findData(row.competency_id)))
        self.by_whom.setText(row.by_whom)
        self.due.setDate(to_qdate(row.due))
        self.status.setCurrentIndex(max(0, self.status.findData(row.status)))
        self.note.setText(row.note)

    # --- editing -------------------------------------------------------------------------------

    def _form_row(self, base: SupportRow | None) -> SupportRow:
        return SupportRow(base.id if base else "", self.district_id() or "", str(self.kind.currentData()),
                          str(self.competency.currentData()), self.by_whom.text(), from_qdate(self.due.date()),
                          str(self.status.currentData()), self.note.text(), base.created_at if base else "")

    def _save(self, base: SupportRow | None) -> None:
        try:
            saved = self.plans.save(self._form_row(base))
        except WorkspaceError as exc:
            messages.show_error(self, exc, _("Support not saved"))
            return
        self._fill_rows()
        for n, row in enumerate(self._rows):
            if row.id == saved.id:
                self.table.selectRow(n)

    def _add(self) -> None:
        self._save(None)

    def _update(self) -> None:
        row = self._selected()
        if row is None:
            messages.inform(self, _("Support plan"), _("Choose a support row first."))
            return
        self._save(row)

    def _remove(self) -> None:
        row = self._selected()
        if row is None:
            return
        if messages.ask(self, _("Remove support"), _("Remove this support row?")):
            self.plans.delete(row.id)
            self._fill_rows()

    def ask_save_path(self, title: str, suggested: str) -> Path | None:  # tests replace this
        return preferences.ask_pdf_path(self, title, suggested)

    def _export(self) -> None:
        did = self.district_id()
        if did is None:
            return
        from navtool_desktop.network.support import support_plan_data
        from navtool_desktop.reports.support_plan import render_support_plan_with_twin
        from navtool_desktop.reports.twin import save_with_twin, twin_path
        from navtool_desktop.signing import SigningError

        name = next((d.name for d in self.ws.districts() if d.id == did), did)
        path = self.ask_save_path(_("Export support plan PDF"),
                                  file_stem(_("Support plan {district}").format(district=name)) + ".pdf")
        if path is None:
            return
        try:
            pdf, twin = render_support_plan_with_twin(support_plan_data(self.ws, self.content, did))
            save_with_twin(path, pdf, twin)
        except (WorkspaceError, SigningError, OSError) as exc:
            messages.show_error(self, exc, _("Support plan not exported"))
            return
        # as the Export screen says it: the PDF, and its accessible HTML version beside it
        messages.inform(self, _("Support plan"), _("Saved to {file}, and its accessible HTML version to {html}")
                        .format(file=path, html=twin_path(path).name))
