"""The app in Spanish: the rating panel a participant sees, Qt's own buttons, Preferences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from navtool_desktop import i18n
from navtool_desktop.framework import Pack


def test_the_rating_panel_speaks_spanish_with_the_english_level_name(qtbot: QtBot, pack: Pack) -> None:
    from navtool_desktop.ui.rating_entry import RatingPanel

    i18n.set_language("es")
    panel = RatingPanel(pack, ["agency.voice"], "p1")
    qtbot.addWidget(panel)
    buttons = {level: button.text() for level, button in panel.level_buttons.items()}
    assert buttons["operationalizing"] == "3  Consolidando\n(Operationalizing)"
    assert buttons["establishing"] == "1  Estableciendo\n(Establishing)"
    assert buttons["not_sure"] == "0  No sé"
    assert panel.done_button.text() == "Terminé (Alt+D)"
    assert panel.auto_advance.text() == "Avanzar al elegir un nivel"
    assert panel.progress.text() == "0 de 1 calificadas"
    assert "sin calificar todavía" in panel.list.item(0).text()


def test_the_rating_panel_in_english_has_no_second_name(qtbot: QtBot, pack: Pack) -> None:
    from navtool_desktop.ui.rating_entry import RatingPanel

    panel = RatingPanel(pack, ["agency.voice"], "p1")
    qtbot.addWidget(panel)
    assert panel.level_buttons["operationalizing"].text() == "3  Operationalizing"


def test_qts_own_buttons_speak_spanish(qtbot: QtBot) -> None:
    from navtool_desktop.ui.app import install_qt_translation

    app = QApplication.instance()
    i18n.set_language("es")
    translator = install_qt_translation(app)
    try:
        assert translator is not None, "qtbase_es.qm not found in Qt's translations folder"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Cancelar"
    finally:
        if translator is not None:
            app.removeTranslator(translator)
        i18n.set_language("en")
        install_qt_translation(app)


def test_preferences_save_the_language_for_the_next_start(qtbot: QtBot, data_dir: Path) -> None:
    from navtool_desktop.ui.preferences import PreferencesDialog

    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    assert dialog.chosen_language() is None  # "As the system" until someone chooses
    dialog.language.setCurrentIndex(dialog.language.findData("es"))
    dialog.accept()
    assert i18n.saved_language() == "es"
    assert i18n.language() == "en"  # this run keeps its language: screens are built already
    again = PreferencesDialog()
    qtbot.addWidget(again)
    assert again.chosen_language() == "es"


def test_the_rating_panel_shows_the_spanish_level_meanings(qtbot: QtBot, pack: Pack) -> None:
    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.ui.rating_entry import RatingPanel

    i18n.set_language("es")
    spanish = load_localized(pack, "es")
    panel = RatingPanel(spanish, ["agency.voice"], "p1")
    qtbot.addWidget(panel)
    meaning = "Hay evidencia en todo el sistema de que la comunidad domina lo que pide esta competencia."
    assert panel.level_buttons["operationalizing"].toolTip() == meaning
    assert meaning in panel.levels_view.toPlainText()
    assert "Voz" in panel.list.item(0).text()


def test_the_export_screen_writes_the_report_in_the_apps_language(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                                   tmp_path: Path) -> None:
    """The Export screen needs no --lang: the report follows the app's language."""
    from pypdf import PdfReader
    from PySide6.QtCore import Qt

    from navtool_desktop.core.demo import generate
    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.storage.demo import save_demo
    from navtool_desktop.storage.repository import Repository
    from navtool_desktop.ui.export_screen import ExportScreen

    i18n.set_language("es")
    spanish = load_localized(pack, "es")
    with Repository(data_dir) as repo:
        store = save_demo(repo, generate(spanish, years=1), backup=False)
        screen = ExportScreen(spanish, store, signing_dir=tmp_path / "signing")
        qtbot.addWidget(screen)
        screen.show()
        asked: list[tuple[object, ...]] = []
        screen.ask_save_path = lambda *a: asked.append(a) or tmp_path / "informe"  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.saved, timeout=60000) as blocker:  # a ceiling, not a measured time
            qtbot.mouseClick(screen.report_button, Qt.MouseButton.LeftButton)
    reader = PdfReader(Path(blocker.args[0]))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Informe de evaluación" in text and "Fortalezas" in text and "Strengths" not in text
    assert reader.trailer["/Root"]["/Lang"] == "es-US"
    title, suggested = asked[0][:2]
    assert title == "Guardar el informe de evaluación"
    assert str(suggested).endswith("-informe.pdf")  # the file name it suggests is Spanish too
