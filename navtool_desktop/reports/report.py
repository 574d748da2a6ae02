"""The assessment report PDF: one cycle's results by condition and competency, for the team and board.

Role groups are shown or hidden by the cycle's disclosure rule (:mod:`core.disclosure`):
hidden groups are printed as "hidden", never as numbers (zeros included), and when the
whole cycle is under the threshold no counts are printed at all. Notes and answers to the
guiding questions are printed without who wrote them or their role group, in an order that says
nothing of either, and only where the rule of :mod:`core.written` shows them (as on the
Consensus screen and in the summary table).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, NextPageTemplate, PageBreak, Spacer

from navtool_desktop.core.disclosure import (
    hidden_text,
    item_withheld_text,
    no_counts_text,
    texts_rule_text,
    texts_withheld_text,
)
from navtool_desktop.core.records import RATING_CHOICES, ROLE_GROUPS
from navtool_desktop.core.results import (
    EMPTY,
    SHOWN,
    CompetencyResult,
    Distribution,
    compare,
    low_agreement_rule,
    median_rule,
    ranking_rule,
    without_consensus,
)
from navtool_desktop.core.written import CycleWritten, Texts, cycle_written
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.reports import charts, style
from navtool_desktop.reports.common import data_table, head_cells, level_chip, long_date, para
from navtool_desktop.reports.data import ReportInput
from navtool_desktop.reports.document import DocumentInfo, build_with_twin, heading, twin_checksum
from navtool_desktop.reports.sections import participation, privacy_notes, results_overview
from navtool_desktop.vocabulary import audience_name, level_letter


def _cover(pack: Pack, data: ReportInput) -> list[Flowable]:
    st = style.styles()
    cycle = data.results.cycle
    district = data.district
    where = ", ".join(p for p in (district.name, district.state) if p.strip())
    scope = (_("All {n} conditions").format(n=len(pack.conditions)) if cycle.scope is None else
             _("{n} conditions: {names}").format(n=len(data.results.conditions), names=", ".join(
                 pack.condition(c.condition_id).name for c in data.results.conditions)))
    state = _("closed") if cycle.status == "closed" else _("still open: results may change")
    return [
        Spacer(1, 120),
        para(where, st.subtitle),
        para(_("Assessment report"), st.title),
        *([para(draft_mark(), st.lead)] if cycle.status != "closed" else []),
        para(_("{title}, {date}").format(title=cycle.title, date=long_date(cycle.date)), st.lead),
        para(_("Scope: {scope}").format(scope=scope), st.body),
        para(_("{who}; the cycle is {state}.").format(who=participation(data.results), state=state), st.body),
        Spacer(1, 16),
        para(_("Prepared on {today}.").format(today=long_date(data.today)), st.body),
        Spacer(1, 120),
        *privacy_notes(data.results),
        para(_("Built on the Navigation Tool by {publisher} ({year}). {credit}").format(
            publisher=pack.publisher, year=pack.year, credit=pack.credit), st.small),
        NextPageTemplate("body"),
        PageBreak(),
    ]


def draft_mark() -> str:
    """What every page of an open cycle's report says."""
    return _("(draft: cycle still open)")


def _mean_cell(summary: Any, shown: bool) -> Any:
    st = style.styles()
    if not shown:
        return para(_("hidden"), st.cell_center)
    if summary is None or summary.mean is None:
        return para("\u2014", st.cell_center)
    return para(f"{summary.mean:.1f}", st.cell_center)


