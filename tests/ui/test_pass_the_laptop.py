"""Passing the laptop safely (review 2026-12-01, finding 5; issue 16 item 2, issue 20 item 5).

The trial: Rate started at once as whichever row was selected, anyone could open anyone's
ratings, "Next person" went back to the full facilitator view, and nothing showed who had rated.
Here every step is driven from the keyboard, on a real district in a temporary folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from navtool_desktop import i18n
from navtool_desktop.core import pins as pin_rules
from navtool_desktop.core.records import Cycle, District, Participant, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.framework.locale import load_localized
from navtool_desktop.storage.pins import PINS_FILE, PinStore
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui import messages
from navtool_desktop.ui.cycles_screen import CyclesScreen, competencies_in_scope
from navtool_desktop.ui.turns import ConfirmRater, PinPage, RaterPicker
from navtool_desktop.vocabulary import level_name

DELAY = 30  # ms between keys: a quick typist


@pytest.fixture
def store(repo: Repository) -> DistrictStore:
    return repo.create_district(District(name="Distrito Escolar de Peñasco", state="New Mexico"))


@pytest.fixture
def cycle(store: DistrictStore, pack: Pack) -> Cycle:
    cycle = Cycle(title="Spring retreat", date="2027-03-12", framework_id=pack.id,
                  framework_version=pack.version,
                  scope=(pack.conditions[0].id, pack.conditions[1].id))
    store.create_cycle(cycle)
    for name, role in (("Rosa Martínez", "educator"), ("Ana Lucero", "community_member"),
                       ("Tomás Archuleta", "educator"), ("Dana Whitehorse", "leader")):
        store.save_participant(cycle.id, Participant(name=name, role_group=role))
    store.save_participant(cycle.id, Participant(code="L-07", role_group="learner"))
    return cycle


@pytest.fixture
def screen(qtbot: QtBot, pack: Pack, store: DistrictStore, cycle: Cycle) -> CyclesScreen:
    shown = CyclesScreen(pack, store)
    qtbot.addWidget(shown)
    shown.resize(1300, 700)
    shown.show()
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow)
    return shown


def person(store: DistrictStore, cycle: Cycle, label: str) -> Participant:
    return next(p for p in store.cycle(cycle.id).participants.values() if p.label == label)


def step(screen: CyclesScreen) -> object:
    QApplication.processEvents()
    return screen.turn_step


def pick(qtbot: QtBot, screen: CyclesScreen, typed: str) -> None:
    """Alt+R from the participant list, type part of the name, Enter."""
    screen.participants.setFocus()
    qtbot.keyClick(screen.rate_button, Qt.Key.Key_Space)  # the button, as Alt+R presses it
    picker = step(screen)
    assert isinstance(picker, RaterPicker)
    qtbot.waitUntil(picker.filter.hasFocus)
    if typed:
        qtbot.keyClicks(picker.filter, typed, delay=DELAY)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)


def confirm(qtbot: QtBot, screen: CyclesScreen, *, spanish: bool = False) -> None:
    page = step(screen)
    assert isinstance(page, ConfirmRater)
    target = page.focusWidget() or page
    if spanish:
        page.language_buttons["es"].setFocus()
        qtbot.keyClick(page.language_buttons["es"], Qt.Key.Key_Space)
        target = page.language_buttons["es"]
    qtbot.keyClick(target, Qt.Key.Key_Return)


def type_pin(qtbot: QtBot, screen: CyclesScreen, pin: str, again: str | None = None) -> PinPage:
    page = step(screen)
    assert isinstance(page, PinPage)
    qtbot.waitUntil(page.pin.hasFocus)
    qtbot.keyClicks(page.pin, pin, delay=DELAY)
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    if again is not None:
        assert page.repeat.hasFocus()
        qtbot.keyClicks(page.repeat, again, delay=DELAY)
        qtbot.keyClick(page.repeat, Qt.Key.Key_Return)
    return page


def rate(qtbot: QtBot, screen: CyclesScreen, keys: str) -> None:
    panel = screen.rating_panel
    assert panel is not None
    for key in keys:
        qtbot.keyClick(panel, key)


def done(qtbot: QtBot, screen: CyclesScreen) -> None:
    panel = screen.rating_panel
    assert panel is not None
    qtbot.keyClick(panel, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert screen.pages.currentWidget() is screen.handover


def english_questions(pack: Pack, competency: object) -> list[str]:
    condition = pack.condition(competency.condition_id)  # type: ignore[attr-defined]
    return [q.text for q in condition.questions["learners"]]


def take_turn(qtbot: QtBot, screen: CyclesScreen, typed: str = "") -> None:
    """From "Who is rating?" to the rating panel: type, Enter, "yes, that's me", no PIN
    (for tests about rating itself; the steps' own keys are tested above)."""
    picker = step(screen)
    assert isinstance(picker, RaterPicker)
    qtbot.keyClicks(picker.filter, typed)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    page = step(screen)
    assert isinstance(page, ConfirmRater)
    page.yes_button.click()
    pin = step(screen)
    assert isinstance(pin, PinPage)
    (pin.skip_button if pin.setting else pin.go_button).click()
    assert screen.rating_panel is not None


def test_who_is_rating_filters_confirms_and_rates_only_as_the_person_chosen(
        qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle) -> None:
    """The first row (Ana Lucero) is selected; typing "ros" and Enter still rates as Rosa."""
    assert screen.participants.currentItem().text().startswith("Ana Lucero")
    pick(qtbot, screen, "")  # Enter alone chooses nobody (before, it rated as the first row)
    picker = step(screen)
    assert isinstance(picker, RaterPicker) and picker.chosen_id() is None
    assert not picker.choose_button.isEnabled()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)  # Down chooses the first name
    assert picker.chosen_id() is not None and picker.choose_button.isEnabled()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    pick(qtbot, screen, "ros")
    page = step(screen)
    assert isinstance(page, ConfirmRater)
    assert page.name.text() == "Rosa Martínez"
    page.name.ensurePolished()
    assert page.name.fontInfo().pointSizeF() >= 2.5 * QApplication.font().pointSizeF()  # large type
    assert screen.rating_panel is None  # nothing opens before the person says it is them
    confirm(qtbot, screen)
    type_pin(qtbot, screen, "4821", again="4821")
    assert screen.rating_panel is not None
    rosa = person(store, cycle, "Rosa Martínez")
    assert screen.rating_panel.participant_id == rosa.id
    rate(qtbot, screen, "23")
    done(qtbot, screen)
    mine = [r for r in store.cycle(cycle.id).ratings.values()]
    assert [r.participant_id for r in mine] == [rosa.id, rosa.id]
    # the PIN is on disk only as a salted scrypt hash, beside the district and outside it
    raw = (store.folder / PINS_FILE).read_text(encoding="utf-8")
    assert "4821" not in raw
    kept = json.loads(raw)["cycles"][cycle.id][rosa.id]["pin"]
    assert kept.startswith("scrypt$") and pin_rules.check_pin("4821", kept)
    assert "4821" not in (store.folder / "district.json").read_text(encoding="utf-8")


