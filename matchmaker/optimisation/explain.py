"""Reasons, in plain words, for every application a solution leaves unplaced."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from matchmaker.optimisation.eligibility import explain_ineligibility
from matchmaker.optimisation.model import SolveOutcome

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
                detail = f"{mission.id} has no places"
            else:
                relation = ">" if lowest > score else ("=" if lowest == score else "<")
                detail = f"mission full; lowest placed score {lowest} {relation} {score}"
            reasons.append(Unplaced(i, OUTRANKED, detail))
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
