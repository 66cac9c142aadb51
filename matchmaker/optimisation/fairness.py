"""Justified envy in a roster: the unplaced applications whose firm could take the place of a
lower-scored firm on that mission without breaking a hard rule of the round.

A firm envies a placed firm with justification when (1) it prefers the mission (it still has
room for a place, or it holds a place it ranked lower and would give up), (2) the placed firm
scores lower and is not locked there, and (3) exchanging the two keeps every hard rule:
capacity, dates, the slipstream and sector limits, the budget and, for the place given up,
its mission's minimum. Region minimums are soft and not counted: an optimal roster may
keep a lower-scored firm to fill a region's seat, and the reasons say so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from matchmaker.optimisation.round_data import RoundData


class _Roster:
    def __init__(self, data: RoundData, placed: Iterable[int]):
        self.data = data
        self.placed = set(placed)
        self.count: Counter[str] = Counter()
        self.riders: Counter[str] = Counter()
        self.per_sector: Counter[tuple[str, str]] = Counter()
        self.of_firm: dict[str, list[int]] = defaultdict(list)
        self.on_mission: dict[str, list[int]] = defaultdict(list)
        self.used = 0
        for i in self.placed:
            app = data.applications[i]
            self.count[app.mission] += 1
            self.riders[app.mission] += self.rides(i)
            self.per_sector[(app.mission, data.firms[app.firm].sector)] += 1
            self.of_firm[app.firm].append(i)
            self.on_mission[app.mission].append(i)
            self.used += data.subsidy(i)

    def rides(self, i: int) -> bool:
        app = self.data.applications[i]
        mission = self.data.missions[app.mission]
        sector = self.data.firms[app.firm].sector
        return mission.kind == "promotional" and sector not in self.data.focus_sectors


def blocking_pairs(data: RoundData, placed: Iterable[int]) -> list[tuple[int, int]]:
    """(envious unplaced application, the placed one it could replace), one per envious
    application, in application order."""
    roster = _Roster(data, placed)
    locked = set(data.locked)
    found = []
    for i in data.eligible:
        if i in roster.placed:
            continue
        other = _envied(data, roster, locked, i)
        if other is not None:
            found.append((i, other))
    return found


def _envied(data: RoundData, roster: _Roster, locked: set[int], i: int) -> int | None:
    app = data.applications[i]
    mission = data.missions[app.mission]
    held = roster.of_firm.get(app.firm, [])
    limit = data.scenario.round.max_places_per_firm
    given_up: int | None = None
    if len(held) >= limit:
        worse = [h for h in held if data.applications[h].rank > app.rank and h not in locked]
        if not worse:
            return None
        given_up = max(worse, key=lambda h: (data.applications[h].rank, h))
        left_mission = data.missions[data.applications[given_up].mission]
        left = roster.count[left_mission.id] - 1
        if 0 < left < left_mission.min_participants:
            return None
    kept = [h for h in held if h != given_up]
    if any(data.missions[data.applications[h].mission].overlaps(mission) for h in kept):
        return None
    sector = data.firms[app.firm].sector
    budget = data.scenario.round.budget_eur
    for other in roster.on_mission.get(app.mission, []):
        if data.scores[other] >= data.scores[i] or other in locked:
            continue
        riders = roster.riders[app.mission] - roster.rides(other) + roster.rides(i)
        if mission.slipstream_max is not None and riders > mission.slipstream_max:
            continue
        other_sector = data.firms[data.applications[other].firm].sector
        same = roster.per_sector[(app.mission, sector)] + (other_sector != sector)
        if mission.sector_max is not None and same > mission.sector_max:
            continue
        used = roster.used - data.subsidy(other) + data.subsidy(i)
        if given_up is not None:
            used -= data.subsidy(given_up)
        if budget is not None and used > budget:
            continue
        return other
    return None