def test_the_filter_ignores_case_and_accents_and_not_me_goes_back(
        qtbot: QtBot, screen: CyclesScreen) -> None:
    pick(qtbot, screen, "TOMAS")
    page = step(screen)
    assert isinstance(page, ConfirmRater) and page.name.text() == "Tomás Archuleta"
    qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_Escape)  # not me
    picker = step(screen)
    assert isinstance(picker, RaterPicker)
    qtbot.keyClicks(picker.filter, "zz", delay=DELAY)
    assert picker.visible_rows() == [] and picker.none.isVisibleTo(picker)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert step(screen) is picker  # no name: nothing happens
    picker.filter.clear()
    qtbot.keyClicks(picker.filter, "a", delay=DELAY)  # several match: arrows choose among them
    rows = picker.visible_rows()
    assert len(rows) >= 3
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)
    assert picker.list.currentRow() == rows[1]
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    assert screen.pages.currentIndex() == 0 and screen.turn_step is None  # the facilitator's list


def test_a_wrong_pin_is_refused_and_repeated_wrong_pins_lock_the_name(
        qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rosa = person(store, cycle, "Rosa Martínez")
    clock = [1_900_000_000.0]
    screen.pins = PinStore(store.folder, clock=lambda: clock[0])
    screen.pins.set_pin(cycle.id, rosa.id, "4821")
    pick(qtbot, screen, "rosa")
    confirm(qtbot, screen)
    page = type_pin(qtbot, screen, "1111")
    assert screen.rating_panel is None
    assert "not right" in page.message.text() and "4 more tries" in page.message.text()
    for _ in range(pin_rules.PIN_TRIES - 1):
        type_pin(qtbot, screen, "1111")
    assert screen.rating_panel is None
    assert "Too many wrong PINs" in page.message.text() and "5 minutes" in page.message.text()
    assert not page.pin.isEnabled()
    # the right PIN does not help while locked, nor does starting over (the count is on disk)
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    pick(qtbot, screen, "rosa")
    confirm(qtbot, screen)
    again = step(screen)
    assert isinstance(again, PinPage) and not again.pin.isEnabled()
    assert "Too many wrong PINs" in again.message.text()
    assert not screen.pins.check(cycle.id, rosa.id, "4821")
    # after the lock-out the right PIN opens Rosa's ratings
    clock[0] += pin_rules.PIN_LOCK_SECONDS + 1
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    pick(qtbot, screen, "rosa")
    confirm(qtbot, screen)
    type_pin(qtbot, screen, "4821")
    assert screen.rating_panel is not None and screen.rating_panel.participant_id == rosa.id


def test_the_facilitator_clears_a_forgotten_pin(
        qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rosa = person(store, cycle, "Rosa Martínez")
    screen.pins.set_pin(cycle.id, rosa.id, "4821")
    screen._show_cycle()
    row = next(r for r in range(screen.participants.count())
               if screen.participants.item(r).text().startswith("Rosa"))
    assert "PIN set" in screen.participants.item(row).text()
    screen.participants.setCurrentRow(row)
    asked: list[str] = []
    monkeypatch.setattr(messages, "ask", lambda _parent, _title, text, **_kw: asked.append(text) or True)
    qtbot.keyClick(screen.clear_pin_button, Qt.Key.Key_Space)
    assert asked and "Rosa Martínez" in asked[0]
    assert not screen.pins.has_pin(cycle.id, rosa.id)
    # her next turn offers to choose a PIN again
    pick(qtbot, screen, "rosa")
    confirm(qtbot, screen)
    page = step(screen)
    assert isinstance(page, PinPage) and page.setting


def test_a_mistyped_new_pin_or_no_pin_at_all(qtbot: QtBot, screen: CyclesScreen, store: DistrictStore,
                                            cycle: Cycle) -> None:
    pick(qtbot, screen, "dana")
    confirm(qtbot, screen)
    page = type_pin(qtbot, screen, "1234", again="1243")
    assert "not the same" in page.message.text() and screen.rating_panel is None
    page.pin.clear()
    page.pin.setFocus()
    type_pin(qtbot, screen, "12")
    assert "four digits" in page.message.text()
    page.skip_button.setFocus()  # Tab, Tab, Space: "Start without a PIN" (Alt+W)
    qtbot.keyClick(page.skip_button, Qt.Key.Key_Space)
    assert screen.rating_panel is not None
    assert not screen.pins.has_pin(cycle.id, person(store, cycle, "Dana Whitehorse").id)


def test_the_handover_shows_who_rated_by_group_never_levels(
        qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle, pack: Pack) -> None:
    scope = competencies_in_scope(pack, cycle)
    tomas = person(store, cycle, "Tomás Archuleta")
    for cid in scope:  # Tomás finished earlier
        store.save_rating(cycle.id, Rating(participant_id=tomas.id, competency_id=cid, level="refining"))
    pick(qtbot, screen, "rosa")
    confirm(qtbot, screen)
    type_pin(qtbot, screen, "4821", again="4821")
    rate(qtbot, screen, "1")
    done(qtbot, screen)
    label = screen.handover_progress.widget()
    assert isinstance(label, QLabel)
    text = label.text()
    assert "Educators: 1 finished · 1 started · 0 not started" in text
    assert "Tomás Archuleta" in text and "Rosa Martínez" in text and "L-07" in text
    assert "Leaders: 0 finished · 0 started · 1 not started" in text
    for level in ("establishing", "developing", "operationalizing", "refining", "not_sure"):
        assert level_name(level) not in text
        assert level_name(level) not in screen.handover_text.text()
    assert "1 rating saved" in screen.handover_text.text()
    # Enter on the handover asks the next person who they are, not the facilitator's list
    qtbot.keyClick(screen.next_button, Qt.Key.Key_Return)
    assert isinstance(step(screen), RaterPicker)
    assert not screen.cycles_panel.isVisible()


def test_a_returning_rater_resumes_at_their_first_unrated_competency(
        qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle, pack: Pack) -> None:
    scope = competencies_in_scope(pack, cycle)
    pick(qtbot, screen, "ana")
    confirm(qtbot, screen)
    type_pin(qtbot, screen, "2580", again="2580")
    panel = screen.rating_panel
    assert panel is not None
    qtbot.keyClick(panel, Qt.Key.Key_N)  # a note on the first competency, then two levels
    qtbot.keyClicks(panel.note, "We look at data once a year.", delay=0)
    qtbot.keyClick(panel.note, Qt.Key.Key_Escape)
    rate(qtbot, screen, "21")
    done(qtbot, screen)
    qtbot.keyClick(screen.next_button, Qt.Key.Key_Return)
    qtbot.keyClicks(step(screen).filter, "ana", delay=DELAY)  # type: ignore[union-attr]
    qtbot.keyClick(step(screen).filter, Qt.Key.Key_Return)  # type: ignore[union-attr]
    confirm(qtbot, screen)
    type_pin(qtbot, screen, "2580")
    back = screen.rating_panel
    assert back is not None and back is not panel
    assert back.current_row == 2 and back.competency.id == scope[2]
    assert back.rated_count() == 2
    ana = person(store, cycle, "Ana Lucero")
    notes = {r.competency_id: r.note for r in store.cycle(cycle.id).ratings.values()
             if r.participant_id == ana.id}
    assert notes[scope[0]] == "We look at data once a year."  # kept (review finding 1)
    assert back.level_buttons["refining"].isChecked() is False and back.note.toPlainText() == ""
    qtbot.keyClick(back, Qt.Key.Key_K)
    qtbot.keyClick(back, Qt.Key.Key_K)
    assert back.note.toPlainText() == "We look at data once a year."


def test_a_spanish_turn_rates_in_spanish_and_the_handover_returns_to_english(
        qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle, pack: Pack) -> None:
    scope = competencies_in_scope(pack, cycle)
    pick(qtbot, screen, "L-07")
    confirm(qtbot, screen, spanish=True)
    page = step(screen)
    assert isinstance(page, PinPage)
    assert page.go_button.text().replace("&", "").startswith("Guardar") or \
        "PIN" in page.go_button.text()
    assert i18n.language() == "es"
    type_pin(qtbot, screen, "9090", again="9090")
    panel = screen.rating_panel
    assert panel is not None
    assert panel.done_button.text() == "Terminé (Alt+D)"
    assert panel.level_buttons["operationalizing"].text() == "3  Consolidando\n(Operationalizing)"
    english = pack.competency(scope[0])
    assert panel.title.text() != english.name  # the competency's name in Spanish
    assert "Consolidando" in panel.levels_view.toPlainText()
    assert screen.questions is not None and "opcional" in screen.questions.title.text()
    spanish = load_localized(pack, "es").condition(english.condition_id).questions["learners"]
    shown = {w.text() for w in screen.questions.findChildren(QLabel)}
    assert spanish[0].text in shown and spanish[0].text != english_questions(pack, english)[0]
    rate(qtbot, screen, "3")
    done(qtbot, screen)
    assert i18n.language() == "en"
    assert "1 rating saved" in screen.handover_text.text()
    assert screen.next_button.text().startswith("Next person")
    # the rating pools with English ones: same competency id, same level id
    saved = [r for r in store.cycle(cycle.id).ratings.values()]
    assert [(r.competency_id, r.level) for r in saved] == [(scope[0], "operationalizing")]
    # the next person's confirmation speaks English again, and the learner's choice is remembered
    qtbot.keyClick(screen.next_button, Qt.Key.Key_Return)
    picker = step(screen)
    assert isinstance(picker, RaterPicker)
    assert picker.choose_button.text().startswith("&That")
    qtbot.keyClicks(picker.filter, "L-07", delay=DELAY)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    page2 = step(screen)
    assert isinstance(page2, ConfirmRater) and page2.language() == "es"


def test_pins_file_is_no_part_of_backups_and_a_damaged_one_means_no_pins(
        store: DistrictStore, cycle: Cycle, data_dir: Path) -> None:
    from navtool_desktop.storage.backup import store_files

    pins = PinStore(store.folder)
    rosa = person(store, cycle, "Rosa Martínez")
    pins.set_pin(cycle.id, rosa.id, "4821")
    assert (store.folder / PINS_FILE).is_file()
    assert all(p.name != PINS_FILE for p in store_files(store.folder))
    (store.folder / PINS_FILE).write_text("{not json", encoding="utf-8")
    assert not pins.has_pin(cycle.id, rosa.id)
    assert not pins.check(cycle.id, rosa.id, "4821")


def test_a_clock_turned_back_does_not_lock_a_name_for_longer(store: DistrictStore, cycle: Cycle) -> None:
    now = [2_000_000_000.0]
    pins = PinStore(store.folder, clock=lambda: now[0])
    rosa = person(store, cycle, "Rosa Martínez")
    pins.set_pin(cycle.id, rosa.id, "4821")
    for _ in range(pin_rules.PIN_TRIES):
        assert not pins.check(cycle.id, rosa.id, "0000")
    assert pins.locked_for(cycle.id, rosa.id) > 0
    now[0] -= 86_400  # someone turns the clock back a day
    assert 0 < pins.locked_for(cycle.id, rosa.id) <= pin_rules.PIN_LOCK_SECONDS
    now[0] += pin_rules.PIN_LOCK_SECONDS + 1
    assert pins.locked_for(cycle.id, rosa.id) == 0
    assert pins.check(cycle.id, rosa.id, "4821")



def turn_problems(pack: Pack, repo: Repository, language: str, room_w: int, room_h: int) -> list[str]:
    """What does not fit in each step of a turn, in ``language``, on a ``room_w`` x ``room_h``
    screen (logical pixels, the window manager's room already taken off)."""
    from test_fits_screen import build_district, fit_problems

    from navtool_desktop.framework.locale import load_localized
    from navtool_desktop.ui.main_window import MainWindow

    i18n.set_language(language)
    shown_pack = load_localized(pack, language)
    store, cycle_id = build_district(repo, shown_pack)
    for n in range(40):  # a big room: the handover's names scroll, the buttons stay
        store.save_participant(cycle_id, Participant(name=f"Participante número {n}",
                                                     role_group=("educator", "learner")[n % 2]))
    window = MainWindow(shown_pack, store, repo=repo)
    window.resize(room_w, room_h)
    window.show()
    screen = window.cycles
    assert screen is not None
    screen.reload(select=cycle_id)
    window.show_screen(window.index_of(screen))
    rosa = next(p.id for p in store.cycle(cycle_id).participants.values() if p.name == "Rosa Martínez")
    problems: list[str] = []

    def check(name: str, controls: list[Any]) -> None:
        problems.extend(fit_problems(window, name, controls, room_w, room_h))

    screen.ask_who()
    picker = screen.turn_step
    assert isinstance(picker, RaterPicker)
    check("who", [picker.filter, picker.list, picker.choose_button, picker.back_button])
    screen.confirm_rater(rosa)
    page = screen.turn_step
    assert isinstance(page, ConfirmRater)
    check("confirm", [page.name, page.yes_button, page.no_button, *page.language_buttons.values()])
    screen.ask_pin(rosa, language)
    pin = screen.turn_step
    assert isinstance(pin, PinPage)
    check("pin", [pin.pin, pin.repeat, pin.go_button, pin.skip_button, pin.back_button])
    screen.start_rating(rosa)
    panel = screen.rating_panel
    assert panel is not None
    check("rating", [*panel.level_buttons.values(), panel.note, panel.done_button])
    screen.finish_rating()
    check("handover", [screen.handover_text, screen.next_button, screen.overview_button])
    screen.back_to_overview()
    window._close_confirmed = True
    window.close()
    return problems


@pytest.mark.parametrize(("width", "height", "scale"),
                         [(1280, 720, "1"), (1366, 768, "1"), (1920, 1080, "1.5")])
def test_every_step_of_a_spanish_turn_fits_a_school_laptop(tmp_path: Path, width: int, height: int,
                                                           scale: str) -> None:
    """In Spanish (about 25% longer), in a child process with an offscreen screen of that size
    and scale, as test_fits_screen.py does for every screen in English (the steps included)."""
    import os
    import subprocess

    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               PYTHONPATH=os.pathsep.join([str(root), str(root / "tests" / "ui"),
                                           os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(Path(__file__)), str(tmp_path / "data"), "es"],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["screen"] == [round(width / float(scale)), round(height / float(scale))]
    assert report["problems"] == [], "\n".join(report["problems"])


def _main() -> None:
    from test_fits_screen import DECORATION

    from navtool_desktop import paths
    from navtool_desktop.framework import load_pack

    app = QApplication(sys.argv[:1])
    paths.set_data_dir(Path(sys.argv[1]))
    pack = load_pack(paths.default_pack_dir())
    repo = Repository()
    try:
        available = app.primaryScreen().availableGeometry()
        problems = turn_problems(pack, repo, sys.argv[2], available.width(), available.height() - DECORATION)
    finally:
        repo.close()
    print(json.dumps({"screen": [available.width(), available.height()], "problems": problems}))


if __name__ == "__main__":
    _main()


def test_a_turn_locks_the_facilitators_screens_and_not_me_returns_to_their_language(
        qtbot: QtBot, pack: Pack, repo: Repository) -> None:
    """From "Who is rating?" to the handover nothing else opens: no other screen, no other
    district (its results), no Preferences. "Not me" on a Spanish PIN step speaks English again."""
    from test_fits_screen import build_district, open_window

    window = open_window(pack, build_district(repo, pack), repo)
    qtbot.addWidget(window)
    window.show()
    screen = window.cycles
    assert screen is not None
    window.show_screen(window.index_of(screen))
    facilitator = window._facilitator_actions
    assert facilitator and all(a.isEnabled() for a in facilitator)
    screen.ask_who()
    assert not window.nav.isEnabled() and not any(a.isEnabled() for a in facilitator)
    rosa = next(iter(screen.store.cycle(screen.cycle.id).participants))
    screen.confirm_rater(rosa)
    screen.ask_pin(rosa, "es")
    assert i18n.language() == "es"
    page = screen.turn_step
    assert isinstance(page, PinPage)
    page.back_button.click()  # not me
    assert i18n.language() == "en" and isinstance(screen.turn_step, RaterPicker)
    screen.turn_step.cancelled.emit()  # Esc: the facilitator's list again
    assert window.nav.isEnabled() and all(a.isEnabled() for a in facilitator)
    window._close_confirmed = True


def test_enter_on_a_button_reached_by_tab_presses_that_button(
        qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle) -> None:
    """Tab to "Not me" and Enter: not me (Enter alone means yes); Tab to "Start without a PIN"
    and Enter: no PIN (not "the PIN is four digits")."""
    pick(qtbot, screen, "dana")
    page = step(screen)
    assert isinstance(page, ConfirmRater)
    page.no_button.setFocus()
    qtbot.keyClick(page.no_button, Qt.Key.Key_Return)
    assert isinstance(step(screen), RaterPicker)
    qtbot.keyClicks(step(screen).filter, "dana", delay=DELAY)  # type: ignore[union-attr]
    qtbot.keyClick(step(screen).filter, Qt.Key.Key_Return)  # type: ignore[union-attr]
    confirm(qtbot, screen)
    pin = step(screen)
    assert isinstance(pin, PinPage)
    pin.skip_button.setFocus()
    qtbot.keyClick(pin.skip_button, Qt.Key.Key_Return)
    assert screen.rating_panel is not None and pin.message.text() == ""


def test_a_name_guessed_at_for_days_stays_locked_until_the_facilitator_clears_it(
        qtbot: QtBot, screen: CyclesScreen, store: DistrictStore, cycle: Cycle) -> None:
    """Five wrong PINs locked a name for five minutes, again and again: 10,000 PINs in about a
    week of patient tries. As on the phones, MAX_WRONG_PINS wrong PINs since the last right
    one lock the name until the facilitator clears its PIN (core/pins.py, the one rule)."""
    rosa = person(store, cycle, "Rosa Martínez")
    clock = [1_900_000_000.0]
    pins = screen.pins = PinStore(store.folder, clock=lambda: clock[0])
    pins.set_pin(cycle.id, rosa.id, "4821")
    wrong = 0
    while wrong < pin_rules.MAX_WRONG_PINS:
        for _ in range(pin_rules.PIN_TRIES):
            if wrong < pin_rules.MAX_WRONG_PINS:
                assert not pins.check(cycle.id, rosa.id, f"{wrong:04d}")
                wrong += 1
        clock[0] += pin_rules.PIN_LOCK_SECONDS + 1  # each lock-out waited out
    assert pins.locked_for(cycle.id, rosa.id) == 0 and pins.needs_facilitator(cycle.id, rosa.id)
    assert not pins.check(cycle.id, rosa.id, "4821")  # the right PIN no longer opens it
    reopened = PinStore(store.folder, clock=lambda: clock[0] + 86_400 * 30)
    assert reopened.needs_facilitator(cycle.id, rosa.id)  # a restart or a month changes nothing
    pick(qtbot, screen, "rosa")
    confirm(qtbot, screen)
    page = step(screen)
    assert isinstance(page, PinPage) and not page.pin.isEnabled()
    assert "facilitator" in page.message.text() and "minutes" not in page.message.text()
    pins.clear(cycle.id, rosa.id)  # the facilitator clears the PIN: Rosa sets a new one
    assert not pins.needs_facilitator(cycle.id, rosa.id) and not pins.has_pin(cycle.id, rosa.id)


def test_a_right_pin_starts_the_count_of_wrong_ones_again(store: DistrictStore, cycle: Cycle) -> None:
    clock = [1_900_000_000.0]
    pins = PinStore(store.folder, clock=lambda: clock[0])
    rosa = person(store, cycle, "Rosa Martínez")
    pins.set_pin(cycle.id, rosa.id, "4821")
    for _round in range(pin_rules.MAX_WRONG_PINS):  # one wrong and one right, many times over
        assert not pins.check(cycle.id, rosa.id, "0000")
        assert pins.check(cycle.id, rosa.id, "4821")
    assert not pins.needs_facilitator(cycle.id, rosa.id)


def test_a_planted_pins_file_neither_crashes_nor_hangs_the_pin_page(store: DistrictStore, cycle: Cycle) -> None:
    """A 400-digit wrong-try time raised OverflowError on the PIN page; a named pipe in the file's
    place would block the read for good (the store's own files are read without blocking)."""
    import os
    import subprocess

    rosa = person(store, cycle, "Rosa Martínez")
    pins = PinStore(store.folder)
    pins.set_pin(cycle.id, rosa.id, "4821")
    data = json.loads((store.folder / PINS_FILE).read_text(encoding="utf-8"))
    data["cycles"][cycle.id][rosa.id]["failures"] = [10 ** 400, float("nan"), 1e308 * 10]
    (store.folder / PINS_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert pins.locked_for(cycle.id, rosa.id) == 0
    assert pins.check(cycle.id, rosa.id, "4821")
    if not hasattr(os, "mkfifo"):
        return
    (store.folder / PINS_FILE).unlink()
    os.mkfifo(store.folder / PINS_FILE)
    probe = (f"from pathlib import Path; from navtool_desktop.storage.pins import PinStore; "
             f"print(PinStore(Path({str(store.folder)!r})).has_pin('c', 'p'))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip() == "False", done.stderr[-500:]
