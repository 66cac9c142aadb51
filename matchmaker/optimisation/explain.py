"""Reasons, in plain words, for every application a solution leaves unplaced."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from matchmaker.optimisation.constraints.regions import wanted_seats
from matchmaker.optimisation.eligibility import explain_ineligibility
from matchmaker.optimisation.model import SolveOutcome
from matchmaker.optimisation.round_data import RoundData

# Reasons for eligible applications, in the order they are tried: the first that binds is given.
PLACED_ELSEWHERE = "placed_elsewhere"
DATE_CONFLICT = "date_conflict"
MISSION_CANCELLED = "mission_cancelled"
OUTRANKED = "outranked"
SLIPSTREAM_FULL = "slipstream_full"
SECTOR_CAP = "sector_cap"
BUDGET = "budget"
NOT_SELECTED = "not_selected"
UNPLACED_REASONS = (
    PLACED_ELSEWHERE,
    DATE_CONFLICT,
    MISSION_CANCELLED,
    OUTRANKED,
    SLIPSTREAM_FULL,
    SECTOR_CAP,
    BUDGET,
    NOT_SELECTED,
)


@dataclass(frozen=True, slots=True)
class Unplaced:
    index: int
    reason: str
    detail: str


def _lost_the_lottery(outcome: SolveOutcome, i: int, placed_on_mission: list[int]) -> bool:
    """Whether the tie-break placed a firm of equal score that the lottery drew before i's."""
    if not outcome.lottery_applied:
        return False
    data = outcome.data
    position = {firm: n for n, firm in enumerate(outcome.lottery)}
    mine = position[data.applications[i].firm]
    return any(
        data.scores[j] == data.scores[i] and position[data.applications[j].firm] < mine
        for j in placed_on_mission
    )


def explain_unplaced(outcome: SolveOutcome) -> list[Unplaced]:
    """One reason per unplaced application: its eligibility rule, or the constraint that binds."""
    data = outcome.data
    apps = data.applications
    placed = set(outcome.placed)
    limit = data.scenario.round.max_places_per_firm
    budget = data.scenario.round.budget_eur

    firm_missions: dict[str, list[str]] = defaultdict(list)
    on_mission: dict[str, list[int]] = defaultdict(list)
    riders: dict[str, int] = defaultdict(int)
    per_sector: dict[tuple[str, str], int] = defaultdict(int)
    spent = 0
    for i in outcome.placed:
        app = apps[i]
        firm = data.firms[app.firm]
        mission = data.missions[app.mission]
        firm_missions[app.firm].append(app.mission)
        on_mission[app.mission].append(i)
        if mission.kind == "promotional" and firm.sector not in data.focus_sectors:
            riders[app.mission] += 1
        per_sector[(app.mission, firm.sector)] += 1
        spent += data.subsidy(i)

    reasons: list[Unplaced] = []
    for i, app in enumerate(apps):
        if i in placed:
            continue
        firm = data.firms[app.firm]
        mission = data.missions[app.mission]
        if i in data.ineligible:
            reason = data.ineligible[i]
            reasons.append(
                Unplaced(i, reason, explain_ineligibility(reason, firm, mission, app.business_case))
            )
            continue
        score = data.scores[i]
        elsewhere = firm_missions[app.firm]
        clashing = [m for m in elsewhere if data.missions[m].overlaps(mission)]
        if len(elsewhere) >= limit:
            reasons.append(
                Unplaced(
                    i,
                    PLACED_ELSEWHERE,
                    f"the firm already has {len(elsewhere)} place(s), the most "
                    f"this round allows: {', '.join(elsewhere)}",
                )
            )
        elif clashing:
            other = data.missions[clashing[0]]
            reasons.append(
                Unplaced(
                    i,
                    DATE_CONFLICT,
                    f"the firm is placed on {other.id} ({other.start}–{other.end}),"
                    f" which overlaps {mission.start}–{mission.end}",
                )
            )
        elif not outcome.runs.get(mission.id, True):
            reasons.append(
                Unplaced(
                    i,
                    MISSION_CANCELLED,
                    f"{mission.id} does not run: fewer than its minimum of "
                    f"{mission.min_participants} participants could be placed",
                )
            )
        elif len(on_mission[mission.id]) >= mission.capacity:
            lowest = min((data.scores[j] for j in on_mission[mission.id]), default=None)
            if lowest is None:
                reasons.append(Unplaced(i, OUTRANKED, f"{mission.id} has no places"))
            elif lowest >= score:
                relation = ">" if lowest > score else "="
                detail = f"mission full; lowest placed score {lowest} {relation} {score}"
                if relation == "=" and _lost_the_lottery(outcome, i, on_mission[mission.id]):
                    detail += (
                        f"; lost the lottery against an equal score (seed {outcome.lottery_seed})"
                    )
                reasons.append(Unplaced(i, OUTRANKED, detail))
            else:
                # A firm with a lower score holds a place: say what keeps it from making way.
                swap = _Swap(data, on_mission[mission.id], spent, riders[mission.id], per_sector)
                reasons.append(Unplaced(i, *swap.why_not(i, outcome.status)))
        elif (
            mission.kind == "promotional"
            and mission.slipstream_max is not None
            and firm.sector not in data.focus_sectors
            and riders[mission.id] >= mission.slipstream_max
        ):
            reasons.append(
                Unplaced(
                    i,
                    SLIPSTREAM_FULL,
                    f"{mission.id} takes at most {mission.slipstream_max} firms "
                    f"from outside the focus sectors, and has them",
                )
            )
        elif (
            mission.sector_max is not None
            and per_sector[(mission.id, firm.sector)] >= mission.sector_max
        ):
            reasons.append(
                Unplaced(
                    i,
                    SECTOR_CAP,
                    f"{mission.id} takes at most {mission.sector_max} firms of "
                    f"sector {firm.sector}, and has them",
                )
            )
        elif budget is not None and data.subsidy(i) > 0 and spent + data.subsidy(i) > budget:
            reasons.append(
                Unplaced(
                    i,
                    BUDGET,
                    f"its subsidy of EUR {data.subsidy(i)} does not fit in the "
                    f"EUR {budget - spent} left of the round's budget",
                )
            )
        else:
            reasons.append(
                Unplaced(
                    i,
                    NOT_SELECTED,
                    "no single rule blocks it, but placing it would lower the "
                    "round's total score (for example through a region "
                    "minimum or another mission's minimum)",
                )
            )
    return reasons


