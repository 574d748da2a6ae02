"""Merge checked bundles into the repository by id: plan every change first, then apply.

Rules: every record carries a version from its laptop's hybrid logical clock (see
:mod:`navtool_desktop.core.clock`), and the later version wins, never the later wall time.
A record not yet here is added, an identical one is unchanged, a different one is replaced
only by a later version. When two versions were made on two laptops that had not seen each
other's, the later one is kept and both are listed as a conflict for a person to decide.
Deletions travel as tombstones: a deleted record (or one whose participant, cycle, plan,
goal or action was deleted) is never brought back. A closed cycle takes no change from any
bundle. Records dated more than a day ahead of this laptop's clock are flagged, naming the
laptop. Each bundle is accepted or refused as a whole; the accepted ones are written
together, and a write that fails part-way changes no file.
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from navtool_desktop import paths
from navtool_desktop.core.clock import (
    FUTURE_TOLERANCE_MS,
    LEGACY_LAPTOP,
    ms_to_time,
    parse_version,
    time_ms,
)
from navtool_desktop.core.records import (
    Consensus,
    Cycle,
    District,
    Participant,
    QuestionResponse,
    Rating,
    Record,
    Tally,
    Tombstone,
    role_label,
    same_person,
    version_key,
    version_of,
)
from navtool_desktop.exchange.bundle import BundleContent, CycleContent
from navtool_desktop.exchange.errors import BundleError
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.errors import PartialWriteError, StoreError
from navtool_desktop.storage.repository import DistrictStore, Repository

R = TypeVar("R", bound=Record)
OUTCOMES: tuple[str, ...] = ("added", "updated", "unchanged", "deleted", "kept_deleted",
                             "conflicts")
#: Tables of a cycle, and what they are called in the store.
_CYCLE_TABLES = {"participant": "participants", "rating": "ratings", "response": "responses",
                 "consensus": "consensus", "tally": "tallies"}
_DISTRICT_TABLES = {"plan": "plans", "goal": "goals", "action": "actions", "note": "progress"}
#: The parent field of records that belong to another record.
_PARENT = {"rating": "participant_id", "response": "participant_id", "goal": "plan_id",
           "action": "goal_id", "note": "action_id"}


def _what() -> dict[str, str]:
    return {"district": _("district profile"), "cycle": _("cycle"),
            "participant": _("participant"), "rating": _("rating"), "response": _("answer"),
            "consensus": _("consensus"), "tally": _("paper tally"), "plan": _("plan"),
            "goal": _("goal"), "action": _("action"), "note": _("progress note")}


@dataclass(frozen=True)
class PossibleDuplicate:
    """A participant from a bundle whose name or code matches another one in the cycle."""

    cycle_id: str
    cycle_title: str
    existing_id: str
    existing: str  # label and role group, for the question
    incoming_id: str
    incoming: str
    source: str


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do), in counts and readable lines."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (outcome, record type)
    conflicts: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)  # bundle names accepted
    refused: list[tuple[str, str]] = field(default_factory=list)  # (bundle name, reason)
    #: Changes a closed cycle did not take: (bundle name, what was left out).
    closed: list[tuple[str, str]] = field(default_factory=list)
    #: Laptops whose clock is ahead: laptop id -> (its name or "", latest wall ms, bundle).
    clocks: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    duplicates: list[PossibleDuplicate] = field(default_factory=list)
    #: Revocation lists the bundles carried: taken into the signing folder, and ignored (not
    #: signed by a district root this laptop trusts, or not kept for another reason).
    revocations: list[str] = field(default_factory=list)
    revocations_ignored: list[str] = field(default_factory=list)
    dry_run: bool = False

    def total(self, outcome: str) -> int:
        if outcome == "conflicts":
            return len(self.conflicts)
        return sum(n for (o, _w), n in self.counts.items() if o == outcome)

    @property
    def ok(self) -> bool:
        return not self.refused

    @property
    def needs_a_look(self) -> bool:
        """Whether a person should read the summary: conflicts, a wrong clock, possible
        duplicates, deletions, changes a closed cycle refused, or refused bundles."""
        return bool(self.conflicts or self.clocks or self.duplicates or self.closed
                    or self.refused or self.revocations_ignored or self.total("deleted")
                    or self.total("kept_deleted"))

    def clock_lines(self) -> list[str]:
        """One sentence per laptop whose clock looks wrong."""
        lines = []
        for laptop, (name, wall, source) in sorted(self.clocks.items()):
            lines.append(_("The laptop \u201c{name}\u201d (id {id}, in {source}) saved records "
                           "dated {when}, more than a day ahead of this laptop's clock: that "
                           "laptop's clock is wrong: set its date and time. Its records were "
                           "imported all the same, and a correction made here after this "
                           "import still wins over them.").format(
                name=name or _("not named"), id=laptop, source=source, when=ms_to_time(wall)[:10]))
        return lines

    def text(self) -> str:
        """The summary as plain text a person can read."""
        what = _what()
        head = (_("Dry run: nothing was changed. {n} bundle(s) would be imported, {m} refused.")
                if self.dry_run else _("{n} bundle(s) imported, {m} refused."))
        lines = [head.format(n=len(self.imported), m=len(self.refused))]
        titles = {"added": _("Added"), "updated": _("Updated"), "unchanged": _("Unchanged"),
                  "deleted": _("Deleted (deleted on another laptop)"),
                  "kept_deleted": _("Kept deleted (deleted here, not brought back)"),
                  "conflicts": _("Conflicts")}
        for outcome in OUTCOMES:
            parts = [f"{n} {what[w]}" for (o, w), n in sorted(self.counts.items())
                     if o == outcome and n]
            total = self.total(outcome)
            if outcome in ("deleted", "kept_deleted") and not total:
                continue
            lines.append(_("{title}: {total}").format(title=titles[outcome], total=total)
                         + (f" ({', '.join(parts)})" if parts and outcome != "conflicts" else ""))
        if self.clocks:
            lines += ["", _("Wrong clock:")]
            lines += [f"  - {line}" for line in self.clock_lines()]
        if self.updates:
            lines += ["", _("Updated (the bundle's version was later):")]
            lines += [f"  - {line}" for line in self.updates]
        if self.conflicts:
            lines += ["", _("Conflicts (changed on two laptops that had not seen each other's "
                            "change; the later one was kept. Check each and correct it if "
                            "needed):")]
            lines += [f"  - {line}" for line in self.conflicts]
        if self.duplicates:
            lines += ["", _("Possibly the same person twice (merge them on the Reflect and "
                            "Listen screen if so):")]
            lines += [f"  - {d.cycle_title}: {d.existing} / {d.incoming} ({d.source})"
                      for d in self.duplicates]
        if self.revocations:
            lines += ["", _("Revoked signers (navtool verify now counts them):")]
            lines += [f"  - {line}" for line in self.revocations]
        if self.revocations_ignored:
            lines += ["", _("Lists of revoked signers that were ignored (the rest of the bundle "
                            "was imported):")]
            lines += [f"  - {line}" for line in self.revocations_ignored]
        if self.closed:
            lines += ["", _("Refused because the cycle is closed here (reopen it to take them):")]
            lines += [f"  - {name}: {reason}" for name, reason in self.closed]
        if self.refused:
            lines += ["", _("Refused (nothing from these files was imported):")]
            lines += [f"  - {name}: {reason}" for name, reason in self.refused]
        return "\n".join(lines) + "\n"


class _Table:
    """One kind of record of a district or cycle, keyed for merging, with what changed."""

    def __init__(self, kind: str, records: Iterable[Record], key: Callable[[Any], Hashable]) -> None:
        self.kind = kind
        self.key = key
        self.rows: dict[Hashable, Record] = {key(r): r for r in records}
        self.stored_ids: dict[Hashable, str] = {k: r.id for k, r in self.rows.items()}  # type: ignore[attr-defined]
        self.changed: dict[Hashable, Record] = {}
        self.removed: dict[Hashable, str] = {}  # key -> stored id taken out
        self.from_batch: dict[Hashable, str] = {}  # key -> bundle that put it there

    def snapshot(self) -> tuple[dict[Hashable, Any], ...]:
        return dict(self.rows), dict(self.changed), dict(self.removed), dict(self.from_batch)

    def restore(self, snap: tuple[dict[Hashable, Any], ...]) -> None:
        self.rows, self.changed, self.removed, self.from_batch = (dict(s) for s in snap)

    def puts(self) -> list[tuple[Any, str | None]]:
        """Changed records with the stored id each replaces (if another)."""
        return [(r, self.stored_ids.get(k)) for k, r in self.changed.items()]

    def remove_where(self, test: Callable[[Record], bool]) -> list[Record]:
        """Take out every row ``test`` picks; return them."""
        gone = [(k, r) for k, r in self.rows.items() if test(r)]
        for key, _record in gone:
            del self.rows[key]
            self.changed.pop(key, None)
            self.from_batch.pop(key, None)
            if key in self.stored_ids:
                self.removed[key] = self.stored_ids[key]
        return [r for _k, r in gone]

    def removed_ids(self) -> list[str]:
        return [rid for key, rid in self.removed.items() if key not in self.changed]


class _Stones:
    """The tombstones of one file: stored ones, and those an import adds."""

    def __init__(self, stored: Iterable[Tombstone]) -> None:
        self.rows: dict[str, Tombstone] = {t.id: t for t in stored}
        self.changed: dict[str, Tombstone] = {}

    def snapshot(self) -> tuple[dict[str, Tombstone], dict[str, Tombstone]]:
        return dict(self.rows), dict(self.changed)

    def restore(self, snap: tuple[dict[str, Tombstone], dict[str, Tombstone]]) -> None:
        self.rows, self.changed = dict(snap[0]), dict(snap[1])

    def __contains__(self, rid: object) -> bool:
        return rid in self.rows

    def add(self, stone: Tombstone) -> bool:
        """Take a tombstone in (of two for one id, a merge into another participant before a
        plain deletion, then the later); whether it is new here."""
        known = self.rows.get(stone.id)
        if known is not None and _stone_rank(known) >= _stone_rank(stone):
            return False
        self.rows[stone.id] = stone
        self.changed[stone.id] = stone
        return known is None


@dataclass
class _CycleState:
    cycle: Cycle
    is_new: bool
    tables: dict[str, _Table]
    stones: _Stones
    cycle_changed: bool = False
    #: Ratings and answers whose participant was deleted or merged into another (from the
    #: bundles, or this laptop's taken out by a bundle's tombstone), by participant, with
    #: the bundle that brought them or their tombstone. Once every bundle is in, those of
    #: a participant merged into one still here go to that one (see :meth:`Merger._heirs`).
    parked: dict[str, list[tuple[str, Record, str]]] = field(default_factory=dict)


class _DistrictState:
    """A district's records as they are, plus the changes planned so far."""

    def __init__(self, district_id: str, store: DistrictStore | None, profile: District) -> None:
        self.id = district_id
        self.store = store
        self.is_new = store is None
        self.profile = profile
        self.profile_changed = self.is_new
        self.cycles: dict[str, _CycleState] = {}
        self.removed_cycles: dict[str, str] = {}  # id -> title
        stored: dict[str, Iterable[Record]] = {"plan": (), "goal": (), "action": (), "note": ()}
        if store is not None:
            stored = {"plan": store.plans(), "goal": store.goals(), "action": store.actions(),
                      "note": store.progress_notes()}
        self.tables = {kind: _Table(kind, records, _by_id) for kind, records in stored.items()}
        self.stones = _Stones(store.tombstones() if store is not None else ())

    def known_cycle(self, cycle_id: str) -> bool:
        return (self.store is not None and cycle_id not in self.removed_cycles
                and any(c.id == cycle_id for c in self.store.cycles()))

    def cycle_state(self, cycle: Cycle) -> _CycleState:
        state = self.cycles.get(cycle.id)
        if state is not None:
            return state
        if self.known_cycle(cycle.id):
            assert self.store is not None
            data = self.store.cycle(cycle.id)
            state = _CycleState(data.cycle, False, _cycle_tables(
                data.participants.values(), data.ratings.values(), data.responses.values(),
                data.consensus.values(), data.tallies.values()),
                _Stones(data.tombstones.values()))
        else:
            state = _CycleState(cycle, True, _cycle_tables((), (), (), (), ()), _Stones(()), True)
        self.cycles[cycle.id] = state
        return state


