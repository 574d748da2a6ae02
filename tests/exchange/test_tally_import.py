"""Paper tallies through bundles: an absurd count is refused, more votes than people warned."""

from __future__ import annotations

from pathlib import Path

import pytest
from bombs import huge_tally_bundle
from exchange_helpers import Setup

from navtool_desktop.cli import main
from navtool_desktop.core.records import Tally
from navtool_desktop.exchange import read_paths, write_bundle
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack


@pytest.mark.parametrize("count", [10_001, 10**12, 10**400])
def test_a_bundle_with_an_absurd_tally_is_refused(setup: Setup, pack: Pack, tmp_path: Path,
                                                  count: int) -> None:
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    (tmp_path / "t.navtool").write_bytes(huge_tally_bundle(content, setup.competencies[0], count))
    [checked] = read_paths([tmp_path], pack)
    assert checked.content is None and "more than 10,000 votes" in checked.reason


def test_more_votes_than_people_is_imported_with_a_warning(
        setup: Setup, pack: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup.store.save_tally(setup.cycle_id, Tally(
        competency_id=setup.competencies[0], role_group="community_member",
        counts={"developing": 30}, people=25))
    bundle = tmp_path / "cycle.navtool"
    content = make_content(setup.store, pack, "cycle", cycle_id=setup.cycle_id, answers=True)
    bundle.write_bytes(write_bundle(content))
    setup.repo.close()
    assert main(["--data-dir", str(tmp_path / "other"), "bundle", "import", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "1 bundle(s) imported" in out
    assert "Check these counts:" in out
    assert "cycle.navtool: the paper tally for" in out and "counts 30 votes, but 25 were in the room" in out