def _equity(pack: Pack, data: ReportInput) -> list[Flowable]:
    """Role group by condition: each group's average level, under the cycle's privacy rule.

    The groups' statuses come from the results (:mod:`core.disclosure` decided them): a
    hidden group prints "hidden", never a number.
    """
    st = style.styles()
    w = style.FRAME_WIDTH
    results = data.results
    out: list[Flowable] = [heading(_("Equity lens: how each role group sees the conditions"), 1,
                                   outline=_("Equity lens"))]
    out.append(para(_("The average level of each group's votes on a condition (1 Establishing, 2 Developing, "
                      "3 Operationalizing, 4 Refining). Groups with too few people are hidden so nobody's "
                      "ratings can be singled out. A gap of 1.0 or more means two groups are a whole level "
                      "apart: worth a conversation."), st.body))
    rows: list[list[Any]] = [head_cells(_("Condition"), _("Everyone"), *(style.role_group_name(g) for g in ROLE_GROUPS),
                                        _("Gap"), centered=range(1, 3 + len(ROLE_GROUPS)))]
    for cond in results.conditions:
        condition = pack.condition(cond.condition_id)
        cells: list[Any] = [para(condition.name + (" \u2605" if condition.priority else ""), st.cell),
                            _mean_cell(cond.overall, results.overall_shown and cond.overall_shown)]
        means = []
        for group in ROLE_GROUPS:
            g = cond.group(group)
            if g.status == EMPTY:
                cells.append(para("\u2014", st.cell_center))
                continue
            shown = g.status == SHOWN and results.overall_shown
            cells.append(_mean_cell(g.summary, shown))
            if shown and g.summary is not None and g.summary.mean is not None:
                means.append(g.summary.mean)
        gap = max(means) - min(means) if len(means) >= 2 else None
        cells.append(para(f"{gap:.1f}" if gap is not None else "\u2014", st.cell_bold if gap and gap >= 1
                          else st.cell_center))
        rows.append(cells)
    n = len(ROLE_GROUPS)
    out.append(data_table(rows, [w * 0.3, w * 0.11, *([w * 0.47 / n] * n), w * 0.12]))
    out.append(para(_("\u2014: nobody in the group rated. Hidden: too few people in the group (or too few "
                      "in the groups hidden with it)."), st.small))
    return out


def _change(pack: Pack, data: ReportInput) -> list[Flowable]:
    """Change since the previous cycle: per condition, then the competencies that moved."""
    st = style.styles()
    w = style.FRAME_WIDTH
    out: list[Flowable] = [heading(_("Change since the previous cycle"), 1, outline=_("Change since last time"))]
    if data.previous is None:
        out.append(para(_("This is the district's first cycle with this framework: there is nothing to compare "
                          "with yet."), st.body))
        return out
    comparison = compare(data.results, data.previous)
    before = data.previous.cycle
    out.append(para(_("Compared with \u201c{title}\u201d ({date}). A condition's level is the average of its "
                      "competencies' levels (consensus, else median vote).").format(
        title=before.title, date=long_date(before.date)), st.body))
    words = {"up": _("up"), "down": _("down"), "same": _("no change"), "new": _("not rated before"),
             "unrated": _("not rated now")}
    rows: list[list[Any]] = [head_cells(_("Condition"), _("Before"), _("Now"), _("Change"),
                                        centered=(1, 2))]
    for change in comparison.conditions:
        rows.append([para(pack.condition(change.condition_id).name, st.cell),
                     para(f"{change.previous:.1f}" if change.previous is not None else "\u2014", st.cell_center),
                     para(f"{change.current:.1f}" if change.current is not None else "\u2014", st.cell_center),
                     para(words[change.change] + (f" ({change.delta:+.1f})" if change.delta else ""), st.cell)])
    out.append(data_table(rows, [w * 0.4, w * 0.15, w * 0.15, w * 0.3]))
    moved = [c for c in comparison.competencies if c.change in ("up", "down")]
    if moved:
        out.append(Spacer(1, 6))
        rows = [head_cells(_("Competency that moved"), _("Before"), _("Now"))]
        rows += [[para(pack.competency(c.competency_id).name, st.cell), level_chip(c.previous), level_chip(c.current)]
                 for c in moved]
        out.append(data_table(rows, [w * 0.5, w * 0.25, w * 0.25]))
    else:
        out.append(para(_("No competency changed level."), st.body))
    return out


def _summary(pack: Pack, data: ReportInput) -> list[Flowable]:
    st = style.styles()
    results = data.results
    out: list[Flowable] = [heading(_("Summary"))]
    out.append(para(_("Each competency by level: the shade and number give the share of votes at each "
                      "level, the outline the competency's level."), st.body))
    out += results_overview(pack, results)
    out.append(CondPageBreak(260))
    out += _equity(pack, data)
    out.append(CondPageBreak(200))
    out += _change(pack, data)
    missing = without_consensus(results)
    if missing:
        out.append(para(_("{n} of {total} competencies have no consensus recorded yet; their level is the "
                          "median vote.").format(n=len(missing), total=len(results.competencies)), st.body))
    out.append(heading(_("How the numbers are made"), 1))
    for rule in (median_rule(), low_agreement_rule(), ranking_rule()):
        out.append(para(rule, st.small))
    out += privacy_notes(results)
    out.append(PageBreak())
    return out


def _counts(dist: Distribution) -> list[str]:
    return [str(dist.count(c)) for c in RATING_CHOICES]


