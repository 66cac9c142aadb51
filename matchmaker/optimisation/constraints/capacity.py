"""H1 capacity and H2 minimum participants: a mission runs with between min and capacity places."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.round_data import RoundData, Variables


def build(data: RoundData, model: cp_model.CpModel, variables: Variables) -> None:
    for mission_id, indices in data.by_mission.items():
        mission = data.missions[mission_id]
        placed = [variables.placed[i] for i in indices]
        if mission.min_participants > 0:
            runs = model.new_bool_var(f"runs[{mission_id}]")
            variables.runs[mission_id] = runs
            if len(placed) < mission.min_participants:
                # Too few eligible applicants to ever reach the minimum: it cannot run.
                model.add(runs == 0)
            for literal in placed:
                # Nobody is placed on a mission that does not run (also tightens the LP).
                model.add_implication(literal, runs)
            # A mission that runs has at least its minimum number of participants.
            model.add(sum(placed) >= mission.min_participants * runs)
            if len(placed) > mission.capacity:
                model.add(sum(placed) <= mission.capacity * runs)
        elif len(placed) > mission.capacity:
            # Never more firms on a mission than it has places.
            model.add(sum(placed) <= mission.capacity)
