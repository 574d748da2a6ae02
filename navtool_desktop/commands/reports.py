"""``navtool export-plan|export-progress|export-report|rating-sheet``: the district's PDF documents, headless.

Every PDF is written atomically (a temporary file beside it, then renamed). The plan and the
reports get their accessible HTML version beside them (same name, ending in .html), whose
SHA-256 the PDF prints. An existing PDF is replaced only when it is not signed, or with
``--force``: a signed plan is never lost by accident.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from navtool_desktop import paths
from navtool_desktop.commands.common import CommandError, passphrase_file_help
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from navtool_desktop.framework import Pack
    from navtool_desktop.storage import DistrictStore

T = TypeVar("T")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    plan = sub.add_parser("export-plan", help=_("write the strategic action plan as a PDF, signed if asked"),
                          description=_("Writes the plan for adoption with its approval page: one signature "
                                        "box per signer role the plan sets (fields signer-1-superintendent, "
                                        "...), and the district root's fingerprint from the signing folder. "
                                        "With --sign, that signer signs the box of the certificate's role "
                                        "(or the one --box names) at once; the others sign in turn with "
                                        "\u201cnavtool sign\u201d. A box labelled for someone else is "
                                        "signed only with \u201cnavtool sign --box ROLE --force\u201d."))
    plan.add_argument("--plan", metavar="ID",
                      help=_("plan id (default: the latest approved plan, else the latest draft)"))
    plan.add_argument("--sign", type=Path, metavar="FILE.p12", help=_("sign with this identity"))
    plan.add_argument("--passphrase-file", type=Path, metavar="F",
                      help=passphrase_file_help(_("the identity's passphrase, in this file (with --sign)")))
    plan.add_argument("--box", metavar="ROLE",
                      help=_("with --sign: the box to sign, by role (default: the certificate's role)"))
    plan.set_defaults(handler=_export_plan)

    progress = sub.add_parser("export-progress", help=_("write a progress report on the plan as a PDF"),
                              description=_("Writes the board's progress report on a plan: each numbered "
                                            "action's status and latest note, the overdue actions and each "
                                            "goal's latest result against its target, as of the report date "
                                            "(today, or --date). The adopted plan itself holds none of this."))
    progress.add_argument("--plan", metavar="ID",
                          help=_("plan id (default: the latest approved plan, else the latest draft)"))
    progress.add_argument("--date", type=date.fromisoformat, metavar="YYYY-MM-DD",
                          help=_("the report date: notes and results after it are left out (default: today)"))
    progress.set_defaults(handler=_export_progress)

    report = sub.add_parser("export-report", help=_("write a cycle's assessment report as a PDF"))
    report.set_defaults(handler=_export_report)

    sheet = sub.add_parser("rating-sheet", help=_("write a printable rating sheet for a cycle"))
    sheet.add_argument("--compact", action="store_true",
                       help=_("one line per competency with the level boxes (print the level descriptions "
                              "with --handout)"))
    sheet.add_argument("--handout", action="store_true",
                       help=_("the level descriptions only, to hand out with the compact sheet"))
    sheet.set_defaults(handler=_rating_sheet)

    for cmd in (plan, progress, report, sheet):
        cmd.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help=_("where to write the PDF"))
        cmd.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
        cmd.add_argument("--force", action="store_true", help=_("replace the output even if it is a signed PDF"))
        cmd.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    for cmd in (report, sheet):
        cmd.add_argument("--cycle", metavar="ID", default="latest",
                         help=_("cycle id, or \u201clatest\u201d (the default)"))


def write_pdf(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` atomically; refuse to replace a signed PDF unless ``force``."""
    from navtool_desktop.signing import SigningError
    from navtool_desktop.signing.files import is_signed_pdf, write_new_file

    if path.is_dir():
        raise CommandError(_("{file} is a folder").format(file=path))
    if not force and is_signed_pdf(path):
        raise CommandError(_("{file} is a signed PDF; use --force to replace it").format(file=path))
    try:
        write_new_file(path, data, overwrite=True)
    except SigningError as exc:
        raise CommandError(str(exc)) from None


def write_twin(pdf_path: Path, html_text: str) -> None:
    """Write a PDF's accessible HTML twin beside it (replacing an older one) and say so."""
    from navtool_desktop.reports.twin import save_twin, sha256
    from navtool_desktop.signing import SigningError

    try:
        path = save_twin(pdf_path, html_text)
    except SigningError as exc:
        raise CommandError(str(exc)) from None
    print(_("wrote {file}: the accessible HTML version, SHA-256 {sha256} (printed in the PDF)")
          .format(file=path, sha256=sha256(html_text)))


