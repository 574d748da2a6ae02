"""``navtool identity``, ``navtool sign`` and ``navtool verify`` end to end on real files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from attacks import declared_plan
from signing_helpers import make_pdf

from navtool_desktop.cli import main
from navtool_desktop.signing import export_certificate, load_certificate, load_identity, load_root

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def _run(*argv: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return _run


def _passphrases(folder: Path) -> None:
    (folder / "ana.pass").write_text("superintendent passphrase\n", encoding="utf-8")
    (folder / "bo.pass").write_text("board chair passphrase\n", encoding="utf-8")
    (folder / "root.pass").write_text("district root passphrase\n", encoding="utf-8")


@pytest.fixture(scope="module")
def made_by_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files ``navtool identity create`` writes for a root and two signers, made once (keys are slow)."""
    folder = tmp_path_factory.mktemp("identities")
    _passphrases(folder)
    _create_both(lambda *argv: (main([str(a) for a in argv]), "", ""), folder)
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    _passphrases(tmp_path)
    (tmp_path / "plan.pdf").write_bytes(make_pdf(pages=2))
    return tmp_path


@pytest.fixture
def identities(folder: Path, made_by_cli: Path) -> Path:
    for name in ("ana.p12", "bo.p12", "district-root.p12", "district-root.cer", "district-root.pem"):
        shutil.copyfile(made_by_cli / name, folder / name)
    return folder


def _create_both(run: Run, d: Path) -> None:
    code, _out, err = run("identity", "create", "--name", "Ana Peña", "--role", "Superintendent",
                         "--org", "Peña Valley Unified", "--out", d / "ana.p12", "--passphrase-file", d / "ana.pass",
                         "--root-out", d / "district-root.p12", "--root-passphrase-file", d / "root.pass")
    assert code == 0, err
    code, _out, err = run("identity", "create", "--name", "Bo Nguyễn", "--role", "Board Chair",
                          "--out", d / "bo.p12", "--passphrase-file", d / "bo.pass",
                          "--root", d / "district-root.p12", "--root-passphrase-file", d / "root.pass")
    assert code == 0, err


def test_identity_create_writes_signer_root_and_certificates(run: Run, folder: Path) -> None:
    _create_both(run, folder)
    ana = load_identity(folder / "ana.p12", "superintendent passphrase")
    bo = load_identity(folder / "bo.p12", "board chair passphrase")
    root = load_root(folder / "district-root.p12", "district root passphrase")
    assert bo.organization == "Peña Valley Unified" and bo.chain == (root.certificate,)
    assert ana.chain == (root.certificate,)
    assert load_certificate(folder / "district-root.cer") == root.certificate
    assert load_certificate(folder / "district-root.pem") == root.certificate

    code, out, _err = run("identity", "show", folder / "bo.p12", "--passphrase-file", folder / "bo.pass")
    assert code == 0
    assert "Bo Nguyễn" in out and "Board Chair" in out and bo.fingerprint in out and root.fingerprint in out
    assert "Ready to sign." in out


def test_identity_create_refuses_to_overwrite(run: Run, folder: Path) -> None:
    (folder / "ana.p12").write_bytes(b"old identity")
    code, _out, err = run("identity", "create", "--name", "Ana", "--role", "Superintendent", "--org", "PVU",
                          "--out", folder / "ana.p12", "--passphrase-file", folder / "ana.pass")
    assert code == 1 and "already exists" in err
    assert (folder / "ana.p12").read_bytes() == b"old identity"
    assert not (folder / "ana-root.p12").exists()


def test_wrong_passphrase_is_one_clear_line(run: Run, identities: Path) -> None:
    folder = identities
    code, out, err = run("identity", "show", folder / "ana.p12", "--passphrase-file", folder / "bo.pass")
    assert code == 1 and out == ""
    assert err == "navtool: The passphrase for ana.p12 is not right. Check it and try again.\n"


