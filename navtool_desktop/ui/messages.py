"""Message boxes that show their text exactly as given.

Qt's static ``QMessageBox`` functions guess whether a text is HTML, so a cycle called
"<b>Fall</b>" or a file name with "&" would be misread. Every dialog of the app goes
through these functions instead; tests replace them to read what would be shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton


def _show(icon: QMessageBox.Icon, parent: QWidget | None, title: str, text: str,
          buttons: Button = Button.Ok, default: Button = Button.NoButton) -> Button:
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return Button(box.exec())


def warn(parent: QWidget | None, title: str, text: str) -> None:
    _show(QMessageBox.Icon.Warning, parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> None:
    _show(QMessageBox.Icon.Critical, parent, title, text)


def inform(parent: QWidget | None, title: str, text: str) -> None:
    _show(QMessageBox.Icon.Information, parent, title, text)


def ask(parent: QWidget | None, title: str, text: str, *, default_yes: bool = False) -> bool:
    """A yes/no question; True for yes."""
    answer = _show(QMessageBox.Icon.Question, parent, title, text, Button.Yes | Button.No,
                   Button.Yes if default_yes else Button.No)
    return answer == Button.Yes
