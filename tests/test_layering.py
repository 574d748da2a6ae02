"""The core and the framework import no Qt, TinyDB, ReportLab or pyHanko (DESIGN section 8)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN = ("PySide6", "shiboken6", "tinydb", "reportlab", "pyhanko")


@pytest.mark.parametrize("package", ["navtool_desktop.core", "navtool_desktop.framework"])
def test_pure_packages_import_nothing_heavy(package: str) -> None:
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    loaded = json.loads(result.stdout)
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert not bad, f"{package} imports {bad}"
