"""Attacks on merging: crafted versions, and edits that must not be lost (each a defect found)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from laptops import Laptop, at, state

from navtool_desktop.core.clock import HybridClock, is_version, parse_version
from navtool_desktop.core.records import Consensus, Participant, Rating, Tombstone
from navtool_desktop.exchange.bundle import BundleContent, read_bundle, write_bundle
from navtool_desktop.framework import Pack


@pytest.fixture
def pair(tmp_path: Path, pack: Pack) -> Iterator[tuple[Laptop, Laptop]]:
    made = (Laptop(tmp_path / "a", "A", at("2026-12-01T09:00:00"), pack),
            Laptop(tmp_path / "b", "B", at("2026-12-01T09:00:00"), pack))
    yield made
    for laptop in made:
        laptop.close()


def _craft(path: Path, out: Path, pack: Pack,
           change: Callable[[BundleContent], BundleContent]) -> Path:
    content = read_bundle(path.read_bytes(), pack, source=path.name)
    out.write_bytes(write_bundle(change(content)))
    return out


def _with_rating_version(version: str, prior: str = "") -> Callable[[BundleContent], BundleContent]:
    def change(content: BundleContent) -> BundleContent:
        part = content.cycles[0]
        rating = dataclasses.replace(part.ratings[0], version=version, prior=prior,
                                     level="refining")
        return dataclasses.replace(content, cycles=(dataclasses.replace(part, ratings=(rating,)),))
    return change


def test_a_clock_that_received_the_largest_counter_still_makes_valid_later_versions() -> None:
    clock = HybridClock("a1", now=lambda: at("2026-12-01T09:00:00"))
    top = "253402300799999.999999999999.zz"  # the latest wall a bundle may carry
    assert is_version(top)
    clock.receive(top)
    made = clock.tick()
    assert is_version(made) and parse_version(made) > parse_version(top)
    clock.receive("1796115600000.999999999999.zz")
    again = clock.tick()
    assert is_version(again) and parse_version(again) > parse_version(made)


@pytest.mark.parametrize(("version", "prior"), [
    ("1796119200000.999999999999.evil", ""),  # a counter no laptop reaches: every later save broke
    ("9999999999999999.0.evil", ""),  # the year 318857: this laptop's versions carried it for ever
    ("1796119200000.0.evil", "1796119200000.0.evil"),  # replaced itself: hides every conflict
    ("1796119200000.0.evil", "1796119200001.0.evil"),  # replaced a later version than its own
])
def test_a_crafted_version_is_refused_and_this_laptop_can_still_save(
        pair: tuple[Laptop, Laptop], pack: Pack, tmp_path: Path, version: str, prior: str) -> None:
    a, _b = pair
    cid = a.start()
    alex = a.store.save_participant(cid, Participant(name="Alex", role_group="educator"))
    comp = pack.competencies[0].id
    a.store.save_rating(cid, Rating(participant_id=alex.id, competency_id=comp, level="developing"))
    honest = a.export(tmp_path / "a.navtool", "cycle", cycle_id=cid)
    evil = _craft(honest, tmp_path / "evil.navtool", pack, _with_rating_version(version, prior))
    got = a.receive(evil)
    assert not got.ok and got.refused[0][0] == "evil.navtool"
    assert "version" in got.refused[0][1]
    # a correction made here after that import is saved, and it is the one kept
    a.tick(minutes=1)
    fixed = a.store.save_rating(cid, Rating(participant_id=alex.id, competency_id=comp,
                                            level="establishing"))
    assert is_version(fixed.version)
    assert a.store.cycle(cid).rating_for(alex.id, comp).level == "establishing"  # type: ignore[union-attr]


def test_a_rating_entered_for_a_participant_merged_on_another_laptop_goes_to_the_kept_one(
        pair: tuple[Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    """Laptop A merges two "Maria"s; laptop B, before it hears of that, records a rating of
    another competency for the Maria that A dropped. Before: A said "kept deleted: 1 rating"
    and B dropped its own rating silently; Maria's vote was lost on both."""
    a, b = pair
    cid = a.start()
    comp, other = pack.competencies[0].id, pack.competencies[1].id
    kept = a.store.save_participant(cid, Participant(name="Maria", role_group="learner"))
    dropped = a.store.save_participant(cid, Participant(name="maria", code="L-1",
                                                        role_group="learner"))
    a.store.save_rating(cid, Rating(participant_id=kept.id, competency_id=comp, level="developing"))
    b.receive(a.export(tmp_path / "start.navtool"))
    a.tick(minutes=1)
    b.tick(minutes=2)
    a.store.merge_participants(cid, kept.id, dropped.id)
    b.store.save_rating(cid, Rating(participant_id=dropped.id, competency_id=other,
                                    level="refining"))
    from_b = b.export(tmp_path / "b.navtool", "cycle", cycle_id=cid)
    from_a = a.export(tmp_path / "a.navtool", "cycle", cycle_id=cid)
    got_a, got_b = a.receive(from_b), b.receive(from_a)
    assert got_a.ok and got_b.ok
    for laptop in (a, b):
        data = laptop.store.cycle(cid)
        assert set(data.participants) == {kept.id}
        late = data.rating_for(kept.id, other)
        assert late is not None and late.level == "refining"
        assert data.rating_for(kept.id, comp).level == "developing"  # type: ignore[union-attr]
    assert state(a.store) == state(b.store)
    # the next exchange changes nothing
    again = a.receive(b.export(tmp_path / "b2.navtool", "cycle", cycle_id=cid))
    assert (again.total("added"), again.total("updated"), again.total("conflicts")) == (0, 0, 0)
    assert state(a.store) == state(b.store)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_a_merge_on_one_laptop_and_a_deletion_on_another_settle_the_same_everywhere(
        tmp_path: Path, pack: Pack, order: tuple[int, int]) -> None:
    """Laptop B merges Jo into Jon while laptop C deletes Jo; laptop A had rated as Jo.
    Whatever order the bundles come in, all three end with the same data (the merge wins:
    Jo's rating goes to Jon)."""
    made = [Laptop(tmp_path / n, n, at(t), pack) for n, t in
            (("a", "2026-12-01T09:00:00"), ("b", "2026-12-01T09:01:00"), ("c", "2027-03-01T09:00:00"))]
    a, b, c = made
    cid = a.start()
    jon = a.store.save_participant(cid, Participant(name="Jon", role_group="educator"))
    jo = a.store.save_participant(cid, Participant(name="Jo", role_group="educator"))
    start = a.export(tmp_path / "start.navtool")
    b.receive(start)
    c.receive(start)
    comp = pack.competencies[0].id
    a.store.save_rating(cid, Rating(participant_id=jo.id, competency_id=comp, level="refining"))
    b.store.merge_participants(cid, jon.id, jo.id)
    c.store.delete_participant(cid, jo.id)
    latest = [laptop.export(tmp_path / f"latest{n}.navtool", "cycle", cycle_id=cid)
              for n, laptop in enumerate(made)]
    for n, laptop in enumerate(made):
        others = [latest[m] for m in range(3) if m != n]
        assert laptop.receive(*(others[i] for i in order)).ok
    states = [state(laptop.store) for laptop in made]
    assert states[0] == states[1] == states[2]
    moved = a.store.cycle(cid).rating_for(jon.id, comp)
    assert moved is not None and moved.level == "refining"
    for laptop in made:
        laptop.close()


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_two_merges_of_one_participant_into_different_people_settle_the_same_everywhere(
        tmp_path: Path, pack: Pack, order: tuple[int, int]) -> None:
    """Laptop A rates as Jo; laptop B merges Jo into Jon; laptop C, whose clock is behind,
    merges Jo into Ann and deletes Jon. B's merge is the later one, so it wins, and Jon is
    deleted: Jo's rating goes nowhere. Before: a laptop that took C's bundle first moved
    the rating to Ann and kept it there when B's merge replaced C's (the convergence test
    found it), while the others had no such rating."""
    made = [Laptop(tmp_path / n, n, at(t), pack) for n, t in
            (("a", "2026-12-01T09:00:00"), ("b", "2026-12-01T09:01:00"), ("c", "2026-11-29T09:00:00"))]
    a, b, c = made
    cid = a.start()
    jon, jo, ann = (a.store.save_participant(cid, Participant(name=name, role_group="educator"))
                    for name in ("Jon", "Jo", "Ann"))
    start = a.export(tmp_path / "start.navtool")
    b.receive(start)
    c.receive(start)
    comp = pack.competencies[0].id
    a.store.save_rating(cid, Rating(participant_id=jo.id, competency_id=comp, level="refining"))
    b.store.merge_participants(cid, jon.id, jo.id)
    c.store.merge_participants(cid, ann.id, jo.id)
    c.store.delete_participant(cid, jon.id)
    latest = [laptop.export(tmp_path / f"latest{n}.navtool", "cycle", cycle_id=cid)
              for n, laptop in enumerate(made)]
    for n, laptop in enumerate(made):
        others = [latest[m] for m in range(3) if m != n]
        assert laptop.receive(*(others[i] for i in order)).ok
    states = [state(laptop.store) for laptop in made]
    assert states[0] == states[1] == states[2]
    data = a.store.cycle(cid)
    assert set(data.participants) == {ann.id}
    assert data.tombstones[jo.id].merged_into == jon.id
    assert data.rating_for(ann.id, comp) is None
    for laptop in made:
        laptop.close()


