"""Export and Sign: real PDFs rendered, signed and checked from the screen, on a demo district."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from navtool_desktop.framework import Pack
from navtool_desktop.signing import load_certificate, load_root, signature_fields
from navtool_desktop.signing.folder import StoredIdentity
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui import messages
from navtool_desktop.ui.export_screen import ExportScreen
from navtool_desktop.ui.signing_dialogs import CreateIdentityDialog, IdentityRequest

PASS, ROOT_PASS = "river stones 42", "root of the district 7"
WAIT = 60000  # a ceiling for slow machines, not a measured time


@pytest.fixture
def store(data_dir: Path, pack: Pack) -> Iterator[DistrictStore]:
    from navtool_desktop.core.demo import generate
    from navtool_desktop.storage.demo import save_demo

    with Repository(data_dir) as repo:
        yield save_demo(repo, generate(pack, years=1), backup=False)


@pytest.fixture
def screen(qtbot: QtBot, pack: Pack, store: DistrictStore, tmp_path: Path) -> ExportScreen:
    widget = ExportScreen(pack, store, signing_dir=tmp_path / "signing")
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()

    def unexpected(*args: object) -> None:  # a modal dialog nobody answers would hang the test
        pytest.fail(f"unexpected dialog: {args}")

    widget.confirm = unexpected  # type: ignore[method-assign,assignment]
    widget.ask_box = unexpected  # type: ignore[method-assign,assignment]
    return widget


@pytest.fixture
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of warning and error dialogs (run_job shows a job's failure with show_error)."""
    shown: list[str] = []
    for name in ("warn", "error"):
        monkeypatch.setattr(messages, name, lambda _p, _t, text, *_a: shown.append(text))
    return shown


def superintendent(screen: ExportScreen, tmp_path: Path) -> StoredIdentity:
    """A superintendent identity from a new root, made by the library as the screen would."""
    (tmp_path / "usb").mkdir(exist_ok=True)
    stored = screen.folder.create_identity("Rosa Nguyễn", "Superintendent", "Demo Unified", PASS,
                                           new_root=tmp_path / "usb" / "root.p12", root_passphrase=ROOT_PASS)
    screen.refresh_identities(select=stored.p12)
    return stored


def export_and_sign(qtbot: QtBot, screen: ExportScreen, out: Path) -> Path:
    screen.ask_passphrase = lambda *_a: PASS  # type: ignore[method-assign]
    screen.ask_save_path = lambda *_a: out  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(screen.sign_button, Qt.MouseButton.LeftButton)
    return Path(blocker.args[0])


def verify(qtbot: QtBot, screen: ExportScreen, path: Path):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(screen.verified, timeout=WAIT) as blocker:
        screen.verify_file(path)
    return blocker.args[0]


def test_create_identity_with_a_new_root_lists_its_fingerprint(qtbot: QtBot, screen: ExportScreen,
                                                               tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert screen.identity_model.rowCount() == 0
    request = IdentityRequest(name="Ben Olsen", role="Board chair", organization="Demo Unified",
                              passphrase=PASS, new_root=usb / "district-root.p12", existing_root=None,
                              root_passphrase=ROOT_PASS)
    screen.ask_new_identity = lambda: request  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.identities_changed, timeout=WAIT):
        qtbot.mouseClick(screen.create_button, Qt.MouseButton.LeftButton)

    assert screen.identity_model.rowCount() == 1
    listed = screen.identity_model.rows[0]
    cert_on_disk = load_certificate(listed.p12.with_suffix(".cer"))
    assert (listed.name, listed.role, listed.organization) == ("Ben Olsen", "Board chair", "Demo Unified")
    assert screen.fingerprint.text() == listed.fingerprint == screen.folder.identities()[0].fingerprint
    assert screen.identity_model.index(0, 4).data() == listed.fingerprint
    assert listed.certificate == cert_on_disk
    # the root's key went to the USB stick only; the signing folder keeps its certificate
    root = load_root(usb / "district-root.p12", ROOT_PASS)
    assert [c.fingerprint(c.signature_hash_algorithm) for c in screen.folder.trust_roots()] == \
        [root.certificate.fingerprint(root.certificate.signature_hash_algorithm)]
    assert not list((tmp_path / "signing").rglob("*root*.p12"))
    assert "Keep the root file offline" in screen.status.text()
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == listed.fingerprint