def _by_id(record: Any) -> Hashable:
    return record.id


def _cycle_tables(participants: Iterable[Participant], ratings: Iterable[Rating],
                  responses: Iterable[QuestionResponse], consensus: Iterable[Consensus],
                  tallies: Iterable[Tally]) -> dict[str, _Table]:
    return {
        "participant": _Table("participant", participants, _by_id),
        "rating": _Table("rating", ratings, lambda r: (r.participant_id, r.competency_id)),
        "response": _Table("response", responses, _by_id),
        "consensus": _Table("consensus", consensus, lambda c: c.competency_id),
        "tally": _Table("tally", tallies, lambda t: (t.competency_id, t.role_group)),
    }


def _stone_rank(stone: Tombstone) -> tuple[bool, Any]:
    """Which of two tombstones for one id is kept, the same on every laptop whatever the
    order they came in: a merge (its participant's ratings live on) beats a deletion."""
    return bool(stone.merged_into), version_key(stone)


def _to_heir(cs: _CycleState, record: R) -> R:
    """A rating or answer of a participant merged into another (see
    :attr:`~navtool_desktop.core.records.Tombstone.merged_into`), moved to the participant
    kept (following merges of merges); unchanged if there is none here."""
    person, seen = record.participant_id, set()  # type: ignore[attr-defined]
    while person in cs.stones and person not in seen:
        seen.add(person)
        person = cs.stones.rows[person].merged_into
    if person and person not in seen and person in cs.tables["participant"].rows \
            and person != record.participant_id:  # type: ignore[attr-defined]
        # an id of its own, the same on every laptop that moves it
        digest = hashlib.sha256(f"{record.id} {person}".encode()).digest()[:16]  # type: ignore[attr-defined]
        return record.replace(id=str(uuid.UUID(bytes=digest, version=4)),  # type: ignore[call-arg]
                              participant_id=person)
    return record


