"""A district's support plan PDF, for a state or regional coach.

One district: its readiness tier and exactly how it was derived from the levels of its latest
imported cycle, each support row (type, competency, by whom, when, status, note), the support
menu with the types the tier suggests, and the state-policy resources. Built through the
document layer like the other reports (tagged, fonts embedded, outline), with the accessible
HTML twin whose SHA-256 its last page prints (:func:`render_support_plan_with_twin`).

Its input is plain words (:class:`SupportPlanSource`); the network layer builds it
(``navtool_desktop.network.support.support_plan_data``): reports and network are sibling
layers and neither imports the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from reportlab.platypus import Flowable, Spacer

from navtool_desktop.i18n import _
from navtool_desktop.reports import style
from navtool_desktop.reports.common import data_table, head_cells, long_date, para, rich, short_date
from navtool_desktop.reports.document import DocumentInfo, build_with_twin, heading, twin_checksum


class SupportPlanSource(Protocol):
    """What the support plan prints (see ``network.support.SupportPlanData`` for each field)."""

    @property
    def district_name(self) -> str: ...
    @property
    def district_state(self) -> str: ...
    @property
    def summary_made(self) -> str: ...
    @property
    def network(self) -> str: ...
    @property
    def today(self) -> dt.date: ...
    @property
    def tier_name(self) -> str: ...
    @property
    def tier_description(self) -> str: ...
    @property
    def explanation(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def tiers_note(self) -> str: ...
    @property
    def tier_rows(self) -> tuple[tuple[str, int, tuple[str, ...]], ...]: ...
    @property
    def rows(self) -> tuple[tuple[str, str, str, str, str, str], ...]: ...
    @property
    def menu(self) -> tuple[tuple[bool, str, str, str], ...]: ...
    @property
    def menu_note(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def resources(self) -> tuple[tuple[str, str], ...]: ...


def _tier_section(data: SupportPlanSource) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [heading(_("Readiness tier"), 1)]
    if data.tier_name:
        out.append(rich(_("Tier: <b>{tier}</b>. {description}"), st.body, tier=data.tier_name,
                        description=data.tier_description))
    out.append(para(data.explanation, st.body))
    out.append(rich(_("<b>How the tier is derived.</b> {rule}"), st.body, rule=data.rule))
    out.append(para(data.tiers_note, st.small))
    if not data.tier_rows:
        return out
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("Tier"), _("How many"), _("Competencies at this tier (level)"),
                                        centered=[1])]
    for name, count, names in data.tier_rows:
        rows.append([para(name, st.cell_bold), para(str(count), st.cell_center),
                     para("; ".join(names) or "\u2014", st.cell)])
    # the tier's name in bold in one piece, also in Spanish ("Acompañamiento")
    out.append(data_table(rows, [w * 0.23, w * 0.11, w * 0.66], zebra=False))
    return out


def _rows_section(data: SupportPlanSource) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [heading(_("Support planned"), 1)]
    if not data.rows:
        out.append(para(_("No support is planned for this district yet."), st.body))
        return out
    w = style.FRAME_WIDTH
    rows: list[list[Any]] = [head_cells(_("No."), _("Support type"), _("Competency"), _("By whom"), _("When"),
                                        _("Status"), _("Note"))]
    for n, (kind, competency, by_whom, due, status, note) in enumerate(data.rows, start=1):
        rows.append([para(str(n), st.cell_bold), para(kind, st.cell), para(competency, st.cell),
                     para(by_whom or "\u2014", st.cell), para(short_date(due) or "\u2014", st.cell),
                     para(status, st.cell), para(note or "\u2014", st.cell)])
    out.append(data_table(rows, [w * 0.05, w * 0.17, w * 0.19, w * 0.14, w * 0.11, w * 0.11, w * 0.23]))
    return out


def _menu_section(data: SupportPlanSource) -> list[Flowable]:
    st = style.styles()
    w = style.FRAME_WIDTH
    out: list[Flowable] = [heading(_("The support menu"), 1)]
    if data.tier_name:
        out.append(rich(_("Marked \u2605: the types the tier <b>{tier}</b> suggests (a suggestion of this "
                          "project, following the tiers of readiness)."), st.small, tier=data.tier_name))
    # the suggestion column's header is its mark, which the line above explains: a header cell
    # with words for screen readers and the HTML twin, never an empty one
    rows: list[list[Any]] = [head_cells("\u2605", _("Support type"), _("What it is"), _("An example from the source"),
                                        centered=[0])]
    for suggested, name, description, example in data.menu:
        rows.append([para("\u2605" if suggested else "", st.cell_center), para(name, st.cell_bold),
                     para(description, st.cell), para(example, st.cell)])
    out.append(data_table(rows, [w * 0.05, w * 0.2, w * 0.4, w * 0.35]))
    out.append(para(data.menu_note + " " + _("Source: {source}.").format(source=data.source), st.small))
    return out


def _resources_section(data: SupportPlanSource) -> list[Flowable]:
    st = style.styles()
    out: list[Flowable] = [heading(_("State-policy resources"), 1)]
    for title, summary in data.resources:
        out.append(heading(title, 2))  # a heading each: a screen reader and the twin can move between them
        out.append(para(summary, st.note))
    return out


def render_support_plan(data: SupportPlanSource) -> bytes:
    """The support plan PDF of one district."""
    return render_support_plan_with_twin(data)[0]


def render_support_plan_with_twin(data: SupportPlanSource) -> tuple[bytes, str]:
    """The support plan PDF of one district and its accessible HTML twin (whose SHA-256 the
    PDF's last page prints)."""
    name = data.district_name
    info = DocumentInfo(
        title=_("Support plan: {district}").format(district=name),
        author=data.network or _("Network coach"),
        subject=_("Support for {district} by readiness tier").format(district=name),
        header_left=_("{district} \u00b7 Support plan").format(district=name),
        header_right=short_date(data.today.isoformat()),
        keywords=_("support plan, readiness tier, network, Navigation Tool"),
        cover=False,
    )
    return build_with_twin(lambda: _story(data), info)


def _story(data: SupportPlanSource) -> list[Flowable]:
    st = style.styles()
    name = data.district_name
    place = f"{name} ({data.district_state})" if data.district_state else name
    return [
        heading(_("Support plan: {district}").format(district=name)),
        rich(_("{district}. Prepared on <b>{date}</b>{network}, from the district's summary of {made}."), st.lead,
             district=place, date=long_date(data.today),
             network=(" " + _("by {network}").format(network=data.network)) if data.network else "",
             made=long_date(data.summary_made)),
        para(_("This plan says which support the coach or network will offer, for which competency, by whom "
               "and when. It is built from the levels the district shared in its signed summary; it holds no "
               "names or individual ratings."), st.small),
        *_tier_section(data),
        *_rows_section(data),
        *_menu_section(data),
        *_resources_section(data),
        Spacer(1, 12),
        *twin_checksum(),
    ]
