"""The ``navtool`` command: starts the app, or does one job headless.

Each area keeps its subcommands in ``navtool_desktop/commands/<area>.py`` with a
``register(subparsers)`` function; the modules import heavy libraries only inside
their handlers, so ``navtool --version`` and the GUI start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from navtool_desktop import __version__, paths
from navtool_desktop.i18n import _

#: Subcommand modules, in the order their commands are listed in ``--help``.
COMMAND_MODULES: tuple[str, ...] = ("framework", "store", "cycles", "results", "signing", "plan", "reports",
                                    "exchange")


class CommandError(Exception):
    """A failure to report in one line (exit status 1), never as a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="navtool",
        description=_("Navigation Tool Desktop. With no command, the app opens."),
    )
    parser.add_argument("--version", action="version", version=f"navtool {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_("folder for your districts' data (default: ${env} or the system's app data folder)")
        .format(env=paths.DATA_DIR_ENV)
        .replace("$", ""),
    )
    parser.add_argument(
        "--exit-when-shown",
        action="store_true",
        help=argparse.SUPPRESS,  # used by the launch benchmark
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check that this copy of the app works (in a temporary folder) and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"navtool_desktop.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    if args.self_test:
        from navtool_desktop.selftest import run

        return run()
    if args.command is None:
        from navtool_desktop.ui.app import run_gui

        return run_gui(exit_when_shown=args.exit_when_shown)
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(_("navtool: {message}").format(message=exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
