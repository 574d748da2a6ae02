"""Several districts in one data folder: switch, start one, add one from another laptop's bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from navtool_desktop.core.records import Cycle, District, Participant
from navtool_desktop.exchange import export_bundle
from navtool_desktop.framework import Pack
from navtool_desktop.storage import Repository
from navtool_desktop.ui import messages
from navtool_desktop.ui.app import Session
from navtool_desktop.ui.districts import DistrictsDialog


@pytest.fixture
def facilitator_bundle(tmp_path: Path, pack: Pack) -> tuple[Path, str]:
    """A cycle bundle made on the facilitator's laptop (another data folder)."""
    with Repository(tmp_path / "facilitator") as other:
        store = other.create_district(District(name="Distrito Escolar de Peña", state="Texas"))
        cycle = Cycle(title="Fall retreat", date="2026-10-01", framework_id=pack.id,
                      framework_version=pack.version)
        store.create_cycle(cycle)
        store.save_participant(cycle.id, Participant(code="L-07", role_group="learner"))
        out = export_bundle(store, pack, "cycle", tmp_path / "fall.navtool", cycle_id=cycle.id,
                            passphrase="retreat 2026", answers=True)
        return out, store.id


def test_a_second_laptop_starts_from_the_facilitators_bundle(
        qtbot: QtBot, repo: Repository, pack: Pack, facilitator_bundle: tuple[Path, str]) -> None:
    bundle, district_id = facilitator_bundle
    repo.create_district(District(name="Made by mistake on first start"))
    dialog = DistrictsDialog(repo, pack, None)
    qtbot.addWidget(dialog)
    asked: list[str] = []
    dialog.ask_bundle = lambda: bundle  # type: ignore[method-assign]
    dialog.ask_passphrase = lambda name: asked.append(name) or "retreat 2026"  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.settled, timeout=30_000):
        dialog.add_from_bundle()
    assert asked == ["fall.navtool"]
    names = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert "Distrito Escolar de Peña, Texas" in names
    dialog.accept()
    assert dialog.chosen == district_id
    store = repo.open_district(district_id)
    [cycle] = store.cycles()
    assert cycle.title == "Fall retreat" and len(store.cycle(cycle.id).participants) == 1


