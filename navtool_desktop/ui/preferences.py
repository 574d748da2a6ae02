"""Edit > Preferences: the app's language (saved in the data folder, used from the next start),
and the last folder of each kind of file, so that every file dialog opens where the last one of
its kind was saved or opened (the USB stick), also after a restart.

Both live in the data folder's preferences file (:func:`navtool_desktop.i18n.read_preferences`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QVBoxLayout, QWidget

from navtool_desktop import i18n
from navtool_desktop.i18n import _
from navtool_desktop.ui.widgets import plain_label

#: The combo box's first choice: no saved language, follow the system.
SYSTEM = ""

#: The kinds of file whose folder is remembered, each apart: bundles (.navtool), PDFs (plans,
#: reports, sheets, signed plans), tables (CSV, XLSX), signing identities (.p12) and the
#: district root (.p12, kept on its own USB stick), district summaries for a coach (.navsummary,
#: saved by a district and imported by the coach). (Backups are made and restored without a
#: file dialog.)
FOLDER_KINDS: tuple[str, ...] = ("bundle", "pdf", "table", "identity", "root", "summary")
_FOLDERS = "folders"


def _folders() -> dict[str, str]:
    found = i18n.read_preferences().get(_FOLDERS)
    return {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}


def last_folder(kind: str) -> Path:
    """Where a file dialog for ``kind`` opens: the folder last used for that kind, while it
    exists (a USB stick may be out), else the home folder."""
    if kind not in FOLDER_KINDS:
        raise ValueError(kind)
    saved = _folders().get(kind)
    if saved:
        folder = Path(saved)
        try:
            if folder.is_absolute() and folder.is_dir():
                return folder
        except OSError:
            pass
    return Path.home()


def start_path(kind: str, name: str = "") -> str:
    """A file dialog's starting point: ``name`` in :func:`last_folder`."""
    folder = last_folder(kind)
    return str(folder / name) if name else str(folder)


#: The file dialogs' filter for a PDF.
PDF_FILTER = "PDF (*.pdf)"


def ask_pdf_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    """Where to save a PDF: a save dialog opening in the folder last used for PDFs, remembered."""
    name, _f = QFileDialog.getSaveFileName(parent, title, start_path("pdf", suggested), PDF_FILTER)
    if not name:
        return None
    remember_folder("pdf", name)
    return Path(name)


def remember_folder(kind: str, chosen: Path | str) -> None:
    """Remember the folder of a file (or the folder itself) chosen in a dialog for ``kind``.

    A preferences file that cannot be written costs only the remembering: nothing is shown.
    """
    if kind not in FOLDER_KINDS:
        raise ValueError(kind)
    path = Path(chosen)
    if not str(chosen):
        return
    folder = path if path.is_dir() else path.parent
    folders = _folders()
    folders[kind] = str(folder.absolute())
    with contextlib.suppress(OSError):
        i18n.save_preference(_FOLDERS, folders)


class PreferencesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Preferences"))
        self.language = QComboBox()
        system = i18n.LANGUAGES[i18n.system_language()]
        self.language.addItem(_("As the system ({language})").format(language=system), SYSTEM)
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.saved_language() or SYSTEM)))
        form = QFormLayout()
        form.addRow(_("Language:"), self.language)
        note = plain_label(_("The app uses the new language the next time it opens. "
                             "“navtool --lang es” or “--lang en” chooses for one start."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen_language(self) -> str | None:
        code = self.language.currentData()
        return code if code != SYSTEM else None

    def accept(self) -> None:
        from navtool_desktop.ui import messages

        try:
            i18n.save_language(self.chosen_language())
        except OSError as exc:
            messages.error(self, _("The preference was not saved"),
                           _("The app could not write its preferences file:\n\n{error}").format(error=exc))
            return
        super().accept()


def edit_preferences(parent: QWidget | None) -> None:
    PreferencesDialog(parent).exec()
