"""Export and Sign: the plan, report and rating sheet as PDFs; signing identities; signing; checking."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop import paths
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.paths import file_stem
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui import messages, preferences
from navtool_desktop.ui.operations import Operation, Progress, run_job
from navtool_desktop.ui.preferences import PDF_FILTER
from navtool_desktop.ui.signing_dialogs import (
    P12_FILTER,
    CreateIdentityDialog,
    IdentityRequest,
    PlanSignersDialog,
    PlanSignersRequest,
)
from navtool_desktop.ui.widgets import FlowLayout, HeaderedTableModel, plain_label

if TYPE_CHECKING:  # ReportLab, pyHanko and cryptography load when this screen is first shown
    from cryptography import x509

    from navtool_desktop.signing.folder import SigningFolder, StoredIdentity
    from navtool_desktop.signing.identity import Identity
    from navtool_desktop.signing.verify import SignatureReport, VerificationReport

OK_MARK, BAD_MARK, WARN_MARK = "\u2714", "\u2716", "\u26a0"
_TONE_COLOURS = {"ok": "#1b6e34", "bad": "#a31515", "warn": "#7a4f00"}

_Index = QModelIndex | QPersistentModelIndex


def handout_path(sheet: Path) -> Path:
    """Where the levels handout goes: beside the compact sheet."""
    return sheet.with_name(_("{name}-levels-handout.pdf").format(name=sheet.stem))


class IdentityModel(HeaderedTableModel):
    """The signing identities kept in the district's signing folder, one per row."""

    def headers(self) -> tuple[str, ...]:
        return (_("Signer"), _("Role"), _("District"), _("Valid"), _("Fingerprint (SHA-256)"))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[StoredIdentity] = []

    def refresh(self, folder: SigningFolder) -> None:
        """Read the identities again from ``folder``."""
        self.beginResetModel()
        self.rows = folder.identities()
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)



    def identity(self, row: int) -> StoredIdentity | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @staticmethod
    def validity(stored: StoredIdentity) -> str:
        """The validity in words, with the first reason it cannot sign."""
        span = _("{start} to {end}").format(start=stored.not_valid_before.date().isoformat(),
                                            end=stored.not_valid_after.date().isoformat())
        problems = stored.problems()
        if problems and problems[0].reason == "expired":
            return _("{span} (expired)").format(span=span)
        if problems:
            return _("{span} (cannot sign)").format(span=span)
        return span

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        stored = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (stored.name, stored.role, stored.organization, self.validity(stored), stored.fingerprint)
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3 and stored.problems():
                return str(stored.problems()[0])
            return values[index.column()] if 0 <= index.column() < len(values) else None
        return None


def _folder_kind(filters: str) -> str:
    """Which remembered folder (ui/preferences.py) a dialog with these filters opens in."""
    return "identity" if filters == P12_FILTER else "summary" if ".navsummary" in filters else "pdf"


