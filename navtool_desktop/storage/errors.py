"""The storage layer's exceptions, each with a plain-language message for the user."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from navtool_desktop.errors import UserFacingError
from navtool_desktop.i18n import _


class StoreError(UserFacingError):
    """Any failure to read or save the district data; ``str(exc)`` is fit to show."""


class StoreWriteError(StoreError):
    """A change could not be saved; the data on disk is as it was before the change."""

    def __init__(self, message: str, path: Path | None = None, cause: OSError | None = None):
        super().__init__(message)
        self.path = path
        self.cause = cause


class PartialWriteError(StoreError):
    """Several files were to change together, and neither all nor none of them did (a
    failure while putting the old ones back). ``str(exc)`` says so and what to do."""


class StoreReadError(StoreError):
    """A file could not be read (permissions, disk error); nothing was changed."""


class ReadOnlyStoreError(StoreError):
    """A change was asked of a store opened read-only."""


class NotFoundError(StoreError):
    """No district, cycle or record with that id."""


class InvalidChangeError(StoreError):
    """A change that breaks a rule of the data (closed cycle, unknown participant, ...)."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup zip of a district."""

    path: Path
    district_id: str
    created: str  # UTC ISO-8601
    size: int
    #: The district's store generation when it was made (grows with every save): the
    #: backup with the highest one holds the newest content, whatever the clock said.
    generation: int = 0
    #: Dated after the clock's "now" when listed: made while the clock was ahead.
    in_future: bool = False


class DamagedStoreError(StoreError):
    """A store file is empty, cut, not JSON, wrongly encoded or missing.

    It was never opened as empty and never overwritten: a damaged file has been set
    aside as ``set_aside`` (``*.corrupt-<time>``), and ``backups`` lists the district's
    backups, newest first, to offer a restore.
    """

    def __init__(self, message: str, path: Path, reason: str,
                 set_aside: Path | None = None, backups: tuple[BackupInfo, ...] = ()) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason
        self.set_aside = set_aside
        self.backups = backups

    @property
    def newest_backup(self) -> BackupInfo | None:
        return self.backups[0] if self.backups else None


class SchemaTooNewError(StoreError):
    """A file was written by a newer version of the app; it is left untouched."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            _("{file} was saved by a newer version of Navigation Tool Desktop (data format "
              "{found}; this version reads up to {supported}). Update the app to open it; "
              "the file was not changed.").format(file=path.name, found=found,
                                                  supported=supported))
        self.path, self.found, self.supported = path, found, supported


class StoreLockedError(StoreError):
    """Another copy of the app is using this data folder."""

    def __init__(self, message: str, holder: dict[str, object]) -> None:
        super().__init__(message)
        self.holder = holder


class FolderReadOnlyError(StoreError):
    """The data folder cannot be written to at all (a read-only disk or share); the caller
    can open it read-only instead."""


class LockLostError(StoreWriteError):
    """The lock file was replaced or removed while the app ran: another copy may be writing."""


def write_failure(path: Path, exc: OSError) -> StoreWriteError:
    """A :class:`StoreWriteError` explaining an OS error in words a district team can act on."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        text = _("The disk is full, so your last change was not saved. Free some space "
                 "and try again; your earlier work is safe.")
    elif code in (errno.EROFS,) or isinstance(exc, PermissionError):
        text = _("The data folder {folder} cannot be written to (it may be read-only or "
                 "held by another program), so your last change was not saved. Your "
                 "earlier work is safe.").format(folder=path.parent)
    elif code == errno.EIO:
        text = _("The disk reported an error while saving, so your last change was not "
                 "saved. Your earlier work is safe. If this happens again, check the disk "
                 "or USB stick.")
    else:
        text = _("Your last change could not be saved ({reason}). Your earlier work is "
                 "safe.").format(reason=exc.strerror or exc)
    return StoreWriteError(text, path, exc)


def read_failure(path: Path, exc: OSError) -> StoreReadError:
    """A :class:`StoreReadError` for an OS error while reading ``path``."""
    return StoreReadError(_("{file} could not be read ({reason}). Nothing was changed.")
                          .format(file=path, reason=exc.strerror or exc))
