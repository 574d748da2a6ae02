"""The progress report PDF: how the adopted plan is going, for the board's updates.

The plan a board adopts and signs (:mod:`navtool_desktop.reports.plan`) holds no live
status. This report does: each numbered action's status, its latest progress note, the
overdue actions, and each goal's latest result against its target. It is cut at the report
date (:attr:`PlanInput.today`): notes and assessment cycles dated after it are left out.
The numbers (goal 2, action 2.3) are the adopted plan's.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from navtool_desktop.core import planning
from navtool_desktop.core.records import ACTION_STATUSES, Action
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _, plural
from navtool_desktop.reports import style
from navtool_desktop.reports.common import data_table, head_cells, hex_color, long_date, para, rich, short_date
from navtool_desktop.reports.data import PlanInput
from navtool_desktop.reports.document import DocumentInfo, build_with_twin, heading, twin_checksum
from navtool_desktop.reports.plan import numbered, timeline_head, timeline_table
from navtool_desktop.reports.sections import competency_name
from navtool_desktop.reports.text import markup


def cut_at(data: PlanInput, day: date) -> PlanInput:
    """``data`` as it stood on ``day``: each action's status as it was then, and progress notes
    and cycles dated after it left out."""
    when = day.isoformat()
    actions = {gid: tuple(a.replace(status=planning.status_on(a, when)) for a in group)
               for gid, group in data.actions.items()}
    notes = {aid: tuple(n for n in group if n.date <= when) for aid, group in data.notes.items()}
    history = tuple(r for r in data.history if r.cycle.date <= when)
    return dataclasses.replace(data, actions=actions, notes=notes, history=history, today=day)


def _status_cell(action: Action, today: date) -> Paragraph:
    st = style.styles()
    text = markup(style.status_name(action.status))
    if planning.OVERDUE in planning.action_marks(action, today):
        text += "<br/>" + markup(_("overdue {n} days").format(n=planning.days_overdue(action, today)))
    return Paragraph(f"<b>{text}</b>", st.cell)


def _summary(data: PlanInput) -> list[Flowable]:
    st = style.styles()
    w = style.FRAME_WIDTH
    actions = [a for group in data.actions.values() for a in group]
    counts = {s: sum(1 for a in actions if a.status == s) for s in ACTION_STATUSES}
    overdue = [a for a in actions if planning.OVERDUE in planning.action_marks(a, data.today)]
    rows: list[list[Any]] = [head_cells(*(style.status_name(s) for s in ACTION_STATUSES), _("Overdue"),
                                        centered=range(len(ACTION_STATUSES) + 1))]
    rows.append([para(str(counts[s]), st.cell_center) for s in ACTION_STATUSES]
                + [para(str(len(overdue)), st.cell_center)])
    out: list[Flowable] = [heading(_("Summary"), 1)]
    out.append(para(_("{actions} in {goals}.").format(
        actions=plural(len(actions), _("{n} action"), _("{n} actions")).format(n=len(actions)),
        goals=plural(len(data.goals), _("{n} goal"), _("{n} goals")).format(n=len(data.goals))), st.body))
    out.append(data_table(rows, [w / (len(ACTION_STATUSES) + 1)] * (len(ACTION_STATUSES) + 1), zebra=False))
    return out


def _overdue(data: PlanInput) -> list[Flowable]:
    st = style.styles()
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("No."), _("Action"), _("Owner"), _("Due"), _("Status"))]
    for _n, _goal, numbers in numbered(data):
        for number, action in numbers:
            if planning.OVERDUE in planning.action_marks(action, data.today):
                rows.append([para(number, st.cell_bold), para(action.description, st.cell),
                             para(action.owner or "\u2014", st.cell), para(short_date(action.due), st.cell),
                             _status_cell(action, data.today)])
    out: list[Flowable] = [heading(_("Overdue actions"), 1)]
    if len(rows) == 1:
        out.append(para(_("No action is overdue on {date}.").format(date=long_date(data.today)), st.body))
    else:
        out.append(data_table(rows, [w * 0.07, w * 0.45, w * 0.18, w * 0.13, w * 0.17]))
    return out


def _goal(pack: Pack, data: PlanInput, n: int, numbers: list[tuple[str, Action]], goal: Any) -> list[Flowable]:
    st = style.styles()
    w = style.FRAME_WIDTH
    check = planning.target_reached(goal, planning.goal_set_on(data.plan), list(data.history))
    if check.status == planning.NOT_ASSESSED:
        result = _("not assessed since the goal was set")
    else:
        mark = _("target reached") if check.status == planning.REACHED else _("target not reached yet")
        result = _("{level} in the cycle of {date}: {mark}").format(
            level=style.level_name(check.level), date=short_date(check.cycle_date), mark=mark)
    head: list[Flowable] = [
        heading(_("Goal {n}: {competency}").format(n=n, competency=competency_name(pack, goal.competency_id)), 1),
        rich(_("Target: <b>{target}</b> by {date}. Lead: {lead}."), st.body,
             target=style.level_name(goal.target_level), date=long_date(goal.target_date),
             lead=goal.lead or _("not named")),
        rich(_("Latest result: <b>{result}</b>."), st.body, result=result),
    ]
    rows: list[list[Any]] = [head_cells(_("No."), _("Action"), _("Owner"), _("Due"), _("Status"),
                                        _("Latest note"))]
    extra = []
    for k, (number, action) in enumerate(numbers, start=1):
        notes = data.notes.get(action.id, ())
        note = (rich("{text} <font color=\"" + hex_color(style.MUTED) + "\">({date})</font>", st.cell,
                     text=notes[-1].text, date=short_date(notes[-1].date)) if notes else para("\u2014", st.cell))
        rows.append([para(number, st.cell_bold), para(action.description, st.cell),
                     para(action.owner or "\u2014", st.cell), para(short_date(action.due) or "\u2014", st.cell),
                     _status_cell(action, data.today), note])
        if planning.OVERDUE in planning.action_marks(action, data.today):
            extra.append(("BACKGROUND", (4, k), (4, k), colors.HexColor("#fbe9e7")))
    if len(rows) == 1:
        rows.append([para("", st.cell), para(_("No actions yet."), st.cell), "", "", "", ""])
    table = data_table(rows, [w * 0.06, w * 0.33, w * 0.15, w * 0.1, w * 0.13, w * 0.23], extra=extra)
    return [CondPageBreak(150), KeepTogether(head), table, Spacer(1, 10)]


def render_progress(pack: Pack, data: PlanInput) -> bytes:
    """The progress report of the plan in ``data``, as of ``data.today`` (cut there)."""
    return render_progress_with_twin(pack, data)[0]


def render_progress_with_twin(pack: Pack, data: PlanInput) -> tuple[bytes, str]:
    """The progress report and its accessible HTML twin (whose SHA-256 its last page prints)."""
    data = cut_at(data, data.today)
    plan, district = data.plan, data.district
    info = DocumentInfo(
        title=_("Progress report: {title} \u2014 {district}").format(title=plan.title, district=district.name),
        author=district.name,
        subject=_("Progress on the strategic action plan as of {date}").format(date=data.today.isoformat()),
        header_left=_("{district} \u00b7 {title}").format(district=district.name, title=plan.title),
        header_right=_("Progress report, {date}").format(date=short_date(data.today.isoformat())),
        keywords=_("progress report, strategic plan, Navigation Tool"),
        cover=False,
    )
    return build_with_twin(lambda: _story(pack, data), info)


def _story(pack: Pack, data: PlanInput) -> list[Flowable]:
    st = style.styles()
    plan, district = data.plan, data.district
    adopted = []
    if plan.meeting_date:
        adopted.append(_("adopted at the board meeting of {date}").format(date=long_date(plan.meeting_date)))
    if plan.resolution.strip():
        adopted.append(_("resolution {number}").format(number=plan.resolution.strip()))
    story: list[Flowable] = [
        heading(_("Progress report: {title}").format(title=plan.title)),
        rich(_("{district}. Progress as of <b>{date}</b>, against the plan for {start} to {end}{adopted}."),
             st.lead, district=district.name, date=long_date(data.today), start=long_date(plan.period_start),
             end=long_date(plan.period_end), adopted=(", " + ", ".join(adopted)) if adopted else ""),
        para(_("This report is for the board's updates. It is not the adopted plan: the numbers of goals and "
               "actions are the plan's, each action's status is the one recorded on or before the report "
               "date, and notes and results dated after it are left out."), st.small),
        *_summary(data),
        *_overdue(data),
        CondPageBreak(220),
        heading(_("Goals and actions")),
    ]
    for n, goal, numbers in numbered(data):
        story += _goal(pack, data, n, numbers, goal)
    story.append(CondPageBreak(200))
    story.append(heading(_("Timeline with status")))
    story.append(timeline_head(style.FRAME_WIDTH, statuses=True))
    days = [date.fromisoformat(plan.period_start), date.fromisoformat(plan.period_end)]
    for group in data.actions.values():
        days += [date.fromisoformat(d) for a in group for d in (a.start, a.due) if d]
    for n, goal, numbers in numbered(data):
        story.append(timeline_table(
            _("Goal {n}: {competency}").format(n=n, competency=competency_name(pack, goal.competency_id)),
            date.fromisoformat(goal.target_date),
            [(num, a.description, a.owner, date.fromisoformat(a.start) if a.start else None,
              date.fromisoformat(a.due) if a.due else None) for num, a in numbers],
            min(days), max(days), style.FRAME_WIDTH, statuses=[a.status for _num, a in numbers]))
        story.append(Spacer(1, 6))
    return [*story, Spacer(1, 12), *twin_checksum()]
