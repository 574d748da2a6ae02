"""The dialog that creates a signing identity: signer, passphrase, and a new or an existing root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.i18n import _
from navtool_desktop.ui import preferences
from navtool_desktop.ui.widgets import plain_label

P12_FILTER = "PKCS#12 (*.p12 *.pfx)"


@dataclass(frozen=True)
class IdentityRequest:
    """What the dialog asks for; exactly one of ``new_root`` and ``existing_root`` is set."""

    name: str
    role: str
    organization: str
    passphrase: str
    new_root: Path | None
    existing_root: Path | None
    root_passphrase: str


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class CreateIdentityDialog(QDialog):
    """Asks for a signer and the root that issues the certificate; :meth:`request` checks it."""

    def __init__(self, organization: str, parent: QWidget | None = None, *, has_root: bool = False,
                 roles: tuple[str, ...] = ()) -> None:
        """``has_root``: the district has a root already, so issuing from it is the default.
        ``roles``: the roles of the plan's signature boxes, offered as the role is typed (the
        role in the certificate picks the box its holder signs)."""
        super().__init__(parent)
        self.setWindowTitle(_("Create a signing identity"))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Signer's full name"))
        self.role = QLineEdit()
        self.role.setAccessibleName(_("Role"))
        self.role.setPlaceholderText(_("for example Superintendent or Board chair"))
        if roles:
            from PySide6.QtWidgets import QCompleter

            completer = QCompleter(list(roles), self.role)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.role.setCompleter(completer)
            self.role.setPlaceholderText(_("as on the plan's signature box: {roles}").format(roles=", ".join(roles)))
        self.organization = QLineEdit(organization)
        self.organization.setAccessibleName(_("District"))
        self.passphrase = _password_field(_("Passphrase"))
        self.passphrase_again = _password_field(_("Passphrase again"))
        form = QFormLayout()
        form.addRow(_("Signer's full name"), self.name)
        form.addRow(_("Role"), self.role)
        form.addRow(_("District"), self.organization)
        form.addRow(_("Passphrase (8 characters or more)"), self.passphrase)
        form.addRow(_("Passphrase again"), self.passphrase_again)

        self.new_root = QRadioButton(_("Create a new district root (the first identity of the district)"))
        self.existing_root = QRadioButton(_("Issue from the district's existing root .p12"))
        # one wrong Enter must not give the district a second root
        (self.existing_root if has_root else self.new_root).setChecked(True)
        self.root_path = QLineEdit()
        self.root_path.setAccessibleName(_("Root .p12 file"))
        self.root_browse = QPushButton(_("Choose…"))
        self.root_browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.root_path, 1)
        path_row.addWidget(self.root_browse)
        self.root_passphrase = _password_field(_("Root passphrase"))
        self.root_passphrase_again = _password_field(_("Root passphrase again"))
        self.root_hint = plain_label(object_name="hint")
        root_form = QFormLayout()
        self.root_path_label = plain_label(_("Save the new root as"), wrap=False)
        root_form.addRow(self.root_path_label, path_row)
        root_form.addRow(_("Root passphrase"), self.root_passphrase)
        self.root_again_label = plain_label(_("Root passphrase again"), wrap=False)
        root_form.addRow(self.root_again_label, self.root_passphrase_again)
        self.new_root.toggled.connect(self._mode_changed)

        self.problem = plain_label(object_name="formProblem")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.new_root)
        layout.addWidget(self.existing_root)
        layout.addLayout(root_form)
        layout.addWidget(self.root_hint)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._mode_changed()

    def _mode_changed(self) -> None:
        new = self.new_root.isChecked()
        self.root_path_label.setText(_("Save the new root as") if new else _("Existing root .p12"))
        self.root_path.setPlaceholderText(_("a new file, on a USB stick kept in a safe") if new
                                          else _("the district root file, from its USB stick"))
        self.root_passphrase_again.setVisible(new)
        self.root_again_label.setVisible(new)
        self.root_hint.setText(
            _("The root's own .p12 issues every signer's certificate. Save it on a USB stick kept "
              "in a safe, not on this computer, and give it its own passphrase.") if new else
            _("Open the district root .p12 (from its USB stick) with the root passphrase."))

    def ask_root_path(self, new: bool) -> Path | None:
        """The root file: where to save a new one, or which one to open (tests replace this)."""
        if new:
            name, _f = QFileDialog.getSaveFileName(
                self, _("Save the new district root"), preferences.start_path("root", "district-root.p12"),
                P12_FILTER, options=QFileDialog.Option.DontConfirmOverwrite)
        else:
            name, _f = QFileDialog.getOpenFileName(self, _("Open the district root"),
                                                   preferences.start_path("root"), P12_FILTER)
        if name:
            preferences.remember_folder("root", name)
        return Path(name) if name else None

    def _browse(self) -> None:
        path = self.ask_root_path(self.new_root.isChecked())
        if path is not None:
            self.root_path.setText(str(path))

    def request(self) -> IdentityRequest | None:
        """The filled-in request, or None with the reason shown under the form."""
        new = self.new_root.isChecked()
        root_text = self.root_path.text().strip()
        checks = [
            (not self.name.text().strip(), _("Type the signer's full name.")),
            (not self.role.text().strip(), _("Type the signer's role, for example Superintendent.")),
            (not self.organization.text().strip(), _("Type the district's name.")),
            (not self.passphrase.text(), _("Choose a passphrase for the signer.")),
            (self.passphrase.text() != self.passphrase_again.text(), _("The two passphrases differ.")),
            (not root_text, _("Choose where to save the new district root (Choose\u2026): a new file, best on a "
                              "USB stick.") if new else _("Choose the district's existing root .p12 file.")),
            (new and Path(root_text).exists(),
             _("That root file already exists: choose a new name, or issue from the existing root.")),
            (not self.root_passphrase.text(), _("Type the root passphrase.")),
            (new and self.root_passphrase.text() != self.root_passphrase_again.text(),
             _("The two root passphrases differ.")),
        ]
        for failed, message in checks:
            if failed:
                self.problem.setText(message)
                return None
        root = Path(root_text)
        if new and root.suffix.lower() not in (".p12", ".pfx"):
            root = root.with_name(root.name + ".p12")
        self.problem.setText("")
        return IdentityRequest(
            name=self.name.text().strip(), role=self.role.text().strip(),
            organization=self.organization.text().strip(), passphrase=self.passphrase.text(),
            new_root=root if new else None, existing_root=None if new else root,
            root_passphrase=self.root_passphrase.text())

    def _accept(self) -> None:
        if self.request() is not None:
            self.accept()

    def exec_request(self) -> IdentityRequest | None:
        """Show the dialog; the request when the user pressed Create."""
        return self.request() if self.exec() == QDialog.DialogCode.Accepted else None


@dataclass(frozen=True)
class PlanSignersRequest:
    """The signature boxes of a plan, in order, as (role, expected name), and its meeting day."""

    signers: tuple[tuple[str, str], ...]
    meeting_date: str


class PlanSignersDialog(QDialog):
    """Sets which boxes the plan's approval page has (one line per box: ``Role, Name``) and the
    day of the board meeting that adopts it."""

    def __init__(self, signers: list[tuple[str, str]], meeting_date: str, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QCheckBox, QPlainTextEdit

        from navtool_desktop.ui.editors import date_edit

        super().__init__(parent)
        self.setWindowTitle(_("Signature boxes and meeting"))
        self.boxes = QPlainTextEdit("\n".join(f"{role}, {name}".rstrip(", ") for role, name in signers))
        self.boxes.setAccessibleName(_("Signature boxes, one per line: role, name"))
        self.has_meeting = QCheckBox(_("Adopted at the board meeting of"))
        self.meeting = date_edit(meeting_date)
        self.meeting.setAccessibleName(_("Meeting date"))
        self.has_meeting.setChecked(bool(meeting_date))
        self.meeting.setEnabled(bool(meeting_date))
        self.has_meeting.toggled.connect(self.meeting.setEnabled)
        self.problem = plain_label(object_name="formError")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        meeting_row = QHBoxLayout()
        meeting_row.addWidget(self.has_meeting)
        meeting_row.addWidget(self.meeting, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_(
            "One line per signature box, in order: the role, then a comma and the name of the person "
            "expected to sign (optional). Each signer signs the box of the role in their certificate; "
            "the stamp always shows the name in the certificate.")))
        layout.addWidget(self.boxes, 1)
        layout.addLayout(meeting_row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def request(self) -> PlanSignersRequest | None:
        """What the dialog says, or None (with the reason shown) when it cannot be saved."""
        from navtool_desktop.core.records import MAX_PLAN_SIGNERS

        signers = []
        for line in self.boxes.toPlainText().splitlines():
            if not line.strip():
                continue
            role, _sep, name = line.partition(",")
            signers.append((role.strip(), name.strip()))
        roles = [role.casefold() for role, _name in signers]
        if not signers or any(not role for role in roles):
            self.problem.setText(_("Give at least one box, each with its role."))
            return None
        if len(set(roles)) != len(roles):
            self.problem.setText(_("Each box needs a role of its own."))
            return None
        if len(signers) > MAX_PLAN_SIGNERS:
            self.problem.setText(_("At most {n} boxes fit on the approval page.").format(n=MAX_PLAN_SIGNERS))
            return None
        if any(len(role) > 64 or len(name) > 64 for role, name in signers):
            self.problem.setText(_("A role or a name is at most 64 characters."))
            return None
        meeting = self.meeting.date().toString("yyyy-MM-dd") if self.has_meeting.isChecked() else ""
        return PlanSignersRequest(tuple(signers), meeting)

    def _accept(self) -> None:
        if self.request() is not None:
            self.accept()

    def exec_request(self) -> PlanSignersRequest | None:
        return self.request() if self.exec() == QDialog.DialogCode.Accepted else None
