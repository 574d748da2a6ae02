"""Print the app's dependencies plus the ``bundle`` extra from pyproject.toml, one a line.

``make bundle`` installs exactly these into a fresh ``.venv-bundle`` (not the package
itself: the spec freezes the source tree), so dev and test packages never reach a bundle.
"""

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["bundle"]]:
        print(requirement)
    return 0


if __name__ == "__main__":
    sys.exit(main())
