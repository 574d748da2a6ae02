"""The strategic action plan PDF: cover, vision, results, priorities, goals, timeline, approval.

:func:`render_plan` returns the PDF and the signer boxes of its approval page. Each box
becomes an empty signature field declared for its role (``signer-1-superintendent``, ... in
the order of :attr:`PlanInput.signers`, see :mod:`navtool_desktop.signing.boxes`), so
``navtool sign`` fills the box of the signer's role. The cover says what the document is (a
plan for adoption) and never claims an approval: the signatures on the approval page are
the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from navtool_desktop.core import planning
from navtool_desktop.core.records import Action, Goal
from navtool_desktop.core.results import ranking_rule
from navtool_desktop.framework import Pack, Resource
from navtool_desktop.i18n import _, plural
from navtool_desktop.reports import fonts, style
from navtool_desktop.reports.common import (
    data_table,
    head_cells,
    hex_color,
    level_chip,
    long_date,
    para,
    rich,
    short_date,
)
from navtool_desktop.reports.data import PlanInput, Signer
from navtool_desktop.reports.document import DocumentInfo, build_with_twin, heading, twin_checksum
from navtool_desktop.reports.sections import competency_name, participation, privacy_notes, results_overview
from navtool_desktop.reports.text import markup, one_line
from navtool_desktop.signing import SignatureBox, box_field_name, grouped_fingerprint
from navtool_desktop.signing.sign import BOX_HEIGHT, BOX_WIDTH

#: How many suggested priorities outside the plan's goals are listed.
MORE_SUGGESTIONS = 3


@dataclass(frozen=True)
class RenderedPlan:
    """A plan PDF and where each signer signs: ``(field name, box)`` in signing order."""

    pdf: bytes
    boxes: tuple[tuple[str, SignatureBox], ...]
    #: The role and expected name of each box, by field name.
    labels: tuple[tuple[str, str, str], ...] = ()
    #: The accessible HTML twin, whose SHA-256 the last page prints (see document.build_with_twin).
    twin: str = ""

    @property
    def approval_page(self) -> int:
        """The page (from 1) that holds the signer boxes."""
        return self.boxes[0][1].page if self.boxes else 0


def fingerprint_lines(fingerprint: str) -> list[str]:
    """A ``AA:BB:...`` fingerprint in lines of 8 bytes, as the stamps print it too."""
    return grouped_fingerprint(fingerprint)


def _goal_label(pack: Pack, n: int, goal: Goal) -> str:
    return _("Goal {n}: {competency}").format(n=n, competency=competency_name(pack, goal.competency_id))


def _condition_name(pack: Pack, competency_id: str) -> str:
    try:
        return pack.condition(competency_id.split(".", 1)[0]).name
    except KeyError:
        return ""


# --- pages ---------------------------------------------------------------------------------


def _adoption_line(data: PlanInput) -> str:
    """What the document is: a plan for adoption, at the meeting on a date if the plan sets one."""
    meeting = data.plan.meeting_date
    if meeting:
        return _("Plan for adoption at the board meeting of {date}").format(date=long_date(meeting))
    return _("Plan for adoption")


def _cover(pack: Pack, data: PlanInput, for_signing: bool) -> list[Flowable]:
    st = style.styles()
    plan, district = data.plan, data.district
    where = ", ".join(p for p in (district.name, district.state) if p.strip())
    # never an approval claimed on the cover: the signatures on the approval page are the record
    status = (Paragraph(markup(_adoption_line(data)), st.lead) if for_signing
              else Paragraph(markup(_("Draft for discussion, not for signature")), st.lead))
    goals, actions = len(data.goals), sum(len(a) for a in data.actions.values())
    out: list[Flowable] = [
        Spacer(1, 120),
        para(where, st.subtitle),
        para(plan.title, st.title),
        para(_("Strategic action plan, {start} to {end}").format(
            start=long_date(plan.period_start), end=long_date(plan.period_end)), st.lead),
        status,
        *([para(_("Its adoption is recorded by the signatures on the approval page, not by this cover."),
                st.small)] if for_signing else []),
        Spacer(1, 18),
        para(_("{goals}, {actions}. Prepared on {today}.").format(
            goals=plural(goals, _("{n} goal"), _("{n} goals")).format(n=goals),
            actions=plural(actions, _("{n} action"), _("{n} actions")).format(n=actions),
            today=long_date(data.today)), st.body),
        Spacer(1, 150),
        para(_("Page 2 lists the goals this plan adopts and the contents, with page numbers. This is the "
               "plan as adopted: how the actions are going is in separate progress reports."), st.small),
        para(_("Built on the Navigation Tool by {publisher} ({year}). {credit}").format(
            publisher=pack.publisher, year=pack.year, credit=pack.credit), st.small),
        NextPageTemplate("body"),
        PageBreak(),
    ]
    return out


def _vision(data: PlanInput, mark: _PageMark) -> list[Flowable]:
    st = style.styles()
    district = data.district
    out: list[Flowable] = [mark(heading(_("Our vision")), "vision")]
    out.append(para(district.vision or _("The district has not written its vision yet."), st.lead))
    out.append(heading(_("Portrait of a graduate"), 1))
    out.append(para(district.portrait_of_graduate or _("Not written yet."), st.lead))
    if district.team:
        out.append(heading(_("Leadership team"), 1))
        rows: list[list[Any]] = [head_cells(_("Name"), _("Role"))]
        rows += [[para(m.name, st.cell), para(m.role, st.cell)] for m in district.team]
        out.append(data_table(rows, [style.FRAME_WIDTH * 0.5, style.FRAME_WIDTH * 0.5]))
    out.append(PageBreak())
    return out


def _results(pack: Pack, data: PlanInput, mark: _PageMark) -> list[Flowable]:
    st = style.styles()
    results = data.results
    out: list[Flowable] = [mark(heading(_("Where we stand")), "results")]
    if results is None:
        out += [para(_("No Reflect and Listen cycle has been recorded yet, so there are no results to "
                       "show."), st.body), PageBreak()]
        return out
    cycle = results.cycle
    out.append(para(_("Each competency by level, from the cycle \u201c{title}\u201d ({date}; {who}).").format(
        title=cycle.title, date=long_date(cycle.date), who=participation(results)), st.body))
    out += results_overview(pack, results)
    out.append(para(ranking_rule(), st.small))
    out += privacy_notes(results)
    out.append(CondPageBreak(300))
    return out


def _priorities(pack: Pack, data: PlanInput, mark: _PageMark) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [mark(heading(_("Our priorities and why")), "priorities")]
    suggestions = planning.suggest_priorities(pack, data.results) if data.results else ()
    by_id = {s.competency_id: s for s in suggestions}
    chosen: list[str] = []
    for goal in ordered_goals(data):
        if goal.competency_id not in chosen:
            chosen.append(goal.competency_id)
    out.append(para(_("The competencies this plan works on, with the reasons the results give for each. "
                      "A reason is one of: at the lowest level found, in one of the four priority "
                      "conditions, low agreement among the team, or role groups far apart."), st.body))
    rows: list[list[Any]] = [head_cells(_("Priority"), _("Level"), _("Why"))]
    for cid in chosen:
        suggestion = by_id.get(cid)
        level = data.results.competency(cid).level if data.results and _in(data, cid) else None
        reasons = ([planning.reason_text(pack, r) for r in suggestion.reasons] if suggestion
                   else [_("Chosen by the team (no rule flags it).")])
        rows.append([
            rich("<b>{name}</b><br/>{condition}", st.cell, name=competency_name(pack, cid),
                 condition=_condition_name(pack, cid)),
            level_chip(level),
            Paragraph("<br/>".join("\u2022 " + markup(r) for r in reasons), st.cell),
        ])
    if len(rows) == 1:
        rows.append([para(_("No goals yet."), st.cell), "", ""])
    w = style.FRAME_WIDTH
    out.append(data_table(rows, [w * 0.36, w * 0.18, w * 0.46]))
    more = [s for s in suggestions if s.competency_id not in chosen][:MORE_SUGGESTIONS]
    if more:
        out.append(heading(_("Also suggested by the results"), 1))
        for s in more:
            out.append(rich("<b>{name}</b> ({level}): {reasons}", st.body,
                            name=competency_name(pack, s.competency_id), level=style.level_name(s.level),
                            reasons="; ".join(planning.reason_text(pack, r) for r in s.reasons)))
    out.append(para(planning.suggestion_rule(), st.small))
    out.append(PageBreak())
    return out


def _in(data: PlanInput, competency_id: str) -> bool:
    assert data.results is not None
    return any(c.competency_id == competency_id for c in data.results.competencies)


# --- numbering, money -------------------------------------------------------------------------


def ordered_goals(data: PlanInput) -> list[Goal]:
    """The plan's goals in its order of priorities (:attr:`Goal.rank`, then as stored)."""
    return sorted(data.goals, key=lambda g: g.rank)


