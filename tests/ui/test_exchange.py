"""The Exchange screen: import a folder of bundles with the summary shown; export my responses.

The district store is not thread-safe and other screens save to it at any time, so the
screen must use it on the GUI thread only; these tests check that with the real repository.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from navtool_desktop.core.records import Cycle, District, Participant, Plan, Rating, TeamMember
from navtool_desktop.exchange import export_bundle, files, import_paths, read_bundle
from navtool_desktop.exchange.protect import is_protected
from navtool_desktop.framework import Pack
from navtool_desktop.storage import DistrictStore, Repository, StoreError
from navtool_desktop.storage.atomic import AtomicJSONStorage
from navtool_desktop.ui.exchange_screen import ExchangeScreen
from navtool_desktop.ui.main_window import MainWindow


def _district(repo: Repository, pack: Pack) -> tuple[DistrictStore, str, list[Participant]]:
    store = repo.create_district(District(name="Río Verde Unified"))
    cycle = store.create_cycle(Cycle(title="Spring 2026", date="2026-03-01", framework_id=pack.id,
                                     framework_version=pack.version)).cycle
    people = [store.save_participant(cycle.id, Participant(name=name, role_group="educator"))
              for name in ("Ana", "Ben", "Carmen")]
    for person in people:
        for comp in pack.competencies[:4]:
            store.save_rating(cycle.id, Rating(participant_id=person.id, competency_id=comp.id,
                                               level="developing"))
    return store, cycle.id, people


def _apart(repo: Repository, pack: Pack, tmp_path: Path, keep: int,
           export: Callable[[DistrictStore, str, list[Participant]], object],
           ) -> tuple[DistrictStore, str, list[Participant]]:
    """A district made on another laptop, where ``export`` writes bundles; this laptop has
    only its first ``keep`` participants (the others rated on their own laptops)."""
    with Repository(tmp_path / "other") as other:
        theirs, cycle_id, people = _district(other, pack)
        export(theirs, cycle_id, people)
        content = files.make_content(theirs, pack, "district", answers=True)
        ids = {p.id for p in people[:keep]}
        part = content.cycles[0]
        part = dataclasses.replace(
            part, participants=tuple(p for p in part.participants if p.id in ids),
            ratings=tuple(r for r in part.ratings if r.participant_id in ids))
        files.save_bundle(dataclasses.replace(content, cycles=(part,)), tmp_path / "seed.navtool")
    import_paths(repo, pack, [tmp_path / "seed.navtool"])
    return repo.open_district(theirs.id), cycle_id, people


def test_importing_a_folder_of_bundles_shows_the_summary(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                         tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    (stick / "broken.navtool").write_bytes(b"PK\x05\x06 cut")

    def export(theirs: DistrictStore, cycle_id: str, people: list[Participant]) -> None:
        for person in people:
            export_bundle(theirs, pack, "participant", stick / f"{person.name}.navtool",
                          cycle_id=cycle_id, participant_id=person.id, answers=True, unprotected_ok=True)

    with Repository(data_dir) as repo:
        # Ben and Carmen only rated on their own laptops: this laptop has not seen them yet.
        store, cycle_id, _people = _apart(repo, pack, tmp_path, 1, export)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        screen.show()
        assert screen.person_box.count() == 1
        screen.ask_folder = lambda: stick  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.imported, timeout=20000) as blocker:
            qtbot.mouseClick(screen.import_folder_button, Qt.MouseButton.LeftButton)
        summary = blocker.args[0]
        assert summary.counts["added", "participant"] == 2
        assert summary.counts["added", "rating"] == 8
        assert summary.counts["unchanged", "rating"] == 4
        assert [name for name, _reason in summary.refused] == ["broken.navtool"]
        shown = screen.summary_view.toPlainText()
        assert "3 bundle(s) imported, 1 refused" in shown
        assert "Added: 10" in shown and "broken.navtool" in shown
        assert len(store.cycle(cycle_id).participants) == 3
        assert screen.person_box.count() == 3  # the lists were refreshed
        # with each one's role group, so two entries of one name can be told apart
        assert screen.person_box.itemText(0) == "Ana  ·  Educator"


def test_export_my_responses_writes_a_participant_bundle(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                         tmp_path: Path) -> None:
    with Repository(data_dir) as repo:
        store, _cycle_id, people = _district(repo, pack)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        screen.person_box.setCurrentIndex(screen.person_box.findData(people[1].id))
        screen.passphrase.setText("river")
        target = tmp_path / "ben"
        screen.ask_save_path = lambda *_args: target  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.exported, timeout=20000) as blocker:
            qtbot.mouseClick(screen.export_mine, Qt.MouseButton.LeftButton)
        written = Path(blocker.args[0])
        assert written.name == "ben.navtool"
        content = read_bundle(written.read_bytes(), pack, "river")
        assert content.kind == "participant"
        assert content.cycles[0].participants[0].id == people[1].id
        assert len(content.cycles[0].ratings) == 4




@pytest.fixture
def store_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every thread that reads or writes a store file (through any store)."""
    seen: list[str] = []

    def spy(name: str) -> None:
        original = getattr(AtomicJSONStorage, name)

        def recorded(self: AtomicJSONStorage, *args: Any, **kwargs: Any) -> Any:
            seen.append(threading.current_thread().name)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(AtomicJSONStorage, name, recorded)

    for name in ("read", "write", "replace_all"):
        spy(name)
    return seen


