"""``navtool bundle export|import``, ``navtool export-csv`` and ``navtool export-xlsx``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from navtool_desktop import paths
from navtool_desktop.commands.common import (
    CommandError,
    load_default_pack,
    open_district,
    passphrase_file_help,
    read_passphrase,
)
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from navtool_desktop.storage import DistrictStore

LATEST = "latest"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bundle = sub.add_parser("bundle", help=_("export or import .navtool bundles between laptops"))
    actions = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help=_("write a bundle of responses, a cycle or a district"))
    export.add_argument("--kind", choices=("participant", "cycle", "district", "summary"), required=True,
                        help=_("summary: the district's results under the privacy rule and its plan's goals, "
                               "signed, for a coach or network (needs --identity)"))
    export.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
    export.add_argument("--cycle", metavar="ID", help=_("cycle id, or \u201clatest\u201d"))
    export.add_argument("--participant", metavar="ID", help=_("participant id (for --kind participant)"))
    export.add_argument("--passphrase-file", type=Path, metavar="F",
                        help=passphrase_file_help(_("protect the bundle with the passphrase in this file "
                                                    "(needed when it carries ratings or written answers)")))
    export.add_argument("--no-passphrase", action="store_true",
                        help=_("write ratings or written answers unprotected (anyone with the "
                               "file can read them)"))
    export.add_argument("--with-answers", action="store_true",
                        help=_("cycle and district bundles: carry every person's ratings, written "
                               "answers and paper tallies (to merge laptops); without it only the "
                               "participant list, consensus and plans travel"))
    export.add_argument("--identity", type=Path, metavar="FILE.p12",
                        help=_("--kind summary: sign with this signer's (or the district root's) .p12"))
    export.add_argument("--identity-passphrase-file", type=Path, metavar="F",
                        help=passphrase_file_help(_("the identity's passphrase, in this file")))
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.set_defaults(handler=_export)
    imp = actions.add_parser("import", help=_("import a bundle file or a folder of them"))
    imp.add_argument("source", type=Path, metavar="FILE|FOLDER")
    imp.add_argument("--dry-run", action="store_true", help=_("check and report; change nothing"))
    imp.add_argument("--passphrase-file", type=Path, metavar="F",
                     help=passphrase_file_help(_("the passphrase of protected bundles, in this file")))
    imp.set_defaults(handler=_import)
    for fmt in ("csv", "xlsx"):
        table = sub.add_parser(f"export-{fmt}", help=_("export a cycle's ratings or the plan's actions "
                                                       "as {fmt}").format(fmt=fmt.upper()))
        table.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
        table.add_argument("--cycle", metavar="ID", default=LATEST,
                           help=_("cycle id, or \u201clatest\u201d (the default)"))
        table.add_argument("--what", choices=("ratings", "summary", "actions"), default="ratings",
                           help=_("ratings: every person's answers (raw data); summary: counts "
                                  "with small groups hidden; actions: the plans' actions"))
        table.add_argument("--out", type=Path, required=True, metavar="FILE")
        table.set_defaults(handler=_export_table, fmt=fmt)


def _passphrase(path: Path | None) -> str | None:
    return read_passphrase(path) if path is not None else None


def _cycle_id(store: DistrictStore, wanted: str | None) -> str | None:
    if wanted != LATEST:
        return wanted
    cycles = store.cycles()
    if not cycles:
        raise CommandError(_("the district \u201c{name}\u201d has no cycles yet").format(name=store.profile.name))
    return cycles[-1].id


def _export(args: argparse.Namespace) -> int:
    from navtool_desktop.exchange import BundleError, export_bundle
    from navtool_desktop.storage import Repository, StoreError

    if args.kind == "summary":
        return _export_summary(args)
    pack = load_default_pack()
    passphrase = _passphrase(args.passphrase_file)
    if args.kind != "district" and not args.cycle:
        raise CommandError(_("say which cycle with --cycle ID (or latest)"))
    if args.kind == "participant" and not args.participant:
        raise CommandError(_("say whose responses with --participant ID"))
    if passphrase and args.no_passphrase:
        raise CommandError(_("choose --passphrase-file or --no-passphrase, not both"))
    try:
        with Repository(paths.data_dir(), read_only=True) as repo:
            store = open_district(repo, args.district)
            cycle_id = _cycle_id(store, args.cycle) if args.kind != "district" else None
            export_bundle(store, pack, args.kind, args.out, cycle_id=cycle_id,
                          participant_id=args.participant, passphrase=passphrase,
                          answers=args.with_answers, unprotected_ok=args.no_passphrase,
                          how=_("Give one with --passphrase-file F, or write it unprotected with "
                                "--no-passphrase."))
    except (StoreError, BundleError) as exc:
        raise CommandError(str(exc)) from None
    print(_("Wrote {file}").format(file=args.out))
    return 0


def _export_summary(args: argparse.Namespace) -> int:
    from navtool_desktop.fileio import write_file
    from navtool_desktop.network.summary import SummaryError, build_summary, seal, what_leaves
    from navtool_desktop.signing import SigningError, load_identity
    from navtool_desktop.storage import Repository, StoreError

    if args.identity is None or args.identity_passphrase_file is None:
        raise CommandError(_("a summary is signed: give --identity FILE.p12 and --identity-passphrase-file F"))
    pack = load_default_pack()
    try:
        identity = load_identity(args.identity, read_passphrase(args.identity_passphrase_file))
        with Repository(paths.data_dir(), read_only=True) as repo:
            summary = build_summary(open_district(repo, args.district), pack)
        write_file(args.out, seal(summary, identity))
    except (StoreError, SigningError, SummaryError, OSError) as exc:
        raise CommandError(str(exc)) from None
    print(_("Wrote {file}, signed by {name}. It holds:").format(file=args.out, name=identity.name))
    print("\n".join(f"  - {line}" for line in what_leaves(summary)))
    return 0


def _import(args: argparse.Namespace) -> int:
    from navtool_desktop.exchange import BundleError, merge_bundles, read_paths
    from navtool_desktop.exchange.files import tally_warnings
    from navtool_desktop.storage import Repository, StoreError

    pack = load_default_pack()
    passphrase = _passphrase(args.passphrase_file)
    if not args.source.exists():
        raise CommandError(_("{file} does not exist").format(file=args.source))
    try:
        with Repository(paths.data_dir(), read_only=args.dry_run) as repo:
            checked = read_paths([args.source], pack, passphrase=passphrase)
            summary = merge_bundles(repo, pack, checked, dry_run=args.dry_run)
    except (StoreError, BundleError) as exc:
        raise CommandError(str(exc)) from None
    print(summary.text(), end="")
    accepted = set(summary.imported)
    warnings = tally_warnings([c for c in checked if c.source in accepted], pack)
    if warnings:
        print("\n" + _("Check these counts:"))
        print("\n".join(f"  - {line}" for line in warnings))
    if not summary.imported and not summary.refused:
        print(_("No .navtool files were found in {folder}.").format(folder=args.source))
        return 1
    return 0 if summary.ok else 1


def _export_table(args: argparse.Namespace) -> int:
    from navtool_desktop.exchange import BundleError
    from navtool_desktop.exchange.tables import export_table
    from navtool_desktop.storage import Repository, StoreError

    pack = load_default_pack()
    try:
        with Repository(paths.data_dir(), read_only=True) as repo:
            store = open_district(repo, args.district)
            cycle_id = _cycle_id(store, args.cycle) if args.what != "actions" else None
            if cycle_id is not None:
                store.get_cycle(cycle_id)
            count = export_table(store, pack, args.out, what=args.what, cycle_id=cycle_id,
                                 fmt=args.fmt)
    except (StoreError, BundleError) as exc:
        raise CommandError(str(exc)) from None
    print(_("Wrote {count} rows to {file}").format(count=count, file=args.out))
    return 0
