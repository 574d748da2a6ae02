"""Check that a lock file in requirements/ satisfies what pyproject.toml asks for.

    python build/requirements.py check requirements/run.txt            # the app's dependencies
    python build/requirements.py check requirements/dev.txt dev        # ... plus the dev extra
    python build/requirements.py check requirements/bundle.txt bundle  # ... plus pyinstaller
    python build/requirements.py hash requirements/bundle.txt          # the lock's SHA-256

``make`` runs ``check`` before it installs from a lock, so a dependency added to
pyproject.toml (say, by a merged branch) without ``make lock`` stops the build with one
line saying what to run, instead of an install that silently lacks it. The lock files
themselves are written by ``make lock`` (uv, ``--universal --generate-hashes``).

Runs with any Python >= 3.11 and nothing installed (``packaging`` comes from pip if it is
not installed on its own).
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version
except ImportError:  # a bare venv: pip vendors packaging
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def wanted(extra: str | None) -> list[Requirement]:
    """pyproject.toml's dependencies, plus one optional extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    if extra:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def pins(lock: Path) -> dict[str, Version]:
    """Package name (canonical) -> pinned version, for every ``name==version`` line."""
    found: dict[str, Version] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = Version(match.group(2))
    return found


def problems(lock: Path, extra: str | None) -> list[str]:
    if not lock.is_file():
        return [f"{lock} is missing"]
    pinned = pins(lock)
    out = []
    for requirement in wanted(extra):
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            out.append(f"{lock} has no {requirement.name} (pyproject.toml asks for {requirement})")
        elif not requirement.specifier.contains(version, prereleases=True):
            out.append(f"{lock} pins {requirement.name}=={version}, outside {requirement}")
    return out


def lock_hash(lock: Path) -> str:
    return hashlib.sha256(lock.read_bytes()).hexdigest()


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "check":
        found = problems(Path(argv[1]), argv[2] if len(argv) > 2 else None)
        for problem in found:
            print(f"lock: {problem}", file=sys.stderr)
        if found:
            print("lock: run `make lock` and commit requirements/*.txt", file=sys.stderr)
            return 1
        return 0
    if len(argv) == 2 and argv[0] == "hash":
        print(lock_hash(Path(argv[1])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
