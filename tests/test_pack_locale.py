"""The pack's Spanish texts: same ids as English, what lacks Spanish, statuses, the CLI's sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from navtool_desktop import paths
from navtool_desktop.framework import AUDIENCE_IDS, Pack, PackError, load_pack
from navtool_desktop.framework.locale import (
    STATUSES,
    load_localized,
    locale_files,
    localize,
    missing,
    read_translation,
    status_of,
    term_base,
    translatable,
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


def test_every_english_id_has_spanish_text(pack: Pack) -> None:
    """The whole pack: names, definitions, targets, descriptors, practices (and their
    sub-points), questions, levels, phases, glossary, resources' summaries and the traits."""
    translation = read_translation(pack, "es")
    assert translation is not None
    assert missing(pack, translation) == []
    assert len(translatable(pack)) > 600
    spanish = localize(pack, translation)
    assert spanish.find("traits.t1") != pack.find("traits.t1")  # the traits are shown in Spanish too
    assert spanish.traits[0] == spanish.find("traits.t1")


def test_no_spanish_text_is_its_english(pack: Pack) -> None:
    translation = read_translation(pack, "es")
    assert translation is not None
    same = []
    for item_id, fields in translatable(pack).items():
        english = pack.find(item_id) if not item_id.startswith(("stages.", "phases.")) else None
        if item_id.startswith("stages."):
            english = pack.stage(item_id.removeprefix("stages."))
        if item_id.startswith("phases."):
            english = next(p for p in pack.phases if p.id == item_id.removeprefix("phases."))
        for name in fields:
            theirs, ours = getattr(english, name), translation.texts[item_id][name]
            if isinstance(theirs, tuple):
                same += [f"{item_id}:{name}:{a}" for a, b in zip(theirs, ours, strict=True) if a == b]
            elif theirs.strip().casefold() == ours.strip().casefold():
                same.append(f"{item_id}:{name}")
    assert same == []


def test_sub_points_keep_their_number(pack: Pack) -> None:
    spanish = load_localized(pack, "es")
    for item_id in translatable(pack):
        if "details" in translatable(pack)[item_id]:
            assert len(spanish.find(item_id).details) == len(pack.find(item_id).details), item_id


def test_the_glossary_holds_the_term_base_decisions(pack: Pack) -> None:
    """Issue 20 item 3 / review 5.2: each decision is a glossary row with the English term, the
    Spanish term, a one-line gloss and what to avoid and why."""
    rows = {row.term_id: row for row in term_base(pack, read_translation(pack, "es"))}
    for row in rows.values():
        assert row.english and row.term and row.gloss and row.avoid, row.term_id
        assert row.english.casefold() != row.term.casefold()
    competencias = rows["competency-based-learning"]
    assert "avanza cuando demuestra lo que sabe y puede hacer" in competencias.gloss
    assert "concursos" in competencias.avoid  # heard as "competitions"
    assert rows["learner-agency"].gloss == "Tener voz, decidir y actuar, en forma individual y colectiva."
    assert "oficina" in rows["learner-agency"].avoid
    assert "justo" in rows["equity"].avoid and "equitativo" in rows["equity"].avoid
    assert rows["accountability"].term == "rendición de cuentas"
    assert "responsabilidad" in rows["accountability"].avoid
    register = rows["guiding-questions"]
    assert "tú" in register.gloss and "usted" in register.gloss and "vosotros" in register.avoid
    assert {"learning-community", "personalized-learning", "mastery", "assessment", "portrait-of-a-graduate",
            "dispositions", "feedback", "school-district", "level", "condition"} <= set(rows)
    spanish = load_localized(pack, "es")
    agency = spanish.condition("agency")
    assert "tener voz, decidir y actuar" in agency.definition  # Agencia glossed where it is defined


def test_spanish_glossary_terms_link_from_spanish_text(spanish: Pack) -> None:
    from navtool_desktop.framework.search import term_pattern, term_spans

    terms = term_pattern(spanish.glossary)
    definition = spanish.condition("shared-vision").definition
    linked = {term_id for _start, _end, term_id in term_spans(definition, terms)}
    assert {"learning-community", "equity"} <= linked  # "comunidad educativa", "equitativos"
    target = spanish.find("agency.voice").learning_target
    assert "accountability" in {t for _s, _e, t in term_spans(target, terms)}  # "rendición de cuentas"


