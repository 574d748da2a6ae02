"""``navtool identity create|show``, ``navtool sign`` and ``navtool verify``: signed plans, headless.

Where ``navtool sign`` writes, so that no file is ever replaced by surprise:

* ``--out FILE``: there; an existing FILE only with ``--overwrite``.
* ``--in-place``: the input itself, replaced atomically (the next signer's usual choice).
* neither: ``NAME-signed.pdf`` beside an unsigned ``NAME.pdf`` (never replacing one); for a
  PDF that is already signed (or named ``*-signed.pdf``) one of the two options is required.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from navtool_desktop.commands.common import CommandError, passphrase_file_help, read_passphrase
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from cryptography import x509

    from navtool_desktop.signing import Identity, VerificationReport

SIGNED_SUFFIX = "-signed"


def _paragraphs(text: str) -> str:
    """``text`` wrapped for a raw-formatted ``--help`` (which keeps the exit status table as it is)."""
    import textwrap

    return "\n\n".join(textwrap.fill(part, 79) for part in text.split("\n\n"))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ident = sub.add_parser("identity", help=_("create, show or revoke a signing identity (.p12)"))
    ident_sub = ident.add_subparsers(dest="identity_command", metavar="ACTION", required=True)

    create = ident_sub.add_parser(
        "create",
        help=_("create a signer identity, with a new district root or issued by an existing one"),
        description=_("Creates a signer's .p12 (key, certificate and the district root certificate) and, "
                      "beside it, the signer's certificate alone: NAME.cer for NAME.p12, with no key in it. "
                      "Keep NAME.cer with the district's records: identity revoke needs it if the signer's "
                      "laptop is ever lost. Without --root a new district root is made too and saved in its "
                      "own .p12 (keep it offline); with --root the existing root issues the certificate. "
                      "The root certificate is written beside the root's .p12 as .cer and .pem for "
                      "recipients to trust."))
    create.add_argument("--name", required=True, help=_("signer's full name"))
    create.add_argument("--role", required=True, help=_("signer's title, for example Superintendent"))
    create.add_argument("--org", help=_("district name (default with --root: the root's district)"))
    create.add_argument("--email", help=_("signer's email address (optional)"))
    create.add_argument("--out", required=True, type=Path, metavar="FILE.p12",
                        help=_("the signer's identity file (the signer's certificate goes beside it as FILE.cer)"))
    create.add_argument("--passphrase-file", required=True, type=Path, metavar="F",
                        help=passphrase_file_help(_("the signer's passphrase, in this file")))
    create.add_argument("--root-out", type=Path, metavar="ROOT.p12",
                        help=_("where to save a new district root (default: FILE-root.p12 beside --out)"))
    create.add_argument("--root", type=Path, metavar="ROOT.p12", help=_("issue from this existing district root"))
    create.add_argument("--root-passphrase-file", type=Path, metavar="F2",
                        help=passphrase_file_help(_("the root's passphrase, in this file (default for a new "
                                                    "root: the signer's)")))
    create.add_argument("--overwrite", action="store_true", help=_("replace existing files"))
    create.set_defaults(handler=_create)

    revoke = ident_sub.add_parser(
        "revoke", help=_("revoke a signer's certificate (a lost laptop): a revocation list signed by the root"),
        description=_("Adds the signer's certificate to the district root's revocation list (CRL) in the data "
                      "folder (signing/revoked/). Signatures the certificate made before --since stay valid; "
                      "later ones are reported as a certificate problem by navtool verify. Send the .crl file "
                      "(--out) to recipients with the plan. The signer's certificate is NAME.cer, which "
                      "identity create writes beside the signer's NAME.p12 (an identity made in the app has it "
                      "beside its .p12 in the data folder, signing/identities/); it needs no passphrase. For an "
                      "identity made before identity create wrote NAME.cer, give the signer's .p12 and its "
                      "passphrase (--cert-passphrase-file)."))
    revoke.add_argument("--cert", required=True, type=Path, metavar="SIGNER.cer",
                        help=_("the signer's certificate to revoke: NAME.cer beside NAME.p12 (.cer, .crt or .pem); "
                               "or the signer's .p12 with --cert-passphrase-file"))
    revoke.add_argument("--cert-passphrase-file", type=Path, metavar="F",
                        help=passphrase_file_help(_("only when --cert is the signer's .p12: its passphrase, in "
                                                    "this file")))
    revoke.add_argument("--root", required=True, type=Path, metavar="ROOT.p12",
                        help=_("the district root that issued it"))
    revoke.add_argument("--root-passphrase-file", required=True, type=Path, metavar="F")
    revoke.add_argument("--since", metavar="WHEN",
                        help=_("revoked from this time, e.g. 2026-11-30 or 2026-11-30T14:00 (your local time "
                               "unless an offset is given; default: now). Choose a time before the laptop was lost"))
    revoke.add_argument("--reason", default="key-compromise",
                        choices=["key-compromise", "superseded", "cessation-of-operation", "affiliation-changed"])
    revoke.add_argument("--out", type=Path, metavar="FILE.crl", help=_("also write the revocation list here"))
    revoke.set_defaults(handler=_revoke)

    show = ident_sub.add_parser("show", help=_("show who an identity file names and whether it can sign"))
    show.add_argument("file", type=Path, metavar="FILE.p12")
    show.add_argument("--passphrase-file", required=True, type=Path, metavar="F",
                      help=passphrase_file_help(_("the identity's passphrase, in this file")))
    show.set_defaults(handler=_show)

    sign = sub.add_parser("sign", help=_("add a signature to a PDF (the next signer's, if already signed)"),
                          description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    sign.add_argument("pdf", type=Path, metavar="FILE.pdf")
    sign.add_argument("--identity", required=True, type=Path, metavar="FILE.p12")
    sign.add_argument("--passphrase-file", required=True, type=Path, metavar="F",
                      help=passphrase_file_help(_("the identity's passphrase, in this file")))
    where = sign.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="OUT.pdf", help=_("where to write the signed PDF"))
    where.add_argument("--in-place", action="store_true", help=_("replace the input PDF (atomically)"))
    sign.add_argument("--overwrite", action="store_true", help=_("with --out: replace an existing file"))
    sign.add_argument("--box", metavar="ROLE",
                      help=_("the box to sign, by its role (or the name or field printed for it); default: "
                             "the empty box whose role is the one in your certificate"))
    sign.add_argument("--force", action="store_true",
                      help=_("sign a box labelled for another role or person (you stand in for them; the "
                             "stamp still shows your own name)"))
    sign.add_argument("--field", help=_("signature field to sign, by its exact name"))
    sign.add_argument("--rect", metavar="PAGE,X1,Y1,X2,Y2",
                      help=_("for a PDF without signature boxes: where the stamp goes, page from 1 or 'last', "
                             "then the rectangle in points from the lower-left corner, e.g. "
                             "last,72,450,324,540"))
    sign.add_argument("--reason", help=_("reason recorded in the signature, e.g. 'Approved by the board'"))
    sign.add_argument("--location", help=_("place recorded in the signature"))
    sign.set_defaults(handler=_sign)

    verify = sub.add_parser(
        "verify", help=_("check every signature of a PDF"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_paragraphs(_(
                      "Checks every signature of a signed plan: that it is intact; that nothing changed after "
                      "it except later signers filling the signature boxes that were there, empty, before the "
                      "first signature (a comparison of the file's revisions and of the pages as drawn); that "
                      "the signer's certificate chains to a root you trust; and that the certificate was "
                      "valid, allowed to sign and not revoked at the signing time the signature states. That "
                      "time comes from the signer's computer clock (there is no timestamp server), so a plan "
                      "that was valid when signed stays valid after the certificate expires.\n\n"
                      "Roots: the --trust certificates; without --trust, the district roots kept in the app's "
                      "data folder (signing/*.cer). Revocations: the lists in the data folder "
                      "(signing/revoked/*.crl) and any --crl file, counted only when a trusted root signed them.")),
        epilog=_("exit status:\n"
                 "  0  every signature is valid and trusted, and the document is unchanged since signing\n"
                 "  1  the document was changed after signing, or a signature is broken\n"
                 "  2  usage error, or the file cannot be read or is not a PDF\n"
                 "  3  not trusted: a certificate does not chain to a root you trust, or a signature uses an "
                 "algorithm or key that is no longer safe (SHA-1, MD5, a short RSA or DSA key)\n"
                 "  4  certificate problem: expired or not yet valid at the signing time, not allowed to sign "
                 "(no non-repudiation), or revoked before the signature\n"
                 "  5  not signed: the PDF has no signatures\n"
                 "When several apply, the first in the order 1, 3, 4 is given."))
    verify.add_argument("pdf", type=Path, metavar="FILE.pdf")
    verify.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT",
                        help=_("a root certificate (.cer/.pem) to trust; repeat for several (default: the "
                               "district roots kept in the data folder)"))
    verify.add_argument("--crl", type=Path, action="append", default=[], metavar="FILE.crl",
                        help=_("a revocation list from the district (navtool identity revoke); repeat for several"))
    verify.add_argument("--json", action="store_true",
                        help=_("print the report as JSON: each signature's verdict and reason, and every change"))
    verify.set_defaults(handler=_verify)


def _identity_lines(identity: Identity) -> list[str]:
    from navtool_desktop.signing import fingerprint

    root = identity.root
    lines = [
        _("Signer:       {name}").format(name=identity.name),
        _("Role:         {role}").format(role=identity.role or "-"),
        _("District:     {org}").format(org=identity.organization or "-"),
        _("Valid:        {start} to {end}").format(start=identity.not_valid_before.date().isoformat(),
                                                   end=identity.not_valid_after.date().isoformat()),
        _("Fingerprint:  SHA-256 {fp}").format(fp=identity.fingerprint),
    ]
    if root is not None and root != identity.certificate:
        lines.append(_("Root:         SHA-256 {fp}").format(fp=fingerprint(root)))
    return lines


def _create(args: argparse.Namespace) -> int:
    from navtool_desktop.signing import (
        SigningError,
        create_root,
        export_certificate,
        fingerprint,
        issue_signer,
        load_root,
        save_identity,
        save_root,
    )
    from navtool_desktop.signing.identity import signer_certificate_path

    passphrase = read_passphrase(args.passphrase_file)
    root_passphrase = read_passphrase(args.root_passphrase_file) if args.root_passphrase_file else None
    if args.root and args.root_out:
        raise CommandError(_("give --root (issue from an existing root) or --root-out (make a new one), not both"))
    out: Path = args.out
    signer_cer = signer_certificate_path(out)
    if signer_cer == out:
        raise CommandError(_("{file}: give the identity file a name ending in .p12 (its certificate is written "
                             "beside it as .cer)").format(file=out))
    try:
        if args.root:
            if root_passphrase is None:
                raise CommandError(_("--root needs --root-passphrase-file"))
            root_out = None
        else:
            if not args.org:
                raise CommandError(_("--org (the district name) is needed to create a district root"))
            root_out = args.root_out or out.with_name(out.stem + "-root.p12")
        for path in (out, signer_cer, root_out):
            if path is not None and path.exists() and not args.overwrite:
                raise CommandError(_("{file} already exists; use --overwrite to replace it").format(file=path))
        root = load_root(args.root, root_passphrase or "") if args.root else create_root(args.org)
        identity = issue_signer(root, args.name, args.role, args.org, email=args.email)
        save_identity(identity, out, passphrase, overwrite=args.overwrite)
        export_certificate(identity.certificate, signer_cer, overwrite=args.overwrite)
        if root_out is not None:
            save_root(root, root_out, root_passphrase or passphrase, overwrite=args.overwrite)
        cert_base = (root_out or args.root).with_suffix("")
        written = []
        for suffix in (".cer", ".pem"):
            cert_path = cert_base.with_name(cert_base.name + suffix)
            if cert_path.exists() and not args.overwrite:
                continue  # the same root, shared earlier: keep the file recipients already have
            export_certificate(root.certificate, cert_path, overwrite=args.overwrite)
            written.append(cert_path)
    except SigningError as exc:
        raise CommandError(str(exc)) from None
    print(_("Created {file}").format(file=out))
    for line in _identity_lines(identity):
        print("  " + line)
    print(_("Wrote the signer's certificate {file} (no key in it): keep it with the district's records; "
            "navtool identity revoke --cert {name} needs it if this identity is ever lost.").format(
        file=signer_cer, name=signer_cer.name))
    if root_out is not None:
        print(_("Created the district root {file}: keep it offline (a USB stick in a safe); it issues "
                "the next signer's identity.").format(file=root_out))
    for path in written:
        print(_("Wrote the root certificate {file}: send it to recipients so they can trust the plan.")
              .format(file=path))
    print(_("Root fingerprint: SHA-256 {fp}").format(fp=fingerprint(root.certificate)))
    return 0


def _show(args: argparse.Namespace) -> int:
    from navtool_desktop.signing import SigningError, load_identity

    try:
        identity = load_identity(args.file, read_passphrase(args.passphrase_file), for_signing=False)
    except SigningError as exc:
        raise CommandError(str(exc)) from None
    for line in _identity_lines(identity):
        print(line)
    problems = identity.problems()
    if problems:
        for problem in problems:
            print(_("Cannot sign: {problem}").format(problem=problem))
        return 1
    print(_("Ready to sign."))
    return 0


def _default_output(pdf: Path, already_signed: bool) -> Path:
    if already_signed or pdf.stem.endswith(SIGNED_SUFFIX):
        raise CommandError(_("{file} is already signed: give --out NEW.pdf, or --in-place to add this "
                             "signature to it").format(file=pdf.name))
    return pdf.with_name(pdf.stem + SIGNED_SUFFIX + (pdf.suffix or ".pdf"))


def _sign(args: argparse.Namespace) -> int:
    from navtool_desktop.signing import SignatureBox, SigningError, load_identity, sign_pdf, signature_fields

    try:
        rect = SignatureBox.parse(args.rect) if args.rect else None
        identity = load_identity(args.identity, read_passphrase(args.passphrase_file))
        if args.in_place:
            out, overwrite = args.pdf, True
        elif args.out:
            out, overwrite = args.out, args.overwrite
        else:
            try:
                data = args.pdf.read_bytes()
            except OSError as exc:
                raise CommandError(_("{file} cannot be read: {error}")
                                   .format(file=args.pdf, error=exc.strerror or exc)) from None
            out, overwrite = _default_output(args.pdf, any(signed for _n, signed in signature_fields(data))), False
        sign_pdf(args.pdf, out, identity, field=args.field, box=rect, role=args.box, force=args.force,
                 reason=args.reason, location=args.location, overwrite=overwrite)
    except SigningError as exc:
        if exc.reason == "wrong_box":
            raise CommandError(_("{error} To sign it anyway, add --force.").format(error=exc)) from None
        if exc.reason == "no_box_for_role":
            raise CommandError(_("{error} Name it with --box ROLE.").format(error=exc)) from None
        raise CommandError(str(exc)) from None
    print(_("Signed by {name} ({role}) into {file}").format(name=identity.name, role=identity.role, file=out))
    print(_("Certificate fingerprint: SHA-256 {fp}").format(fp=identity.fingerprint))
    return 0


def _parse_time(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(_("{text} is not a time; write it as 2026-11-30 or 2026-11-30T14:00")
                           .format(text=text)) from None
    return moment.astimezone(dt.UTC)  # a time without an offset is local time


def _revoke(args: argparse.Namespace) -> int:
    from cryptography.x509.oid import NameOID

    from navtool_desktop.paths import signing_dir
    from navtool_desktop.signing import SigningError, fingerprint, load_root
    from navtool_desktop.signing.files import write_new_file
    from navtool_desktop.signing.folder import SigningFolder
    from navtool_desktop.signing.identity import load_signer_certificate, signer_certificate_path
    from navtool_desktop.signing.revocation import crl_bytes

    since = _parse_time(args.since) if args.since else None
    cert_passphrase = read_passphrase(args.cert_passphrase_file) if args.cert_passphrase_file else None
    try:
        try:
            cert = load_signer_certificate(args.cert, cert_passphrase)
        except SigningError as exc:
            if exc.reason != "identity_file":
                raise
            raise CommandError(_("{error} Give the signer's certificate that identity create wrote beside it "
                                 "({cer}), or, for an identity made before it did, add --cert-passphrase-file "
                                 "with the signer's passphrase.").format(
                error=exc, cer=signer_certificate_path(args.cert).name)) from None
        root = load_root(args.root, read_passphrase(args.root_passphrase_file))
        path, crl = SigningFolder(signing_dir()).revoke(root, cert, since=since, reason=args.reason)
        if args.out:
            write_new_file(args.out, crl_bytes(crl), overwrite=True)
    except SigningError as exc:
        raise CommandError(str(exc)) from None
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry is not None
    when = entry.revocation_date_utc
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    print(_("Revoked {name} (certificate SHA-256 {fp}) from {when}.").format(
        name=names[0].value if names else "?", fp=fingerprint(cert), when=when.strftime("%Y-%m-%d %H:%M UTC")))
    print(_("Signatures this certificate made before then stay valid; later ones are reported as a certificate "
            "problem."))
    print(_("Revocation list: {file} ({count} revoked)").format(file=path, count=len(list(crl))))
    if args.out:
        print(_("Wrote {file}: send it to recipients (navtool verify --crl {name}).").format(file=args.out,
                                                                                          name=args.out.name))
    return 0


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("NO")


def format_report(report: VerificationReport, roots_from: str = "") -> str:
    """The human-readable ``navtool verify`` report."""
    from navtool_desktop.signing import changes_text, verdict_text

    lines = [_("{file}: {count} signature(s)").format(file=report.file, count=len(report.signatures))]
    if roots_from:
        lines.append(roots_from)
    for n, sig in enumerate(report.signatures, 1):
        verdict = verdict_text(sig.verdict).upper() if not sig.ok else verdict_text(sig.verdict)
        when = sig.signing_time.strftime("%Y-%m-%d %H:%M:%S %Z") if sig.signing_time else "-"
        lines += [
            "",
            _("Signature {n} (field {field}): {verdict}").format(n=n, field=sig.field, verdict=verdict),
            _("  Signer:       {name}").format(name=sig.signer_name or "-"),
            _("  Role:         {role}").format(role=", ".join(p for p in (sig.role, sig.organization) if p) or "-"),
            _("  Signed at:    {when} (from the signer's computer clock; the certificate is checked as of "
              "this time)").format(when=when),
            _("  Fingerprint:  SHA-256 {fp}").format(fp=sig.fingerprint or "-"),
            # a sound signature over altered bytes is no signature a reader can rely on
            _("  Intact: {intact}   Valid: {valid}   Trusted: {trusted}   Certificate: {cert}").format(
                intact=_yes(sig.intact), valid=_yes(sig.valid and sig.intact), trusted=_yes(sig.trusted),
                cert=_("good") if sig.certificate_ok else _("PROBLEM")),
            _("  Changed after signing: {changes}").format(
                changes=changes_text(sig.changes_after) if sig.intact
                else _("the signed content itself was altered")),
        ]
        lines += [_("  ! {problem}").format(problem=p) for p in sig.problems]
        lines += [_("  - {note}").format(note=note) for note in sig.notes]
    if report.changes:
        lines += ["", _("What changed after the first signature:")]
        lines += [_("  * {what}").format(what=c.text) if c.kind == "rendered" else
                  _("  * {what} (in revision {rev})").format(what=c.text, rev=c.revision + 1) for c in report.changes]
    lines += ["", report.summary]
    return "\n".join(lines)


def _roots(args: argparse.Namespace) -> tuple[list[x509.Certificate], str]:
    from navtool_desktop.paths import signing_dir
    from navtool_desktop.signing import fingerprint, load_certificate
    from navtool_desktop.signing.folder import SigningFolder

    if args.trust:
        roots = [load_certificate(path) for path in args.trust]
        source = _("Trusted roots: {files}").format(files=", ".join(p.name for p in args.trust))
    else:
        folder = signing_dir()
        roots = SigningFolder(folder).trust_roots()
        source = (_("Trusted roots: the district roots kept in {folder}: {fps}").format(
            folder=folder, fps="; ".join(fingerprint(r) for r in roots)) if roots else
            _("No trusted root: none given with --trust and none kept in {folder}.").format(folder=folder))
    return roots, source


def _verify(args: argparse.Namespace) -> int:
    from navtool_desktop.paths import signing_dir
    from navtool_desktop.signing import EXIT_UNREADABLE, SigningError, verify_pdf
    from navtool_desktop.signing.folder import SigningFolder
    from navtool_desktop.signing.revocation import load_crl

    try:
        roots, source = _roots(args)
        crls = SigningFolder(signing_dir()).revocation_lists()
        for path in args.crl:
            from navtool_desktop.signing.files import read_file

            crls.append(load_crl(read_file(path), path.name))
        report = verify_pdf(args.pdf, roots, crls=crls)
    except SigningError as exc:
        if args.json:
            json.dump({"file": str(args.pdf), "ok": False, "verdict": "unreadable", "exit_code": EXIT_UNREADABLE,
                       "error": str(exc), "reason": exc.reason}, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print(_("navtool: {message}").format(message=exc), file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        data = report.to_json()
        data["trust_source"] = source
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_report(report, source))
    return report.exit_code