class ExportScreen(QWidget):
    """Export the district's PDFs, manage signing identities, sign plans and check signed PDFs."""

    saved = Signal(str)  # the file written
    identities_changed = Signal()
    verified = Signal(object)  # VerificationReport

    def __init__(self, pack: Pack, store: DistrictStore, signing_dir: Path | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.store = store
        self.signing_dir = signing_dir or paths.signing_dir()
        self._folder: SigningFolder | None = None
        self.operation: Operation | None = None
        self.setAcceptDrops(True)

        title = plain_label(_("Export and Sign"), object_name="pageTitle")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_export_tab(), _("Export and si&gn"))
        self.tabs.addTab(self._build_verify_tab(), _("Chec&k a signed PDF"))
        self.status = plain_label(object_name="saveStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

    @property
    def folder(self) -> SigningFolder:
        """The district's signing folder (cryptography is imported on first use)."""
        if self._folder is None:
            from navtool_desktop.signing.folder import SigningFolder

            self._folder = SigningFolder(self.signing_dir)
        return self._folder

    # --- building -------------------------------------------------------------------------

    def _build_export_tab(self) -> QWidget:
        self.plan_box = QComboBox()
        self.plan_box.setAccessibleName(_("Plan"))
        self.cycle_box = QComboBox()
        self.cycle_box.setAccessibleName(_("Cycle"))
        self.signers_label = plain_label(object_name="hint")
        self.signers_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.signers_button = QPushButton(_("Signature &boxes and meeting…"))
        self.signers_button.clicked.connect(self.edit_signers)
        self.box_choice = QComboBox()
        self.box_choice.setAccessibleName(_("Sign in box"))
        self.plan_button = QPushButton(_("Save the &plan PDF…"))
        self.plan_button.clicked.connect(self.export_plan)
        self.sign_button = QPushButton(_("Export and &sign the plan…"))
        self.sign_button.clicked.connect(self.export_and_sign)
        self.progress_button = QPushButton(_("Save a p&rogress report…"))
        self.progress_button.setToolTip(_("How the plan is going, for the board's updates: status, notes, overdue "
                                          "actions and results against targets, as of today. The plan PDF is "
                                          "the adopted plan and holds none of this."))
        self.progress_button.clicked.connect(self.export_progress)
        self.report_button = QPushButton(_("Save the &assessment report PDF…"))
        self.report_button.clicked.connect(self.export_report)
        self.sheet_button = QPushButton(_("Save a printable ra&ting sheet…"))
        self.sheet_button.clicked.connect(self.export_sheet)
        self.compact_button = QPushButton(_("Save a &compact sheet and levels handout…"))
        self.compact_button.setToolTip(_("One line per competency with the level boxes, about four pages; the "
                                         "level descriptions go in a separate handout saved beside it."))
        self.compact_button.clicked.connect(self.export_compact_sheet)
        # Each choice on a line of its own, its buttons under it on lines that wrap: the screen
        # never grows wider than a 1280 px laptop's, in English or in (longer) Spanish.
        form = QFormLayout()
        form.addRow(_("Plan"), self.plan_box)
        plan_buttons = QVBoxLayout()
        plan_buttons.setContentsMargins(0, 0, 0, 0)
        plan_buttons.addLayout(FlowLayout().add(self.plan_button, self.sign_button, self.progress_button,
                                                self.signers_button))
        plan_buttons.addWidget(self.signers_label)
        form.addRow("", plan_buttons)
        form.addRow(_("Sign in bo&x"), self.box_choice)
        form.addRow(_("Cycle"), self.cycle_box)
        form.addRow("", FlowLayout().add(self.report_button, self.sheet_button, self.compact_button))
        documents = QGroupBox(_("Documents"))
        documents.setLayout(form)

        self.identity_model = IdentityModel(self)
        self.identity_view = QTableView()
        self.identity_view.setObjectName("identityTable")
        self.identity_view.setAccessibleName(_("Signing identities"))
        self.identity_view.setModel(self.identity_model)
        self.identity_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.identity_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.identity_view.verticalHeader().hide()
        header = self.identity_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.identity_view.selectionModel().currentRowChanged.connect(self._identity_selected)
        self.identity_view.setMinimumHeight(110)
        self.fingerprint = QLineEdit()
        self.fingerprint.setReadOnly(True)
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setAccessibleName(_("Certificate fingerprint (SHA-256)"))
        self.fingerprint.setPlaceholderText(_("Select an identity to see its fingerprint"))
        self.copy_button = QPushButton(_("C&opy fingerprint"))
        self.copy_button.clicked.connect(self.copy_fingerprint)
        self.create_button = QPushButton(_("Create &identity…"))
        self.create_button.clicked.connect(self.create_identity)
        self.import_button = QPushButton(_("I&mport .p12/.pfx…"))
        self.import_button.clicked.connect(self.import_identity)
        self.add_signature_button = QPushButton(_("Add a signature to a signed p&lan…"))
        self.add_signature_button.clicked.connect(self.add_signature)
        self.summary_button = QPushButton(_("Sign a summary for a coach or &network…"))
        self.summary_button.setToolTip(_("Results under the privacy rule and the plan's goals, signed, for "
                                         "your coach or network; you see exactly what it holds first."))
        self.summary_button.clicked.connect(self.export_summary)
        fp_row = QHBoxLayout()
        fp_row.addWidget(plain_label(_("Fingerprint:"), wrap=False))
        fp_row.addWidget(self.fingerprint, 1)
        fp_row.addWidget(self.copy_button)
        buttons = FlowLayout().add(self.create_button, self.import_button, self.summary_button,
                                   self.add_signature_button)
        self.folder_note = plain_label(object_name="hint")
        self.folder_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        identities = QGroupBox(_("Signing identities"))
        box = QVBoxLayout(identities)
        box.addWidget(plain_label(_(
            "Signing uses the identity selected here. A recipient confirms a signature by reading its "
            "fingerprint to the district by phone.")))
        box.addWidget(self.identity_view, 1)
        box.addLayout(fp_row)
        box.addLayout(buttons)
        box.addWidget(self.folder_note)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(documents)
        layout.addWidget(identities, 1)
        self.plan_box.currentIndexChanged.connect(self._update_signers)
        return page

    def _build_verify_tab(self) -> QWidget:
        self.verify_button = QPushButton(_("&Check a signed PDF…"))
        self.verify_button.clicked.connect(self.check_pdf)
        self.verdict = plain_label(object_name="signatureVerdict")
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_view = QTextBrowser()
        self.verify_view.setObjectName("verifyReport")
        self.verify_view.setAccessibleName(_("Signature check"))
        self.verify_view.setPlaceholderText(_("Open a signed PDF, or drop one anywhere on this screen, "
                                              "to see who signed it and whether it changed since."))
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addWidget(plain_label(_("or drop a PDF file here"), object_name="hint"), 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.verify_view, 1)
        return page

    # --- lists ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Fill the plan and cycle lists (newest first) and the identities."""
        for box, items in (
            (self.plan_box, [(_("{title} ({status}, {start} to {end})").format(
                title=p.title, status=_("approved") if p.status == "approved" else _("draft"),
                start=p.period_start, end=p.period_end), p.id)
                for p in sorted(self.store.plans(), key=lambda p: p.created, reverse=True)]),
            (self.cycle_box, [(f"{c.title} ({c.date})", c.id)
                              for c in sorted(self.store.cycles(), key=lambda c: (c.date, c.created),
                                              reverse=True)]),
        ):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            for text, key in items:
                box.addItem(text, key)
            box.setCurrentIndex(max(box.findData(current), 0))
            box.blockSignals(False)
        has_plan, has_cycle = self.plan_box.count() > 0, self.cycle_box.count() > 0
        for button in (self.plan_button, self.sign_button, self.signers_button, self.progress_button):
            button.setEnabled(has_plan)
        for button in (self.report_button, self.sheet_button, self.compact_button):
            button.setEnabled(has_cycle)
        self._update_signers()
        self.refresh_identities()

    def refresh_identities(self, select: Path | None = None) -> None:
        current = self.selected_identity()
        keep = select or (current.p12 if current else None)
        self.identity_model.refresh(self.folder)
        row = next((n for n, s in enumerate(self.identity_model.rows) if s.p12 == keep), 0)
        if self.identity_model.rows:
            self.identity_view.selectRow(row)
        self._identity_selected()
        roots = [p.name for p in sorted(self.folder.folder.glob("*.cer"))] if self.folder.folder.is_dir() else []
        if roots:
            self.folder_note.setText(_("Root certificates to send to recipients (they trust it once): {files}, in "
                                       "{folder}").format(files=", ".join(roots), folder=self.folder.folder))
        else:
            self.folder_note.setText(_("No identity yet. Create the district's first one: it makes the district "
                                       "root that recipients trust."))

    def _selected_plan(self) -> Any:
        plan_id = self.plan_box.currentData()
        return next((p for p in self.store.plans() if p.id == plan_id), None) if plan_id else None

    def _update_signers(self) -> None:
        from navtool_desktop.reports.data import plan_signers

        plan = self._selected_plan()
        signers = plan_signers(plan, self.store.profile) if plan is not None else ()
        listed = "; ".join(_("{n}. {role}: {name}").format(n=n, role=s.role, name=s.name or _("name not set"))
                           for n, s in enumerate(signers, 1))
        text = _("Signature boxes on the approval page: {signers}").format(signers=listed)
        if plan is not None and plan.meeting_date:
            text += "\n" + _("For adoption at the board meeting of {date}.").format(date=plan.meeting_date)
        self.signers_label.setText(text)
        current = self.box_choice.currentData()
        self.box_choice.blockSignals(True)
        self.box_choice.clear()
        self.box_choice.addItem(_("The box for the role in my certificate"), "")
        for n, s in enumerate(signers, 1):
            self.box_choice.addItem(_("{n}. {role}").format(n=n, role=s.role) + (f" ({s.name})" if s.name else ""),
                                    s.role)
        self.box_choice.setCurrentIndex(max(self.box_choice.findData(current), 0))
        self.box_choice.blockSignals(False)

    def ask_plan_signers(self, signers: list[tuple[str, str]], meeting_date: str) -> PlanSignersRequest | None:
        return PlanSignersDialog(signers, meeting_date, self).exec_request()

    def edit_signers(self) -> None:
        """Set the selected plan's signature boxes (role and expected name) and meeting day."""
        from navtool_desktop.core.records import PlanSigner
        from navtool_desktop.reports.data import plan_signers

        plan = self._selected_plan()
        if plan is None:
            return
        current = [(s.role, s.name) for s in plan_signers(plan, self.store.profile)]
        request = self.ask_plan_signers(current, plan.meeting_date)
        if request is None:
            return
        self.store.save_plan(plan.replace(signers=tuple(PlanSigner(role=r, name=n) for r, n in request.signers),
                                          meeting_date=request.meeting_date))
        self._update_signers()
        self.status.setText(_("Saved the signature boxes of {title}.").format(title=plan.title))

    def selected_identity(self) -> StoredIdentity | None:
        if not hasattr(self, "identity_view"):
            return None
        index = self.identity_view.currentIndex()
        return self.identity_model.identity(index.row()) if index.isValid() else None

    def _identity_selected(self, *_args: Any) -> None:
        stored = self.selected_identity()
        self.fingerprint.setText(stored.fingerprint if stored else "")
        self.fingerprint.setCursorPosition(0)
        self.copy_button.setEnabled(stored is not None)

    def copy_fingerprint(self) -> None:
        stored = self.selected_identity()
        if stored is not None:
            QGuiApplication.clipboard().setText(stored.fingerprint)
            self.status.setText(_("Copied the fingerprint of {name}.").format(name=stored.name))

    def showEvent(self, event: Any) -> None:
        self.refresh()  # other screens may have added plans or cycles meanwhile
        super().showEvent(event)

    # --- asking (tests replace these) -----------------------------------------------------

    def ask_save_path(self, title: str, suggested: Path | str, filters: str = PDF_FILTER) -> Path | None:
        kind = _folder_kind(filters)
        # a path is a file to save beside (the signed plan next to its source)
        start = str(suggested) if isinstance(suggested, Path) else preferences.start_path(kind, suggested)
        name, _f = QFileDialog.getSaveFileName(self, title, start, filters,
                                               options=QFileDialog.Option.DontConfirmOverwrite)
        if name:
            preferences.remember_folder(kind, name)
        return Path(name) if name else None

    def ask_open_path(self, title: str, filters: str = PDF_FILTER) -> Path | None:
        kind = _folder_kind(filters)
        name, _f = QFileDialog.getOpenFileName(self, title, preferences.start_path(kind), filters)
        if name:
            preferences.remember_folder(kind, name)
        return Path(name) if name else None

    def ask_passphrase(self, title: str, prompt: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, prompt, QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def ask_new_identity(self) -> IdentityRequest | None:
        from navtool_desktop.reports.data import plan_signers

        plan = self._selected_plan()
        roles = tuple(s.role for s in plan_signers(plan, self.store.profile)) if plan is not None else ()
        return CreateIdentityDialog(self.store.profile.name, self, has_root=bool(self.folder.trust_roots()),
                                    roles=roles).exec_request()

    def ask_box(self, title: str, prompt: str, labels: list[str]) -> int | None:
        """Which of ``labels`` (signature boxes) to sign, or None."""
        item, ok = QInputDialog.getItem(self, title, prompt, labels, 0, False)
        return labels.index(item) if ok and item in labels else None

    def confirm(self, title: str, text: str) -> bool:
        return messages.ask(self, title, text)

    def tell(self, title: str, text: str) -> None:
        messages.inform(self, title, text)

    # --- writing files --------------------------------------------------------------------

    @staticmethod
    def _as_pdf(path: Path) -> Path:
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def may_write(self, path: Path) -> bool:
        """Whether ``path`` may be written: a new name, or a replacement the user agreed to."""
        from navtool_desktop.signing.files import is_signed_pdf

        if not path.exists():
            return True
        if is_signed_pdf(path):
            return self.confirm(_("Replace a signed PDF?"), _(
                "{file} is a signed PDF. Replacing it removes its signatures from this copy for good. "
                "Replace it?").format(file=path.name))
        return self.confirm(_("Replace the file?"), _("{file} already exists. Replace it?").format(file=path.name))

    def _run(self, title: str, job: Callable[[Progress], Path], on_done: Callable[[Path], None]) -> Operation:
        self.status.setText(_("{what}…").format(what=title))
        self._status_failed(False)
        self.operation = run_job(self, title, job, on_done, lambda exc: self._status_failed(
            True, _("{what}: it did not work.").format(what=title)))
        return self.operation

    def _status_failed(self, failed: bool, text: str | None = None) -> None:
        """The status line in the error colour (and a word that says so) or the normal one."""
        self.status.setProperty("failed", failed)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        if text is not None:
            self.status.setText(text)

    def _saved(self, path: Path, twin: Path | None = None) -> None:
        self._status_failed(False)
        if twin is None:
            self.status.setText(_("Saved to {file}").format(file=path))
        else:
            self.status.setText(_("Saved to {file}, and its accessible HTML version to {html}")
                                .format(file=path, html=twin.name))
        self.saved.emit(str(path))

    @staticmethod
    def _write(out: Path, rendered: bytes | tuple[bytes, str]) -> Path | None:
        """Write a rendered PDF to ``out`` and, when it has one, its HTML twin beside it (the
        twin's path, else None)."""
        from navtool_desktop.reports.twin import save_with_twin

        pdf, twin = rendered if isinstance(rendered, tuple) else (rendered, None)
        return save_with_twin(out, pdf, twin)

    def _target(self, title: str, suggested: str) -> Path | None:
        path = self.ask_save_path(title, suggested)
        if path is None:
            return None
        path = self._as_pdf(path)
        return path if self.may_write(path) else None

    def _report_error(self, exc: Exception) -> None:
        self.tell(_("Nothing to export"), str(exc))

    # --- export ---------------------------------------------------------------------------

    def _export(self, load: Callable[[], Any], title: str, suggested: Callable[[Any], str],
                drawing: str, render: Callable[[Any], bytes | tuple[bytes, str]], running: str,
                beside: Callable[[Any, Path], None] | None = None) -> Operation | None:
        """One document export: ``load`` reads the store here (GUI thread), the job only
        draws (``render``: the PDF, or the PDF and its HTML twin) and writes the chosen file
        (and the twin, and ``beside`` writes a companion file next to it)."""
        from navtool_desktop.reports.data import ReportInputError

        try:
            data = load()
        except ReportInputError as exc:
            self._report_error(exc)
            return None
        out = self._target(title, suggested(data))
        if out is None:
            return None

        twins: list[Path] = []

        def job(progress: Progress) -> Path:
            progress(0, 0, drawing)
            twin = self._write(out, render(data))
            if twin is not None:
                twins.append(twin)
            if beside is not None:
                beside(data, out)
            return out

        return self._run(running, job, lambda path: self._saved(path, twins[0] if twins else None))

    def export_plan(self) -> Operation | None:
        plan_id = self.plan_box.currentData()
        if not plan_id:
            return None
        from navtool_desktop.reports.data import load_plan

        signing_dir = self.signing_dir

        def render(data: Any) -> tuple[bytes, str]:
            from navtool_desktop.reports.plan import render_plan
            from navtool_desktop.reports.signed import with_district_root

            rendered = render_plan(self.pack, with_district_root(data, signing_dir))
            return rendered.pdf, rendered.twin

        return self._export(lambda: load_plan(self.store, self.pack, plan_id), _("Save the plan PDF"),
                            lambda data: f"{file_stem(data.plan.title)}.pdf", _("Drawing the plan"), render,
                            _("Exporting the plan"))

    def export_report(self) -> Operation | None:
        cycle_id = self.cycle_box.currentData()
        if not cycle_id:
            return None
        from navtool_desktop.reports.data import load_report

        def render(data: Any) -> tuple[bytes, str]:
            from navtool_desktop.reports.report import render_report_with_twin

            return render_report_with_twin(self.pack, data)

        return self._export(lambda: load_report(self.store, self.pack, cycle_id), _("Save the assessment report"),
                            lambda data: _("{name}-report.pdf").format(name=file_stem(data.results.cycle.title)),
                            _("Drawing the assessment report"), render, _("Exporting the assessment report"))

    def export_sheet(self) -> Operation | None:
        cycle_id = self.cycle_box.currentData()
        if not cycle_id:
            return None
        from navtool_desktop.reports.data import pick_cycle

        district = self.store.profile

        def render(cycle: Any) -> bytes:
            from navtool_desktop.reports.sheet import render_rating_sheet

            return render_rating_sheet(self.pack, district, cycle)

        return self._export(lambda: pick_cycle(self.store.cycles(), cycle_id), _("Save a printable rating sheet"),
                            lambda cycle: _("{name}-rating-sheet.pdf").format(name=file_stem(cycle.title)),
                            _("Drawing the rating sheet"), render, _("Exporting the rating sheet"))

    def export_progress(self) -> Operation | None:
        plan_id = self.plan_box.currentData()
        if not plan_id:
            return None
        from navtool_desktop.reports.data import load_plan

        def render(data: Any) -> tuple[bytes, str]:
            from navtool_desktop.reports.progress import render_progress_with_twin

            return render_progress_with_twin(self.pack, data)

        return self._export(lambda: load_plan(self.store, self.pack, plan_id, today=self.today()),
                            _("Save a progress report"),
                            lambda data: _("{name}-progress-{date}.pdf").format(name=file_stem(data.plan.title),
                                                                                date=data.today.isoformat()),
                            _("Drawing the progress report"), render, _("Exporting the progress report"))

    def today(self) -> date:
        """The report date of a progress report (a seam for tests)."""
        return date.today()

    def export_compact_sheet(self) -> Operation | None:
        cycle_id = self.cycle_box.currentData()
        if not cycle_id:
            return None
        from navtool_desktop.reports.data import pick_cycle

        district = self.store.profile

        def render(cycle: Any) -> bytes:
            from navtool_desktop.reports.sheet import render_rating_sheet

            return render_rating_sheet(self.pack, district, cycle, compact=True)

        def handout(cycle: Any, out: Path) -> None:
            from navtool_desktop.reports.sheet import render_rating_sheet
            from navtool_desktop.signing.files import write_new_file

            write_new_file(handout_path(out), render_rating_sheet(self.pack, district, cycle, handout=True),
                           overwrite=True)

        return self._export(lambda: pick_cycle(self.store.cycles(), cycle_id), _("Save a compact rating sheet"),
                            lambda cycle: _("{name}-rating-sheet-compact.pdf").format(name=file_stem(cycle.title)),
                            _("Drawing the compact rating sheet"), render, _("Exporting the compact rating sheet"),
                            beside=handout)

    # --- signing --------------------------------------------------------------------------

    def _signer(self) -> Identity | None:
        """The selected identity, opened with its passphrase now, before any file is chosen
        (a wrong passphrase is said at once)."""
        from navtool_desktop.signing.errors import SigningError

        found = self._signer_and_passphrase()
        if found is None:
            return None
        stored, passphrase = found
        try:
            return self.folder.load(stored, passphrase)
        except SigningError as exc:
            messages.warn(self, _("Sign as {name}").format(name=stored.name), str(exc))
            return None

    def _signer_and_passphrase(self) -> tuple[StoredIdentity, str] | None:
        """The selected identity, if it can sign, and its passphrase."""
        stored = self.selected_identity()
        if stored is None:
            self.tell(_("No signing identity"), _("Create or import a signing identity first, then select it "
                                                 "in the list."))
            return None
        problems = stored.problems()
        if problems:
            self.tell(_("This identity cannot sign"), str(problems[0]))
            return None
        passphrase = self.ask_passphrase(_("Sign as {name}").format(name=stored.name), _(
            "Passphrase of {name} ({role}):").format(name=stored.name, role=stored.role))
        return (stored, passphrase) if passphrase else None

    def _pick_box(self, identity: Identity, boxes: list[Any], wanted: str | None,
                  attempt: Callable[[str | None, bool], Any]) -> Any:
        """``attempt(box, force)`` for the box the signer means, or None when the signer stops.

        The box chosen on the screen, else the one of the certificate's role; with no such
        box the signer picks one; a box labelled for someone else is signed only after a yes.
        """
        from navtool_desktop.signing.errors import SigningError

        title = _("Sign as {name}").format(name=identity.name)
        try:
            try:
                return attempt(wanted, False)
            except SigningError as exc:
                if exc.reason != "no_box_for_role":
                    raise
                free = [b for b in boxes if not b.signed]
                picked = self.ask_box(title, _("No box is for the {role}. Which box do you sign?")
                                      .format(role=identity.role or _("signer")), [b.label for b in free])
                if picked is None:
                    return None
                wanted = free[picked].field
                return attempt(wanted, False)
        except SigningError as exc:
            if exc.reason != "wrong_box":
                self.tell(title, str(exc))
                return None
            if not self.confirm(_("Sign a box labelled for someone else?"),
                                _("{problem}\n\nSign this box anyway?").format(problem=exc)):
                return None
            try:
                return attempt(wanted, True)
            except SigningError as again:
                self.tell(title, str(again))
                return None

    def export_and_sign(self) -> Operation | None:
        """Render the selected plan and sign it in the chosen box (by default the one of the
        signer's role); a box labelled for someone else only after a yes."""
        plan_id = self.plan_box.currentData()
        if not plan_id:
            return None
        from navtool_desktop.reports.data import ReportInputError, load_plan

        try:
            data = load_plan(self.store, self.pack, plan_id)
        except ReportInputError as exc:
            self._report_error(exc)
            return None
        identity = self._signer()
        if identity is None:
            return None
        from navtool_desktop.reports.signed import plan_boxes, with_district_root, with_signer

        data = with_district_root(data, self.signing_dir)
        chosen = self._pick_box(identity, plan_boxes(data), self.box_choice.currentData() or None,
                                lambda box, force: with_signer(data, identity, box, force=force))
        if chosen is None:
            return None
        signed_data, slot = chosen
        out = self._target(_("Save the signed plan"), _("{name}-signed.pdf").format(name=file_stem(data.plan.title)))
        if out is None:
            return None
        pack = self.pack
        twins: list[Path | None] = []

        def job(progress: Progress) -> Path:
            from navtool_desktop.reports.plan import render_plan
            from navtool_desktop.reports.signed import sign_rendered

            progress(1, 3, _("Drawing the plan"))
            rendered = render_plan(pack, signed_data)
            progress(2, 3, _("Signing"))
            pdf = sign_rendered(rendered.pdf, identity, slot, signed_data.district.name)
            twins.append(self._write(out, (pdf, rendered.twin)))
            return out

        return self._run(_("Exporting and signing the plan"), job,
                         lambda path: self._saved(path, twins[0] if twins else None))

    def export_summary(self) -> Operation | None:
        """Show what a coach's summary holds, then sign it with the selected identity and save it."""
        from navtool_desktop.network.summary import SUFFIX, SummaryError, build_summary, seal, what_leaves
        from navtool_desktop.storage import StoreError

        try:  # read the store here, on the GUI thread
            summary = build_summary(self.store, self.pack)
        except (SummaryError, StoreError) as exc:
            self._report_error(exc)
            return None
        lines = "\n".join(f"\u2022 {line}" for line in what_leaves(summary))
        if not self.confirm(_("What leaves this laptop"), _(
                "The summary for your coach or network holds exactly this:\n\n{lines}\n\nSign and save it?")
                .format(lines=lines)):
            return None
        identity = self._signer()
        if identity is None:
            return None
        out = self.ask_save_path(_("Save the summary"), f"{file_stem(self.store.profile.name)}{SUFFIX}",
                                 _("District summaries (*{suffix})").format(suffix=SUFFIX))
        if out is None:
            return None
        if out.suffix != SUFFIX:
            out = out.with_name(out.name + SUFFIX)
        if not self.may_write(out):
            return None

        def job(progress: Progress) -> Path:  # no store here
            from navtool_desktop.signing.files import write_new_file

            progress(0, 0, _("Signing"))
            write_new_file(out, seal(summary, identity), overwrite=True)
            return out

        return self._run(_("Signing the summary"), job, self._saved)

    def add_signature(self) -> Operation | None:
        """Sign the next free box of an already signed PDF, into a new file or in its place."""
        source = self.ask_open_path(_("Open the signed plan"))
        if source is None:
            return None
        identity = self._signer()
        if identity is None:
            return None
        from navtool_desktop.signing.boxes import choose_box, declared_boxes
        from navtool_desktop.signing.errors import SigningError
        from navtool_desktop.signing.files import read_file

        try:
            boxes = declared_boxes(read_file(source))
        except SigningError as exc:
            self.tell(_("Add a signature"), str(exc))
            return None
        field: str | None = None
        if any(b.role for b in boxes):
            chosen = self._pick_box(identity, boxes, None,
                                    lambda box, force: choose_box(boxes, identity.name, identity.role, box,
                                                                  force=force))
            if chosen is None:
                return None
            field = chosen.field
        out = self.ask_save_path(_("Save the plan with the added signature"), source)
        if out is None:
            return None
        out = self._as_pdf(out)
        if out.exists():
            same = out.resolve() == source.resolve()
            question = (_("Add the signature into {file} itself? The signatures already in it stay valid.")
                        if same else
                        _("{file} already exists. Replace it with the plan carrying the added signature?"))
            if not self.confirm(_("Replace the file?"), question.format(file=out.name)):
                return None

        def job(progress: Progress) -> Path:
            from navtool_desktop.signing.sign import sign_pdf

            progress(1, 2, _("Signing"))
            # the box was chosen (and any stand-in confirmed) above
            return sign_pdf(source, out, identity, field=field, force=True,
                            reason=_("Approval of the strategic action plan"),
                            location=identity.organization, overwrite=True)

        return self._run(_("Adding a signature"), job, self._saved)

    # --- identities -----------------------------------------------------------------------

    def create_identity(self) -> Operation | None:
        request = self.ask_new_identity()
        if request is None:
            return None
        folder = self.folder

        def job(progress: Progress) -> Path:
            progress(0, 0, _("Making the keys (this takes a few seconds)"))
            return folder.create_identity(
                request.name, request.role, request.organization, request.passphrase,
                new_root=request.new_root, existing_root=request.existing_root,
                root_passphrase=request.root_passphrase).p12

        def done(p12: Path) -> None:
            self.refresh_identities(select=p12)
            if request.new_root is not None:
                self.status.setText(_("Created the identity of {name} and the district root {root}. Keep the root "
                                      "file offline, on a USB stick in a safe: it issues every next signer's "
                                      "identity.").format(name=request.name, root=request.new_root))
            else:
                self.status.setText(_("Created the identity of {name}.").format(name=request.name))
            self.identities_changed.emit()

        return self._run(_("Creating a signing identity"), job, done)

    def import_identity(self) -> Operation | None:
        source = self.ask_open_path(_("Import a signing identity"), P12_FILTER)
        if source is None:
            return None
        passphrase = self.ask_passphrase(_("Import a signing identity"),
                                         _("Passphrase of {file}:").format(file=source.name))
        if not passphrase:
            return None
        folder = self.folder

        def job(progress: Progress) -> tuple[Path, x509.Certificate | None]:
            progress(0, 0, _("Opening {file}").format(file=source.name))
            stored, root = folder.import_identity(source, passphrase)
            return stored.p12, root

        def done(result: tuple[Path, x509.Certificate | None]) -> None:
            from navtool_desktop.signing.identity import fingerprint

            p12, root = result
            if root is not None and not folder.is_trusted(root) and self.confirm(
                    _("Trust this district root?"),
                    _("{file} was issued by \u201c{root}\u201d. Signatures it issued will show as "
                      "trusted. Say yes only after checking this SHA-256 fingerprint with the "
                      "district, for example by phone:\n\n{fingerprint}").format(
                        file=source.name, root=root.subject.rfc4514_string(),
                        fingerprint=fingerprint(root))):
                folder.trust_root(root)
            self.refresh_identities(select=p12)
            self.status.setText(_("Imported {file}.").format(file=source.name))
            self.identities_changed.emit()

        return self._run(_("Importing a signing identity"), job, done)

    # --- checking -------------------------------------------------------------------------

    def check_pdf(self) -> Operation | None:
        path = self.ask_open_path(_("Check a signed PDF"))
        return self.verify_file(path) if path is not None else None

    def verify_file(self, path: Path) -> Operation:
        """Check every signature of ``path`` against the district's root certificates only."""
        from navtool_desktop.signing.errors import SigningError
        from navtool_desktop.signing.verify import verify_pdf

        self.tabs.setCurrentIndex(1)
        roots = self.folder.trust_roots()
        crls = self.folder.revocation_lists()
        self.verdict.setText(_("Checking {file}…").format(file=path.name))
        self.verify_view.clear()

        def job(progress: Progress) -> tuple[VerificationReport, list[str]]:
            from navtool_desktop.signing.sign import signature_fields

            progress(0, 0, _("Checking {file}").format(file=path.name))
            report = verify_pdf(path, roots, crls=crls)
            try:
                empty = [name for name, signed in signature_fields(path.read_bytes()) if not signed]
            except (OSError, SigningError):
                empty = []
            return report, empty

        def failed(exc: BaseException) -> None:
            self._set_verdict("bad", _("{mark} {file} cannot be checked: {error}").format(
                mark=BAD_MARK, file=path.name, error=exc))

        self.operation = run_job(self, _("Checking a signed PDF"), job, lambda found: self.show_report(*found),
                                 failed)
        return self.operation

    def _set_verdict(self, tone: str, text: str) -> None:
        self.verdict.setText(text)
        self.verdict.setProperty("tone", tone)
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def show_report(self, report: VerificationReport, empty_boxes: list[str] | None = None) -> None:
        """Show the verdict, what changed after signing (in red), each signature in words with marks,
        and the boxes still unsigned."""
        from navtool_desktop.signing.verify import NOT_TRUSTED, VALID

        if report.verdict == VALID:
            tone, mark = "ok", OK_MARK
        elif report.verdict == NOT_TRUSTED and not all(s.weakness for s in report.signatures
                                                       if s.verdict == NOT_TRUSTED):
            tone, mark = "warn", WARN_MARK
        else:  # changed after signing, a certificate problem, an algorithm no longer safe, not signed
            tone, mark = "bad", BAD_MARK
        self._set_verdict(tone, _("{mark} {file}: {summary}").format(mark=mark, file=report.file,
                                                                     summary=report.summary))
        parts = []
        if report.changes:
            parts.append("<h3>" + html.escape(_("Changed after signing")) + "</h3>")
            parts += [self._line("bad", c.text if c.kind == "rendered" else
                                 _("{what} (in revision {rev})").format(what=c.text, rev=c.revision + 1))
                      for c in report.changes]
        parts += [self._signature_html(n, sig) for n, sig in enumerate(report.signatures, 1)]
        if empty_boxes:
            parts.append("<h3>" + html.escape(_("Still to sign")) + "</h3><p>" + html.escape(
                _("{count} signature box(es) on the approval page are still empty ({fields}). The next "
                  "signer adds a signature with \u201cAdd a signature to a signed plan\u201d.").format(
                    count=len(empty_boxes), fields=", ".join(empty_boxes))) + "</p>")
        self.verify_view.setHtml("".join(parts))
        self.verified.emit(report)

    @staticmethod
    def _line(tone: str, text: str) -> str:
        mark = {"ok": OK_MARK, "bad": BAD_MARK, "warn": WARN_MARK}[tone]
        return (f'<p style="margin:2px 0"><span style="color:{_TONE_COLOURS[tone]}; font-weight:600">'
                f"{mark} {html.escape(text)}</span></p>")

    def _signature_html(self, n: int, sig: SignatureReport) -> str:
        from navtool_desktop.signing.verify import NO_CHANGES, NOT_TRUSTED, SIGNATURES_ONLY, changes_text

        who = ", ".join(p for p in (sig.signer_name, sig.role, sig.organization) if p) or _("unknown signer")
        when = (sig.signing_time.strftime("%Y-%m-%d %H:%M %Z") if sig.signing_time
                else _("time unknown"))
        parts = [
            f"<h3>{html.escape(_('Signature {n}: {who}').format(n=n, who=who))}</h3>",
            "<p>", html.escape(_("Signed {when} (as the signer's computer clock said; the certificate is "
                                 "checked as of this time)").format(when=when)), "</p>",
            self._line("ok", _("Intact: the signed content is unchanged")) if sig.intact else
            self._line("bad", _("Not intact: the signed content was altered")),
            self._line("ok", _("Valid: the signature was made with this certificate")) if sig.valid else
            self._line("bad", _("Invalid: the signature does not match")),
            self._line("ok", _("Trusted: issued by a district root certificate kept in this app")) if sig.trusted
            else self._line("bad", _("Not trusted: made with an algorithm or a key that is no longer safe (see below)"))
            if sig.weakness
            else self._line("warn", _("Not trusted: not issued by a district root certificate kept in this app")),
        ]
        if not sig.certificate_ok:
            parts.append(self._line("bad", _("Certificate problem at the signing time (see below)")))
        after = changes_text(sig.changes_after)
        if sig.changes_after in (NO_CHANGES, SIGNATURES_ONLY) and not sig.changes:
            parts.append(self._line("ok", _("Changed since: {what}").format(what=after)))
        else:
            parts.append(self._line("bad", _("Changed since: {what}").format(what=after)))
        parts.append("<p>" + html.escape(_("Certificate fingerprint (SHA-256): {fp}").format(
            fp=sig.fingerprint or "-")) + "</p>")
        bad = sig.verdict != NOT_TRUSTED or bool(sig.weakness)
        parts += [self._line("bad" if bad else "warn", problem) for problem in sig.problems]
        parts += ["<p>" + html.escape(note) + "</p>" for note in sig.notes]
        return "".join(parts)

    # --- drag and drop --------------------------------------------------------------------

    @staticmethod
    def _dropped_pdf(event: QDragEnterEvent | QDropEvent) -> Path | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".pdf"):
                return Path(url.toLocalFile())
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_pdf(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_pdf(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.verify_file(path)

