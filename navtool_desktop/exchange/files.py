"""Bundles as files: export a participant, a cycle or a district; import files or a folder.

Both directions come in two halves, so an app can keep every use of the store on the
thread that owns it and do only the slow, store-free half on a worker:

* export: :func:`make_content` (reads the store), then :func:`save_bundle` (no store:
  serializes, zips, encrypts, writes);
  a cycle or district bundle carries the cycle's ratings, written answers and paper tallies
  only when asked (``answers=True``: laptops merging a retreat), and a bundle that carries
  them is refused without a passphrase unless ``unprotected_ok`` says so explicitly;
* import: :func:`read_paths` (no store: reads and checks every file), then
  :func:`~navtool_desktop.exchange.merge.merge_bundles` (merges into the store, writes).

:func:`export_bundle` and :func:`import_paths` do both halves in one call (the command line).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from navtool_desktop import fileio, paths
from navtool_desktop.exchange.bundle import (
    MAX_FILE_BYTES,
    MAX_REVOCATION_BYTES,
    MAX_REVOCATIONS,
    SUFFIX,
    BundleContent,
    CycleContent,
    carries_answers,
    read_bundle,
    write_bundle,
)
from navtool_desktop.exchange.errors import BundleError, PassphraseError
from navtool_desktop.exchange.merge import CheckedFile, ImportSummary, merge_bundles
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.errors import NotFoundError
from navtool_desktop.storage.repository import DistrictStore, Repository

Progress = Callable[[int, int, str], None]


# --- what goes into a bundle --------------------------------------------------------------


def _check_framework(store: DistrictStore, pack: Pack, cycle_ids: Sequence[str]) -> None:
    for cid in cycle_ids:
        cycle = store.get_cycle(cid)
        if cycle.framework_id != pack.id:
            raise BundleError(_("The cycle \u201c{title}\u201d uses the framework \u201c{found}\u201d, "
                                "not \u201c{ours}\u201d.").format(title=cycle.title,
                                                                 found=cycle.framework_id,
                                                                 ours=pack.id))


def cycle_content(store: DistrictStore, cycle_id: str, *, answers: bool = True) -> CycleContent:
    """A cycle as bundle content: with its ratings, written answers and paper tallies only if
    ``answers``; else the cycle, its participant list and its consensus."""
    data = store.cycle(cycle_id)
    if not answers:
        return CycleContent(data.cycle, tuple(data.participants.values()),
                            consensus=tuple(data.consensus.values()))
    return CycleContent(data.cycle, tuple(data.participants.values()), tuple(data.ratings.values()),
                        tuple(data.responses.values()), tuple(data.consensus.values()),
                        tuple(data.tallies.values()), tuple(data.tombstones.values()))


def participant_content(store: DistrictStore, cycle_id: str, participant_id: str) -> CycleContent:
    """One participant's ratings and answers in a cycle."""
    data = store.cycle(cycle_id)
    person = data.participants.get(participant_id)
    if person is None:
        raise NotFoundError(_("There is no participant with id {id} in the cycle \u201c{title}\u201d.")
                            .format(id=participant_id, title=data.cycle.title))
    return CycleContent(
        data.cycle, (person,),
        tuple(r for r in data.ratings.values() if r.participant_id == participant_id),
        tuple(r for r in data.responses.values() if r.participant_id == participant_id))


def revocation_lists(data: Path | None = None) -> tuple[bytes, ...]:
    """The revocation lists kept in the data folder ``data`` (default: this app's), as a
    district or cycle bundle carries them: lists too large for a bundle, or past the number
    a bundle may hold, are left out (they still travel as files, ``navtool verify --crl``)."""
    from navtool_desktop.signing.errors import SigningError
    from navtool_desktop.signing.folder import SigningFolder
    from navtool_desktop.signing.revocation import crl_bytes, load_crl

    try:
        kept = SigningFolder(paths.signing_dir(data)).revocation_list_bytes()
    except OSError:
        return ()
    found = []
    for name, raw in kept:
        try:
            der = crl_bytes(load_crl(raw, name))  # a list kept as PEM travels as DER
        except (SigningError, ValueError):
            continue  # not a list: verify skips it too
        if len(der) <= MAX_REVOCATION_BYTES:
            found.append(der)
    return tuple(found[:MAX_REVOCATIONS])


