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

from reportlab.lib import colors
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
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _, plural
from navtool_desktop.reports import charts, style
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
from navtool_desktop.reports.document import DocumentInfo, build, heading
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
        para(_("In this plan: our vision and portrait of a graduate; where we stand (results); our "
               "priorities and why; each goal with its measures and actions; the timeline; the "
               "approval page with the signatures; how to check those signatures."), st.small),
        para(_("Built on the Navigation Tool by {publisher} ({year}). {credit}").format(
            publisher=pack.publisher, year=pack.year, credit=pack.credit), st.small),
        NextPageTemplate("body"),
        PageBreak(),
    ]
    return out


def _vision(data: PlanInput) -> list[Flowable]:
    st = style.styles()
    district = data.district
    out: list[Flowable] = [heading(_("Our vision"))]
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


def _results(pack: Pack, data: PlanInput) -> list[Flowable]:
    st = style.styles()
    results = data.results
    out: list[Flowable] = [heading(_("Where we stand"))]
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


def _priorities(pack: Pack, data: PlanInput) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [heading(_("Our priorities and why"))]
    suggestions = planning.suggest_priorities(pack, data.results) if data.results else ()
    by_id = {s.competency_id: s for s in suggestions}
    chosen: list[str] = []
    for goal in data.goals:
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


def _level_strip(pack: Pack, data: PlanInput, goal: Goal) -> Table:
    st = style.styles()
    check = planning.target_reached(goal, planning.goal_set_on(data.plan), list(data.history))
    if check.status == planning.NOT_ASSESSED:
        latest = para(_("Not assessed since the goal was set"), st.cell)
    else:
        mark = _("target reached") if check.status == planning.REACHED else _("not there yet")
        latest = rich("{level}<br/>{when}, {mark}", st.cell, level=style.level_name(check.level),
                      when=short_date(check.cycle_date), mark=mark)
    term = _("Short-term") if goal.term == "short" else _("Long-term")
    cells = [
        [Paragraph(markup(_("Current level")), st.small), Paragraph(markup(_("Target level")), st.small),
         Paragraph(markup(_("Latest result")), st.small), Paragraph(markup(_("Target date")), st.small)],
        [level_chip(goal.current_level, st.cell_bold), level_chip(goal.target_level, st.cell_bold), latest,
         rich("<b>{date}</b><br/>{term}", st.cell, date=long_date(goal.target_date), term=term)],
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


def _actions_table(data: PlanInput, actions: Sequence[Action]) -> Table:
    st = style.styles()
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("Action"), _("Owner"), _("Start"), _("Due"), _("Status"))]
    extra = []
    for n, action in enumerate(actions, start=1):
        parts = [markup(action.description)]
        if action.resources.strip():
            parts.append(f'<font size="7.5" color="{hex_color(style.MUTED)}">'
                         + markup(_("Resources: {resources}").format(resources=action.resources)) + "</font>")
        notes = data.notes.get(action.id, ())
        if notes:
            last = notes[-1]
            parts.append(f'<font size="7.5" color="{hex_color(style.MUTED)}">'
                         + markup(_("Latest note ({date}): {text}").format(date=short_date(last.date),
                                                                          text=last.text)) + "</font>")
        marks = planning.action_marks(action, data.today)
        status = markup(style.status_name(action.status))
        if planning.OVERDUE in marks:
            status += "<br/>" + markup(_("overdue {n} days").format(n=planning.days_overdue(action, data.today)))
        color = style.STATUS_COLORS.get(action.status, style.INK)
        rows.append([
            Paragraph("<br/>".join(parts), st.cell),
            para(action.owner or "\u2014", st.cell),
            para(short_date(action.start) or "\u2014", st.cell),
            para(short_date(action.due) or "\u2014", st.cell),
            Paragraph(f'<font color="{hex_color(color)}"><b>{status}</b></font>', st.cell),
        ])
        if planning.OVERDUE in marks:
            extra.append(("BACKGROUND", (4, n), (4, n), colors.HexColor("#fbe9e7")))
    if len(rows) == 1:
        rows.append([para(_("No actions yet."), st.cell), "", "", "", ""])
    return data_table(rows, [w * 0.43, w * 0.19, w * 0.12, w * 0.12, w * 0.14], extra=extra)


