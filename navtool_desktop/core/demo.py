"""A realistic, deterministic demo district: years of cycles whose ratings improve, and plans.

Pure Python: :func:`generate` returns records only; the storage layer saves them. The same
seed always gives the same district, ids included.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from navtool_desktop.core.records import (
    LEVELS,
    NOT_SURE,
    Action,
    Consensus,
    Cycle,
    District,
    Goal,
    Measure,
    Participant,
    Plan,
    ProgressNote,
    QuestionResponse,
    Rating,
    StatusChange,
    Tally,
    TeamMember,
)
from navtool_desktop.core.results import count_votes, median_level
from navtool_desktop.framework import Pack

#: Cycles in each school year: baseline in the fall, mid-year check, spring, summer retreat.
CYCLE_DATES: tuple[tuple[str, int, int], ...] = (
    ("Fall baseline", 9, 20), ("Winter check-in", 12, 5), ("Spring review", 3, 10),
    ("Summer retreat", 6, 15),
)
ROLE_MIX: tuple[tuple[str, float], ...] = (
    ("educator", 0.35), ("leader", 0.15), ("community_member", 0.2), ("learner", 0.3),
)
ROLE_BIAS = {"educator": 0.0, "leader": 0.35, "community_member": -0.1, "learner": -0.25}
FIRST_NAMES = ("Ana", "Ben", "Carmen", "Dana", "Eli", "Fatima", "Grace", "Hector", "Iris",
               "José", "Kai", "Lena", "Marcus", "Nia", "Omar", "Priya", "Quinn", "Rosa",
               "Sam", "Tuyết", "Uma", "Victor", "Wren", "Ximena", "Yusuf", "Zoe")
LAST_NAMES = ("Peña", "Nguyễn", "Begay", "Olsen", "Whitehorse", "Martínez", "Kowalski",
              "Johnson", "Yazzie", "Schmidt", "O'Brien", "Haugen", "Lopez", "Running Crane")
NOTES = ("We see this in some buildings but not all.",
         "Strong at the elementary level; the high school is catching up.",
         "Hard to judge from the classroom.",
         "Families told us about this at the fall listening session.",
         "The new schedule made this much easier this year.",
         "Depends a lot on which team you ask.")
ANSWERS = ("Students lead their own conferences now, and families notice.",
           "I would like more time with colleagues to look at student work together.",
           "The advisory period is where I feel I belong.",
           "We talk about the vision at every board meeting, but not yet in every classroom.",
           "Our community partners want a clearer way to get involved.",
           "Grading still feels the same as before to many families.")


@dataclass
class DemoCycle:
    """One cycle and everything in it, ready for ``DistrictStore.import_cycle``."""

    cycle: Cycle
    participants: list[Participant] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    responses: list[QuestionResponse] = field(default_factory=list)
    consensus: list[Consensus] = field(default_factory=list)
    tallies: list[Tally] = field(default_factory=list)


@dataclass
class DemoDistrict:
    district: District
    cycles: list[DemoCycle] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    notes: list[ProgressNote] = field(default_factory=list)


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"


def _time(day: date, minute: int = 0) -> str:
    return f"{day.isoformat()}T{15 + minute // 60 % 8:02d}:{minute % 60:02d}:00.000Z"


def generate(pack: Pack, *, years: int = 3, participants: int = 24, seed: int = 2025,
             end_year: int = 2025, scoped_cycles: bool = True) -> DemoDistrict:
    """A district with ``years`` school years of four cycles each, ending in ``end_year``.

    Ratings drift upward year by year; leaders rate higher and learners lower, as they
    tend to. With ``scoped_cycles`` each winter check-in covers the four priority
    conditions only.
    """
    g = _Gen(seed)
    rng = g.rng
    start = date(end_year - years, 8, 1)
    team = tuple(TeamMember(name=g.person(), role=role) for role in (
        "Superintendent", "Board chair", "Curriculum director", "Principal, Ridge Elementary",
        "Teacher leader", "Parent representative", "Student representative"))
    district = District(
        id=g.id(), name="Pine Ridge Unified School District", state="Montana",
        vision="Every learner in Pine Ridge leaves ready for the life they choose, "
               "known by name and supported to grow at their own pace.",
        portrait_of_graduate="Curious and self-directed; communicates across cultures; "
                             "solves real problems with others; cares for the land and community.",
        team=team, created=_time(start), updated=_time(start, 5))
    demo = DemoDistrict(district)
    comps = pack.competencies
    priority = tuple(c.id for c in pack.conditions if c.priority)
    base = {c.id: rng.uniform(0.1, 1.2) for c in comps}
    growth = {c.id: rng.uniform(0.08, 0.3) for c in comps}
    roles = [role for role, share in ROLE_MIX for _ in range(round(share * 100))]
    people = [(g.person(), rng.choice(roles)) for _ in range(participants)]
    questions = {c.id: c.questions for c in pack.conditions}
    all_cycles = [(y, t) for y in range(years) for t in range(len(CYCLE_DATES))]
    for n, (year, term) in enumerate(all_cycles):
        title, month, day = CYCLE_DATES[term]
        when = date(start.year + year + (month < 8), month, day)
        scope = priority if scoped_cycles and term == 1 else None
        cycle = Cycle(id=g.id(), title=f"{title} {when.year}", date=when.isoformat(),
                      scope=scope, framework_id=pack.id, framework_version=pack.version,
                      status="open" if n == len(all_cycles) - 1 else "closed",
                      created=_time(when), updated=_time(when, 400))
        dc = DemoCycle(cycle)
        t = year + term / len(CYCLE_DATES)
        # Most people come back each cycle; a few change.
        if n and rng.random() < 0.3:
            people[rng.randrange(participants)] = (g.person(), rng.choice(roles))
        for k, (name, role) in enumerate(people):
            anonymous = role == "learner"
            dc.participants.append(Participant(
                id=g.id(), name="" if anonymous else name,
                code=f"L-{k + 1:02d}" if anonymous else "", role_group=role,
                created=_time(when, k)))
        in_scope = [c for c in comps if cycle.covers(c.id)]
        for k, person in enumerate(dc.participants):
            for comp in in_scope:
                dc.ratings.append(_rating(g, comp, person, base[comp.id] + growth[comp.id] * t,
                                          _time(when, 30 + k)))
            if rng.random() < 0.5:
                cond = rng.choice([c for c in pack.conditions if cycle.covers(c.id + ".x")])
                audience = "learners" if person.role_group == "learner" else rng.choice(
                    ("educators_leaders_community", "equity"))
                pool = questions[cond.id].get(audience) or questions[cond.id][
                    "educators_leaders_community"]
                if pool:
                    dc.responses.append(QuestionResponse(
                        id=g.id(), participant_id=person.id, question_id=rng.choice(pool).id,
                        text=rng.choice(ANSWERS), updated=_time(when, 90 + k)))
        for comp in in_scope:
            votes_here = [r for r in dc.ratings if r.competency_id == comp.id]
            level = median_level(count_votes(votes_here)) or NOT_SURE
            dc.consensus.append(Consensus(
                id=g.id(), competency_id=comp.id, level=level,
                rationale=f"Most of the team placed this at {level}; "
                          f"{rng.choice(NOTES).lower()}", updated=_time(when, 300)))
            if term == 0:
                votes = [_level(base[comp.id] + growth[comp.id] * t - 0.1, rng)
                         for _ in range(rng.randint(8, 25))]
                dc.tallies.append(Tally(
                    id=g.id(), competency_id=comp.id, role_group="community_member",
                    counts={lv: votes.count(lv) for lv in (*LEVELS, NOT_SURE)},
                    entered_by=team[2].name, updated=_time(when, 350)))
        demo.cycles.append(dc)
        if term == 0:
            _plan(g, pack, demo, dc, when, year == years - 1, team)
    return demo


def _level(score: float, rng: random.Random) -> str:
    if rng.random() < 0.04:
        return NOT_SURE
    return LEVELS[max(0, min(3, round(score + rng.gauss(0, 0.55))))]


def _rating(g: _Gen, comp: object, person: Participant, score: float, when: str) -> Rating:
    from navtool_desktop.framework import Competency

    assert isinstance(comp, Competency)
    level = _level(score + ROLE_BIAS[person.role_group], g.rng)
    practices: list[str] = []
    if level != NOT_SURE:
        reached = LEVELS.index(level)
        for cell in comp.levels[: reached + 1]:
            practices += [p.id for p in cell.practices if g.rng.random() < 0.5]
    note = g.rng.choice(NOTES) if g.rng.random() < 0.08 else ""
    return Rating(id=g.id(), participant_id=person.id, competency_id=comp.id, level=level,
                  practices=tuple(practices), note=note, updated=when)


def _plan(g: _Gen, pack: Pack, demo: DemoDistrict, dc: DemoCycle, when: date, current: bool,
          team: tuple[TeamMember, ...]) -> None:
    rng = g.rng
    approved = not current
    plan = Plan(id=g.id(), title=f"Strategic Action Plan {when.year}\u2013{when.year + 1}",
                period_start=date(when.year, 10, 1).isoformat(),
                period_end=date(when.year + 1, 9, 30).isoformat(),
                status="approved" if approved else "draft",
                approved_by=f"{team[0].name}, Superintendent; {team[1].name}, Board chair"
                if approved else "",
                approved_at=_time(when + timedelta(days=25)) if approved else "",
                meeting_date=date(when.year, 9, 20).isoformat() if approved else "",
                report_dates=tuple(date(when.year + (m < 10), m, 15).isoformat() for m in (1, 4, 6)),
                created=_time(when + timedelta(days=10)),
                updated=_time(when + timedelta(days=25), 5))
    demo.plans.append(plan)
    order = {lv: n for n, lv in enumerate((NOT_SURE, *LEVELS))}
    priority = {c.id for c in pack.conditions if c.priority}
    ranked = sorted(dc.consensus, key=lambda c: (order[c.level],
                                                 c.competency_id.split(".")[0] not in priority))
    for k, cons in enumerate(ranked[:5]):
        comp = pack.competency(cons.competency_id)
        current_level = cons.level
        target = LEVELS[min(3, LEVELS.index(current_level) + 1)] if current_level in LEVELS \
            else "developing"
        cell = comp.level(target) if target != "refining" else comp.levels[-1]
        term = "short" if k % 2 == 0 else "long"
        goal = Goal(
            id=g.id(), plan_id=plan.id, competency_id=comp.id, current_level=current_level,
            target_level=target,
            target_date=date(when.year + (1 if term == "short" else 3), 6, 1).isoformat(),
            term=term,
            statement=f"By {when.year + (1 if term == 'short' else 3)}, move {comp.name} "
                      f"from {current_level} to {target} across every school.",
            measures=(
                *(Measure(text=f"Evidence that: {p.text}", practices=(p.id,))
                  for p in cell.practices[:2]),
                Measure(text="At least 70% of the team rates this competency at the target "
                             "level in the spring review.", baseline=f"{20 + 7 * k}%", target="70%",
                        source="Reflect and Listen ratings", when="Spring review")),
            rank=k, lead=team[2 + k % 5].name, funding=("General fund", "Title II-A")[k % 2],
            updated=plan.updated)
        demo.goals.append(goal)
        for a in range(3):
            start_day = date(when.year, 10, 1) + timedelta(days=60 * a)
            status = rng.choice(("done", "done", "blocked")) if approved else \
                ("in_progress", "not_started", "not_started")[a]
            action = Action(
                id=g.id(), goal_id=goal.id,
                description=("Run a learning walk focused on ", "Hold a family forum on ",
                             "Give every school a coach for ")[a] + comp.name.lower(),
                owner=team[2 + (k + a) % 5].name, start=start_day.isoformat(),
                due=(start_day + timedelta(days=45)).isoformat(),
                resources=("Two substitute days per school", "Meeting room, interpreter, meal",
                           "Title II funds, coaching contract")[a],
                status=status, status_history=_demo_history(status, start_day), cost=(1200, 800, 9500)[a],
                funding=("General fund", "General fund", "Title II-A")[a], updated=plan.updated)
            demo.actions.append(action)
            for m in range(1 if status == "not_started" else 2):
                demo.notes.append(ProgressNote(
                    id=g.id(), action_id=action.id,
                    date=(start_day + timedelta(days=20 * (m + 1))).isoformat(),
                    text=("Planning meeting held; dates set with principals.",
                          "First session done; notes shared with the team.",
                          "Waiting on the budget decision.")[(m + a) % 3],
                    updated=plan.updated))


def _demo_history(status: str, start: date) -> tuple[StatusChange, ...]:
    """When a demo action's status was set: begun on its start day, settled three weeks later."""
    if status == "not_started":
        return ()
    begun = StatusChange(on=start.isoformat(), status="in_progress")
    if status == "in_progress":
        return (begun,)
    return (begun, StatusChange(on=(start + timedelta(days=21)).isoformat(), status=status))