def make_content(store: DistrictStore, pack: Pack, kind: str, *, cycle_id: str | None = None,
                 participant_id: str | None = None, answers: bool = False) -> BundleContent:
    """The content of a bundle of ``kind`` (participant, cycle or district) from a store.

    A participant bundle always carries that person's ratings and answers (that is what it
    is for); a cycle or district bundle only when ``answers`` is true. A cycle or district
    bundle carries the data folder's revocation lists (see :func:`revocation_lists`).
    """
    common = {"kind": kind, "district": store.profile, "framework_id": pack.id,
              "framework_version": pack.version, "created": store.repo.now(),
              "laptop_id": store.repo.laptop_id, "laptop_name": store.repo.laptop_name}
    if kind in ("district", "cycle"):
        common["revocations"] = revocation_lists(store.repo.folder)
    if kind == "district":
        _check_framework(store, pack, [c.id for c in store.cycles()])
        return BundleContent(**common, cycles=tuple(cycle_content(store, c.id, answers=answers)
                                                    for c in store.cycles()),
                             plans=tuple(store.plans()), goals=tuple(store.goals()),
                             actions=tuple(store.actions()), notes=tuple(store.progress_notes()),
                             tombstones=tuple(store.tombstones()))
    if cycle_id is None:
        raise BundleError(_("Choose a cycle to export."))
    _check_framework(store, pack, [cycle_id])
    if kind == "cycle":
        return BundleContent(**common, cycles=(cycle_content(store, cycle_id, answers=answers),))
    if kind == "participant":
        if participant_id is None:
            raise BundleError(_("Choose a participant to export."))
        return BundleContent(**common, cycles=(participant_content(store, cycle_id, participant_id),))
    raise BundleError(_("Unknown bundle kind {kind}.").format(kind=kind))


def export_bundle(store: DistrictStore, pack: Pack, kind: str, out: Path, *,
                  cycle_id: str | None = None, participant_id: str | None = None,
                  passphrase: str | None = None, answers: bool = False,
                  unprotected_ok: bool = False, how: str = "") -> Path:
    """Write a bundle file (a temp file, then renamed, so a cut copy is never left).

    See :func:`make_content` for ``answers`` and :func:`check_protection` for the passphrase.
    """
    content = make_content(store, pack, kind, cycle_id=cycle_id, participant_id=participant_id,
                           answers=answers)
    check_protection(content, passphrase, unprotected_ok=unprotected_ok, how=how)
    return save_bundle(content, out, passphrase)


def protection_reason() -> str:
    """Why a bundle with answers needs a passphrase, as the export dialog and errors say it."""
    return _("It holds individual ratings with names, written answers or paper tallies by role "
             "group. Anyone who gets the file can read them, so only the laptop you give the "
             "passphrase to should be able to open it.")


def check_protection(content: BundleContent, passphrase: str | None, *, unprotected_ok: bool = False,
                     how: str = "") -> None:
    """Refuse a bundle that carries answers without a passphrase, unless explicitly allowed.

    ``how`` tells how to give a passphrase or allow no protection (the command line's options).
    """
    if carries_answers(content) and not passphrase and not unprotected_ok:
        raise BundleError(" ".join(part for part in (
            _("This bundle needs a passphrase."), protection_reason(), how) if part))


def save_bundle(content: BundleContent, out: Path, passphrase: str | None = None) -> Path:
    """Write ``content`` as a bundle file; uses no store (fit for a worker thread)."""
    write_file(out, write_bundle(content, passphrase))
    return out


def write_file(out: Path, raw: bytes) -> None:
    """Write an export file whole and durably (see :mod:`navtool_desktop.fileio`)."""
    try:
        fileio.write_file(out, raw)
    except OSError as exc:
        raise BundleError(_("{file} could not be written ({reason}).")
                          .format(file=out, reason=exc.strerror or exc)) from None