def _dead(record: Record, kind: str, stones: _Stones) -> bool:
    """Whether a record, or the record it belongs to, was deleted."""
    parent = _PARENT.get(kind)
    return record.id in stones or (parent is not None and getattr(record, parent) in stones)  # type: ignore[attr-defined]


class Merger:
    """Plans the merge of bundles into a repository, one bundle at a time, then applies it.

    ``store`` limits the import to that open district (the app's case); without it a
    bundle's district is opened, or created if this laptop does not have it yet.
    """

    def __init__(self, repo: Repository, pack: Pack, store: DistrictStore | None = None,
                 *, dry_run: bool = False) -> None:
        self.repo = repo
        self.pack = pack
        self.store = store
        self.summary = ImportSummary(dry_run=dry_run)
        self._districts: dict[str, _DistrictState] = {}
        self._labels: dict[str, str] = {}
        self._names = {c.id: c.name for c in pack.competencies}
        self._content: BundleContent | None = None

    # --- planning -----------------------------------------------------------------------

    def add(self, content: BundleContent) -> None:
        """Plan one checked bundle's changes; refuse it whole (BundleError) if it cannot go in."""
        state = self._district(content)
        snaps = self._snapshot(state)
        summary = self.summary
        saved = (Counter(summary.counts), list(summary.conflicts), list(summary.updates),
                 list(summary.closed), dict(summary.clocks), list(summary.duplicates))
        try:
            self._plan(state, content)
        except BundleError:
            self._restore(state, snaps)
            (summary.counts, summary.conflicts, summary.updates, summary.closed, summary.clocks,
             summary.duplicates) = saved
            raise
        summary.imported.append(content.source)

    def refuse(self, source: str, reason: str) -> None:
        self.summary.refused.append((source, reason))

    def _district(self, content: BundleContent) -> _DistrictState:
        did = content.district_id
        state = self._districts.get(did)
        if state is not None:
            return state
        if self.store is not None:
            if did != self.store.id:
                raise BundleError(_("The bundle belongs to another district (\u201c{theirs}\u201d, made on "
                                    "another laptop), not to the one open here (\u201c{ours}\u201d), even "
                                    "if the names match. To work on it, add it with File > Districts\u2026 "
                                    "> Add from a bundle file.").format(
                    theirs=content.district.name[:100], ours=self.store.profile.name))
            store: DistrictStore | None = self.store
        elif any(d.id == did for d in self.repo.list_districts()):
            try:
                store = self.repo.open_district(did, auto_backup=False)
            except StoreError as exc:
                raise BundleError(str(exc)) from None
        else:
            store = None
        state = _DistrictState(did, store, store.profile if store else content.district)
        if store is None:
            self.summary.counts["added", "district"] += 1
        self._districts[did] = state
        return state

    @staticmethod
    def _snapshot(state: _DistrictState) -> Any:
        cycles = {cid: (c.cycle, c.cycle_changed, {k: t.snapshot() for k, t in c.tables.items()},
                        c.stones.snapshot(), {k: list(v) for k, v in c.parked.items()})
                  for cid, c in state.cycles.items()}
        return (state.profile, state.profile_changed, cycles,
                {k: t.snapshot() for k, t in state.tables.items()}, state.stones.snapshot(),
                dict(state.removed_cycles))

    @staticmethod
    def _restore(state: _DistrictState, snap: Any) -> None:
        state.profile, state.profile_changed, cycles, tables, stones, removed = snap
        for cid in list(state.cycles):
            if cid not in cycles:
                del state.cycles[cid]
        for cid, (cycle, changed, cycle_tables, cycle_stones, parked) in cycles.items():
            cs = state.cycles[cid]
            cs.cycle, cs.cycle_changed, cs.parked = cycle, changed, parked
            for kind, table_snap in cycle_tables.items():
                cs.tables[kind].restore(table_snap)
            cs.stones.restore(cycle_stones)
        for kind, table_snap in tables.items():
            state.tables[kind].restore(table_snap)
        state.stones.restore(stones)
        state.removed_cycles = dict(removed)

    def _plan(self, state: _DistrictState, content: BundleContent) -> None:
        source = content.source
        self._content = content
        if (content.kind == "district" and state.profile is not content.district
                and self._merge_one("district", content.district, source,
                                    current=state.profile, in_batch=state.profile_changed)):
            state.profile = content.district
            state.profile_changed = True
        elif state.profile is content.district:  # a district new here: its clock, too
            self._seen(content.district)
        for stone in content.tombstones:
            self._bury(state, stone)
        for part in content.cycles:
            if part.cycle.id in state.stones:
                self.summary.counts["kept_deleted", "cycle"] += 1
                continue
            self._plan_cycle(state, part, content.kind, source)
        for kind, records in (("plan", content.plans), ("goal", content.goals),
                              ("action", content.actions), ("note", content.notes)):
            for record in records:
                if _dead(record, kind, state.stones):
                    self.summary.counts["kept_deleted", kind] += 1
                    continue
                self._merge_into(state.tables[kind], record, source)

    def _bury(self, state: _DistrictState, stone: Tombstone) -> None:
        """Take a district tombstone in: remove the record (and what belongs to it). The
        record with its id goes whatever kind the tombstone names (one kind here and
        another there would keep laptops apart for ever)."""
        self._seen(stone)
        is_cycle = stone.kind == "cycle" or stone.id in state.cycles or state.known_cycle(stone.id)
        if is_cycle and stone.id not in state.stones and state.known_cycle(stone.id):
            assert state.store is not None
            here = state.cycles[stone.id].cycle if stone.id in state.cycles else \
                state.store.get_cycle(stone.id)
            if here.status == "closed":  # closed means closed: not even deleted from afar
                self.summary.closed.append((self._content.source if self._content else "", _(
                    "the deletion of the closed cycle \u201c{title}\u201d was not taken.").format(
                    title=here.title)))
                return
        if not state.stones.add(stone):
            return
        if is_cycle:
            cs = state.cycles.pop(stone.id, None)
            if state.known_cycle(stone.id):
                assert state.store is not None
                state.removed_cycles[stone.id] = state.store.get_cycle(stone.id).title
                self.summary.counts["deleted", "cycle"] += 1
            elif cs is not None and not cs.is_new:
                self.summary.counts["deleted", "cycle"] += 1
            return
        for kind, table in state.tables.items():
            if table.remove_where(lambda r: r.id == stone.id):  # type: ignore[attr-defined]
                self.summary.counts["deleted", kind] += 1
        # what belongs to it goes too (its own tombstones come in the same bundle)
        dead = {stone.id}
        for kind in ("goal", "action", "note"):
            parent, known = _PARENT[kind], frozenset(dead)
            removed = state.tables[kind].remove_where(
                lambda r, p=parent, k=known: getattr(r, p) in k)  # type: ignore[misc]
            dead |= {r.id for r in removed}  # type: ignore[attr-defined]

    def _plan_cycle(self, state: _DistrictState, part: CycleContent, kind: str, source: str) -> None:
        known = part.cycle.id in state.cycles
        cs = state.cycle_state(part.cycle)
        for person in (*cs.tables["participant"].rows.values(), *part.participants):
            self._labels[person.id] = person.label  # type: ignore[attr-defined]
        # closed here before this bundle, and not reopened by it (a later cycle record that
        # reopens it is taken: the cycle record itself always merges)
        was_closed = not cs.is_new and cs.cycle.status == "closed"
        if cs.is_new and not known:
            self.summary.counts["added", "cycle"] += 1
            self._seen(part.cycle)
        elif kind != "participant" and self._merge_one("cycle", part.cycle, source, current=cs.cycle,
                                                       in_batch=cs.is_new or cs.cycle_changed):
            if part.cycle.threshold < cs.cycle.threshold:
                self.summary.conflicts.append(_(
                    "\u201c{title}\u201d: kept the privacy threshold at {mine} (from {source}: {theirs}). A bundle "
                    "cannot lower it; change it on this laptop in the cycle's settings if you mean "
                    "to.").format(title=cs.cycle.title,
                                  mine=cs.cycle.threshold, theirs=part.cycle.threshold, source=source))
            cs.cycle = keep_threshold(cs.cycle, part.cycle)
            cs.cycle_changed = True
        snaps = {k: t.snapshot() for k, t in cs.tables.items()}, cs.stones.snapshot()
        parked = {k: list(v) for k, v in cs.parked.items()}
        counts = Counter(self.summary.counts)
        lists = list(self.summary.updates), list(self.summary.conflicts), list(self.summary.duplicates)
        buried = sum(self._bury_in_cycle(cs, stone, source) for stone in part.tombstones)
        heirs = False  # a rating or answer that will go to the participant another was merged into
        for table, records in (("participant", part.participants), ("rating", part.ratings),
                               ("response", part.responses), ("consensus", part.consensus),
                               ("tally", part.tallies)):
            for record in records:
                if _dead(record, table, cs.stones):
                    if table in ("rating", "response") and record.id not in cs.stones:  # type: ignore[attr-defined]
                        # moved (or not) once every bundle is in: whom it goes to depends on
                        # the tombstones, and a later bundle may bring a winning one
                        cs.parked.setdefault(record.participant_id, []).append(  # type: ignore[attr-defined]
                            (table, record, source))
                        if _to_heir(cs, record) is not record:
                            heirs = True
                            continue
                    self.summary.counts["kept_deleted", table] += 1
                    continue
                self._merge_into(cs.tables[table], record, source)
                if table == "participant":
                    self._check_duplicate(cs, record, source)  # type: ignore[arg-type]
        changed = buried or heirs or any(cs.tables[k].snapshot()[1:3] != snaps[0][k][1:3] for k in cs.tables)
        target = cs.cycle
        if changed and was_closed and target.status == "closed":
            if kind == "participant":
                raise BundleError(_("The cycle \u201c{title}\u201d is closed on this laptop; "
                                    "reopen it to import responses into it.").format(
                    title=target.title))
            # closed means closed: none of this bundle's changes to the cycle's data
            n = sum(self.summary.counts[k] - counts[k] for k in self.summary.counts
                    if k[0] in ("added", "updated", "deleted"))
            for k, t in cs.tables.items():
                t.restore(snaps[0][k])
            cs.stones.restore(snaps[1])
            cs.parked = parked
            self.summary.counts = counts
            self.summary.updates, self.summary.conflicts, self.summary.duplicates = lists
            self.summary.closed.append((source, _(
                "{n} change(s) to the closed cycle \u201c{title}\u201d were not taken.").format(
                n=n, title=target.title)))
            return
        for rating in part.ratings:
            if not target.covers(rating.competency_id):
                raise BundleError(_("The bundle rates {competency}, which is outside the scope "
                                    "of the cycle \u201c{title}\u201d here.").format(
                    competency=rating.competency_id, title=target.title))

    def _bury_in_cycle(self, cs: _CycleState, stone: Tombstone, source: str) -> bool:
        """Take a cycle tombstone in; whether anything here changed. The ratings and
        answers of a participant removed are parked (see :attr:`_CycleState.parked`)."""
        self._seen(stone)
        known = cs.stones.rows.get(stone.id)
        if not cs.stones.add(stone):
            # deleted here and merged there (the merge wins), or merged into another one
            return cs.stones.rows[stone.id] is stone and known is not None \
                and stone.merged_into != known.merged_into
        # the record with its id, whatever kind the tombstone names (see _bury)
        person = False
        for kind, table in cs.tables.items():
            if table.remove_where(lambda r: r.id == stone.id):  # type: ignore[attr-defined]
                self.summary.counts["deleted", kind] += 1
                person = person or kind == "participant"
        if stone.kind == "participant" or person:
            for kind in ("rating", "response"):
                theirs = cs.tables[kind].remove_where(lambda r: r.participant_id == stone.id)  # type: ignore[attr-defined]
                cs.parked.setdefault(stone.id, []).extend(
                    (kind, record, source) for record in theirs)
            self.summary.duplicates = [d for d in self.summary.duplicates
                                       if stone.id not in (d.existing_id, d.incoming_id)]
        return True

    def _heirs(self, cs: _CycleState) -> None:
        """Once every bundle is in, move the parked ratings and answers of participants
        merged into another to the one kept: decided by the tombstones all bundles brought,
        so every laptop that imported them moves the same records to the same participant,
        whatever order the bundles came in (and a merge a later bundle overrides or a
        deletion of the one kept moves nothing). One with a tombstone of its own stays
        out: the laptop that merged had it and settled it (moved it under a new id, which
        travels, or kept the kept one's rating of that competency instead)."""
        for table, record, source in [p for pending in cs.parked.values() for p in pending]:
            moved = _to_heir(cs, record)
            if moved is not record and record.id not in cs.stones \
                    and not _dead(moved, table, cs.stones):  # type: ignore[attr-defined]
                self._merge_into(cs.tables[table], moved, source)
        cs.parked = {}

    def _check_duplicate(self, cs: _CycleState, person: Participant, source: str) -> None:
        """Note a participant added under a new id who looks like someone already here."""
        table = cs.tables["participant"]
        if table.rows.get(person.id) is not person or person.id in table.stored_ids:
            return
        for other in table.rows.values():
            if other.id != person.id and same_person(other, person):  # type: ignore[attr-defined, arg-type]
                self.summary.duplicates.append(PossibleDuplicate(
                    cs.cycle.id, cs.cycle.title, other.id,  # type: ignore[attr-defined]
                    _participant_text(other), person.id, _participant_text(person), source))  # type: ignore[arg-type]
                return

    def _seen(self, record: Record) -> None:
        """Move on with a record from a bundle: flag it if it was saved at a time more than
        a day ahead of this laptop's clock (naming the laptop that saved it)."""
        when = (getattr(record, "updated", "") or getattr(record, "deleted", "")
                or getattr(record, "created", ""))
        wall = time_ms(when)
        if wall <= self.repo.clock.wall_ms() + FUTURE_TOLERANCE_MS:
            return
        laptop = parse_version(version_of(record))[2]
        content = self._content
        assert content is not None
        name = content.laptop_name if laptop == content.laptop_id else ""
        known = self.summary.clocks.get(laptop)
        if known is None or wall > known[1]:
            self.summary.clocks[laptop] = (name or (known[0] if known else ""), wall,
                                           known[2] if known else content.source)

    def _merge_into(self, table: _Table, record: Record, source: str) -> None:
        key = table.key(record)
        current = table.rows.get(key)
        if self._merge_one(table.kind, record, source, current=current,
                           in_batch=key in table.from_batch):
            table.rows[key] = record
            table.changed[key] = record
            table.from_batch[key] = source

    def _merge_one(self, kind: str, incoming: Record, source: str, *,
                   current: Record | None, in_batch: bool) -> bool:
        """Count one record's outcome; return whether ``incoming`` should be saved."""
        counts = self.summary.counts
        self._seen(incoming)
        if current is None:
            counts["added", kind] += 1
            return True
        if current == incoming:
            counts["unchanged", kind] += 1
            return False
        new_key, old_key = version_key(incoming), version_key(current)
        take = new_key > old_key
        winner, loser = (incoming, current) if take else (current, incoming)
        prior = getattr(winner, "prior", "")
        # The winner was made after seeing the loser (or a later version): no one to ask.
        # A winner that replaced nothing saw nothing (two laptops each rated, or recorded a
        # consensus or tally, for the first time), unless both date from before versions.
        loser_version = parse_version(version_of(loser))
        knew = (parse_version(prior) >= loser_version if prior
                else LEGACY_LAPTOP == loser_version[2] == parse_version(version_of(winner))[2])
        describe = self._describe(kind, current)
        if knew:
            if take:
                counts["updated", kind] += 1
                self.summary.updates.append(_("{what}: {old} \u2192 {new} (from {source})").format(
                    what=describe, old=self._version(current), new=self._version(incoming),
                    source=source))
            else:
                counts["unchanged", kind] += 1  # the bundle has an earlier version
            return take
        counts["conflicts", kind] += 1
        mine = _("an earlier bundle") if in_batch else _("this laptop")
        self.summary.conflicts.append(_(
            "{what}: {mine} has {a}, {source} has {b}; kept {kept} (the later version), set "
            "aside {other}.").format(what=describe, mine=mine, a=self._version(current),
                                     source=source, b=self._version(incoming),
                                     kept=self._version(winner), other=self._version(loser)))
        return take

    def _describe(self, kind: str, record: Record) -> str:
        what = _what()[kind]
        if isinstance(record, Rating):
            return _("{what} of {name} by {who}").format(
                what=what, name=self._names.get(record.competency_id, record.competency_id),
                who=self._labels.get(record.participant_id, record.participant_id[:8]))
        label = (getattr(record, "label", None) or getattr(record, "title", None)
                 or getattr(record, "name", None) or getattr(record, "competency_id", None)
                 or getattr(record, "id", ""))
        return f"{what} \u201c{str(label)[:60]}\u201d"

    @staticmethod
    def _version(record: Record) -> str:
        if isinstance(record, Participant):
            value = _participant_text(record)
        else:
            value = (getattr(record, "level", None) or getattr(record, "status", None)
                     or _("another version"))
        when = getattr(record, "updated", "")
        return f"{value} ({when})" if when else str(value)

    # --- applying -----------------------------------------------------------------------

    def apply(self, progress: Callable[[int, int, str], None] | None = None) -> ImportSummary:
        """Write every planned change (nothing in a dry run); return the summary."""
        for state in self._districts.values():
            for cs in state.cycles.values():
                self._heirs(cs)
        if self.summary.dry_run:
            return self.summary
        states = [s for s in self._districts.values() if _has_changes(s)]
        for n, state in enumerate(states):
            if progress is not None:
                progress(n, len(states), _("Saving {name}").format(name=state.profile.name))
            if state.is_new:
                self._create(state)
            else:
                assert state.store is not None
                self._update(state.store, state)
        return self.summary

    def _create(self, state: _DistrictState) -> None:
        """A district new to this laptop: built in a scratch folder, then restored in one step."""
        with (tempfile.TemporaryDirectory(prefix="navtool-import-") as scratch,
              Repository(scratch) as staging):
            store = staging.create_district(state.profile)
            state.store = store
            state.is_new = False
            _write_state(store, state)
            district_id = self.repo.restore(store.backup().path)
        self.repo.open_district(district_id, auto_backup=False)  # the district to open next

    def _update(self, store: DistrictStore, state: _DistrictState) -> None:
        # Every file is written, or none: the old files stay until all new ones are in
        # (a full disk part-way changes nothing), and the store is read again on failure.
        try:
            with store.batch():
                _write_state(store, state)
        except PartialWriteError as exc:
            raise BundleError(str(exc)) from None  # not "nothing was imported"


