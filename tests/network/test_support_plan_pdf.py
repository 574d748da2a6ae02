"""A district's support plan PDF, read back: tier and its rule, each support row, the state-policy resources."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from network_fakes import support_workspace

from navtool_desktop import cli
from navtool_desktop.framework import Pack
from navtool_desktop.network.content import load_network_content
from navtool_desktop.network.support import support_plan_data
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.reports.support_plan import render_support_plan


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (make debs installs it)")
    return found


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def _workspace(tmp_path: Path, pack: Pack) -> Path:
    return support_workspace(tmp_path / "net", pack, "Two performance-task workshops <b>&")


def test_the_support_plan_reads_back_with_tier_rule_rows_and_resources(tmp_path: Path, pack: Pack) -> None:
    content = load_network_content(pack)
    with Workspace(_workspace(tmp_path, pack), pack) as ws:
        data = support_plan_data(ws, content, "d-pena", today=dt.date(2026, 12, 1))
    assert data.tier_name == "Assistance"
    pdf = render_support_plan(data)
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    text = re.sub(r"\s+", " ", _run(_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"))
    assert "Support plan: Peña Valley Unified" in text and "High Desert Network" in text
    assert "Tier: Assistance" in text
    # the tier's derivation, with the counts from the cycle, and the rule in full
    assert "24 competencies have a level (6 at Awareness, 18 at Assistance, 0 at Shared expertise)" in text
    assert re.sub(r"\s+", " ", content.rule) in text
    for words in ("State PACE team", "Jan 15, 2027", "In progress", "Two performance-task workshops <b>&",
                  "José Ñúñez", "Not started", "Technical assistance", "Micro-credentials"):
        assert words in text.replace("- ", "-"), words  # a narrow column breaks after a hyphen
    for rid in content.state_policy:
        title = next(r.title for r in pack.resources if r.id == rid)
        assert re.sub(r"\s+", " ", title) in text
    # tagged, every font embedded
    assert re.search(r"^Tagged:\s+yes", _run(_tool("pdfinfo"), str(path)), re.M)
    fonts = _run(_tool("pdffonts"), str(path)).splitlines()[2:]
    assert fonts and all(re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row) for row in fonts)


def test_the_cli_writes_the_support_plan(tmp_path: Path, pack: Pack, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _workspace(tmp_path, pack)
    out = tmp_path / "pena-support.pdf"
    assert cli.main(["network", "--workspace", str(folder), "support-plan", "d-pena", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert cli.main(["network", "--workspace", str(folder), "support-plan", "d-nobody", "--out", str(out)]) == 1
    assert "no district d-nobody" in capsys.readouterr().err
