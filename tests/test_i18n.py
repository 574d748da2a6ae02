"""The message catalog behind ``_()``: it loads, the CLI speaks Spanish with ``--lang es``, the
choice of language, and ``make i18n``'s checker fails on a catalog that lacks a shown string."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from navtool_desktop import cli, i18n, vocabulary
from navtool_desktop.i18n import _

REPO = Path(__file__).resolve().parent.parent


def load_tool():  # tools/ is not a package
    spec = importlib.util.spec_from_file_location("i18n_tool", REPO / "tools" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def test_the_spanish_catalog_loads_and_translates() -> None:
    assert _("Refining") == "Refining"
    i18n.set_language("es")
    assert i18n.language() == "es"
    assert _("Operationalizing") == "Consolidando"
    assert vocabulary.level_name("establishing") == "Estableciendo"
    assert vocabulary.level_name_with_source("operationalizing") == "Consolidando (Operationalizing)"
    assert vocabulary.role_name("learner") == "Estudiante"
    assert _("") == ""  # not the catalog's header
    assert _("a string no catalog has") == "a string no catalog has"  # English is the fallback
    i18n.set_language("en")
    assert _("Operationalizing") == "Operationalizing"
    assert vocabulary.level_name_with_source("operationalizing") == "Operationalizing"


def test_a_language_without_a_catalog_falls_back_to_english() -> None:
    i18n.set_language("fr")
    assert i18n.language() == "en"
    assert _("Refining") == "Refining"


def test_navtool_lang_es_prints_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--lang", "es", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "Sin un comando, se abre la aplicación." in out
    assert "muestra la versión y termina" in out
    with pytest.raises(SystemExit):
        cli.main(["--lang=en", "--help"])  # and back: the option wins over the last run
    assert "With no command, the app opens." in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--lang", "fr", "--help"], ["--version", "--lang"], ["--lang=", "--version"]])
def test_an_unknown_or_missing_language_is_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(argv)
    assert done.value.code == 2
    assert "--lang takes one of: en, es" in capsys.readouterr().err


def test_the_language_comes_from_the_option_then_env_then_preferences_then_system(
        monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv(i18n.LANG_ENV)
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    assert i18n.system_language() == "es"
    assert i18n.resolve_language() == "es"
    assert i18n.resolve_language("en") == "en"
    i18n.save_language("en")
    assert json.loads((data_dir / "preferences.json").read_text(encoding="utf-8")) == {"language": "en"}
    assert i18n.resolve_language() == "en"  # Preferences beat the system
    monkeypatch.setenv(i18n.LANG_ENV, "es")
    assert i18n.resolve_language() == "es"  # $NAVTOOL_LANG beats Preferences
    assert i18n.resolve_language("en") == "en"  # --lang beats everything
    i18n.save_language(None)
    monkeypatch.delenv(i18n.LANG_ENV)
    assert i18n.resolve_language() == "es"  # back to the system
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert i18n.system_language() == "en"  # a language the app does not ship
    monkeypatch.setenv("LANG", "C")
    assert i18n.system_language() == "en"


def test_a_damaged_preferences_file_means_no_choice(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "preferences.json").write_text("{not json", encoding="utf-8")
    assert i18n.saved_language() is None
    (data_dir / "preferences.json").write_text('{"language": "klingon"}', encoding="utf-8")
    assert i18n.saved_language() is None
    i18n.save_language("es")  # and saving repairs it
    assert i18n.saved_language() == "es"
    with pytest.raises(ValueError):
        i18n.save_language("klingon")


def test_the_cli_reads_the_preference_from_its_data_dir(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(i18n.LANG_ENV)
    monkeypatch.setenv("LANG", "C")
    other = tmp_path / "other"
    other.mkdir()
    (other / "preferences.json").write_text('{"language": "es"}', encoding="utf-8")
    with pytest.raises(SystemExit):
        cli.main(["--data-dir", str(other), "--help"])
    assert "Sin un comando" in capsys.readouterr().out


# --- the checker behind `make i18n` ---------------------------------------------------------

def crafted(tmp_path: Path, source: str, po: str) -> tuple[Path, Path]:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "screen.py").write_text(source, encoding="utf-8")
    locale = tmp_path / "locale"
    path = tool.po_path("es", locale)
    path.parent.mkdir(parents=True)
    path.write_text(po, encoding="utf-8")
    return package, locale


SOURCE = 'from x import _\nA = _("Hello")\nB = _("{n} files\\nsaved")\n'


def test_the_checker_passes_a_complete_catalog_and_compiles_it(tmp_path: Path) -> None:
    package, locale = crafted(tmp_path, SOURCE, 'msgid "Hello"\nmsgstr "Hola"\n\n'
                              'msgid ""\n"{n} files\\n"\n"saved"\nmsgstr "{n} archivos\\nguardados"\n')
    assert tool.main(["all", "--source", str(package), "--locale", str(locale)]) == 0
    import gettext

    catalog = gettext.translation("navtool", locale, ["es"])
    assert catalog.gettext("Hello") == "Hola"
    assert catalog.gettext("{n} files\nsaved") == "{n} archivos\nguardados"
    assert (locale / "navtool.pot").read_text(encoding="utf-8").count("msgid") == 3


def test_the_checker_fails_when_a_shown_string_is_missing(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    package, locale = crafted(tmp_path, SOURCE, 'msgid "Hello"\nmsgstr "Hola"\n')
    assert tool.main(["check", "--source", str(package), "--locale", str(locale)]) == 1
    assert "1 missing" in capsys.readouterr().out


@pytest.mark.parametrize("po", [
    'msgid "Hello"\nmsgstr ""\n\nmsgid "{n} files\\nsaved"\nmsgstr "{n} archivos"\n',  # empty
    '#, fuzzy\nmsgid "Hello"\nmsgstr "Hola"\n\nmsgid "{n} files\\nsaved"\nmsgstr "{n} x"\n',  # fuzzy
    'msgid "Hello"\nmsgstr "Hola"\n\nmsgid "{n} files\\nsaved"\nmsgstr "{m} archivos"\n',  # fields
])
def test_the_checker_fails_on_an_untranslated_fuzzy_or_misfielded_string(tmp_path: Path, po: str) -> None:
    package, locale = crafted(tmp_path, SOURCE, po)
    assert tool.main(["check", "--source", str(package), "--locale", str(locale)]) == 1


def test_the_checker_fails_on_a_string_no_extractor_can_see(tmp_path: Path) -> None:
    package, locale = crafted(tmp_path, 'from x import _\nNAME = "Hello"\nA = _(NAME)\n', "")
    found = tool.extract(package, tmp_path)
    assert found.problems and "_(NAME)" in found.problems[0]
    assert tool.main(["check", "--source", str(package), "--locale", str(locale)]) == 1


def test_the_shipped_catalog_is_compiled_from_its_po_and_labelled_a_draft() -> None:
    po = tool.po_path("es")
    entries = tool.read_po(po)
    assert po.with_suffix(".mo").read_bytes() == tool.mo_bytes(entries), "run `make i18n`"
    header = po.read_text(encoding="utf-8")[:600]
    assert "DRAFT TRANSLATION, NOT YET REVIEWED BY A PERSON" in header
    report = tool.check(tool.extract(), entries)
    assert report.ok and not report.stale, tool.describe("es", report, [])  # `make i18n` passes
    assert report.translated == len(tool.extract().messages)
    assert not tool.extract().problems


def test_every_participant_facing_string_is_translated() -> None:
    """The rating panel, level names and role groups have no untranslated string left (the
    rest of the app is tracked by `make i18n`)."""
    entries = {e.msgid: e.msgstr for e in tool.read_po(tool.po_path("es"))}
    found = tool.extract()
    priority = ("navtool_desktop/vocabulary.py", "navtool_desktop/ui/rating_entry.py",
                "navtool_desktop/reports/sheet.py", "navtool_desktop/ui/preferences.py")
    untranslated = [m for m, places in found.messages.items()
                    if any(p.startswith(priority) for p in places) and not entries.get(m)]
    assert not untranslated


def test_the_bundle_keeps_only_qts_spanish_base_translation() -> None:
    sys.path.insert(0, str(REPO / "build"))
    try:
        import spec_common
    finally:
        sys.path.remove(str(REPO / "build"))
    assert spec_common.keep_entry("PySide6/Qt/translations/qtbase_es.qm")
    assert not spec_common.keep_entry("PySide6/Qt/translations/qtbase_de.qm")
    assert not spec_common.keep_entry("PySide6/Qt/translations/qt_es.qm")
    assert not spec_common.keep_entry("PySide6/Qt/translations/qtdeclarative_es.qm")
    assert spec_common.keep_entry("resources/locale/es/LC_MESSAGES/navtool.mo")
    assert not spec_common.keep_entry("resources/locale/es/LC_MESSAGES/navtool.po")
    assert not spec_common.keep_entry("resources/locale/navtool.pot")


def test_a_record_error_reads_in_spanish() -> None:
    """A bundle or file with a bad record says what is wrong in the app's language (issue 20:
    RecordError texts were English)."""
    from navtool_desktop.core.records import Participant, RecordError

    i18n.set_language("es")
    with pytest.raises(RecordError) as caught:
        Participant(name=" ", code="", role_group="educator")
    assert str(caught.value) == "Participant.name y code están vacíos (se necesita uno de los dos)"
    with pytest.raises(RecordError) as caught:
        Participant(name="Ana", role_group="parent")
    assert "debe ser uno de" in str(caught.value) and "no 'parent'" in str(caught.value)
    i18n.set_language("en")
    with pytest.raises(RecordError) as caught:
        Participant(name=" ", code="", role_group="educator")
    assert str(caught.value) == "Participant.name and code are both empty (one is needed)"
