"""H3 per firm: a firm holds at most round.max_places_per_firm places."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.round_data import RoundData, Variables


def build(data: RoundData, model: cp_model.CpModel, variables: Variables) -> None:
    limit = data.scenario.round.max_places_per_firm
    for indices in data.by_firm.values():
        if len(indices) <= limit:
            continue
        literals = [variables.placed[i] for i in indices]
        # A firm is never placed on more missions than the round allows.
        if limit == 1:
            model.add_at_most_one(literals)
        else:
            model.add(sum(literals) <= limit)