def keep_threshold(local: Cycle, incoming: Cycle) -> Cycle:
    """``incoming``, but never with a lower threshold than this laptop's.

    A bundle is not signed, so a recorded change in it proves nothing: a threshold is lowered
    only on this laptop (the cycle's settings, which record it). A lower incoming threshold
    keeps this laptop's threshold and record. Otherwise the incoming threshold is taken with
    its record when that continues this laptop's; when the records differ (two laptops
    changed it), the higher threshold wins and both records are kept, in time order.
    """
    mine, theirs = local.threshold_changes, incoming.threshold_changes
    if incoming.threshold < local.threshold:
        return incoming.replace(threshold=local.threshold, threshold_changes=mine)
    if theirs[:len(mine)] == mine and (incoming.threshold == local.threshold or (
            len(theirs) > len(mine) and theirs[-1].new == incoming.threshold)):
        return incoming
    merged = tuple(sorted({*mine, *theirs}, key=lambda c: (c.at, c.by, c.old, c.new)))
    return incoming.replace(threshold=max(local.threshold, incoming.threshold), threshold_changes=merged)


def _participant_text(person: Participant) -> str:
    return f"{person.label} \u00b7 {role_label(person.role_group)}"


def _cycle_changes(cs: _CycleState) -> bool:
    return (cs.is_new or cs.cycle_changed or bool(cs.stones.changed)
            or any(t.changed or t.removed for t in cs.tables.values()))