def numbered(data: PlanInput) -> list[tuple[int, Goal, list[tuple[str, Action]]]]:
    """Each goal with its number (1, 2, ...) and its actions numbered 1.1, 1.2, ...: the same
    numbers in the goal's table, the timeline and the progress report."""
    return [(n, goal, [(f"{n}.{k}", a) for k, a in enumerate(data.actions.get(goal.id, ()), start=1)])
            for n, goal in enumerate(ordered_goals(data), start=1)]


def money(amount: int) -> str:
    """Whole dollars as ``$12,500``."""
    return f"${amount:,}"


def _cost_cell(cost: int, funding: str) -> str:
    parts = [money(cost)] if cost else []
    if funding.strip():
        parts.append(funding.strip())
    return ", ".join(parts) or "\u2014"


def goal_cost(data: PlanInput, goal: Goal) -> int:
    """The goal's own cost plus its actions' costs."""
    return goal.cost + sum(a.cost for a in data.actions.get(goal.id, ()))


def _funding_totals(data: PlanInput) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for goal in data.goals:
        items = [(goal.cost, goal.funding), *((a.cost, a.funding) for a in data.actions.get(goal.id, ()))]
        for cost, funding in items:
            if cost:
                key = funding.strip() or _("Source not given")
                totals[key] = totals.get(key, 0) + cost
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def _headline(goal: Goal) -> str:
    """The goal's headline measure: the first with a target number, else the first."""
    if not goal.measures:
        return _("No measures yet.")
    measure = next((m for m in goal.measures if m.target.strip()), goal.measures[0])
    text = measure.text
    if measure.target.strip():
        text += " " + _("Target: {target}").format(target=measure.target.strip())
        if measure.baseline.strip():
            text += " " + _("(now {baseline})").format(baseline=measure.baseline.strip())
    return text


