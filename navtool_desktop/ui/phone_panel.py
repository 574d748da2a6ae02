"""Rate on phones: the facilitator starts and stops the local server for the open cycle.

The projector view shows the address (large) and a QR code made offline with ``segno``.
A timer on the GUI thread drains the server's save desk, so the store is only ever touched
here (the project's rule); the server stops when the panel closes, the cycle closes, the
app quits, or the facilitator presses Stop. Progress shows counts by role group, never
anyone's answers.

PINs, personal codes (printed on slips) and the session's join code and port are kept, hashed
where secret, beside the data (``phones/keys.py``), so they survive a restart of the app until
the facilitator presses **End rating** or closes the cycle. One server per cycle: a second
panel (or ``navtool serve``) is told that phone rating already runs.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from navtool_desktop.errors import UserFacingError
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.phones import PhoneServer, PinBook, SaveDesk, snapshot_room, store_writer
from navtool_desktop.phones.addresses import LOOPBACK, local_addresses
from navtool_desktop.phones.keys import CycleLock, forget_keys, load_keys, save_keys
from navtool_desktop.phones.server import show_code
from navtool_desktop.storage import DistrictStore, StoreError
from navtool_desktop.ui import messages, preferences
from navtool_desktop.ui.operations import Operation, Progress, run_job
from navtool_desktop.ui.widgets import plain_label
from navtool_desktop.vocabulary import role_name

DRAIN_MS = 20  #: how often the GUI thread writes what phones sent (one file write per tick)
#: The PIN book of each cycle in this run of the app (by data folder and cycle id): phones stay
#: signed in across a stop and start; a new run reads the PINs and codes back from disk.
_PIN_BOOKS: dict[tuple[str, str], PinBook] = {}


def pin_book(store: DistrictStore, cycle_id: str) -> PinBook:
    """The cycle's PINs and codes: this run's, else the ones kept on disk (GUI thread)."""
    key = (str(store.folder), cycle_id)
    found = _PIN_BOOKS.get(key)
    if found is None:
        found = _PIN_BOOKS[key] = PinBook.restore(load_keys(store, cycle_id))
    return found


def end_rating(store: DistrictStore, cycle_id: str) -> None:
    """Rating is over: forget the cycle's PINs and personal codes, in memory and on disk."""
    _PIN_BOOKS.pop((str(store.folder), cycle_id), None)
    forget_keys(store, cycle_id)


def network_addresses() -> list[tuple[str, str]]:
    """(label, address) for each address the server may listen on; loopback last."""
    return [(_("This laptop only: {address}").format(address=a) if a == LOOPBACK else a, a)
            for a in local_addresses()]


def qr_pixmap(text: str, scale: int = 8) -> QPixmap | None:
    """A QR code of ``text`` made offline (``segno``); None if segno is not installed."""
    try:
        import segno
    except ImportError:
        return None
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


