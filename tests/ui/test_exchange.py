"""The Exchange screen: import a folder of bundles with the summary shown; export my responses."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from navtool_desktop.core.records import Cycle, District, Participant, Rating
from navtool_desktop.exchange import export_bundle, read_bundle
from navtool_desktop.framework import Pack
from navtool_desktop.storage import DistrictStore, Repository
from navtool_desktop.ui.exchange_screen import ExchangeScreen


def _district(repo: Repository, pack: Pack) -> tuple[DistrictStore, str, list[Participant]]:
    store = repo.create_district(District(name="Río Verde Unified"))
    cycle = store.create_cycle(Cycle(title="Spring 2026", date="2026-03-01", framework_id=pack.id,
                                     framework_version=pack.version)).cycle
    people = [store.save_participant(cycle.id, Participant(name=name, role_group="educator"))
              for name in ("Ana", "Ben", "Carmen")]
    for person in people:
        for comp in pack.competencies[:4]:
            store.save_rating(cycle.id, Rating(participant_id=person.id, competency_id=comp.id,
                                               level="developing"))
    return store, cycle.id, people


def test_importing_a_folder_of_bundles_shows_the_summary(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                         tmp_path: Path) -> None:
    with Repository(data_dir) as repo:
        store, cycle_id, people = _district(repo, pack)
        stick = tmp_path / "usb"
        stick.mkdir()
        for person in people:
            export_bundle(store, pack, "participant", stick / f"{person.name}.navtool",
                          cycle_id=cycle_id, participant_id=person.id)
        (stick / "broken.navtool").write_bytes(b"PK\x05\x06 cut")
        # Ben and Carmen only rated on their own laptops: this laptop has not seen them yet.
        for person in people[1:]:
            store.delete_participant(cycle_id, person.id)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        screen.show()
        assert screen.person_box.count() == 1
        screen.ask_folder = lambda: stick  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.imported, timeout=20000) as blocker:
            qtbot.mouseClick(screen.import_folder_button, Qt.MouseButton.LeftButton)
        summary = blocker.args[0]
        assert summary.counts["added", "participant"] == 2
        assert summary.counts["added", "rating"] == 8
        assert summary.counts["unchanged", "rating"] == 4
        assert [name for name, _reason in summary.refused] == ["broken.navtool"]
        shown = screen.summary_view.toPlainText()
        assert "3 bundle(s) imported, 1 refused" in shown
        assert "Added: 10" in shown and "broken.navtool" in shown
        assert len(store.cycle(cycle_id).participants) == 3
        assert screen.person_box.count() == 3  # the lists were refreshed


def test_export_my_responses_writes_a_participant_bundle(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                         tmp_path: Path) -> None:
    with Repository(data_dir) as repo:
        store, _cycle_id, people = _district(repo, pack)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        screen.person_box.setCurrentIndex(screen.person_box.findData(people[1].id))
        screen.passphrase.setText("river")
        target = tmp_path / "ben"
        screen.ask_save_path = lambda *_args: target  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.exported, timeout=20000) as blocker:
            qtbot.mouseClick(screen.export_mine, Qt.MouseButton.LeftButton)
        written = Path(blocker.args[0])
        assert written.name == "ben.navtool"
        content = read_bundle(written.read_bytes(), pack, "river")
        assert content.kind == "participant"
        assert content.cycles[0].participants[0].id == people[1].id
        assert len(content.cycles[0].ratings) == 4