def _hold_reading(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the import's reading (on the worker) wait until the returned event is set."""
    go = threading.Event()
    real = files.read_bundle_file

    def held(*args: Any, **kwargs: Any) -> Any:
        assert go.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "read_bundle_file", held)
    return go


def test_a_save_made_while_an_import_runs_is_kept_with_every_imported_rating(
        qtbot: QtBot, pack: Pack, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        store_threads: list[str]) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()

    def export(theirs: DistrictStore, cycle_id: str, people: list[Participant]) -> None:
        for person in people[1:]:
            export_bundle(theirs, pack, "participant", stick / f"{person.name}.navtool",
                          cycle_id=cycle_id, participant_id=person.id, answers=True, unprotected_ok=True)

    with Repository(data_dir) as repo:
        store, cycle_id, people = _apart(repo, pack, tmp_path, 1, export)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        screen.show()
        go = _hold_reading(monkeypatch)
        store_threads.clear()
        with qtbot.waitSignal(screen.imported, timeout=20000) as blocker:
            operation = screen.start_import(stick)
            assert operation is not None and operation.running
            # a second import cannot start meanwhile, and its buttons say so
            assert screen.start_import(stick) is None
            assert not screen.import_folder_button.isEnabled()
            assert not screen.import_file_button.isEnabled()
            assert not screen.export_district_button.isEnabled()
            # another screen's save timer fires on the GUI thread while the job runs
            ana, extra = people[0], pack.competencies[5].id
            mine = store.save_rating(cycle_id, Rating(participant_id=ana.id, competency_id=extra,
                                                      level="refining"))
            go.set()
        summary = blocker.args[0]
        assert summary.ok and summary.counts["added", "rating"] == 8
        assert screen.import_folder_button.isEnabled() and screen.export_district_button.isEnabled()
        main = threading.main_thread().name
        assert store_threads and set(store_threads) == {main}  # the store never left the GUI thread
        data = store.cycle(cycle_id)
        assert data.rating_for(ana.id, extra) == mine
        assert len(data.participants) == 3 and len(data.ratings) == 3 * 4 + 1
    with Repository(data_dir, read_only=True) as reread:
        data = reread.open_district(store.id).cycle(cycle_id)
        assert data.rating_for(ana.id, extra) == mine
        assert len(data.ratings) == 3 * 4 + 1


def test_exports_read_the_store_on_the_gui_thread_only(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                       tmp_path: Path,
                                                       store_threads: list[str]) -> None:
    with Repository(data_dir) as repo:
        store, _cycle_id, _people = _district(repo, pack)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        store.close()  # nothing in memory: an export has to read the files again
        store.reload()
        store_threads.clear()
        for button, name in ((screen.export_district_button, "district"),
                             (screen.ratings_button, "ratings.csv"),
                             (screen.actions_button, "actions.xlsx")):
            target = tmp_path / name
            screen.ask_save_path = lambda *_args, t=target: t  # type: ignore[misc]
            with qtbot.waitSignal(screen.exported, timeout=20000):
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
                assert not button.isEnabled()  # while it runs
            assert button.isEnabled()
        assert store_threads and set(store_threads) == {threading.main_thread().name}
        assert read_bundle((tmp_path / "district.navtool").read_bytes(), pack).kind == "district"
        assert (tmp_path / "ratings.csv").read_bytes().count(b"\r\n") == 2 + 3 * 4  # notice, header, rows


