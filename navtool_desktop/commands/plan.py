"""``navtool plan``: the current strategic action plan with goals, actions, overdue marks and targets."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from navtool_desktop import paths
from navtool_desktop.commands.common import CommandError
from navtool_desktop.i18n import _, plural

if TYPE_CHECKING:
    from navtool_desktop.core.records import Plan
    from navtool_desktop.core.results import CycleResults
    from navtool_desktop.framework import Pack
    from navtool_desktop.storage import DistrictStore

def _status_word(status: str) -> str:
    """An action's status inside a line of text."""
    words = {"not_started": _("not started"), "in_progress": _("in progress"), "done": _("done"),
             "blocked": _("blocked")}
    return words.get(status, status)


def _target_word(status: str) -> str:
    """Whether a goal's target was reached, inside a line of text."""
    words = {"reached": _("reached"), "not_reached": _("not reached"),
             "not_assessed": _("not assessed since the goal was set")}
    return words.get(status, status)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser("plan", help=_("print the current strategic action plan"))
    cmd.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
    cmd.add_argument("--plan", metavar="ID",
                     help=_("plan id (default: the latest approved plan, else the latest draft)"))
    cmd.add_argument("--format", choices=("text", "json"), default="text",
                     help=_("text (default) or json"))
    cmd.add_argument("--today", type=date.fromisoformat, default=None, metavar="DATE",
                     help=_("judge overdue actions as of this date (YYYY-MM-DD; default today)"))
    cmd.set_defaults(handler=_plan)
    actions = cmd.add_subparsers(dest="plan_action", metavar="{approve,reorder,revise}")

    def action(name: str, text: str) -> argparse.ArgumentParser:
        act = actions.add_parser(name, help=text, description=text)
        act.add_argument("--district", metavar="ID", default=argparse.SUPPRESS,
                         help=_("district id (default: the one used last)"))
        act.add_argument("--plan", metavar="ID", default=argparse.SUPPRESS,
                         help=_("plan id (default: the latest approved plan, else the latest draft)"))
        return act

    approve = action("approve", _("approve a draft plan; an approved plan no longer changes"))
    approve.add_argument("--by", required=True, metavar="WHO",
                         help=_("who approves it (names and roles)"))
    approve.set_defaults(handler=_approve)
    reorder = action("reorder", _("set the order of priority of a draft plan's goals"))
    reorder.add_argument("order", nargs="+", metavar="COMPETENCY",
                         help=_("competency ids (or goal ids), first priority first; goals not "
                                "named follow in their order"))
    reorder.set_defaults(handler=_reorder)
    revise = action("revise", _("start a revision of an approved plan: a new draft with copies "
                                "of its goals and actions"))
    revise.set_defaults(handler=_revise)


def _change(args: argparse.Namespace, change: Callable[[DistrictStore, Plan], str]) -> int:
    """Open the district for writing, pick the plan, apply ``change``; print what it says."""
    from navtool_desktop.commands.common import open_district
    from navtool_desktop.core.planning import current_plan
    from navtool_desktop.storage import Repository, StoreError

    wanted = getattr(args, "plan", None)
    try:
        with Repository(paths.data_dir()) as repo:
            store = open_district(repo, getattr(args, "district", None))
            plan = (next((p for p in store.plans() if p.id == wanted), None) if wanted
                    else current_plan(store.plans()))
            if plan is None:
                raise CommandError(_("there is no plan with id {id}").format(id=wanted) if wanted
                                   else _("the district \u201c{name}\u201d has no plan yet")
                                   .format(name=store.profile.name))
            try:
                said = change(store, plan)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    sys.stdout.write(said + "\n")
    return 0


def _approve(args: argparse.Namespace) -> int:
    from navtool_desktop.core import planning
    from navtool_desktop.core.records import utc_now

    def approve(store: DistrictStore, plan: Plan) -> str:
        saved = store.save_plan(planning.approve(plan, args.by, utc_now()))
        return _("approved \u201c{title}\u201d ({id}) by {who}").format(
            title=saved.title, id=saved.id, who=saved.approved_by)

    return _change(args, approve)


def _reorder(args: argparse.Namespace) -> int:
    from navtool_desktop.core import planning

    def reorder(store: DistrictStore, plan: Plan) -> str:
        store.save_goals(planning.rank_as(store.goals(plan.id), args.order))
        return "\n".join(f"{n}. {g.competency_id}" for n, g in enumerate(store.goals(plan.id), 1))

    return _change(args, reorder)


def _revise(args: argparse.Namespace) -> int:
    def revise(store: DistrictStore, plan: Plan) -> str:
        saved = store.revise_plan(plan.id)
        return _("revision {id} of \u201c{title}\u201d: a draft").format(id=saved.id, title=saved.title)

    return _change(args, revise)


def _plan(args: argparse.Namespace) -> int:
    from navtool_desktop.commands.common import load_default_pack, open_district
    from navtool_desktop.core.planning import current_plan
    from navtool_desktop.storage import Repository, StoreError

    today = args.today or date.today()
    pack = load_default_pack()
    try:
        with Repository(paths.data_dir(), read_only=True) as repo:
            store = open_district(repo, args.district)
            plans = store.plans()
            plan = (next((p for p in plans if p.id == args.plan), None) if args.plan
                    else current_plan(plans))
            if plan is None:
                raise CommandError(_("there is no plan with id {id}").format(id=args.plan) if args.plan
                                   else _("the district \u201c{name}\u201d has no plan yet")
                                   .format(name=store.profile.name))
            results = store.results.across(pack)
            data = plan_to_dict(pack, store, plan, results, today)
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(data))
    return 0


