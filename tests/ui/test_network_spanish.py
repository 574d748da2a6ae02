"""The network's panels in Spanish, with real widgets: the learning agenda, the support menu and the
district's panel showing the agenda its network sent. No network text is left in English, and each
translated text says how far it was checked (machine-made, not reviewed by a person)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from network_fakes import quick_identity, sealed
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QComboBox, QLabel, QTableWidget, QTreeWidget, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from navtool_desktop import i18n
from navtool_desktop.framework import Pack
from navtool_desktop.framework.locale import load_localized
from navtool_desktop.network.agenda_file import build_agenda, seal
from navtool_desktop.network.content import NetworkContent, load_network_content
from navtool_desktop.network.peer import Agenda
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.ui.network_agenda import DistrictAgendaPanel, NetworkAgendaPanel
from navtool_desktop.ui.network_support import NetworkSupportPanel

NOT_REVIEWED = "traducción automática, sin revisar"


def english_texts(content: NetworkContent) -> set[str]:
    """Every network text a person reads, in English."""
    out = {content.rule, content.tiers_note, content.examples_note}
    for c in content.communities:
        out |= {c.name, c.theme}
    for q in content.questions:
        out |= {q.theme, q.text, *q.follow_ups}
    for lens in content.lenses:
        out |= {lens.name, lens.check}
    for t in content.types:
        out |= {t.name, t.description, t.example}
    for tier in content.tiers:
        out |= {tier.name, tier.description}
    return out


def _plain(text: str) -> str:
    return QTextDocumentFragment.fromHtml(text).toPlainText() if "<" in text else text


def _tree(item: QTreeWidgetItem) -> list[str]:
    out = [item.text(0), item.toolTip(0)]
    for n in range(item.childCount()):
        out += _tree(item.child(n))
    return out


def shown(root: QWidget) -> str:
    """All the words ``root`` shows or gives as tooltips, one line each."""
    out: list[str] = []
    for label in root.findChildren(QLabel):
        out += [_plain(label.text()), label.toolTip()]
    for tree in root.findChildren(QTreeWidget):
        for n in range(tree.topLevelItemCount()):
            out += _tree(tree.topLevelItem(n))
    for combo in root.findChildren(QComboBox):
        for n in range(combo.count()):
            out += [combo.itemText(n), str(combo.itemData(n, Qt.ItemDataRole.ToolTipRole) or "")]
    for table in root.findChildren(QTableWidget):
        out += [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())
                if table.item(r, c) is not None]
    return "\n".join(re.sub(r"\s+", " ", t) for t in out if t)


def english_left(root: QWidget, english: NetworkContent) -> list[str]:
    words = shown(root)
    return sorted(t for t in english_texts(english) if re.sub(r"\s+", " ", t) in words)


@pytest.fixture
def spanish(pack: Pack) -> Pack:
    i18n.set_language("es")
    return load_localized(pack, "es")


@pytest.fixture
def ws(tmp_path: Path, spanish: Pack) -> Workspace:
    ids = [c.id for c in spanish.competencies]
    workspace = Workspace(tmp_path / "net", spanish)
    workspace.import_bytes(sealed(spanish, "d1", "Alder Creek", dict.fromkeys(ids, "establishing"), goals=[ids[0]]))
    workspace.import_bytes(sealed(spanish, "d2", "Birch Falls", dict.fromkeys(ids, "developing"), goals=[ids[0]]))
    yield workspace  # type: ignore[misc]
    workspace.close()


def test_the_learning_agenda_panel_in_spanish(qtbot: QtBot, ws: Workspace, spanish: Pack, pack: Pack) -> None:
    english = load_network_content(pack, language="en")
    content = load_network_content(spanish, language="es")
    panel = NetworkAgendaPanel(ws, spanish)  # loads the content itself, in the app's language
    qtbot.addWidget(panel)
    tops = [panel.tree.topLevelItem(n).text(0) for n in range(panel.tree.topLevelItemCount())]
    assert tops == [f"{c.number}. {c.name}" for c in content.communities]
    assert "1. Enfoques integrales para el aprendizaje personalizado" in tops
    for qid in ("plc1-q1", "plc3-q1", "plc4-q1"):
        panel.select_question(qid)
        q = content.question(qid)
        text = _plain(panel.question.text())
        assert q.theme in text and re.sub(r"\s+", " ", q.text) in re.sub(r"\s+", " ", text)
        assert all(f in text for f in q.follow_ups)
        assert "Adaptada por este proyecto" in text and NOT_REVIEWED in text
        assert english_left(panel, english) == []
    panel.select_question("plc3-q1")
    assert "¿Cómo es el liderazgo cuando tiene que hacer realidad" in _plain(panel.question.text())
    panel.tree.currentItem().setCheckState(0, Qt.CheckState.Checked)
    lenses = _plain(panel.lenses.text())
    assert "Equidad" in lenses and "¿Se nombra el liderazgo?" in lenses
    assert english_left(panel, english) == []


def test_the_support_panel_in_spanish(qtbot: QtBot, ws: Workspace, spanish: Pack, pack: Pack) -> None:
    english = load_network_content(pack, language="en")
    content = load_network_content(spanish, language="es")
    panel = NetworkSupportPanel(ws, spanish)
    qtbot.addWidget(panel)
    assert [panel.districts.item(n).text() for n in range(2)] == ["Sensibilización · Alder Creek",
                                                                  "Acompañamiento · Birch Falls"]
    panel.select_district("d2")
    tier = _plain(panel.tier_label.text())
    assert tier.startswith("Grado: Acompañamiento. El distrito está practicando")
    assert NOT_REVIEWED in tier
    assert panel.explanation.text().startswith("Acompañamiento: en el ciclo del")
    assert "de Sensibilización a Experiencia compartida" in panel.explanation.text()
    assert content.rule in panel.rule.text() and "Consolidando (Operationalizing)" in panel.rule.text()
    assert panel.kind.itemText(0) == "Asistencia técnica (sugerido para este grado)"
    tip = panel.kind.itemData(0, Qt.ItemDataRole.ToolTipRole)
    assert tip == content.support_type("technical-assistance").description
    assert english_left(panel, english) == []
    panel.select_district("d1")
    assert _plain(panel.tier_label.text()).startswith("Grado: Sensibilización.")
    assert english_left(panel, english) == []


def test_the_support_plan_exported_in_spanish_has_its_spanish_html_version_beside_it(
        qtbot: QtBot, ws: Workspace, spanish: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        dialogs: list[tuple[str, str]]) -> None:
    import hashlib
    import shutil
    import subprocess

    panel = NetworkSupportPanel(ws, spanish)
    qtbot.addWidget(panel)
    out = tmp_path / "apoyo.pdf"
    monkeypatch.setattr(panel, "ask_save_path", lambda *_a: out)
    panel.select_district("d2")
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert dialogs[-1] == ("Plan de apoyo", f"Guardado en {out}, y su versión HTML accesible en apoyo.html")
    twin = tmp_path / "apoyo.html"
    html_text = twin.read_text(encoding="utf-8")
    assert '<html lang="es-US">' in html_text and re.search(r"<h1>Plan de apoyo: Birch Falls\s*</h1>", html_text)
    assert "<h2>Grado de preparación" in html_text and '<th scope="col">Tipo de apoyo</th>' in html_text
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is not installed (make debs installs it)")
    text = subprocess.run([tool, "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert hashlib.sha256(twin.read_bytes()).hexdigest() in text.split("\f")[-2]  # on the last page


def test_the_district_panel_shows_an_english_agenda_in_spanish(
        qtbot: QtBot, tmp_path: Path, pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    """The network worked in English; the district reads its agenda in Spanish (by the questions'
    ids). What people wrote (title, context, meetings) stays as written."""
    english = load_network_content(pack, language="en")
    with Workspace(tmp_path / "net", pack) as ws:
        agenda = Agenda(ws, english)
        agenda.set_network("North Country Network")
        agenda.set_title("Agenda 2026-27")
        agenda.choose("plc2-q3", "Grading guidelines across the region.")
        agenda.choose("plc1-q1")
        raw = seal(build_agenda(agenda), quick_identity("North Country Network"))
    sent = tmp_path / "agenda.navagenda"
    sent.write_bytes(raw)
    folder = tmp_path / "district"
    folder.mkdir()
    i18n.set_language("es")
    spanish = load_localized(pack, "es")
    content = load_network_content(spanish)
    panel = DistrictAgendaPanel(folder, spanish, goal_competencies=["agency.goal-setting"])
    qtbot.addWidget(panel)
    monkeypatch.setattr(panel, "ask_open_path", lambda: sent)
    panel._import()
    text = re.sub(r"\s+", " ", _plain(panel.body.text()))
    for qid in ("plc2-q3", "plc1-q1"):
        assert re.sub(r"\s+", " ", content.question(qid).text) in text
        assert english.question(qid).text not in text
    assert "Agenda 2026-27" in text and "Grading guidelines across the region." in text
    assert "Fijar metas" in text and "en su plan" in html.unescape(panel.body.text())
    assert english_left(panel, english) == []


def test_the_network_window_in_spanish_has_no_english_and_fits_1280_across(
        qtbot: QtBot, ws: Workspace, spanish: Pack, pack: Pack) -> None:
    """Every tab of the network window in Spanish: no network text in English, no string the
    catalog translates left in English, and no wider than a 1280 px laptop screen."""
    from test_spanish_screens import english_msgids, shown_texts

    from navtool_desktop.ui.network_window import NetworkWindow

    english = load_network_content(pack, language="en")
    catalog = english_msgids()
    folder = ws.folder
    ws.close()
    window = NetworkWindow(folder, spanish)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    found: dict[str, str] = {}
    for n in range(window.tabs.count()):
        window.tabs.setCurrentIndex(n)
        page = window.tabs.widget(n)
        found.update((t, window.tabs.tabText(n)) for t in shown_texts(page) if t in catalog)
        found.update((t, window.tabs.tabText(n)) for t in english_left(page, english))
        assert window.minimumSizeHint().width() <= 1280, window.tabs.tabText(n)
    assert found == {}
    window.close()
