"""The framework browser driven by keyboard, on the shipped pack."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from navtool_desktop.framework import Pack
from navtool_desktop.ui.framework_models import FrameworkTreeModel, ItemIdRole, SearchResultsModel
from navtool_desktop.ui.main_window import MainWindow


def plain(rich: str) -> str:
    return QTextDocumentFragment.fromHtml(rich).toPlainText()


@pytest.fixture
def window(qtbot: QtBot, pack: Pack) -> MainWindow:
    win = MainWindow(pack)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_tree_model_is_a_valid_item_model(qtmodeltester, pack: Pack) -> None:  # type: ignore[no-untyped-def]
    model = FrameworkTreeModel(pack)
    qtmodeltester.check(model)
    assert model.rowCount() == 12
    assert sum(model.rowCount(model.index(r, 0)) for r in range(12)) == 30
    assert model.index(0, 0).data() == "1. Shared Vision  ★"
    assert model.index(4, 0).data() == "5. Partnerships"
    assert model.index(1, 0).data(Qt.ItemDataRole.AccessibleTextRole) == "Culture, priority condition"
    assert model.index(1, 0, model.index(1, 0)).data(ItemIdRole) == "culture.relationships"


def test_results_model_is_a_valid_item_model(qtmodeltester, pack: Pack) -> None:  # type: ignore[no-untyped-def]
    from navtool_desktop.framework.search import search

    model = SearchResultsModel()
    model.set_hits(search(pack, "celebrat"))
    assert model.rowCount() > 3
    qtmodeltester.check(model)


def test_choose_a_condition_and_open_a_competency_by_keyboard(
    qtbot: QtBot, window: MainWindow, pack: Pack
) -> None:
    browser = window.browser
    browser.tree.setFocus()
    assert browser.current_page_id == "shared-vision"
    # Down past Shared Vision's two competencies lands on Culture.
    for _ in range(3):
        qtbot.keyClick(browser.tree, Qt.Key.Key_Down)
    assert browser.current_page_id == "culture"
    page = browser.condition_page
    assert browser.pages.currentWidget() is page
    assert page.title.text() == "Culture" and page.badge.isVisibleTo(page)
    assert plain(page.definition.text()) == pack.condition("culture").definition
    learners = page.question_views["learners"].toPlainText()
    assert pack.find("culture.questions.learners.q1").text in learners
    qtbot.keyClick(browser.tree, Qt.Key.Key_Down)  # Culture of Innovation
    qtbot.keyClick(browser.tree, Qt.Key.Key_Down)  # Relationships
    assert browser.current_page_id == "culture.relationships"
    comp_page = browser.competency_page
    assert browser.pages.currentWidget() is comp_page
    developing = comp_page.level_views["developing"].toPlainText()
    assert pack.find("culture.relationships.developing.p2").text in developing
    assert pack.find("culture.relationships.developing.d1").text in developing
    assert "Refining" in comp_page.refining.text()


def test_partnerships_is_not_marked_priority(qtbot: QtBot, window: MainWindow) -> None:
    window.browser.show_item("partnerships")
    assert not window.browser.condition_page.badge.isVisibleTo(window.browser.condition_page)


def test_search_a_practice_by_a_word_and_land_on_it(
    qtbot: QtBot, window: MainWindow, pack: Pack
) -> None:
    target = pack.find("culture.culture-of-continuous-improvement.developing.p1")
    word = "PDSA" if "PDSA" in target.text else target.text.split()[-1]
    browser = window.browser
    browser.tree.setFocus()
    qtbot.keyClick(browser.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is browser.search_box
    qtbot.keyClicks(browser.search_box, word)
    assert browser.left_stack.currentWidget() is browser.results
    rows = [browser.results_model.hit(r).item_id for r in range(browser.results_model.rowCount())]
    assert target.id in rows
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is browser.results
    assert browser.results.currentIndex().row() == min(1, len(rows) - 1)  # Down goes past the first
    while browser.results.currentIndex().row() != rows.index(target.id):
        up = browser.results.currentIndex().row() > rows.index(target.id)
        qtbot.keyClick(browser.results, Qt.Key.Key_Up if up else Qt.Key.Key_Down)
    qtbot.keyClick(browser.results, Qt.Key.Key_Return)
    assert browser.current_page_id == "culture.culture-of-continuous-improvement"
    assert browser.focused_item_id == target.id
    html = browser.competency_page.level_views["developing"].toHtml()
    assert "#ffd84d" in html  # the match is highlighted
    assert word in browser.competency_page.level_views["developing"].toPlainText()
    qtbot.keyClick(browser.results, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is browser.search_box


def test_search_with_no_match_says_so_and_escape_returns(qtbot: QtBot, window: MainWindow) -> None:
    browser = window.browser
    browser.focus_search()
    qtbot.keyClicks(browser.search_box, "zzqxv")
    assert browser.left_stack.currentWidget() is browser.no_results
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Escape)
    assert browser.search_box.text() == ""
    assert browser.left_stack.currentWidget() is browser.tree


def test_search_finds_guiding_questions_and_opens_their_tab(
    qtbot: QtBot, window: MainWindow, pack: Pack
) -> None:
    question = pack.find("agency.questions.equity.q1")
    word = max(question.text.split(), key=len).strip("?,.")
    browser = window.browser
    browser.focus_search()
    qtbot.keyClicks(browser.search_box, word)
    hits = [browser.results_model.hit(r) for r in range(browser.results_model.rowCount())]
    row = [h.item_id for h in hits].index(question.id)
    browser.results.setFocus()
    browser.results.setCurrentIndex(browser.results_model.index(row, 0))
    qtbot.keyClick(browser.results, Qt.Key.Key_Return)
    page = browser.condition_page
    assert page.tabs.currentWidget() is page.question_views["equity"]


def test_about_box_credits_the_source(window: MainWindow) -> None:
    text = window.about_text()
    assert "KnowledgeWorks" in text and "2021" in text
    assert "Finding Your Path" in text


def test_user_text_is_escaped_in_pages() -> None:
    from navtool_desktop.framework.search import query_pattern
    from navtool_desktop.ui.framework_pages import marked

    out = marked("Tom & <b>Jerry</b> amp", query_pattern("amp"))
    assert out.startswith("Tom &amp; &lt;b&gt;Jerry&lt;/b&gt; ")
    assert out.endswith(">amp</span>")


def test_every_level_name_on_a_competency_page_carries_its_meaning(
    window: MainWindow, pack: Pack
) -> None:
    browser = window.browser
    browser.show_item("agency.voice")
    page = browser.competency_page
    for level in ("establishing", "developing", "operationalizing"):
        meaning = page.level_meanings[level]
        assert meaning.isVisibleTo(page) and meaning.text() == pack.stage(level).meaning
    assert "practicing" in page.level_meanings["developing"].text()
    assert pack.stage("refining").meaning in plain(page.refining.text())


def test_a_condition_page_lists_its_resources_with_provenance(window: MainWindow, pack: Pack) -> None:
    browser = window.browser
    browser.show_item("learner-supports")
    page = browser.condition_page
    text = page.resources.toPlainText()
    for res in pack.resources_for("learner-supports"):
        assert res.title in text and res.use in text
    assert "Golden Ticket" in text and "Fit for Purpose" in text
    assert "[Adapted by this project]" in text and "[Project suggestion]" in text
    browser.show_item("transparency")
    assert "Golden Ticket" not in page.resources.toPlainText()
    assert "Rethinking State Accountability" in page.resources.toPlainText()
    assert "[From the Navigation Tool]" in plain(page.provenance.text())


def test_search_finds_a_resource_and_opens_it_on_its_condition_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    browser = window.browser
    browser.focus_search()
    qtbot.keyClicks(browser.search_box, "Acceleration Academies")
    hits = [browser.results_model.hit(r) for r in range(browser.results_model.rowCount())]
    assert [h.item_id for h in hits] == ["resources.golden-ticket"]
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    assert browser.current_page_id == "flexible-learning-environments"
    assert "#ffd84d" in browser.condition_page.resources.toHtml()


def test_glossary_terms_link_from_pages_and_are_searchable(
    qtbot: QtBot, window: MainWindow, pack: Pack
) -> None:
    browser = window.browser
    browser.show_item("transparency")
    definition = browser.condition_page.definition.text()
    assert 'href="glossary:learning-community"' in definition
    assert definition.count("glossary:learning-community") == 1  # first occurrence only
    browser.condition_page.definition.linkActivated.emit("glossary:learning-community")
    assert browser.current_page_id == "glossary"
    assert browser.focused_item_id == "glossary.learning-community"
    assert pack.term("learning-community").definition in browser.glossary_page.view.toPlainText()
    browser.focus_search()
    qtbot.keyClicks(browser.search_box, "key driver")
    hits = [browser.results_model.hit(r).item_id for r in range(browser.results_model.rowCount())]
    assert "glossary.key-driver-diagram" in hits


def test_the_repeated_target_is_shown_with_a_note(window: MainWindow) -> None:
    browser = window.browser
    browser.show_item("learner-supports.equity-and-access")
    note = browser.competency_page.note
    assert note.isVisibleTo(browser.competency_page)
    assert "same learning target as Personalized Supports" in plain(note.text())
    browser.show_item("learner-supports.personalized-supports")
    assert not browser.competency_page.note.isVisibleTo(browser.competency_page)


def test_about_page_shows_what_the_pack_holds(window: MainWindow, pack: Pack) -> None:
    browser = window.browser
    browser.more_links.linkActivated.emit("about")
    text = browser.about_page.view.toPlainText()
    assert "Source: Aurora Institute" in text
    assert all(t.text in text for t in pack.traits)
    assert all(p.purpose in text for p in pack.phases)
    assert all(s.meaning in text for s in pack.stages)
    assert all(r.title in text for r in pack.references) and len(pack.references) == 30


def test_spanish_pages_say_how_far_each_translation_was_checked(qtbot: QtBot, pack: Pack) -> None:
    """Issue 20 item 4: each item's translation status shows; nothing claims a person's review."""
    from navtool_desktop import i18n
    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.ui.framework_pages import CompetencyPage, ConditionPage

    english = ConditionPage(pack)
    qtbot.addWidget(english)
    english.show_condition(pack.condition("culture"))
    assert "machine translation" not in english.provenance.text()
    i18n.set_language("es")
    spanish = load_localized(pack, "es")
    page = ConditionPage(spanish)
    qtbot.addWidget(page)
    page.show_condition(spanish.condition("culture"))
    draft = i18n._("machine translation, not reviewed")
    checked = i18n._("machine translation, back-translated, not reviewed")
    assert draft != "machine translation, not reviewed"  # the Spanish words
    assert draft in page.provenance.text()
    learners = page.question_views["learners"].toPlainText()
    assert learners.count(checked) == len(spanish.condition("culture").questions["learners"])
    assert i18n._("translation reviewed by a person") not in page.question_views["learners"].toHtml()
    comp_page = CompetencyPage(spanish)
    qtbot.addWidget(comp_page)
    comp_page.show_competency(spanish.competency("culture.celebrations"))
    assert draft in comp_page.target.text()
