"""Districts in this data folder: switch to another, start a new one, or add one from a bundle.

A regional coach serves several districts, and a second laptop at a retreat starts from the
facilitator's bundle: both begin here (File > Districts…).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core.records import District
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.errors import StoreError
from navtool_desktop.storage.repository import Repository
from navtool_desktop.ui import messages, preferences
from navtool_desktop.ui.operations import Operation, Progress, run_job
from navtool_desktop.ui.widgets import plain_label

if TYPE_CHECKING:
    from navtool_desktop.exchange import BundleContent
    from navtool_desktop.exchange.merge import ImportSummary


def add_district_from_bundle(repo: Repository, pack: Pack,
                             content: BundleContent) -> tuple[str, ImportSummary]:
    """Merge a bundle already read and checked (a district this laptop does not have yet,
    or more of one it has); return the district's id and the import's summary.

    Raises the exchange's BundleError (a plain message) when the bundle is refused.
    """
    from navtool_desktop.exchange import BundleError, CheckedFile, merge_bundles

    summary = merge_bundles(repo, pack, [CheckedFile(content.source, content)], None)
    if summary.refused:
        raise BundleError(summary.refused[0][1])
    return content.district.id, summary


class DistrictsDialog(QDialog):
    """Choose the district to work on. ``chosen`` is its id after the dialog is accepted."""

    added = Signal(str)  # the id of a district added (or completed) from a bundle
    settled = Signal()  # adding from a bundle ended: added, refused or given up

    def __init__(self, repo: Repository, pack: Pack, current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo, self.pack, self.current = repo, pack, current
        self.chosen: str | None = None
        self.setWindowTitle(_("Districts"))
        self.setMinimumSize(480, 380)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Districts in this data folder"))
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.new_button = QPushButton(_("&New district…"))
        self.new_button.clicked.connect(self.new_district)
        self.bundle_button = QPushButton(_("Add from a &bundle file…"))
        self.bundle_button.setToolTip(_("A .navtool file from another laptop (a cycle or a whole district)"))
        self.bundle_button.clicked.connect(self.add_from_bundle)
        self.network_button = QPushButton(_("Open the net&work workspace…"))
        self.network_button.setToolTip(_("For a coach or network: many districts' signed summaries side by side"))
        self.network_button.clicked.connect(self.open_network)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.bundle_button)
        row.addStretch(1)
        row.addWidget(self.network_button)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("The districts kept in this data folder. Open one to work on it.")))
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.operation: Operation | None = None
        self._update_buttons()
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        self.list.clear()
        for summary in self.repo.list_districts():
            label = summary.name + (f", {summary.state}" if summary.state else "")
            if summary.id == self.current:
                label += "  " + _("(open now)")
            if summary.problem:
                label += "  " + _("(damaged: {problem})").format(problem=summary.problem)
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            self.list.addItem(item)
            if summary.id == (select or self.current):
                self.list.setCurrentItem(item)

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        super().accept()

    # --- asking (small methods, so tests can answer for the person) -------------------------

    def ask_name(self) -> str | None:
        name, ok = QInputDialog.getText(self, _("New district"), _("District name:"))
        return name.strip() if ok and name.strip() else None

    def ask_bundle(self) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Add a district from a bundle"),
                                                    preferences.start_path("bundle"),
                                                    _("Navigation Tool bundles (*.navtool)"))
        if path:
            preferences.remember_folder("bundle", path)
        return Path(path) if path else None

    def ask_passphrase(self, name: str) -> str | None:
        text, ok = QInputDialog.getText(self, _("Protected bundle"),
                                        _("{file} is protected. Its passphrase:").format(file=name),
                                        QLineEdit.EchoMode.Password)
        return text if ok and text else None

    # --- actions --------------------------------------------------------------------------------

    def open_network(self) -> None:
        """Open the coach's network workspace (beside the district window) and close this dialog."""
        from navtool_desktop import paths
        from navtool_desktop.network.workspace import WorkspaceError
        from navtool_desktop.ui.network_window import open_network_window

        try:
            self.network_window = open_network_window(paths.network_dir(self.repo.folder), self.pack, None)
        except WorkspaceError as exc:  # busy, damaged, or made by a newer version
            messages.warn(self, _("The network workspace did not open"), str(exc))
            return
        self.reject()

    def new_district(self) -> None:
        name = self.ask_name()
        if name is None:
            return
        try:
            store = self.repo.create_district(District(name=name))
        except StoreError as exc:
            messages.warn(self, _("The district was not created"), str(exc))
            return
        self.refresh(select=store.id)

    def busy(self) -> bool:
        """Whether a bundle is being read (its button is disabled meanwhile)."""
        return self.operation is not None and self.operation.running

    def add_from_bundle(self, path: Path | None = None, passphrase: str | None = None) -> Operation | None:
        """Read and check a bundle on a worker thread (a big or hostile file never freezes
        the window), then merge it here, on the GUI thread that owns the repository.
        A protected bundle makes it ask for the passphrase and read again."""
        from navtool_desktop.exchange import PassphraseError, read_bundle_file

        if self.busy():
            return None
        path = path or self.ask_bundle()
        if path is None:
            return None
        pack = self.pack

        def job(progress: Progress) -> BundleContent | PassphraseError:  # no repository here
            progress(0, 0, _("Checking {file}").format(file=path.name))
            try:
                return read_bundle_file(path, pack, passphrase)
            except PassphraseError as exc:
                return exc  # asked for on the GUI thread

        def done(result: BundleContent | PassphraseError) -> None:
            self._update_buttons()
            if isinstance(result, PassphraseError):
                if not result.needed:
                    messages.warn(self, _("Wrong passphrase"), str(result))
                again = self.ask_passphrase(path.name)
                if again is None or self.add_from_bundle(path, again) is None:
                    self.settled.emit()
                return
            self._merge(result)
            self.settled.emit()

        def failed(exc: BaseException) -> None:
            from navtool_desktop.exchange.files import refusal

            self._update_buttons()
            messages.warn(self, _("The bundle was not added"), refusal(exc))
            self.settled.emit()

        self.operation = run_job(self, _("Adding a district from a bundle"), job, done, failed,
                                 show_errors=False)
        self._update_buttons()
        return self.operation

    def _merge(self, content: BundleContent) -> None:
        from navtool_desktop.exchange import BundleError

        try:
            district_id, summary = add_district_from_bundle(self.repo, self.pack, content)
        except (BundleError, StoreError) as exc:
            messages.warn(self, _("The bundle was not added"), str(exc))
            return
        if summary.needs_a_look:  # conflicts, a wrong clock, deletions...: a person decides
            messages.inform(self, _("The bundle was added"), summary.text())
        self.refresh(select=district_id)
        self.added.emit(district_id)

    def _update_buttons(self) -> None:
        writable = not self.repo.read_only
        self.new_button.setEnabled(writable and not self.busy())
        self.bundle_button.setEnabled(writable and not self.busy())


def choose_district(repo: Repository, pack: Pack, current: str | None, parent: Any = None) -> str | None:
    """Show the dialog; the id of the district to open, or None to stay."""
    dialog = DistrictsDialog(repo, pack, current, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen == current:
        return None
    return dialog.chosen
