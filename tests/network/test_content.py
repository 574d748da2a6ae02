"""The network content: anchor questions and the support menu, checked strictly against the pack."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from navtool_desktop import paths
from navtool_desktop.framework import Pack
from navtool_desktop.network.content import ADAPTED, NetworkContentError, load_network_content

SEED_QUESTIONS = {"plc1": 3, "plc2": 4, "plc3": 3, "plc4": 3}  # seed 000's anchor questions per community
STATE_POLICY = {"fit-for-purpose", "the-state-innovators-toolkit", "personalized-learning-for-all",
                "state-policy-k-12-competency-based-education",
                "rethinking-state-accountability-to-support-personalized-competency-based-learning-in-k-12-education"}


def test_every_anchor_question_is_restated_adapted_and_mapped_to_real_competencies(pack: Pack) -> None:
    content = load_network_content(pack)
    counts = {c.id: sum(1 for q in content.questions if q.community == c.id) for c in content.communities}
    assert counts == SEED_QUESTIONS
    competencies = {c.id for c in pack.competencies}
    for q in content.questions:
        assert q.provenance == ADAPTED
        assert q.competencies and set(q.competencies) <= competencies, q.id
        # "SEA" is recast as the district or the network
        assert "SEA" not in q.text and "state education agenc" not in q.text.lower()
    assert [lens.id for lens in content.lenses] == ["equity", "leadership", "implementation-quality"]
    for lens in content.lenses:
        assert set(lens.competencies) <= competencies and lens.check.endswith("?")


def test_support_menu_has_six_types_three_tiers_and_the_five_state_policy_documents(pack: Pack) -> None:
    content = load_network_content(pack)
    assert [t.id for t in content.types] == ["information", "technical-assistance", "training", "peer-networks",
                                             "partnerships", "micro-credentials"]
    assert [t.id for t in content.tiers] == ["awareness", "assistance", "shared-expertise"]
    assert content.tier_of_level("establishing").id == "awareness"  # type: ignore[union-attr]
    assert content.tier_of_level("developing").id == "assistance"  # type: ignore[union-attr]
    assert content.tier_of_level("refining").id == "shared-expertise"  # type: ignore[union-attr]
    assert content.tier_of_level(None) is None
    assert set(content.state_policy) == STATE_POLICY
    assert set(content.state_policy) <= {r.id for r in pack.resources}
    # the rule the app shows names every level and what happens with none
    for word in ("Establishing", "Developing", "Operationalizing", "Refining", "middle", "no tier"):
        assert word in content.rule


def test_the_content_is_in_our_own_words() -> None:
    tool = Path("/work/shared/tools/verbatim_check.py")
    if not tool.is_file():
        pytest.skip("the verbatim checker is not on this machine")
    done = subprocess.run([sys.executable, str(tool), "content/network"], cwd=paths.bundle_root(),
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "network"
    shutil.copytree(paths.content_dir() / "network", folder)
    return folder


@pytest.mark.parametrize(("file", "old", "new", "said"), [
    ("anchor-questions.toml", '"transparency.common-language"', '"transparency.no-such-thing"', "is not known"),
    ("anchor-questions.toml", 'provenance = "adapted by this project"\ncompetencies = ["partnerships',
     'provenance = "from the source"\ncompetencies = ["partnerships', "must be"),
    ("anchor-questions.toml", 'id = "plc1-q2"', 'id = "plc1-q1"', "used twice"),
    ("anchor-questions.toml", 'theme = "Partners for every need"', 'theme = "x"\nextra = 1', "unexpected extra"),
    ("support.toml", 'levels = ["developing"]', 'levels = ["establishing"]', "exactly one tier"),
    ("support.toml", '"the-state-innovators-toolkit"', '"a-toolkit-we-made-up"', "is not known"),
    ("support.toml", 'suggested = ["information", "training"]', 'suggested = ["coffee"]', "is not known"),
    ("support.toml", "rule = ", "rules = ", "missing rule"),
])
def test_a_broken_file_is_refused_naming_the_field(tmp_path: Path, pack: Pack, file: str, old: str, new: str,
                                                   said: str) -> None:
    folder = _copy(tmp_path)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(NetworkContentError, match=said) as caught:
        load_network_content(pack, folder)
    assert file in str(caught.value)


def test_unreadable_toml_is_one_plain_error(tmp_path: Path, pack: Pack) -> None:
    folder = _copy(tmp_path)
    (folder / "support.toml").write_text("types = [", encoding="utf-8")
    with pytest.raises(NetworkContentError, match="not valid TOML"):
        load_network_content(pack, folder)