def _district_file_changes(state: _DistrictState) -> bool:
    return (state.profile_changed or bool(state.stones.changed) or bool(state.removed_cycles)
            or any(t.changed or t.removed for t in state.tables.values())
            or any(c.is_new or c.cycle_changed for c in state.cycles.values()))


def _has_changes(state: _DistrictState) -> bool:
    return _district_file_changes(state) or any(_cycle_changes(c) for c in state.cycles.values())


def _values(table: _Table) -> list[Any]:
    return list(table.changed.values())


def _write_state(store: DistrictStore, state: _DistrictState) -> None:
    """Write one district's planned changes: each cycle file once, then the district file once."""
    for cs in state.cycles.values():
        t = cs.tables
        if cs.is_new:
            store.import_cycle(cs.cycle, _values(t["participant"]), _values(t["rating"]),
                               _values(t["response"]), _values(t["consensus"]), _values(t["tally"]))
            if cs.stones.changed:
                store.merge_cycle(cs.cycle.id, tombstones=list(cs.stones.changed.values()))
        elif cs.stones.changed or any(table.changed or table.removed for table in t.values()):
            store.merge_cycle(cs.cycle.id, participants=_values(t["participant"]),
                              ratings=t["rating"].puts(), responses=_values(t["response"]),
                              consensus=t["consensus"].puts(), tallies=t["tally"].puts(),
                              tombstones=list(cs.stones.changed.values()),
                              removed={_CYCLE_TABLES[k]: t[k].removed_ids() for k in t
                                       if t[k].removed_ids()})
    changed_cycles = [cs.cycle for cs in state.cycles.values() if cs.cycle_changed and not cs.is_new]
    tables = state.tables
    if (state.profile_changed or changed_cycles or state.stones.changed or state.removed_cycles
            or any(t.changed or t.removed for t in tables.values())):
        removed = {_DISTRICT_TABLES[k]: tables[k].removed_ids() for k in tables
                   if tables[k].removed_ids()}
        if state.removed_cycles:
            removed["cycles"] = list(state.removed_cycles)
        store.merge_district(profile=state.profile if state.profile_changed else None,
                             cycles=changed_cycles, plans=_values(tables["plan"]),
                             goals=_values(tables["goal"]), actions=_values(tables["action"]),
                             notes=_values(tables["note"]),
                             tombstones=list(state.stones.changed.values()), removed=removed)