# --- page 2: what is adopted, and the contents -------------------------------------------------


def _form_name(key: str) -> str:
    return f"navtool-contents-{key}"


class _PageMark:
    """Wraps a heading's ``draw`` so that, where it lands, it defines the form that prints its
    page number in the contents (drawn earlier, on page 2: a PDF form may be defined after it is
    used, as the footer's page count is). One layout pass is enough."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def __call__(self, flow: Flowable, key: str) -> Flowable:
        draw = flow.draw
        self.keys.append(key)

        def marked() -> None:
            canvas = flow.canv
            page = canvas.getPageNumber()
            # the number is right-aligned on x = 0, so the form's box must reach left of it
            # (a form clips to its box: the default box starts at 0 and hid every number)
            canvas.beginForm(_form_name(key), lowerx=-60, lowery=-6, upperx=2, uppery=24)
            canvas.setFont(fonts.REGULAR, style.styles().cell.fontSize)
            canvas.setFillColor(style.INK)
            canvas.drawRightString(0, 0, str(page))
            canvas.endForm()
            draw()

        flow.draw = marked  # type: ignore[method-assign]
        return flow


class _PageNumber(Flowable):
    """The page number of a contents entry, right-aligned: the form its heading defines."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, style.styles().cell.leading

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(self.width, 2.5)
        self.canv.doForm(_form_name(self.key))
        self.canv.restoreState()


def _glance(pack: Pack, data: PlanInput, mark: _PageMark) -> list[Flowable]:
    st = style.styles()
    w = style.FRAME_WIDTH
    out: list[Flowable] = [mark(heading(_("What this plan adopts")), "glance")]
    plan = data.plan
    out.append(rich(_("<b>{title}</b>, {start} to {end}: {goals}. Each goal moves one competency to a target "
                      "level by a date, with a lead accountable for it and a measure the board can check."),
                    st.body, title=plan.title, start=long_date(plan.period_start), end=long_date(plan.period_end),
                    goals=plural(len(data.goals), _("{n} goal"), _("{n} goals")).format(n=len(data.goals))))
    rows: list[list[Any]] = [head_cells(_("No."), _("Goal"), _("Level now \u2192 target"), _("By"), _("Lead"),
                                        _("Headline measure"))]
    for n, goal, _actions in numbered(data):
        rows.append([
            para(str(n), st.cell_bold),
            rich("<b>{name}</b><br/>{condition}", st.cell, name=competency_name(pack, goal.competency_id),
                 condition=_condition_name(pack, goal.competency_id)),
            para(f"{style.level_name(goal.current_level)} \u2192 {style.level_name(goal.target_level)}", st.cell),
            para(short_date(goal.target_date), st.cell),
            para(goal.lead or _("not named"), st.cell),
            para(_headline(goal), st.cell),
        ])
    if len(rows) == 1:
        rows.append([para("", st.cell), para(_("No goals yet."), st.cell), "", "", "", ""])
    out.append(data_table(rows, [w * 0.06, w * 0.22, w * 0.17, w * 0.11, w * 0.15, w * 0.29]))
    total = sum(goal_cost(data, g) for g in data.goals)
    if total:
        sources = "; ".join(f"{name} {money(amount)}" for name, amount in _funding_totals(data))
        out.append(Spacer(1, 4))
        out.append(rich(_("<b>Total cost of the plan: {total}</b> ({sources})."), st.body, total=money(total),
                        sources=sources))
    if plan.report_dates:
        out.append(para(_("The board receives progress reports on {dates}.").format(
            dates=", ".join(long_date(d) for d in sorted(plan.report_dates))), st.body))
    return out


#: The contents: (key, title, indent); each page number is a form its heading defines.
_Entry = tuple[str, str, int]


def _contents(entries: Sequence[_Entry]) -> list[Flowable]:
    st = style.styles()
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = []
    for key, title, indent in entries:
        text = markup(title)
        rows.append([Paragraph(f"<b>{text}</b>" if indent == 0 else text, st.cell), _PageNumber(key)])
    table = Table(rows, colWidths=[w - 50, 50], hAlign="LEFT", repeatRows=0)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, style.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *(("LEFTPADDING", (0, n), (0, n), 4 + 14 * indent) for n, (_k, _t, indent) in enumerate(entries)),
    ]))
    return [heading(_("Contents"), 1), table, PageBreak()]


# --- goals -----------------------------------------------------------------------------------------


