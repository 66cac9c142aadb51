"""S1 region minimum (soft): each untaken seat of a region's minimum costs region_shortfall."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.round_data import RoundData, Variables


def wanted_seats(data: RoundData, mission_id: str, region: str) -> int:
    """min(k, e): the minimum, capped by the region's eligible applicants to the mission."""
    minimum = data.missions[mission_id].region_min.get(region, 0)
    return min(minimum, data.eligible_by_mission_region.get((mission_id, region), 0))


def shortfalls(data: RoundData, roster: set[int]) -> dict[tuple[str, str], int]:
    """Seats of each region minimum a roster leaves untaken: max(0, min(k, e) - placed)."""
    placed: dict[tuple[str, str], int] = {}
    for i in roster:
        key = (data.applications[i].mission, data.firms[data.applications[i].firm].region)
        placed[key] = placed.get(key, 0) + 1
    missing = {}
    for mission_id, mission in data.missions.items():
        for region in mission.region_min:
            short = wanted_seats(data, mission_id, region) - placed.get((mission_id, region), 0)
            if short > 0:
                missing[(mission_id, region)] = short
    return missing


def build(data: RoundData, model: cp_model.CpModel, variables: Variables) -> None:
    if data.scenario.weights.region_shortfall == 0:
        return  # a free shortfall changes nothing; the result still reports it
    for mission_id, mission in data.missions.items():
        for region in mission.region_min:
            wanted = wanted_seats(data, mission_id, region)
            if wanted == 0:
                continue  # a region without eligible applicants costs nothing
            from_region = [
                variables.placed[i]
                for i in data.by_mission[mission_id]
                if data.firms[data.applications[i].firm].region == region
            ]
            short = model.new_int_var(0, wanted, f"shortfall[{mission_id},{region}]")
            # Seats of the region's minimum not taken by its own firms are counted as shortfall.
            model.add(short + sum(from_region) >= wanted)
            variables.shortfall[(mission_id, region)] = short
