"""Print pytest ``--ignore`` options for the test files that need a Linux-only tool.

``make test-portable`` (Windows and macOS in CI) runs every other test. A test file is left
out when its source names one of the command-line tools below (poppler, qpdf, ICU's tools,
X11) or one of the helpers/fixtures that run them, so a new test that uses them is left
out there without anyone listing it. On Linux, ``make test`` runs everything.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Programs the Linux test machine gets from Debian packages (Makefile: DEB_TEST_PACKAGES),
#: the helpers that call them, and the fixtures that hand them out.
LINUX_ONLY = re.compile(
    r"\b(pdfsig|pdftotext|pdftoppm|pdfimages|pdffonts|pdfinfo|qpdf|qpdf_check|pdf_text|"
    r"Xvfb|xvfb|xwd|icupkg|icuinfo|genbrk|shrink_icu)\b"
)


def linux_only_tests(tests: Path) -> list[Path]:
    return sorted(path for path in tests.rglob("*.py")
                  if path.name.startswith("test_") and LINUX_ONLY.search(path.read_text(encoding="utf-8")))


def main() -> int:
    tests = ROOT / "tests"
    print(" ".join(f"--ignore={path.relative_to(ROOT).as_posix()}" for path in linux_only_tests(tests)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
