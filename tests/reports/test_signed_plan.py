"""The plan as it is signed: its boxes come from the plan, its cover claims no approval, every
export prints the district root's fingerprint, and a plan signed in two scripts has only embedded fonts."""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import date
from pathlib import Path

import pytest
from report_helpers import TEST_KEY_BITS, pdf_text, tool

from navtool_desktop import cli
from navtool_desktop.core.records import Plan, PlanSigner, RecordError
from navtool_desktop.framework import Pack
from navtool_desktop.paths import signing_dir
from navtool_desktop.reports import PlanInput, fingerprint_lines, render_plan
from navtool_desktop.reports.data import default_signers, plan_signers
from navtool_desktop.reports.signed import sign_rendered, with_district_root, with_signer
from navtool_desktop.signing import (
    RootAuthority,
    SigningError,
    declared_boxes,
    issue_signer,
    sign_pdf_bytes,
    signature_fields,
)
from navtool_desktop.signing.folder import SigningFolder


def words(pdf: bytes, tmp_path: Path) -> str:
    return " ".join(pdf_text(pdf, tmp_path).split())


def test_old_plans_load_and_keep_the_default_boxes(demo_plan: PlanInput) -> None:
    raw = demo_plan.plan.to_dict()
    del raw["signers"], raw["meeting_date"]  # a plan saved before these fields existed
    plan = Plan.from_dict(raw)
    assert plan.signers == () and plan.meeting_date == ""
    assert plan_signers(plan, demo_plan.district) == default_signers(demo_plan.district)
    with pytest.raises(RecordError, match="same role twice"):
        plan.replace(signers=(PlanSigner(role="Board chair"), PlanSigner(role="board chair")))
    with pytest.raises(RecordError, match="meeting_date"):
        plan.replace(meeting_date="next Tuesday")


def test_the_plan_sets_its_boxes(pack: Pack, demo_plan: PlanInput) -> None:
    plan = demo_plan.plan.replace(signers=(PlanSigner(role="Superintendent", name="Rosa Nguyễn"),
                                           PlanSigner(role="Board president", name="Chloë Begay"),
                                           PlanSigner(role="Board clerk")))
    data = dataclasses.replace(demo_plan, plan=plan, signers=plan_signers(plan, demo_plan.district))
    boxes = declared_boxes(render_plan(pack, data).pdf)
    assert [(b.field, b.role, b.name) for b in boxes] == [
        ("signer-1-superintendent", "Superintendent", "Rosa Nguyễn"),
        ("signer-2-board-president", "Board president", "Chloë Begay"),
        ("signer-3-board-clerk", "Board clerk", ""),
    ]
    assert len({b.page for b in boxes}) == 1 and boxes[0].page > 1


def test_the_cover_says_plan_for_adoption_and_claims_no_approval(pack: Pack, demo_plan: PlanInput,
                                                                 tmp_path: Path) -> None:
    # "approved" set in the app before the vote: the cover must not say so
    plan = demo_plan.plan.replace(status="approved", approved_by="Rosa Nguyễn",
                                  approved_at="2025-01-10T18:00:00Z", meeting_date="2027-01-14")
    rendered = render_plan(pack, dataclasses.replace(demo_plan, plan=plan))
    text = words(rendered.pdf, tmp_path)
    assert "Plan for adoption at the board meeting of January 14, 2027" in text
    assert "recorded by the signatures on the approval page" in text
    for claim in ("Approved by", "Recorded approval", "Draft for approval"):
        assert claim not in text
    cover = " ".join(pdf_text(rendered.pdf, tmp_path).split("\f")[0].split())
    assert "Plan for adoption" in cover
    undated = dataclasses.replace(demo_plan, plan=demo_plan.plan.replace(meeting_date=""))
    without_date = words(render_plan(pack, undated).pdf, tmp_path)
    assert "Plan for adoption" in without_date and "board meeting of" not in without_date


def test_an_unsigned_export_prints_the_root_fingerprint(pack: Pack, demo_plan: PlanInput, root: RootAuthority,
                                                        tmp_path: Path) -> None:
    folder = tmp_path / "signing"
    text = words(render_plan(pack, with_district_root(demo_plan, folder)).pdf, tmp_path)
    assert "No district root certificate was set up" in text  # none yet: the page says to ask
    SigningFolder(folder).trust_root(root.certificate)
    data = with_district_root(demo_plan, folder)
    assert data.root_fingerprint == root.fingerprint
    text = words(render_plan(pack, data).pdf, tmp_path)
    for line in fingerprint_lines(root.fingerprint):
        assert line in text
    assert "No district root certificate" not in text


