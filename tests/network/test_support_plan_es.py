"""A district's support plan PDF in Spanish, read back with pdftotext: the tier, its description and
the rule, the support menu with its examples, the notes and the source are all in Spanish (the
app's words from the catalog, the network's from content/network/es/); what the coach typed stays
as typed; and the page says the network texts are a machine translation no person reviewed."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from network_fakes import support_workspace

from navtool_desktop import cli, i18n
from navtool_desktop.framework import Pack
from navtool_desktop.framework.locale import load_localized
from navtool_desktop.network.content import NetworkContent, load_network_content
from navtool_desktop.network.support import support_plan_data
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.reports.support_plan import render_support_plan


def _text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is not installed (make debs installs it)")
    # "-raw": in drawing order, so each table cell reads in one piece
    out = subprocess.run([tool, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", " ", out).replace("- ", "-")  # a narrow column breaks after a hyphen


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _workspace(tmp_path: Path, pack: Pack) -> Path:
    return support_workspace(tmp_path / "net", pack, "Two performance-task workshops")


def _english_words(content: NetworkContent) -> set[str]:
    out = {content.rule, content.tiers_note, content.examples_note, content.support_source}
    for t in content.types:
        out |= {t.name, t.description, t.example}
    for tier in content.tiers:
        out |= {tier.name, tier.description}
    return out


def test_the_support_plan_in_spanish_reads_back_in_spanish(tmp_path: Path, pack: Pack) -> None:
    english = load_network_content(pack, language="en")
    folder = _workspace(tmp_path, pack)
    i18n.set_language("es")
    spanish_pack = load_localized(pack, "es")
    content = load_network_content(spanish_pack)
    with Workspace(folder, spanish_pack) as ws:
        data = support_plan_data(ws, content, "d-pena", today=dt.date(2026, 12, 1))
    path = tmp_path / "plan.pdf"
    path.write_bytes(render_support_plan(data))
    text = _text(path)
    assert "Plan de apoyo: Peña Valley Unified" in text and "High Desert Network" in text
    assert "Grado: Acompañamiento. El distrito está practicando y necesita ayuda para profundizar" in text
    assert ("24 competencias tienen un nivel (6 en Sensibilización, 18 en Acompañamiento, 0 en Experiencia "
            "compartida)") in text
    assert "Cómo se obtiene el grado. " + _flat(content.rule) in text
    assert _flat(content.tiers_note) in text
    for t in content.types:
        for words in (t.name, t.description, t.example):
            assert _flat(words) in text, words
    assert _flat(content.examples_note) in text and "Fuente: " + _flat(content.support_source) in text
    assert "Los textos de la red en este idioma: traducción automática, sin revisar." in text
    # the tier table: each Spanish tier name whole in its column (none broken inside a word), the
    # competencies and levels in the pack's Spanish
    for row in ("Sensibilización 6 ", "Acompañamiento 18 ", "Experiencia compartida 0 ", "Sin nivel 6 "):
        assert row in text, row
    assert "Planeación estratégica (Desarrollando)" in text and "Prácticas de evaluación (Estableciendo)" in text
    # what the coach typed stays as typed
    for words in ("State PACE team", "Two performance-task workshops", "José Ñúñez"):
        assert words in text
    left = sorted(w for w in _english_words(english) if _flat(w) in text)
    assert left == []


def test_the_cli_writes_the_support_plan_in_spanish(tmp_path: Path, pack: Pack) -> None:
    folder = _workspace(tmp_path, pack)
    out = tmp_path / "pena.pdf"
    assert cli.main(["--lang", "es", "network", "--workspace", str(folder), "support-plan", "d-pena",
                     "--out", str(out)]) == 0
    text = _text(out)
    assert "Grado: Acompañamiento" in text and "Microcredenciales" in text
    assert "Assistance" not in text and "Micro-credentials" not in text