def _goals(pack: Pack, data: PlanInput) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [heading(_("Goals and actions"))]
    if not data.goals:
        out += [para(_("This plan has no goals yet."), st.body), PageBreak()]
        return out
    out.append(para(_("Each goal moves one competency from its current level to a target level. Its "
                      "measures say how the district will know; its actions say who does what, "
                      "and when."), st.body))
    for n, goal in enumerate(data.goals, start=1):
        # a goal stays on one page when it fits one; a longer one starts a page and runs on
        block: list[Flowable] = [
            heading(_goal_label(pack, n, goal), 1),
            para(_condition_name(pack, goal.competency_id), st.small),
            para(goal.statement, st.lead),
            _level_strip(pack, data, goal),
            Spacer(1, 8),
            heading(_("Measures of success"), 2, outline=_("Measures")),
        ]
        if goal.measures:
            for measure in goal.measures:
                block.append(Paragraph("\u2022 " + markup(measure.text), st.body))
                for pid in measure.practices:
                    try:
                        text = pack.find(pid).text  # type: ignore[attr-defined]
                    except (KeyError, AttributeError):
                        continue
                    if text.strip() in measure.text:
                        continue  # the measure already quotes it
                    block.append(Paragraph(markup(_("Practice to look for: {text}").format(text=text)), st.note))
        else:
            block.append(para(_("No measures yet."), st.body))
        block += [heading(_("Actions"), 2), _actions_table(data, data.actions.get(goal.id, ())), Spacer(1, 16)]
        out.append(KeepTogether(block))
    out.append(PageBreak())
    return out


def _timeline(pack: Pack, data: PlanInput) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [heading(_("Timeline"))]
    plan = data.plan
    rows: list[charts.TimelineRow] = []
    days = [date.fromisoformat(plan.period_start), date.fromisoformat(plan.period_end)]
    for n, goal in enumerate(data.goals, start=1):
        rows.append(charts.TimelineRow(_goal_label(pack, n, goal), True, end=date.fromisoformat(goal.target_date)))
        for action in data.actions.get(goal.id, ()):
            start = date.fromisoformat(action.start) if action.start else None
            due = date.fromisoformat(action.due) if action.due else None
            days += [d for d in (start, due) if d]
            rows.append(charts.TimelineRow(action.description, False, start, due, action.status))
    out.append(para(_("Each action from its start to its due date, under its goal. The diamond marks a "
                      "goal's target date; an arrow at the right edge means the target date is after "
                      "the plan period."), st.body))
    out.append(charts.status_legend(style.FRAME_WIDTH))
    out.append(Spacer(1, 6))
    if not rows:
        out.append(para(_("No goals yet."), st.body))
    for chart in charts.timeline(rows, min(days), max(days), style.FRAME_WIDTH):
        out += [chart, Spacer(1, 10)]
    out.append(PageBreak())
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


def _approval(pack: Pack, data: PlanInput, boxes: list[tuple[str, SignatureBox]]) -> list[Flowable]:
    st = style.styles()
    plan = data.plan
    out: list[Flowable] = [heading(_("Approval"))]
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
    out.append(Spacer(1, 6))
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


def _how_to_check(data: PlanInput) -> list[Flowable]:
    st = style.styles()
    district = data.district.name
    out: list[Flowable] = [heading(_("How to check the signatures"))]
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
    return out


def render_plan(pack: Pack, data: PlanInput, *, signature_fields: bool = True) -> RenderedPlan:
    """The plan PDF, with an empty signature field per signer box when ``signature_fields``."""
    plan, district = data.plan, data.district
    boxes: list[tuple[str, SignatureBox]] = []
    story: list[Flowable] = [
        *_cover(pack, data, signature_fields),
        *_vision(data),
        *_results(pack, data),
        *_priorities(pack, data),
        *_goals(pack, data),
        *_timeline(pack, data),
        *_approval(pack, data, boxes),
        *_how_to_check(data),
    ]
    info = DocumentInfo(
        title=_("{title} \u2014 {district}").format(title=plan.title, district=district.name),
        author=district.name,
        subject=_("Strategic action plan, {start} to {end}").format(start=plan.period_start,
                                                                    end=plan.period_end),
        header_left=_("{district} \u00b7 {title}").format(district=district.name, title=plan.title),
        header_right=_("Strategic action plan"),
        keywords=_("strategic plan, Navigation Tool, competency-based learning"),
    )
    pdf = build(story, info)
    labels = {box_field_name(n, s.role): (one_line(s.role), one_line(s.name))
              for n, s in enumerate(signers_of(data), start=1)}
    if signature_fields and boxes:
        from navtool_desktop.signing import add_signature_fields

        pdf = add_signature_fields(pdf, boxes, labels)
    return RenderedPlan(pdf, tuple(boxes), tuple((f, r, n) for f, (r, n) in labels.items()))