def plan_to_dict(pack: Pack, store: DistrictStore, plan: Plan, results: list[CycleResults],
                 today: date) -> dict[str, Any]:
    """The plan as plain data: goals in plan order, actions by start date."""
    from navtool_desktop.core import planning

    set_on = planning.goal_set_on(plan)
    goals = []
    counts = {"actions": 0, "done": 0, "overdue": 0, "blocked": 0,
              **dict.fromkeys(planning.TARGET_STATUSES, 0)}
    for goal in store.goals(plan.id):
        try:
            competency = pack.competency(goal.competency_id)
            name, condition = competency.name, pack.condition(competency.condition_id).name
        except KeyError:  # a competency the loaded pack lacks: show its id
            name, condition = goal.competency_id, ""
        check = planning.target_reached(goal, set_on, results)
        counts[check.status] += 1
        actions = []
        for action in planning.ordered_actions(store.actions(goal.id)):
            marks = planning.action_marks(action, today)
            counts["actions"] += 1
            counts["done"] += action.status == "done"
            counts["overdue"] += planning.OVERDUE in marks
            counts["blocked"] += planning.BLOCKED in marks
            actions.append({
                "id": action.id, "description": action.description, "owner": action.owner,
                "start": action.start or None, "due": action.due or None,
                "resources": action.resources, "status": action.status,
                "overdue": planning.OVERDUE in marks,
                "days_overdue": planning.days_overdue(action, today),
                "notes": [{"date": n.date, "text": n.text} for n in store.progress_notes(action.id)],
            })
        goals.append({
            "id": goal.id, "competency": goal.competency_id, "competency_name": name,
            "condition_name": condition, "current_level": goal.current_level,
            "target_level": goal.target_level, "target_date": goal.target_date, "term": goal.term,
            "statement": goal.statement,
            "measures": [{"text": m.text, "practices": list(m.practices)} for m in goal.measures],
            "target": {"status": check.status, "level": check.level, "cycle": check.cycle_id,
                       "cycle_date": check.cycle_date},
            "actions": actions,
        })
    return {
        "district": {"id": store.id, "name": store.profile.name, "vision": store.profile.vision},
        "today": today.isoformat(),
        "plan": {"id": plan.id, "title": plan.title, "period_start": plan.period_start,
                 "period_end": plan.period_end, "status": plan.status,
                 "approved_by": plan.approved_by or None, "approved_at": plan.approved_at or None},
        "goals": goals,
        "summary": counts,
    }


def _level(level: str) -> str:
    return level.replace("_", " ").capitalize()


def format_text(data: dict[str, Any]) -> str:
    """The plan for a terminal: each goal, its target check and its actions."""
    plan = data["plan"]
    status = (_("approved by {who} on {when}").format(who=plan["approved_by"],
                                                      when=plan["approved_at"][:10])
              if plan["status"] == "approved" else _("draft (not approved yet)"))
    out = [data["district"]["name"]]
    if data["district"]["vision"]:
        out.append(_("Vision: {vision}").format(vision=data["district"]["vision"]))
    out += ["", _("{title} ({start} to {end}), {status}").format(
        title=plan["title"], start=plan["period_start"], end=plan["period_end"], status=status), ""]
    for n, goal in enumerate(data["goals"], 1):
        target = goal["target"]
        seen = (_(" ({level} on {date})").format(level=_level(target["level"]), date=target["cycle_date"])
                if target["level"] else "")
        out.append(_("{n}. {competency} ({condition}): {current} \u2192 {target} by {date}, "
                     "{term} term").format(
            n=n, competency=goal["competency_name"], condition=goal["condition_name"],
            current=_level(goal["current_level"]), target=_level(goal["target_level"]),
            date=goal["target_date"],
            term=_("short") if goal["term"] == "short" else _("long")))
        out.append("   " + _("Target: {status}{seen}").format(
            status=_target_word(target["status"]), seen=seen))
        out.append("   " + goal["statement"])
        for measure in goal["measures"]:
            out.append("   - " + measure["text"])
        for action in goal["actions"]:
            days = action["days_overdue"]
            flag = (plural(days, _("  OVERDUE by {days} day"), _("  OVERDUE by {days} days")).format(days=days)
                    if action["overdue"] else "")
            dates = " \u2192 ".join(d for d in (action["start"], action["due"]) if d)
            owner = _("; owner: {owner}").format(owner=action["owner"]) if action["owner"] else ""
            out.append(f"   [{_status_word(action['status'])}] {action['description']}"
                       f" ({dates}{owner}){flag}".replace(" ()", ""))
        out.append("")
    summary = data["summary"]
    out.append(_("{actions} actions: {done} done, {overdue} overdue, {blocked} blocked (as of {today}). "
                 "Targets: {reached} reached, {not_reached} not reached, {not_assessed} not assessed "
                 "yet.").format(today=data["today"], **summary))
    return "\n".join(out) + "\n"
