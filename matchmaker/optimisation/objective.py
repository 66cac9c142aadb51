"""Scores of applications and the objective of a set of placements, from the weights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from matchmaker.optimisation.scenario import Application, Firm, Mission, Region, Weights


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


def region_shortfall(
    region_min: Mapping[str, int],
    eligible_by_region: Mapping[str, int],
    placed_by_region: Mapping[str, int],
) -> dict[str, int]:
    """Seats of each region's minimum left untaken, counted only up to its eligible applicants."""
    missing = {}
    for region, minimum in region_min.items():
        wanted = min(minimum, eligible_by_region.get(region, 0))
        short = wanted - placed_by_region.get(region, 0)
        if short > 0:
            missing[region] = short
    return missing


def objective_value(placed_scores: Iterable[int], total_shortfall: int, weights: Weights) -> int:
    """The objective: placed scores minus the region shortfall penalty."""
    return sum(placed_scores) - weights.region_shortfall * total_shortfall