def _with_store(args: argparse.Namespace, job: Callable[[Pack, DistrictStore], T]) -> T:
    from navtool_desktop.commands.common import load_default_pack, open_district
    from navtool_desktop.reports.data import ReportInputError
    from navtool_desktop.storage import Repository, StoreError

    pack = load_default_pack()
    try:
        with Repository(paths.data_dir(), read_only=True) as repo:
            store = open_district(repo, args.district)
            return job(pack, store)
    except (StoreError, ReportInputError) as exc:
        raise CommandError(str(exc)) from None


def _export_plan(args: argparse.Namespace) -> int:
    from navtool_desktop.reports.data import load_plan
    from navtool_desktop.reports.plan import render_plan
    from navtool_desktop.reports.signed import sign_rendered, with_district_root, with_signer
    from navtool_desktop.signing import SigningError, load_identity

    identity = None
    if args.box and not args.sign:
        raise CommandError(_("--box needs --sign"))
    if args.sign:
        if not args.passphrase_file:
            raise CommandError(_("--sign needs --passphrase-file"))
        from navtool_desktop.commands.common import read_passphrase

        try:
            identity = load_identity(args.sign, read_passphrase(args.passphrase_file))
        except SigningError as exc:
            raise CommandError(str(exc)) from None
    data = _with_store(args, lambda pack, store: (pack, load_plan(store, pack, args.plan, today=args.today)))
    pack, plan_input = data
    plan_input = with_district_root(plan_input)
    slot = 0
    try:
        if identity is not None:
            plan_input, slot = with_signer(plan_input, identity, args.box)
        rendered = render_plan(pack, plan_input)
        pdf = rendered.pdf
        if identity is not None:
            pdf = sign_rendered(pdf, identity, slot, plan_input.district.name)
    except SigningError as exc:
        if exc.reason == "wrong_box":
            raise CommandError(_("{error} To stand in, export the plan without --sign, then sign it with "
                                 "\u201cnavtool sign --box ROLE --force\u201d.").format(error=exc)) from None
        raise CommandError(str(exc)) from None
    write_pdf(args.out, pdf, force=args.force)
    write_twin(args.out, rendered.twin)
    page = rendered.approval_page
    print(_("wrote {file}: {title}, approval on page {page}").format(file=args.out, title=plan_input.plan.title,
                                                                      page=page))
    labels = {field: (role, name) for field, role, name in rendered.labels}
    for n, (name, box) in enumerate(rendered.boxes, start=1):
        role, who = labels.get(name, ("", ""))
        state = _("signed") if identity is not None and n == slot else _("empty")
        print(f"  {name}: {role} {who}".rstrip() + " " + _("({state}) page {page} at {where}").format(
            state=state, page=box.page, where=f"{box.x1:g},{box.y1:g},{box.x2:g},{box.y2:g}"))
    if not plan_input.root_fingerprint:
        print(_("No district root certificate in the signing folder: the approval page asks readers to get "
                "its fingerprint from the district."))
    return 0


def _export_progress(args: argparse.Namespace) -> int:
    from navtool_desktop.reports.data import load_plan
    from navtool_desktop.reports.progress import render_progress_with_twin

    day = args.date or args.today

    def job(pack: Pack, store: DistrictStore) -> tuple[tuple[bytes, str], str]:
        data = load_plan(store, pack, args.plan, today=day)
        return render_progress_with_twin(pack, data), data.plan.title

    (pdf, twin), title = _with_store(args, job)
    write_pdf(args.out, pdf, force=args.force)
    write_twin(args.out, twin)
    print(_("wrote {file}: progress report on {plan}").format(file=args.out, plan=title))
    return 0


def _export_report(args: argparse.Namespace) -> int:
    from navtool_desktop.reports.data import load_report
    from navtool_desktop.reports.report import render_report_with_twin

    def job(pack: Pack, store: DistrictStore) -> tuple[tuple[bytes, str], str]:
        data = load_report(store, pack, args.cycle, today=args.today)
        return render_report_with_twin(pack, data), data.results.cycle.title

    (pdf, twin), title = _with_store(args, job)
    write_pdf(args.out, pdf, force=args.force)
    write_twin(args.out, twin)
    print(_("wrote {file}: assessment report of {cycle}").format(file=args.out, cycle=title))
    return 0


def _rating_sheet(args: argparse.Namespace) -> int:
    from navtool_desktop.reports.data import pick_cycle
    from navtool_desktop.reports.sheet import render_rating_sheet

    def job(pack: Pack, store: DistrictStore) -> tuple[bytes, str]:
        cycle = pick_cycle(store.cycles(), args.cycle)
        return render_rating_sheet(pack, store.profile, cycle, compact=args.compact,
                                   handout=args.handout), cycle.title

    if args.compact and args.handout:
        raise CommandError(_("choose --compact or --handout, not both"))

    pdf, title = _with_store(args, job)
    write_pdf(args.out, pdf, force=args.force)
    print(_("wrote {file}: rating sheet of {cycle}").format(file=args.out, cycle=title))
    return 0
