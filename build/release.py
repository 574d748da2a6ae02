"""Archive the built bundle for this platform, with its SHA-256, next to the SBOM in dist/.

    python build/release.py dist      # after `make bundle`; `make release` runs this

Writes ``dist/navtool-<version>-<platform>.zip`` (Windows) or ``.tar.gz`` (Linux, macOS;
macOS archives ``Navigation Tool.app``), ``<archive>.sha256`` in ``sha256sum`` format, and
prints both paths. The SBOM (``dist/navtool-sbom.cdx.json``) is written by ``make sbom``.
"""

from __future__ import annotations

import hashlib
import platform
import re
import shutil
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    text = (ROOT / "navtool_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    assert match, "no __version__ in navtool_desktop/__init__.py"
    return match.group(1)


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    return f"{system}-{platform.machine().lower()}"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive(dist: Path) -> Path:
    app = dist / "Navigation Tool.app"
    source = app if sys.platform == "darwin" and app.is_dir() else dist / "navtool"
    if not source.is_dir():
        raise SystemExit(f"release: {source} is missing; run `make bundle` first")
    stem = dist / f"navtool-{version()}-{platform_tag()}"
    if sys.platform == "win32":
        return Path(shutil.make_archive(str(stem), "zip", root_dir=source.parent, base_dir=source.name))
    target = stem.with_name(stem.name + ".tar.gz")
    with tarfile.open(target, "w:gz") as tar:  # keeps the .app's symlinks and modes
        tar.add(source, arcname=source.name)
    return target


def main(argv: list[str]) -> int:
    dist = Path(argv[0]) if argv else ROOT / "dist"
    made = archive(dist)
    checksum = made.with_name(made.name + ".sha256")
    checksum.write_text(f"{sha256(made)}  {made.name}\n", encoding="utf-8")
    print(made)
    print(checksum)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
