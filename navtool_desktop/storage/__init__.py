"""Durable local storage of districts over TinyDB: repository, backups, lock, migrations.

The only code that reads or writes the data files. Start with :class:`Repository`.
"""

from navtool_desktop.storage.errors import (
    BackupInfo,
    DamagedStoreError,
    FolderReadOnlyError,
    InvalidChangeError,
    LockLostError,
    NotFoundError,
    ReadOnlyStoreError,
    SchemaTooNewError,
    StoreError,
    StoreLockedError,
    StoreReadError,
    StoreWriteError,
)
from navtool_desktop.storage.repository import (
    CycleData,
    DistrictStore,
    DistrictSummary,
    Repository,
)
from navtool_desktop.storage.schema import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "BackupInfo",
    "CycleData",
    "DamagedStoreError",
    "DistrictStore",
    "DistrictSummary",
    "FolderReadOnlyError",
    "InvalidChangeError",
    "LockLostError",
    "NotFoundError",
    "ReadOnlyStoreError",
    "Repository",
    "SchemaTooNewError",
    "StoreError",
    "StoreLockedError",
    "StoreReadError",
    "StoreWriteError",
]
