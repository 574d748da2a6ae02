"""ui/widgets.FlowLayout: a row of buttons that wraps instead of widening the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from navtool_desktop.ui.widgets import FlowLayout


def test_buttons_wrap_in_order_and_a_hidden_one_takes_no_room(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    buttons = [QPushButton(f"Guardar una hoja de calificación {n}…") for n in range(4)]
    flow = FlowLayout(host).add(*buttons)
    one_line = flow.sizeHint().width()
    widest = max(b.sizeHint().width() for b in buttons)
    assert flow.minimumSize().width() == widest  # it may shrink to one button a line
    host.resize(one_line, 200)
    host.show()
    QApplication.processEvents()
    assert len({b.y() for b in buttons}) == 1  # all on one line when there is room
    host.resize(widest + 10, flow.heightForWidth(widest + 10))
    QApplication.processEvents()
    tops = [b.y() for b in buttons]
    assert tops == sorted(tops) and len(set(tops)) == 4  # one a line, in their order
    assert all(b.x() + b.width() <= host.width() for b in buttons)
    assert flow.heightForWidth(widest + 10) > flow.heightForWidth(one_line)
    buttons[1].hide()
    QApplication.processEvents()
    assert len({b.y() for b in buttons if b.isVisible()}) == 3
