"""A feasible starting roster, best score first under every hard constraint (the hint)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from matchmaker.optimisation.round_data import RoundData


def greedy_roster(data: RoundData, order: Iterable[int] | None = None) -> set[int]:
    """Place eligible applications one by one (locked first, then by `order` or best score).

    The roster satisfies H1 and H3–H7; missions left under their minimum are cancelled, which
    keeps it feasible. It ignores the soft region minimum.
    """
    if order is None:
        order = sorted(data.eligible, key=lambda i: (-data.scores[i], i))
    apps = data.applications
    limit = data.scenario.round.max_places_per_firm
    budget_left = data.scenario.round.budget_eur
    on_mission: dict[str, int] = defaultdict(int)
    riders: dict[str, int] = defaultdict(int)
    per_sector: dict[tuple[str, str], int] = defaultdict(int)
    firm_places: dict[str, list[int]] = defaultdict(list)
    placed: set[int] = set()

    def fits(i: int) -> bool:
        app = apps[i]
        mission = data.missions[app.mission]
        firm = data.firms[app.firm]
        if on_mission[app.mission] >= mission.capacity or len(firm_places[app.firm]) >= limit:
            return False
        if any(data.missions[apps[j].mission].overlaps(mission) for j in firm_places[app.firm]):
            return False
        rides = mission.kind == "promotional" and firm.sector not in data.focus_sectors
        if (
            rides
            and mission.slipstream_max is not None
            and riders[app.mission] >= mission.slipstream_max
        ):
            return False
        if (
            mission.sector_max is not None
            and per_sector[(app.mission, firm.sector)] >= mission.sector_max
        ):
            return False
        return budget_left is None or data.subsidy(i) <= budget_left

    locked = [i for i in data.locked if i not in data.ineligible]
    for i in [*locked, *order]:
        if i in placed or i in data.ineligible or not fits(i):
            continue
        app = apps[i]
        mission = data.missions[app.mission]
        firm = data.firms[app.firm]
        placed.add(i)
        on_mission[app.mission] += 1
        firm_places[app.firm].append(i)
        if mission.kind == "promotional" and firm.sector not in data.focus_sectors:
            riders[app.mission] += 1
        per_sector[(app.mission, firm.sector)] += 1
        if budget_left is not None:
            budget_left -= data.subsidy(i)
    return {
        i
        for i in placed
        if on_mission[apps[i].mission] >= data.missions[apps[i].mission].min_participants
    }