def test_two_signers_in_turn_then_verify(run: Run, identities: Path) -> None:
    folder = identities
    plan, signed = folder / "plan.pdf", folder / "plan-signed.pdf"
    plan.write_bytes(declared_plan(pages=2))  # the renderer's two empty signer boxes
    code, out, err = run("sign", plan, "--identity", folder / "ana.p12", "--passphrase-file", folder / "ana.pass",
                         "--field", "signer-1")
    assert code == 0, err
    assert "plan-signed.pdf" in out and signed.exists()

    # the next signer must say where: a signed PDF is never silently copied or replaced
    code, _out, err = run("sign", signed, "--identity", folder / "bo.p12", "--passphrase-file", folder / "bo.pass")
    assert code == 1 and "--in-place" in err
    code, _out, err = run("sign", signed, "--identity", folder / "bo.p12", "--passphrase-file", folder / "bo.pass",
                          "--in-place", "--field", "signer-2")
    assert code == 0, err

    code, out, _err = run("verify", signed)  # no root given, none in the data folder: not trusted, exit 3
    assert code == 3
    assert out.count("NOT TRUSTED") == 2 and "not issued by a root certificate you trust" in out.splitlines()[-1]
    assert "only later signatures, in the signature boxes" in out
    assert "No trusted root: none given with --trust" in out

    code, out, _err = run("verify", signed, "--trust", folder / "district-root.cer", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] and report["trusted"] and report["verdict"] == "valid" and report["exit_code"] == 0
    assert [s["signer_name"] for s in report["signatures"]] == ["Ana Peña", "Bo Nguyễn"]
    assert [s["changes_after"] for s in report["signatures"]] == ["signatures_only", "none"]
    assert [s["verdict"] for s in report["signatures"]] == ["valid", "valid"]
    assert report["signatures"][0]["signing_time_source"] == "signer's computer clock"

    # a second signer filling a box that was not there before the first signature is a change
    plain = folder / "plain.pdf"
    plain.write_bytes(make_pdf(pages=2))
    code, _out, err = run("sign", plain, "--identity", folder / "ana.p12", "--passphrase-file", folder / "ana.pass",
                          "--out", folder / "p1.pdf", "--rect", "last,72,530,324,620")
    assert code == 0, err
    code, _out, err = run("sign", folder / "p1.pdf", "--identity", folder / "bo.p12", "--passphrase-file",
                          folder / "bo.pass", "--in-place", "--rect", "last,342,530,594,620")
    assert code == 0, err
    code, out, _err = run("verify", folder / "p1.pdf", "--trust", folder / "district-root.cer")
    assert code == 1 and "a new signature field \u201csigner-2\u201d was added on page 2" in out


def test_verify_fails_on_a_tampered_file(run: Run, identities: Path) -> None:
    folder = identities
    signed = folder / "out.pdf"
    code, _out, err = run("sign", folder / "plan.pdf", "--identity", folder / "ana.p12",
                          "--passphrase-file", folder / "ana.pass", "--out", signed)
    assert code == 0, err
    data = bytearray(signed.read_bytes())
    data[data.index(b"page 2 of 2") + 5] = ord("9")
    signed.write_bytes(bytes(data))
    code, out, _err = run("verify", signed, "--trust", folder / "district-root.pem")
    assert code == 1
    assert "CHANGED AFTER SIGNING" in out and "Intact: NO" in out and "Do not rely on this PDF" in out
    assert "could not be confirmed" not in out
    code, out, _err = run("verify", signed, "--json")
    assert code == 1 and json.loads(out)["signatures"][0]["intact"] is False
    assert json.loads(out)["signatures"][0]["verdict"] == "changed"