def _overview_table(pack: Pack, comps: list[CompetencyResult], shown: bool) -> Any:
    st = style.styles()
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("Competency"), _("Level"), _("Votes"),
                                        *(level_letter(c) for c in RATING_CHOICES), _("People"),
                                        centered=range(3, 4 + len(RATING_CHOICES)))]
    for comp in comps:
        source = {"consensus": _("consensus"), "median": _("median"), "none": ""}[comp.level_source]
        level = level_chip(comp.level)
        counts_shown = shown and comp.overall_shown
        counts = _counts(comp.overall.distribution) if counts_shown else [""] * len(RATING_CHOICES)
        rows.append([
            para(pack.competency(comp.competency_id).name, st.cell),
            [level, para(source, style.styles().small)] if source else level,
            charts.vote_bar(comp.overall.distribution, w * 0.17 - 8) if counts_shown else "",
            *(para(n, st.cell_center) for n in counts),
            para(str(comp.overall.respondents) if counts_shown else "", st.cell_center),
        ])
    return data_table(rows, [w * 0.26, w * 0.19, w * 0.17, *([w * 0.055] * 5), w * 0.105])


def _group_table(comp: CompetencyResult, threshold: int) -> Any:
    st = style.styles()
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("Role group"), *(level_letter(c) for c in RATING_CHOICES),
                                        _("Median"), _("Agreement"), centered=range(1, 1 + len(RATING_CHOICES)))]
    spans = []
    for n, group in enumerate(comp.groups, start=1):
        name = para(style.role_group_name(group.role_group), st.cell)
        if group.status == SHOWN and group.summary is not None:
            s = group.summary
            paper = s.distribution.tallied
            rows.append([
                [name, para(_("incl. paper votes"), st.small)] if paper else name,
                *(para(v, st.cell_center) for v in _counts(s.distribution)),
                level_chip(s.median),
                para(_("low") if s.low_agreement else _("ok"), st.cell),
            ])
        else:
            text = (_("No votes from this group.") if group.status == EMPTY else
                    hidden_text(threshold).capitalize() + ".")
            rows.append([name, para(text, st.cell), "", "", "", "", "", ""])
            spans.append(("SPAN", (1, n), (-1, n)))
            spans.append(("TEXTCOLOR", (1, n), (-1, n), style.MUTED))
    narrow = w * 0.07
    return data_table(rows, [w * 0.25, *([narrow] * 5), w * 0.22, w * 0.18], extra=spans)


def _quoted(texts: Texts, threshold: int) -> list[Flowable]:
    st = style.styles()
    if not texts.shown:
        return [para(texts_withheld_text(threshold), st.small)]
    return [para("\u201c" + text + "\u201d", st.note) for text in texts.texts]


def _notes(competency_name: str, notes: Texts, threshold: int) -> list[Flowable]:
    # the heading names the competency: notes that run onto the next page still say whose they are
    return [heading(_("Notes from participants on {competency}").format(competency=competency_name), 2,
                    outline=_("Notes")), *_quoted(notes, threshold)]


def _answers(condition_name: str, answers: tuple[Texts, ...], threshold: int) -> list[Flowable]:
    """A condition's guiding questions that people answered, each with its answers."""
    if not answers:
        return []
    st = style.styles()
    out: list[Flowable] = [CondPageBreak(120), heading(
        _("Answers to the guiding questions on {condition}").format(condition=condition_name), 1,
        outline=_("Answers to the guiding questions"))]
    out.append(para(texts_rule_text(threshold), st.small))
    for texts in answers:
        quoted = _quoted(texts, threshold)
        # the question stays with its first answer
        out.append(KeepTogether([heading(_("{audience} question: {question}").format(
            audience=audience_name(texts.audience), question=texts.question), 2,
            outline=_("{audience} question").format(audience=audience_name(texts.audience))), quoted[0]]))
        out += quoted[1:]
    return out