def test_export_plan_pdf_writes_a_real_pdf(qtbot: QtBot, screen: ExportScreen, tmp_path: Path) -> None:
    assert screen.plan_box.count() > 0 and "Superintendent" in screen.signers_label.text()
    screen.ask_save_path = lambda *_a: tmp_path / "our plan"  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(screen.plan_button, Qt.MouseButton.LeftButton)
    written = Path(blocker.args[0])
    assert written == tmp_path / "our plan.pdf"
    reader = PdfReader(written)
    assert len(reader.pages) > 2
    assert "Superintendent" in reader.pages[-2].extract_text() + reader.pages[-1].extract_text()
    assert screen.status.text() == f"Saved to {written}"


def test_export_and_sign_then_check_shows_valid_and_trusted(qtbot: QtBot, screen: ExportScreen,
                                                            tmp_path: Path) -> None:
    superintendent(screen, tmp_path)
    signed = export_and_sign(qtbot, screen, tmp_path / "plan-signed.pdf")
    # the superintendent signed the superintendent's box; the board chair's is still free
    assert signature_fields(signed.read_bytes()) == [("signer-1-superintendent", True),
                                                     ("signer-2-board-chair", False)]

    report = verify(qtbot, screen, signed)
    assert report.ok and report.trusted
    assert screen.tabs.currentIndex() == 1
    assert screen.verdict.property("tone") == "ok"
    assert "valid and trusted" in screen.verdict.text()
    shown = screen.verify_view.toPlainText()
    assert "Rosa Nguyễn, Superintendent, Demo Unified" in shown
    for words in ("Intact:", "Valid:", "Trusted:", "Changed since: nothing"):
        assert words in shown
    assert "1 signature box(es) on the approval page are still empty (signer-2-board-chair)" in shown

    # exporting over the signed PDF asks first; saying no leaves it as it was
    before = signed.read_bytes()
    questions: list[str] = []
    screen.confirm = lambda _t, text: questions.append(text) or False  # type: ignore[method-assign]
    screen.ask_save_path = lambda *_a: signed  # type: ignore[method-assign]
    assert screen.export_plan() is None
    assert len(questions) == 1 and "is a signed PDF" in questions[0]
    assert signed.read_bytes() == before


def test_a_second_signer_adds_a_signature_to_the_signed_plan(qtbot: QtBot, screen: ExportScreen,
                                                             tmp_path: Path) -> None:
    superintendent(screen, tmp_path)
    first = export_and_sign(qtbot, screen, tmp_path / "plan-signed.pdf")
    chair = screen.folder.create_identity("Uma Running Crane", "Board chair", "Demo Unified", PASS,
                                          existing_root=tmp_path / "usb" / "root.p12",
                                          root_passphrase=ROOT_PASS)
    screen.refresh_identities(select=chair.p12)
    assert screen.selected_identity() == chair
    screen.ask_open_path = lambda *_a: first  # type: ignore[method-assign]
    screen.ask_save_path = lambda *_a: first  # type: ignore[method-assign]
    screen.confirm = lambda *_a: True  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.saved, timeout=WAIT):
        qtbot.mouseClick(screen.add_signature_button, Qt.MouseButton.LeftButton)
    report = verify(qtbot, screen, first)
    assert [s.signer_name for s in report.signatures] == ["Rosa Nguyễn", "Uma Running Crane"]
    assert report.ok and report.trusted
    assert "Still to sign" not in screen.verify_view.toPlainText()


def test_a_wrong_passphrase_shows_the_plain_message_and_writes_nothing(
        qtbot: QtBot, screen: ExportScreen, tmp_path: Path, warnings_shown: list[str]) -> None:
    stored = superintendent(screen, tmp_path)
    out = tmp_path / "never.pdf"
    asked_where: list[object] = []
    screen.ask_passphrase = lambda *_a: "not the passphrase"  # type: ignore[method-assign]
    screen.ask_save_path = lambda *a: asked_where.append(a) or out  # type: ignore[method-assign]
    assert screen.export_and_sign() is None  # said at once ...
    assert asked_where == []  # ... before asking where to save
    assert warnings_shown == [f"The passphrase for {stored.p12.name} is not right. Check it and try again."]
    assert not out.exists()
    assert [p.name for p in tmp_path.glob("*.pdf")] == []
    assert screen.identity_model.rowCount() == 1


