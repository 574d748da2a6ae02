"""The repository's behaviour: what is saved comes back, in files stock TinyDB can open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from storage_helpers import Setup
from tinydb import TinyDB

from navtool_desktop.core.records import (
    Action,
    Consensus,
    Cycle,
    District,
    Goal,
    Participant,
    Plan,
    ProgressNote,
    QuestionResponse,
    Rating,
    Tally,
)
from navtool_desktop.framework import Pack
from navtool_desktop.storage import (
    InvalidChangeError,
    NotFoundError,
    ReadOnlyStoreError,
    Repository,
    StoreError,
)
from navtool_desktop.storage.repository import iter_store_files


def reopen(setup: Setup, data_dir: Path) -> Repository:
    setup.repo.close()
    return Repository(data_dir)


def test_rating_survives_reopen(setup: Setup, data_dir: Path) -> None:
    saved = setup.store.save_rating(setup.cycle_id, setup.rating(0, "operationalizing", "ñ"))
    repo = reopen(setup, data_dir)
    try:
        store = repo.open_last()
        assert store is not None and store.profile.name == "Peña Valley Schools"
        data = store.cycle(setup.cycle_id)
        assert data.ratings[saved.id] == saved
        assert data.rating_for(saved.participant_id, saved.competency_id) == saved
    finally:
        repo.close()


def test_second_rating_of_same_competency_replaces_first(setup: Setup) -> None:
    first = setup.store.save_rating(setup.cycle_id, setup.rating(0, "developing"))
    second = setup.store.save_rating(setup.cycle_id, setup.rating(0, "refining"))
    ratings = setup.store.ratings(setup.cycle_id)
    assert [r.id for r in ratings] == [second.id]
    assert first.id not in setup.store.cycle(setup.cycle_id).ratings


def test_only_the_cycle_file_is_rewritten(setup: Setup, data_dir: Path) -> None:
    district_file = setup.store.folder / "district.json"
    before = district_file.stat().st_mtime_ns, district_file.read_bytes()
    setup.store.save_rating(setup.cycle_id, setup.rating(1))
    assert (district_file.stat().st_mtime_ns, district_file.read_bytes()) == before


def test_every_file_opens_in_stock_tinydb(setup: Setup, data_dir: Path) -> None:
    store = setup.store
    store.save_rating(setup.cycle_id, setup.rating(2, note="Nguyễn says “yes”"))
    store.save_profile(store.profile.replace(vision="Cada estudiante — every learner"))
    setup.repo.close()
    files = [*iter_store_files(data_dir), data_dir / "settings.json"]
    assert len(files) == 3
    for path in files:
        path.read_bytes().decode("ascii")  # any locale's TinyDB can read it
        db = TinyDB(path)
        try:
            assert db.tables()
        finally:
            db.close()
    db = TinyDB(store.folder / "cycles" / f"{setup.cycle_id}.json")
    notes = [d["note"] for d in db.table("ratings").all()]
    db.close()
    assert notes == ["Nguyễn says “yes”"]


def test_rules_of_the_data(setup: Setup, pack: Pack) -> None:
    store = setup.store
    stranger = Participant(name="Stranger", role_group="leader")
    with pytest.raises(InvalidChangeError, match="not part of the cycle"):
        store.save_rating(setup.cycle_id, Rating(participant_id=stranger.id,
                                                 competency_id=setup.competencies[0],
                                                 level="developing"))
    scoped = store.create_cycle(Cycle(title="Priority", date="2026-01-10", scope=("culture",),
                                      framework_id=pack.id, framework_version=pack.version))
    person = store.save_participant(scoped.cycle.id, Participant(code="A1", role_group="leader"))
    with pytest.raises(InvalidChangeError, match="not in the scope"):
        store.save_rating(scoped.cycle.id, Rating(participant_id=person.id,
                                                  competency_id="agency.x", level="developing"))
    store.save_cycle(store.get_cycle(setup.cycle_id).replace(status="closed"))
    with pytest.raises(InvalidChangeError, match="is closed"):
        store.save_rating(setup.cycle_id, setup.rating(0))
    with pytest.raises(NotFoundError):
        store.cycle("00000000-0000-4000-8000-000000000000")


def test_cycle_data_of_every_kind(setup: Setup) -> None:
    store, cid = setup.store, setup.cycle_id
    comp = setup.competencies[0]
    who = setup.participants[0]
    store.save_response(cid, QuestionResponse(participant_id=who.id,
                                              question_id="culture.questions.learners.q1",
                                              text="We feel known."))
    store.save_consensus(cid, Consensus(competency_id=comp, level="developing"))
    final = store.save_consensus(cid, Consensus(competency_id=comp, level="operationalizing"))
    store.save_tally(cid, Tally(competency_id=comp, role_group="community_member",
                                counts={"developing": 4}))
    tally = store.save_tally(cid, Tally(competency_id=comp, role_group="community_member",
                                        counts={"developing": 5, "not_sure": 2}))
    store.save_rating(cid, setup.rating(0))
    data = store.cycle(cid)
    assert data.consensus == {comp: final}
    assert list(data.tallies.values()) == [tally]
    assert len(data.responses) == 1
    store.delete_participant(cid, who.id)
    assert who.id not in data.participants and not data.responses and not data.ratings


def test_plans_goals_actions_notes(setup: Setup) -> None:
    store = setup.store
    plan = store.save_plan(Plan(title="Plan 2025", period_start="2025-10-01",
                                period_end="2026-09-30"))
    goal = store.save_goal(Goal(plan_id=plan.id, competency_id=setup.competencies[0],
                                current_level="developing", target_level="operationalizing",
                                target_date="2026-06-01", term="short", statement="Move up"))
    action = store.save_action(Action(goal_id=goal.id, description="Learning walks",
                                      owner="Ana", status="in_progress"))
    note = store.save_progress_note(ProgressNote(action_id=action.id, date="2025-11-01",
                                                 text="First walk done"))
    store.save_action(action.replace(status="done"))
    assert [a.status for a in store.actions(goal.id)] == ["done"]
    assert store.progress_notes(action.id) == [note]
    with pytest.raises(NotFoundError):
        store.save_goal(goal.replace(plan_id="00000000-0000-4000-8000-000000000000"))
    store.delete_plan(plan.id)
    assert not store.plans() and not store.goals() and not store.actions()
    assert not store.progress_notes()


def test_districts_are_listed_and_last_is_remembered(repo: Repository, data_dir: Path) -> None:
    assert repo.list_districts() == [] and repo.open_last() is None
    a = repo.create_district(District(name="Alder"))
    b = repo.create_district(District(name="birch"))
    assert [d.name for d in repo.list_districts()] == ["Alder", "birch"]
    assert repo.last_district_id() == b.id
    repo.open_district(a.id)
    repo.close()
    with Repository(data_dir) as again:
        last = again.open_last()
        assert last is not None and last.id == a.id


def test_read_only_repository_refuses_changes(setup: Setup, data_dir: Path) -> None:
    setup.store.save_rating(setup.cycle_id, setup.rating(0))
    setup.repo.close()
    repo = Repository(data_dir, read_only=True)
    store = repo.open_district(setup.store.id)
    assert len(store.ratings(setup.cycle_id)) == 1
    with pytest.raises(ReadOnlyStoreError, match="read-only"):
        store.save_rating(setup.cycle_id, setup.rating(1))
    repo.close()


def test_import_cycle_checks_references(setup: Setup, pack: Pack) -> None:
    cycle = Cycle(title="Imported", date="2026-02-01", framework_id=pack.id,
                  framework_version=pack.version)
    ghost = Rating(participant_id=setup.participants[0].id,
                   competency_id=setup.competencies[0], level="developing")
    with pytest.raises(InvalidChangeError, match="participant who is not in the cycle"):
        setup.store.import_cycle(cycle, [], [ghost])
    assert cycle.id not in {c.id for c in setup.store.cycles()}


def test_settings_file_is_tinydb_shaped(setup: Setup, data_dir: Path) -> None:
    data = json.loads((data_dir / "settings.json").read_text("utf-8"))
    assert data["settings"]["1"]["last_district"] == setup.store.id


def test_reload_after_a_restore_keeps_the_same_store_usable(setup: Setup) -> None:
    store = setup.store
    kept = store.save_rating(setup.cycle_id, setup.rating(0, "developing"))
    info = store.backup()
    later = store.save_rating(setup.cycle_id, setup.rating(1, "refining"))
    store.save_profile(store.profile.replace(vision="after the backup"))
    setup.repo.restore(info.path)  # closes the open store
    with pytest.raises(StoreError, match="closed"):
        store.save_profile(store.profile.replace(vision="x"))
    store.reload()
    assert store.profile.vision == ""
    data = store.cycle(setup.cycle_id)
    assert kept.id in data.ratings and later.id not in data.ratings
    again = store.save_rating(setup.cycle_id, setup.rating(1, "operationalizing"))
    store.save_profile(store.profile.replace(vision="typed after the restore"))
    assert setup.repo.open_district(store.id) is store  # the repository hands out the same object
    assert store.cycle(setup.cycle_id).ratings[again.id] == again
    with Repository(setup.repo.folder, read_only=True) as other:
        on_disk = other.open_district(store.id)
        assert on_disk.profile.vision == "typed after the restore"
        assert again.id in on_disk.cycle(setup.cycle_id).ratings


def test_an_actions_status_history_is_kept_from_the_day_each_status_was_set(setup: Setup) -> None:
    """The progress report cuts status at its date, so the store keeps when each status began."""
    from datetime import UTC, datetime

    from navtool_desktop.core.planning import status_on

    store = setup.store
    plan = store.save_plan(Plan(title="Plan 2025", period_start="2025-10-01", period_end="2026-09-30"))
    goal = store.save_goal(Goal(plan_id=plan.id, competency_id=setup.competencies[0],
                                current_level="developing", target_level="operationalizing",
                                target_date="2026-06-01", term="short", statement="Move up"))

    def on(day: str) -> None:
        setup.repo.wall = lambda: datetime.fromisoformat(day + "T09:00:00").replace(tzinfo=UTC)

    on("2025-10-01")
    action = store.save_action(Action(goal_id=goal.id, description="Learning walks"))
    on("2025-11-05")
    action = store.save_action(action.replace(status="in_progress"))
    action = store.save_action(action.replace(owner="Ana"))  # not a status change: history as it was
    on("2026-01-20")
    action = store.save_action(action.replace(status="blocked"))
    action = store.save_action(action.replace(status="done"))  # the same day: the day's last status
    history = [(c.on, c.status) for c in store.actions(goal.id)[0].status_history]
    assert history == [("2025-10-01", "not_started"), ("2025-11-05", "in_progress"), ("2026-01-20", "done")]
    saved = store.actions(goal.id)[0]
    assert [status_on(saved, d) for d in ("2025-09-30", "2025-12-31", "2026-01-20")] == [
        "not_started", "in_progress", "done"]
    on("2025-12-01")  # a clock that went back never puts a change before an earlier one
    store.save_action(saved.replace(status="in_progress"))
    assert [c.on for c in store.actions(goal.id)[0].status_history][-1] == "2026-01-20"