def _level_strip(goal: Goal) -> Table:
    st = style.styles()
    term = _("Short-term") if goal.term == "short" else _("Long-term")
    cells = [
        [Paragraph(markup(_("Current level")), st.small), Paragraph(markup(_("Target level")), st.small),
         Paragraph(markup(_("Target date")), st.small), Paragraph(markup(_("Lead")), st.small)],
        [level_chip(goal.current_level, st.cell_bold), level_chip(goal.target_level, st.cell_bold),
         rich("<b>{date}</b><br/>{term}", st.cell, date=long_date(goal.target_date), term=term),
         para(goal.lead or _("not named"), st.cell_bold)],
    ]
    w = style.FRAME_WIDTH / 4
    table = Table(cells, colWidths=[w] * 4, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, -1), style.LEVEL_TINTS.get(goal.current_level, style.SHADE)),
        ("BACKGROUND", (1, 0), (1, -1), style.LEVEL_TINTS.get(goal.target_level, style.SHADE)),
        ("BACKGROUND", (2, 0), (3, -1), style.SHADE),
        ("LINEAFTER", (0, 0), (2, -1), 2, colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
    ]))
    return table


def _measures_table(pack: Pack, goal: Goal) -> Flowable:
    st = style.styles()
    w = style.FRAME_WIDTH
    if not goal.measures:
        return para(_("No measures yet."), st.body)
    rows: list[list[Any]] = [head_cells(_("Measure"), _("Baseline"), _("Target"), _("Data source"),
                                        _("When measured"))]
    for measure in goal.measures:
        parts = [markup(measure.text)]
        for pid in measure.practices:
            try:
                text = pack.find(pid).text  # type: ignore[attr-defined]
            except (KeyError, AttributeError):
                continue
            if text.strip() not in measure.text:  # unless the measure already quotes it
                parts.append(f'<font size="7.5">{markup(_("Practice to look for: {text}").format(text=text))}</font>')
        rows.append([Paragraph("<br/>".join(parts), st.cell),
                     *(para(v.strip() or "\u2014", st.cell)
                       for v in (measure.baseline, measure.target, measure.source, measure.when))])
    return data_table(rows, [w * 0.44, w * 0.11, w * 0.11, w * 0.19, w * 0.15])


def _actions_table(numbers: Sequence[tuple[str, Action]], goal: Goal, data: PlanInput) -> Table:
    """The goal's actions as adopted: number, what, who, when, cost and funding (no status)."""
    st = style.styles()
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("No."), _("Action"), _("Owner"), _("Start"), _("Due"),
                                        _("Cost, funding"))]
    for number, action in numbers:
        parts = [markup(action.description)]
        if action.resources.strip():
            parts.append('<font size="7.5">'
                         + markup(_("Resources: {resources}").format(resources=action.resources)) + "</font>")
        rows.append([
            para(number, st.cell_bold),
            Paragraph("<br/>".join(parts), st.cell),
            para(action.owner or "\u2014", st.cell),
            para(short_date(action.start) or "\u2014", st.cell),
            para(short_date(action.due) or "\u2014", st.cell),
            para(_cost_cell(action.cost, action.funding), st.cell),
        ])
    if len(rows) == 1:
        rows.append([para("", st.cell), para(_("No actions yet."), st.cell), "", "", "", ""])
    total = goal_cost(data, goal)
    if total:
        own = (" " + _("(includes {cost} for the goal itself, {funding})").format(
            cost=money(goal.cost), funding=goal.funding.strip() or _("source not given"))) if goal.cost else ""
        rows.append(["", rich("<b>{label}</b>{own}", st.cell, label=_("Total for this goal"), own=own), "", "", "",
                     rich("<b>{total}</b>", st.cell, total=money(total))])
    return data_table(rows, [w * 0.06, w * 0.42, w * 0.16, w * 0.1, w * 0.1, w * 0.16])


def _loose(head: Flowable) -> list[Flowable]:
    """A heading over a table that may split: never alone at the foot of a page (room for the
    table's header and a row is asked first), but not glued to the whole table either, which
    would push a long table, heading and all, to the next page and leave this one half empty."""
    head.keepWithNext = False  # type: ignore[attr-defined]
    return [CondPageBreak(95), head]


def _goals(pack: Pack, data: PlanInput, mark: _PageMark) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [mark(heading(_("Goals and actions")), "goals")]
    if not data.goals:
        out += [para(_("This plan has no goals yet."), st.body), PageBreak()]
        return out
    out.append(para(_("Each goal moves one competency from its current level to a target level. Its "
                      "measures say how the district will know; its actions, numbered by goal, say who "
                      "does what, and when."), st.body))
    for n, goal, numbers in numbered(data):
        # goals flow one after another; a goal's opening (heading, statement, levels) stays together,
        # and a goal starts a new page only when too little of the page is left for that opening
        out.append(CondPageBreak(150))
        out.append(KeepTogether([
            mark(heading(_goal_label(pack, n, goal), 1), f"goal-{n}"),
            para(_condition_name(pack, goal.competency_id), st.small),
            para(goal.statement, st.lead),
            _level_strip(goal),
        ]))
        out += [Spacer(1, 6), *_loose(heading(_("Measures of success"), 2, outline=_("Measures"))),
                _measures_table(pack, goal), *_loose(heading(_("Actions"), 2)), _actions_table(numbers, goal, data),
                Spacer(1, 14)]
    out.append(PageBreak())
    return out


# --- timeline ------------------------------------------------------------------------------------


