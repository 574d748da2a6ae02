"""Check that a built Linux bundle starts under legacy (not UTF-8) locales.

    python build/check_locales.py dist/navtool/navtool

Python looks up the locale's encoding before any of the app's code runs, so a bundle
without that codec does not start at all ("init_fs_encoding: failed to get the Python codec
of the filesystem encoding"). This compiles a few locales with ``localedef`` into a
temporary folder (``LOCPATH``; nothing is installed), runs ``navtool --version`` under each
and fails naming any it does not start under. Without ``localedef`` or the ``locales``
sources (Debian package ``locales``), or off Linux, it says so and passes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: (locale source, character map): the East Asian encodings of the legacy codecs, and Latin-1.
LOCALES = (("ja_JP", "EUC-JP"), ("zh_CN", "GBK"), ("zh_TW", "BIG5"), ("ko_KR", "EUC-KR"),
           ("en_US", "ISO-8859-1"))
SOURCES = Path("/usr/share/i18n/locales")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    program = Path(argv[1])
    localedef = shutil.which("localedef")
    if not sys.platform.startswith("linux") or localedef is None or not SOURCES.is_dir():
        print("check_locales: needs Linux, localedef and the locales sources; nothing checked")
        return 0
    failed = []
    with tempfile.TemporaryDirectory(prefix="navtool-locales-") as folder:
        for source, charmap in LOCALES:
            name = f"{source}.{charmap}"
            made = subprocess.run([localedef, "-i", source, "-f", charmap, str(Path(folder) / name)],
                                  capture_output=True, text=True, check=False)
            if not (Path(folder) / name).is_dir():
                print(f"check_locales: could not make {name}: {made.stderr.strip()[-200:]}")
                return 1
            env = {**os.environ, "LOCPATH": folder, "LC_ALL": name, "LANG": name}
            env.pop("PYTHONUTF8", None)
            run = subprocess.run([str(program), "--version"], capture_output=True, env=env, check=False, timeout=120)
            if run.returncode != 0:
                failed.append(name)
                lines = run.stderr.decode("utf-8", "replace").strip().splitlines()
                why = [line for line in lines if "Error" in line][:2] or lines[-1:]
                print(f"does not start under {name}: {' / '.join(w.strip() for w in why)}")
    print(f"check_locales: {len(LOCALES)} locales, {len(failed)} where the app does not start")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