class PhonePanel(QDialog):
    """Start, watch and stop phone rating for one cycle."""

    #: emitted on the GUI thread after ratings from phones were saved
    saved = Signal()

    def __init__(self, pack: Pack, store: DistrictStore, cycle_id: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.pack, self.store, self.cycle_id = pack, store, cycle_id
        self.server: PhoneServer | None = None
        self.operation: Operation | None = None  #: the slips being drawn, if any
        self.desk = SaveDesk()
        self._write = store_writer(store, cycle_id)
        title = store.get_cycle(cycle_id).title
        self.setWindowTitle(_("Rate on phones: {title}").format(title=title))

        self.interface = QComboBox()
        self.interface.setAccessibleName(_("Network to listen on"))
        for label, address in network_addresses():
            self.interface.addItem(label, address)
        self.interface.setToolTip(_("The laptop's address on the room's network (the hotspot or "
                                    "the venue's network). Phones must be on the same network."))
        self.start_button = QPushButton(_("&Start"))
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(_("S&top"))
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        self.address = QLabel()
        self.address.setAccessibleName(_("Address for phones"))
        big = QFont(self.address.font())
        big.setPointSize(max(24, big.pointSize() * 2))
        big.setBold(True)
        self.address.setFont(big)
        self.address.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setAccessibleName(_("QR code of the address"))
        self.progress = plain_label()
        self.person = QComboBox()
        self.person.setAccessibleName(_("Participant whose PIN to reset"))
        for person in sorted(store.cycle(cycle_id).participants.values(),
                             key=lambda p: (p.name or p.code).casefold()):
            self.person.addItem(person.name or person.code, person.id)
        self.reset_button = QPushButton(_("&Reset PIN"))
        self.reset_button.setToolTip(_("For someone who forgot their PIN, or whose name someone "
                                       "else took: their phone is signed out and the next to "
                                       "join with the name chooses a new PIN."))
        self.reset_button.clicked.connect(self.reset_pin)
        self.print_button = QPushButton(_("&Print personal codes…"))
        self.print_button.setToolTip(_("A slip with their own QR code and code for each "
                                       "participant who has none yet, so they join without "
                                       "picking their name."))
        self.print_button.clicked.connect(self.print_codes)
        self.print_button.setEnabled(False)
        self.end_button = QPushButton(_("&End rating"))
        self.end_button.setToolTip(_("Stop, and forget every PIN and personal code of this "
                                     "cycle (they are kept until then, even if the app restarts)."))
        self.end_button.clicked.connect(self.end)
        self.message = plain_label()
        self.message.setText(_("Phones in the room join on the network you choose; nothing "
                               "listens until you press Start. Plain HTTP: use a closed hotspot "
                               "or a venue network you trust."))

        row = QHBoxLayout()
        row.addWidget(QLabel(_("Network:")))
        row.addWidget(self.interface, 1)
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.address)
        layout.addWidget(self.qr)
        layout.addWidget(self.progress)
        reset_row = QHBoxLayout()
        reset_row.addWidget(QLabel(_("Forgotten PIN:")))
        reset_row.addWidget(self.person, 1)
        reset_row.addWidget(self.reset_button)
        layout.addLayout(reset_row)
        print_row = QHBoxLayout()
        print_row.addWidget(self.print_button)
        print_row.addStretch(1)
        layout.addLayout(print_row)

        self.timer = QTimer(self)
        self.timer.setInterval(DRAIN_MS)
        self.timer.timeout.connect(self.drain)
        self._ticks = 0
        self.lock = CycleLock(store, cycle_id)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    # --- start and stop -------------------------------------------------------------------

    def start(self) -> bool:
        if self.server is not None:
            return True
        cycle = self.store.get_cycle(self.cycle_id)
        if cycle.status != "open" or self.store.read_only:
            if cycle.status != "open" and not self.store.read_only:
                with contextlib.suppress(StoreError):
                    end_rating(self.store, self.cycle_id)  # rating closed with the cycle
            self.message.setText(_("Phone rating needs an open cycle in data open for writing."))
            return False
        try:
            self.lock.acquire(cycle.title)  # one server per cycle (this app or navtool serve)
        except UserFacingError as exc:
            self.message.setText(str(exc))
            return False
        try:
            return self._start()
        finally:
            if self.server is None:
                self.lock.release()

    def _start(self) -> bool:
        pins = pin_book(self.store, self.cycle_id)
        host = str(self.interface.currentData())
        last = pins.session
        code = str(last.get("join_code", ""))
        port = int(last.get("port", 0)) if last.get("host") == host else 0
        room = snapshot_room(self.store, self.cycle_id, self.pack)
        try:
            try:
                server = PhoneServer(self.pack, room, self.desk, host=host, pins=pins,
                                     port=port, join_code=code or None)
                url = server.start()
            except UserFacingError:
                if not port:
                    raise
                server = PhoneServer(self.pack, room, self.desk, host=host, pins=pins)
                url = server.start()  # the old port is taken: a new address
        except UserFacingError as exc:
            self.message.setText(str(exc))
            return False
        pins.session = {"join_code": server.join_code, "host": host, "port": server.port}
        try:  # the address stays the same after a restart, so printed slips keep working
            save_keys(self.store, self.cycle_id, pins.saved())
        except StoreError as exc:
            server.stop()
            self.message.setText(str(exc))
            return False
        self.lock.note(url)
        self.server = server
        self.address.setText(url)
        pixmap = qr_pixmap(url)
        if pixmap is not None:
            self.qr.setPixmap(pixmap)
        self.message.setText(_("Open this address on each phone, or scan the code. Join code: "
                               "{code}").format(code=server.join_code))
        self.interface.setEnabled(False)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self.timer.start()
        self._show_progress()
        return True

    def stop(self) -> None:
        server, self.server = self.server, None
        if server is None:
            return
        self.drain()            # what already arrived is saved before the refusals
        server.stop()
        self.lock.release()
        self.timer.stop()
        self.address.setText("")
        self.qr.clear()
        self.message.setText(_("Phone rating has stopped; nothing is listening."))
        self.interface.setEnabled(True)
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.print_button.setEnabled(False)

    def end(self) -> None:
        """End rating for the cycle: stop, and forget its PINs and personal codes for good."""
        if not messages.ask(self, _("End rating"),
                            _("End rating on phones for this cycle? Every PIN and personal code "
                              "is forgotten: printed slips stop working. Answers already saved "
                              "stay.")):
            return
        self.stop()
        if self.lock.held or self._running_elsewhere():
            return
        try:
            end_rating(self.store, self.cycle_id)
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(_("Rating has ended: the PINs and personal codes of this cycle "
                               "are forgotten."))

    def _running_elsewhere(self) -> bool:
        """Whether another panel serves the cycle now (its keys must stay)."""
        try:
            self.lock.acquire(self.store.get_cycle(self.cycle_id).title)
        except UserFacingError as exc:
            self.message.setText(str(exc))
            return True
        self.lock.release()
        return False

    def print_codes(self) -> None:
        """Slips for the people without a personal code yet (after asking: new codes for
        everyone), one slip per person, saved as a PDF to print."""
        server = self.server
        if server is None:
            return
        people = [p for p in server.room.participants if not server.pins.has_code(p.id)]
        if not people:
            if not messages.ask(self, _("Print personal codes"),
                                _("Everyone already has a personal code. Make new codes for "
                                  "everyone? The slips printed before stop working.")):
                return
            people = list(server.room.participants)
        path = self.ask_save_path(_("Save the personal code slips"), _("personal codes.pdf"))
        if path is None:
            return
        from navtool_desktop.fileio import write_file
        from navtool_desktop.phones.server import new_personal_code
        from navtool_desktop.reports.slips import Slip, render_slips

        codes = {p.id: new_personal_code() for p in people}
        slips = [Slip(p.name or p.code, p.role_group, show_code(codes[p.id]),
                      f"{server.url}#c={codes[p.id]}") for p in people]
        title, url = self.store.get_cycle(self.cycle_id).title, server.url

        def job(progress: Progress) -> None:  # a worker thread: 60 slips take 0.6-0.8 s to draw here
            progress(0, 0, _("Drawing {count} slips\u2026").format(count=len(slips)))
            write_file(path, render_slips(title, url, slips))

        def done(_result: object) -> None:
            # the file first: codes nobody could print never replace working ones
            if self.server is not server:  # stopped (or restarted) while the slips were drawn
                self.message.setText(_("The session stopped before the new codes were kept, so the "
                                       "slips in {file} do not work. Start the session and print "
                                       "them again.").format(file=path.name))
                return
            self.print_button.setEnabled(True)
            server.pins.set_codes(codes)
            try:
                save_keys(self.store, self.cycle_id, server.pins.saved())
            except StoreError as exc:
                self.message.setText(str(exc))  # they work until the app closes
                return
            self.message.setText(_("Saved {count} slips to {file}. Print them and cut along the "
                                   "dashed lines.").format(count=len(slips), file=path.name))

        self.print_button.setEnabled(False)
        self.operation = run_job(self, _("Printing personal codes"), job, done,
                                 lambda _exc: self.print_button.setEnabled(self.server is server))

    def ask_save_path(self, title: str, suggested: str) -> Path | None:  # tests replace this
        return preferences.ask_pdf_path(self, title, suggested)

    def done(self, result: int) -> None:  # closing the panel stops the server
        self.stop()
        super().done(result)

    def closeEvent(self, event: Any) -> None:
        self.stop()
        super().closeEvent(event)

    def reset_pin(self) -> None:
        pid = self.person.currentData()
        if not pid:
            return
        if self.server is not None:
            self.server.reset_pin(str(pid))
        else:
            pin_book(self.store, self.cycle_id).forget(str(pid))
        try:
            save_keys(self.store, self.cycle_id, pin_book(self.store, self.cycle_id).saved())
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(_("{name} can now join again and choose a new PIN.").format(
            name=self.person.currentText()))

    # --- the GUI thread's share ------------------------------------------------------------

    def drain(self) -> int:
        """Write what phones sent since the last tick (GUI thread); stop if the cycle closed."""
        handled = self.desk.drain(self._write)
        if handled:
            self.saved.emit()
        self._ticks += 1
        if self.server is not None and self._ticks % 50 == 0:
            if self.store.get_cycle(self.cycle_id).status != "open":
                self.stop()
                self.message.setText(_("The cycle was closed, so phone rating stopped."))
                with contextlib.suppress(StoreError):  # if not now, at the next Start
                    end_rating(self.store, self.cycle_id)  # rating has closed: codes and PINs go
                return handled
            self._show_progress()
        return handled

    def _show_progress(self) -> None:
        if self.server is None:
            return
        lines = [_("{role}: {joined} of {people} joined, {finished} finished").format(
            role=role_name(role), **counts) for role, counts in sorted(self.server.progress().items())]
        self.progress.setText("\n".join(lines))