def _failing_district_import(repo: Repository, pack: Pack, tmp_path: Path,
                             ) -> tuple[DistrictStore, str, Path]:
    """A district bundle that changes a cycle file, adds a cycle, then changes the district file."""
    store, cycle_id, people = _district(repo, pack)
    bundle = tmp_path / "district.navtool"
    export_bundle(store, pack, "district", bundle, answers=True, unprotected_ok=True)
    with Repository(tmp_path / "other") as other:  # another laptop adds a cycle and a plan
        import_paths(other, pack, [bundle])
        theirs = other.open_district(store.id)
        theirs.create_cycle(Cycle(title="Fall 2026", date="2026-10-01", framework_id=pack.id,
                                  framework_version=pack.version))
        theirs.save_plan(Plan(title="2026-2028", period_start="2026-07-01", period_end="2028-06-30"))
        ben = theirs.cycle(cycle_id).rating_for(people[1].id, pack.competencies[0].id)
        assert ben is not None
        theirs.save_rating(cycle_id, ben.replace(level="refining"))
        export_bundle(theirs, pack, "district", bundle, answers=True, unprotected_ok=True)
    return store, cycle_id, bundle


def test_a_failed_import_leaves_the_screens_store_usable(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with Repository(data_dir) as repo:
        store, cycle_id, bundle = _failing_district_import(repo, pack, tmp_path)
        before = (len(store.cycles()), len(store.cycle(cycle_id).participants), len(store.plans()))
        ratings_before = dict(store.cycle(cycle_id).ratings)
        real = store.merge_district

        def disk_full(**_kwargs: Any) -> None:  # the last write of the import: the cycle files are written
            raise StoreError("disk full")

        monkeypatch.setattr(store, "merge_district", disk_full)  # the cycle writes before it go through
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        told: list[str] = []
        screen.tell = lambda _title, text: told.append(text)  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.import_failed, timeout=20000) as blocker:
            screen.start_import(bundle)
        assert "disk full" in blocker.args[0] and "nothing was imported" in blocker.args[0]
        assert told == [blocker.args[0]] and "disk full" in screen.summary_view.toPlainText()
        assert screen.import_file_button.isEnabled()
        # rolled back, and the very store every screen holds still works
        assert repo.open_district(store.id) is store
        assert (len(store.cycles()), len(store.cycle(cycle_id).participants), len(store.plans())) == before
        assert store.cycle(cycle_id).ratings == ratings_before  # Ben's "refining" was written, then undone
        saved = store.save_profile(store.profile.replace(vision="typed after the failed import"))
        assert store.profile == saved
        person = next(iter(store.cycle(cycle_id).participants))
        store.save_rating(cycle_id, Rating(participant_id=person, competency_id=pack.competencies[9].id,
                                           level="refining"))
        # and the same import goes through once the disk has room again
        monkeypatch.setattr(store, "merge_district", real)
        with qtbot.waitSignal(screen.imported, timeout=20000) as done:
            screen.start_import(bundle)
        assert done.args[0].ok
        assert (len(store.cycles()), len(store.cycle(cycle_id).participants), len(store.plans())) == (2, 3, 1)
        assert store.profile.vision == "typed after the failed import"  # newer than the bundle's


def _newer_profile_bundle(store: DistrictStore, pack: Pack, tmp_path: Path) -> tuple[Path, str]:
    """The district as another laptop has it after writing the vision and the team."""
    first = tmp_path / "first.navtool"
    export_bundle(store, pack, "district", first, answers=True, unprotected_ok=True)
    with Repository(tmp_path / "laptop-b") as other:
        import_paths(other, pack, [first])
        theirs = other.open_district(store.id)
        vision = "Every learner thrives, ñ"
        theirs.save_profile(theirs.profile.replace(vision=vision, team=(
            *theirs.profile.team, TeamMember(name="Ana", role="Superintendent"))))
        export_bundle(theirs, pack, "district", tmp_path / "second.navtool", answers=True, unprotected_ok=True)
    return tmp_path / "second.navtool", vision


