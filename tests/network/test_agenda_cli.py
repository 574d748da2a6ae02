"""``navtool network agenda choose|meeting|export`` and ``navtool agenda import|show``, in process."""

from __future__ import annotations

from pathlib import Path

import pytest

from navtool_desktop import cli
from navtool_desktop.network.agenda_file import DISTRICT_FILE
from navtool_desktop.signing import Identity, create_root, issue_signer, save_identity
from navtool_desktop.storage import DistrictStore

KEY_BITS = 2048


@pytest.fixture(scope="module")
def coach() -> Identity:
    return issue_signer(create_root("North Country Network", key_bits=KEY_BITS), "Dana Coach", "Coach",
                        key_bits=KEY_BITS)


@pytest.fixture(scope="module")
def other_coach() -> Identity:
    return issue_signer(create_root("North Country Network", key_bits=KEY_BITS), "Mallory", "Coach",
                        key_bits=KEY_BITS)


def _p12(tmp_path: Path, identity: Identity, name: str) -> list[str]:
    secret = tmp_path / f"{name}.pass"
    secret.write_text("correct horse battery", encoding="utf-8")
    path = tmp_path / f"{name}.p12"
    if not path.exists():
        save_identity(identity, path, "correct horse battery")
    return ["--identity", str(path), "--identity-passphrase-file", str(secret)]


def test_a_network_exports_its_agenda_and_a_district_keeps_and_shows_it(
        tmp_path: Path, store: DistrictStore, coach: Identity, other_coach: Identity,
        capsys: pytest.CaptureFixture[str]) -> None:
    store.repo.close()
    net = ["network", "--workspace", str(tmp_path / "coach")]
    out = tmp_path / "usb" / "agenda.navagenda"
    out.parent.mkdir()
    # nothing chosen yet: refused, nothing written
    assert cli.main([*net, "agenda", "export", *_p12(tmp_path, coach, "coach"), "--out", str(out)]) == 1
    assert "no questions yet" in capsys.readouterr().err and not out.exists()
    assert cli.main([*net, "agenda", "choose", "plc4-q2", "--context", "Board members ask what changes."]) == 0
    assert cli.main([*net, "agenda", "choose", "plc9-q1"]) == 1
    assert cli.main([*net, "agenda", "meeting", "--date", "2026-10-02", "--notes", "Shared talking points.",
                     "--next-steps", "Draft a one-page explainer."]) == 0
    assert cli.main([*net, "agenda", "meeting", "--date", "soon"]) == 1
    capsys.readouterr()
    assert cli.main([*net, "agenda", "export", *_p12(tmp_path, coach, "coach"), "--network", "North Country Network",
                     "--title", "Agenda 2026-27", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "signed by Dana Coach" in said and "1 anchor questions" in said and "Nothing about any district" in said
    # the district keeps it (in its folder) and shows it
    assert cli.main(["agenda", "import", str(out)]) == 0
    assert "Kept" in capsys.readouterr().out
    assert (store.folder / DISTRICT_FILE).read_bytes() == out.read_bytes()
    assert cli.main(["agenda", "import", str(out)]) == 0
    assert "Unchanged" in capsys.readouterr().out
    assert cli.main(["agenda", "show"]) == 0
    shown = capsys.readouterr().out
    assert "Agenda 2026-27 (North Country Network)" in shown and "Board members ask what changes." in shown
    assert "Draft a one-page explainer." in shown
    # in Spanish the district reads the question in Spanish (by its id); what people wrote stays as written
    assert cli.main(["agenda", "show", "--lang", "es"]) == 0
    shown = capsys.readouterr().out
    assert "1. ¿Qué buenas maneras hay de explicar nuestra innovación" in shown
    assert "Contexto local: Board members ask what changes." in shown
    # an agenda under another network root is refused until the district says it checked it
    forged = tmp_path / "usb" / "forged.navagenda"
    assert cli.main([*net, "agenda", "export", *_p12(tmp_path, other_coach, "other"), "--out", str(forged)]) == 0
    capsys.readouterr()
    assert cli.main(["agenda", "import", str(forged)]) == 1
    assert "another network root" in capsys.readouterr().err
    assert (store.folder / DISTRICT_FILE).read_bytes() == out.read_bytes()
    assert cli.main(["agenda", "import", str(forged), "--replace-network-root"]) == 0
    # a damaged file: one plain line, no traceback
    bad = tmp_path / "usb" / "bad.navagenda"
    bad.write_bytes(out.read_bytes().replace(b"Shared talking points.", b"Shared talking points!"))
    capsys.readouterr()
    assert cli.main(["agenda", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "changed after it was signed" in err and "Traceback" not in err


def test_a_district_without_an_agenda_says_so(store: DistrictStore, capsys: pytest.CaptureFixture[str]) -> None:
    store.repo.close()
    assert cli.main(["agenda", "show"]) == 0
    assert "no network agenda yet" in capsys.readouterr().out
