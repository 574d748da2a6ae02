"""A district's support plan PDF, for a state or regional coach.

One district: its readiness tier and exactly how it was derived from the levels of its latest
imported cycle, each support row (type, competency, by whom, when, status, note), the support
menu with the types the tier suggests, and the state-policy resources. Built through the
document layer like the other reports (tagged, fonts embedded, outline). Its inputs come
from :func:`load_support_plan`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable

from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.network.content import NetworkContent
from navtool_desktop.network.peer import Agenda
from navtool_desktop.network.support import DistrictTier, SupportPlans, SupportRow, derive_tier, explain
from navtool_desktop.network.workspace import DistrictRow, Workspace
from navtool_desktop.reports import style
from navtool_desktop.reports.common import data_table, head_cells, long_date, para, rich, short_date
from navtool_desktop.reports.document import DocumentInfo, build, heading
from navtool_desktop.reports.sections import competency_name


@dataclass(frozen=True)
class SupportPlanInput:
    district: DistrictRow
    tier: DistrictTier
    levels: dict[str, str]          #: competency -> level in the cycle the tier comes from
    rows: tuple[SupportRow, ...]
    network: str
    today: dt.date


def load_support_plan(ws: Workspace, content: NetworkContent, district_id: str,
                      today: dt.date | None = None) -> SupportPlanInput:
    """What the support plan of one district needs, read from the workspace."""
    district = next(d for d in ws.districts() if d.id == district_id)
    view = ws.side_by_side()
    levels = dict(view.levels.get(district_id, {}))
    tier = derive_tier(district_id, levels, content, ws.pack, view.cycle.get(district_id))
    rows = tuple(SupportPlans(ws, content).rows(district_id))
    return SupportPlanInput(district, tier, levels, rows, Agenda(ws, content).network,
                            today or dt.date.today())


def _tier_section(pack: Pack, content: NetworkContent, data: SupportPlanInput) -> list[Flowable]:
    st = style.styles()
    tier = data.tier
    out: list[Flowable] = [heading(_("Readiness tier"), 1)]
    if tier.tier is not None:
        out.append(rich(_("Tier: <b>{tier}</b>. {description}"), st.body, tier=tier.tier.name,
                        description=tier.tier.description))
    out.append(para(explain(tier, content), st.body))
    out.append(rich(_("<b>How the tier is derived.</b> {rule}"), st.body, rule=content.rule))
    out.append(para(content.tiers_note, st.small))
    if tier.cycle is None:
        return out
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("Tier"), _("How many"), _("Competencies at this tier (level)"),
                                        centered=[1])]
    for t in content.tiers:
        names = [f"{competency_name(pack, c)} ({style.level_name(data.levels.get(c))})"
                 for c, got in tier.per_competency.items() if got is not None and got.id == t.id]
        rows.append([para(t.name, st.cell_bold), para(str(tier.counts[t.id]), st.cell_center),
                     para("; ".join(names) or "\u2014", st.cell)])
    missing = [competency_name(pack, c) for c, got in tier.per_competency.items() if got is None]
    rows.append([para(_("No level"), st.cell_bold), para(str(len(missing)), st.cell_center),
                 para("; ".join(missing) or "\u2014", st.cell)])
    out.append(data_table(rows, [w * 0.18, w * 0.12, w * 0.70], zebra=False))
    return out


def _rows_section(pack: Pack, content: NetworkContent, data: SupportPlanInput) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [heading(_("Support planned"), 1)]
    if not data.rows:
        out.append(para(_("No support is planned for this district yet."), st.body))
        return out
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("No."), _("Support type"), _("Competency"), _("By whom"), _("When"),
                                        _("Status"), _("Note"))]
    for n, row in enumerate(data.rows, start=1):
        try:
            kind = content.support_type(row.type_id).name
        except KeyError:
            kind = row.type_id
        rows.append([para(str(n), st.cell_bold), para(kind, st.cell), para(competency_name(pack, row.competency_id),
                                                                              st.cell),
                     para(row.by_whom or "\u2014", st.cell), para(short_date(row.due) or "\u2014", st.cell),
                     para(style.status_name(row.status), st.cell), para(row.note or "\u2014", st.cell)])
    out.append(data_table(rows, [w * 0.05, w * 0.17, w * 0.19, w * 0.14, w * 0.11, w * 0.11, w * 0.23]))
    return out


def _menu_section(content: NetworkContent, data: SupportPlanInput) -> list[Flowable]:
    st = style.styles()
    w = style.FRAME_WIDTH
    suggested = set(data.tier.tier.suggested) if data.tier.tier is not None else set()
    out: list[Flowable] = [heading(_("The support menu"), 1)]
    if data.tier.tier is not None:
        out.append(rich(_("Marked \u2605: the types the tier <b>{tier}</b> suggests (a suggestion of this "
                          "project, following the tiers of readiness)."), st.small, tier=data.tier.tier.name))
    rows: list[list[Any]] = [head_cells("", _("Support type"), _("What it is"), _("An example from the source"))]
    for t in content.types:
        rows.append([para("\u2605" if t.id in suggested else "", st.cell_center), para(t.name, st.cell_bold),
                     para(t.description, st.cell), para(t.example, st.cell)])
    out.append(data_table(rows, [w * 0.05, w * 0.2, w * 0.4, w * 0.35]))
    out.append(para(content.examples_note + " " + _("Source: {source}.").format(source=content.support_source),
                    st.small))
    return out


def _resources_section(pack: Pack, content: NetworkContent) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [heading(_("State-policy resources"), 1)]
    by_id = {r.id: r for r in pack.resources}
    for rid in content.state_policy:
        resource = by_id.get(rid)
        if resource is None:
            continue
        out.append(rich("<b>{title}</b>", st.body, title=resource.title))
        out.append(para(resource.summary, st.note))
    return out


def render_support_plan(pack: Pack, content: NetworkContent, data: SupportPlanInput) -> bytes:
    """The support plan PDF of one district."""
    st = style.styles()
    d = data.district
    place = f"{d.name} ({d.state})" if d.state else d.name
    story: list[Flowable] = [
        heading(_("Support plan: {district}").format(district=d.name)),
        rich(_("{district}. Prepared on <b>{date}</b>{network}, from the district's summary of {made}."), st.lead,
             district=place, date=long_date(data.today),
             network=(" " + _("by {network}").format(network=data.network)) if data.network else "",
             made=long_date(d.made_at[:10])),
        para(_("This plan says which support the coach or network will offer, for which competency, by whom "
               "and when. It is built from the levels the district shared in its signed summary; it holds no "
               "names or individual ratings."), st.small),
        *_tier_section(pack, content, data),
        *_rows_section(pack, content, data),
        *_menu_section(content, data),
        *_resources_section(pack, content),
    ]
    info = DocumentInfo(
        title=_("Support plan: {district}").format(district=d.name),
        author=data.network or _("Network coach"),
        subject=_("Support for {district} by readiness tier").format(district=d.name),
        header_left=_("{district} \u00b7 Support plan").format(district=d.name),
        header_right=short_date(data.today.isoformat()),
        keywords=_("support plan, readiness tier, network, Navigation Tool"),
        cover=False,
    )
    return build(story, info)
