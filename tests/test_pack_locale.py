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
    status_of,
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
    assert "reviewed" not in set(translation.status.values())  # no person has reviewed any of it


BACK_TRANSLATION = Path(__file__).resolve().parent.parent / "docs" / "translation" / "back-translation.toml"


def test_every_question_and_level_is_back_translated_and_on_record(pack: Pack, spanish: Pack) -> None:
    """Issue 20 item 4: every guiding question and level meaning was back-translated by an
    independent reader; each one says so, and each one has its row in the record."""
    import tomllib

    record = tomllib.loads(BACK_TRANSLATION.read_text(encoding="utf-8"))
    recorded = {f"stages.{k}" for k in record["stages"]} | set(record["items"])
    checked = {f"stages.{s.id}" for s in pack.stages} | {
        q.id for c in pack.conditions for a in AUDIENCE_IDS for q in c.questions[a]}
    assert len(checked) == 4 + 131
    assert recorded == checked
    for key in checked:
        assert status_of(pack, "es", key) == "back-translated", key
        row = record["stages"][key.removeprefix("stages.")] if key.startswith("stages.") else record["items"][key]
        assert row["grade"] in ("same", "shifted", "lost"), key
        assert ("fixed_spanish" in row) == (row["grade"] != "same"), key  # every shifted or lost one fixed
        # the Spanish shown is the Spanish that was checked: editing it means checking it again
        shown = spanish.stage(key.removeprefix("stages.")).meaning if key.startswith("stages.") \
            else spanish.find(key).text
        assert shown == row.get("fixed_spanish", row["spanish"]), key
    # everything else (names, definitions, phases, glossary) is still a draft
    assert status_of(pack, "es", "culture") == "draft"
    assert status_of(pack, "es", "phases.set-goals") == "draft"


def test_an_entry_status_overrides_the_file_default(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path, 'status = "draft"\n'
                     '[stages.refining]\nname = "Refinando"\nstatus = "back-translated"\n'
                     '[items."culture"]\nname = "Cultura"\n'
                     '[items."culture.questions.learners.q3"]\ntext = "¿Por qué vienes a la escuela?"\n'
                     'status = "reviewed"\n')
    assert status_of(pack, "es", "stages.refining") == "back-translated"
    assert status_of(pack, "es", "culture") == "draft"  # the file's default
    assert status_of(pack, "es", "culture.questions.learners.q3") == "reviewed"
    assert status_of(pack, "es", "agency") is None  # not translated at all
    assert status_of(pack, "en", "culture") is None  # English is the source: no status


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
