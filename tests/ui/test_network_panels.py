"""The network window's new tabs with real widgets: the learning agenda and the support menu,
and the district's panel showing the agenda its network sent."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from network_fakes import quick_identity, sealed
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from navtool_desktop import i18n
from navtool_desktop.framework import Pack
from navtool_desktop.network.agenda_file import DISTRICT_FILE, build_agenda, seal
from navtool_desktop.network.content import NetworkContent, load_network_content
from navtool_desktop.network.peer import Agenda
from navtool_desktop.network.support import SupportPlans
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.ui import messages
from navtool_desktop.ui.network_agenda import DistrictAgendaPanel, NetworkAgendaPanel
from navtool_desktop.ui.network_support import NetworkSupportPanel


@pytest.fixture(scope="module")
def content(pack: Pack) -> NetworkContent:
    return load_network_content(pack)


@pytest.fixture
def ws(tmp_path: Path, pack: Pack) -> Workspace:
    ids = [c.id for c in pack.competencies]
    workspace = Workspace(tmp_path / "net", pack)
    workspace.import_bytes(sealed(pack, "d1", "Alder Creek", dict.fromkeys(ids, "establishing"), goals=[ids[0]]))
    workspace.import_bytes(sealed(pack, "d2", "Birch Falls", dict.fromkeys(ids, "operationalizing"),
                                  goals=[ids[0]]))
    yield workspace  # type: ignore[misc]
    workspace.close()


def _pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is not installed (make debs installs it)")
    return subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _item(panel: NetworkAgendaPanel, question_id: str):  # type: ignore[no-untyped-def]
    panel.select_question(question_id)
    return panel.tree.currentItem()


def test_choosing_questions_context_and_meetings(qtbot: QtBot, ws: Workspace, pack: Pack,
                                                 content: NetworkContent) -> None:
    panel = NetworkAgendaPanel(ws, pack, content)
    qtbot.addWidget(panel)
    # the shared priority (both districts have a goal on the first competency) is shown
    first = pack.competencies[0]
    assert first.name in panel.priorities.text() and "2 districts" in panel.priorities.text()
    item = _item(panel, "plc1-q1")
    assert "Adapted by this project" in panel.question.text()
    assert "Common Language" in panel.question.text()
    assert not panel.context.isEnabled()  # not on the agenda yet
    item.setCheckState(0, Qt.CheckState.Checked)
    assert [c.question.id for c in Agenda(ws, content).chosen()] == ["plc1-q1"]
    assert panel.context.isEnabled()
    panel.context.setPlainText("Three rural districts, one shared bus route.")
    qtbot.mouseClick(panel.save_context, Qt.MouseButton.LeftButton)
    assert Agenda(ws, content).chosen()[0].context == "Three rural districts, one shared bus route."
    # the lenses: Common Language and Learner Supports touch equity (Equity and Access)
    assert "\u2713 <b>Equity</b>" in panel.lenses.text()
    panel.network.setText("North Country Network")
    panel.network.editingFinished.emit()
    assert Agenda(ws, content).network == "North Country Network"
    # a meeting
    panel.date.setDate(QDate(2026, 10, 2))
    panel.notes.setPlainText("Compared family letters.")
    panel.next_steps.setPlainText("Each district drafts a one-pager.")
    qtbot.mouseClick(panel.add_meeting, Qt.MouseButton.LeftButton)
    assert [(m.date, m.next_steps) for m in Agenda(ws, content).meetings()] == [
        ("2026-10-02", "Each district drafts a one-pager.")]
    assert panel.table.rowCount() == 1 and panel.table.item(0, 1).text() == "Compared family letters."
    # unticking takes it off the agenda
    _item(panel, "plc1-q1").setCheckState(0, Qt.CheckState.Unchecked)
    assert Agenda(ws, content).chosen() == []


def test_the_support_panel_shows_the_tier_edits_rows_and_exports_the_pdf(
        qtbot: QtBot, ws: Workspace, pack: Pack, content: NetworkContent, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, dialogs: list[tuple[str, str]]) -> None:
    panel = NetworkSupportPanel(ws, pack, content)
    qtbot.addWidget(panel)
    assert panel.districts.count() == 2 and "Awareness" in panel.districts.item(0).text()
    panel.select_district("d1")
    assert "Awareness" in panel.tier_label.text()
    assert "30 competencies have a level (30 at Awareness" in panel.explanation.text()
    assert content.rule in panel.rule.text()
    # the tier's suggestions come first
    assert panel.kind.itemData(0) == content.tier("awareness").suggested[0]
    assert "suggested" in panel.kind.itemText(0)
    panel.kind.setCurrentIndex(panel.kind.findData("training"))
    panel.competency.setCurrentIndex(panel.competency.findData("transparency.communication"))
    panel.by_whom.setText("Regional coach")
    panel.due.setDate(QDate(2027, 1, 15))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    rows = SupportPlans(ws, content).rows("d1")
    assert [(r.type_id, r.competency_id, r.by_whom, r.due, r.status) for r in rows] == [
        ("training", "transparency.communication", "Regional coach", "2027-01-15", "not_started")]
    assert panel.table.rowCount() == 1 and panel.table.item(0, 0).text() == "Training"
    # edit the selected row
    panel.status.setCurrentIndex(panel.status.findData("in_progress"))
    qtbot.mouseClick(panel.update_button, Qt.MouseButton.LeftButton)
    assert SupportPlans(ws, content).rows("d1")[0].status == "in_progress"
    assert len(SupportPlans(ws, content).rows("d1")) == 1
    # another district has its own rows and tier
    panel.select_district("d2")
    assert "Shared expertise" in panel.tier_label.text() and panel.table.rowCount() == 0
    # the PDF
    out = tmp_path / "support.pdf"
    monkeypatch.setattr(panel, "ask_save_path", lambda *_a: out)
    panel.select_district("d1")
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert out.read_bytes().startswith(b"%PDF") and dialogs and "Saved" in dialogs[-1][1]
    # its accessible HTML version beside it, the one whose SHA-256 the PDF's last page prints
    twin = tmp_path / "support.html"
    assert twin.exists() and "support.html" in dialogs[-1][1]
    digest = hashlib.sha256(twin.read_bytes()).hexdigest()
    assert digest in _pdf_text(out).split("\f")[-2]
    html_text = twin.read_text(encoding="utf-8")
    assert '<html lang="en-US">' in html_text and re.search(r"<h1>Support plan: Alder Creek\s*</h1>", html_text)
    assert "Regional coach" in html_text and '<th scope="col">' in html_text
    # the state-policy resources are listed
    assert "Fit for Purpose" in panel.resources.text()


def test_the_support_panel_says_plainly_when_the_html_version_cannot_be_saved(
        qtbot: QtBot, ws: Workspace, pack: Pack, content: NetworkContent, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, dialogs: list[tuple[str, str]]) -> None:
    panel = NetworkSupportPanel(ws, pack, content)
    qtbot.addWidget(panel)
    out = tmp_path / "support.pdf"
    (tmp_path / "support.html").mkdir()  # a folder where the twin goes
    monkeypatch.setattr(panel, "ask_save_path", lambda *_a: out)
    panel.select_district("d1")
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert dialogs[-1] == ("Support plan not exported", dialogs[-1][1])
    assert "support.html cannot be written" in dialogs[-1][1] and "problem it did not expect" not in dialogs[-1][1]


def test_a_too_long_entry_is_refused_in_plain_words(qtbot: QtBot, ws: Workspace, pack: Pack, content: NetworkContent,
                                                    dialogs: list[tuple[str, str]]) -> None:
    panel = NetworkSupportPanel(ws, pack, content)
    qtbot.addWidget(panel)
    panel.by_whom.setText("x" * 300)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert dialogs and "too long" in dialogs[-1][1]
    assert SupportPlans(ws, content).rows(panel.district_id() or "") == []


def test_the_district_panel_shows_the_kept_agenda_and_imports_a_new_one(
        qtbot: QtBot, ws: Workspace, pack: Pack, content: NetworkContent, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, dialogs: list[tuple[str, str]]) -> None:
    agenda = Agenda(ws, content)
    agenda.set_network("North Country Network")
    agenda.set_title("Agenda 2026-27")
    agenda.choose("plc2-q3", "Grading guidelines across the region.")
    sent = tmp_path / "agenda.navagenda"
    sent.write_bytes(seal(build_agenda(agenda), quick_identity("North Country Network")))
    folder = tmp_path / "district"
    folder.mkdir()
    panel = DistrictAgendaPanel(folder, pack, content, goal_competencies=["agency.goal-setting"])
    qtbot.addWidget(panel)
    assert "No agenda yet" in panel.body.text()
    monkeypatch.setattr(panel, "ask_open_path", lambda: sent)
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert (folder / DISTRICT_FILE).is_file()
    text = panel.body.text()
    assert "Agenda 2026-27" in text and "Grading guidelines across the region." in text
    assert "<b>Agency \u203a Goal Setting</b> (in your plan)" in text
    # a new root: the district is asked, says no, and keeps the old agenda
    other = tmp_path / "other.navagenda"
    agenda.set_title("Forged")
    other.write_bytes(seal(build_agenda(agenda), quick_identity("North Country Network")))
    monkeypatch.setattr(panel, "ask_open_path", lambda: other)
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    assert any("new network root" in title.lower() for title, _t in dialogs)
    assert "Agenda 2026-27" in panel.body.text()
    # a new plan's goals mark the agenda again from what was read, without reading the file and
    # checking its signature again (the plan screen sets the goals each time it is shown)
    from navtool_desktop.ui import network_agenda

    reads: list[Path] = []
    real = network_agenda.kept_agenda
    monkeypatch.setattr(network_agenda, "kept_agenda", lambda *a: reads.append(a[0]) or real(*a))
    panel.set_goals([])
    panel.set_goals(["agency.goal-setting"])
    assert reads == [] and "(in your plan)" in panel.body.text()


MNEMONIC = re.compile(r"&([^&\s])")
#: Alt keys the network window takes around these tabs: its import button, its two tabs, and the
#: two tabs these panels are meant to become (&Learning agenda, Su&pport).
WINDOW_KEYS = {"i", "b", "d", "l", "p"}


def _mnemonics(root: QWidget) -> list[tuple[str, str]]:
    texts = [b.text() for b in root.findChildren(QAbstractButton) if b.isVisible()]
    texts += [label.text() for label in root.findChildren(QLabel) if label.isVisible() and label.buddy() is not None]
    texts += [g.title() for g in root.findChildren(QGroupBox) if g.isVisible()]
    found = [(MNEMONIC.search(t.replace("&&", "")), t) for t in texts]
    return [(m.group(1).lower(), t) for m, t in found if m]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_field_has_its_own_alt_key(qtbot: QtBot, ws: Workspace, pack: Pack, language: str) -> None:
    i18n.set_language(language)
    content = load_network_content(pack)
    for panel in (NetworkAgendaPanel(ws, pack, content), NetworkSupportPanel(ws, pack, content)):
        qtbot.addWidget(panel)
        panel.show()
        keys = _mnemonics(panel)
        letters = [k for k, _t in keys]
        assert len(keys) >= 8, keys
        assert len(set(letters)) == len(letters), keys
        if language == "en":
            assert not set(letters) & WINDOW_KEYS, keys
        panel.close()


def test_the_network_signs_and_saves_its_agenda_for_the_districts(
        qtbot: QtBot, ws: Workspace, pack: Pack, content: NetworkContent, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, dialogs: list[tuple[str, str]]) -> None:
    from navtool_desktop.network.agenda_file import open_agenda
    from navtool_desktop.signing import create_root, issue_signer, save_identity

    coach = issue_signer(create_root("North Country Network", key_bits=2048), "Dana Coach", "Coach", key_bits=2048)
    p12 = tmp_path / "coach.p12"
    save_identity(coach, p12, "correct horse battery")
    panel = NetworkAgendaPanel(ws, pack, content)
    qtbot.addWidget(panel)
    # nothing chosen: said, nothing asked
    assert panel.export_agenda() is None and "at least one" in dialogs[-1][1]
    _item(panel, "plc3-q1").setCheckState(0, Qt.CheckState.Checked)
    monkeypatch.setattr(messages, "ask", lambda *_a, **_k: True)
    monkeypatch.setattr(panel, "ask_identity", lambda: p12)
    monkeypatch.setattr(panel, "ask_passphrase", lambda _p: "wrong")
    assert panel.export_agenda() is None and dialogs[-1][0] == "Agenda not signed"
    monkeypatch.setattr(panel, "ask_passphrase", lambda _p: "correct horse battery")
    monkeypatch.setattr(panel, "ask_save_path", lambda _s: tmp_path / "out" / "agenda")
    (tmp_path / "out").mkdir()
    out = panel.export_agenda()
    assert out == tmp_path / "out" / "agenda.navagenda"
    got = open_agenda(out.read_bytes(), pack, content)
    assert [q["id"] for q in got.agenda["questions"]] == ["plc3-q1"] and got.signer == "Dana Coach"
    assert "signed by Dana Coach" in dialogs[-1][1]