def test_a_wrong_passphrase_is_said_plainly_and_adds_nothing(
        qtbot: QtBot, repo: Repository, pack: Pack, facilitator_bundle: tuple[Path, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    bundle, _district_id = facilitator_bundle
    warned: list[str] = []
    monkeypatch.setattr(messages, "warn", lambda _p, title, _text: warned.append(title))
    dialog = DistrictsDialog(repo, pack, None)
    qtbot.addWidget(dialog)
    answers = iter(["wrong", None])
    dialog.ask_bundle = lambda: bundle  # type: ignore[method-assign]
    dialog.ask_passphrase = lambda _name: next(answers)  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.settled, timeout=30_000):
        dialog.add_from_bundle()
    assert warned == ["Wrong passphrase"]
    assert repo.list_districts() == []


def test_a_bundle_is_read_off_the_gui_thread_and_a_bad_one_is_refused_plainly(
        qtbot: QtBot, repo: Repository, pack: Pack, facilitator_bundle: tuple[Path, str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import threading

    import navtool_desktop.exchange as exchange

    bundle, _district_id = facilitator_bundle
    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "warn", lambda _p, title, text: warned.append((title, text)))
    threads: list[bool] = []
    real = exchange.read_bundle_file

    def reading(path: Path, pack: Pack, passphrase: str | None = None) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        if path.name == "bomb.navtool":
            raise MemoryError  # what a JSON bomb did on the GUI thread before
        return real(path, pack, passphrase)

    monkeypatch.setattr(exchange, "read_bundle_file", reading)
    bomb = tmp_path / "bomb.navtool"
    bomb.write_bytes(b"PK")
    dialog = DistrictsDialog(repo, pack, None)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.settled, timeout=30_000):
        assert dialog.add_from_bundle(bomb) is not None
        assert not dialog.bundle_button.isEnabled()  # one at a time
    assert threads == [False]
    assert warned and warned[0][0] == "The bundle was not added"
    assert "more memory" in warned[0][1] and "Traceback" not in warned[0][1]
    assert dialog.bundle_button.isEnabled()
    with qtbot.waitSignal(dialog.added, timeout=30_000) as added:
        dialog.add_from_bundle(bundle, "retreat 2026")
    assert threads == [False, False]
    assert added.args == [_district_id] and repo.list_districts()


def test_switching_district_opens_a_window_on_it(qtbot: QtBot, repo: Repository, pack: Pack) -> None:
    first = repo.create_district(District(name="Pine Ridge USD"))
    second = repo.create_district(District(name="Cedar Falls USD"))
    session = Session(pack, repo)
    window = session.open_window(first)
    qtbot.addWidget(window)
    window.show()
    new = session.switch(window, second.id)
    assert new is not None
    qtbot.addWidget(new)
    assert new.store is not None and new.store.id == second.id
    assert "Cedar Falls USD" in new.windowTitle() and session.window is new
    assert not window.isVisible()
    assert repo.last_district_id() == second.id  # the next start opens it


def test_new_district_from_the_dialog(qtbot: QtBot, repo: Repository, pack: Pack) -> None:
    dialog = DistrictsDialog(repo, pack, None)
    qtbot.addWidget(dialog)
    dialog.ask_name = lambda: "Valle Verde ISD"  # type: ignore[method-assign]
    dialog.new_district()
    assert [d.name for d in repo.list_districts()] == ["Valle Verde ISD"]
    assert dialog.list.currentItem().text() == "Valle Verde ISD"


def test_first_start_asks_for_a_name_and_the_hint_goes_once_typed(qtbot: QtBot) -> None:
    from navtool_desktop.ui.startup import FirstDistrictDialog

    dialog = FirstDistrictDialog()
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "district's name" in dialog.error.text() and dialog.result() == 0
    qtbot.keyClicks(dialog.name, "Valle Verde ISD")  # QTest types ASCII only
    assert dialog.error.text() == ""
    dialog.accept()
    assert dialog.result() == 1


def test_first_start_from_a_bundle_waits_for_the_worker_then_opens_it(
        qtbot: QtBot, repo: Repository, pack: Pack, facilitator_bundle: tuple[Path, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialog

    from navtool_desktop.ui import startup
    from navtool_desktop.ui.districts import DistrictsDialog

    bundle, district_id = facilitator_bundle

    def first_exec(dialog: QDialog) -> int:
        dialog.want_bundle = True  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted

    def districts_exec(dialog: DistrictsDialog) -> int:
        assert not dialog.busy() and dialog.list.count() == 1  # the worker has finished
        dialog.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(startup.FirstDistrictDialog, "exec", first_exec)
    monkeypatch.setattr(DistrictsDialog, "exec", districts_exec)
    monkeypatch.setattr(DistrictsDialog, "ask_bundle", lambda self: bundle)
    monkeypatch.setattr(DistrictsDialog, "ask_passphrase", lambda self, name: "retreat 2026")
    store = startup.open_district(repo, pack)
    assert store is not None and store.id == district_id


def test_adding_from_a_bundle_shows_what_a_person_must_know(
        qtbot: QtBot, repo: Repository, pack: Pack, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle from a laptop whose clock is years ahead: before, "Add from a bundle file"
    dropped the import summary, so the wrong clock (like conflicts, possible duplicates and
    changes a closed cycle refused) was never shown to anyone."""
    from datetime import UTC, datetime

    with Repository(tmp_path / "ahead", clock=lambda: datetime(2031, 6, 1, 9, tzinfo=UTC)) as other:
        other.set_laptop_name("Library laptop 3")
        store = other.create_district(District(name="Pine Ridge USD"))
        bundle = export_bundle(store, pack, "district", tmp_path / "pine.navtool",
                               unprotected_ok=True)
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(messages, "inform", lambda _p, title, text: told.append((title, text)))
    dialog = DistrictsDialog(repo, pack, None)
    qtbot.addWidget(dialog)
    dialog.ask_bundle = lambda: bundle  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.settled, timeout=30_000):
        dialog.add_from_bundle()
    assert len(told) == 1 and "Library laptop 3" in told[0][1] and "clock is wrong" in told[0][1]
