"""The score an application earns when placed, from the round's weights."""

from __future__ import annotations

from matchmaker.optimisation.scenario_types import Application, Firm, Mission, Region, Weights


def application_score(
    application: Application, firm: Firm, mission: Mission, region: Region, weights: Weights
) -> int:
    """Points an application earns when placed: place, rank, region, history, evidence."""
    score = weights.place + weights.rank_value(application.rank) + region.priority
    if firm.missions_last_3_years == 0:
        score += weights.first_timer
    score -= weights.repeat * min(firm.missions_last_3_years, 3)
    if mission.kind == "business":
        case = firm.case(application.business_case)
        if case is not None:
            score += weights.evidence_points.get(case.evidence, 0)
    return score
