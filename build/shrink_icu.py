"""Build a smaller ICU data library for the Linux bundle: English and Spanish locales only.

PySide6's Qt links ICU, whose data library (libicudata.so.NN) is about 31 MB: every locale's
names, currencies, units, time zones and collations, legacy text converters, and Thai/CJK
dictionaries. The app needs ICU only for English and Spanish collation, numbers and dates;
Qt does its own line breaking and UTF-8/16 and Latin-1 conversion. This keeps root, en* and
es* locale data and the non-locale data, and drops the rest (about 4.5 MB remains).

It reads the data blob out of the library (the ``icudtNN_dat`` symbol), removes items with
Debian's ``icupkg`` (icu-devtools), and links a new library with ``genccode`` and ``gcc``.
Where any tool is missing it says so and the original library is kept: the bundle works
either way, only larger. Run alone: ``python build/shrink_icu.py LIB OUTDIR``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

KEEP_LANGUAGES = ("en", "es")
#: A locale's data file: "es.res", "es_419.res", "en_GB.res", "de_.res" (an alias).
_LOCALE_FILE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z0-9]*)*\.res$")
TOOLS = ("nm", "icupkg", "genccode", "gcc")


def items_to_remove(items: list[str]) -> list[str]:
    """Items of the ICU package that the app never uses."""
    def unused(item: str) -> bool:
        folder, _sep, name = item.rpartition("/")
        other_language = (_LOCALE_FILE.match(name) is not None and name != "res_index.res"
                          and name.split("_")[0].split(".")[0] not in KEEP_LANGUAGES)
        return folder == "translit" or name.endswith((".cnv", ".dict")) or other_language

    return [item for item in items if unused(item)]


def _data_symbol(lib: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the icudtNN_dat symbol: in .rodata, file offset = address."""
    out = subprocess.run(["nm", "-D", "--defined-only", "-S", str(lib)], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and re.fullmatch(r"icudt\d+_dat", parts[3]):
            return parts[3], int(parts[0], 16), int(parts[1], 16)
    raise RuntimeError(f"no icudtNN_dat symbol in {lib}")


def shrink(lib: Path, workdir: Path) -> Path:
    """A smaller copy of ``lib`` in ``workdir``; the original if a tool is missing."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        print(f"shrink_icu: {', '.join(missing)} not found; keeping the full ICU data", file=sys.stderr)
        return lib
    symbol, offset, size = _data_symbol(lib)
    version = symbol[len("icudt"):-len("_dat")]
    workdir.mkdir(parents=True, exist_ok=True)
    full = workdir / "full" / f"icudt{version}l.dat"
    small = workdir / "small" / f"icudt{version}l.dat"  # the file name is the items' prefix
    for folder in (full.parent, small.parent):
        folder.mkdir(parents=True, exist_ok=True)
    with lib.open("rb") as handle:
        handle.seek(offset)
        full.write_bytes(handle.read(size))
    listing = subprocess.run(["icupkg", "-l", str(full)], capture_output=True, text=True, check=True).stdout
    remove = workdir / "remove.txt"
    remove.write_text("\n".join(items_to_remove(listing.split())) + "\n", encoding="utf-8")
    small.unlink(missing_ok=True)
    subprocess.run(["icupkg", "--ignore-deps", "-r", str(remove), str(full), str(small)], check=True)
    subprocess.run(["genccode", "-q", "-a", "gcc", "-e", f"icudt{version}", "-f", f"icudt{version}_dat",
                    "-d", str(workdir), str(small)], check=True)
    out = workdir / lib.name
    subprocess.run(["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{lib.name}", "-o", str(out),
                    str(workdir / f"icudt{version}_dat.S")], check=True)
    print(f"shrink_icu: {lib.name} {lib.stat().st_size / 2**20:.1f} MB -> {out.stat().st_size / 2**20:.1f} MB")
    return out


if __name__ == "__main__":
    print(shrink(Path(sys.argv[1]), Path(sys.argv[2])))