def _competency(pack: Pack, data: ReportInput, comp: CompetencyResult, notes: Texts | None) -> list[Flowable]:
    st = style.styles()
    competency = pack.competency(comp.competency_id)
    overall = comp.overall
    block: list[Flowable] = [heading(competency.name, 1)]
    if not (data.results.overall_shown and comp.overall_shown):
        facts = _("Level: {level} ({source}). {withheld}").format(
            level=style.level_name(comp.level),
            source=_("agreed by the team") if comp.level_source == "consensus" else _("no consensus yet"),
            withheld=no_counts_text(data.results.threshold) if not data.results.overall_shown
            else item_withheld_text(data.results.threshold))
        block.append(para(facts, st.body))
        out_: list[Flowable] = [CondPageBreak(120), KeepTogether(block)]
        if comp.consensus is not None and comp.consensus.rationale.strip():
            out_.append(heading(_("Why the team agreed on this level"), 2, outline=_("Consensus rationale")))
            out_.append(para(comp.consensus.rationale, st.note))
        if notes is not None:  # withheld here, as on the Consensus screen and in the summary
            out_ += _notes(competency.name, notes, data.results.threshold)
        return out_
    facts = _("Level: {level} ({source}). Median vote: {median}. Agreement: {agreement}. {n} people.").format(
        level=style.level_name(comp.level),
        source={"consensus": _("agreed by the team"), "median": _("median vote, no consensus yet"),
                "none": _("no votes")}[comp.level_source],
        median=style.level_name(overall.median),
        agreement=_("low") if overall.low_agreement else _("ok"), n=overall.respondents)
    if overall.distribution.tallied:
        facts += " " + _("{n} of the votes were entered from paper sheets.").format(n=overall.distribution.tallied)
    block.append(para(facts, st.body))
    block.append(_group_table(comp, data.results.threshold))
    if comp.consensus is not None and comp.consensus.rationale.strip():
        block.append(heading(_("Why the team agreed on this level"), 2, outline=_("Consensus rationale")))
        block.append(para(comp.consensus.rationale, st.note))
    if notes is not None:
        block += _notes(competency.name, notes, data.results.threshold)
    # a competency with its rationale and notes stays on one page when it fits one
    return [CondPageBreak(180), KeepTogether(block), Spacer(1, 8)]


def _conditions(pack: Pack, data: ReportInput) -> list[Flowable]:
    st = style.styles()
    written = _written_of(pack, data)
    out: list[Flowable] = []
    by_condition: dict[str, list[CompetencyResult]] = {}
    for comp in data.results.competencies:
        by_condition.setdefault(comp.condition_id, []).append(comp)
    for n, cond in enumerate(data.results.conditions):
        condition = pack.condition(cond.condition_id)
        if n:
            out.append(CondPageBreak(360))
        star = " \u2605" if condition.priority else ""
        out.append(heading(condition.name + star, 0, outline=condition.name))
        out.append(para(condition.definition, st.body))
        out.append(_overview_table(pack, by_condition.get(cond.condition_id, []), data.results.overall_shown))
        out.append(Spacer(1, 4))
        out.append(charts.level_legend(style.FRAME_WIDTH))
        out.append(Spacer(1, 6))
        for comp in by_condition.get(cond.condition_id, []):
            out += _competency(pack, data, comp, written.notes_on(comp.competency_id))
        out += _answers(condition.name, written.answers_for(cond.condition_id), data.results.threshold)
    return out


def _written_of(pack: Pack, data: ReportInput) -> CycleWritten:
    """The notes and answers the report prints (the Consensus screen's and the summary's)."""
    return cycle_written(pack, data.results, data.participants, data.ratings, data.responses)


def render_report(pack: Pack, data: ReportInput) -> bytes:
    """The assessment report of one cycle, as PDF bytes."""
    return render_report_with_twin(pack, data)[0]


def render_report_with_twin(pack: Pack, data: ReportInput) -> tuple[bytes, str]:
    """The assessment report of one cycle and its accessible HTML twin (whose SHA-256 the
    report's last page prints)."""
    cycle = data.results.cycle
    district = data.district
    draft = cycle.status != "closed"
    info = DocumentInfo(
        title=_("Assessment report: {cycle} \u2014 {district}").format(cycle=cycle.title, district=district.name)
        + ((" " + draft_mark()) if draft else ""),
        author=district.name,
        subject=_("Reflect and Listen results of {cycle} ({date})").format(cycle=cycle.title, date=cycle.date),
        header_left=_("{district} \u00b7 {cycle}").format(district=district.name, cycle=cycle.title),
        header_right=_("Assessment report") + ((" " + draft_mark()) if draft else ""),
        keywords=_("assessment, Navigation Tool, competency-based learning"),
    )
    return build_with_twin(lambda: [*_cover(pack, data), *_summary(pack, data), *_conditions(pack, data),
                                    Spacer(1, 12), *twin_checksum()], info)

