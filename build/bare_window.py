"""A bare PySide6 window that quits once shown: the launch benchmark's yardstick.

Frozen by ``bare_window.spec`` exactly like the app, so the two launch times compare.
"""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class _Window(QMainWindow):
    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        QTimer.singleShot(0, QApplication.quit)


def main() -> int:
    app = QApplication(sys.argv)
    window = _Window()
    window.setWindowTitle("bare")
    window.resize(1280, 800)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
