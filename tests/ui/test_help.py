"""Help has a retreat guide and "What's new", read in the app; the district's name is in the title.

Trial (review 2026-12-01, finding 13 and "What a facilitator would expect"): Help had only About,
no guide for a retreat.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from navtool_desktop import paths
from navtool_desktop.core.records import District
from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import Repository
from navtool_desktop.ui.guide import GuideDialog, WhatsNewDialog, guide_pages, whats_new_markdown
from navtool_desktop.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]


def test_the_guide_has_a_page_per_step_with_its_keys(qtbot: QtBot) -> None:
    pages = guide_pages()
    titles = " ".join(p.title for p in pages)
    for step in ("Before the retreat", "Rating", "Consensus", "Results", "Set goals", "Export",
                 "learn and improve"):
        assert step in titles, step
    assert all(p.keys and p.steps for p in pages)
    dialog = GuideDialog()
    qtbot.addWidget(dialog)
    dialog.steps.setCurrentRow(2)  # rating: the keys are on its page
    shown = dialog.page.toPlainText()
    assert "pass the laptop" in shown and "Alt+R" in shown and "I'm done" in shown
    dialog.steps.setCurrentRow(4)
    assert "F11" in dialog.page.toPlainText()
    room = dialog.screen().availableGeometry()
    assert dialog.width() <= room.width() and dialog.height() <= room.height()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_guide_names_only_keys_the_screens_have(pack: Pack, repo: Repository, qtbot: QtBot,
                                                    language: str) -> None:
    """Every Alt+letter in the guide is a mnemonic of a button, tab or field on some screen, in
    each language (the Spanish guide said Alt+R and Alt+A, the English letters)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QTabWidget

    from navtool_desktop import i18n
    from navtool_desktop.ui.widgets import alt_key

    i18n.set_language(language)
    store = repo.create_district(District(name="Peñasco"))
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    letters: set[str] = set()
    for key in ("vision", "cycles", "consensus", "results", "plan", "improve", "export", "exchange"):
        screen = window._screen(key)
        texts = [b.text() for b in screen.findChildren(QAbstractButton)]
        texts += [lb.text() for lb in screen.findChildren(QLabel)]
        for tabs in screen.findChildren(QTabWidget):
            texts += [tabs.tabText(i) for i in range(tabs.count())]
        letters |= {m.group(1).upper() for t in texts for m in re.finditer(r"&(\w)", t)}
    named = {k[-1].upper() for p in guide_pages() for k, _w in p.keys if re.fullmatch(r"Alt\+\w", k)}
    assert named and named <= letters, named - letters
    rating = guide_pages()[2].keys[0][0]  # "start rating": the Rate button's own letter
    assert rating == alt_key(window._screen("cycles").rate_button.text())
    i18n.set_language("en")


def test_whats_new_shows_the_changelog(qtbot: QtBot) -> None:
    dialog = WhatsNewDialog()
    qtbot.addWidget(dialog)
    first = next(line for line in (REPO / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
                 if line.startswith("## "))
    assert first.lstrip("# ") in dialog.text.toPlainText()
    assert "##" not in dialog.text.toPlainText()  # read as Markdown, not shown raw


def test_whats_new_works_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A frozen app finds CHANGELOG.md where build/navtool.spec puts it (the bundle's top)."""
    spec = (REPO / "build" / "navtool.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "CHANGELOG.md"), ".")' in spec
    shutil.copy(REPO / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.changelog() == tmp_path / "CHANGELOG.md"
    assert whats_new_markdown().startswith("# Changelog")
    (tmp_path / "CHANGELOG.md").unlink()
    assert whats_new_markdown() == "The list of changes is missing from this installation."


def test_help_menu_opens_the_guide_and_whats_new(pack: Pack, repo: Repository, qtbot: QtBot) -> None:
    store = repo.create_district(District(name="Peñasco"))
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    seen: list[str] = []

    def close_it() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        seen.append(dialog.windowTitle())
        dialog.reject()

    for action in (window.guide_action, window.whats_new_action):
        QTimer.singleShot(0, close_it)
        action.trigger()
    assert seen == ["Retreat guide", "What's new"]
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    mnemonics = [m.group(1).lower() for a in help_menu.actions() if (m := re.search(r"&(\w)", a.text()))]
    assert len(mnemonics) == 4 and len(mnemonics) == len(set(mnemonics))


def test_the_district_name_is_in_the_window_title(pack: Pack, repo: Repository, qtbot: QtBot) -> None:
    store = repo.create_district(District(name="Distrito Escolar de Peñasco"))
    window = MainWindow(pack, store)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Distrito Escolar de Peñasco · Navigation Tool Desktop"
    # renamed on Shared Vision: the title follows as it is saved
    vision = window.vision
    assert vision is not None
    vision.name.clear()
    qtbot.keyClicks(vision.name, "Penasco ISD")  # QTest types ASCII only
    assert vision.save_now()
    assert window.windowTitle() == "Penasco ISD · Navigation Tool Desktop"
    window._profile_saved(store.profile.replace(name="Peñasco\nISD\x07"))  # say, from a bundle
    assert window.windowTitle() == "Peñasco ISD · Navigation Tool Desktop"
    window._profile_saved(store.profile.replace(name="\x07\x1b"))  # nothing printable
    assert window.windowTitle() == "Navigation Tool Desktop"
    window._profile_saved(store.profile.replace(name="x" * 300))
    assert len(window.windowTitle()) < 120
