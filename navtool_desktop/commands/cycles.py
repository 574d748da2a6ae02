"""``navtool cycle list|close|reopen``: a cycle's status, headless.

A closed cycle takes no change, from this laptop or from any bundle; reopening it is the
one explicit way back.
"""

from __future__ import annotations

import argparse

from navtool_desktop import paths
from navtool_desktop.commands.common import CommandError
from navtool_desktop.i18n import _

LATEST = "latest"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser("cycle", help=_("list the cycles, or close or reopen one"))
    cmd.add_argument("action", choices=("list", "close", "reopen"),
                     help=_("list, close or reopen"))
    cmd.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
    cmd.add_argument("--cycle", metavar="ID", default=LATEST,
                     help=_("cycle id, or \u201clatest\u201d (the default)"))
    cmd.set_defaults(handler=_cycle)


def _cycle(args: argparse.Namespace) -> int:
    from navtool_desktop.commands.common import open_district
    from navtool_desktop.storage import Repository, StoreError

    try:
        with Repository(paths.data_dir(), read_only=args.action == "list") as repo:
            store = open_district(repo, args.district)
            cycles = store.cycles()
            if args.action == "list":
                for cycle in cycles:
                    status = _("closed") if cycle.status == "closed" else _("open")
                    print(f"{cycle.id}  {cycle.date}  {status:8}  {cycle.title}")
                return 0
            if not cycles:
                raise CommandError(_("the district \u201c{name}\u201d has no cycles yet")
                                   .format(name=store.profile.name))
            cycle = cycles[-1] if args.cycle == LATEST else store.get_cycle(args.cycle)
            status = "closed" if args.action == "close" else "open"
            if cycle.status == status:
                print(_("The cycle \u201c{title}\u201d is already {status}.").format(
                    title=cycle.title, status=_("closed") if status == "closed" else _("open")))
                return 0
            store.save_cycle(cycle.replace(status=status))
            print((_("Closed \u201c{title}\u201d: it takes no more changes, from here or from "
                     "any bundle.") if status == "closed" else
                   _("Reopened \u201c{title}\u201d: it takes changes again.")).format(
                title=cycle.title))
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    return 0
