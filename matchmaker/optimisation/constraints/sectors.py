"""H5 slipstream and H6 sector cap: caps on non-focus sectors and on any one sector."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from matchmaker.optimisation.round_data import RoundData, Variables


def slipstream_applications(data: RoundData, mission_id: str) -> list[int]:
    """Eligible applications that ride in a promotional mission's slipstream (non-focus sector)."""
    return [
        i
        for i in data.by_mission[mission_id]
        if data.firms[data.applications[i].firm].sector not in data.focus_sectors
    ]


def applications_by_sector(data: RoundData, mission_id: str) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for i in data.by_mission[mission_id]:
        grouped[data.firms[data.applications[i].firm].sector].append(i)
    return grouped


def build(data: RoundData, model: cp_model.CpModel, variables: Variables) -> None:
    for mission_id, mission in data.missions.items():
        if mission.kind == "promotional" and mission.slipstream_max is not None:
            riders = slipstream_applications(data, mission_id)
            if len(riders) > mission.slipstream_max:
                # Other sectors ride along in the slipstream, up to the mission's cap.
                model.add(sum(variables.placed[i] for i in riders) <= mission.slipstream_max)
        if mission.sector_max is not None:
            for indices in applications_by_sector(data, mission_id).values():
                if len(indices) > mission.sector_max:
                    # No single sector takes more than sector_max places on a mission.
                    model.add(sum(variables.placed[i] for i in indices) <= mission.sector_max)
