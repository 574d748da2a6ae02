"""Offline exchange between laptops: ``.navtool`` bundles, merging by id, CSV and Excel export.

No Qt here. Start with :func:`export_bundle` and :func:`import_paths`; every refused
bundle raises (or is reported with) a :class:`BundleError` whose message can be shown.
An app that runs the slow part on a worker thread uses the halves instead (see
:mod:`~navtool_desktop.exchange.files`): only the halves without a store go to the worker.
"""

from navtool_desktop.exchange.bundle import (
    FORMAT_VERSION,
    KINDS,
    SUFFIX,
    BundleContent,
    CycleContent,
    read_bundle,
    write_bundle,
)
from navtool_desktop.exchange.errors import BundleError, PassphraseError
from navtool_desktop.exchange.files import (
    bundle_files,
    export_bundle,
    import_paths,
    make_content,
    read_bundle_file,
    read_paths,
    save_bundle,
)
from navtool_desktop.exchange.merge import CheckedFile, ImportSummary, Merger, merge_bundles

__all__ = [
    "FORMAT_VERSION",
    "KINDS",
    "SUFFIX",
    "BundleContent",
    "BundleError",
    "CheckedFile",
    "CycleContent",
    "ImportSummary",
    "Merger",
    "PassphraseError",
    "bundle_files",
    "export_bundle",
    "import_paths",
    "make_content",
    "merge_bundles",
    "read_bundle",
    "read_bundle_file",
    "read_paths",
    "save_bundle",
    "write_bundle",
]
