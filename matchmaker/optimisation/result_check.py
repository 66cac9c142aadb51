"""Checks a result document against its scenario with the re-read SPEC model (no engine code)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from matchmaker.optimisation.validate import Pair, Round

# Reasons allowed for eligible applications that are not placed.
UNPLACED_REASONS = (
    "placed_elsewhere",
    "date_conflict",
    "mission_cancelled",
    "outranked",
    "slipstream_full",
    "sector_cap",
    "budget",
    "not_selected",
)
RESULT_STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE")


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return float(value)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def check_result(scenario: dict, result: dict, *, strict_reasons: bool = True) -> list[str]:
    """Every way in which `result` breaks the SPEC for `scenario` (empty list = valid).

    With `strict_reasons`, the reason of an eligible unplaced application must also be
    true of the result (e.g. `outranked` only on a full mission); `not_selected` is
    always accepted.
    """
    rnd = Round(scenario)
    out: list[str] = []
    fmt = result.get("format")
    if fmt is not None and fmt != "matchmaker-result/1":
        out.append(f"format is {fmt!r}, expected 'matchmaker-result/1'")
    status = result.get("status")
    if status not in RESULT_STATUSES:
        out.append(f"status {status!r} is not one of {', '.join(RESULT_STATUSES)}")

    raw_placements = result.get("placements")
    if not isinstance(raw_placements, list):
        return [*out, "placements is missing or not a list"]
    if status == "INFEASIBLE":
        if raw_placements:
            out.append(f"status INFEASIBLE but {len(raw_placements)} placements are listed")
        return out

    pairs: list[Pair] = []
    for i, p in enumerate(raw_placements):
        try:
            pairs.append((p["firm"], p["mission"]))
        except (KeyError, TypeError):
            out.append(f"placements[{i}] lacks firm/mission")
            continue
        app = rnd.app_by_pair.get(pairs[-1])
        if app is not None and p.get("score") != app["score"]:
            out.append(
                f"placement {p['firm']}->{p['mission']} has score {p.get('score')!r}, "
                f"recomputed {app['score']}"
            )

    # Missions section: runs flags, placed counts.
    placed_count = Counter(m for _, m in pairs)
    by_mission: dict[str, list[str]] = defaultdict(list)
    subsidy_by_mission: Counter[str] = Counter()
    for p in dict.fromkeys(pairs):
        if p in rnd.app_by_pair:
            by_mission[p[1]].append(p[0])
            subsidy_by_mission[p[1]] += rnd.subsidy_of(p)
    mission_rows = result.get("missions")
    declared_runs: set[str] = set()
    declared_cancelled: set[str] = set()
    if not isinstance(mission_rows, list):
        out.append("missions is missing or not a list")
        mission_rows = []
    row_ids = Counter()
    for i, row in enumerate(mission_rows):
        m_id = row.get("id") if isinstance(row, dict) else None
        if m_id not in rnd.missions:
            out.append(f"missions[{i}] refers to unknown mission {m_id!r}")
            continue
        row_ids[m_id] += 1
        if row.get("runs") is True:
            declared_runs.add(m_id)
        elif row.get("runs") is False:
            declared_cancelled.add(m_id)
        if row.get("placed") != placed_count[m_id]:
            out.append(
                f"missions[{i}] ({m_id}) says placed {row.get('placed')!r}, "
                f"placements list {placed_count[m_id]}"
            )
        if "capacity" in row and row["capacity"] != rnd.missions[m_id]["capacity"]:
            out.append(f"missions[{i}] ({m_id}) says capacity {row['capacity']!r}")
        if "subsidy_eur" in row:
            used_m = subsidy_by_mission[m_id]
            if _num(row["subsidy_eur"]) is None or not _close(row["subsidy_eur"], used_m):
                out.append(
                    f"missions[{i}] ({m_id}) says subsidy_eur {row['subsidy_eur']!r}, "
                    f"recomputed {used_m}"
                )
    for m_id in rnd.mission_order:
        if row_ids[m_id] != 1:
            out.append(f"mission {m_id} appears {row_ids[m_id]} times in missions")
        if m_id in declared_cancelled and placed_count[m_id] > 0:
            out.append(f"mission {m_id} is cancelled (runs=false) but has placements")
        if m_id in declared_runs and m_id in declared_cancelled:
            out.append(f"mission {m_id} is listed both running and cancelled")
    running = {m for m in rnd.mission_order if placed_count[m] > 0 or m in declared_runs}

    out.extend(rnd.hard_violations(pairs, declared_runs))

    # Every application exactly once in placements or unplaced.
    appearances: Counter[Pair] = Counter(pairs)
    unplaced = result.get("unplaced")
    if not isinstance(unplaced, list):
        out.append("unplaced is missing or not a list")
        unplaced = []
    by_firm: dict[str, list[str]] = defaultdict(list)
    for f, m in pairs:
        by_firm[f].append(m)
    used_budget = sum(rnd.subsidy_of(p) for p in set(pairs) if p in rnd.app_by_pair)
    for i, row in enumerate(unplaced):
        try:
            pair = (row["firm"], row["mission"])
        except (KeyError, TypeError):
            out.append(f"unplaced[{i}] lacks firm/mission")
            continue
        appearances[pair] += 1
        app = rnd.app_by_pair.get(pair)
        if app is None:
            out.append(f"unplaced {pair[0]}->{pair[1]} is not an application")
            continue
        reason = row.get("reason")
        if app["reason"] is not None:
            if reason != app["reason"]:
                out.append(
                    f"unplaced {pair[0]}->{pair[1]} has reason {reason!r}, "
                    f"expected eligibility reason {app['reason']!r}"
                )
            continue
        if reason not in UNPLACED_REASONS:
            out.append(
                f"unplaced {pair[0]}->{pair[1]} is eligible but has reason {reason!r} "
                "(not an allowed reason for an eligible application)"
            )
        elif strict_reasons:
            problem = _reason_problem(rnd, pair, reason, by_mission, by_firm, running, used_budget)
            if problem:
                out.append(f"unplaced {pair[0]}->{pair[1]} reason {reason!r}: {problem}")
    for pair in rnd.app_by_pair:
        if appearances[pair] != 1:
            out.append(
                f"application {pair[0]}->{pair[1]} appears {appearances[pair]} times in "
                "placements + unplaced (expected exactly 1)"
            )

    # Objective, shortfall, budget, bound.
    expected_obj = rnd.objective([p for p in dict.fromkeys(pairs) if p in rnd.app_by_pair])
    obj = _num(result.get("objective"))
    if obj is None or not _close(obj, expected_obj):
        out.append(f"objective {result.get('objective')!r} != recomputed {expected_obj}")
    expected_sf = rnd.shortfalls(list(dict.fromkeys(pairs)))
    got_sf: Counter[tuple[str, str, Any]] = Counter()
    for row in result.get("region_shortfall") or []:
        try:
            got_sf[(row["mission"], row["region"], row["missing"])] += 1
        except (KeyError, TypeError):
            out.append(f"region_shortfall entry {row!r} lacks mission/region/missing")
    want_sf = Counter((m, r, k) for (m, r), k in expected_sf.items())
    if got_sf != want_sf:
        out.append(
            f"region_shortfall {sorted(got_sf.elements())} != recomputed "
            f"{sorted(want_sf.elements())}"
        )
    budget_used = _num(result.get("budget_used_eur"))
    if budget_used is None or not _close(budget_used, used_budget):
        out.append(f"budget_used_eur {result.get('budget_used_eur')!r} != recomputed {used_budget}")
    bound = _num(result.get("best_bound"))
    if status == "OPTIMAL":
        if bound is None or obj is None or not _close(bound, obj):
            out.append(
                f"status OPTIMAL but best_bound {result.get('best_bound')!r} != objective "
                f"{result.get('objective')!r}"
            )
        gap = _num(result.get("gap"))
        if gap is None or gap != 0:
            out.append(f"status OPTIMAL but gap is {result.get('gap')!r}")
    elif bound is not None and obj is not None and bound < obj - 1e-6 * max(1.0, abs(obj)):
        out.append(f"best_bound {bound} is below objective {obj} (maximisation)")
    return out


def _reason_problem(
    rnd: Round,
    pair: Pair,
    reason: str,
    by_mission: dict[str, list[str]],
    by_firm: dict[str, list[str]],
    running: set[str],
    used_budget: Any,
) -> str | None:
    """Why the stated reason is false for this result, or None if it holds."""
    f_id, m_id = pair
    firm, mission = rnd.firms[f_id], rnd.missions[m_id]
    on_mission = by_mission.get(m_id, [])
    if reason == "placed_elsewhere":
        if len(by_firm.get(f_id, [])) < rnd.max_places:
            return f"firm has {len(by_firm.get(f_id, []))} < {rnd.max_places} placements"
    elif reason == "date_conflict":
        if not any(
            m != m_id
            and rnd.missions[m]["start"] <= mission["end"]
            and mission["start"] <= rnd.missions[m]["end"]
            for m in by_firm.get(f_id, [])
        ):
            return "firm has no placement whose dates overlap this mission"
    elif reason == "mission_cancelled":
        if m_id in running:
            return "mission runs"
    elif reason == "outranked":
        cap = mission["capacity"] if m_id in running else 0
        if len(on_mission) < cap:
            return f"mission not full ({len(on_mission)} < {cap})"
        score = rnd.app_by_pair[pair]["score"]
        lower = [f for f in on_mission if rnd.app_by_pair[(f, m_id)]["score"] < score]
        if lower:
            return f"{lower[0]} holds a place with a lower score than {score}"
    elif reason == "slipstream_full":
        if mission["kind"] != "promotional" or mission["slipstream_max"] is None:
            return "mission has no slipstream limit"
        if rnd.focus.get(firm["sector"], False):
            return "firm is in a focus sector"
        slip = sum(1 for f in on_mission if not rnd.focus.get(rnd.firms[f]["sector"], False))
        if slip < mission["slipstream_max"]:
            return f"slipstream not full ({slip} < {mission['slipstream_max']})"
    elif reason == "sector_cap":
        if mission["sector_max"] is None:
            return "mission has no sector_max"
        same = sum(1 for f in on_mission if rnd.firms[f]["sector"] == firm["sector"])
        if same < mission["sector_max"]:
            return f"sector not full ({same} < {mission['sector_max']})"
    elif reason == "budget":
        extra = rnd.subsidy_of(pair)
        if rnd.budget is None or not extra or used_budget + extra <= rnd.budget:
            return "placing it would not exceed the budget"
    return None
