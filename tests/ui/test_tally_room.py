"""The paper tally dialog: counts up to 10,000, and a warning (never a refusal) when the
votes outnumber the people the facilitator says were in the room."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from navtool_desktop.core.records import (
    MAX_TALLY_COUNT,
    RATING_CHOICES,
    ROLE_GROUPS,
    Cycle,
    District,
    Tally,
)
from navtool_desktop.framework import Pack
from navtool_desktop.storage.repository import DistrictStore, Repository
from navtool_desktop.ui.cycle_dialogs import TallyDialog


@pytest.fixture
def cycle(repo: Repository, pack: Pack) -> tuple[DistrictStore, Cycle]:
    store = repo.create_district(District(name="Pine Ridge USD"))
    cycle = Cycle(title="Fall retreat", date="2026-10-01", framework_id=pack.id,
                  framework_version=pack.version)
    store.create_cycle(cycle)
    return store, cycle


def test_more_votes_than_people_warns_and_still_saves(qtbot: QtBot, pack: Pack,
                                                      cycle: tuple[DistrictStore, Cycle]) -> None:
    store, c = cycle
    dialog = TallyDialog(pack, [x.id for x in pack.competencies], [])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.warning.isHidden()
    dialog.room["educator"].setValue(12)
    dialog.spins[("educator", "developing")].setValue(10)
    assert dialog.warning.isHidden()  # 10 of 12: fine
    dialog.spins[("educator", "refining")].setValue(4)
    assert dialog.warning.isVisible()
    assert "Educator: 14 votes, 12 in the room" in dialog.warning.text()
    dialog.competency.setCurrentIndex(1)  # the room count holds for every competency
    assert dialog.warning.isHidden()
    dialog.spins[("educator", "establishing")].setValue(13)
    assert "13 votes, 12 in the room" in dialog.warning.text()
    for tally in dialog.tallies():
        store.save_tally(c.id, tally)
    saved = sorted(store.cycle(c.id).tallies.values(), key=lambda t: t.total)
    assert [(t.total, t.people, t.over_room) for t in saved] == [(13, 12, True), (14, 12, True)]


def test_the_dialog_shows_the_room_count_saved_before(qtbot: QtBot, pack: Pack) -> None:
    old = Tally(competency_id=pack.competencies[0].id, role_group="learner",
                counts={"developing": 3}, people=20)
    dialog = TallyDialog(pack, [x.id for x in pack.competencies], [old])
    qtbot.addWidget(dialog)
    assert dialog.room["learner"].value() == 20 and dialog.room["educator"].value() == 0
    dialog.room["learner"].setValue(25)
    [changed] = dialog.tallies()
    assert changed.id == old.id and changed.people == 25 and changed.counts["developing"] == 3


def test_a_count_cannot_be_typed_past_the_bound(qtbot: QtBot, pack: Pack) -> None:
    dialog = TallyDialog(pack, [x.id for x in pack.competencies], [])
    qtbot.addWidget(dialog)
    spin = dialog.spins[("leader", "refining")]
    spin.setValue(10**6)
    assert spin.value() == MAX_TALLY_COUNT == 10_000
    dialog.tallies()  # valid records


def test_date_entry_stays_in_the_years_records_accept(qtbot: QtBot, pack: Pack) -> None:
    from PySide6.QtCore import QDate

    from navtool_desktop.ui.cycle_dialogs import NewCycleDialog
    from navtool_desktop.ui.editors import date_edit

    dialog = NewCycleDialog(pack)
    qtbot.addWidget(dialog)
    for edit in (date_edit(), date_edit(optional=True), dialog.date):
        edit.setDate(QDate(9999, 12, 31))
        assert edit.date() == QDate(2199, 12, 31)
        edit.deleteLater()
    dialog.date.setDate(QDate(1800, 1, 1))
    assert dialog.date.date() == QDate(1900, 1, 1)


class Keys:
    """Presses keys on whatever has the focus, and counts them (a chord such as Alt+G is one)."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        from PySide6.QtWidgets import QApplication

        self.count += 1
        self.qtbot.keyClick(QApplication.focusWidget(), key, modifier)

    def type(self, text: str) -> None:
        from PySide6.QtWidgets import QApplication

        for char in text:
            self.count += 1
            self.qtbot.keyClicks(QApplication.focusWidget(), char)


