"""H4 no overlap: a firm is never on two missions whose date ranges overlap (end days included)."""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python import cp_model

from matchmaker.optimisation.round_data import RoundData, Variables
from matchmaker.optimisation.scenario_types import Mission


def overlap_cliques(missions: Iterable[tuple[int, Mission]]) -> list[list[int]]:
    """Maximal sets (of two or more) of mutually overlapping missions among one firm's applications.

    Date ranges form an interval graph, whose maximal cliques each contain some range's start
    day, so looking at the distinct start days finds all of them.
    """
    ranged = sorted(missions, key=lambda item: (item[1].start, item[1].end, item[0]))
    start_days = sorted({mission.start for _, mission in ranged})
    cliques: list[list[int]] = []
    for position, day in enumerate(start_days):
        members = [(i, m) for i, m in ranged if m.start <= day <= m.end]
        following = start_days[position + 1] if position + 1 < len(start_days) else None
        if following is not None and all(m.end >= following for _, m in members):
            continue  # contained in the clique of the next start day
        if len(members) > 1:
            cliques.append([i for i, _ in members])
    return cliques


def build(data: RoundData, model: cp_model.CpModel, variables: Variables) -> None:
    if data.scenario.round.max_places_per_firm == 1:
        return  # one place per firm already rules out two overlapping ones
    for indices in data.by_firm.values():
        if len(indices) < 2:
            continue
        missions = [(i, data.missions[data.applications[i].mission]) for i in indices]
        for clique in overlap_cliques(missions):
            # A firm is never placed on two missions whose dates overlap.
            model.add_at_most_one(variables.placed[i] for i in clique)
