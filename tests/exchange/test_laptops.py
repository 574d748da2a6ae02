"""Laptops that disagree: each its own data folder and its own fixed clock (no faketime)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from laptops import Laptop, at, state

from navtool_desktop.cli import main
from navtool_desktop.core.records import Consensus, Goal, Participant, Plan, Rating
from navtool_desktop.framework import Pack
from navtool_desktop.storage.check import check_data_dir


@pytest.fixture
def laptops(tmp_path: Path, pack: Pack) -> Iterator[tuple[Laptop, Laptop, Laptop]]:
    """The facilitator's laptop and two more; B's clock is four and a half years ahead."""
    made = (Laptop(tmp_path / "f", "Facilitator", at("2026-12-01T09:00:00"), pack),
            Laptop(tmp_path / "b", "Library laptop 3", at("2031-06-01T09:00:00"), pack),
            Laptop(tmp_path / "c", "Laptop C", at("2026-12-01T09:05:00"), pack))
    yield made
    for laptop in made:
        laptop.close()


def _level(laptop: Laptop, cycle_id: str, person: str, comp: str) -> str:
    rating = laptop.store.cycle(cycle_id).rating_for(person, comp)
    return rating.level if rating else "-"


def _consensus(laptop: Laptop, cycle_id: str, comp: str) -> str:
    found = laptop.store.cycle(cycle_id).consensus.get(comp)
    return found.level if found else "-"


def test_a_clock_years_ahead_never_beats_a_later_correction(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    f, b, c = laptops
    cid = f.start()
    alex = f.store.save_participant(cid, Participant(name="Alex", role_group="educator"))
    start = f.export(tmp_path / "start.navtool")
    assert b.receive(start).ok and c.receive(start).ok
    comp = pack.competencies[0].id
    # laptop B (clock in 2031) rates Alex "refining" and records the consensus
    b.store.save_rating(cid, Rating(participant_id=alex.id, competency_id=comp, level="refining"))
    b.store.save_consensus(cid, Consensus(competency_id=comp, level="refining"))
    usb = tmp_path / "usb"
    usb.mkdir()
    b.export(usb / "b.navtool", "cycle", cycle_id=cid)
    f.tick(hours=1)
    first = f.receive(usb)
    assert first.counts["added", "rating"] == 1 and first.counts["added", "consensus"] == 1
    # the summary says whose clock is wrong
    assert list(first.clocks) == [b.repo.laptop_id]
    text = first.text()
    assert "Library laptop 3" in text and "2031-06-01" in text and "clock is wrong" in text
    # the facilitator, with a correct clock, corrects both
    f.tick(hours=1)
    f.store.save_rating(cid, Rating(participant_id=alex.id, competency_id=comp, level="establishing"))
    f.store.save_consensus(cid, Consensus(competency_id=comp, level="developing"))
    # a routine re-import of the same stick later that day changes nothing
    f.tick(hours=3)
    again = f.receive(usb)
    assert again.ok and (again.total("updated"), again.total("conflicts")) == (0, 0)
    assert (_level(f, cid, alex.id, comp), _consensus(f, cid, comp)) == ("establishing", "developing")
    # laptop C holds B's version first, then receives the correction: no conflict, no wait
    c.receive(usb)
    assert _level(c, cid, alex.id, comp) == "refining"
    report = check_data_dir(c.repo.folder, pack, clock=lambda: c.time)
    assert report.ok and any("2031-06-01" in n and b.repo.laptop_id in n for n in report.notes)
    fixed = f.export(tmp_path / "f.navtool", "cycle", cycle_id=cid)
    got = c.receive(fixed)
    assert got.ok and got.total("conflicts") == 0 and got.counts["updated", "rating"] == 1
    assert (_level(c, cid, alex.id, comp), _consensus(c, cid, comp)) == ("establishing", "developing")
    # ... and the correction is not flagged: it was saved today, on a laptop with a right clock
    assert got.clocks == {}
    # laptop B, with its wrong clock, takes the correction too, and a correction made on B
    # after that (still in "2031") beats the facilitator's
    assert b.receive(fixed).counts["updated", "rating"] == 1
    assert _level(b, cid, alex.id, comp) == "establishing"
    b.store.save_rating(cid, Rating(participant_id=alex.id, competency_id=comp, level="developing"))
    f.receive(b.export(tmp_path / "b2.navtool", "cycle", cycle_id=cid))
    assert _level(f, cid, alex.id, comp) == "developing"
    assert state(f.store) == state(b.store)


def test_a_correction_after_an_import_beats_the_import_even_with_a_slow_clock(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    """The HLC receive rule: the facilitator's clock is behind B's by years, and the
    correction is made one millisecond of wall time after the import."""
    f, b, _c = laptops
    cid = f.start()
    sam = f.store.save_participant(cid, Participant(name="Sam", role_group="educator"))
    b.receive(f.export(tmp_path / "s.navtool"))
    comp = pack.competencies[1].id
    b.store.save_rating(cid, Rating(participant_id=sam.id, competency_id=comp, level="refining"))
    f.receive(b.export(tmp_path / "b.navtool", "cycle", cycle_id=cid))
    f.tick(milliseconds=1)
    fixed = f.store.save_rating(cid, Rating(participant_id=sam.id, competency_id=comp,
                                            level="developing"))
    imported = b.store.cycle(cid).rating_for(sam.id, comp)
    assert imported is not None and fixed.version > imported.version  # same digits: text order works
    assert fixed.updated.startswith("2026-12-01")  # its own wall time stays honest
    f.receive(tmp_path / "b.navtool")
    assert _level(f, cid, sam.id, comp) == "developing"


def test_a_deleted_participant_and_ratings_never_come_back(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    f, b, c = laptops
    cid = f.start()
    jo = f.store.save_participant(cid, Participant(name="Jo", role_group="learner"))
    sam = f.store.save_participant(cid, Participant(name="Sam", role_group="educator"))
    start = f.export(tmp_path / "start.navtool")
    b.receive(start)
    c.receive(start)
    comp = pack.competencies[0].id
    for person in (jo, sam):
        b.store.save_rating(cid, Rating(participant_id=person.id, competency_id=comp,
                                        level="developing"))
    usb = b.export(tmp_path / "b.navtool", "cycle", cycle_id=cid)
    f.receive(usb)
    c.receive(usb)
    # Jo withdrew: the facilitator removes Jo with Jo's rating
    f.tick(minutes=10)
    f.store.delete_participant(cid, jo.id)
    data = f.store.cycle(cid)
    assert {t.kind for t in data.tombstones.values()} == {"participant", "rating"}
    again = f.receive(usb)
    assert again.counts["kept_deleted", "participant"] == 1
    assert again.counts["kept_deleted", "rating"] == 1
    assert "Kept deleted" in again.text()
    assert set(f.store.cycle(cid).participants) == {sam.id}
    # the deletion travels: C removes Jo too, and then B's old bundle cannot bring Jo back on C
    gone = c.receive(f.export(tmp_path / "f.navtool", "cycle", cycle_id=cid))
    assert gone.counts["deleted", "participant"] == 1 and "Deleted" in gone.text()
    assert jo.id not in c.store.cycle(cid).participants
    assert not any(r.participant_id == jo.id for r in c.store.cycle(cid).ratings.values())
    c.receive(usb)
    assert jo.id not in c.store.cycle(cid).participants
    assert state(c.store) == state(f.store)
    # navtool check shows the deletions kept
    report = check_data_dir(f.repo.folder, pack, clock=lambda: f.time)
    assert report.ok and any("2 deletions kept" in n for n in report.notes)
    f.close()
    assert main(["--data-dir", str(f.repo.folder), "check"]) == 0
    out = capsys.readouterr().out
    assert "Note:" in out and "2 deletions kept" in out and "1 participant, 1 rating" in out


def test_deleted_plans_goals_and_cycles_stay_deleted(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    f, b, _c = laptops
    cid = f.start()
    plan = f.store.save_plan(Plan(title="Plan", period_start="2027-01-01", period_end="2027-12-31"))
    goal = f.store.save_goal(Goal(plan_id=plan.id, competency_id=pack.competencies[0].id,
                                  current_level="developing", target_level="refining",
                                  target_date="2027-06-01", term="short", statement="Grow"))
    b.receive(f.export(tmp_path / "all.navtool"))
    old = b.export(tmp_path / "b.navtool")
    f.store.delete_goal(goal.id)
    f.store.delete_cycle(cid)
    back = f.receive(old)
    assert back.counts["kept_deleted", "goal"] == 1 and back.counts["kept_deleted", "cycle"] == 1
    assert f.store.goals() == [] and f.store.cycles() == []
    took = b.receive(f.export(tmp_path / "f.navtool"))
    assert took.counts["deleted", "goal"] == 1 and took.counts["deleted", "cycle"] == 1
    assert b.store.goals() == [] and b.store.cycles() == []
    assert not (b.store.folder / "cycles" / f"{cid}.json").exists()
    assert state(b.store) == state(f.store)


def test_a_participant_edited_on_two_laptops(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    f, b, c = laptops
    cid = f.start()
    sam = f.store.save_participant(cid, Participant(name="Sam", role_group="educator"))
    start = f.export(tmp_path / "start.navtool")
    b.receive(start)
    c.receive(start)
    # F and C change Sam without seeing each other's change: shown as a conflict to decide
    f.tick(minutes=5)
    f.store.save_participant(cid, sam.replace(name="Sam Ortiz"))
    c.tick(minutes=20)
    c.store.save_participant(cid, sam.replace(role_group="leader"))
    clash = f.receive(c.export(tmp_path / "c.navtool", "cycle", cycle_id=cid))
    assert clash.counts["conflicts", "participant"] == 1
    [line] = clash.conflicts
    assert "Sam Ortiz" in line and "Leader" in line and "kept" in line
    # the later change (C's, by its clock) is kept on both laptops once they have swapped
    c.receive(f.export(tmp_path / "f.navtool", "cycle", cycle_id=cid))
    assert f.store.cycle(cid).participants[sam.id].role_group == "leader"
    assert state(c.store)[f"{cid} participants"] == state(f.store)[f"{cid} participants"]
    # B (clock years ahead) takes that, then corrects Sam's role group: the correction
    # reaches the facilitator as an update (it never did before), not as "the newer" local copy
    b.receive(tmp_path / "f.navtool")
    b.store.save_participant(cid, b.store.cycle(cid).participants[sam.id].replace(role_group="learner"))
    got = f.receive(b.export(tmp_path / "b.navtool", "cycle", cycle_id=cid))
    assert got.counts["updated", "participant"] == 1 and got.total("conflicts") == 0
    assert f.store.cycle(cid).participants[sam.id].role_group == "learner"
    assert "the newer" not in got.text()


def test_the_same_person_on_two_laptops_is_flagged_and_merged(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    f, b, _c = laptops
    cid = f.start()
    b.receive(f.export(tmp_path / "start.navtool"))
    comps = [c.id for c in pack.competencies[:3]]
    maria = f.store.save_participant(cid, Participant(name="Maria", role_group="learner"))
    f.store.save_rating(cid, Rating(participant_id=maria.id, competency_id=comps[0], level="establishing"))
    f.store.save_rating(cid, Rating(participant_id=maria.id, competency_id=comps[1], level="refining"))
    twin = b.store.save_participant(cid, Participant(name=" maria ", role_group="learner"))
    b.store.save_rating(cid, Rating(participant_id=twin.id, competency_id=comps[0], level="developing"))
    b.store.save_rating(cid, Rating(participant_id=twin.id, competency_id=comps[2], level="developing"))
    summary = f.receive(b.export(tmp_path / "b.navtool", "cycle", cycle_id=cid))
    [dup] = summary.duplicates
    assert (dup.existing_id, dup.incoming_id, dup.source) == (maria.id, twin.id, "b.navtool")
    assert "Possibly the same person" in summary.text() and "Maria · Learner" in summary.text()
    # the facilitator says they are the same person: one Maria, every rating kept, the
    # newer of each pair (B's, by its clock) wins
    kept = f.store.merge_participants(cid, maria.id, twin.id)
    data = f.store.cycle(cid)
    assert list(data.participants) == [kept.id] == [maria.id]
    assert {r.competency_id: r.level for r in data.ratings.values()} == {
        comps[0]: "developing", comps[1]: "refining", comps[2]: "developing"}
    # B takes the merge: its Maria is gone, with her ratings under the kept one
    b.receive(f.export(tmp_path / "f.navtool", "cycle", cycle_id=cid))
    assert state(b.store) == state(f.store)
    # a re-import of B's old bundle does not bring the twin back, nor flag her again
    again = f.receive(tmp_path / "b.navtool")
    assert again.duplicates == [] and list(f.store.cycle(cid).participants) == [maria.id]


def test_merging_prefers_the_dropped_rating_when_asked(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack) -> None:
    f = laptops[0]
    cid = f.start()
    comp = pack.competencies[0].id
    one = f.store.save_participant(cid, Participant(code="L-07", role_group="learner"))
    two = f.store.save_participant(cid, Participant(code="l-07", role_group="leader"))
    f.store.save_rating(cid, Rating(participant_id=one.id, competency_id=comp, level="refining"))
    f.tick(seconds=1)
    f.store.save_rating(cid, Rating(participant_id=two.id, competency_id=comp, level="establishing"))
    f.store.merge_participants(cid, two.id, one.id, prefer_dropped=[comp])
    assert _level(f, cid, two.id, comp) == "refining"
    assert list(f.store.cycle(cid).participants) == [two.id]


def test_a_closed_cycle_refuses_every_bundle_until_reopened(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    f, b, _c = laptops
    cid = f.start()
    alex = f.store.save_participant(cid, Participant(name="Alex", role_group="educator"))
    comp = pack.competencies[0].id
    f.store.save_rating(cid, Rating(participant_id=alex.id, competency_id=comp, level="developing"))
    b.receive(f.export(tmp_path / "start.navtool"))
    f.store.save_cycle(f.store.get_cycle(cid).replace(status="closed"))
    # B keeps working on the cycle it still has open
    b.store.save_rating(cid, Rating(participant_id=alex.id, competency_id=comp, level="refining"))
    b.store.save_consensus(cid, Consensus(competency_id=comp, level="refining"))
    late = b.store.save_participant(cid, Participant(name="Late", role_group="leader"))
    usb = tmp_path / "usb"
    usb.mkdir()
    b.export(usb / "cycle.navtool", "cycle", cycle_id=cid)
    b.export(usb / "late.navtool", "participant", cycle_id=cid, participant_id=late.id)
    b.export(usb / "district.navtool")
    before = state(f.store)
    summary = f.receive(usb)
    assert state(f.store) == before
    closed = dict(summary.closed)
    assert set(closed) == {"cycle.navtool", "district.navtool"}
    assert "Fall retreat" in closed["cycle.navtool"]
    assert [name for name, _why in summary.refused] == ["late.navtool"]
    assert "closed" in summary.text()
    # reopening is explicit, here from the command line
    f.close()
    assert main(["--data-dir", str(f.repo.folder), "cycle", "reopen"]) == 0
    assert "Reopened" in capsys.readouterr().out
    f.repo = type(f.repo)(f.repo.folder, clock=lambda: f.time)
    taken = f.receive(usb)
    assert taken.ok and taken.closed == []
    assert _level(f, cid, alex.id, comp) == "refining"
    assert main(["--data-dir", str(tmp_path / "nowhere"), "cycle", "list"]) == 1


def test_a_bundle_that_reopened_the_cycle_elsewhere_is_taken(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    f, b, _c = laptops
    cid = f.start()
    alex = f.store.save_participant(cid, Participant(name="Alex", role_group="educator"))
    f.store.save_cycle(f.store.get_cycle(cid).replace(status="closed"))
    b.receive(f.export(tmp_path / "closed.navtool"))
    assert b.store.get_cycle(cid).status == "closed"
    b.store.save_cycle(b.store.get_cycle(cid).replace(status="open"))  # explicitly, on B
    b.store.save_rating(cid, Rating(participant_id=alex.id, competency_id=pack.competencies[0].id,
                                    level="refining"))
    got = f.receive(b.export(tmp_path / "open.navtool", "cycle", cycle_id=cid))
    assert got.closed == [] and f.store.get_cycle(cid).status == "open"
    assert got.counts["added", "rating"] == 1


def test_a_closed_cycle_is_not_deleted_from_afar(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    f, b, _c = laptops
    cid = f.start()
    b.receive(f.export(tmp_path / "start.navtool"))
    f.store.save_cycle(f.store.get_cycle(cid).replace(status="closed"))
    b.store.delete_cycle(cid)
    got = f.receive(b.export(tmp_path / "b.navtool"))
    assert [c.id for c in f.store.cycles()] == [cid]
    assert "deletion of the closed cycle" in got.text()


def test_a_bundle_from_the_previous_app_version_merges_with_migrated_data(
        pack: Pack, tmp_path: Path) -> None:
    """A laptop still on the previous version (schema 1, bundle format 1: no versions, no
    tombstones) exports the same data this laptop migrated: nothing changes; a rating it
    changed later (by its ``updated`` time) is still taken."""
    import json
    import shutil

    from exchange_helpers import zip_from_data

    from navtool_desktop.exchange.files import make_content

    sample = Path(__file__).resolve().parent.parent / "data" / "store-v1"
    shutil.copytree(sample, tmp_path / "f")
    district = next((tmp_path / "f" / "districts").iterdir())
    raw = {p.name: json.loads(p.read_text("utf-8")) for p in (district / "cycles").glob("*.json")}
    top = json.loads((district / "district.json").read_text("utf-8"))
    f = Laptop(tmp_path / "f", "Facilitator", at("2026-12-01T09:00:00"), pack)
    try:
        f.district_id = district.name
        cycle = f.store.cycles()[-1]
        content = make_content(f.store, pack, "cycle", cycle_id=cycle.id)  # for the manifest
        v1 = raw[f"{cycle.id}.json"]
        [cycle_doc] = [d for d in top["cycles"].values() if d["id"] == cycle.id]
        member = {"cycle": cycle_doc, **{name: list(v1[name].values()) for name in (
            "participants", "ratings", "responses", "consensus", "tallies")}}
        rating = member["ratings"][0]
        rating.update(level="refining" if rating["level"] != "refining" else "developing",
                      updated="2026-11-30T10:00:00.000Z")
        data = {"district.json": {"district": next(iter(top["district"].values())), "plans": [],
                                  "goals": [], "actions": [], "progress": []},
                f"cycles/{cycle.id}.json": member}
        manifest = {"format_version": 1}
        (tmp_path / "old.navtool").write_bytes(zip_from_data(content, data, manifest_changes=manifest))
        got = f.receive(tmp_path / "old.navtool")
        assert got.ok, got.text()
        assert (got.total("added"), got.total("conflicts"), got.total("updated")) == (0, 0, 1)
        assert got.counts["updated", "rating"] == 1
        assert got.counts["unchanged", "participant"] == len(member["participants"])
        saved = f.store.cycle(cycle.id).ratings[rating["id"]]
        assert saved.level == rating["level"] and saved.version.endswith(".0.v1")
    finally:
        f.close()


def test_deletions_a_bundle_kind_cannot_carry_are_refused(
        laptops: tuple[Laptop, Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    """A participant bundle deletes nothing; a cycle bundle cannot delete cycles or plans."""
    import dataclasses

    from navtool_desktop.core.clock import format_version
    from navtool_desktop.core.records import Tombstone
    from navtool_desktop.exchange import BundleError, read_bundle, write_bundle
    from navtool_desktop.exchange.files import make_content

    f = laptops[0]
    cid = f.start()
    ana = f.store.save_participant(cid, Participant(name="Ana", role_group="educator"))
    stone = Tombstone(id=ana.id, kind="participant", version=format_version(1, 0, "x"))
    mine = make_content(f.store, pack, "participant", cycle_id=cid, participant_id=ana.id)
    part = dataclasses.replace(mine.cycles[0], tombstones=(stone,))
    with pytest.raises(BundleError, match="one participant"):
        read_bundle(write_bundle(dataclasses.replace(mine, cycles=(part,))), pack)
    whole = make_content(f.store, pack, "cycle", cycle_id=cid)
    gone = Tombstone(id=cid, kind="cycle", version=format_version(1, 0, "x"))
    with pytest.raises(BundleError, match="delete cycles"):
        read_bundle(write_bundle(dataclasses.replace(whole, tombstones=(gone,))), pack)
    inside = dataclasses.replace(whole.cycles[0], tombstones=(gone,))
    with pytest.raises(BundleError, match="cannot hold"):
        read_bundle(write_bundle(dataclasses.replace(whole, cycles=(inside,))), pack)
