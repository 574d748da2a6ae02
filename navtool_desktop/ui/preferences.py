"""Edit > Preferences: the app's language (saved in the data folder, used from the next start)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from navtool_desktop import i18n
from navtool_desktop.i18n import _
from navtool_desktop.ui.widgets import plain_label

#: The combo box's first choice: no saved language, follow the system.
SYSTEM = ""


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