def test_spanish_glossary_forms_are_spanish_and_each_belongs_to_one_term(pack: Pack, spanish: Pack) -> None:
    owners: dict[str, str] = {}
    for english, term in zip(pack.glossary, spanish.glossary, strict=True):
        if english.also:
            assert term.also != english.also, term.id  # English forms never appear in Spanish text
        for form in (term.term, *term.also):
            assert owners.setdefault(form.casefold(), term.id) == term.id, form


def test_tu_for_learners_usted_or_no_pronoun_for_everyone_else(spanish: Pack) -> None:
    """The register of the term base: learner questions speak to "tú"; the questions families and
    community members answer, and every descriptor, practice and target, never use "tú" forms."""
    import re

    tu = re.compile(r"\b(tú|tu|tus|te|ti|contigo|sabes|puedes|tienes|crees|sientes|vienes|usas)\b", re.IGNORECASE)
    usted = re.compile(r"\b(usted|ustedes)\b", re.IGNORECASE)
    wrong = []
    for cond in spanish.conditions:
        for audience, questions in cond.questions.items():
            for q in questions:
                text = " ".join((q.text, *q.details))
                if (usted if audience == "learners" else tu).search(text):
                    wrong.append(q.id)
        for comp in cond.competencies:
            texts = [(comp.id, comp.learning_target)]
            texts += [(i.id, " ".join((i.text, *i.details))) for cell in comp.levels
                      for i in (*cell.descriptors, *cell.practices)]
            wrong += [item_id for item_id, text in texts if tu.search(text) or usted.search(text)]
    assert wrong == []


def test_the_loader_says_which_ids_lack_spanish(pack: Pack, tmp_path: Path) -> None:
    translation = read_translation(pack, "es")
    assert translation is not None
    del translation.texts["agency.questions.learners.q4"]
    del translation.texts["culture.relationships"]["learning_target"]
    lacking = missing(pack, translation)
    assert "agency.questions.learners.q4:text" in lacking
    assert "culture.relationships:learning_target" in lacking
    assert "culture.relationships:name" not in lacking
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


def copy_pack(tmp_path: Path, spanish_text: str, only_texts: bool = False) -> Pack:
    """The shipped pack in ``tmp_path`` with ``spanish_text`` as its es/texts.toml (and no
    other Spanish file when ``only_texts``)."""
    import shutil

    folder = tmp_path / "pack"
    shutil.copytree(paths.default_pack_dir(), folder)
    if only_texts:
        for other in (folder / "es").glob("*.toml"):
            other.unlink()
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


@pytest.mark.parametrize("text, field", [
    ('[items."glossary.equity"]\nalso = "equitativo"\n', "items.glossary.equity.also"),
    ('[items."learner-supports.questions.equity.q1"]\ntext = "¿Qué grupos?"\ndetails = ["Transporte"]\n',
     "items.learner-supports.questions.equity.q1.details"),
    ('[items."culture.questions.learners.q3"]\ntext = "¿Por qué?"\ndetails = ["a"]\n',
     "items.culture.questions.learners.q3.details"),
    ('[items."learner-supports.questions.equity.q1"]\ndetails = [1, 2, 3, 4, 5, 6, 7]\n',
     "items.learner-supports.questions.equity.q1.details"),
    ('[items."culture"]\ndefintion = "La cultura es…"\n', "items.culture.defintion"),
    ('[items."culture"]\nname = ["Cultura"]\n', "items.culture.name"),
    ('[stages.establishing]\nnombre = "Estableciendo"\n', "stages.establishing.nombre"),
    ('[items."culture.relationships"]\ngloss = "x"\n', "items.culture.relationships.gloss"),
])
def test_a_misshapen_text_is_refused_naming_it(tmp_path: Path, text: str, field: str) -> None:
    """A list where a text belongs (or the reverse), sub-points that do not match the English
    ones, and a field the item does not have (a typo would otherwise hide a translation)."""
    pack = copy_pack(tmp_path, text, only_texts=True)
    with pytest.raises(PackError) as err:
        read_translation(pack, "es")
    assert field in str(err.value)


def test_a_blank_text_counts_as_missing_and_english_stands_in(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path, '[items."culture"]\nname = "  "\ndefinition = "La cultura…"\n', only_texts=True)
    translation = read_translation(pack, "es")
    assert translation is not None
    assert "culture:name" in missing(pack, translation)
    assert localize(pack, translation).condition("culture").name == "Culture"
    assert localize(pack, translation).condition("culture").definition == "La cultura…"


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


