"""A network's learning agenda and support plans from the command line.

Network side (``navtool network agenda …``, ``navtool network support-plan``): choose anchor
questions, record a meeting, export the signed ``.navagenda`` for the districts, print a
district's support plan PDF. District side (``navtool agenda import|show``): keep the agenda
the network sent, and show it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from navtool_desktop import paths
from navtool_desktop.commands.common import CommandError, load_default_pack, open_district, passphrase_file_help
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from navtool_desktop.framework import Pack
    from navtool_desktop.network.content import NetworkContent
    from navtool_desktop.network.workspace import Workspace


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``navtool agenda``: the district's side."""
    agenda = sub.add_parser("agenda", help=_("keep and show the learning agenda your network sent"))
    actions = agenda.add_subparsers(dest="agenda_command", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help=_("keep a .navagenda file from your network (checks its signature)"))
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
    imp.add_argument("--replace-network-root", action="store_true",
                     help=_("accept an agenda under a new network root, after checking its fingerprint "
                            "with the coach by phone"))
    imp.set_defaults(handler=_district_import)
    show = actions.add_parser("show", help=_("print the agenda this district keeps"))
    show.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
    show.set_defaults(handler=_district_show)


def register_network(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``navtool network agenda …`` and ``navtool network support-plan`` (under ``navtool network``)."""
    agenda = actions.add_parser("agenda", help=_("the network's learning agenda: choose questions, meetings, export"))
    steps = agenda.add_subparsers(dest="agenda_command", metavar="STEP", required=True)
    choose = steps.add_parser("choose", help=_("put an anchor question on the agenda, with local context"))
    choose.add_argument("question", metavar="QUESTION_ID")
    choose.add_argument("--context", default="", help=_("what is particular to this network"))
    choose.set_defaults(handler=_choose)
    meeting = steps.add_parser("meeting", help=_("record a meeting's notes and next steps"))
    meeting.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    meeting.add_argument("--notes", default="")
    meeting.add_argument("--next-steps", default="")
    meeting.set_defaults(handler=_meeting)
    export = steps.add_parser("export", help=_("write the signed agenda for the network's districts"))
    export.add_argument("--identity", type=Path, required=True, metavar="FILE.p12",
                        help=_("sign with this .p12 (the network's root or a signer it issued)"))
    export.add_argument("--identity-passphrase-file", type=Path, required=True, metavar="F",
                        help=passphrase_file_help(_("the identity's passphrase, in this file")))
    export.add_argument("--network", help=_("the network's name (kept for later exports)"))
    export.add_argument("--title", help=_("the agenda's title (kept for later exports)"))
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.set_defaults(handler=_export)
    plan = actions.add_parser("support-plan", help=_("write a district's support plan as a PDF"))
    plan.add_argument("district", metavar="ID")
    plan.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    plan.add_argument("--force", action="store_true", help=_("replace the output even if it is a signed PDF"))
    plan.set_defaults(handler=_support_plan)


def _workspace(args: argparse.Namespace) -> Workspace:
    from navtool_desktop.network.workspace import Workspace

    folder = args.workspace if args.workspace is not None else paths.network_dir()
    return Workspace(folder, load_default_pack())


def _content(pack: Pack) -> NetworkContent:
    from navtool_desktop.network.content import NetworkContentError, load_network_content

    try:
        return load_network_content(pack)
    except NetworkContentError as exc:
        raise CommandError(str(exc)) from None


def _choose(args: argparse.Namespace) -> int:
    from navtool_desktop.network.peer import Agenda
    from navtool_desktop.network.workspace import WorkspaceError

    try:
        with _workspace(args) as ws:
            content = _content(ws.pack)
            Agenda(ws, content).choose(args.question, args.context)
            question = content.question(args.question)
    except WorkspaceError as exc:
        raise CommandError(str(exc)) from None
    print(_("On the agenda: {text}").format(text=question.text))
    return 0


def _meeting(args: argparse.Namespace) -> int:
    from navtool_desktop.network.peer import Agenda, Meeting
    from navtool_desktop.network.workspace import WorkspaceError

    try:
        with _workspace(args) as ws:
            Agenda(ws, _content(ws.pack)).save_meeting(Meeting("", args.date, args.notes, args.next_steps))
    except WorkspaceError as exc:
        raise CommandError(str(exc)) from None
    print(_("Meeting of {date} recorded.").format(date=args.date))
    return 0


def _export(args: argparse.Namespace) -> int:
    from navtool_desktop.commands.common import read_passphrase
    from navtool_desktop.fileio import write_file
    from navtool_desktop.network.agenda_file import AgendaError, build_agenda, seal, what_leaves
    from navtool_desktop.network.peer import Agenda
    from navtool_desktop.network.workspace import WorkspaceError
    from navtool_desktop.signing import SigningError, load_identity

    try:
        identity = load_identity(args.identity, read_passphrase(args.identity_passphrase_file))
        with _workspace(args) as ws:
            agenda = Agenda(ws, _content(ws.pack))
            if args.network is not None:
                agenda.set_network(args.network)
            if args.title is not None:
                agenda.set_title(args.title)
            if not agenda.chosen():
                raise CommandError(_("the agenda has no questions yet: choose some with "
                                     "\u201cnavtool network agenda choose\u201d"))
            data = build_agenda(agenda)
        write_file(args.out, seal(data, identity))
    except (WorkspaceError, SigningError, AgendaError, OSError) as exc:
        raise CommandError(str(exc)) from None
    print(_("Wrote {file}, signed by {name}. It holds:").format(file=args.out, name=identity.name))
    print("\n".join(f"  - {line}" for line in what_leaves(data)))
    return 0


def _support_plan(args: argparse.Namespace) -> int:
    """The support plan PDF and, beside it, its accessible HTML twin (as ``navtool export-plan``)."""
    from navtool_desktop.commands.reports import write_pdf, write_twin
    from navtool_desktop.network.support import support_plan_data
    from navtool_desktop.network.workspace import WorkspaceError
    from navtool_desktop.reports.support_plan import render_support_plan_with_twin

    try:
        with _workspace(args) as ws:
            content = _content(ws.pack)
            if args.district not in {d.id for d in ws.districts()}:
                raise CommandError(_("no district {id} in this workspace").format(id=args.district))
            pdf, twin = render_support_plan_with_twin(support_plan_data(ws, content, args.district))
    except (WorkspaceError, OSError) as exc:
        raise CommandError(str(exc)) from None
    write_pdf(args.out, pdf, force=args.force)
    write_twin(args.out, twin)
    print(_("Wrote {file}").format(file=args.out))
    return 0


def _district_import(args: argparse.Namespace) -> int:
    from navtool_desktop.network.agenda_file import MAX_FILE_BYTES, AgendaError, keep_agenda
    from navtool_desktop.storage import Repository, StoreError

    pack = load_default_pack()
    try:
        with args.file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CommandError(_("{file} cannot be read: {why}").format(file=args.file, why=exc.strerror or exc)) from None
    try:
        with Repository(paths.data_dir()) as repo:
            store = open_district(repo, args.district)
            status, agenda = keep_agenda(store.folder, raw, pack, _content(pack),
                                         replace_root=args.replace_network_root, read_only=store.read_only)
    except (StoreError, AgendaError) as exc:
        raise CommandError(str(exc)) from None
    words = {"added": _("Kept"), "updated": _("Updated"), "unchanged": _("Unchanged (this district already has "
                                                                        "this agenda or a newer one)")}
    print(_("{status}: \u201c{title}\u201d from {network}, signed by {signer}; network root {fp}").format(
        status=words[status], title=agenda.agenda["title"] or _("untitled"),
        network=agenda.agenda["network"] or agenda.root_organization, signer=agenda.signer,
        fp=agenda.root_fingerprint))
    return 0


def _district_show(args: argparse.Namespace) -> int:
    from navtool_desktop.network.agenda_file import AgendaError, kept_agenda
    from navtool_desktop.storage import Repository, StoreError

    pack = load_default_pack()
    try:
        with Repository(paths.data_dir(), read_only=True) as repo:
            store = open_district(repo, args.district)
            content = _content(pack)
            agenda = kept_agenda(store.folder, pack, content)
    except (StoreError, AgendaError) as exc:
        raise CommandError(str(exc)) from None
    if agenda is None:
        print(_("This district has no network agenda yet."))
        return 0
    a = agenda.agenda
    print(_("{title} ({network}), made {when}").format(title=a["title"] or _("untitled"),
                                                       network=a["network"] or agenda.root_organization,
                                                       when=agenda.made_at))
    for n, q in enumerate(a["questions"], start=1):
        print(f"{n}. {content.question(q['id']).text}")  # in this laptop's language, by its id
        if q["context"]:
            print("   " + _("Local context: {text}").format(text=q["context"]))
    for m in a["meetings"]:
        print(_("Meeting {date}: {notes} Next steps: {steps}").format(date=m["date"], notes=m["notes"],
                                                                      steps=m["next_steps"]))
    return 0
