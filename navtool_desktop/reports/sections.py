"""Sections that more than one document prints: the results overview."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from navtool_desktop.core.disclosure import no_counts_text, repeated_text, rule_text
from navtool_desktop.core.results import CycleResults, growth_areas, hidden_note, strengths
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.reports import charts, style
from navtool_desktop.reports.common import long_date, para, rich
from navtool_desktop.reports.document import heading


def competency_name(pack: Pack, competency_id: str) -> str:
    """The competency's name, or its id if the pack no longer has it."""
    try:
        return pack.competency(competency_id).name
    except KeyError:
        return competency_id


def participation(results: CycleResults) -> str:
    """Who the results come from, without counting paper votes as people."""
    if not results.overall_shown:
        return _("fewer than {n} people rated").format(n=results.threshold)
    on_laptops = max((c.overall.respondents - c.overall.distribution.tallied for c in results.competencies),
                     default=0)
    on_paper = max((c.overall.distribution.tallied for c in results.competencies), default=0)
    if on_paper:
        return _("{people} people rated in the app, plus paper votes (up to {votes} for a competency)").format(
            people=on_laptops, votes=on_paper)
    return _("{people} people rated in the app").format(people=on_laptops)


def results_overview(pack: Pack, results: CycleResults) -> list[Flowable]:
    """The heat map, then levels per condition with strengths and growth areas."""
    st = style.styles()
    out: list[Flowable] = [charts.heat_map(pack, results, style.FRAME_WIDTH), PageBreak()]
    out.append(heading(_("Levels per condition"), 1))
    out.append(charts.condition_levels(pack, results, style.FRAME_WIDTH))
    out.append(para(charts.condition_levels_note(), st.small))
    for title, found in ((_("Strengths"), strengths(results)), (_("Growth areas"), growth_areas(results))):
        out.append(heading(title, 1))
        if not found:
            out.append(para(_("None yet."), st.body))
        for comp in found:
            out.append(rich("\u2022 <b>{name}</b> ({level})", st.body,
                            name=competency_name(pack, comp.competency_id), level=style.level_name(comp.level)))
    return out


def privacy_notes(results: CycleResults) -> list[Flowable]:
    """The privacy rule, which groups it hides in this cycle, and every recorded threshold change."""
    st = style.styles()
    out = [para(rule_text(results.threshold), st.small)]
    hidden = results.disclosure.hidden_groups
    if not results.overall_shown:
        out.append(para(no_counts_text(results.threshold), st.small))
    elif hidden:
        out.append(para(hidden_note(results, style.role_group_name), st.small))
    if results.repeated:
        out.append(para(repeated_text(results.repeated), st.small))
    for change in results.cycle.threshold_changes:
        out.append(para(_("The threshold was changed from {old} to {new} by {who} on {when}. {reveals}").format(
            old=change.old, new=change.new, who=change.by, when=long_date(change.at[:10]),
            reveals=change.reveals), st.small))
    return out
