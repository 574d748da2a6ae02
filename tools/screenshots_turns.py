"""Screenshots of passing the laptop, at 1366x768, on the demo district.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots_turns.py

English (docs/screenshots/): who is rating, is this you, the PIN (a first turn chooses one,
a later one types it), and the handover after a Spanish turn (back in English). Spanish
(docs/translation/screenshots/): a Spanish turn's PIN and rating in an English app, and the
handover of an app run in Spanish.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from navtool_desktop import i18n

SIZE = (1366, 768)


def main() -> int:
    english_out = Path("docs/screenshots")
    spanish_out = Path("docs/translation/screenshots")
    from navtool_desktop.core.demo import generate
    from navtool_desktop.core.records import Participant, Rating
    from navtool_desktop.storage.demo import save_demo
    from navtool_desktop.storage.repository import Repository
    from navtool_desktop.ui.app import apply_style, load_default_pack
    from navtool_desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    apply_style(app)
    for language in ("en", "es"):
        i18n.set_language(language)
        pack = load_default_pack()
        with tempfile.TemporaryDirectory() as tmp, Repository(Path(tmp)) as repo:
            store = save_demo(repo, generate(pack), backup=False)
            window = MainWindow(pack, store)
            window.resize(*SIZE)
            window.show()
            cycles = window.cycles
            assert cycles is not None and cycles.cycle is not None
            window.show_screen(window.index_of(cycles))
            # people who join late: one has started, two have not
            cycle_id = cycles.cycle.id
            newcomer = store.save_participant(cycle_id, Participant(name="Rosa Martínez", role_group="educator"))
            started = store.save_participant(cycle_id, Participant(name="Tomás Archuleta", role_group="educator"))
            store.save_participant(cycle_id, Participant(name="Ana Lucero", role_group="community_member"))
            for competency in pack.competencies[:5]:
                store.save_rating(cycle_id, Rating(participant_id=started.id, competency_id=competency.id,
                                                   level="developing"))
            cycles.reload(select=cycle_id)

            def grab(folder: Path, name: str, window: MainWindow = window) -> None:
                app.processEvents()
                folder.mkdir(parents=True, exist_ok=True)
                window.grab().save(str(folder / name))
                print(folder / name)

            if language == "en":
                cycles.ask_who()
                picker = cycles.turn_step
                picker.filter.setText(newcomer.label[:3].lower())  # type: ignore[union-attr]
                grab(english_out, "pass-laptop-who.png")
                cycles.confirm_rater(newcomer.id)
                grab(english_out, "pass-laptop-confirm.png")
                cycles.ask_pin(newcomer.id, "en")
                grab(english_out, "pass-laptop-pin-first.png")
                cycles.pins.set_pin(cycles.cycle.id, newcomer.id, "4821")
                cycles.ask_pin(newcomer.id, "en")
                step = cycles.turn_step
                step.pin.setText("12")  # type: ignore[union-attr]
                step.submit()  # type: ignore[union-attr]
                grab(english_out, "pass-laptop-pin.png")
                # a Spanish turn in the English app
                cycles.confirm_rater(newcomer.id)
                cycles.ask_pin(newcomer.id, "es")
                grab(spanish_out, "es-turn-pin.png")
                cycles.start_rating(newcomer.id)
                panel = cycles.rating_panel
                assert panel is not None
                panel.choose("developing")
                panel.choose("operationalizing")
                grab(spanish_out, "es-turn-rating.png")
                cycles.finish_rating()
                grab(english_out, "pass-laptop-handover.png")
            else:
                cycles.ask_who()
                grab(spanish_out, "es-turn-who.png")
                cycles.start_rating(newcomer.id)
                panel = cycles.rating_panel
                assert panel is not None
                panel.choose("establishing")
                cycles.finish_rating()
                grab(spanish_out, "es-turn-handover.png")
            cycles.back_to_overview()
            window._close_confirmed = True
            window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
