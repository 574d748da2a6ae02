"""``navtool demo|check|backup|restore``: the data folder's jobs, headless."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from navtool_desktop import fileio, paths
from navtool_desktop.commands.common import CommandError, load_default_pack
from navtool_desktop.i18n import _

if TYPE_CHECKING:
    from navtool_desktop.storage import Repository


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = sub.add_parser("demo", help=_("create a demo district with years of history"))
    demo.add_argument("--years", type=int, default=3, metavar="N",
                      help=_("school years of history, four cycles each (default 3)"))
    demo.add_argument("--participants", type=int, default=24, metavar="N",
                      help=_("participants in each cycle (default 24)"))
    demo.add_argument("--seed", type=int, default=2025, help=argparse.SUPPRESS)
    demo.set_defaults(handler=_demo)
    check = sub.add_parser("check", help=_("verify the saved data (exits 1 on problems)"))
    check.set_defaults(handler=_check)
    backup = sub.add_parser("backup", help=_("back up a district now"))
    backup.add_argument("--out", type=Path, metavar="FILE", help=_("also copy the backup here"))
    backup.add_argument("--district", metavar="ID",
                        help=_("district id (default: the one used last)"))
    backup.set_defaults(handler=_backup)
    restore = sub.add_parser("restore", help=_("restore a district from a backup file"))
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(handler=_restore)


def _repository() -> Repository:
    from navtool_desktop.storage import Repository, StoreError

    try:
        return Repository(paths.data_dir())
    except StoreError as exc:
        raise CommandError(str(exc)) from None


def _demo(args: argparse.Namespace) -> int:
    from navtool_desktop.core.demo import generate
    from navtool_desktop.storage import StoreError
    from navtool_desktop.storage.demo import save_demo

    if not 1 <= args.years <= 20 or not 1 <= args.participants <= 200:
        raise CommandError(_("--years must be 1 to 20 and --participants 1 to 200"))
    demo = generate(load_default_pack(), years=args.years, participants=args.participants, seed=args.seed)
    with _repository() as repo:
        if any(d.id == demo.district.id for d in repo.list_districts()):
            raise CommandError(_("the demo district is already in {folder}")
                               .format(folder=repo.folder))
        try:
            save_demo(repo, demo)
        except StoreError as exc:
            raise CommandError(str(exc)) from None
    ratings = sum(len(c.ratings) for c in demo.cycles)
    print(_("Created \u201c{name}\u201d in {folder}: {cycles} cycles, {ratings} ratings, "
            "{plans} plans, {goals} goals, {actions} actions.").format(
        name=demo.district.name, folder=paths.data_dir(), cycles=len(demo.cycles),
        ratings=ratings, plans=len(demo.plans), goals=len(demo.goals),
        actions=len(demo.actions)))
    return 0


def _check(args: argparse.Namespace) -> int:
    from navtool_desktop.storage import StoreError
    from navtool_desktop.storage.check import check_data_dir

    try:
        report = check_data_dir(paths.data_dir(), load_default_pack())
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    print(_("Checked {folder}: {districts} districts, {cycles} cycles, {ratings} ratings, "
            "{files} files.").format(folder=paths.data_dir(), districts=report.districts,
                                     cycles=report.cycles, ratings=report.ratings,
                                     files=report.files))
    for note in report.notes:
        print(_("Note: {note}").format(note=note))
    if report.ok:
        print(_("No problems found."))
        return 0
    print(_("{count} problems:").format(count=len(report.problems)))
    for problem in report.problems:
        print(f"  - {problem}")
    return 1


def _backup(args: argparse.Namespace) -> int:
    import tempfile

    from navtool_desktop.commands.common import district_id
    from navtool_desktop.storage import (
        FolderReadOnlyError,
        Repository,
        StoreError,
        StoreLockedError,
    )
    from navtool_desktop.storage.backup import make_backup

    try:
        repo = Repository(paths.data_dir())
    except (StoreLockedError, FolderReadOnlyError) as exc:
        # The app has the data open, or the folder cannot be written to. The files are
        # always whole (atomic writes), so a copy read now is consistent; it goes to
        # --out, not into the data folder's own backups.
        if not args.out:
            raise CommandError(
                _("the app has this data open; back up to a file with --out FILE, or close "
                  "the app first") if isinstance(exc, StoreLockedError)
                else _("{reason} Back up to a file elsewhere with --out FILE.").format(
                    reason=exc)) from None
        repo = Repository(paths.data_dir(), read_only=True)
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    with repo:
        wanted = district_id(repo, args.district)
        try:
            store = repo.open_district(wanted, auto_backup=False)
            if repo.read_only:
                with tempfile.TemporaryDirectory() as tmp:
                    info = make_backup(store.folder, Path(tmp), store.id, store.profile.name)
                    fileio.write_file(Path(args.out), info.path.read_bytes())
                print(_("Backed up to {file}").format(file=args.out))
                print(_backup_notice())
                return 0
            info = store.backup()
        except StoreError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(_("the backup could not be written to {file} ({reason})")
                               .format(file=args.out, reason=exc.strerror or exc)) from None
        where = info.path
        if args.out:
            try:
                fileio.write_file(Path(args.out), info.path.read_bytes())
            except OSError as exc:
                raise CommandError(_("the backup could not be copied to {file} ({reason})")
                                   .format(file=args.out, reason=exc.strerror or exc)) from None
            where = args.out
    print(_("Backed up to {file}").format(file=where))
    if args.out:
        print(_backup_notice())
    return 0


def _backup_notice() -> str:
    """What a backup copied out of the data folder holds (it is meant for restoring, not sharing)."""
    return _("This file holds every person's individual answers (named ratings, notes, written "
             "answers) with no passphrase: keep it as safe as this laptop. To share results, "
             "export the summary or the report instead.")


def _restore(args: argparse.Namespace) -> int:
    from navtool_desktop.storage import StoreError

    with _repository() as repo:
        for line in repo.recovered:
            print(line)
        before = {p for d in repo.list_districts() for p in repo.replaced_folders(d.id)}
        try:
            district_id = repo.restore(args.file)
            name = repo.open_district(district_id, auto_backup=False).profile.name
        except StoreError as exc:
            raise CommandError(str(exc)) from None
        kept = [p for p in repo.replaced_folders(district_id) if p not in before]
    print(_("Restored \u201c{name}\u201d from {file}").format(name=name, file=args.file))
    if kept:
        print(_("The files it replaced are kept in {folder}").format(folder=kept[-1]))
    return 0
