"""Open the user's data at start-up: the lock, a damaged store, the first district."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from navtool_desktop.core.records import District
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.backup import newest_good, restorable_files
from navtool_desktop.storage.errors import (
    DamagedStoreError,
    FolderReadOnlyError,
    StoreError,
    StoreLockedError,
)
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui import messages


class FirstDistrictDialog(QDialog):
    """Name the district on first use, or start from the demo district to look around."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Welcome"))
        self.want_demo = False
        self.want_bundle = False
        self.name = QLineEdit()
        self.name.setAccessibleName(_("District name"))
        self.name.textChanged.connect(lambda _text: self.error.clear())
        self.state = QLineEdit()
        self.state.setAccessibleName(_("State"))
        intro = QLabel(_("Which district is this for? You can change it later under Shared Vision."))
        intro.setWordWrap(True)
        self.error = QLabel()
        form = QFormLayout()
        form.addRow(_("&District name"), self.name)
        form.addRow(_("&State"), self.state)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        demo = QPushButton(_("Look around with a demo district"))
        demo.clicked.connect(self._demo)
        bundle = QPushButton(_("Start from a bundle file (from another laptop)…"))
        bundle.clicked.connect(self._bundle)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(demo)
        layout.addWidget(bundle)
        layout.addWidget(buttons)

    def _demo(self) -> None:
        self.want_demo = True
        super().accept()

    def _bundle(self) -> None:
        self.want_bundle = True
        super().accept()

    def accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText(_("Enter the district's name, or start from the demo district or a bundle file."))
            return
        super().accept()


def open_repository(parent: QWidget | None = None, *, ask: bool = True) -> Repository | None:
    """The data folder, locked for writing; read-only if the user accepts that; else None.

    With ``ask=False`` nothing is asked: a locked folder opens read-only. A folder that
    cannot be written to (a read-only disk or share) opens read-only without asking; the
    reason is kept in ``read_only_reason`` for the window's banner.
    """
    try:
        repo = Repository()
        if repo.recovered and ask:
            messages.inform(parent, _("An interrupted restore"), "\n".join(repo.recovered))
        return repo
    except FolderReadOnlyError as exc:
        return _read_only(str(exc))
    except StoreLockedError as exc:
        if not ask:
            return _read_only(str(exc))
        if messages.ask(parent, _("Already open"),
                        _("{reason}\n\nOpen the data read-only, to look without changing anything?")
                        .format(reason=exc), default_yes=True):
            return _read_only(str(exc))
    except StoreError as exc:
        if ask:
            messages.error(parent, _("Your data cannot be opened"), str(exc))
    return None


def _read_only(reason: str) -> Repository:
    repo = Repository(read_only=True)
    repo.read_only_reason = reason
    return repo


def open_district(repo: Repository, pack: Pack, parent: QWidget | None = None, *,
                  ask: bool = True) -> DistrictStore | None:
    """The district used last time; a restore offer if it is damaged; or a new one.

    With ``ask=False`` no dialog opens: a damaged or missing district gives None.
    """
    try:
        store = repo.open_last()
    except DamagedStoreError as exc:
        return _offer_restore(repo, exc, parent) if ask else None
    except StoreError as exc:
        if ask:
            messages.error(parent, _("The district cannot be opened"), str(exc))
        return None
    if store is not None or repo.read_only or not ask:
        return store
    districts = repo.list_districts()
    healthy = [d for d in districts if d.problem is None]
    if healthy:
        return repo.open_district(healthy[0].id)
    dialog = FirstDistrictDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    if dialog.want_bundle:
        from navtool_desktop.ui.districts import DistrictsDialog

        districts = DistrictsDialog(repo, pack, None, parent)
        loop = QEventLoop()  # the window stays live while the bundle is read on a worker
        districts.settled.connect(loop.quit)
        if districts.add_from_bundle() is not None:
            loop.exec()
        if districts.list.count() == 0 or districts.exec() != QDialog.DialogCode.Accepted:
            return None
        return repo.open_district(districts.chosen) if districts.chosen else None
    if dialog.want_demo:
        from navtool_desktop.core.demo import generate
        from navtool_desktop.storage.demo import save_demo

        return save_demo(repo, generate(pack))
    return repo.create_district(District(name=dialog.name.text().strip(),
                                         state=dialog.state.text().strip()))


def _offer_restore(repo: Repository, exc: DamagedStoreError,
                   parent: QWidget | None) -> DistrictStore | None:
    """Offer the newest good backup: only the damaged file when the backup has it (the
    district's other files hold newer work and stay), else the whole district."""
    backup = newest_good(exc.backups)
    if backup is None:
        messages.error(parent, _("The district's data is damaged"),
                       _("{reason}\n\nThere is no backup to restore.").format(reason=exc))
        return None
    when = backup.created + (_(" (dated in the future: the clock was wrong)")
                             if backup.in_future else "")
    district_folder = repo.districts_folder / backup.district_id
    try:
        name = exc.path.relative_to(district_folder).as_posix()
    except ValueError:
        name = ""
    single = bool(name) and name in restorable_files(backup)
    if single:
        question = _("{reason}\n\nBring back {file} alone from the newest good backup, from "
                     "{when}? The district's other files are not damaged and stay as they are, "
                     "with everything saved since.").format(reason=exc, file=name, when=when)
    else:
        question = _("{reason}\n\nRestore the newest good backup, from {when}? The current "
                     "files are kept in the backups folder.").format(reason=exc, when=when)
    if not messages.ask(parent, _("The district's data is damaged"), question, default_yes=True):
        return None
    try:
        district_id = (repo.restore_file(backup.path, name) if single
                       else repo.restore(backup.path))
        return repo.open_district(district_id)
    except StoreError as err:
        messages.error(parent, _("The backup could not be restored"), str(err))
        return None