#: Timeline columns: number, action, owner, bars (shares of the frame width).
_TL_COLUMNS = (0.055, 0.44, 0.16, 0.345)


def _at(first: date, last: date, width: float, day: date) -> float:
    span = max(1, (last - first).days)
    return max(0, min(span, (day - first).days)) / span * (width - 6) + 3


def _bar(first: date, last: date, width: float, start: date | None, end: date | None, *,
         status: str | None = None, target: date | None = None) -> Drawing:
    """One action's bar from ``start`` to ``end`` over faint quarter lines, and its goal's target
    date as a dashed line."""
    height = 11.0
    d = Drawing(width, height)
    month = date(first.year, first.month, 1)
    while month <= last:
        if month.month in (1, 4, 7, 10):
            x = _at(first, last, width, month)
            d.add(Line(x, 0, x, height, strokeColor=style.RULE, strokeWidth=0.4))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    if target is not None and target <= last:
        x = _at(first, last, width, target)
        d.add(Line(x, 0, x, height, strokeColor=style.ACCENT, strokeWidth=0.8, strokeDashArray=[1.5, 1.5]))
    if start is None and end is None:
        d.add(String(3, 3, _("no dates"), fontName=fonts.REGULAR, fontSize=7, fillColor=style.MUTED))
        return d
    begin, finish = start or end, end or start
    assert begin is not None and finish is not None
    x1, x2 = _at(first, last, width, begin), _at(first, last, width, finish)
    fill = style.STATUS_COLORS.get(status or "", style.ACCENT) if status else style.ACCENT
    d.add(Rect(x1, 2, max(3.0, x2 - x1), height - 4, fillColor=fill, strokeColor=None))
    return d


def _scale(first: date, last: date, width: float, target: date | None = None) -> Drawing:
    """Month initials and years over the bars' column, in white on the goal's row, and the
    goal's target date as a diamond (an arrow at the right edge when it is after ``last``)."""
    d = Drawing(width, 17)
    month = date(first.year, first.month, 1)
    months = []
    while month <= last:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    step = 1 if len(months) <= 18 else 3 if len(months) <= 48 else 12
    room = (width - 6) / max(1, len(months)) * step  # points per label
    for n, m in enumerate(months):
        x = _at(first, last, width, m)
        if n % step == 0:
            label = (m.strftime("%b")[:1 if room < 18 else 3]) if step < 12 else str(m.year)
            d.add(String(x, 2, label, fontName=fonts.REGULAR, fontSize=6.5, fillColor=style.WHITE))
        if m.month == 1 or n == 0:
            d.add(String(x, 10, str(m.year), fontName=fonts.BOLD, fontSize=6.5, fillColor=style.WHITE))
    if target is not None:
        if target > last:
            x = width - 2
            d.add(Polygon([x - 5, 4, x, 8.5, x - 5, 13], fillColor=style.WHITE, strokeColor=None))
        else:
            x, c = _at(first, last, width, target), 8.5
            d.add(Polygon([x, c + 4, x + 4, c, x, c - 4, x - 4, c], fillColor=style.WHITE,
                          strokeColor=style.ACCENT, strokeWidth=0.6))
    return d


def timeline_head(width: float, statuses: bool = False) -> Table:
    """The column names over the goals' timeline tables (printed once, at the top)."""
    widths = _timeline_widths(width, statuses)
    st = style.styles()
    labels = (_("No."), _("Action"), _("Owner"), *([_("Status")] if statuses else []), _("From start to due"))
    table = Table([[Paragraph(markup(label), st.cell_bold) for label in labels]], colWidths=widths, hAlign="LEFT")
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.8, style.ACCENT)]))
    return table


def _timeline_widths(width: float, statuses: bool) -> list[float]:
    widths = [width * share for share in _TL_COLUMNS]
    if statuses:
        widths = [widths[0], widths[1] - width * 0.06, widths[2] - width * 0.05, width * 0.11, widths[3]]
    return widths


def timeline_table(goal_label: str, target: date, rows: Sequence[tuple[str, str, str, date | None, date | None]],
                   first: date, last: date, width: float,
                   statuses: Sequence[str] | None = None) -> Table:
    """One goal's part of the timeline: its row (with the month scale and its target date),
    then a row per numbered action with its owner and its bar.

    The goal's row repeats at the top of every page the table runs onto, so an action row is
    never printed apart from its goal. Names wrap; nothing is cut. ``statuses`` (the progress
    report only) prints each action's status in words.
    """
    st = style.styles()
    cell = ParagraphStyle("timeline_cell", parent=st.cell, fontSize=7.5, leading=9)
    goal_style = ParagraphStyle("timeline_goal", parent=st.cell_head, fontSize=8, leading=10)
    widths = _timeline_widths(width, statuses is not None)
    bar_w = widths[-1] - 6
    status_cols = 1 if statuses is not None else 0
    goal_row = [Paragraph(markup(goal_label), goal_style), "", "", *([""] * status_cols),
                _scale(first, last, bar_w, target)]
    body: list[list[Any]] = [goal_row]
    for n, (number, text, owner, start, end) in enumerate(rows):
        cells: list[Any] = [para(number, cell), para(text, cell), para(owner or "\u2014", cell)]
        if statuses is not None:
            cells.append(para(style.status_name(statuses[n]), cell))
        cells.append(_bar(first, last, bar_w, start, end, status=statuses[n] if statuses is not None else None,
                          target=target))
        body.append(cells)
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), style.ACCENT),
        ("SPAN", (0, 0), (-2, 0)),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, style.RULE),
    ]))
    return table


