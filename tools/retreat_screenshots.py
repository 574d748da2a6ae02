"""Screenshots at 1366x768 (offscreen) of what a retreat adds: what people wrote on Consensus,
the projector view, the retreat guide and What's new.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/retreat_screenshots.py [docs/screenshots]

Runs itself again with an offscreen screen of 1366x768 (Qt's ``configfile``), as the fit tests do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

WIDTH, HEIGHT = 1366, 768
#: The room a window manager's title bar and panel take (tests/ui/test_fits_screen.py).
DECORATION = 48


def _shoot(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from navtool_desktop import paths
    from navtool_desktop.core.demo import generate
    from navtool_desktop.core.records import QuestionResponse
    from navtool_desktop.framework import load_pack
    from navtool_desktop.storage.demo import save_demo
    from navtool_desktop.storage.repository import Repository
    from navtool_desktop.ui.app import apply_style
    from navtool_desktop.ui.guide import GuideDialog, WhatsNewDialog
    from navtool_desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    apply_style(app)
    with tempfile.TemporaryDirectory() as tmp:
        paths.set_data_dir(Path(tmp))
        pack = load_pack(paths.default_pack_dir())
        with Repository(Path(tmp)) as repo:
            store = save_demo(repo, generate(pack, years=1), backup=False)
            cycle = sorted(store.cycles(), key=lambda c: (c.date, c.created))[-1]
            data = store.cycle(cycle.id)
            first = next(c for c in pack.competencies if cycle.covers(c.id))
            condition = pack.condition(first.condition_id)
            adults = [p for p in data.participants.values() if p.role_group != "learner"][:3]
            answers = ("We look at data once a year, not as routine.",
                       "Only the high school has a data team.",
                       "Family nights are full, but nobody asks families what they see.")
            question = condition.questions["educators_leaders_community"][0].id
            for person, text in zip(adults, answers, strict=True):
                store.save_response(cycle.id, QuestionResponse(participant_id=person.id, question_id=question,
                                                               text=text))
            window = MainWindow(pack, store)
            window.resize(WIDTH, HEIGHT - DECORATION)
            window.show()
            consensus = window.consensus
            assert consensus is not None
            window.show_screen(window.index_of(consensus))
            consensus.cycle_combo.select(cycle.id)
            consensus.go_to(0)
            app.processEvents()

            def grab(widget: object, name: str) -> None:
                app.processEvents()
                widget.grab().save(str(out / name))  # type: ignore[attr-defined]
                print(out / name)

            grab(window, "fit-1366x768-consensus.png")
            bar = consensus.scroll.verticalScrollBar()
            bar.setValue(bar.maximum())  # what people wrote, below the votes
            grab(window, "fit-1366x768-consensus-written.png")
            bar.setValue(0)
            consensus.set_presentation(True)
            grab(window, "fit-1366x768-presentation.png")
            consensus.set_presentation(False)
            guide = GuideDialog(window)
            guide.show()
            guide.steps.setCurrentRow(2)
            grab(guide, "fit-1366x768-help-guide.png")
            guide.close()
            news = WhatsNewDialog(window)
            news.show()
            grab(news, "fit-1366x768-whats-new.png")
            news.close()
            window.close()


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    if "--child" in sys.argv:
        _shoot(out)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "screen.json"
        config.write_text(json.dumps({"screens": [{
            "name": "laptop", "x": 0, "y": 0, "width": WIDTH, "height": HEIGHT,
            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
        root = Path(__file__).resolve().parent.parent
        env = dict(os.environ, QT_SCALE_FACTOR="1", QT_QPA_PLATFORM=f"offscreen:configfile={config}",
                   PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
        return subprocess.run([sys.executable, __file__, str(out), "--child"], env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
