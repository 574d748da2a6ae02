"""Merge checked bundles into the repository by id: plan every change first, then apply.

Rules: a record not yet here is added; an identical one is unchanged; a different one is
replaced only by a newer ``updated`` time. When two versions disagree and the newer one
cannot simply be taken (this laptop's is newer, or two bundles in one import disagree),
it is a conflict: the newer version wins and the summary names both. Nothing is ever
deleted by an import. Each bundle is accepted or refused as a whole; the accepted ones
are written together, and a write that fails part-way changes no file.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from navtool_desktop.core.records import (
    Consensus,
    Cycle,
    District,
    Participant,
    QuestionResponse,
    Rating,
    Record,
    Tally,
    parse_time,
)
from navtool_desktop.exchange.bundle import BundleContent, CycleContent
from navtool_desktop.exchange.errors import BundleError
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.errors import PartialWriteError, StoreError
from navtool_desktop.storage.repository import DistrictStore, Repository

R = TypeVar("R", bound=Record)
OUTCOMES: tuple[str, ...] = ("added", "updated", "unchanged", "conflicts")


def _what() -> dict[str, str]:
    return {"district": _("district profile"), "cycle": _("cycle"),
            "participant": _("participant"), "rating": _("rating"), "response": _("answer"),
            "consensus": _("consensus"), "tally": _("paper tally"), "plan": _("plan"),
            "goal": _("goal"), "action": _("action"), "note": _("progress note")}


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do), in counts and readable lines."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (outcome, record type)
    conflicts: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)
    imported: list[str] = field(default_factory=list)  # bundle names accepted
    refused: list[tuple[str, str]] = field(default_factory=list)  # (bundle name, reason)
    dry_run: bool = False

    def total(self, outcome: str) -> int:
        if outcome == "conflicts":
            return len(self.conflicts)
        return sum(n for (o, _w), n in self.counts.items() if o == outcome)

    @property
    def ok(self) -> bool:
        return not self.refused

    def text(self) -> str:
        """The summary as plain text a person can read."""
        what = _what()
        head = (_("Dry run: nothing was changed. {n} bundle(s) would be imported, {m} refused.")
                if self.dry_run else _("{n} bundle(s) imported, {m} refused."))
        lines = [head.format(n=len(self.imported), m=len(self.refused))]
        titles = {"added": _("Added"), "updated": _("Updated"), "unchanged": _("Unchanged"),
                  "conflicts": _("Conflicts")}
        for outcome in OUTCOMES:
            parts = [f"{n} {what[w]}" for (o, w), n in sorted(self.counts.items())
                     if o == outcome and n]
            total = self.total(outcome)
            lines.append(_("{title}: {total}").format(title=titles[outcome], total=total)
                         + (f" ({', '.join(parts)})" if parts and outcome != "conflicts" else ""))
        if self.updates:
            lines += ["", _("Updated (the bundle's version was newer):")]
            lines += [f"  - {line}" for line in self.updates]
        if self.conflicts:
            lines += ["", _("Conflicts (the newer version was kept; nothing was dropped "
                            "without being listed here):")]
            lines += [f"  - {line}" for line in self.conflicts]
        if self.refused:
            lines += ["", _("Refused (nothing from these files was imported):")]
            lines += [f"  - {name}: {reason}" for name, reason in self.refused]
        return "\n".join(lines) + "\n"


def _newer(a: str, b: str) -> bool:
    """Whether time ``a`` is strictly later than time ``b``."""
    return parse_time(a) > parse_time(b)


class _Table:
    """One kind of record of a district or cycle, keyed for merging, with what changed."""

    def __init__(self, kind: str, records: Iterable[Record], key: Callable[[Any], Hashable]) -> None:
        self.kind = kind
        self.key = key
        self.rows: dict[Hashable, Record] = {key(r): r for r in records}
        self.stored_ids: dict[Hashable, str] = {k: r.id for k, r in self.rows.items()}  # type: ignore[attr-defined]
        self.changed: dict[Hashable, Record] = {}
        self.from_batch: dict[Hashable, str] = {}  # key -> bundle that put it there

    def snapshot(self) -> tuple[dict[Hashable, Record], dict[Hashable, Record], dict[Hashable, str]]:
        return dict(self.rows), dict(self.changed), dict(self.from_batch)

    def restore(self, snap: tuple[dict[Hashable, Record], dict[Hashable, Record],
                                  dict[Hashable, str]]) -> None:
        self.rows, self.changed, self.from_batch = (dict(s) for s in snap)  # type: ignore[assignment]

    def puts(self) -> list[tuple[Any, str | None]]:
        """Changed records with the stored id each replaces (if another)."""
        return [(r, self.stored_ids.get(k)) for k, r in self.changed.items()]


@dataclass
class _CycleState:
    cycle: Cycle
    is_new: bool
    tables: dict[str, _Table]
    cycle_changed: bool = False


class _DistrictState:
    """A district's records as they are, plus the changes planned so far."""

    def __init__(self, district_id: str, store: DistrictStore | None, profile: District) -> None:
        self.id = district_id
        self.store = store
        self.is_new = store is None
        self.profile = profile
        self.profile_changed = self.is_new
        self.cycles: dict[str, _CycleState] = {}
        stored: dict[str, Iterable[Record]] = {"plan": (), "goal": (), "action": (), "note": ()}
        if store is not None:
            stored = {"plan": store.plans(), "goal": store.goals(), "action": store.actions(),
                      "note": store.progress_notes()}
        self.tables = {kind: _Table(kind, records, _by_id) for kind, records in stored.items()}

    def cycle_state(self, cycle: Cycle) -> _CycleState:
        state = self.cycles.get(cycle.id)
        if state is not None:
            return state
        known = self.store is not None and any(c.id == cycle.id for c in self.store.cycles())
        if known:
            assert self.store is not None
            data = self.store.cycle(cycle.id)
            state = _CycleState(data.cycle, False, _cycle_tables(
                data.participants.values(), data.ratings.values(), data.responses.values(),
                data.consensus.values(), data.tallies.values()))
        else:
            state = _CycleState(cycle, True, _cycle_tables((), (), (), (), ()), True)
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

    # --- planning -----------------------------------------------------------------------

    def add(self, content: BundleContent) -> None:
        """Plan one checked bundle's changes; refuse it whole (BundleError) if it cannot go in."""
        state = self._district(content)
        snaps = self._snapshot(state)
        counts, conflicts, updates = Counter(self.summary.counts), list(self.summary.conflicts), \
            list(self.summary.updates)
        try:
            self._plan(state, content)
        except BundleError:
            self._restore(state, snaps)
            self.summary.counts, self.summary.conflicts, self.summary.updates = counts, conflicts, updates
            raise
        self.summary.imported.append(content.source)

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
        cycles = {cid: (c.cycle, c.cycle_changed, {k: t.snapshot() for k, t in c.tables.items()})
                  for cid, c in state.cycles.items()}
        return (state.profile, state.profile_changed, cycles,
                {k: t.snapshot() for k, t in state.tables.items()})

    @staticmethod
    def _restore(state: _DistrictState, snap: Any) -> None:
        state.profile, state.profile_changed, cycles, tables = snap
        for cid in list(state.cycles):
            if cid not in cycles:
                del state.cycles[cid]
        for cid, (cycle, changed, cycle_tables) in cycles.items():
            cs = state.cycles[cid]
            cs.cycle, cs.cycle_changed = cycle, changed
            for kind, table_snap in cycle_tables.items():
                cs.tables[kind].restore(table_snap)
        for kind, table_snap in tables.items():
            state.tables[kind].restore(table_snap)

    def _plan(self, state: _DistrictState, content: BundleContent) -> None:
        source = content.source
        if (content.kind == "district" and state.profile is not content.district
                and self._merge_one("district", content.district, source,
                                    current=state.profile, in_batch=state.profile_changed)):
            state.profile = content.district
            state.profile_changed = True
        for part in content.cycles:
            self._plan_cycle(state, part, content.kind, source)
        for kind, records in (("plan", content.plans), ("goal", content.goals),
                              ("action", content.actions), ("note", content.notes)):
            for record in records:
                self._merge_into(state.tables[kind], record, source)

    def _plan_cycle(self, state: _DistrictState, part: CycleContent, kind: str, source: str) -> None:
        known = part.cycle.id in state.cycles
        cs = state.cycle_state(part.cycle)
        for person in (*cs.tables["participant"].rows.values(), *part.participants):
            self._labels[person.id] = person.label  # type: ignore[attr-defined]
        if cs.is_new and not known:
            self.summary.counts["added", "cycle"] += 1
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
        before = {k: dict(t.changed) for k, t in cs.tables.items()}
        for table, records in (("participant", part.participants), ("rating", part.ratings),
                               ("response", part.responses), ("consensus", part.consensus),
                               ("tally", part.tallies)):
            for record in records:
                self._merge_into(cs.tables[table], record, source)
        changed = any(cs.tables[k].changed != before[k] for k in cs.tables)
        target = cs.cycle
        if changed and kind == "participant" and target.status == "closed" and not cs.is_new:
            raise BundleError(_("The cycle \u201c{title}\u201d is closed on this laptop; reopen it "
                                "to import responses into it.").format(title=target.title))
        for rating in part.ratings:
            if not target.covers(rating.competency_id):
                raise BundleError(_("The bundle rates {competency}, which is outside the scope "
                                    "of the cycle \u201c{title}\u201d here.").format(
                    competency=rating.competency_id, title=target.title))

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
        if current is None:
            counts["added", kind] += 1
            return True
        if current == incoming:
            counts["unchanged", kind] += 1
            return False
        new_time, old_time = getattr(incoming, "updated", None), getattr(current, "updated", None)
        take = bool(new_time and old_time and _newer(new_time, old_time))
        describe = self._describe(kind, current)
        if take and not in_batch:
            counts["updated", kind] += 1
            self.summary.updates.append(_("{what}: {old} \u2192 {new} (from {source})").format(
                what=describe, old=self._version(current), new=self._version(incoming),
                source=source))
            return True
        counts["conflicts", kind] += 1
        mine = _("an earlier bundle") if in_batch else _("this laptop")
        kept, other = (incoming, current) if take else (current, incoming)
        self.summary.conflicts.append(_(
            "{what}: {mine} has {a}, {source} has {b}; kept {kept} (the newer), set aside "
            "{other}.").format(what=describe, mine=mine, a=self._version(current),
                               source=source, b=self._version(incoming),
                               kept=self._version(kept), other=self._version(other)))
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
        value = (getattr(record, "level", None) or getattr(record, "status", None)
                 or getattr(record, "role_group", None) or _("another version"))
        when = getattr(record, "updated", "")
        return f"{value} ({when})" if when else str(value)

    # --- applying -----------------------------------------------------------------------

    def apply(self, progress: Callable[[int, int, str], None] | None = None) -> ImportSummary:
        """Write every planned change (nothing in a dry run); return the summary."""
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


