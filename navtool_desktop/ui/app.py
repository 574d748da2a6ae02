"""Start the GUI: one QApplication, the stylesheet, the pack, the main window."""

from __future__ import annotations

import sys

from navtool_desktop import __version__, paths
from navtool_desktop.framework import Pack, PackError, load_pack
from navtool_desktop.i18n import _


def load_default_pack() -> Pack:
    return load_pack(paths.default_pack_dir())


def apply_style(app: object) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    qss = paths.resource("style.qss")
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))


def run_gui(exit_when_shown: bool = False) -> int:
    """Run the app until its window closes; ``exit_when_shown`` quits once it is on screen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from navtool_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Navigation Tool Desktop")
    app.setApplicationVersion(__version__)
    app.setOrganizationName(paths.APP_AUTHOR)
    apply_style(app)
    try:
        pack = load_default_pack()
    except PackError as exc:
        QMessageBox.critical(None, _("The framework content cannot be loaded"),
                             _("The app cannot start because its content has a problem:\n\n{error}")
                             .format(error=exc))
        return 1
    from navtool_desktop.ui.startup import open_district, open_repository

    # A launch that only measures start-up (or a self-test) must never wait on a dialog.
    repo = open_repository(ask=not exit_when_shown)
    store = open_district(repo, pack, ask=not exit_when_shown) if repo is not None else None
    window = MainWindow(pack, store)
    if exit_when_shown:
        window.shown.connect(lambda: QTimer.singleShot(0, app.quit))
    window.show()
    try:
        return app.exec()
    finally:
        if repo is not None:
            repo.close()
