"""The network content in Spanish: a layer ``content/network/es/*.toml`` keyed by the English ids,
loaded in the app's language, checked strictly, with a list of what still lacks Spanish."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from navtool_desktop import i18n, paths
from navtool_desktop.framework import Pack
from navtool_desktop.network.content import (
    NetworkContent,
    NetworkContentError,
    load_network_content,
    untranslated,
)

SPANISH = paths.content_dir() / "network" / "es"


def _texts(content: NetworkContent) -> dict[str, str]:
    """Every text a person reads, by ``id:field``."""
    out = {"anchor-questions:about": content.about, "anchor-questions:source": content.questions_source,
           "support:source": content.support_source, "support:examples_note": content.examples_note,
           "support:rule": content.rule, "support:tiers_note": content.tiers_note}
    for c in content.communities:
        out |= {f"communities.{c.id}:name": c.name, f"communities.{c.id}:theme": c.theme}
    for q in content.questions:
        out |= {f"questions.{q.id}:theme": q.theme, f"questions.{q.id}:text": q.text}
        out |= {f"questions.{q.id}:follow_ups[{n}]": f for n, f in enumerate(q.follow_ups)}
    for lens in content.lenses:
        out |= {f"lenses.{lens.id}:name": lens.name, f"lenses.{lens.id}:check": lens.check}
    for t in content.types:
        out |= {f"types.{t.id}:name": t.name, f"types.{t.id}:description": t.description,
                f"types.{t.id}:example": t.example}
    for tier in content.tiers:
        out |= {f"tiers.{tier.id}:name": tier.name, f"tiers.{tier.id}:description": tier.description}
    return out


def test_every_english_network_text_has_spanish(pack: Pack) -> None:
    assert untranslated(pack, "es") == []
    english = _texts(load_network_content(pack, language="en"))
    spanish = _texts(load_network_content(pack, language="es"))
    assert english.keys() == spanish.keys()
    same = [key for key in english if english[key] == spanish[key]]
    assert same == []


def test_the_app_language_chooses_the_texts_and_ids_rules_and_maps_stay(pack: Pack) -> None:
    english = load_network_content(pack)
    assert english.language == "en" and english.question("plc1-q1").text.startswith("Together with our schools")
    i18n.set_language("es")
    spanish = load_network_content(pack)
    assert spanish.language == "es"
    q = spanish.question("plc1-q1")
    assert q.text.startswith("¿") or q.text.startswith("Junto")
    assert q.text != english.question("plc1-q1").text
    # only the words change: ids, links to competencies, tiers' levels, suggestions, provenance
    assert [x.id for x in spanish.questions] == [x.id for x in english.questions]
    assert [x.competencies for x in spanish.questions] == [x.competencies for x in english.questions]
    assert [x.provenance for x in spanish.questions] == [x.provenance for x in english.questions]
    assert [(t.id, t.levels, t.suggested) for t in spanish.tiers] == [(t.id, t.levels, t.suggested)
                                                                       for t in english.tiers]
    assert [t.source_name for t in spanish.types] == [t.source_name for t in english.types]  # the source's heading
    assert spanish.state_policy == english.state_policy
    assert len(spanish.question("plc3-q1").follow_ups) == 2
    # the rule names the Spanish levels with the English ones beside them (ratings are pooled)
    for word in ("Estableciendo (Establishing)", "Desarrollando (Developing)", "Consolidando (Operationalizing)",
                 "Refinando (Refining)"):
        assert word in spanish.rule
    for tier in spanish.tiers:
        assert tier.name in spanish.rule


def test_every_spanish_entry_is_a_draft_marked_machine_made(pack: Pack) -> None:
    files = sorted(SPANISH.glob("*.toml"))
    assert [f.name for f in files] == ["anchor-questions.toml", "support.toml"]
    for f in files:
        text = f.read_text(encoding="utf-8")
        head = text[:text.index("\nstatus")].lower()
        assert "machine-made" in head and "not reviewed by a person" in head, f.name
        data = tomllib.loads(text)
        assert data["status"] == "draft"
        for group, table in data.items():
            if isinstance(table, dict):
                assert all(entry.get("status") == "draft" for entry in table.values()), (f.name, group)
    content = load_network_content(pack, language="es")
    assert set(content.status.values()) == {"draft"}
    assert content.status_of("questions.plc1-q1") == "draft"
    assert load_network_content(pack, language="en").status_of("questions.plc1-q1") is None


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "network"
    shutil.copytree(paths.content_dir() / "network", folder)
    return folder


def test_a_blank_or_missing_text_stays_english_and_is_listed(tmp_path: Path, pack: Pack) -> None:
    folder = _copy(tmp_path)
    path = folder / "es" / "support.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[tiers.assistance]")
    end = text.index("\n[", start + 1)
    path.write_text(text[:start] + '[tiers.assistance]\nname = "  "\n' + text[end:], encoding="utf-8")
    text = (folder / "es" / "anchor-questions.toml").read_text(encoding="utf-8")
    (folder / "es" / "anchor-questions.toml").write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("about = ")), encoding="utf-8")
    assert untranslated(pack, "es", folder) == ["anchor-questions:about", "tiers.assistance:name",
                                                "tiers.assistance:description"]
    content = load_network_content(pack, folder, language="es")
    english = load_network_content(pack, folder, language="en")
    assert content.tier("assistance").name == "Assistance" == english.tier("assistance").name
    assert content.about == english.about
    assert content.tier("awareness").name != "Awareness"


def test_a_language_without_a_folder_is_english_and_lists_everything(tmp_path: Path, pack: Pack) -> None:
    folder = _copy(tmp_path)
    shutil.rmtree(folder / "es")
    assert load_network_content(pack, folder, language="es") == load_network_content(pack, folder, language="en")
    assert "questions.plc1-q1:text" in untranslated(pack, "es", folder)


@pytest.mark.parametrize(("file", "old", "new", "said"), [
    ("anchor-questions.toml", "[questions.plc1-q2]", "[questions.plc1-q9]", "no such id"),
    ("anchor-questions.toml", "[lenses.equity]", "[lenses.fairness]", "no such id"),
    ("support.toml", "[types.training]", "[types.coffee]", "no such id"),
    ("support.toml", "[tiers.awareness]", "[tiers.awareness]\nlevels = [\"developing\"]", "no such field"),
    ("support.toml", "[types.training]", "[types.training]\nsource_name = \"x\"", "no such field"),
    ("anchor-questions.toml", "[questions.plc1-q1]", "[questions.plc1-q1]\ncompetencies = []", "no such field"),
    ("anchor-questions.toml", "[questions.plc1-q1]", "[questions.plc1-q1]\nfollow_ups = [\"¿Y?\"]",
     "no such field"),
    ("anchor-questions.toml", "follow_ups = [", "follow_ups = [\"¿Una de más?\", ", "2 follow-up"),
    ("anchor-questions.toml", '\nstatus = "draft"', '\nstatus = "reviewed by nobody"', "must be one of"),
    ("support.toml", '\nstatus = "draft"\n', '\nstatus = "draft"\nrules = "x"\n', "no such field"),
    ("support.toml", "\n[types.training]", "\n[steps.one]\nname = \"x\"\n[types.training]", "no such field"),
    ("support.toml", 'name = "Sensibilización"', "name = 3", "must be a text"),
])
def test_a_broken_spanish_file_is_refused_naming_the_file_and_field(tmp_path: Path, pack: Pack, file: str,
                                                                    old: str, new: str, said: str) -> None:
    folder = _copy(tmp_path)
    path = folder / "es" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(NetworkContentError, match=said) as caught:
        load_network_content(pack, folder, language="es")
    assert f"es/{file}" in str(caught.value)
    with pytest.raises(NetworkContentError):
        untranslated(pack, "es", folder)
    load_network_content(pack, folder, language="en")  # English does not read the Spanish files


@pytest.mark.parametrize(("text", "said"), [
    (b'about = "caf\xe9"\n', "not valid TOML"),                     # Latin-1, not UTF-8
    (b'[[questions]]\nid = "plc1-q1"\ntext = "x"\n', "must be a table"),
    (b'[about]\ntext = "x"\n', "must be a text"),
    (b'status = ["draft"]\n', "must be one of"),
    (b'[questions.plc1-q1]\nstatus = "reviewed by a person"\n', "must be one of"),
    (b'[questions]\nplc1-q1 = "x"\n', "must be a table"),
])
def test_a_hostile_spanish_file_is_one_plain_error(tmp_path: Path, pack: Pack, text: bytes, said: str) -> None:
    folder = _copy(tmp_path)
    (folder / "es" / "anchor-questions.toml").write_bytes(text)
    with pytest.raises(NetworkContentError, match=said) as caught:
        load_network_content(pack, folder, language="es")
    assert "es/anchor-questions.toml" in str(caught.value)


def test_a_follow_up_left_blank_keeps_the_english_follow_ups_and_is_listed(tmp_path: Path, pack: Pack) -> None:
    folder = _copy(tmp_path)
    path = folder / "es" / "anchor-questions.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("follow_ups = [", text.index("[questions.plc3-q1]"))
    end = text.index("]", start) + 1
    path.write_text(text[:start] + 'follow_ups = ["¿Qué podría cambiar?", " "]' + text[end:], encoding="utf-8")
    assert untranslated(pack, "es", folder) == ["questions.plc3-q1:follow_ups"]
    english = load_network_content(pack, folder, language="en").question("plc3-q1")
    spanish = load_network_content(pack, folder, language="es").question("plc3-q1")
    assert spanish.follow_ups == english.follow_ups and spanish.text != english.text


def test_a_stray_file_or_bad_toml_in_the_spanish_folder_is_refused(tmp_path: Path, pack: Pack) -> None:
    folder = _copy(tmp_path)
    (folder / "es" / "notes.toml").write_text('about = "x"\n', encoding="utf-8")
    with pytest.raises(NetworkContentError, match="no English file") as caught:
        load_network_content(pack, folder, language="es")
    assert "es/notes.toml" in str(caught.value)
    (folder / "es" / "notes.toml").unlink()
    (folder / "es" / "support.toml").write_text("[types\n", encoding="utf-8")
    with pytest.raises(NetworkContentError, match="not valid TOML"):
        load_network_content(pack, folder, language="es")
