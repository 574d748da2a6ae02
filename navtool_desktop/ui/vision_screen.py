"""Shared Vision: the district profile, saved as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core.records import TeamMember, utc_now
from navtool_desktop.i18n import _
from navtool_desktop.storage.repository import DistrictStore
from navtool_desktop.ui.saving import try_save

#: Typing pauses this long (ms) before the profile is saved.
SAVE_DELAY_MS = 400


class VisionScreen(QWidget):
    """Edit the district's name, state, vision, portrait of a graduate and leadership team."""

    saved = Signal(object)  # District
    save_failed = Signal(str)

    def __init__(self, store: DistrictStore, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        profile = store.profile
        self._unsaved = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)

        title = QLabel(_("Shared Vision"))
        title.setObjectName("pageTitle")
        intro = QLabel(_("Who the district is and where it wants to go. Everything here is saved "
                         "as you type."))
        intro.setWordWrap(True)
        self.status = QLabel(_("Saved"))
        self.status.setObjectName("saveStatus")
        self.status.setAccessibleName(_("Save status"))

        self.name = QLineEdit(profile.name)
        self.state = QLineEdit(profile.state)
        self.vision = QPlainTextEdit(profile.vision)
        self.portrait = QPlainTextEdit(profile.portrait_of_graduate)
        for edit, label in ((self.name, _("District name")), (self.state, _("State")),
                            (self.vision, _("Vision statement")),
                            (self.portrait, _("Portrait of a graduate"))):
            edit.setAccessibleName(label)
            edit.textChanged.connect(self._changed)
        self.vision.setTabChangesFocus(True)
        self.portrait.setTabChangesFocus(True)

        self.team = QTableWidget(0, 2)
        self.team.setHorizontalHeaderLabels([_("Name"), _("Role")])
        self.team.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.team.setAccessibleName(_("Leadership team"))
        self.team.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for member in profile.team:
            self._append_member(member.name, member.role)
        self.team.itemChanged.connect(self._changed)
        add = QPushButton(_("Add member"))
        add.clicked.connect(self.add_member)
        remove = QPushButton(_("Remove member"))
        remove.clicked.connect(self.remove_member)

        form = QFormLayout()
        form.addRow(_("&District name"), self.name)
        form.addRow(_("&State"), self.state)
        form.addRow(_("&Vision statement"), self.vision)
        form.addRow(_("&Portrait of a graduate"), self.portrait)
        head = QHBoxLayout()
        head.addWidget(title, 1)
        head.addWidget(self.status, 0, Qt.AlignmentFlag.AlignRight)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(intro)
        layout.addLayout(form, 2)
        team_title = QLabel(_("Leadership team"))
        team_title.setObjectName("sectionTitle")
        layout.addWidget(team_title)
        layout.addWidget(self.team, 1)
        layout.addLayout(buttons)
        if store.read_only:
            for w in (self.name, self.state, self.vision, self.portrait, self.team, add, remove):
                w.setEnabled(False)
            self.status.setText(_("Read-only"))

    def _append_member(self, name: str, role: str) -> None:
        row = self.team.rowCount()
        self.team.insertRow(row)
        self.team.setItem(row, 0, QTableWidgetItem(name))
        self.team.setItem(row, 1, QTableWidgetItem(role))

    def add_member(self) -> None:
        self.team.blockSignals(True)
        self._append_member("", "")
        self.team.blockSignals(False)
        self.team.setCurrentCell(self.team.rowCount() - 1, 0)
        self.team.editItem(self.team.item(self.team.rowCount() - 1, 0))

    def remove_member(self) -> None:
        row = self.team.currentRow()
        if row >= 0:
            self.team.removeRow(row)
            self._changed()

    def _changed(self, *_args: object) -> None:
        self._unsaved = True
        self.status.setText(_("Saving…"))
        self._timer.start()

    def pending(self) -> bool:
        """Whether an edit is not on disk yet (typed, or refused by the store)."""
        return self._timer.isActive() or self._unsaved

    def reload(self) -> None:
        """Show the profile as saved now (an import may have brought a newer one).

        Never while an edit waits to be saved: that edit is newer and is kept.
        """
        if self.pending():
            return
        profile = self.store.profile
        for edit, text in ((self.name, profile.name), (self.state, profile.state)):
            if edit.text() != text:
                edit.blockSignals(True)
                edit.setText(text)
                edit.blockSignals(False)
        for area, text in ((self.vision, profile.vision),
                           (self.portrait, profile.portrait_of_graduate)):
            if area.toPlainText() != text:
                area.blockSignals(True)
                area.setPlainText(text)
                area.blockSignals(False)
        if self._members() != profile.team or self.team.rowCount() != len(profile.team):
            self.team.blockSignals(True)
            self.team.setRowCount(0)
            for member in profile.team:
                self._append_member(member.name, member.role)
            self.team.blockSignals(False)
        if not self.store.read_only:
            self.status.setText(_("Saved"))

    def showEvent(self, event: Any) -> None:
        """Come back to the profile as saved: an import may have changed it meanwhile."""
        super().showEvent(event)
        if not event.spontaneous():
            self.reload()

    def _members(self) -> tuple[TeamMember, ...]:
        members = []
        for row in range(self.team.rowCount()):
            name = (self.team.item(row, 0).text() if self.team.item(row, 0) else "").strip()
            role = (self.team.item(row, 1).text() if self.team.item(row, 1) else "").strip()
            if name:
                members.append(TeamMember(name=name, role=role))
        return tuple(members)

    def flush(self) -> bool:
        """The close contract (``ui/saving.py``): save the profile now; False if not saved."""
        return self.save_now()

    def unsaved_text(self) -> str:
        return _("Shared Vision: the district profile")

    def save_now(self) -> bool:
        """Save the profile at once (also called when the window closes); False if not saved."""
        self._timer.stop()
        name = self.name.text().strip()
        if not name:
            self.status.setText(_("Not saved: the district needs a name"))
            return False
        profile = self.store.profile.replace(
            name=name, state=self.state.text().strip(), vision=self.vision.toPlainText(),
            portrait_of_graduate=self.portrait.toPlainText(), team=self._members(),
            updated=utc_now())
        saved = try_save(self, lambda: self.store.save_profile(profile), store=self.store,
                         status=self.status, on_error=self.save_failed.emit)
        if saved is None:
            return False
        self._unsaved = False
        self.saved.emit(saved)
        return True