def _timeline(pack: Pack, data: PlanInput, mark: _PageMark) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [mark(heading(_("Timeline")), "timeline")]
    plan = data.plan
    days = [date.fromisoformat(plan.period_start), date.fromisoformat(plan.period_end)]
    for group in data.actions.values():
        days += [date.fromisoformat(d) for a in group for d in (a.start, a.due) if d]
    first, last = min(days), max(days)
    out.append(para(_("Each action from its start to its due date, under its goal, with its number and owner. "
                      "The diamond and the dashed line mark a goal's target date; an arrow at the right edge "
                      "means the target date is after the plan period."), st.body))
    if not data.goals:
        out.append(para(_("No goals yet."), st.body))
    else:
        out.append(timeline_head(style.FRAME_WIDTH))
    for n, goal, numbers in numbered(data):
        out.append(timeline_table(_goal_label(pack, n, goal), date.fromisoformat(goal.target_date),
                                         [(num, a.description, a.owner,
                                           date.fromisoformat(a.start) if a.start else None,
                                           date.fromisoformat(a.due) if a.due else None) for num, a in numbers],
                                         first, last, style.FRAME_WIDTH))
        out.append(Spacer(1, 4))
    return out


def cited_resources(pack: Pack, data: PlanInput) -> list[Resource]:
    """The framework's helpful resources that an action names in its resources (by title,
    ignoring case), in pack order."""
    named = " ".join(a.resources for actions in data.actions.values() for a in actions).casefold()
    return [r for r in pack.resources if r.title.strip() and r.title.strip().casefold() in named]


def _resources(pack: Pack, data: PlanInput, mark: _PageMark) -> list[Flowable]:
    """The helpful resources the plan's actions cite, with what each one is (none: nothing)."""
    cited = cited_resources(pack, data)
    if not cited:
        return []
    st = style.styles()
    out: list[Flowable] = [CondPageBreak(160), mark(heading(_("Resources the actions draw on")), "resources")]
    out.append(para(_("Helpful resources listed with the Navigation Tool that the actions above name. "
                      "Titles are the source's; the summaries are this project's."), st.body))
    rows: list[list[Any]] = [head_cells(_("Resource"), _("What it is"))]
    rows += [[para(r.title, st.cell), para(r.summary, st.cell)] for r in cited]
    out.append(data_table(rows, [style.FRAME_WIDTH * 0.35, style.FRAME_WIDTH * 0.65]))
    return out


# --- monitoring ------------------------------------------------------------------------------------


def _calendar(pack: Pack, data: PlanInput, mark: _PageMark) -> list[Flowable]:
    """When the board hears how the plan is going: its progress reports and the goals' target dates."""
    st = style.styles()
    plan = data.plan
    out: list[Flowable] = [CondPageBreak(220), mark(heading(_("Progress reports to the board")), "calendar")]
    out.append(para(_("The board adopts the plan once and then follows it. On each date below it receives a "
                      "progress report: the status of every numbered action, overdue actions, and each "
                      "goal's measures against their targets."), st.body))
    items: list[tuple[str, str]] = [(d, _("Progress report to the board")) for d in plan.report_dates]
    items += [(goal.target_date, _("Target date of goal {n} ({name}): results against the target").format(
        n=n, name=competency_name(pack, goal.competency_id))) for n, goal, _a in numbered(data)]
    items.sort()
    rows: list[list[Any]] = [head_cells(_("Date"), _("The board receives"))]
    rows += [[para(long_date(d), st.cell), para(what, st.cell)] for d, what in items]
    out.append(data_table(rows, [style.FRAME_WIDTH * 0.25, style.FRAME_WIDTH * 0.75]))
    if not plan.report_dates:
        out.append(para(_("The dates of the progress reports are not set yet; the board sets them when it "
                          "adopts the plan: ____________________________________________"), st.body))
    return out


