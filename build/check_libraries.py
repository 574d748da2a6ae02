"""Check that every library in a Linux bundle finds what it links to.

    python build/check_libraries.py dist/navtool

The spec leaves the libraries every Linux desktop has to the system
(``build/spec_common.py``: ``SYSTEM_LIBRARIES`` and ``ONLY_FOR_SYSTEM_LIBRARIES``). This runs
``ldd`` on every ELF file of the bundle, with the bundle's library folder first on the search
path as the bootloader puts it, and fails naming each library no file provides: one left out
that the bundle needed after all, or one the build machine lacks. On Windows and macOS, or
without ``ldd``, it says so and passes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ELF_MAGIC = b"\x7fELF"


def elf_files(folder: Path) -> list[Path]:
    """Every regular ELF file under ``folder`` (symbolic links are checked through their target)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def missing_libraries(folder: Path, ldd: str) -> list[str]:
    """Lines ``file: library`` for each library ``ldd`` reports as not found."""
    internal = folder / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal if internal.is_dir() else folder)}
    problems = []
    for path in elf_files(folder):
        result = subprocess.run([ldd, str(path)], capture_output=True, text=True, env=env, check=False)
        for line in result.stdout.splitlines():
            if "not found" in line:
                problems.append(f"{path.relative_to(folder)}: {line.split('=>')[0].strip()}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    folder = Path(argv[1])
    ldd = shutil.which("ldd")
    if not sys.platform.startswith("linux") or ldd is None:
        print("check_libraries: only on Linux with ldd; nothing checked")
        return 0
    if not folder.is_dir():
        print(f"check_libraries: {folder} is not a folder")
        return 2
    files = elf_files(folder)
    problems = missing_libraries(folder, ldd)
    for problem in problems:
        print(f"not found: {problem}")
    print(f"check_libraries: {len(files)} ELF files, {len(problems)} missing libraries")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
