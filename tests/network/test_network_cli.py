"""``navtool bundle export --kind summary`` and ``navtool network import|list|release-pin``, in process."""

from __future__ import annotations

from pathlib import Path

import pytest

from navtool_desktop import cli
from navtool_desktop.signing import Identity, save_identity
from navtool_desktop.storage import DistrictStore


def _p12(tmp_path: Path, identity: Identity, name: str) -> tuple[Path, Path]:
    secret = tmp_path / f"{name}.pass"
    secret.write_text("correct horse battery", encoding="utf-8")
    path = tmp_path / f"{name}.p12"
    save_identity(identity, path, "correct horse battery")
    return path, secret


def test_export_a_summary_and_import_it_twice(tmp_path: Path, store: DistrictStore, signer: Identity,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    p12, secret = _p12(tmp_path, signer, "ana")
    usb = tmp_path / "usb"
    usb.mkdir()
    out = usb / "pena.navsummary"
    store.repo.close()
    assert cli.main(["bundle", "export", "--kind", "summary", "--identity", str(p12),
                     "--identity-passphrase-file", str(secret), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Never included: names" in said and out.is_file()
    ws = tmp_path / "coach"
    assert cli.main(["network", "--workspace", str(ws), "import", str(usb)]) == 0
    assert "1 added" in capsys.readouterr().out
    assert cli.main(["network", "--workspace", str(ws), "import", str(usb)]) == 0
    assert "1 unchanged" in capsys.readouterr().out
    assert cli.main(["network", "--workspace", str(ws), "list"]) == 0
    assert signer.root is not None and store.profile.name in capsys.readouterr().out


def test_a_summary_needs_an_identity(tmp_path: Path, store: DistrictStore,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    store.repo.close()
    assert cli.main(["bundle", "export", "--kind", "summary", "--out", str(tmp_path / "x.navsummary")]) != 0
    assert "--identity" in capsys.readouterr().err
    assert not (tmp_path / "x.navsummary").exists()


def test_a_forged_summary_is_refused_by_the_cli(tmp_path: Path, store: DistrictStore, signer: Identity,
                                                stranger: Identity,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    store.repo.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    for who, name in ((signer, "real"), (stranger, "forged")):
        p12, secret = _p12(tmp_path, who, name)
        assert cli.main(["bundle", "export", "--kind", "summary", "--identity", str(p12),
                         "--identity-passphrase-file", str(secret), "--out", str(usb / f"{name}.navsummary")]) == 0
    capsys.readouterr()
    assert cli.main(["network", "--workspace", str(tmp_path / "coach"), "import", str(usb)]) == 1
    said = capsys.readouterr().out
    assert "REFUSED" in said and "another district root" in said
