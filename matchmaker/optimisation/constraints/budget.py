"""H7 budget: the subsidies of placed target-group firms stay within the round's budget."""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.sat.python import cp_model

from matchmaker.optimisation.round_data import RoundData, Variables


def subsidised(data: RoundData) -> list[int]:
    return [i for i in data.eligible if data.subsidy(i) > 0]


def build(data: RoundData, model: cp_model.CpModel, variables: Variables) -> None:
    budget = data.scenario.round.budget_eur
    if budget is None:
        return
    indices = subsidised(data)
    if sum(data.subsidy(i) for i in indices) <= budget:
        return
    by_mission: dict[str, list[int]] = defaultdict(list)
    for i in indices:
        by_mission[data.applications[i].mission].append(i)
    # The budget is a knapsack over missions: count the subsidised places of each mission in
    # one integer, so the solver branches and cuts on a few counts instead of many firms.
    counts, subsidies = [], []
    for mission_id, group in by_mission.items():
        mission = data.missions[mission_id]
        count = model.new_int_var(0, min(len(group), mission.capacity), f"subsidised[{mission_id}]")
        model.add(count == sum(variables.placed[i] for i in group))
        counts.append(count)
        subsidies.append(mission.subsidy_eur)
    unit = math.gcd(*subsidies)
    # Only target-group placements draw the mission's subsidy, and together they fit the budget.
    model.add(
        cp_model.LinearExpr.weighted_sum(counts, [s // unit for s in subsidies]) <= budget // unit
    )