def _cycle_changes(cs: _CycleState) -> bool:
    return cs.is_new or cs.cycle_changed or any(t.changed for t in cs.tables.values())


def _has_changes(state: _DistrictState) -> bool:
    return (state.profile_changed or any(t.changed for t in state.tables.values())
            or any(_cycle_changes(c) for c in state.cycles.values()))


def _values(table: _Table) -> list[Any]:
    return list(table.changed.values())


def _write_state(store: DistrictStore, state: _DistrictState) -> None:
    """Write one district's planned changes: each cycle file once, then the district file once."""
    for cs in state.cycles.values():
        t = cs.tables
        if cs.is_new:
            store.import_cycle(cs.cycle, _values(t["participant"]), _values(t["rating"]),
                               _values(t["response"]), _values(t["consensus"]), _values(t["tally"]))
        elif any(table.changed for table in t.values()):
            store.merge_cycle(cs.cycle.id, participants=_values(t["participant"]),
                              ratings=t["rating"].puts(), responses=_values(t["response"]),
                              consensus=t["consensus"].puts(), tallies=t["tally"].puts())
    changed_cycles = [cs.cycle for cs in state.cycles.values() if cs.cycle_changed and not cs.is_new]
    tables = state.tables
    if state.profile_changed or changed_cycles or any(t.changed for t in tables.values()):
        store.merge_district(profile=state.profile if state.profile_changed else None,
                             cycles=changed_cycles, plans=_values(tables["plan"]),
                             goals=_values(tables["goal"]), actions=_values(tables["action"]),
                             notes=_values(tables["note"]))


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
    for item in checked:
        if item.content is None:
            merger.refuse(item.source, item.reason)
            continue
        try:
            merger.add(item.content)
        except BundleError as exc:
            merger.refuse(item.source, str(exc))
    try:
        return merger.apply(progress)
    except StoreError as exc:
        raise BundleError(_("The import could not be saved, so nothing was imported: {reason}")
                          .format(reason=exc)) from None
