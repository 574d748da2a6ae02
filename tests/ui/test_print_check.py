"""The app warns as someone types a character no bundled PDF font has (issue 18)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from navtool_desktop.ui.widgets import install_print_check


def test_typing_an_unprintable_character_warns_and_fixing_it_clears_the_warning(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    check = install_print_check(app)
    window = QWidget()
    layout = QVBoxLayout(window)
    name, notes, secret = QLineEdit(), QPlainTextEdit(), QLineEdit()
    secret.setEchoMode(QLineEdit.EchoMode.Password)
    for w in (name, notes, secret):
        layout.addWidget(w)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for field in (name, notes, secret):
        check.focus_changed(None, field)  # what QApplication.focusChanged does
    name.setText("王小明 محمد Иван 😀")  # all print (the emoji by its name)
    assert check.last_warning == "" and name.toolTip() == ""
    name.setText("Ana \U00013000")  # an Egyptian hieroglyph: no bundled font has it
    assert "U+13000" in check.last_warning
    assert "U+13000" in name.toolTip()
    name.setText("Ana")
    assert check.last_warning == "" and name.toolTip() == ""
    notes.setPlainText("\u0f40")  # Tibetan
    assert "U+0F40" in check.last_warning
    check.last_warning = ""
    secret.setText("\U00013000")
    assert check.last_warning == ""  # passphrases are never checked (nor printed)