class _SignerBlock(Flowable):
    """One signer: an empty box for the signature stamp, and who signs beside it.

    Records where the box landed (page and absolute rectangle) in ``boxes``.
    """

    GAP = 16.0

    def __init__(self, signer: Signer, index: int, boxes: list[tuple[str, SignatureBox]]) -> None:
        super().__init__()
        self.signer = signer
        self.index = index
        self.boxes = boxes
        self.field = box_field_name(index, signer.role)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, BOX_HEIGHT + 2 * self.GAP

    def draw(self) -> None:
        st = style.styles()
        c = self.canv
        y0 = self.GAP
        c.saveState()
        c.setStrokeColor(style.MUTED)
        c.setLineWidth(0.8)
        c.setDash(3, 2)
        c.rect(0, y0, BOX_WIDTH, BOX_HEIGHT, stroke=1, fill=0)
        c.restoreState()
        x1, y1 = c.absolutePosition(0, y0)
        x2, y2 = c.absolutePosition(BOX_WIDTH, y0 + BOX_HEIGHT)
        self.boxes.append((self.field, SignatureBox(c.getPageNumber(), x1, y1, x2, y2)))
        if hasattr(c, "form_field_here"):  # the signature field's place in the reading order
            c.form_field_here(self.field)
        signer = self.signer
        lines = [f"<b>{markup(signer.role)}</b>"]
        lines.append(markup(signer.name) if signer.name.strip() else markup(_("Name: ____________________")))
        lines.append(f'<font size="7.5" color="{hex_color(style.MUTED)}">'
                     + markup(_("Signs in box {n} (field {field})").format(n=self.index, field=self.field))
                     + "</font>")
        if signer.fingerprint:
            lines.append(markup(_("Certificate SHA-256 fingerprint:")))
            lines += [f'<font size="8">{markup(line)}</font>' for line in fingerprint_lines(signer.fingerprint)]
        else:
            note = _("Once signed, the stamp shows the name in the signer\u2019s certificate, the date and "
                     "the certificate fingerprint.")
            lines.append(f'<font size="8">{markup(note)}</font>')
        text = Paragraph("<br/>".join(lines), st.cell)
        left = BOX_WIDTH + 18
        _w, h = text.wrap(self.width - left, BOX_HEIGHT + self.GAP)
        text.drawOn(c, left, y0 + BOX_HEIGHT - h)


def signers_of(data: PlanInput) -> list[Signer]:
    """The plan's signature boxes in order (the design's two when none are set)."""
    return list(data.signers) or [Signer(role=r) for r in (_("Superintendent"), _("Board chair"))]


def _adoption_record(data: PlanInput) -> Flowable:
    """Meeting date, resolution number and vote: printed when the plan records them, else lines to fill."""
    st = style.styles()
    plan = data.plan
    blank = "____________________"
    rows = [
        [para(_("Board meeting"), st.cell_bold), para(long_date(plan.meeting_date) or blank, st.cell)],
        [para(_("Resolution number"), st.cell_bold), para(plan.resolution.strip() or blank, st.cell)],
        [para(_("Vote"), st.cell_bold), para(plan.vote.strip() or _("For ____  Against ____  Abstaining ____  "
                                                                    "Absent ____"), st.cell)],
    ]
    table = Table(rows, colWidths=[style.FRAME_WIDTH * 0.3, style.FRAME_WIDTH * 0.7], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), style.SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, style.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return KeepTogether([heading(_("Adoption record"), 1), table, Spacer(1, 8)])


def _approval(pack: Pack, data: PlanInput, boxes: list[tuple[str, SignatureBox]],
              mark: _PageMark) -> list[Flowable]:
    st = style.styles()
    plan = data.plan
    out: list[Flowable] = [mark(heading(_("Approval")), "approval")]
    out.append(rich(_("By signing below, the signers approve <b>{title}</b> of {district} for "
                      "{start} to {end}, as set out in this document."), st.lead, title=plan.title,
                    district=data.district.name, start=long_date(plan.period_start),
                    end=long_date(plan.period_end)))
    out.append(para(_("Each signature is digital: it seals the whole document, so any later change to "
                      "the plan shows as a broken signature. Each stamp names the signer, the date and "
                      "the fingerprint of the signer's certificate."), st.body))
    out.append(para(_adoption_line(data) + ". " + _("Each box is for the role printed beside it; the "
                                                     "signatures below are the record of the adoption."),
                    st.body))
    out.append(_adoption_record(data))
    for n, signer in enumerate(signers_of(data), start=1):
        out.append(_SignerBlock(signer, n, boxes))
    out.append(Spacer(1, 4))
    if data.root_fingerprint:
        root = [para(_("The signers' certificates are issued by the district's root certificate. Its "
                       "SHA-256 fingerprint, to check by phone before trusting it:"), st.body),
                Paragraph("<br/>".join(f"<b>{markup(line)}</b>" for line in fingerprint_lines(data.root_fingerprint)),
                          st.lead)]
    else:
        root = [para(_("No district root certificate was set up when this plan was exported. Ask the "
                       "district, by phone on a number you already know, for the SHA-256 fingerprint of "
                       "its root certificate before trusting the signatures."), st.body)]
    out.append(KeepTogether([heading(_("The district's root certificate"), 1), *root]))
    out.append(PageBreak())
    return out