def test_sign_with_out_never_overwrites_without_the_flag(run: Run, identities: Path) -> None:
    folder = identities
    taken = folder / "taken.pdf"
    taken.write_bytes(b"keep me")
    args = ("sign", folder / "plan.pdf", "--identity", folder / "ana.p12", "--passphrase-file", folder / "ana.pass",
            "--out", taken)
    code, _out, err = run(*args)
    assert code == 1 and "already exists" in err and taken.read_bytes() == b"keep me"
    code, _out, err = run(*args, "--overwrite")
    assert code == 0, err
    assert run("verify", taken, "--trust", folder / "district-root.pem")[0] == 0


def test_verify_not_a_pdf_and_unsigned(run: Run, folder: Path) -> None:
    code, out, err = run("verify", folder / "ana.pass")
    assert code == 2 and out == "" and err == "navtool: ana.pass is not a PDF file.\n"
    code, out, _err = run("verify", folder / "ana.pass", "--json")
    assert code == 2 and json.loads(out)["reason"] == "not_pdf" and json.loads(out)["exit_code"] == 2
    code, out, err = run("verify", folder / "missing.pdf")
    assert code == 2 and "missing.pdf was not found" in err
    code, out, _err = run("verify", folder / "plan.pdf")
    assert code == 5 and "This PDF has no digital signatures." in out



def test_sign_chooses_the_box_by_role_and_refuses_another_without_force(run: Run, identities: Path) -> None:
    from navtool_desktop.signing import add_signature_fields, approval_boxes, declared_boxes

    folder = identities
    boxes = approval_boxes(2, page=2)
    plan = folder / "declared.pdf"
    plan.write_bytes(add_signature_fields(
        make_pdf(pages=2), [("signer-1-superintendent", boxes[0]), ("signer-2-board-chair", boxes[1])],
        {"signer-1-superintendent": ("Superintendent", "Ana Peña"), "signer-2-board-chair": ("Board chair", "")}))
    bo = ("--identity", folder / "bo.p12", "--passphrase-file", folder / "bo.pass")
    # Bo's certificate says Board Chair: the superintendent's box is not his
    code, _out, err = run("sign", plan, *bo, "--box", "Superintendent", "--out", folder / "wrong.pdf")
    assert code == 1 and not (folder / "wrong.pdf").exists()
    assert "is not yours to sign" in err and "add --force" in err
    code, _out, err = run("sign", plan, *bo, "--box", "Superintendent", "--force", "--out", folder / "stand-in.pdf")
    assert code == 0, err
    assert [b.signed for b in declared_boxes((folder / "stand-in.pdf").read_bytes())] == [True, False]
    # by default: the box of the role in the certificate, whichever signs first
    code, _out, err = run("sign", plan, *bo, "--out", folder / "chair.pdf")
    assert code == 0, err
    assert [b.signed for b in declared_boxes((folder / "chair.pdf").read_bytes())] == [False, True]
    code, _out, err = run("sign", folder / "chair.pdf", *bo, "--in-place")
    assert code == 1 and "Name it with --box ROLE" in err


