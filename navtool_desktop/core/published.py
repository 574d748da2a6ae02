"""A cycle's results as plain data, under the privacy rule: the one shape every published copy uses.

``navtool results --format json`` prints it; a district's summary for its coach or network
(:mod:`navtool_desktop.network.summary`) is built from it. Pure Python: no Qt, no storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from navtool_desktop.core import results as res
from navtool_desktop.core.disclosure import rule_text
from navtool_desktop.core.results import (
    Comparison,
    CompetencyResult,
    ConditionResult,
    CycleResults,
    Distribution,
    GroupResult,
    VoteSummary,
)
from navtool_desktop.framework import Pack


def _dist(dist: Distribution) -> dict[str, int]:
    return {**dist.as_dict(), "tallied": dist.tallied}


def _summary(summary: VoteSummary) -> dict[str, Any]:
    return {"respondents": summary.respondents, "distribution": _dist(summary.distribution),
            "median": summary.median, "mean": summary.mean,
            "low_agreement": summary.low_agreement}


def _overall(item: CompetencyResult | ConditionResult) -> dict[str, Any]:
    """An item's overall counts, or only ``status: suppressed`` when no counts are shown."""
    return _summary(item.overall) if item.overall_shown else {"status": "suppressed"}


def _groups(groups: tuple[GroupResult, ...]) -> dict[str, Any]:
    return {g.role_group: {"status": g.status, **(_summary(g.summary) if g.summary else {})}
            for g in groups}


def results_to_dict(pack: Pack, district: Mapping[str, str], results: CycleResults,
                    comparison: Comparison) -> dict[str, Any]:
    """The results as plain data; keys and order never depend on the data's history.

    ``district`` is ``{"id": ..., "name": ...}``. Every count in it has passed the disclosure
    rule (:mod:`navtool_desktop.core.disclosure`): this is what may leave the laptop.
    """
    cycle = results.cycle
    changes = {c.competency_id: c for c in comparison.competencies}
    condition_changes = {c.condition_id: c for c in comparison.conditions}
    return {
        "district": {"id": district["id"], "name": district["name"]},
        "cycle": {"id": cycle.id, "title": cycle.title, "date": cycle.date,
                  "status": cycle.status,
                  "scope": list(cycle.scope) if cycle.scope is not None else None},
        "previous_cycle": comparison.previous_cycle_id,
        "anonymity_threshold": results.threshold,
        "privacy": {
            "rule": rule_text(results.threshold),
            "counts_shown": results.overall_shown,
            "hidden_groups": list(results.disclosure.hidden_groups),
            "entered_more_than_once": results.repeated,
            "threshold_changes": [c.to_dict() for c in cycle.threshold_changes],
        },
        "rules": {"median": res.median_rule(), "low_agreement": res.low_agreement_rule(),
                  "strengths_and_growth_areas": res.ranking_rule()},
        "competencies": [{
            "id": c.competency_id,
            "name": pack.competency(c.competency_id).name,
            "condition": c.condition_id,
            **_overall(c),
            "consensus": ({"level": c.consensus.level, "rationale": c.consensus.rationale}
                          if c.consensus else None),
            "level": c.level,
            "level_source": c.level_source,
            "change": changes[c.competency_id].change,
            "role_groups": _groups(c.groups),
        } for c in results.competencies],
        "conditions": [{
            "id": c.condition_id,
            "name": pack.condition(c.condition_id).name,
            "priority": c.priority,
            "level": c.level,
            "level_mean": c.level_mean,
            "change": condition_changes[c.condition_id].change,
            **_overall(c),
            "role_groups": _groups(c.groups),
        } for c in results.conditions],
        "strengths": [c.competency_id for c in res.strengths(results)],
        "growth_areas": [c.competency_id for c in res.growth_areas(results)],
        "without_consensus": list(res.without_consensus(results)),
    }
