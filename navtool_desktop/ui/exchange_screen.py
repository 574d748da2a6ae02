"""Exchange: bundles between laptops (export my responses, import a folder), CSV and Excel.

The district store is used only on the GUI thread (it is not thread-safe, and other screens
save to it while a job runs): an export reads the store here and only serializes and writes
on the worker; an import only reads and checks the files on the worker, then merges here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.exchange import (
    SUFFIX,
    BundleContent,
    BundleError,
    CheckedFile,
    ImportSummary,
    make_content,
    merge_bundles,
    read_paths,
    save_bundle,
)
from navtool_desktop.exchange.bundle import carries_answers
from navtool_desktop.exchange.files import protection_reason, tally_warnings
from navtool_desktop.exchange.tables import Table, table_for, write_table
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.paths import file_stem
from navtool_desktop.storage.errors import StoreError
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui import messages, preferences
from navtool_desktop.ui.cycle_dialogs import merge_question, participant_text
from navtool_desktop.ui.operations import Operation, Progress, run_job
from navtool_desktop.ui.widgets import FlowLayout, plain_label


class ExchangeScreen(QWidget):
    """Move data between laptops with ``.navtool`` bundles; export tables for spreadsheets."""

    imported = Signal(object)  # ImportSummary
    import_failed = Signal(str)  # why nothing was imported
    exported = Signal(str)  # the file written

    def __init__(self, pack: Pack, store: DistrictStore, parent: Any = None) -> None:
        super().__init__(parent)
        self.pack = pack
        self.store = store
        self.operation: Operation | None = None
        self._import_path = Path()

        title = plain_label(_("Exchange between laptops"), object_name="pageTitle")
        intro = plain_label(_(
            "Participants export their responses to a file (on a USB stick, say); the "
            "facilitator imports a whole folder of them. Nothing is lost: the same file imported "
            "twice changes nothing, and when two laptops changed the same rating the newer one "
            "is kept and listed below."))

        self.cycle_box = QComboBox()
        self.cycle_box.setAccessibleName(_("Cycle"))
        self.cycle_box.currentIndexChanged.connect(self._fill_people)
        self.person_box = QComboBox()
        self.person_box.setAccessibleName(_("Participant"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Passphrase (optional)"))
        self.passphrase.setPlaceholderText(
            _("optional: protects a bundle you export; opens a protected one you import"))
        self.with_answers = QCheckBox(_("Include everyone's &ratings and written answers "
                                        "(to merge laptops at a retreat)"))
        self.with_answers.setToolTip(protection_reason())
        self.with_answers.toggled.connect(self._explain_answers)
        self.answers_note = plain_label(object_name="hint")
        form = QFormLayout()
        form.addRow(_("C&ycle"), self.cycle_box)
        form.addRow(_("Par&ticipant"), self.person_box)
        form.addRow(_("Pass&phrase"), self.passphrase)
        form.addRow(self.with_answers)
        form.addRow(self.answers_note)
        self._explain_answers()

        self.export_mine = QPushButton(_("Export &my responses…"))
        self.export_mine.clicked.connect(self.export_participant)
        self.export_cycle_button = QPushButton(_("Export this &cycle…"))
        self.export_cycle_button.clicked.connect(self.export_cycle)
        self.export_district_button = QPushButton(_("Export the whole &district…"))
        self.export_district_button.clicked.connect(self.export_district)
        self.summary_button = QPushButton(_("&Summary to CSV or Excel (small groups hidden)…"))
        self.summary_button.clicked.connect(lambda: self.export_spreadsheet("summary"))
        self.ratings_button = QPushButton(_("&Individual ratings to CSV or Excel…"))
        self.ratings_button.setToolTip(_("Every person's answers, row by row: raw data that stays "
                                         "with the facilitator. The file says so on its first line."))
        self.ratings_button.clicked.connect(lambda: self.export_spreadsheet("ratings"))
        self.actions_button = QPushButton(_("Plan &actions to CSV or Excel…"))
        self.actions_button.clicked.connect(lambda: self.export_spreadsheet("actions"))
        # rows that wrap rather than push the screen wider (Spanish runs longer)
        bundles = FlowLayout().add(self.export_mine, self.export_cycle_button, self.export_district_button)
        tables = FlowLayout().add(self.summary_button, self.ratings_button, self.actions_button)
        export_box = QGroupBox(_("Export"))
        export_layout = QVBoxLayout(export_box)
        export_layout.addLayout(form)
        export_layout.addLayout(bundles)
        export_layout.addLayout(tables)

        self.import_file_button = QPushButton(_("Import a &bundle…"))
        self.import_file_button.clicked.connect(self.import_file)
        self.import_folder_button = QPushButton(_("Import a f&older of bundles…"))
        self.import_folder_button.clicked.connect(self.import_folder)
        self.summary_view = QPlainTextEdit()
        self.summary_view.setReadOnly(True)
        self.summary_view.setAccessibleName(_("Import summary"))
        self.summary_view.setPlaceholderText(_("What an import added, updated and left unchanged "
                                               "shows here."))
        import_box = QGroupBox(_("Import"))
        import_layout = QVBoxLayout(import_box)
        row = QHBoxLayout()
        row.addWidget(self.import_file_button)
        row.addWidget(self.import_folder_button)
        row.addStretch(1)
        import_layout.addLayout(row)
        import_layout.addWidget(self.summary_view, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(export_box)
        layout.addWidget(import_box, 1)
        self.refresh()

    # --- lists --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Fill the cycle and participant lists from the store (newest cycle first)."""
        current = self.cycle_box.currentData()
        self.cycle_box.blockSignals(True)
        self.cycle_box.clear()
        for cycle in reversed(self.store.cycles()):
            self.cycle_box.addItem(f"{cycle.title} ({cycle.date})", cycle.id)
        index = self.cycle_box.findData(current)
        self.cycle_box.setCurrentIndex(max(index, 0))
        self.cycle_box.blockSignals(False)
        self._fill_people()

    def _fill_people(self) -> None:
        self.person_box.clear()
        cycle_id = self.cycle_box.currentData()
        if cycle_id:
            people = sorted(self.store.cycle(cycle_id).participants.values(),
                            key=lambda p: p.label.casefold())
            for person in people:  # with the role group: two "L-07" are told apart
                self.person_box.addItem(participant_text(person), person.id)
        self._update_buttons()

    def busy(self) -> bool:
        """Whether an export or import is running (its buttons are disabled meanwhile)."""
        return self.operation is not None and self.operation.running

    def _update_buttons(self) -> None:
        idle = not self.busy()
        has_cycle = bool(self.cycle_box.currentData())
        self.export_mine.setEnabled(idle and has_cycle and self.person_box.count() > 0)
        for button in (self.export_cycle_button, self.ratings_button, self.summary_button):
            button.setEnabled(idle and has_cycle)
        for button in (self.export_district_button, self.actions_button):
            button.setEnabled(idle)
        for button in (self.import_file_button, self.import_folder_button):
            button.setEnabled(idle and not self.store.read_only)

    def _start(self, title: str, job: Callable[[Progress], Any],
               on_done: Callable[[Any], None]) -> Operation:
        """Run ``job`` (which must not touch the store) with the buttons disabled meanwhile."""
        self.operation = run_job(self, title, job, on_done, self._job_failed)
        self._update_buttons()
        return self.operation

    def _job_failed(self, exc: BaseException) -> None:
        # run_job has shown the error already
        self.summary_view.setPlainText(str(exc) or repr(exc))
        self._update_buttons()

    def showEvent(self, event: Any) -> None:
        self.refresh()  # other screens may have added cycles or people meanwhile
        super().showEvent(event)

    # --- asking for files (tests replace these) ------------------------------------------

    def ask_save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        # The suffix may be added after the dialog, so replacing is asked by may_write.
        kind = "bundle" if suggested.endswith(SUFFIX) else "table"
        name, _filter = QFileDialog.getSaveFileName(self, title, preferences.start_path(kind, suggested), filters,
                                                    options=QFileDialog.Option.DontConfirmOverwrite)
        if name:
            preferences.remember_folder(kind, name)
        return Path(name) if name else None

    def ask_open_path(self) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Import a bundle"), preferences.start_path("bundle"),
                                                    _("Navigation Tool bundles (*{suffix})")
                                                    .format(suffix=SUFFIX))
        if name:
            preferences.remember_folder("bundle", name)
        return Path(name) if name else None

    def ask_folder(self) -> Path | None:
        name = QFileDialog.getExistingDirectory(self, _("Import a folder of bundles"),
                                                preferences.start_path("bundle"))
        if name:
            preferences.remember_folder("bundle", Path(name) / "any")  # the folder itself
        return Path(name) if name else None

    def confirm(self, title: str, text: str) -> bool:
        return messages.ask(self, title, text)

    def tell(self, title: str, text: str) -> None:
        messages.warn(self, title, text)

    def may_write(self, path: Path) -> bool:
        """Whether ``path`` may be written: a new name, or a replacement the user agreed to."""
        if not path.exists():
            return True
        return self.confirm(_("Replace the file?"),
                            _("{file} already exists. Replace it?").format(file=path.name))

    # --- export -------------------------------------------------------------------------

    def _secret(self) -> str | None:
        return self.passphrase.text() or None

    def _explain_answers(self) -> None:
        if self.with_answers.isChecked():
            text = _("The cycle and district bundles will carry every person's ratings, written "
                     "answers and paper tallies. Give a passphrase: {why}").format(why=protection_reason())
        else:
            text = _("A cycle or district bundle carries the participant list, the team's consensus "
                     "and the plans, but no one's ratings or written answers. \u201cExport my "
                     "responses\u201d always carries that person's own answers, so give it a "
                     "passphrase too.")
        self.answers_note.setText(text)

    def _bundle_filter(self) -> str:
        return _("Navigation Tool bundles (*{suffix})").format(suffix=SUFFIX)

    def export_participant(self) -> None:
        cycle_id, person_id = self.cycle_box.currentData(), self.person_box.currentData()
        if not (cycle_id and person_id):
            return
        name = f"{file_stem(self.person_box.currentText())}-{file_stem(self.cycle_box.currentText())}{SUFFIX}"
        out = self.ask_save_path(_("Export my responses"), name, self._bundle_filter())
        if out is not None:
            self._export_bundle(out, "participant", cycle_id, person_id)

    def export_cycle(self) -> None:
        cycle_id = self.cycle_box.currentData()
        if not cycle_id:
            return
        out = self.ask_save_path(_("Export this cycle"), f"{file_stem(self.cycle_box.currentText())}{SUFFIX}",
                                 self._bundle_filter())
        if out is not None:
            self._export_bundle(out, "cycle", cycle_id, None)

    def export_district(self) -> None:
        out = self.ask_save_path(_("Export the whole district"),
                                 f"{file_stem(self.store.profile.name)}{SUFFIX}", self._bundle_filter())
        if out is not None:
            self._export_bundle(out, "district", None, None)

    def _export_bundle(self, out: Path, kind: str, cycle_id: str | None,
                       participant_id: str | None) -> Operation | None:
        if self.busy():
            return None
        if out.suffix != SUFFIX:
            out = out.with_name(out.name + SUFFIX)
        if not self.may_write(out):
            return None
        secret = self._secret()
        try:  # read the store here, on the GUI thread
            content: BundleContent = make_content(self.store, self.pack, kind, cycle_id=cycle_id,
                                                  participant_id=participant_id,
                                                  answers=self.with_answers.isChecked())
        except (BundleError, StoreError) as exc:
            self._not_exported(exc)
            return None
        if carries_answers(content) and not secret and not self.confirm(
                _("Export without a passphrase?"),
                _("This bundle holds individual ratings or written answers and has no passphrase. "
                  "{why}\n\nWrite it unprotected anyway?").format(why=protection_reason())):
            self.summary_view.setPlainText(_("Nothing was exported: give a passphrase first."))
            return None

        def job(progress: Progress) -> Path:  # no store here: serialize, zip, encrypt, write
            progress(0, 0, _("Writing {file}").format(file=out.name))
            return save_bundle(content, out, secret)

        return self._start(_("Exporting a bundle"), job, self._exported)

    def _not_exported(self, exc: Exception) -> None:
        self.summary_view.setPlainText(str(exc))
        self.tell(_("Nothing was exported"), str(exc))

    def export_spreadsheet(self, what: str) -> Operation | None:
        if self.busy():
            return None
        cycle_id = self.cycle_box.currentData() if what != "actions" else None
        names = {"summary": _("{name}-summary.xlsx"), "ratings": _("{name}-ratings.xlsx"),
                 "actions": _("{name}-actions.xlsx")}
        suggested = names[what].format(name=file_stem(self.cycle_box.currentText() if cycle_id
                                                      else self.store.profile.name))
        out = self.ask_save_path(_("Export to a spreadsheet"), suggested,
                                 _("Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)"))
        if out is None:
            return None
        if out.suffix.lower() not in (".csv", ".xlsx"):
            out = out.with_name(out.name + ".xlsx")
        if not self.may_write(out):
            return None
        fmt = out.suffix.lower().lstrip(".")
        try:  # read the store here, on the GUI thread
            table: Table = table_for(self.store, self.pack, what, cycle_id)
        except (BundleError, StoreError) as exc:
            self._not_exported(exc)
            return None

        def job(progress: Progress) -> Path:  # no store here
            progress(0, 0, _("Writing {file}").format(file=out.name))
            write_table(table, out, what=what, fmt=fmt)
            return out

        return self._start(_("Exporting a spreadsheet"), job, self._exported)

    def _exported(self, out: Path) -> None:
        self._update_buttons()
        self.summary_view.setPlainText(_("Wrote {file}").format(file=out))
        self.exported.emit(str(out))

    # --- import -------------------------------------------------------------------------

    def import_file(self) -> None:
        path = self.ask_open_path()
        if path is not None:
            self.start_import(path)

    def import_folder(self) -> None:
        folder = self.ask_folder()
        if folder is not None:
            self.start_import(folder)

    def ask_passphrase(self, count: int) -> str | None:
        text, ok = QInputDialog.getText(
            self, _("Protected bundles"),
            _("{count} of the bundles are protected by a passphrase. Enter it to import them:").format(count=count)
            if count > 1 else _("The bundle is protected by a passphrase. Enter it to import it:"),
            QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def start_import(self, path: Path, secret: str | None = None) -> Operation | None:
        """Read and check the bundles at ``path`` on a worker, then merge them here (on the
        GUI thread, where the store lives) and show the summary. Protected bundles found
        without a passphrase make it ask for one and read again."""
        if self.busy() or self.store.read_only:
            return None
        secret, pack = secret or self._secret(), self.pack
        self._import_path = path
        self.summary_view.setPlainText(_("Importing {path}…").format(path=path))

        def job(progress: Progress) -> list[CheckedFile]:  # no store here: files only
            return read_paths([path], pack, passphrase=secret, progress=progress)

        return self._start(_("Importing bundles"), job, self._merge)

    def _merge(self, checked: list[CheckedFile]) -> None:
        """The files are checked: merge them into the store (on the GUI thread)."""
        locked = sum(1 for c in checked if c.locked)
        if locked:
            secret = self.ask_passphrase(locked)
            if secret is not None:
                self.start_import(self._import_path, secret)
                return
        try:
            summary = merge_bundles(self.store.repo, self.pack, checked, self.store)
        except (BundleError, StoreError) as exc:
            self._update_buttons()
            self.summary_view.setPlainText(str(exc))
            self.refresh()
            self.import_failed.emit(str(exc))
            self.tell(_("Importing bundles: it did not work"), str(exc))
            return
        accepted = set(summary.imported)
        self._imported(summary, tally_warnings([c for c in checked if c.source in accepted],
                                               self.pack))

    def _imported(self, summary: ImportSummary, warnings: list[str] | None = None) -> None:
        self._update_buttons()
        text = summary.text()
        if warnings:
            text += "\n" + _("Check these counts:") + "\n" + "\n".join(f"  - {w}" for w in warnings)
        self.summary_view.setPlainText(text)
        if not summary.dry_run:
            self.ask_about_duplicates(summary)
        self.refresh()
        self.imported.emit(summary)

    def ask_about_duplicates(self, summary: ImportSummary) -> int:
        """For each imported participant who looks like someone already here, ask whether
        they are the same person, and merge them if so. Returns how many were merged."""
        merged = 0
        for dup in summary.duplicates:
            try:
                data = self.store.cycle(dup.cycle_id)
            except StoreError:
                continue
            keep, drop = data.participants.get(dup.existing_id), data.participants.get(dup.incoming_id)
            if keep is None or drop is None or data.cycle.status != "open":
                continue
            question = _("{file} adds \u201c{incoming}\u201d to \u201c{title}\u201d, and this laptop "
                         "already has \u201c{existing}\u201d. Are they the same person?").format(
                file=dup.source, incoming=dup.incoming, title=dup.cycle_title, existing=dup.existing)
            question += "\n\n" + merge_question(self.pack, keep, drop, list(data.ratings.values()))
            if not self.confirm(_("The same person twice?"), question):
                continue
            try:
                self.store.merge_participants(dup.cycle_id, keep.id, drop.id)
            except StoreError as exc:
                self.tell(_("Not merged"), str(exc))
                continue
            merged += 1
        if merged:
            self.summary_view.appendPlainText(_("Merged {n} participant(s) who were the same person.")
                                              .format(n=merged))
        return merged