def test_a_merge_that_kept_the_kept_ones_rating_leaves_the_same_rating_on_every_laptop(
        pair: tuple[Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    """Laptop A merges Dee into Kay, who rated the same level earlier: A keeps Kay's
    rating and deletes Dee's. Before: laptop B, which had Dee's rating, moved it to Kay
    under a new id on import (it was the later one), so the two laptops held different
    ratings for Kay and that competency for ever."""
    a, b = pair
    cid = a.start()
    comp = pack.competencies[0].id
    kay, dee = (a.store.save_participant(cid, Participant(name=name, role_group="educator"))
                for name in ("Kay", "Dee"))
    a.tick(seconds=1)
    mine = a.store.save_rating(cid, Rating(participant_id=kay.id, competency_id=comp,
                                           level="refining"))
    a.tick(seconds=1)
    a.store.save_rating(cid, Rating(participant_id=dee.id, competency_id=comp, level="refining"))
    b.receive(a.export(tmp_path / "start.navtool"))
    a.tick(seconds=1)
    a.store.merge_participants(cid, kay.id, dee.id)
    from_a, from_b = a.export(tmp_path / "a.navtool"), b.export(tmp_path / "b.navtool")
    assert a.receive(from_b).ok and b.receive(from_a).ok
    assert state(a.store) == state(b.store)
    assert b.store.cycle(cid).rating_for(kay.id, comp).id == mine.id  # type: ignore[union-attr]


def test_a_deletion_of_another_kind_with_a_participants_id_does_not_split_the_laptops(
        pair: tuple[Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    """A crafted bundle "deletes a rating" whose id is a participant's. Before: the laptop
    holding the participant kept it, the other refused it on every import (kept deleted),
    and the two never agreed again. Now the record with that id goes on both."""
    a, b = pair
    cid = a.start()
    b.receive(a.export(tmp_path / "start.navtool"))
    sam = a.store.save_participant(cid, Participant(name="Sam", role_group="educator"))
    honest = a.export(tmp_path / "a.navtool", "cycle", cycle_id=cid)

    def stone_for_sam(content: BundleContent) -> BundleContent:
        part = content.cycles[0]
        fake = Tombstone(id=sam.id, kind="rating", version="1796115600000.0.evil",
                         deleted="2026-12-01T09:00:00.000Z")
        return dataclasses.replace(content, cycles=(dataclasses.replace(
            part, participants=(), ratings=(), tombstones=(fake,)),))

    evil = _craft(honest, tmp_path / "evil.navtool", pack, stone_for_sam)
    assert a.receive(evil).ok and b.receive(evil).ok
    b.receive(a.export(tmp_path / "a2.navtool", "cycle", cycle_id=cid))
    a.receive(b.export(tmp_path / "b2.navtool", "cycle", cycle_id=cid))
    assert sam.id not in a.store.cycle(cid).participants
    assert state(a.store) == state(b.store)


def test_a_deletion_of_a_plan_with_a_cycles_id_does_not_split_the_laptops(
        pair: tuple[Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    a, b = pair
    a.start()
    b.receive(a.export(tmp_path / "start.navtool"))
    second = a.store.create_cycle(dataclasses.replace(
        a.store.cycles()[0], id="0c7e7c1e-7b0a-4c55-9a53-3b5d2b1f1a10", title="Spring",
        version="", prior="")).cycle
    honest = a.export(tmp_path / "a.navtool")

    def stone_for_cycle(content: BundleContent) -> BundleContent:
        fake = Tombstone(id=second.id, kind="plan", version="1796115600000.0.evil",
                         deleted="2026-12-01T09:00:00.000Z")
        return dataclasses.replace(content, cycles=(), tombstones=(fake,))

    evil = _craft(honest, tmp_path / "evil.navtool", pack, stone_for_cycle)
    assert a.receive(evil).ok and b.receive(evil).ok
    b.receive(a.export(tmp_path / "a2.navtool"))
    a.receive(b.export(tmp_path / "b2.navtool"))
    assert state(a.store) == state(b.store)


def test_two_laptops_that_each_record_a_consensus_see_a_conflict(
        pair: tuple[Laptop, Laptop], pack: Pack, tmp_path: Path) -> None:
    """Each laptop records the first consensus of one competency without having seen the
    other's. Before: the later version replaced the facilitator's as a plain "update" (the
    winner had no prior, which counted as having seen everything), so no one was asked."""
    a, b = pair
    cid = a.start()
    b.receive(a.export(tmp_path / "start.navtool"))
    comp = pack.competencies[0].id
    b.tick(days=365 * 4)  # a clock years ahead
    b.store.save_consensus(cid, Consensus(competency_id=comp, level="refining"))
    a.store.save_consensus(cid, Consensus(competency_id=comp, level="developing"))
    got = a.receive(b.export(tmp_path / "b.navtool", "cycle", cycle_id=cid))
    assert got.ok and got.counts["conflicts", "consensus"] == 1 and got.total("updated") == 0
    assert "developing" in got.text().split("Conflicts (")[1]