def test_the_texts_come_from_every_file_of_the_folder(pack: Pack, tmp_path: Path) -> None:
    names = [p.name for p in locale_files(pack, "es")]
    assert "texts.toml" in names and len(names) > 12  # one file per condition, glossary, resources
    copy = copy_pack(tmp_path, '[items."culture"]\nname = "Cultura"\n')
    extra = Path(copy.path) / "es" / "zz-extra.toml"
    extra.write_text('status = "draft"\n[items."agency"]\nname = "Agencia (tener voz, decidir y actuar)"\n',
                     encoding="utf-8")
    spanish = load_localized(copy, "es")
    assert spanish.condition("culture").name == "Cultura"
    assert spanish.condition("agency").name == "Agencia (tener voz, decidir y actuar)"
    assert spanish.condition("shared-vision").name == "Shared Vision"  # texts.toml replaced: English stands in
    assert spanish.find("agency.voice.developing.d1").text != pack.find("agency.voice.developing.d1").text


def test_a_text_in_two_files_is_refused_naming_both(tmp_path: Path) -> None:
    copy = copy_pack(tmp_path, '[items."culture"]\nname = "Cultura"\n')
    (Path(copy.path) / "es" / "zz-extra.toml").write_text('[items."culture"]\nname = "La cultura"\n',
                                                          encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_localized(copy, "es")
    message = str(err.value)
    assert "es/zz-extra.toml" in message and "es/texts.toml" in message and "culture.name" in message


def test_files_may_share_an_id_but_the_weakest_status_wins(tmp_path: Path) -> None:
    """A competency's name in texts.toml and its learning target in its condition's file: one
    entry; a back-translated name and a draft target make the competency a draft."""
    copy = copy_pack(tmp_path, '[items."culture.relationships"]\nname = "Relaciones"\nstatus = "back-translated"\n',
                     only_texts=True)
    (Path(copy.path) / "es" / "zz-extra.toml").write_text(
        '[items."culture.relationships"]\nlearning_target = "Meta en borrador."\nstatus = "draft"\n',
        encoding="utf-8")
    translation = read_translation(copy, "es")
    assert translation is not None
    assert translation.texts["culture.relationships"] == {"name": "Relaciones",
                                                          "learning_target": "Meta en borrador."}
    assert translation.status["culture.relationships"] == "draft"
    assert load_localized(copy, "es").find("culture.relationships").name == "Relaciones"


def test_search_finds_spanish_descriptors_without_accents(spanish: Pack) -> None:
    """Accents are ignored in the translated descriptors, practices, targets and glossary too."""
    from navtool_desktop.framework.search import search

    for with_accents, without in (("rendición de cuentas", "rendicion de cuentas"),
                                  ("planeación estratégica", "planeacion estrategica"),
                                  ("aprendizaje basado en competencias", "APRENDIZAJE basado en COMPETENCIAS")):
        found = search(spanish, with_accents)
        assert found == search(spanish, without)
        assert any(h.item_id.count(".") >= 3 and ".questions." not in h.item_id for h in found), with_accents
    kinds = {h.item_id.split(".")[0] for h in search(spanish, "evaluacion")}
    assert "glossary" in kinds and "comprehensive-assessment-system" in kinds
    assert search(spanish, "retroalimentacion") == search(spanish, "retroalimentación") != []


def test_search_in_english_is_unchanged_by_folding(pack: Pack) -> None:
    from navtool_desktop.framework.search import search

    assert search(pack, "evaluación") == search(pack, "evaluacion")
    assert search(pack, "zzz-nothing") == []
    assert len(search(pack, "assessment")) > 10


def test_framework_check_reports_each_translation_and_what_it_lacks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from navtool_desktop.cli import main

    assert main(["framework", "check", str(paths.default_pack_dir())]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "es: every text translated (" in out
    copy = copy_pack(tmp_path, '[items."culture"]\nname = "Cultura"\n')
    assert main(["framework", "check", copy.path]) == 0  # English stands in for what is missing
    out = capsys.readouterr().out
    assert "es: " in out and " texts lack a translation" in out
    assert "\n  shared-vision:name\n" in out and "culture:name" not in out
    (Path(copy.path) / "es" / "zz.toml").write_text('[items."culture"]\nname = "Otra"\n', encoding="utf-8")
    assert main(["framework", "check", copy.path]) == 1
    err = capsys.readouterr().err
    assert "es/zz.toml" in err and "Traceback" not in err and err.strip().count("\n") == 0
