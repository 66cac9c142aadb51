"""The result document (matchmaker-result/1) built from a solve outcome and its explanations."""

from __future__ import annotations

from collections import defaultdict

from matchmaker.optimisation import fairness
from matchmaker.optimisation.explain import explain_unplaced
from matchmaker.optimisation.model import SolveOptions, SolveOutcome

RESULT_FORMAT = "matchmaker-result/1"


def result_document(outcome: SolveOutcome, options: SolveOptions | None = None) -> dict:
    """The spec's result file. Lists are in scenario order, so equal inputs give equal files."""
    data = outcome.data
    apps = data.applications
    mission_order = {m.id: n for n, m in enumerate(data.scenario.missions)}

    def by_mission_then_firm(i: int) -> tuple[int, str]:
        return (mission_order[apps[i].mission], apps[i].firm)

    placed = sorted(outcome.placed, key=by_mission_then_firm)
    count: dict[str, int] = defaultdict(int)
    subsidy: dict[str, int] = defaultdict(int)
    for i in placed:
        count[apps[i].mission] += 1
        subsidy[apps[i].mission] += data.subsidy(i)

    solved = outcome.status in ("OPTIMAL", "FEASIBLE")
    unplaced = (
        sorted(explain_unplaced(outcome), key=lambda u: by_mission_then_firm(u.index))
        if solved
        else []
    )
    applicants = {a.firm for a in apps}
    placed_firms = {apps[i].firm for i in placed}
    best_rank: dict[str, int] = {}
    for app in apps:
        best_rank[app.firm] = min(app.rank, best_rank.get(app.firm, app.rank))
    first_choice = {apps[i].firm for i in placed if apps[i].rank == best_rank[apps[i].firm]}

    document = {
        "format": RESULT_FORMAT,
        "scenario": data.scenario.name,
        "status": outcome.status,
        "objective": outcome.objective,
        "best_bound": outcome.best_bound,
        "gap": outcome.gap,
        "solve_seconds": round(outcome.solve_seconds, 3),
        "placements": [
            {"firm": apps[i].firm, "mission": apps[i].mission, "score": data.scores[i]}
            for i in placed
        ],
        "missions": [
            {
                "id": m.id,
                "runs": outcome.runs.get(m.id, True) if solved else False,
                "placed": count[m.id],
                "capacity": m.capacity,
                "subsidy_eur": subsidy[m.id],
            }
            for m in data.scenario.missions
        ],
        "unplaced": [
            {
                "firm": apps[u.index].firm,
                "mission": apps[u.index].mission,
                "reason": u.reason,
                "detail": u.detail,
            }
            for u in unplaced
        ],
        "region_shortfall": [
            {"mission": mission, "region": region, "missing": missing}
            for (mission, region), missing in sorted(
                outcome.shortfall.items(), key=lambda kv: (mission_order[kv[0][0]], kv[0][1])
            )
            if missing > 0
        ],
        "budget_used_eur": sum(subsidy.values()),
        "metrics": {
            "applicants": len(applicants),
            "applications": len(apps),
            "eligible_applications": len(data.eligible),
            "firms_placed": len(placed_firms),
            "places_filled": len(placed),
            "capacity": sum(m.capacity for m in data.scenario.missions),
            "first_choice_share": round(len(first_choice) / len(placed_firms), 4)
            if placed_firms
            else 0.0,
            # Justified envy: unplaced applications that could take a lower score's place.
            "blocking_pairs": len(fairness.blocking_pairs(data, placed)),
        },
    }
    if solved and outcome.lottery:
        # An additive key: the draw that broke ties in score, so a re-run can be checked.
        document["lottery"] = {
            "seed": outcome.lottery_seed,
            "order": outcome.lottery,
            "applied": outcome.lottery_applied,
        }
    if outcome.conflicts:
        document["infeasible"] = [c.to_dict() for c in outcome.conflicts]
    if options is not None:
        document["parameters"] = options.to_dict()
    return document