class _Swap:
    """Why an unplaced application does not take the place of a lower-scored one on a full
    mission: the rule the exchange would break, or what it would cost the round."""

    def __init__(
        self,
        data: RoundData,
        on_mission: list[int],
        spent: int,
        riders: int,
        per_sector: dict[tuple[str, str], int],
    ):
        self.data = data
        self.on_mission = on_mission
        self.spent = spent
        self.riders = riders
        self.per_sector = per_sector
        self.locked = set(data.locked)

    def why_not(self, i: int, status: str) -> tuple[str, str]:
        data = self.data
        score = data.scores[i]
        lower = sorted(
            (j for j in self.on_mission if data.scores[j] < score), key=lambda j: data.scores[j]
        )
        blocks = [(j, self._block(i, j)) for j in lower]
        if all(block is not None for _, block in blocks):
            reason, detail = blocks[0][1]  # type: ignore[misc]
            others = len(blocks) - 1
            more = f" (and {others} other lower-scored firm(s) for the same or another rule)"
            return reason, detail + (more if others else "")
        free = next(j for j, block in blocks if block is None)
        firm = data.applications[free].firm
        if status == "OPTIMAL":  # not expected: the exchange would beat the proven optimum
            return (
                NOT_SELECTED,
                f"it scores {score}, more than {firm} ({data.scores[free]}); the exchange "
                "would break another rule of the round",
            )
        return (
            NOT_SELECTED,
            f"it scores {score}, more than {firm} ({data.scores[free]}), but the search ended "
            "before it found that exchange",
        )

    def _block(self, i: int, j: int) -> tuple[str, str] | None:
        """The rule that keeps application i from taking j's place, or None if none does."""
        data = self.data
        a, b = data.applications[i], data.applications[j]
        firm_a, firm_b = data.firms[a.firm], data.firms[b.firm]
        mission = data.missions[a.mission]
        budget = data.scenario.round.budget_eur
        if j in self.locked:
            return (
                NOT_SELECTED,
                f"the organiser locked {b.firm} (score {data.scores[j]}) on {mission.id}",
            )
        rider_a = mission.kind == "promotional" and firm_a.sector not in data.focus_sectors
        rider_b = mission.kind == "promotional" and firm_b.sector not in data.focus_sectors
        if (
            rider_a
            and not rider_b
            and mission.slipstream_max is not None
            and self.riders >= mission.slipstream_max
        ):
            return (
                SLIPSTREAM_FULL,
                f"{mission.id} takes at most {mission.slipstream_max} firms from outside the "
                f"focus sectors and has them; {b.firm} (score {data.scores[j]}) is in a focus "
                "sector",
            )
        same_sector = firm_a.sector == firm_b.sector
        if (
            not same_sector
            and mission.sector_max is not None
            and self.per_sector[(mission.id, firm_a.sector)] >= mission.sector_max
        ):
            return (
                SECTOR_CAP,
                f"{mission.id} takes at most {mission.sector_max} firms of sector "
                f"{firm_a.sector} and has them; {b.firm} (score {data.scores[j]}) is of "
                f"sector {firm_b.sector}",
            )
        extra = data.subsidy(i) - data.subsidy(j)
        if budget is not None and extra > 0 and self.spent + extra > budget:
            return (
                BUDGET,
                f"it would draw EUR {data.subsidy(i)} of subsidy where {b.firm} (score "
                f"{data.scores[j]}) draws EUR {data.subsidy(j)}, and the round's budget has "
                f"EUR {budget - self.spent} left",
            )
        lost = self._shortfall_cost(i, j)
        if lost >= data.scores[i] - data.scores[j]:
            return (
                NOT_SELECTED,
                f"{b.firm} (score {data.scores[j]}) fills a seat of {mission.id}'s minimum "
                f"for region {firm_b.region}; the exchange would cost the round {lost} points "
                f"of region minimum for a gain of {data.scores[i] - data.scores[j]}",
            )
        return None

    def _shortfall_cost(self, i: int, j: int) -> int:
        """How much the round's region-shortfall penalty grows if i takes j's place."""
        data = self.data
        mission_id = data.applications[i].mission
        region_a = data.firms[data.applications[i].firm].region
        region_b = data.firms[data.applications[j].firm].region
        if region_a == region_b:
            return 0
        count = defaultdict(int)
        for k in self.on_mission:
            count[data.firms[data.applications[k].firm].region] += 1

        def short(region: str, placed: int) -> int:
            return max(0, wanted_seats(data, mission_id, region) - placed)

        before = short(region_a, count[region_a]) + short(region_b, count[region_b])
        after = short(region_a, count[region_a] + 1) + short(region_b, count[region_b] - 1)
        return (after - before) * data.scenario.weights.region_shortfall
