"""Small widget helpers shared by the screens: labels whose text format is never guessed.

Qt guesses whether a label's text is HTML; a name with "<" or "&" would then be misread.
Every label says what it holds: :func:`plain_label` shows text exactly as given;
:func:`rich_label` shows HTML that the caller built from escaped text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


def plain_label(text: str = "", *, object_name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if object_name:
        label.setObjectName(object_name)
    return label


def rich_label(html_text: str = "", *, object_name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html_text)
    label.setWordWrap(wrap)
    if object_name:
        label.setObjectName(object_name)
    return label
