"""H7 budget: the subsidies of placed target-group firms stay within the round's budget."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.round_data import RoundData, Variables


def subsidised(data: RoundData) -> list[int]:
    return [i for i in data.eligible if data.subsidy(i) > 0]


def build(data: RoundData, model: cp_model.CpModel, variables: Variables) -> None:
    budget = data.scenario.round.budget_eur
    if budget is None:
        return
    indices = subsidised(data)
    costs = [data.subsidy(i) for i in indices]
    if sum(costs) <= budget:
        return
    # Only target-group placements draw the mission's subsidy, and together they fit the budget.
    model.add(
        cp_model.LinearExpr.weighted_sum([variables.placed[i] for i in indices], costs) <= budget
    )
