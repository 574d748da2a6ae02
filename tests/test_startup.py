"""The start-up path stays light: heavy libraries load only when a feature needs them.

Each check runs in a fresh interpreter, so modules imported by other tests do not count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: Libraries that must never load just to start the app or parse the command line, nor before
#: the main window is on screen (they serve optional features: PDFs and signatures).
HEAVY = ("reportlab", "pyhanko", "pyhanko_certvalidator", "lxml", "PIL")


def _run(code: str) -> list[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded_by_imports(names: tuple[str, ...], *, window: bool = True) -> list[str]:
    return _run(
        "import json, sys\n"
        "import navtool_desktop.cli as cli\n"
        + ("import navtool_desktop.ui.main_window\n" if window else "")
        + "cli.build_parser()\n"  # imports every command module
        f"print(json.dumps(sorted(m for m in {names!r} if m in sys.modules)))\n"
    )


def test_importing_cli_and_main_window_loads_no_heavy_library() -> None:
    assert _loaded_by_imports(HEAVY) == []


def test_parsing_the_command_line_does_not_load_storage() -> None:
    """``navtool --version`` and ``--help`` stay instant: TinyDB loads when a command needs it.

    (The window imports it: it shows the district's data as soon as it opens.)
    """
    assert _loaded_by_imports(("tinydb", "PySide6.QtWidgets"), window=False) == []


@pytest.mark.gui
def test_main_window_is_shown_before_optional_libraries_load() -> None:
    loaded = _run(
        "import json, sys\n"
        "from navtool_desktop import cli\n"
        "from navtool_desktop.ui import main_window\n"
        "seen = []\n"
        "original = main_window.MainWindow.showEvent\n"
        "def show_event(self, event):\n"
        f"    seen.append(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
        "    original(self, event)\n"
        "main_window.MainWindow.showEvent = show_event\n"
        "assert cli.main(['--exit-when-shown']) == 0\n"
        "print(json.dumps(seen[0]))\n"
    )
    assert loaded == []