def test_a_name_the_terminal_cannot_show_prints_with_a_mark_instead_of_crashing(identities: Path) -> None:
    """Under a Latin-1 terminal "Bo Nguyễn" ended in a UnicodeEncodeError traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "navtool_desktop", "identity", "show", str(identities / "bo.p12"),
                           "--passphrase-file", str(identities / "bo.pass")],
                          capture_output=True, env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr.decode("latin-1")[-800:]
    assert "Bo Nguy?n" in done.stdout.decode("latin-1")


def test_revoke_a_signer_with_what_identity_create_wrote(run: Run, folder: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The district IT person's whole path: create a root and signers, lose a laptop, revoke its
    signer with the certificate ``identity create`` left beside the signer's .p12 (no passphrase of
    the signer's), send the list, and a recipient with their own data folder sees the plan revoked."""
    it_laptop = tmp_path / "it-laptop"  # the district IT person's data folder (keeps the revocation list)

    def revoke(cert: Path, *more: str | Path) -> tuple[int, str, str]:
        return run("--data-dir", it_laptop, "identity", "revoke", "--cert", cert, "--root",
                   folder / "district-root.p12", "--root-passphrase-file", folder / "root.pass", *more)

    _create_both(run, folder)
    bo = load_identity(folder / "bo.p12", "board chair passphrase")
    # the signer's public certificate beside each .p12, as the help of identity revoke says
    assert load_certificate(folder / "bo.cer") == bo.certificate
    assert load_certificate(folder / "ana.cer") == load_identity(folder / "ana.p12", "superintendent passphrase"
                                                                 ).certificate
    assert b"PRIVATE" not in (folder / "bo.cer").read_bytes()
    with pytest.raises(SystemExit):
        main(["identity", "revoke", "--help"])
    assert "NAME.cer, which identity create writes beside the signer's NAME.p12" in " ".join(
        capsys.readouterr().out.split())

    plan = folder / "plan.pdf"
    plan.write_bytes(declared_plan(pages=2))
    code, _out, err = run("sign", plan, "--identity", folder / "bo.p12", "--passphrase-file", folder / "bo.pass",
                          "--field", "signer-2", "--out", folder / "signed.pdf")
    assert code == 0, err

    since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()  # from before the laptop was lost
    code, out, err = revoke(folder / "bo.cer", "--since", since, "--out", folder / "district.crl")
    assert code == 0, err
    assert "Revoked Bo Nguyễn" in out and bo.fingerprint in out and (folder / "district.crl").is_file()

    # a recipient on another laptop: their own (empty) data folder, the root and the list sent to them
    recipient = tmp_path / "recipient"
    code, out, _err = run("--data-dir", recipient, "verify", folder / "signed.pdf",
                          "--trust", folder / "district-root.cer", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "valid"  # without the list, nothing says revoked
    code, out, _err = run("--data-dir", recipient, "verify", folder / "signed.pdf",
                          "--trust", folder / "district-root.cer", "--crl", folder / "district.crl", "--json")
    sig = json.loads(out)["signatures"][0]
    assert (code, sig["verdict"]) == (4, "certificate_problem")
    assert "revoked this certificate on" in sig["reason"]

    # the signer's .p12 given instead of the certificate: told which file to give, nothing revoked
    before = (folder / "district.crl").read_bytes()
    code, out, err = revoke(folder / "ana.p12", "--out", folder / "district.crl")
    assert code == 1 and out == "" and "ana.cer" in err and "--cert-passphrase-file" in err
    assert (folder / "district.crl").read_bytes() == before

    # an identity made before identity create wrote the certificate: read from its .p12 with its passphrase
    (folder / "ana.cer").unlink()
    code, out, err = revoke(folder / "ana.p12", "--cert-passphrase-file", folder / "ana.pass",
                            "--out", folder / "district.crl")
    assert code == 0, err
    assert "Revoked Ana Peña" in out and "(2 revoked)" in out, out
    export_certificate(bo.certificate, folder / "again.pem")  # a PEM copy of the certificate does as well
    code, out, err = revoke(folder / "again.pem")
    assert code == 0 and "(2 revoked)" in out, err


def test_identity_create_refuses_to_replace_a_signer_certificate(run: Run, folder: Path) -> None:
    (folder / "ana.cer").write_bytes(b"a certificate sent to someone")
    code, _out, err = run("identity", "create", "--name", "Ana", "--role", "Superintendent", "--org", "PVU",
                          "--out", folder / "ana.p12", "--passphrase-file", folder / "ana.pass")
    assert code == 1 and "ana.cer already exists" in err
    assert (folder / "ana.cer").read_bytes() == b"a certificate sent to someone"
    assert not (folder / "ana.p12").exists() and not (folder / "ana-root.p12").exists()
    code, _out, err = run("identity", "create", "--name", "Ana", "--role", "Superintendent", "--org", "PVU",
                          "--out", folder / "bo.cer", "--passphrase-file", folder / "ana.pass")
    assert code == 1 and "ending in .p12" in err and not (folder / "bo.cer").exists()