def test_cli_export_prints_the_root_fingerprint_without_signing(data_dir: Path, root: RootAuthority,
                                                                tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--years", "1", "--participants", "8"]) == 0
    SigningFolder(signing_dir()).trust_root(root.certificate)
    out = tmp_path / "plan.pdf"
    assert cli.main(["export-plan", "--out", str(out)]) == 0
    assert "No district root certificate" not in capsys.readouterr().out
    text = words(out.read_bytes(), tmp_path)
    assert fingerprint_lines(root.fingerprint)[0] in text


def test_export_and_sign_takes_the_box_of_the_role_or_refuses_another(pack: Pack, demo_plan: PlanInput,
                                                                      root: RootAuthority) -> None:
    chair = issue_signer(root, "Uma Running Crane", "Board chair", key_bits=TEST_KEY_BITS)
    data, slot = with_signer(demo_plan, chair)
    assert slot == 2 and data.signers[1].fingerprint == chair.fingerprint
    stranger = issue_signer(root, "Tom Board", "Board chair", key_bits=TEST_KEY_BITS)
    with pytest.raises(SigningError) as err:  # the box names Uma Running Crane
        with_signer(demo_plan, stranger)
    assert err.value.reason == "wrong_box"
    data, slot = with_signer(demo_plan, stranger, force=True)
    # beside the box: the name in the certificate, never the team list's
    assert data.signers[1].name == "Tom Board"
    pdf = sign_rendered(render_plan(pack, data).pdf, stranger, slot, "Pine Ridge")
    assert signature_fields(pdf) == [("signer-1-superintendent", False), ("signer-2-board-chair", True)]


def test_a_plan_signed_in_two_scripts_has_only_embedded_fonts(pack: Pack, demo_plan: PlanInput,
                                                              root: RootAuthority, tmp_path: Path) -> None:
    an = issue_signer(root, "Nguyễn Văn An", "Superintendent", key_bits=TEST_KEY_BITS)
    jose = issue_signer(root, "José Ñúñez", "Board chair", key_bits=TEST_KEY_BITS)
    plan = demo_plan.plan.replace(signers=(PlanSigner(role="Superintendent", name="Nguyễn Văn An"),
                                           PlanSigner(role="Board chair", name="José Ñúñez")),
                                  meeting_date="2027-01-14")
    data = dataclasses.replace(demo_plan, plan=plan, signers=plan_signers(plan, demo_plan.district),
                               root_fingerprint=root.fingerprint, today=date(2026, 12, 1))
    data, slot = with_signer(data, an)
    signed = sign_pdf_bytes(sign_rendered(render_plan(pack, data).pdf, an, slot, "Pine Ridge"), jose)
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    fonts = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, text=True, check=False)
    assert "Error" not in fonts.stdout + fonts.stderr
    rows = [line.split() for line in fonts.stdout.splitlines()[2:] if line.strip()]
    assert len(rows) >= 4 and all(r[-5] == "yes" for r in rows), fonts.stdout
    assert not any("Helvetica" in r[0] or "Times" in r[0] or "Courier" in r[0] for r in rows)
    report = subprocess.run([tool("pdfsig"), str(path)], capture_output=True, text=True, check=False).stdout
    assert report.count("Signature is Valid.") == 2
    assert "Common Name: Nguyễn Văn An" in report and "Common Name: José Ñúñez" in report


def test_a_real_plan_signed_in_both_boxes_verifies_valid(pack: Pack, demo_plan: PlanInput,
                                                         root: RootAuthority) -> None:
    # the approval page's boxes are framed but blank inside: verify's check that a box filled
    # later hid no page text must pass the renderer's own boxes
    from navtool_desktop.signing import VALID, verify_pdf_bytes

    supt = issue_signer(root, "Ana Peña", "Superintendent", key_bits=TEST_KEY_BITS)
    chair = issue_signer(root, "Uma Running Crane", "Board chair", key_bits=TEST_KEY_BITS)
    pdf = sign_pdf_bytes(render_plan(pack, demo_plan).pdf, supt, role="Superintendent", force=True)
    pdf = sign_pdf_bytes(pdf, chair, role="Board chair", force=True)
    report = verify_pdf_bytes(pdf, [root.certificate])
    assert (report.verdict, report.changes) == (VALID, ())
