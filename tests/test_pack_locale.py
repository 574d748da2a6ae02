"""The pack's Spanish texts: same ids as English, what lacks Spanish, statuses, the CLI's sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from navtool_desktop import paths
from navtool_desktop.framework import AUDIENCE_IDS, Pack, PackError, load_pack
from navtool_desktop.framework.locale import (
    STATUSES,
    load_localized,
    localize,
    missing,
    read_translation,
)


@pytest.fixture(scope="module")
def spanish(pack: Pack) -> Pack:
    return load_localized(pack, "es")


def test_the_spanish_pack_keeps_every_id_so_ratings_pool(pack: Pack, spanish: Pack) -> None:
    assert spanish.ids() == pack.ids()
    assert [c.id for c in spanish.competencies] == [c.id for c in pack.competencies]
    assert spanish.stage("operationalizing").name == "Consolidando"
    assert spanish.condition("instruction").name == "Enseñanza"
    assert spanish.condition("partnerships").name == "Alianzas"
    assert spanish.condition("learner-supports").name == "Apoyos para estudiantes"
    assert spanish.find("culture.questions.learners.q3").text == "¿Por qué vienes a la escuela?"  # the source's
    assert spanish.condition("culture").questions["learners"][2].text == "¿Por qué vienes a la escuela?"
    assert pack.find("culture.questions.learners.q3").text == "What makes you come to school?"  # untouched


def test_every_question_level_and_name_has_spanish(pack: Pack) -> None:
    """Participants see these: every guiding question (learners, families and community, equity),
    the four levels and their meanings, and the condition and competency names."""
    lacking = missing(pack, read_translation(pack, "es"))
    shown = [m for m in lacking
             if ".questions." in m or m.startswith(("stages.", "phases.")) or m.endswith(":name")]
    assert shown == []
    questions = sum(len(c.questions[a]) for c in pack.conditions for a in AUDIENCE_IDS)
    assert questions == 131


def test_the_loader_says_which_ids_lack_spanish(pack: Pack, tmp_path: Path) -> None:
    translation = read_translation(pack, "es")
    assert translation is not None
    del translation.texts["agency.questions.learners.q4"]
    lacking = missing(pack, translation)
    assert "agency.questions.learners.q4:text" in lacking
    assert "culture.relationships:learning_target" in lacking  # not translated yet: listed
    assert localize(pack, translation).find("agency.questions.learners.q4").text == \
        pack.find("agency.questions.learners.q4").text  # English stands in


def test_nothing_claims_a_review_nobody_made(pack: Pack) -> None:
    translation = read_translation(pack, "es")
    assert translation is not None
    assert set(translation.status.values()) <= set(STATUSES)
    assert set(translation.status.values()) == {"draft"}


def copy_pack(tmp_path: Path, spanish_text: str) -> Pack:
    import shutil

    folder = tmp_path / "pack"
    shutil.copytree(paths.default_pack_dir(), folder)
    (folder / "es" / "texts.toml").write_text(spanish_text, encoding="utf-8")
    return load_pack(folder)


@pytest.mark.parametrize("text, field", [
    ('[items."no-such-condition"]\nname = "X"\n', "items.no-such-condition"),
    ('[items."culture"]\nname = "Cultura"\nstatus = "reviewed by a robot"\n', "items.culture.status"),
    ('[items."culture"\nname = ', ""),
])
def test_a_broken_spanish_file_is_a_pack_error(tmp_path: Path, text: str, field: str) -> None:
    pack = copy_pack(tmp_path, text)
    with pytest.raises(PackError) as err:
        load_localized(pack, "es")
    assert field in str(err.value)


def test_search_finds_spanish_with_and_without_accents(spanish: Pack) -> None:
    from navtool_desktop.framework.search import query_pattern, search

    with_accents = {h.item_id for h in search(spanish, "evaluación")}
    without = {h.item_id for h in search(spanish, "evaluacion")}
    upper = {h.item_id for h in search(spanish, "EVALUACION")}
    assert "comprehensive-assessment-system" in with_accents  # "Sistema integral de evaluación"
    assert with_accents == without == upper
    assert {h.item_id for h in search(spanish, "por que vienes")} == {"culture.questions.learners.q3"}
    assert {h.item_id for h in search(spanish, "Enseñanza")} == {h.item_id for h in search(spanish, "ensenanza")}
    assert query_pattern("evaluacion").findall("Evaluación, evaluacion") == ["Evaluación", "evaluacion"]


def test_search_in_english_is_unchanged_by_folding(pack: Pack) -> None:
    from navtool_desktop.framework.search import search

    assert search(pack, "evaluación") == search(pack, "evaluacion")
    assert search(pack, "zzz-nothing") == []
    assert len(search(pack, "assessment")) > 10