def test_importing_with_a_wrong_passphrase_changes_nothing(
        qtbot: QtBot, screen: ExportScreen, tmp_path: Path, warnings_shown: list[str]) -> None:
    stored = superintendent(screen, tmp_path)
    outside = tmp_path / "from-another-laptop.p12"
    outside.write_bytes(stored.p12.read_bytes())
    screen.ask_open_path = lambda *_a: outside  # type: ignore[method-assign]
    screen.ask_passphrase = lambda *_a: "wrong passphrase"  # type: ignore[method-assign]
    operation = screen.import_identity()
    assert operation is not None
    with qtbot.waitSignal(operation.failed, timeout=WAIT):
        pass
    assert warnings_shown == ["The passphrase for from-another-laptop.p12 is not right. Check it and try again."]
    assert len(screen.folder.identities()) == screen.identity_model.rowCount() == 1


def test_dropping_a_tampered_pdf_shows_it_is_not_intact(qtbot: QtBot, screen: ExportScreen,
                                                        tmp_path: Path) -> None:
    superintendent(screen, tmp_path)
    signed = export_and_sign(qtbot, screen, tmp_path / "plan-signed.pdf")
    data = bytearray(signed.read_bytes())
    at = data.index(b"/Producer")  # document information, inside the signed bytes
    data[at + 1] = ord("Q")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tampered))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPointF(screen.rect().center()), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(screen, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(screen.rect().center()), actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(screen.verified, timeout=WAIT) as blocker:
        QApplication.sendEvent(screen, drop)
    report = blocker.args[0]
    assert not report.ok and not report.signatures[0].intact
    assert screen.verdict.property("tone") == "bad"
    assert "Do not rely on this PDF" in screen.verdict.text()
    assert "Not intact" in screen.verify_view.toPlainText()


def test_a_dropped_file_that_is_not_a_pdf_is_refused(qtbot: QtBot, screen: ExportScreen, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notes))])
    enter = QDragEnterEvent(QPointF(screen.rect().center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(screen, enter)
    assert not enter.isAccepted()


def test_identity_model_passes_the_model_tester(qtmodeltester: ModelTester, screen: ExportScreen,
                                                tmp_path: Path) -> None:
    superintendent(screen, tmp_path)
    qtmodeltester.check(screen.identity_model)
    assert screen.identity_model.rowCount() == 1
    assert screen.identity_model.headerData(4, Qt.Orientation.Horizontal) == "Fingerprint (SHA-256)"


def test_create_identity_dialog_checks_what_it_needs(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = CreateIdentityDialog("Demo Unified")
    qtbot.addWidget(dialog)
    dialog.name.setText("Ana Peña")
    dialog.role.setText("Superintendent")
    dialog.passphrase.setText(PASS)
    dialog.passphrase_again.setText(PASS + "x")
    assert dialog.request() is None and "differ" in dialog.problem.text()
    dialog.passphrase_again.setText(PASS)
    dialog.ask_root_path = lambda _new: tmp_path / "district-root"  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.root_browse, Qt.MouseButton.LeftButton)
    dialog.root_passphrase.setText(ROOT_PASS)
    dialog.root_passphrase_again.setText(ROOT_PASS)
    request = dialog.request()
    assert request is not None and request.new_root == tmp_path / "district-root.p12"
    assert request.existing_root is None and request.organization == "Demo Unified"
    dialog.existing_root.setChecked(True)
    assert not dialog.root_passphrase_again.isVisibleTo(dialog)
    request = dialog.request()
    assert request is not None and request.existing_root == tmp_path / "district-root"


@pytest.mark.parametrize("answer", [True, False])
def test_importing_an_identity_from_another_root_asks_before_trusting_it(
        qtbot: QtBot, screen: ExportScreen, tmp_path: Path, answer: bool) -> None:
    from navtool_desktop.signing.identity import create_root, fingerprint, identity_to_p12, issue_signer

    other_root = create_root("Neighbouring District")
    outside = tmp_path / "consultant.p12"
    outside.write_bytes(identity_to_p12(issue_signer(other_root, "Eve Consultant", "Facilitator"), PASS))
    asked: list[str] = []
    screen.ask_open_path = lambda *_a: outside  # type: ignore[method-assign]
    screen.ask_passphrase = lambda *_a: PASS  # type: ignore[method-assign]
    screen.confirm = lambda _t, text: asked.append(text) or answer  # type: ignore[method-assign]
    operation = screen.import_identity()
    assert operation is not None
    with qtbot.waitSignal(operation.finished, timeout=WAIT):
        pass
    qtbot.waitUntil(lambda: screen.identity_model.rowCount() == 1)
    assert len(asked) == 1 and fingerprint(other_root.certificate) in asked[0]
    assert screen.folder.is_trusted(other_root.certificate) is answer


def test_a_plan_changed_after_signing_is_shown_in_red_naming_the_change(qtbot: QtBot, screen: ExportScreen,
                                                                         tmp_path: Path) -> None:
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    superintendent(screen, tmp_path)
    signed = export_and_sign(qtbot, screen, tmp_path / "plan-signed.pdf")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    info_ref = writer.trailer.raw_get("/Info")
    info_ref.get_object()[generic.NameObject("/Title")] = generic.TextStringObject("Plan (APPROVED)")
    writer.mark_update(info_ref)
    out = io.BytesIO()
    writer.write(out)
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(out.getvalue())

    report = verify(qtbot, screen, changed)
    assert report.verdict == "changed" and not report.ok
    assert screen.verdict.property("tone") == "bad"
    assert "it was changed after signing" in screen.verdict.text()
    shown = screen.verify_view.toPlainText()
    assert "Changed after signing" in shown and "document information changed (Title)" in shown
    assert "#a31515" in screen.verify_view.toHtml().lower()  # the change is in red


def test_signing_a_box_labelled_for_someone_else_asks_first(qtbot: QtBot, screen: ExportScreen,
                                                            tmp_path: Path) -> None:
    from navtool_desktop.signing import declared_boxes

    superintendent(screen, tmp_path)  # Rosa Nguyễn, Superintendent
    screen.box_choice.setCurrentIndex(screen.box_choice.findData("Board chair"))
    out = tmp_path / "plan-signed.pdf"
    asked: list[str] = []
    screen.ask_passphrase = lambda *_a: PASS  # type: ignore[method-assign]
    screen.ask_save_path = lambda *_a: out  # type: ignore[method-assign]
    screen.confirm = lambda _t, text: asked.append(text) or False  # type: ignore[method-assign]
    assert screen.export_and_sign() is None  # said no: nothing written
    assert not out.exists()
    assert len(asked) == 1 and "the box is for the Board chair, the certificate says Superintendent" in asked[0]
    screen.confirm = lambda *_a: True  # type: ignore[method-assign]
    signed = export_and_sign(qtbot, screen, out)
    assert [(b.role, b.signed) for b in declared_boxes(signed.read_bytes())] == [("Superintendent", False),
                                                                                 ("Board chair", True)]


def test_the_plan_sets_its_boxes_and_meeting_from_the_screen(qtbot: QtBot, screen: ExportScreen,
                                                             store: DistrictStore, tmp_path: Path) -> None:
    from navtool_desktop.signing import declared_boxes
    from navtool_desktop.ui.signing_dialogs import PlanSignersDialog, PlanSignersRequest

    offered: list[tuple[list[tuple[str, str]], str]] = []

    def answer(signers: list[tuple[str, str]], meeting: str) -> PlanSignersRequest:
        offered.append((signers, meeting))
        return PlanSignersRequest((("Superintendent", "Rosa Nguyễn"), ("Board president", "Chloë Begay"),
                                   ("Board clerk", "")), "2027-01-14")

    screen.ask_plan_signers = answer  # type: ignore[method-assign]
    qtbot.mouseClick(screen.signers_button, Qt.MouseButton.LeftButton)
    assert offered == [([("Superintendent", "Rosa Nguyễn"), ("Board chair", "Uma Running Crane")], "")]
    plan = next(p for p in store.plans() if p.id == screen.plan_box.currentData())
    assert [(s.role, s.name) for s in plan.signers][1] == ("Board president", "Chloë Begay")
    assert plan.meeting_date == "2027-01-14"
    assert "3. Board clerk: name not set" in screen.signers_label.text()
    assert screen.box_choice.count() == 4  # "my role" and the three boxes

    screen.ask_save_path = lambda *_a: tmp_path / "plan"  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(screen.plan_button, Qt.MouseButton.LeftButton)
    pdf = Path(blocker.args[0]).read_bytes()
    assert [b.role for b in declared_boxes(pdf)] == ["Superintendent", "Board president", "Board clerk"]

    # the dialog itself refuses two boxes for one role
    dialog = PlanSignersDialog([("Superintendent", "")], "", screen)
    qtbot.addWidget(dialog)
    dialog.boxes.setPlainText("Board chair, Uma\nboard chair")
    assert dialog.request() is None and "role of its own" in dialog.problem.text()
    dialog.boxes.setPlainText("Superintendent\nBoard chair, Uma Running Crane")
    dialog.has_meeting.setChecked(False)
    request = dialog.request()
    assert request == PlanSignersRequest((("Superintendent", ""), ("Board chair", "Uma Running Crane")), "")


def test_a_second_identity_defaults_to_the_existing_root_and_offers_the_plan_roles(
        qtbot: QtBot, screen: ExportScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[CreateIdentityDialog] = []
    monkeypatch.setattr(CreateIdentityDialog, "exec_request", lambda dialog: made.append(dialog))
    screen.ask_new_identity()
    superintendent(screen, tmp_path)  # the district has its root now
    screen.ask_new_identity()
    first, second = made
    assert first.new_root.isChecked() and not second.new_root.isChecked() and second.existing_root.isChecked()
    completer = second.role.completer()
    assert completer is not None
    assert completer.model().data(completer.model().index(1, 0)) == "Board chair"
    for dialog in made:
        dialog.deleteLater()


def test_the_progress_report_and_the_compact_sheet_are_saved_from_the_screen(qtbot: QtBot, screen: ExportScreen,
                                                                            tmp_path: Path) -> None:
    from datetime import date

    screen.today = lambda: date(2025, 3, 1)  # type: ignore[method-assign]
    assert screen.progress_button.isEnabled() and screen.compact_button.isEnabled()
    screen.ask_save_path = lambda *_a: tmp_path / "progress"  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(screen.progress_button, Qt.MouseButton.LeftButton)
    written = Path(blocker.args[0])
    text = " ".join(page.extract_text() for page in PdfReader(written).pages)
    assert "Progress as of" in " ".join(text.split()) and "March 1, 2025" in text
    screen.ask_save_path = lambda *_a: tmp_path / "sheet"  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(screen.compact_button, Qt.MouseButton.LeftButton)
    sheet = Path(blocker.args[0])
    assert sheet == tmp_path / "sheet.pdf"
    handout = tmp_path / "sheet-levels-handout.pdf"
    assert len(PdfReader(sheet).pages) <= 5 and handout.exists()
    assert "What the levels mean" in PdfReader(handout).pages[0].extract_text()


def test_a_summary_for_the_coach_shows_what_leaves_then_signs_and_imports(qtbot: QtBot, screen: ExportScreen,
                                                                         tmp_path: Path, pack: Pack) -> None:
    from navtool_desktop.network.workspace import Workspace

    stored = superintendent(screen, tmp_path)
    shown: list[str] = []
    screen.confirm = lambda _t, text: shown.append(text) or False  # type: ignore[method-assign]
    assert screen.export_summary() is None  # "no" to what leaves: nothing is asked or written
    assert "Never included: names" in shown[0] and screen.store.profile.name in shown[0]
    screen.confirm = lambda _t, _text: True  # type: ignore[method-assign]
    screen.ask_passphrase = lambda *_a: PASS  # type: ignore[method-assign]
    screen.ask_save_path = lambda *_a: tmp_path / "usb" / "for-the-coach"  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.saved, timeout=WAIT) as blocker:
        qtbot.mouseClick(screen.summary_button, Qt.MouseButton.LeftButton)
    out = Path(blocker.args[0])
    assert out.name == "for-the-coach.navsummary"
    with Workspace(tmp_path / "coach", pack) as ws:
        assert [o.status for o in ws.import_folder(out.parent).outcomes] == ["added"]
        (row,) = ws.districts()
        assert row.signer == stored.name
        assert row.root_fingerprint == load_root(tmp_path / "usb" / "root.p12", ROOT_PASS).fingerprint
