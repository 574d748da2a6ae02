"""Start the GUI: one QApplication, the stylesheet, the pack, the main window."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING

from navtool_desktop import __version__, i18n, paths
from navtool_desktop.framework import Pack, PackError, load_pack
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from navtool_desktop.storage.repository import DistrictStore, Repository
    from navtool_desktop.ui.main_window import MainWindow


def load_default_pack() -> Pack:
    """The shipped pack, in the app's language where its texts are translated."""
    from navtool_desktop.framework.locale import load_localized

    return load_localized(load_pack(paths.default_pack_dir()), i18n.language())


def apply_style(app: object) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    qss = paths.resource("style.qss")
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))


def install_qt_translation(app: object) -> object | None:
    """Qt's own words (dialog buttons, context menus) in the app's language: ``qtbase_<lang>.qm``
    from Qt's translations folder (the bundle ships Spanish only). Returns the translator, which
    must stay alive; ``None`` in English or when the file is missing (Qt then speaks English)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    lang = i18n.language()
    QLocale.setDefault(QLocale(lang))
    if lang == i18n.SOURCE_LANGUAGE:
        return None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{lang}", folder):
        return None
    app.installTranslator(translator)
    return translator


def run_gui(exit_when_shown: bool = False) -> int:
    """Run the app until its window closes; ``exit_when_shown`` quits once it is on screen."""
    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from navtool_desktop.ui import messages

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Navigation Tool Desktop")
    app.setApplicationVersion(__version__)
    app.setOrganizationName(paths.APP_AUTHOR)
    apply_style(app)
    from navtool_desktop.ui.widgets import install_print_check

    install_print_check(app)  # warns when a typed character will not print in the PDFs
    install_qt_translation(app)
    try:
        pack = load_default_pack()
    except PackError as exc:
        messages.error(None, _("The framework content cannot be loaded"),
                       _("The app cannot start because its content has a problem:\n\n{error}")
                       .format(error=exc))
        return 1
    from navtool_desktop.ui.startup import open_district, open_repository

    # A launch that only measures start-up (or a self-test) must never wait on a dialog.
    repo = open_repository(ask=not exit_when_shown)
    store = open_district(repo, pack, ask=not exit_when_shown) if repo is not None else None
    session = Session(pack, repo)
    window = session.open_window(store)
    if exit_when_shown:
        window.shown.connect(lambda: QTimer.singleShot(0, app.quit))
    sys.excepthook = lambda kind, exc, tb: report_unexpected(session.window, kind, exc, tb)
    window.show()
    try:
        return app.exec()
    finally:
        # a job still writing a file (a signed PDF, an export) finishes before the data is closed
        QThreadPool.globalInstance().waitForDone()
        if repo is not None:
            repo.close()


class Session:
    """The app's one window at a time, on one district; File > Districts… swaps it."""

    def __init__(self, pack: Pack, repo: Repository | None) -> None:
        self.pack, self.repo = pack, repo
        self.window: MainWindow | None = None

    def open_window(self, district: DistrictStore | None) -> MainWindow:
        from navtool_desktop.ui.main_window import MainWindow

        window = MainWindow(self.pack, district, repo=self.repo)
        window.district_chosen.connect(lambda district_id: self.switch(window, district_id))
        self.window = window
        return window

    def switch(self, old: MainWindow, district_id: str) -> MainWindow | None:
        """Another district: a new window on it; the old one closes (saving what waits)."""
        from navtool_desktop.storage.errors import StoreError
        from navtool_desktop.ui import messages

        assert self.repo is not None
        if not old.confirm_close():  # the old window's edits are saved, or let go, first
            return None
        try:
            district = self.repo.open_district(district_id)
        except StoreError as exc:
            old._close_confirmed = False  # it stays: its next close asks again
            messages.error(old, _("The district cannot be opened"), str(exc))
            return None
        new = self.open_window(district)
        new.setGeometry(old.geometry())
        new.show()
        old.close()
        old.deleteLater()
        return new


def report_unexpected(parent: object, kind: type[BaseException], exc: BaseException,
                      tb: TracebackType | None) -> None:
    """An error no screen handled: say it in plain words, keep the app running, log details.

    The app's own errors already say what happened (a store error also says that earlier work
    is safe); anything else is a fault of the app, reported by :func:`messages.show_error`
    with its traceback saved in the log file in the data folder.
    """
    from PySide6.QtWidgets import QWidget

    from navtool_desktop.storage.errors import StoreError
    from navtool_desktop.ui import messages

    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    widget = parent if isinstance(parent, QWidget) else None
    title = (_("Your data could not be read or saved") if isinstance(exc, StoreError)
             else _("It did not work"))
    messages.show_error(widget, exc, title)
