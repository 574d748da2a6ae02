"""Revocation lists travel in district and cycle bundles (issue 11, item 7).

Two laptops with their own data folders: the district root revokes a signer on laptop A
(``navtool identity revoke``), A exports a district bundle, B imports it, and B's
``navtool verify`` then refuses a signature made after the revocation. A list signed by
anyone but a root B trusts is ignored and reported; a crafted list member is refused whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from attacks import declared_plan, pyhanko_sign
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from signing_helpers import TEST_KEY_BITS

from navtool_desktop import paths
from navtool_desktop.cli import main
from navtool_desktop.core.records import Cycle
from navtool_desktop.core.records import District as DistrictProfile
from navtool_desktop.exchange import import_paths
from navtool_desktop.exchange.bundle import (
    MAX_REVOCATION_BYTES,
    MAX_REVOCATIONS,
    check_content,
    manifest_for,
    write_bundle,
    zip_members,
)
from navtool_desktop.exchange.bundle import bundle_members as members_of
from navtool_desktop.exchange.errors import BundleError
from navtool_desktop.exchange.files import make_content
from navtool_desktop.framework import Pack
from navtool_desktop.signing import (
    CERTIFICATE_PROBLEM,
    VALID,
    Identity,
    RootAuthority,
    create_root,
    export_certificate,
    issue_signer,
    save_root,
)
from navtool_desktop.signing.folder import SigningFolder
from navtool_desktop.signing.revocation import crl_bytes, revoke
from navtool_desktop.storage import Repository

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def verify(capsys: pytest.CaptureFixture[str], laptop: Path, pdf: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    """``navtool verify`` on a laptop, trusting the roots kept in its data folder."""
    code, out, _err = run(capsys, "--data-dir", laptop, "verify", pdf, "--json")
    return code, json.loads(out)


def new_laptop(folder: Path, pack: Pack) -> str:
    """A data folder holding one district with one cycle; returns the district id."""
    with Repository(folder) as repo:
        district = repo.create_district(DistrictProfile(name="Peña Valley Unified"))
        repo.open_district(district.id, auto_backup=False).create_cycle(Cycle(
            title="Fall retreat", date="2026-11-30", framework_id=pack.id, framework_version=pack.version))
        return district.id


def revoked_dir(laptop: Path) -> Path:
    return SigningFolder(paths.signing_dir(laptop)).revoked_dir


@pytest.fixture(scope="module")
def root() -> RootAuthority:
    """The district root, made a year ago (its signers signed plans before today)."""
    return create_root("Peña Valley Unified", key_bits=TEST_KEY_BITS, now=NOW - dt.timedelta(days=365))


@pytest.fixture
def lost(root: RootAuthority) -> Identity:
    """A signer whose laptop was lost: issued a month ago by the district root."""
    return issue_signer(root, "Lost Laptop", "Superintendent", key_bits=TEST_KEY_BITS,
                        now=NOW - dt.timedelta(days=30))


@pytest.fixture
def two_laptops(tmp_path: Path, pack: Pack, root: RootAuthority) -> tuple[Path, Path]:
    """Laptops A and B, each with its own data folder; both trust the district root."""
    a, b = tmp_path / "laptop-a", tmp_path / "laptop-b"
    new_laptop(a, pack)
    for laptop in (a, b):
        SigningFolder(paths.signing_dir(laptop)).trust_root(root.certificate)
    return a, b


def _bundle_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def test_a_revocation_made_on_one_laptop_reaches_verify_on_another_through_a_district_bundle(
        root: RootAuthority, lost: Identity, two_laptops: tuple[Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two_laptops
    before = tmp_path / "before.pdf"
    before.write_bytes(pyhanko_sign(declared_plan(), lost, field="signer-1", when=NOW - dt.timedelta(hours=2)))
    after = tmp_path / "after.pdf"
    after.write_bytes(pyhanko_sign(declared_plan(), lost, field="signer-1"))

    # a bundle from before any revocation has no list in it, and B takes it as before
    plain = tmp_path / "plain.navtool"
    assert run(capsys, "--data-dir", a, "bundle", "export", "--kind", "district", "--out", plain)[0] == 0
    assert not [n for n in _bundle_names(plain) if n.startswith("revocations/")]
    code, out, _err = run(capsys, "--data-dir", b, "bundle", "import", plain)
    assert code == 0 and "1 bundle(s) imported, 0 refused" in out and "revoked" not in out
    assert verify(capsys, b, after)[0] == 0  # B knows of no revocation yet

    # the root revokes the lost laptop's signer on A, from an hour ago
    cert = tmp_path / "lost.cer"
    export_certificate(lost.certificate, cert)
    save_root(root, tmp_path / "root.p12", "root passphrase 1")
    (tmp_path / "root.pass").write_text("root passphrase 1\n", encoding="utf-8")
    assert run(capsys, "--data-dir", a, "identity", "revoke", "--cert", cert, "--root", tmp_path / "root.p12",
               "--root-passphrase-file", tmp_path / "root.pass",
               "--since", (NOW - dt.timedelta(hours=1)).isoformat())[0] == 0
    assert verify(capsys, a, after)[0] == 4

    bundle = tmp_path / "district.navtool"
    assert run(capsys, "--data-dir", a, "bundle", "export", "--kind", "district", "--out", bundle)[0] == 0
    assert "revocations/1.crl" in _bundle_names(bundle)
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert zf.read("revocations/1.crl") == SigningFolder(paths.signing_dir(a)).revocation_list_bytes()[0][1]
    assert set(manifest["members"]["revocations/1.crl"]) == {"size", "sha256"}

    code, out, _err = run(capsys, "--data-dir", b, "bundle", "import", bundle)
    assert code == 0, out
    assert "Revoked signers" in out and "was kept (1 revoked)" in out
    code, report = verify(capsys, b, after)
    assert (code, report["verdict"]) == (4, CERTIFICATE_PROBLEM)
    assert "revoked this certificate on" in report["signatures"][0]["reason"]
    code, report = verify(capsys, b, before)  # signed before the revocation: still valid
    assert (code, report["verdict"]) == (0, VALID), report["signatures"][0]["reason"]

    # importing the same bundle again changes nothing and says nothing about the list
    kept = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in revoked_dir(b).iterdir()}
    code, out, _err = run(capsys, "--data-dir", b, "bundle", "import", bundle)
    assert code == 0 and "Revoked signers" not in out and "ignored" not in out
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in revoked_dir(b).iterdir()} == kept
    # nor does an older bundle's list undo it (the plain one has none; a cycle bundle from A carries it too)
    cycle_bundle = tmp_path / "cycle.navtool"
    assert run(capsys, "--data-dir", a, "bundle", "export", "--kind", "cycle", "--cycle", "latest",
               "--out", cycle_bundle)[0] == 0
    assert "revocations/1.crl" in _bundle_names(cycle_bundle)
    assert run(capsys, "--data-dir", b, "bundle", "import", plain)[0] == 0
    assert verify(capsys, b, after)[0] == 4


def test_a_list_signed_by_a_root_this_laptop_does_not_trust_is_ignored_and_reported(
        root: RootAuthority, lost: Identity, two_laptops: tuple[Path, Path], tmp_path: Path, pack: Pack,
        capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two_laptops
    stranger = create_root("Somewhere Else ISD", key_bits=TEST_KEY_BITS)
    their_signer = issue_signer(stranger, "Someone", "Superintendent", key_bits=TEST_KEY_BITS)
    # a list under the district root's own name, signed by another key, and the stranger's own list
    entry = x509.RevokedCertificateBuilder().serial_number(lost.certificate.serial_number).revocation_date(
        NOW - dt.timedelta(days=1)).build()
    forged = (x509.CertificateRevocationListBuilder().issuer_name(root.certificate.subject)
              .last_update(NOW).next_update(NOW + dt.timedelta(days=30)).add_revoked_certificate(entry)
              .sign(stranger.private_key, hashes.SHA256()))
    theirs = revoke(stranger, their_signer.certificate)
    with Repository(a) as repo:
        store = repo.open_district(repo.last_district_id() or "", auto_backup=False)
        content = make_content(store, pack, "district")
    assert content.revocations == ()  # A keeps no list
    bundle = tmp_path / "stranger.navtool"
    bundle.write_bytes(write_bundle(dataclasses.replace(content, revocations=(crl_bytes(forged),
                                                                              crl_bytes(theirs)))))
    after = tmp_path / "after.pdf"
    after.write_bytes(pyhanko_sign(declared_plan(), lost, field="signer-1"))

    code, out, _err = run(capsys, "--data-dir", b, "bundle", "import", bundle)
    assert code == 0 and "1 bundle(s) imported, 0 refused" in out  # the records came in all the same
    assert "revocations/1.crl" in out and "revocations/2.crl" in out
    assert out.count("is not signed by a district root this laptop trusts") == 2
    assert "Somewhere Else ISD" in out
    assert not revoked_dir(b).exists()
    assert verify(capsys, b, after)[0] == 0  # the forged list revokes nothing
    with Repository(b) as repo:
        assert repo.last_district_id() == content.district_id

    # the app shows the same summary: a person must read it
    with Repository(b) as repo:
        summary = import_paths(repo, pack, [bundle])
    assert summary.ok and summary.needs_a_look and len(summary.revocations_ignored) == 2
    assert "were ignored" in summary.text()


def _crafted_lists(root: RootAuthority, lost: Identity) -> dict[str, tuple[dict[str, bytes], str]]:
    real = crl_bytes(revoke(root, lost.certificate))
    pem = revoke(root, lost.certificate).public_bytes(serialization.Encoding.PEM)
    return {
        "not a list": ({"revocations/1.crl": b"I am not a list\n"}, "is not a revocation list"),
        "PEM, not DER": ({"revocations/1.crl": pem}, "is not a revocation list"),
        "trailing bytes": ({"revocations/1.crl": real + b"\x00junk"}, "is not a revocation list"),
        "cut off": ({"revocations/1.crl": real[:-20]}, "is not a revocation list"),
        "oversized": ({"revocations/1.crl": real + b"\x00" * MAX_REVOCATION_BYTES}, "is too large"),
        "too many": ({f"revocations/{n}.crl": real for n in range(1, MAX_REVOCATIONS + 2)},
                     "more than 16 revocation lists"),
        "climbs out": ({"revocations/../1.crl": real}, "unsafe name"),
        "absolute": ({"/revocations/1.crl": real}, "unsafe name"),
        "backslash": ({"revocations\\1.crl": real}, "unsafe name"),
        "number 0": ({"revocations/0.crl": real}, "unexpected file"),
        "not a number": ({"revocations/a.crl": real}, "unexpected file"),
        "deeper": ({"revocations/x/1.crl": real}, "unexpected file"),
        "other suffix": ({"revocations/1.exe": real}, "unexpected file"),
    }


@pytest.mark.parametrize("case", ["not a list", "PEM, not DER", "trailing bytes", "cut off", "oversized",
                                  "too many", "climbs out", "absolute", "backslash", "number 0",
                                  "not a number", "deeper", "other suffix"])
def test_a_crafted_revocation_member_refuses_the_whole_bundle_and_changes_nothing(
        root: RootAuthority, lost: Identity, two_laptops: tuple[Path, Path], tmp_path: Path, pack: Pack,
        case: str) -> None:
    a, b = two_laptops
    with Repository(a) as repo:
        store = repo.open_district(repo.last_district_id() or "", auto_backup=False)
        content = make_content(store, pack, "district")
    extra, words = _crafted_lists(root, lost)[case]
    members = {**members_of(content), **extra}  # listed in the manifest with size and sha256
    bundle = tmp_path / "crafted.navtool"
    bundle.write_bytes(zip_members(manifest_for(content, members), members))
    with Repository(b) as repo:
        summary = import_paths(repo, pack, [bundle])
        assert summary.imported == [] and len(summary.refused) == 1
        assert words in summary.refused[0][1], summary.refused
        assert "Traceback" not in summary.text()
        assert repo.last_district_id() is None  # nothing came in
    assert not revoked_dir(b).exists()


def test_a_participant_bundle_may_not_carry_a_list(root: RootAuthority, lost: Identity,
                                                    two_laptops: tuple[Path, Path], pack: Pack) -> None:
    a, _b = two_laptops
    SigningFolder(paths.signing_dir(a)).revoke(root, lost.certificate)
    with Repository(a) as repo:
        store = repo.open_district(repo.last_district_id() or "", auto_backup=False)
        content = make_content(store, pack, "district")
    assert len(content.revocations) == 1
    with pytest.raises(BundleError, match="Only a district or cycle bundle may carry revocation lists"):
        check_content(dataclasses.replace(content, kind="participant"), pack)


def test_a_dry_run_keeps_no_list(root: RootAuthority, lost: Identity, two_laptops: tuple[Path, Path],
                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two_laptops
    SigningFolder(paths.signing_dir(a)).revoke(root, lost.certificate)
    bundle = tmp_path / "district.navtool"
    assert run(capsys, "--data-dir", a, "bundle", "export", "--kind", "district", "--out", bundle)[0] == 0
    code, out, _err = run(capsys, "--data-dir", b, "bundle", "import", "--dry-run", bundle)
    assert code == 0 and "would be kept" in out
    assert not revoked_dir(b).exists()


def test_lists_kept_as_pem_or_unreadable_travel_as_der_or_not_at_all(
        root: RootAuthority, lost: Identity, tmp_path: Path) -> None:
    from navtool_desktop.exchange.files import revocation_lists

    folder = SigningFolder(paths.signing_dir(tmp_path / "laptop"))
    folder.revoked_dir.mkdir(parents=True)
    crl = revoke(root, lost.certificate)
    (folder.revoked_dir / "by-hand.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    (folder.revoked_dir / "junk.crl").write_bytes(b"junk")
    assert revocation_lists(tmp_path / "laptop") == (crl_bytes(crl),)
    assert revocation_lists(tmp_path / "nowhere") == ()

