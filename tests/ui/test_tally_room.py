"""The paper tally dialog: counts up to 10,000, and a warning (never a refusal) when the
votes outnumber the people the facilitator says were in the room."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from navtool_desktop.core.records import MAX_TALLY_COUNT, Cycle, District, Tally
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
