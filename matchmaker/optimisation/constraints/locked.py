"""H8 locked: every locked pair is placed; an impossible lock is named with the rule it breaks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from matchmaker.optimisation.constraints.dates import overlap_cliques
from matchmaker.optimisation.eligibility import explain_ineligibility
from matchmaker.optimisation.round_data import RoundData, Variables


@dataclass(frozen=True, slots=True)
class LockConflict:
    """Locked pairs that cannot all hold, and the constraint they break together."""

    pairs: tuple[tuple[str, str], ...]
    constraint: str
    detail: str

    def to_dict(self) -> dict:
        return {
            "locked": [{"firm": f, "mission": m} for f, m in self.pairs],
            "constraint": self.constraint,
            "detail": self.detail,
        }


def build(data: RoundData, model: cp_model.CpModel, variables: Variables) -> None:
    for index in data.locked:
        if index in variables.placed:
            # A locked pair is placed, whatever else the round would prefer.
            model.add(variables.placed[index] == 1)


def diagnose(data: RoundData) -> list[LockConflict]:
    """Conflicts visible in the locked set alone, one per broken constraint and group of pairs."""
    conflicts: list[LockConflict] = []
    apps = data.applications

    def conflict(indices: Iterable[int], constraint: str, detail: str) -> None:
        pairs = tuple((apps[i].firm, apps[i].mission) for i in indices)
        conflicts.append(LockConflict(pairs, constraint, detail))

    for i in data.locked:
        if i in data.ineligible:
            firm, mission = data.firms[apps[i].firm], data.missions[apps[i].mission]
            reason = data.ineligible[i]
            conflict(
                (i,),
                f"eligibility ({reason})",
                explain_ineligibility(reason, firm, mission, apps[i].business_case),
            )
    locked = [i for i in data.locked if i not in data.ineligible]

    on_mission: dict[str, list[int]] = defaultdict(list)
    of_firm: dict[str, list[int]] = defaultdict(list)
    for i in locked:
        on_mission[apps[i].mission].append(i)
        of_firm[apps[i].firm].append(i)

    for mission_id, indices in on_mission.items():
        mission = data.missions[mission_id]
        if len(indices) > mission.capacity:
            conflict(
                indices,
                "H1 capacity",
                f"{len(indices)} firms are locked on {mission_id}, which has "
                f"{mission.capacity} places",
            )
        eligible = len(data.by_mission[mission_id])
        if mission.min_participants > eligible:
            conflict(
                indices,
                "H2 minimum participants",
                f"{mission_id} needs {mission.min_participants} participants to run but has "
                f"only {eligible} eligible applications",
            )
        if mission.kind == "promotional" and mission.slipstream_max is not None:
            riders = [
                i for i in indices if data.firms[apps[i].firm].sector not in data.focus_sectors
            ]
            if len(riders) > mission.slipstream_max:
                conflict(
                    riders,
                    "H5 slipstream",
                    f"{len(riders)} firms outside the focus sectors are locked on "
                    f"{mission_id}, whose slipstream allows {mission.slipstream_max}",
                )
        if mission.sector_max is not None:
            by_sector: dict[str, list[int]] = defaultdict(list)
            for i in indices:
                by_sector[data.firms[apps[i].firm].sector].append(i)
            for sector, group in by_sector.items():
                if len(group) > mission.sector_max:
                    conflict(
                        group,
                        "H6 sector cap",
                        f"{len(group)} firms of sector {sector} are locked on {mission_id}, "
                        f"which allows {mission.sector_max} per sector",
                    )

    limit = data.scenario.round.max_places_per_firm
    for firm_id, indices in of_firm.items():
        if len(indices) > limit:
            conflict(
                indices,
                "H3 per firm",
                f"{firm_id} is locked on {len(indices)} missions; the round allows {limit}",
            )
        missions = [(i, data.missions[apps[i].mission]) for i in indices]
        for clique in overlap_cliques(missions):
            conflict(
                clique,
                "H4 no overlap",
                f"{firm_id} is locked on missions whose dates overlap: "
                + ", ".join(
                    f"{apps[i].mission} ({data.missions[apps[i].mission].start}–"
                    f"{data.missions[apps[i].mission].end})"
                    for i in clique
                ),
            )

    budget = data.scenario.round.budget_eur
    if budget is not None:
        drawing = [i for i in locked if data.subsidy(i) > 0]
        cost = sum(data.subsidy(i) for i in drawing)
        if cost > budget:
            conflict(
                drawing,
                "H7 budget",
                f"the locked target-group placements draw EUR {cost} of subsidy; the budget is "
                f"EUR {budget}",
            )
    return conflicts
