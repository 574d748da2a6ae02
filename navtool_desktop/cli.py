"""The ``navtool`` command: starts the app, or does one job headless.

Each area keeps its subcommands in ``navtool_desktop/commands/<area>.py`` with a
``register(subparsers)`` function; the modules import heavy libraries only inside
their handlers, so ``navtool --version`` and the GUI start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Sequence

from navtool_desktop import __version__, i18n, paths
from navtool_desktop.commands.common import CommandError
from navtool_desktop.i18n import _

#: Subcommand modules, in the order their commands are listed in ``--help``.
COMMAND_MODULES: tuple[str, ...] = ("framework", "store", "cycles", "results", "signing", "plan", "reports",
                                    "exchange", "phones", "network", "agenda")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="navtool",
        description=_("Navigation Tool Desktop. With no command, the app opens."),
    )
    parser.add_argument("--version", action="store_true", help=_("print the version and exit"))
    parser.add_argument(
        "--verbose",
        action="store_true",
        help=_("with --version: also the versions of Python, Qt and the libraries, and the build's lock hash"),
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_("folder for your districts' data (default: ${env} or the system's app data folder)")
        .format(env=paths.DATA_DIR_ENV)
        .replace("$", ""),
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        choices=sorted(i18n.LANGUAGES),
        help=_("the language of the app and its files: {choices} (default: the one chosen in "
               "Preferences, else the system's)").format(choices=", ".join(sorted(i18n.LANGUAGES))),
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


#: Where a built copy records what it was built from (written by build/navtool.spec).
BUILD_INFO = "build_info.json"
#: The lock file a bundle is built from (``make bundle`` installs it with --require-hashes).
BUNDLE_LOCK = "requirements/bundle.txt"


def version_lines(verbose: bool) -> list[str]:
    """``navtool --version`` [``--verbose``]: what this copy is, for a district's IT."""
    lines = [f"navtool {__version__}"]
    if not verbose:
        return lines
    import hashlib
    import json
    import platform

    import cryptography
    import reportlab
    import tinydb
    from pyhanko import version as pyhanko_version
    from pyhanko_certvalidator import version as certvalidator_version
    from PySide6 import QtCore
    from PySide6 import __version__ as pyside_version

    lines += [
        f"Python {platform.python_version()} ({platform.python_implementation()}, {sys.platform} "
        f"{platform.machine()})",
        f"Qt {QtCore.qVersion()} (PySide6 {pyside_version})",
        f"ReportLab {reportlab.Version}",
        f"pyHanko {pyhanko_version.__version__} (certvalidator {certvalidator_version.__version__})",
        f"TinyDB {tinydb.__version__}",
        f"cryptography {cryptography.__version__}",
    ]
    info_file = paths.bundle_root() / BUILD_INFO
    lock = paths.bundle_root() / BUNDLE_LOCK
    if info_file.is_file():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        lines.append(_("built from {lock}, SHA-256 {digest}").format(lock=info["lock"], digest=info["lock_sha256"]))
    elif lock.is_file():
        digest = hashlib.sha256(lock.read_bytes()).hexdigest()
        lines.append(_("not a built copy (source); {lock} SHA-256 {digest}").format(lock=BUNDLE_LOCK, digest=digest))
    else:
        lines.append(_("lock hash unknown: this copy has no build record"))
    return lines


def early_option(argv: Sequence[str], name: str) -> str | None:
    """``name X`` or ``name=X`` from the command line, read before the parser is built: the
    language (``--lang``, and ``--data-dir`` where Preferences keep it) translates its help."""
    for at, word in enumerate(argv):
        if word == name and at + 1 < len(argv):
            return argv[at + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
        if word == "--":
            break
    return None


def without_option(argv: Sequence[str], name: str) -> list[str]:
    """The command line less ``name X`` / ``name=X``, so ``--lang`` may follow any command
    (``navtool rating-sheet --lang es``); :func:`early_option` has read it."""
    out: list[str] = []
    skip = False
    for at, word in enumerate(argv):
        if skip:
            skip = False
        elif word == "--":
            out += argv[at:]
            break
        elif word == name:
            skip = True
        elif not word.startswith(name + "="):
            out.append(word)
    return out


def _tolerant_output() -> None:
    """A name the terminal's encoding cannot show (Vietnamese or Chinese under Latin-1) prints
    as "?" instead of stopping the command with a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    words = list(sys.argv[1:] if argv is None else argv)
    data_dir = early_option(words, "--data-dir")
    if data_dir:
        paths.set_data_dir(data_dir)
    lang = early_option(words, "--lang")
    i18n.set_language(i18n.resolve_language(lang))
    parser = build_parser()
    if (lang is not None and lang not in i18n.LANGUAGES) or (words and words[-1] == "--lang"):
        parser.error(_("--lang takes one of: {choices}").format(choices=", ".join(sorted(i18n.LANGUAGES))))
    args = parser.parse_args(without_option(words, "--lang"))
    if args.version:
        print("\n".join(version_lines(args.verbose)))
        return 0
    if args.verbose:
        parser.error(_("--verbose goes with --version"))
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
    # As ``python -m navtool_desktop.cli`` this module is ``__main__``, a second copy: run
    # the imported one, whose CommandError is the one the commands raise.
    from navtool_desktop.cli import main as imported_main

    sys.exit(imported_main())
