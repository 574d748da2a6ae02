"""``navtool network``: a coach's workspace of district summaries (import, list, release a pin)."""

from __future__ import annotations

import argparse
from pathlib import Path

from navtool_desktop import paths
from navtool_desktop.commands import agenda as agenda_commands
from navtool_desktop.commands.common import CommandError, load_default_pack
from navtool_desktop.i18n import _


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    net = sub.add_parser("network", help=_("a coach's or network's workspace of district summaries"))
    net.add_argument("--workspace", type=Path, metavar="FOLDER",
                     help=_("the workspace folder (default: \u201cnetwork\u201d in the data folder)"))
    actions = net.add_subparsers(dest="network_command", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help=_("import .navsummary files from a folder (or one file)"))
    imp.add_argument("source", type=Path, metavar="FILE|FOLDER")
    imp.set_defaults(handler=_import)
    listing = actions.add_parser("list", help=_("list the districts, their pinned roots and cycles"))
    listing.set_defaults(handler=_list)
    release = actions.add_parser("release-pin", help=_(
        "forget a district's pinned root and its summaries, after confirming its new root by phone"))
    release.add_argument("district", metavar="ID")
    release.set_defaults(handler=_release)
    agenda_commands.register_network(actions)  # the agenda and support plans: commands/agenda.py


def _folder(args: argparse.Namespace) -> Path:
    return args.workspace if args.workspace is not None else paths.network_dir()


def _import(args: argparse.Namespace) -> int:
    from navtool_desktop.network.workspace import Workspace, WorkspaceError

    if not args.source.exists():
        raise CommandError(_("{file} does not exist").format(file=args.source))
    try:
        with Workspace(_folder(args), load_default_pack()) as ws:
            report = (ws.import_folder(args.source) if args.source.is_dir()
                      else ws.import_paths([args.source]))
    except WorkspaceError as exc:
        raise CommandError(str(exc)) from None
    words = {"added": _("added"), "updated": _("updated"), "unchanged": _("unchanged"), "refused": _("REFUSED")}
    for o in report.outcomes:
        print(f"{words[o.status]:<10} {o.file}" + (f"  ({o.district})" if o.district else "")
              + (f"\n           {o.message}" if o.message else ""))
    if not report.outcomes:
        print(_("No .navsummary files were found in {folder}.").format(folder=args.source))
        return 1
    print(_("{added} added, {updated} updated, {same} unchanged, {refused} refused").format(
        added=report.count("added"), updated=report.count("updated"), same=report.count("unchanged"),
        refused=report.count("refused")))
    return 1 if report.count("refused") else 0


def _list(args: argparse.Namespace) -> int:
    from navtool_desktop.network.workspace import Workspace, WorkspaceError

    try:
        with Workspace(_folder(args), load_default_pack()) as ws:
            rows = ws.districts()
    except WorkspaceError as exc:
        raise CommandError(str(exc)) from None
    for d in rows:
        print(f"{d.id}  {d.name} ({d.state})  " + _("{n} cycles, summary of {when}, root {fp}").format(
            n=d.cycles, when=d.made_at, fp=d.root_fingerprint))
    return 0


def _release(args: argparse.Namespace) -> int:
    from navtool_desktop.network.workspace import Workspace, WorkspaceError

    try:
        with Workspace(_folder(args), load_default_pack()) as ws:
            if args.district not in {d.id for d in ws.districts()}:
                raise CommandError(_("no district {id} in this workspace").format(id=args.district))
            ws.release_pin(args.district)
    except WorkspaceError as exc:
        raise CommandError(str(exc)) from None
    print(_("Released: the next summary from {id} pins its root again.").format(id=args.district))
    return 0
