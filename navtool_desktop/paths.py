"""Every path the app uses, in one place: bundled files and the user's data folder."""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

DATA_DIR_ENV = "NAVTOOL_DATA_DIR"
APP_NAME = "NavigationTool"
APP_AUTHOR = "NavToolDesktop"
DEFAULT_PACK = "navigation-tool"

_data_dir_override: Path | None = None


def bundle_root() -> Path:
    """Where ``content/`` and ``resources/`` live: the PyInstaller folder or the source tree."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    return bundle_root() / "content"


def resource(name: str) -> Path:
    """A file under ``resources/`` (icons, stylesheet, font)."""
    return bundle_root() / "resources" / name


def changelog() -> Path:
    """CHANGELOG.md (Help > What's new): at the top of the source tree or of the bundle."""
    return bundle_root() / "CHANGELOG.md"


def default_pack_dir() -> Path:
    return content_dir() / DEFAULT_PACK


def set_data_dir(path: Path | str | None) -> None:
    """Override the data folder for this process (the ``--data-dir`` option)."""
    global _data_dir_override
    _data_dir_override = Path(path).expanduser().resolve() if path else None


def data_dir() -> Path:
    """The user's data folder: ``--data-dir``, else ``$NAVTOOL_DATA_DIR``, else the platform's."""
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def signing_dir(data: Path | None = None) -> Path:
    """The signing folder inside the data folder (``data``, default :func:`data_dir`): signer
    identities, trusted district roots and revocation lists. The app and ``navtool`` both read it
    from here, so they trust the same roots."""
    return (data if data is not None else data_dir()) / "signing"


def network_dir(data: Path | None = None) -> Path:
    """The coach's network workspace inside the data folder (``data``, default :func:`data_dir`):
    districts' signed summaries side by side (:mod:`navtool_desktop.network.workspace`)."""
    return (data if data is not None else data_dir()) / "network"


def file_stem(text: str, fallback: str = "navtool", limit: int = 48) -> str:
    """A safe, readable file name stem from a title: "Plan 2026–27 (draft)" -> "plan-2026-27-draft".

    Accents are dropped (USB sticks and email gateways mangle them), so is anything that
    is not a letter or a digit.
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    keep = "".join(ch if ch.isascii() and ch.isalnum() else "-"
                   for ch in decomposed if not unicodedata.combining(ch))
    return "-".join(part for part in keep.split("-") if part)[:limit].strip("-") or fallback
