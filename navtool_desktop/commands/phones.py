"""``navtool serve``: phone rating without a window (a second machine, tests).

The same server as the app's "Rate on phones" panel; this command's main thread is the
single writer (it drains the save desk the way the app's GUI timer does). Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import threading

from navtool_desktop import paths
from navtool_desktop.commands.common import CommandError
from navtool_desktop.i18n import _

LATEST = "latest"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser("serve", help=_("let phones in the room rate a cycle (local network; Ctrl+C stops)"))
    cmd.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
    cmd.add_argument("--cycle", metavar="ID", default=LATEST,
                     help=_("cycle id, or \u201clatest\u201d (the default)"))
    cmd.add_argument("--bind", metavar="ADDRESS", required=True,
                     help=_("this computer's address on the room's network (127.0.0.1: this computer only)"))
    cmd.add_argument("--port", metavar="N", type=int, default=0, help=_("port (default: a free one)"))
    cmd.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from navtool_desktop.commands.common import load_default_pack, open_district
    from navtool_desktop.errors import UserFacingError
    from navtool_desktop.phones import PhoneServer, PinBook, SaveDesk, snapshot_room, store_writer
    from navtool_desktop.phones.keys import CycleLock, forget_keys, load_keys, running_elsewhere, save_keys
    from navtool_desktop.storage import Repository, StoreError, StoreLockedError

    if not 0 <= args.port <= 65535:
        raise CommandError(_("the port is a number from 1 to 65535"))
    pack = load_default_pack()
    stopped = threading.Event()
    try:
        try:
            repo = Repository(paths.data_dir())
        except StoreLockedError as exc:
            # the app has the data open: if it is serving phones, say that plainly
            raise CommandError(" ".join(running_elsewhere(paths.data_dir())) or str(exc)) from None
        with repo:
            store = open_district(repo, args.district)
            cycles = store.cycles()
            if not cycles:
                raise CommandError(_("the district has no cycles yet"))
            cycle = cycles[-1] if args.cycle == LATEST else store.get_cycle(args.cycle)
            if cycle.status != "open":
                forget_keys(store, cycle.id)  # rating closed with the cycle: codes and PINs go
                raise CommandError(_("the cycle \u201c{title}\u201d is closed").format(title=cycle.title))
            lock = CycleLock(store, cycle.id)
            lock.acquire(cycle.title)  # one server per cycle
            desk = SaveDesk()
            # PINs and personal codes set before (here or in the app) still hold
            pins = PinBook.restore(load_keys(store, cycle.id))
            last = pins.session
            port = args.port or (int(last.get("port", 0)) if last.get("host") == args.bind else 0)
            try:
                server = PhoneServer(pack, snapshot_room(store, cycle.id, pack), desk, host=args.bind,
                                     port=port, pins=pins, join_code=str(last.get("join_code", "")) or None)
                url = server.start()
            except UserFacingError:
                if args.port or not port:
                    raise
                server = PhoneServer(pack, snapshot_room(store, cycle.id, pack), desk, host=args.bind,
                                     pins=pins)
                url = server.start()  # the old port is taken: a new address
            pins.session = {"join_code": server.join_code, "host": args.bind, "port": server.port}
            save_keys(store, cycle.id, pins.saved())
            lock.note(url)
            print(_("Phones can rate \u201c{title}\u201d at {url} (join code {code}). "
                    "Ctrl+C stops.").format(title=cycle.title, url=url, code=server.join_code),
                  flush=True)
            write = store_writer(store, cycle.id)
            try:
                while not stopped.wait(0.02):
                    desk.drain(write)
            except KeyboardInterrupt:
                pass
            finally:
                desk.drain(write)
                server.stop()
                lock.release()
                print(_("Stopped; nothing is listening."), flush=True)
    except (StoreError, UserFacingError) as exc:
        raise CommandError(str(exc)) from None
    return 0