def paper_sheet(pack: Pack, people: int = 9, seed: int = 16) -> dict[str, dict[str, int]]:
    """A role group's paper forms, counted by hand: ``people`` votes on each competency."""
    import random

    rng = random.Random(seed)
    sheet = {}
    for comp in pack.competencies:
        centre = rng.randrange(4)  # most votes gather around one level, as they do on paper
        counts = dict.fromkeys(RATING_CHOICES, 0)
        for _person in range(people):
            level = (RATING_CHOICES[4] if rng.random() < 0.04
                     else RATING_CHOICES[max(0, min(3, centre + rng.choice((-1, 0, 0, 0, 1))))])
            counts[level] += 1
        sheet[comp.id] = counts
    return sheet


def test_a_whole_paper_sheet_for_one_role_group_takes_under_250_keys(
        qtbot: QtBot, pack: Pack, cycle: tuple[DistrictStore, Cycle]) -> None:
    """Review 2026-12-01 finding 12: about 130 keys for 8 competencies of one group; here all 30."""
    from PySide6.QtWidgets import QApplication

    from navtool_desktop.ui.cycle_dialogs import SheetTallyDialog

    store, c = cycle
    ids = [x.id for x in pack.competencies]
    sheet = paper_sheet(pack)
    dialog = SheetTallyDialog(pack, ids, [])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.role)
    keys = Keys(qtbot)
    keys.count += 1  # Alt+G on Reflect and Listen opened the dialog
    for _step in range(ROLE_GROUPS.index("learner")):
        keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Tab)
    keys.type("9")  # in the room
    keys.press(Qt.Key.Key_Tab)
    for cid in ids:
        counts = [sheet[cid][level] for level in RATING_CHOICES]
        while counts and counts[-1] == 0:
            counts.pop()  # Enter leaves the rest of the row at 0
        for index, count in enumerate(counts):
            if index:
                keys.press(Qt.Key.Key_Tab)
            if count:
                keys.type(str(count))
        keys.press(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        keys.press(Qt.Key.Key_Return)
    for tally in dialog.tallies():
        store.save_tally(c.id, tally)
    saved = {t.competency_id: t for t in store.cycle(c.id).tallies.values()}
    assert {cid: t.counts for cid, t in saved.items()} == sheet
    assert {(t.role_group, t.people) for t in saved.values()} == {("learner", 9)}
    print(f"keystrokes for one role group, {len(ids)} competencies: {keys.count}")
    assert keys.count < 250


def test_the_sheet_shows_what_was_entered_before_and_changes_only_what_changed(
        qtbot: QtBot, pack: Pack) -> None:
    from navtool_desktop.ui.cycle_dialogs import SheetTallyDialog

    first, second = pack.competencies[0].id, pack.competencies[1].id
    old = Tally(competency_id=first, role_group="leader", counts={"developing": 3}, people=4)
    dialog = SheetTallyDialog(pack, [first, second], [old])
    qtbot.addWidget(dialog)
    assert dialog.cells[(first, "developing")].text() == ""  # educators first: nothing yet
    dialog.role.setCurrentIndex(ROLE_GROUPS.index("leader"))
    assert dialog.cells[(first, "developing")].text() == "3" and dialog.room.value() == 4
    assert dialog.tallies() == []  # nothing changed
    dialog.cells[(second, "refining")].setText("2")
    dialog.cells[(first, "developing")].setText("")
    changed = {t.competency_id: t for t in dialog.tallies()}
    assert changed[first].id == old.id and changed[first].total == 0
    assert changed[second].counts["refining"] == 2 and changed[second].role_group == "leader"


def test_one_competency_grid_is_typed_with_tab_and_enter(qtbot: QtBot, pack: Pack) -> None:
    """Enter goes to the next role group's row (it used to close the dialog at once)."""
    from PySide6.QtWidgets import QApplication

    dialog = TallyDialog(pack, [x.id for x in pack.competencies], [])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.spins[("educator", "establishing")].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.spins[("educator", "establishing")])
    keys = Keys(qtbot)
    for row in ("3", "", "1\t\t4", "2"):  # educators, leaders (none), community, learners
        for part in row.split("\t"):
            if part:
                keys.type(part)
            if part is not row.split("\t")[-1]:
                keys.press(Qt.Key.Key_Tab)
        keys.press(Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert QApplication.focusWidget() is dialog.findChild(QDialogButtonBox).button(
        QDialogButtonBox.StandardButton.Ok)
    counts = {t.role_group: {k: v for k, v in t.counts.items() if v} for t in dialog.tallies()}
    assert counts == {"educator": {"establishing": 3},
                      "community_member": {"establishing": 1, "operationalizing": 4},
                      "learner": {"establishing": 2}}
