"""The waiting list of a published roster: per mission, who a freed place goes to and in what
order, and the chain of offers when a place frees.

The allocation's own rules decide: the best score first (ties by firm id), and a firm may
take a place only where it keeps every hard rule of the round (capacity, dates, one place
too many, the slipstream and sector limits, the budget). A firm that holds an offer on a
choice it ranked lower may move up: it gives that offer back and its old place passes on in
turn, to the best firm waiting there. An accepted place is never moved; a firm holding a
place it ranked at least as high is not on the list. Pure: round data and the places held
in, offers out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matchmaker.optimisation.round_data import RoundData


@dataclass(frozen=True, slots=True)
class Waiting:
    """An application waiting for a place on its mission, at this position (1 is next)."""

    index: int
    position: int
    gives_up: int | None  # the held application it would give back to take the place


@dataclass(frozen=True, slots=True)
class Move:
    """One offer of a chain: `offered` gets a place, giving back `released` (or nothing)."""

    offered: int
    released: int | None


class _Places:
    """The places held now, with the counts every rule needs."""

    def __init__(self, data: RoundData, holding: Mapping[int, bool]):
        self.data = data
        self.movable = dict(holding)  # application index -> may move up (an open offer)
        self.count: Counter[str] = Counter()
        self.riders: Counter[str] = Counter()
        self.per_sector: Counter[tuple[str, str]] = Counter()
        self.of_firm: dict[str, set[int]] = defaultdict(set)
        self.used = 0
        for i in holding:
            self._count(i, +1)

    def _count(self, i: int, step: int) -> None:
        data = self.data
        app = data.applications[i]
        self.count[app.mission] += step
        self.riders[app.mission] += step * self.rides(i)
        self.per_sector[(app.mission, data.firms[app.firm].sector)] += step
        self.used += step * data.subsidy(i)
        if step > 0:
            self.of_firm[app.firm].add(i)
        else:
            self.of_firm[app.firm].discard(i)

    def rides(self, i: int) -> bool:
        app = self.data.applications[i]
        mission = self.data.missions[app.mission]
        return mission.kind == "promotional" and (
            self.data.firms[app.firm].sector not in self.data.focus_sectors
        )

    def take(self, i: int, released: int | None) -> None:
        if released is not None:
            self._count(released, -1)
            del self.movable[released]
        self._count(i, +1)
        self.movable[i] = True  # a new offer, open until answered

    def way_in(self, i: int) -> tuple[bool, int | None]:
        """Whether application i can take a place on its mission now, and the held place of
        its firm it would give back for it (None: nothing)."""
        data = self.data
        app = data.applications[i]
        mission = data.missions[app.mission]
        held = self.of_firm.get(app.firm, set())
        if any(data.applications[h].mission == app.mission for h in held):
            return False, None
        clashing = [
            h for h in held if data.missions[data.applications[h].mission].overlaps(mission)
        ]
        if len(clashing) > 1:
            return False, None
        released = clashing[0] if clashing else None
        if released is None and len(held) >= data.scenario.round.max_places_per_firm:
            released = max(held, key=lambda h: (data.applications[h].rank, h))
        if released is not None and not (
            self.movable.get(released, False) and data.applications[released].rank > app.rank
        ):
            return False, None  # only an open offer on a lower choice is given back
        return self._fits(i, released), released

    def _fits(self, i: int, released: int | None) -> bool:
        data = self.data
        app = data.applications[i]
        mission = data.missions[app.mission]
        firm = data.firms[app.firm]
        if self.count[app.mission] >= mission.capacity:
            return False
        held = self.of_firm[app.firm] - ({released} if released is not None else set())
        if len(held) >= data.scenario.round.max_places_per_firm:
            return False
        if any(data.missions[data.applications[h].mission].overlaps(mission) for h in held):
            return False
        riders = self.riders[app.mission] + 1
        if mission.slipstream_max is not None and self.rides(i) and riders > mission.slipstream_max:
            return False
        same_sector = self.per_sector[(app.mission, firm.sector)] + 1
        if mission.sector_max is not None and same_sector > mission.sector_max:
            return False
        budget = data.scenario.round.budget_eur
        used = self.used + data.subsidy(i) - (data.subsidy(released) if released is not None else 0)
        if budget is not None and used > budget:
            return False
        if released is not None:
            left_mission = data.missions[data.applications[released].mission]
            left = self.count[left_mission.id] - 1
            if 0 < left < left_mission.min_participants:
                return False  # giving it back would leave that mission too small to run
        return True


def _order(data: RoundData, i: int) -> tuple[int, str]:
    return (-data.scores[i], data.applications[i].firm)


def _candidates(data: RoundData, places: _Places, gone: set[int], mission_id: str) -> list[int]:
    ineligible = data.ineligible
    return sorted(
        (
            i
            for i in data.by_mission.get(mission_id, [])
            if i not in places.movable and i not in gone and i not in ineligible
        ),
        key=lambda i: _order(data, i),
    )


def waiting_lists(
    data: RoundData, holding: Mapping[int, bool], gone: Iterable[int] = ()
) -> dict[str, list[Waiting]]:
    """Per mission id, the applications that would take a place there if one freed, best
    first. `holding` maps each application holding a place to whether it is an open offer
    (True) or accepted (False); `gone` are applications that declined or withdrew."""
    places = _Places(data, holding)
    gone_set = set(gone)
    lists: dict[str, list[Waiting]] = {}
    for mission_id, mission in data.missions.items():
        held = places.count[mission_id]
        places.count[mission_id] = min(held, max(0, mission.capacity - 1))  # one place free
        waiting: list[Waiting] = []
        for i in _candidates(data, places, gone_set, mission_id):
            ok, released = places.way_in(i)
            if ok:
                waiting.append(Waiting(i, len(waiting) + 1, released))
        places.count[mission_id] = held
        lists[mission_id] = waiting
    return lists


def fill(
    data: RoundData, holding: Mapping[int, bool], gone: Iterable[int], mission_id: str
) -> list[Move]:
    """The offers that follow a freed place on `mission_id`: the best firm that can take it
    gets it; if it gives back a lower choice, that place passes on the same way."""
    places = _Places(data, holding)
    gone_set = set(gone)
    moves: list[Move] = []
    current: str | None = mission_id
    while current is not None:
        chosen = None
        for i in _candidates(data, places, gone_set, current):
            ok, released = places.way_in(i)
            if ok:
                chosen = (i, released)
                break
        if chosen is None:
            break
        offered, released = chosen
        places.take(offered, released)
        moves.append(Move(offered, released))
        # Each move raises a firm to a better-ranked choice, so the chain ends.
        current = data.applications[released].mission if released is not None else None
    return moves


def settle(data: RoundData, holding: Mapping[int, bool], mission_id: str) -> list[Move]:
    """The offers that follow a freed place on `mission_id` (see fill), and then on every
    mission that still has room: a place nobody could take before may be takeable now (its
    best candidate just gave up the place that kept it out)."""
    held = dict(holding)
    moves: list[Move] = []
    order = [mission_id, *(m for m in data.missions if m != mission_id)]
    changed = True
    while changed:
        changed = False
        for mission in order:
            new = fill(data, held, (), mission)
            for move in new:
                if move.released is not None:
                    del held[move.released]
                held[move.offered] = True
            moves.extend(new)
            changed = changed or bool(new)
    return moves