# --- importing ----------------------------------------------------------------------------


def bundle_files(path: Path) -> list[Path]:
    """The bundle files at ``path``: the file itself, or the ``.navtool`` files in a folder."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix == SUFFIX and p.is_file()
                      and not p.name.startswith("."))
    return [path]


def read_bundle_file(path: Path, pack: Pack, passphrase: str | None = None) -> BundleContent:
    """Read and check one bundle file (refusing one too large before reading it)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BundleError(_("{file} could not be read ({reason}).")
                          .format(file=path.name, reason=exc.strerror or exc)) from None
    return read_bundle(raw, pack, passphrase, source=path.name)


#: What reading a file may raise beyond :class:`BundleError`: a file no check foresaw (or
#: no memory left). It is refused by name, and the other files of a folder still import.
UNFORESEEN: tuple[type[Exception], ...] = (MemoryError, RecursionError, ValueError,
                                           OverflowError, OSError)


def refusal(exc: BaseException) -> str:
    """Why a bundle file was refused, in words fit to show (never a traceback)."""
    if isinstance(exc, BundleError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return _("The file needs more memory to check than this laptop can give; it is not a "
                 "bundle this app made.")
    return _("The file could not be checked ({problem}); nothing from it was imported.").format(
        problem=type(exc).__name__)


def read_paths(paths: Sequence[Path], pack: Pack, *, passphrase: str | None = None,
               progress: Progress | None = None) -> list[CheckedFile]:
    """The first half of an import: find the bundle files at ``paths`` (files or folders)
    and read and check each one whole. Uses no store (fit for a worker thread).

    Returns one :class:`CheckedFile` per file, in order: its content, or why it is refused.
    """
    try:
        files = [f for p in paths for f in bundle_files(Path(p))]
    except OSError as exc:
        raise BundleError(_("The folder could not be read ({reason}).")
                          .format(reason=exc.strerror or exc)) from None
    checked = []
    for n, path in enumerate(files):
        if progress is not None:
            progress(n, len(files), _("Checking {file}").format(file=path.name))
        try:
            checked.append(CheckedFile(path.name, read_bundle_file(path, pack, passphrase)))
        except PassphraseError as exc:
            checked.append(CheckedFile(path.name, reason=str(exc), locked=exc.needed))
        except (BundleError, *UNFORESEEN) as exc:
            checked.append(CheckedFile(path.name, reason=refusal(exc)))
    if progress is not None:
        progress(len(files), len(files), "")
    return checked


def tally_warnings(checked: Sequence[CheckedFile], pack: Pack) -> list[str]:
    """Lines warning of paper tallies in accepted files with more votes than people said
    to be in the room (imported as they are: a warning, not a refusal)."""
    names = {c.id: c.name for c in pack.competencies}
    lines = []
    for item in checked:
        for part in item.content.cycles if item.content is not None else ():
            for tally in part.tallies:
                if tally.over_room:
                    lines.append(_("{file}: the paper tally for {competency} ({group}) counts "
                                   "{votes} votes, but {people} were in the room.").format(
                        file=item.source, competency=names.get(tally.competency_id,
                                                               tally.competency_id),
                        group=tally.role_group.replace("_", " "), votes=tally.total,
                        people=tally.people))
    return lines


def import_paths(repo: Repository, pack: Pack, paths: Sequence[Path], *,
                 store: DistrictStore | None = None, passphrase: str | None = None,
                 dry_run: bool = False, progress: Progress | None = None) -> ImportSummary:
    """Import bundle files and folders in one call (both halves, on this thread): each file
    is checked whole and accepted or refused; the accepted ones are merged and written
    together. Returns the summary; :class:`BundleError` if the writing failed.
    """
    checked = read_paths(paths, pack, passphrase=passphrase, progress=progress)
    return merge_bundles(repo, pack, checked, store, dry_run=dry_run, progress=progress)
