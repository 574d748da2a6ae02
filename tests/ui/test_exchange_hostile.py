"""The Exchange screen with a hostile USB folder: each bomb is refused by name on the worker,
the good bundle is imported, and a tally with more votes than people is warned about."""

from __future__ import annotations

import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from navtool_desktop.core.records import Cycle, District, Participant, Rating, Tally
from navtool_desktop.exchange import write_bundle
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.ui.exchange_screen import ExchangeScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exchange"))
from bombs import bomb_bundle, huge_tally_bundle, scrypt_header_bomb


def test_a_folder_with_bombs_imports_the_good_bundle_and_names_the_rest(
        qtbot: QtBot, pack: Pack, data_dir: Path, tmp_path: Path) -> None:
    with Repository(tmp_path / "laptop-b") as other:
        theirs = other.create_district(District(name="Río Verde Unified"))
        cycle = theirs.create_cycle(Cycle(title="Spring 2026", date="2026-03-01",
                                          framework_id=pack.id, framework_version=pack.version)).cycle
        ana = theirs.save_participant(cycle.id, Participant(name="Ana", role_group="educator"))
        comp = pack.competencies[0].id
        theirs.save_rating(cycle.id, Rating(participant_id=ana.id, competency_id=comp,
                                            level="refining"))
        theirs.save_tally(cycle.id, Tally(competency_id=comp, role_group="learner",
                                          counts={"developing": 9}, people=8))
        content = make_content(theirs, pack, "cycle", cycle_id=cycle.id, answers=True)
    stick = tmp_path / "usb"
    stick.mkdir()
    good = write_bundle(content)
    (stick / "good.navtool").write_bytes(good)
    (stick / "json-bomb.navtool").write_bytes(bomb_bundle(content, size=8 * 1024 * 1024))
    (stick / "scrypt-header.navtool").write_bytes(scrypt_header_bomb(good, "pw"))
    (stick / "huge-tally.navtool").write_bytes(huge_tally_bundle(content, comp))
    with Repository(data_dir) as repo:
        store = repo.create_district(content.district)  # the same district, empty here
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        screen.passphrase.setText("pw")
        with qtbot.waitSignal(screen.imported, timeout=60_000) as blocker:
            screen.start_import(stick)
        summary = blocker.args[0]
        assert summary.imported == ["good.navtool"]
        assert [name for name, _reason in summary.refused] == [
            "huge-tally.navtool", "json-bomb.navtool", "scrypt-header.navtool"]
        text = screen.summary_view.toPlainText()
        assert "Check these counts:" in text and "counts 9 votes, but 8 were in the room" in text
        assert "Traceback" not in text and "MemoryError" not in text
        assert [r.level for r in store.cycle(cycle.id).ratings.values()] == ["refining"]