def test_shared_vision_shows_the_imported_vision(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                 tmp_path: Path) -> None:
    with Repository(data_dir) as repo:
        store, _cycle_id, _people = _district(repo, pack)
        bundle, vision = _newer_profile_bundle(store, pack, tmp_path)
        window = MainWindow(pack, store)
        qtbot.addWidget(window)
        window.show()
        window.show_screen(window.index_of(window.vision))
        shared = window.vision
        assert shared is not None and shared.vision.toPlainText() == ""
        window.show_screen(window.index_of(window.exchange))
        screen = window.exchange
        assert screen is not None
        with qtbot.waitSignal(screen.imported, timeout=20000) as blocker:
            screen.start_import(bundle)
        assert blocker.args[0].counts["updated", "district"] == 1
        # already refreshed (the main window passes the import on), before it is shown again
        assert shared.vision.toPlainText() == vision
        assert [shared.team.item(r, 0).text() for r in range(shared.team.rowCount())] == ["Ana"]
        assert not shared.pending()
        window.show_screen(window.index_of(shared))
        shared.state.setText("OR")  # the facilitator goes on typing: the import is kept
        shared.save_now()
        assert (store.profile.vision, store.profile.state) == (vision, "OR")
        assert [m.name for m in store.profile.team] == ["Ana"]


def test_shared_vision_reads_the_profile_again_when_shown_unless_an_edit_waits(
        qtbot: QtBot, pack: Pack, data_dir: Path, tmp_path: Path) -> None:
    from navtool_desktop.ui.vision_screen import VisionScreen

    with Repository(data_dir) as repo:
        store, _cycle_id, _people = _district(repo, pack)
        bundle, vision = _newer_profile_bundle(store, pack, tmp_path)
        shared = VisionScreen(store)
        qtbot.addWidget(shared)
        shared.show()
        shared.hide()
        import_paths(repo, pack, [bundle], store=store)
        shared.show()
        assert shared.vision.toPlainText() == vision and shared.status.text() == "Saved"
        assert not shared.pending()  # showing it saved nothing
        shared.hide()
        shared.portrait.setPlainText("Curious")  # an edit waits to be saved
        store.save_profile(store.profile.replace(vision="changed elsewhere"))
        shared.show()
        assert shared.vision.toPlainText() == vision and shared.pending()


@pytest.mark.parametrize(("button", "chosen", "written"), [
    ("export_mine", "ben", "ben.navtool"),
    ("ratings_button", "sheet", "sheet.xlsx"),
])
def test_replacing_an_existing_export_file_asks_first(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                      tmp_path: Path, button: str, chosen: str,
                                                      written: str) -> None:
    with Repository(data_dir) as repo:
        store, _cycle_id, _people = _district(repo, pack)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        screen.passphrase.setText("river")  # a participant's answers go protected
        existing = tmp_path / written
        existing.write_bytes(b"keep me")
        screen.ask_save_path = lambda *_args: tmp_path / chosen  # type: ignore[method-assign]
        asked: list[str] = []
        answer = [False]

        def confirm(_title: str, text: str) -> bool:
            asked.append(text)
            return answer[0]

        screen.confirm = confirm  # type: ignore[method-assign]

        def click() -> None:
            qtbot.mouseClick(getattr(screen, button), Qt.MouseButton.LeftButton)

        click()
        assert asked == [f"{written} already exists. Replace it?"]
        assert screen.operation is None and existing.read_bytes() == b"keep me"
        answer[0] = True
        with qtbot.waitSignal(screen.exported, timeout=20000):
            click()
        assert len(asked) == 2 and existing.read_bytes() != b"keep me"
        # a new name is written without a question
        screen.ask_save_path = lambda *_args: tmp_path / "new"  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.exported, timeout=20000):
            click()
        assert len(asked) == 2


def test_a_protected_bundle_asks_for_its_passphrase_on_import(qtbot: QtBot, pack: Pack, data_dir: Path,
                                                                tmp_path: Path) -> None:
    bundle = tmp_path / "ben.navtool"

    def export(theirs: DistrictStore, cycle_id: str, people: list[Participant]) -> None:
        export_bundle(theirs, pack, "participant", bundle, cycle_id=cycle_id,
                      participant_id=people[1].id, passphrase="by email 7")

    with Repository(data_dir) as repo:
        store, cycle_id, people = _apart(repo, pack, tmp_path, 1, export)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        asked: list[int] = []
        screen.ask_passphrase = lambda count: asked.append(count) or "by email 7"  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.imported, timeout=20000) as blocker:
            screen.start_import(bundle)
        assert asked == [1]
        assert blocker.args[0].counts["added", "participant"] == 1
        assert people[1].id in store.cycle(cycle_id).participants


