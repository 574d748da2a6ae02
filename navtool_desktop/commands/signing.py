"""``navtool identity create|show``, ``navtool sign`` and ``navtool verify``: signed plans, headless.

Where ``navtool sign`` writes, so that no file is ever replaced by surprise:

* ``--out FILE``: there; an existing FILE only with ``--overwrite``.
* ``--in-place``: the input itself, replaced atomically (the next signer's usual choice).
* neither: ``NAME-signed.pdf`` beside an unsigned ``NAME.pdf`` (never replacing one); for a
  PDF that is already signed (or named ``*-signed.pdf``) one of the two options is required.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from navtool_desktop.cli import CommandError
from navtool_desktop.commands.common import read_passphrase
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from navtool_desktop.signing import Identity, VerificationReport

SIGNED_SUFFIX = "-signed"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ident = sub.add_parser("identity", help=_("create or show a signing identity (.p12)"))
    ident_sub = ident.add_subparsers(dest="identity_command", metavar="ACTION", required=True)

    create = ident_sub.add_parser(
        "create",
        help=_("create a signer identity, with a new district root or issued by an existing one"),
        description=_("Creates a signer's .p12 (key, certificate and the district root certificate). "
                      "Without --root a new district root is made too and saved in its own .p12 "
                      "(keep it offline); with --root the existing root issues the certificate. "
                      "The root certificate is written beside the identity as .cer and .pem for "
                      "recipients to trust."))
    create.add_argument("--name", required=True, help=_("signer's full name"))
    create.add_argument("--role", required=True, help=_("signer's title, for example Superintendent"))
    create.add_argument("--org", help=_("district name (default with --root: the root's district)"))
    create.add_argument("--email", help=_("signer's email address (optional)"))
    create.add_argument("--out", required=True, type=Path, metavar="FILE.p12", help=_("the signer's identity file"))
    create.add_argument("--passphrase-file", required=True, type=Path, metavar="F",
                        help=_("file whose first line is the signer's passphrase ('-' reads standard input)"))
    create.add_argument("--root-out", type=Path, metavar="ROOT.p12",
                        help=_("where to save a new district root (default: FILE-root.p12 beside --out)"))
    create.add_argument("--root", type=Path, metavar="ROOT.p12", help=_("issue from this existing district root"))
    create.add_argument("--root-passphrase-file", type=Path, metavar="F2",
                        help=_("passphrase file of the root (default for a new root: the signer's)"))
    create.add_argument("--overwrite", action="store_true", help=_("replace existing files"))
    create.set_defaults(handler=_create)

    show = ident_sub.add_parser("show", help=_("show who an identity file names and whether it can sign"))
    show.add_argument("file", type=Path, metavar="FILE.p12")
    show.add_argument("--passphrase-file", required=True, type=Path, metavar="F")
    show.set_defaults(handler=_show)

    sign = sub.add_parser("sign", help=_("add a signature to a PDF (the next signer's, if already signed)"),
                          description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    sign.add_argument("pdf", type=Path, metavar="FILE.pdf")
    sign.add_argument("--identity", required=True, type=Path, metavar="FILE.p12")
    sign.add_argument("--passphrase-file", required=True, type=Path, metavar="F")
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

    verify = sub.add_parser("verify", help=_("check every signature of a PDF"),
                            description=_("Exit status 0 only when every signature is intact and valid and "
                                          "nothing but later signatures changed the file; a valid signature "
                                          "from an untrusted certificate still exits 0 and says so."))
    verify.add_argument("pdf", type=Path, metavar="FILE.pdf")
    verify.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT",
                        help=_("a root certificate (.cer/.pem) to trust; repeat for several"))
    verify.add_argument("--json", action="store_true", help=_("print the report as JSON"))
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

    passphrase = read_passphrase(args.passphrase_file)
    root_passphrase = read_passphrase(args.root_passphrase_file) if args.root_passphrase_file else None
    if args.root and args.root_out:
        raise CommandError(_("give --root (issue from an existing root) or --root-out (make a new one), not both"))
    out: Path = args.out
    try:
        if args.root:
            if root_passphrase is None:
                raise CommandError(_("--root needs --root-passphrase-file"))
            root = load_root(args.root, root_passphrase)
            root_out = None
        else:
            if not args.org:
                raise CommandError(_("--org (the district name) is needed to create a district root"))
            root_out = args.root_out or out.with_name(out.stem + "-root.p12")
            for path in (out, root_out):
                if path.exists() and not args.overwrite:
                    raise CommandError(_("{file} already exists; use --overwrite to replace it").format(file=path))
            root = create_root(args.org)
        identity = issue_signer(root, args.name, args.role, args.org, email=args.email)
        save_identity(identity, out, passphrase, overwrite=args.overwrite)
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


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("NO")


def format_report(report: VerificationReport) -> str:
    """The human-readable ``navtool verify`` report."""
    from navtool_desktop.signing import changes_text

    lines = [_("{file}: {count} signature(s)").format(file=report.file, count=len(report.signatures))]
    for n, sig in enumerate(report.signatures, 1):
        verdict = _("valid") if sig.ok else _("NOT VALID")
        trust = _("trusted") if sig.trusted else _("not trusted")
        when = sig.signing_time.strftime("%Y-%m-%d %H:%M:%S %Z") if sig.signing_time else "-"
        lines += [
            "",
            _("Signature {n} (field {field}): {verdict}, {trust}").format(n=n, field=sig.field, verdict=verdict,
                                                                          trust=trust),
            _("  Signer:       {name}").format(name=sig.signer_name or "-"),
            _("  Role:         {role}").format(role=", ".join(p for p in (sig.role, sig.organization) if p) or "-"),
            _("  Signed at:    {when} (as the signer's computer reported it)").format(when=when),
            _("  Fingerprint:  SHA-256 {fp}").format(fp=sig.fingerprint or "-"),
            # a sound signature over altered bytes is no signature a reader can rely on
            _("  Intact: {intact}   Valid: {valid}   Trusted: {trusted}").format(
                intact=_yes(sig.intact), valid=_yes(sig.valid and sig.intact), trusted=_yes(sig.trusted)),
            _("  Changed after signing: {changes}").format(
                changes=changes_text(sig.changes_after) if sig.intact
                else _("the signed content itself was altered")),
        ]
        lines += [_("  ! {problem}").format(problem=p) for p in sig.problems]
    lines += ["", report.summary]
    return "\n".join(lines)


def _verify(args: argparse.Namespace) -> int:
    from navtool_desktop.signing import SigningError, load_certificate, verify_pdf

    try:
        roots = [load_certificate(path) for path in args.trust]
        report = verify_pdf(args.pdf, roots)
    except SigningError as exc:
        if args.json:
            json.dump({"file": str(args.pdf), "ok": False, "error": str(exc), "reason": exc.reason},
                      sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return 1
        raise CommandError(str(exc)) from None
    if args.json:
        json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_report(report))
    return 0 if report.ok else 1
