"""Each main screen with ten years of history (offscreen platform): first build and show.

Builds the same history as ``bench/store.py`` (40 cycles x 60 participants), then, in a
fresh process, opens the main window on it and shows every screen in turn: once to build
it, then ``RUNS`` more rounds through all of them. A show is the time from choosing the
screen in the side bar until the events it caused are processed (its show handlers, the
layout and the paint). Target (issue 23): each screen shows in under 200 ms after its
first build. Run alone with ``python -m bench screens``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Result, median
from bench.store import ROOT, build

RUNS = 5
SHOW_TARGET_MS = 200


def _settle(app: object) -> None:
    """Run what the show posted: show events, layout, paint, zero timers."""
    for _round in range(3):
        app.processEvents()  # type: ignore[attr-defined]


def child(data_dir: str) -> None:
    """In a fresh process: the window on the history, each screen shown ``1 + RUNS`` times."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from navtool_desktop.storage import Repository
    from navtool_desktop.ui.app import Session, apply_style, load_default_pack

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    pack = load_default_pack()
    repo = Repository(Path(data_dir))
    store = repo.open_last()
    assert store is not None
    start = time.perf_counter()
    window = Session(pack, repo).open_window(store)
    window.show()
    _settle(app)
    opened = time.perf_counter() - start
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    first: list[float] = []
    shows: list[list[float]] = [[] for _title in titles]
    for round_no in range(1 + RUNS):
        for index in range(len(titles)):
            start = time.perf_counter()
            window.show_screen(index)
            _settle(app)
            elapsed = time.perf_counter() - start
            (first.append(elapsed) if round_no == 0 else shows[index].append(elapsed))
    window.close()
    _settle(app)
    repo.close()
    print(json.dumps({"opened": opened, "titles": titles, "first": first, "shows": shows}), flush=True)
    # Not through interpreter shutdown: PySide6 6.12 can abort while collecting the widgets
    # there ("none_dealloc"), after the figures are out.
    os._exit(0)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="navtool-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        build(data_dir)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        out = subprocess.run([sys.executable, "-c", "import sys; from bench.screens import child; "
                              "child(sys.argv[1])", str(data_dir)], cwd=ROOT, check=True, env=env,
                             capture_output=True, text=True, timeout=900).stdout
    found = json.loads(out.strip().splitlines()[-1])
    results = [Result("main window shown on the history", found["opened"] * 1000, "ms")]
    for title, first, shows in zip(found["titles"], found["first"], found["shows"], strict=True):
        results.append(Result(f"{title}: first show (builds it)", first * 1000, "ms"))
        results.append(Result(f"{title}: show, median of {RUNS}", median(shows) * 1000, "ms",
                              SHOW_TARGET_MS))
    return results


if __name__ == "__main__":
    os.chdir(ROOT)
    for result in run():
        print(result)