def _how_to_check(data: PlanInput, mark: _PageMark) -> list[Flowable]:
    st = style.styles()
    district = data.district.name
    out: list[Flowable] = [mark(heading(_("How to check the signatures")), "check")]
    out.append(rich(_("This plan is signed digitally by {district}. Anyone can check that it is the "
                      "approved plan, unchanged, with the free Adobe Acrobat Reader. The first time, it "
                      "takes five minutes and a phone call."), st.lead, district=district))
    steps = [
        _("<b>Open the plan in Adobe Acrobat Reader.</b> A bar above the page says how the signatures "
          "look. The first time, it usually says that the validity of a signature is unknown, or that "
          "at least one signature has problems. This only means your computer does not know the "
          "district's certificate yet; it does not mean the plan was changed."),
        _("<b>Check that nothing changed.</b> Click <i>Signature Panel</i> and open each signature. It "
          "must say that the document has not been modified since the signature was applied. If it "
          "says the document was changed, stop here and ask the district for a new copy."),
        _("<b>Find the certificate's fingerprint.</b> Right-click a signature, choose <i>Show Signature "
          "Properties</i>, then <i>Show Signer's Certificate</i>. In the list on the left, click the "
          "top entry (the district's root certificate). On the <i>Details</i> tab, click "
          "<i>SHA-256 digest</i> to see its fingerprint: 32 pairs of letters and digits."),
        _("<b>Confirm it by phone.</b> Call the district office on a number you already know (not one "
          "from this document or from the email that brought it). Ask them to read out the root "
          "certificate's fingerprint, and compare every pair. The fingerprint printed on the approval "
          "page should match too, but a forger could print anything: the phone call is the check."),
        _("<b>Trust the certificate, only if it matches.</b> On the <i>Trust</i> tab click <i>Add to "
          "Trusted Certificates</i>, confirm, tick <i>Use this certificate as a trusted root</i>, then "
          "OK. Close the windows, right-click the signature and choose <i>Validate Signature</i>. The "
          "bar now says the plan is signed and all signatures are valid."),
        _("<b>Next time</b>, plans signed by the district's signers show as valid straight away. If a "
          "future plan shows a different root fingerprint, call the district again before trusting it."),
    ]
    for n, step in enumerate(steps, start=1):
        out.append(Paragraph(f"{n}. {step}", st.body))
    if data.root_fingerprint:
        out.append(Spacer(1, 6))
        out.append(rich(_("Root certificate fingerprint given by the district for this plan:<br/><b>{fp}</b>"),
                        st.body, fp="\n".join(fingerprint_lines(data.root_fingerprint))))
    out.append(Spacer(1, 6))
    out.append(para(_("For IT staff: the signatures are PAdES (PDF Advanced Electronic Signatures) "
                      "made with SHA-256; signers sign in turn, each in an incremental update. Any "
                      "PDF checker can validate them, for example poppler's pdfsig or navtool verify "
                      "with the district's root certificate."), st.small))
    out.append(Spacer(1, 6))
    out += twin_checksum()
    return out


def _entries(pack: Pack, data: PlanInput) -> list[_Entry]:
    entries: list[_Entry] = [("glance", _("What this plan adopts"), 0), ("vision", _("Our vision"), 0),
                             ("results", _("Where we stand"), 0), ("priorities", _("Our priorities and why"), 0),
                             ("goals", _("Goals and actions"), 0)]
    entries += [(f"goal-{n}", _goal_label(pack, n, goal), 1) for n, goal, _a in numbered(data)]
    entries.append(("timeline", _("Timeline"), 0))
    if cited_resources(pack, data):
        entries.append(("resources", _("Resources the actions draw on"), 0))
    entries += [("calendar", _("Progress reports to the board"), 0),
                ("approval", _("Approval and adoption record"), 0), ("check", _("How to check the signatures"), 0)]
    return entries


def _story(pack: Pack, data: PlanInput, signature_fields: bool,
           boxes: list[tuple[str, SignatureBox]]) -> list[Flowable]:
    mark = _PageMark()
    entries = _entries(pack, data)
    story = [
        *_cover(pack, data, signature_fields),
        *_glance(pack, data, mark),
        *_contents(entries),
        *_vision(data, mark),
        *_results(pack, data, mark),
        *_priorities(pack, data, mark),
        *_goals(pack, data, mark),
        *_timeline(pack, data, mark),
        *_resources(pack, data, mark),
        *_calendar(pack, data, mark),
        PageBreak(),
        *_approval(pack, data, boxes, mark),
        *_how_to_check(data, mark),
    ]
    missing = {key for key, _t, _i in entries} - set(mark.keys)
    assert not missing, f"contents entries without a heading: {missing}"  # a form used but never defined
    return story


def render_plan(pack: Pack, data: PlanInput, *, signature_fields: bool = True) -> RenderedPlan:
    """The plan PDF, with an empty signature field per signer box when ``signature_fields``."""
    plan, district = data.plan, data.district
    info = DocumentInfo(
        title=_("{title} \u2014 {district}").format(title=plan.title, district=district.name),
        author=district.name,
        subject=_("Strategic action plan, {start} to {end}").format(start=plan.period_start,
                                                                    end=plan.period_end),
        header_left=_("{district} \u00b7 {title}").format(district=district.name, title=plan.title),
        header_right=_("Strategic action plan"),
        keywords=_("strategic plan, Navigation Tool, competency-based learning"),
    )
    boxes: list[tuple[str, SignatureBox]] = []
    pdf, twin = build_with_twin(lambda: _story(pack, data, signature_fields, boxes), info)
    labels = {box_field_name(n, s.role): (one_line(s.role), one_line(s.name))
              for n, s in enumerate(signers_of(data), start=1)}
    if signature_fields and boxes:
        from navtool_desktop.signing import add_signature_fields

        pdf = add_signature_fields(pdf, boxes, labels)
    return RenderedPlan(pdf, tuple(boxes), tuple((f, r, n) for f, (r, n) in labels.items()), twin)