@dataclass(frozen=True)
class CheckedFile:
    """One bundle file as read and checked for an import: its content, or why it was refused."""

    source: str  # the file's name, for the summary
    content: BundleContent | None = None
    reason: str = ""
    locked: bool = False  # refused because it is protected and no passphrase was given


def merge_bundles(repo: Repository, pack: Pack,
                  checked: Sequence[CheckedFile],
                  store: DistrictStore | None = None, *, dry_run: bool = False,
                  progress: Callable[[int, int, str], None] | None = None) -> ImportSummary:
    """The second half of an import: merge bundles already read and checked (see
    :func:`~navtool_desktop.exchange.files.read_paths`) and write them together.

    Each is accepted or refused whole; files refused when read are listed as refused.
    This uses the repository and ``store``, so it runs on the thread that owns them (the
    GUI thread in the app). Raises :class:`BundleError` if the writing fails (nothing
    was imported then). Returns the summary.
    """
    merger = Merger(repo, pack, store, dry_run=dry_run)
    accepted: list[BundleContent] = []
    for item in checked:
        if item.content is None:
            merger.refuse(item.source, item.reason)
            continue
        try:
            merger.add(item.content)
        except BundleError as exc:
            merger.refuse(item.source, str(exc))
        else:
            accepted.append(item.content)
    try:
        summary = merger.apply(progress)
    except StoreError as exc:
        raise BundleError(_("The import could not be saved, so nothing was imported: {reason}")
                          .format(reason=exc)) from None
    take_revocations(paths.signing_dir(repo.folder), accepted, summary)
    return summary


