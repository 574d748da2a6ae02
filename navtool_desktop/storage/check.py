"""Verify a data folder: every file parses, is current, and every reference resolves.

Each kind of problem is one small ``_check_*`` function adding sentences to the report.
The only change ``check`` ever makes is finishing or rolling back a restore that was cut
short (what the app's next start would do), and only when no copy of the app has the
folder open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from navtool_desktop.core.clock import FUTURE_TOLERANCE_MS, ms_to_time, parse_version, system_now, time_ms
from navtool_desktop.core.records import MAX_TALLY_COUNT, Cycle, Record, version_of
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage import schema
from navtool_desktop.storage.atomic import read_whole_data
from navtool_desktop.storage.backup import RECORD_ID, repeated_ids, store_files
from navtool_desktop.storage.errors import StoreError
from navtool_desktop.storage.repository import CycleData, DistrictStore, Repository


@dataclass
class CheckReport:
    """What ``navtool check`` found: counts, and problems as plain sentences."""

    districts: int = 0
    cycles: int = 0
    ratings: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)
    #: Things to know that are not damage: deletions kept, times ahead of the clock.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_data_dir(data_dir: Path, pack: Pack,
                   clock: Callable[[], datetime] | None = None) -> CheckReport:
    """Check every district in ``data_dir`` against ``pack``. ``clock`` is the wall clock
    that times are compared with (the system's by default). Nothing is changed, except that
    a restore cut short is finished or rolled back (and reported)."""
    report = CheckReport()
    when = (clock or system_now)()
    ids = pack.ids()
    comps = {c.id for c in pack.competencies}
    _check_restores(data_dir, report)
    repo = Repository(data_dir, read_only=True, clock=lambda: when)
    _check_strays(repo, report)
    for summary in repo.list_districts():
        report.districts += 1
        where = _("district \u201c{name}\u201d").format(name=summary.name)
        folder = repo.districts_folder / summary.id
        for path in store_files(folder):
            report.files += 1
            _check_file(path, folder, report)
        try:
            store = repo.open_district(summary.id)
        except StoreError as exc:
            report.problems.append(f"{where}: {exc}")
            continue
        _check_future_backups(repo, store, where, report)
        report.notes += history_notes(store, where, repo.clock.wall_ms())
        listed = {f"{c.id}.json" for c in store.cycles()}
        for orphan in sorted(p.name for p in (folder / "cycles").glob("*.json")
                             if p.name not in listed):
            report.problems.append(_("{where}: cycles/{file} is not listed in district.json")
                                   .format(where=where, file=orphan))
        for cycle in store.cycles():
            report.cycles += 1
            cwhere = _("{where}, cycle \u201c{title}\u201d").format(where=where, title=cycle.title)
            try:
                data = store.cycle(cycle.id)
            except StoreError as exc:
                report.problems.append(f"{cwhere}: {exc}")
                continue
            if cycle.framework_id != pack.id:
                report.problems.append(_("{where}: uses framework {found}, not {expected}")
                                       .format(where=cwhere, found=cycle.framework_id,
                                               expected=pack.id))
            for cid in cycle.scope or ():
                if cid not in ids:
                    report.problems.append(_("{where}: unknown condition {id} in the scope")
                                           .format(where=cwhere, id=cid))
            people = data.participants
            report.ratings += len(data.ratings)
            _check_double_votes(data, cwhere, report)
            _check_scope(cycle, data, cwhere, report)
            refs: list[tuple[str, str]] = []
            for rating in data.ratings.values():
                refs.append((rating.competency_id, "competency"))
                refs += [(p, "practice") for p in rating.practices]
                if rating.participant_id not in people:
                    report.problems.append(_("{where}: rating {id} names a missing participant")
                                           .format(where=cwhere, id=rating.id))
            for response in data.responses.values():
                refs.append((response.question_id, "question"))
                if response.participant_id not in people:
                    report.problems.append(_("{where}: answer {id} names a missing participant")
                                           .format(where=cwhere, id=response.id))
            refs += [(c.competency_id, "competency") for c in data.consensus.values()]
            refs += [(t.competency_id, "competency") for t in data.tallies.values()]
            _check_refs(refs, ids, comps, cwhere, report)
        plans = {p.id for p in store.plans()}
        goals = store.goals()
        refs = []
        for goal in goals:
            refs.append((goal.competency_id, "competency"))
            refs += [(p, "practice") for m in goal.measures for p in m.practices]
            if goal.plan_id not in plans:
                report.problems.append(_("{where}: goal {id} names a missing plan")
                                       .format(where=where, id=goal.id))
        _check_refs(refs, ids, comps, where, report)
        goal_ids = {g.id for g in goals}
        actions = store.actions()
        for action in actions:
            if action.goal_id not in goal_ids:
                report.problems.append(_("{where}: action {id} names a missing goal")
                                       .format(where=where, id=action.id))
        action_ids = {a.id for a in actions}
        for note in store.progress_notes():
            if note.action_id not in action_ids:
                report.problems.append(_("{where}: progress note {id} names a missing action")
                                       .format(where=where, id=note.id))
    return report


def _check_file(path: Path, folder: Path, report: CheckReport) -> None:
    name = path.relative_to(folder.parent).as_posix()
    try:
        data = read_whole_data(path)  # a cycle kept in parts: all of it
        if not isinstance(data, dict):
            raise ValueError
        kind, version = schema.file_meta(path, data)
    except (StoreError, ValueError) as exc:
        report.problems.append(_("{file}: {problem}").format(
            file=name, problem=exc if isinstance(exc, StoreError) else _("not store data")))
        return
    report.problems += [_("{file}: {table} holds the record {id} twice (a hand edit?); "
                          "deleting it would leave the other copy").format(
        file=name, table=table, id=rid) for table, rid in repeated_ids(data, kind)]
    if kind == "cycle":
        report.problems += [f"{name}: {problem}" for problem in tally_problems(data)]
    if version > schema.SCHEMA_VERSION:
        report.problems.append(_("{file}: saved by a newer version of the app (data format "
                                 "{found}; this version reads up to {current}). Update the app "
                                 "to use it; the file was not changed.").format(
            file=name, found=version, current=schema.SCHEMA_VERSION))
    elif version != schema.SCHEMA_VERSION:
        report.problems.append(_("{file}: data format {found}, current is {current} (open it "
                                 "in the app to upgrade)").format(
            file=name, found=version, current=schema.SCHEMA_VERSION))


def _check_strays(repo: Repository, report: CheckReport) -> None:
    """Folders in ``districts/`` that the app does not open: their name is no district id."""
    try:
        entries = sorted(repo.districts_folder.iterdir())
    except OSError:
        return
    for path in entries:
        if path.is_dir() and not path.name.startswith(".") and not RECORD_ID.fullmatch(path.name):
            report.problems.append(_("districts/{name} is not a district folder (its name is not "
                                     "a district id), so the app does not open it; it was left "
                                     "as it is.").format(name=path.name))


def _check_restores(data_dir: Path, report: CheckReport) -> None:
    """A restore cut short: name it, and finish or roll it back if the folder is free."""
    pending = Repository(data_dir, read_only=True).pending_restores()
    if not pending:
        return
    found = " ".join(pending)
    try:
        with Repository(data_dir) as repo:  # its start finishes or rolls back the restore
            done = " ".join(repo.recovered)
    except StoreError as exc:
        report.problems.append(_("{found} It was left as it is ({reason}); open the app to "
                                 "finish it.").format(found=found, reason=exc))
        return
    report.problems.append(f"{found} {done}")






def _check_future_backups(repo: Repository, store: DistrictStore, where: str,
                          report: CheckReport) -> None:
    for info in repo.backups(store.id):
        if info.in_future:
            report.problems.append(_("{where}: the backup {file} is dated {created}, in the "
                                     "future (made while the clock was ahead); it is not "
                                     "taken for the newest").format(
                where=where, file=info.path.name, created=info.created))


def _check_double_votes(data: CycleData, where: str, report: CheckReport) -> None:
    """One participant with two ratings of one competency (counted twice in results)."""
    pairs = Counter((r.participant_id, r.competency_id) for r in data.ratings.values())
    for (person, competency), count in sorted(pairs.items()):
        if count > 1:
            who = data.participants.get(person)
            report.problems.append(_("{where}: {who} has {count} ratings of {competency} (a "
                                     "vote counted {count} times); keep one").format(
                where=where, who=who.label if who else person, count=count,
                competency=competency))


def _check_scope(cycle: Cycle, data: CycleData, where: str, report: CheckReport) -> None:
    """Ratings of competencies outside the cycle's scope (results would count them)."""
    outside = Counter(r.competency_id for r in data.ratings.values()
                      if not cycle.covers(r.competency_id))
    for competency, count in sorted(outside.items()):
        report.problems.append(_("{where}: {count} rating(s) of {competency}, outside the "
                                 "cycle's scope").format(where=where, count=count,
                                                         competency=competency))


def _check_refs(refs: list[tuple[str, str]], ids: frozenset[str], comps: set[str], where: str,
                report: CheckReport) -> None:
    missing: dict[tuple[str, str], int] = {}
    for ref, kind in refs:
        known = ref in comps if kind == "competency" else ref in ids
        if not known:
            missing[(ref, kind)] = missing.get((ref, kind), 0) + 1
    for (ref, kind), count in sorted(missing.items()):
        report.problems.append(_("{where}: unknown {kind} {id} ({count} times)").format(
            where=where, kind=kind, id=ref, count=count))


def tally_problems(data: dict[str, object]) -> list[str]:
    """Paper tallies in a cycle file's raw data whose counts are absurd (not whole numbers
    from 0 to MAX_TALLY_COUNT): a file an older version accepted them into cannot be opened,
    and this names which tally, level and count are to blame."""
    problems: list[str] = []
    table = data.get("tallies")
    for doc in table.values() if isinstance(table, dict) else ():
        counts = doc.get("counts") if isinstance(doc, dict) else None
        if not isinstance(counts, dict):
            continue
        for level, count in counts.items():
            if isinstance(count, bool) or not isinstance(count, int) or 0 <= count <= MAX_TALLY_COUNT:
                continue
            shown = (f"{count:,}" if abs(count) < 10**30  # JSON holds at most 4,300 digits
                     else _("a number of {n} digits").format(n=len(str(abs(count)))))
            problems.append(_("the paper tally for {competency} ({group}) counts {count} "
                              "{level} votes; a tally may count 0 to {limit:,}").format(
                competency=doc.get("competency_id"), group=doc.get("role_group"), count=shown,
                level=level, limit=MAX_TALLY_COUNT))
    return problems


def history_notes(store: DistrictStore, where: str, now_ms: int) -> list[str]:
    """Deletions a district keeps (tombstones, never pruned) and records saved at a time
    more than a day ahead of ``now_ms`` (a laptop whose clock was wrong), as sentences."""
    what = {"cycle": _("cycle"), "participant": _("participant"), "rating": _("rating"),
            "response": _("answer"), "consensus": _("consensus"), "tally": _("paper tally"),
            "plan": _("plan"), "goal": _("goal"), "action": _("action"), "note": _("progress note")}
    stones: Counter[str] = Counter(t.kind for t in store.tombstones())
    ahead: dict[str, tuple[int, int]] = {}  # laptop id -> (records, latest ms)

    def look(records: Iterable[Record]) -> None:
        for record in records:
            when = time_ms(getattr(record, "updated", "") or getattr(record, "deleted", ""))
            if when > now_ms + FUTURE_TOLERANCE_MS:
                laptop = parse_version(version_of(record))[2]
                count, latest = ahead.get(laptop, (0, 0))
                ahead[laptop] = (count + 1, max(latest, when))

    look([store.profile, *store.cycles(), *store.plans(), *store.goals(), *store.actions(),
          *store.progress_notes(), *store.tombstones()])
    for cycle in store.cycles():
        try:
            data = store.cycle(cycle.id)
        except StoreError:
            continue  # reported as a problem already
        stones.update(t.kind for t in data.tombstones.values())
        look([*data.participants.values(), *data.ratings.values(), *data.responses.values(),
              *data.consensus.values(), *data.tallies.values(), *data.tombstones.values()])
    notes = []
    if stones:
        notes.append(_("{where}: {count} deletions kept so that imports do not bring them back "
                       "({kinds})").format(where=where, count=sum(stones.values()),
                                           kinds=", ".join(f"{n} {what[k]}"
                                                           for k, n in sorted(stones.items()))))
    for laptop, (count, latest) in sorted(ahead.items()):
        notes.append(_("{where}: {count} records were saved at times ahead of this computer's "
                       "clock, up to {when}, by the laptop with id {id}: that laptop's clock "
                       "was wrong").format(where=where, count=count, when=ms_to_time(latest)[:10],
                                           id=laptop))
    return notes