def test_bundle_export_carries_answers_only_when_ticked_and_asks_before_writing_them_unprotected(
        qtbot: QtBot, pack: Pack, data_dir: Path, tmp_path: Path) -> None:
    with Repository(data_dir) as repo:
        store, _cycle_id, _people = _district(repo, pack)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        asked: list[str] = []
        answer = [False]

        def confirm(_title: str, text: str) -> bool:
            asked.append(text)
            return answer[0]

        screen.confirm = confirm  # type: ignore[method-assign]
        assert not screen.with_answers.isChecked()
        assert "no one's ratings or written answers" in screen.answers_note.text()
        # by default: no one's answers, no passphrase needed, no question
        screen.ask_save_path = lambda *_args: tmp_path / "cycle"  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.exported, timeout=20000):
            qtbot.mouseClick(screen.export_cycle_button, Qt.MouseButton.LeftButton)
        [part] = read_bundle((tmp_path / "cycle.navtool").read_bytes(), pack).cycles
        assert part.participants and not part.ratings and not part.responses and asked == []
        # ticked without a passphrase: the screen says why and asks; "no" writes nothing
        screen.with_answers.setChecked(True)
        assert "Anyone who gets the file can read them" in screen.answers_note.text()
        screen.ask_save_path = lambda *_args: tmp_path / "answers"  # type: ignore[method-assign]
        qtbot.mouseClick(screen.export_cycle_button, Qt.MouseButton.LeftButton)
        assert len(asked) == 1 and "individual ratings or written answers" in asked[0]
        assert not (tmp_path / "answers.navtool").exists()
        assert "give a passphrase first" in screen.summary_view.toPlainText()
        # with a passphrase: protected, with the ratings, no question
        screen.passphrase.setText("heron")
        with qtbot.waitSignal(screen.exported, timeout=20000):
            qtbot.mouseClick(screen.export_cycle_button, Qt.MouseButton.LeftButton)
        raw = (tmp_path / "answers.navtool").read_bytes()
        assert is_protected(raw) and read_bundle(raw, pack, "heron").cycles[0].ratings
        assert len(asked) == 1


def test_an_imported_district_bundle_hands_its_revocation_list_to_the_signing_folder(
        qtbot: QtBot, pack: Pack, data_dir: Path, tmp_path: Path) -> None:
    """The other laptop revoked a signer; the list travels in its district bundle and the
    screen's import keeps it once this laptop trusts the district root (ignored, and said so,
    before)."""
    from navtool_desktop import paths
    from navtool_desktop.signing import create_root, issue_signer
    from navtool_desktop.signing.folder import SigningFolder

    root = create_root("Río Verde Unified", key_bits=2048)
    signer = issue_signer(root, "Lost Laptop", "Superintendent", key_bits=2048)
    stick = tmp_path / "usb"
    stick.mkdir()

    def export(theirs: DistrictStore, cycle_id: str, people: list[Participant]) -> None:
        SigningFolder(paths.signing_dir(tmp_path / "other")).revoke(root, signer.certificate)
        export_bundle(theirs, pack, "district", stick / "district.navtool")

    here = SigningFolder(paths.signing_dir(data_dir))
    with Repository(data_dir) as repo:
        store, _cycle_id, _people = _apart(repo, pack, tmp_path, 3, export)  # root not trusted yet
        assert not here.revocation_lists()
        here.trust_root(root.certificate)
        screen = ExchangeScreen(pack, store)
        qtbot.addWidget(screen)
        screen.show()
        screen.ask_folder = lambda: stick  # type: ignore[method-assign]
        with qtbot.waitSignal(screen.imported, timeout=20000) as blocker:
            qtbot.mouseClick(screen.import_folder_button, Qt.MouseButton.LeftButton)
        summary = blocker.args[0]
        assert summary.imported == ["district.navtool"] and not summary.revocations_ignored
        assert "district.navtool, revocations/1.crl" in screen.summary_view.toPlainText()
        assert "was kept (1 revoked)" in screen.summary_view.toPlainText()
        [crl] = here.revocation_lists()
        assert crl.get_revoked_certificate_by_serial_number(signer.certificate.serial_number) is not None