def take_revocations(folder: Path, contents: Sequence[BundleContent], summary: ImportSummary) -> None:
    """Keep the revocation lists the imported bundles carry in the signing folder ``folder``
    (nothing in a dry run), each only if a district root kept there signed it and it is not
    older than the list kept; say in ``summary`` what was taken and what was ignored.
    A list that is ignored never stops the import: the records were merged all the same."""
    from navtool_desktop.signing.errors import SigningError
    from navtool_desktop.signing.folder import SigningFolder
    from navtool_desktop.signing.revocation import issued_by_root, load_crl

    signing = SigningFolder(folder)
    for content in contents:
        for n, raw in enumerate(content.revocations, start=1):
            label = f"{content.source or _('the bundle')}, revocations/{n}.crl"
            try:
                crl = load_crl(raw, label)
                issuer = crl.issuer.rfc4514_string()[:200]
                roots = signing.trust_roots()
                if not any(issued_by_root(crl, root) for root in roots):
                    summary.revocations_ignored.append(_(
                        "{file}: a list of revoked signers from \u201c{issuer}\u201d was ignored: it "
                        "is not signed by a district root this laptop trusts. If you trust that "
                        "district, add its root certificate, then import the bundle again.").format(
                        file=label, issuer=issuer))
                    continue
                if summary.dry_run:
                    summary.revocations.append(_("{file}: the list of revoked signers from "
                                                 "\u201c{issuer}\u201d would be kept.").format(
                        file=label, issuer=issuer))
                    continue
                before = dict(signing.revocation_list_bytes())
                path = signing.add_revocation_list(raw, label)
                if before.get(path.name) != path.read_bytes():
                    summary.revocations.append(_("{file}: the list of revoked signers from "
                                                 "\u201c{issuer}\u201d was kept ({count} revoked).")
                                               .format(file=label, issuer=issuer,
                                                       count=len(list(crl))))
            except (SigningError, OSError, ValueError) as exc:
                summary.revocations_ignored.append(_("{file}: the list of revoked signers could "
                                                     "not be kept ({reason}).").format(
                    file=label, reason=getattr(exc, "strerror", None) or exc))
