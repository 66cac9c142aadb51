"""Checks a result document against its scenario by re-reading SPEC model v1 (no engine code)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date
from typing import Any

DEFAULT_WEIGHTS: dict[str, Any] = {
    "place": 1000,
    "rank_points": {"1": 100, "2": 60, "3": 30, "4": 10},
    "first_timer": 50,
    "repeat": 10,
    "evidence_points": {"none": 0, "leads": 10, "letter_of_intent": 25, "order": 40},
    "region_shortfall": 2000,
}

# Eligibility reason codes, in the order the SPEC checks them.
ELIGIBILITY_REASONS = (
    "sector_mismatch",
    "no_business_case",
    "business_case_unverified",
    "business_case_wrong_country",
    "not_ready",
)
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

Pair = tuple[str, str]


def merged_weights(scenario: dict) -> dict[str, Any]:
    """Default weights overridden key by key (the two maps also key by key)."""
    given = scenario.get("weights") or {}
    weights = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_WEIGHTS.items()}
    for key, value in given.items():
        if key in ("rank_points", "evidence_points"):
            weights[key].update({str(k): v for k, v in (value or {}).items()})
        else:
            weights[key] = value
    return weights


def rank_points(weights: dict[str, Any], rank: int) -> int:
    """Points of the largest rank key <= rank (0 if there is none)."""
    best_key = None
    for key in weights["rank_points"]:
        k = int(key)
        if k <= rank and (best_key is None or k > best_key):
            best_key = k
    if best_key is None:
        return 0
    return int(weights["rank_points"][str(best_key)])


def in_target_group(firm: dict) -> bool:
    return 5 <= int(firm["employees"]) <= 100


class Round:
    """Scenario with defaults applied and lookup tables, built once."""

    def __init__(self, scenario: dict) -> None:
        self.scenario = scenario
        self.weights = merged_weights(scenario)
        rnd = scenario.get("round") or {}
        self.max_places = int(rnd.get("max_places_per_firm", 1) or 0)
        budget = rnd.get("budget_eur")
        self.budget = None if budget is None else budget
        self.region_priority = {
            r["code"]: int(r.get("priority", 0) or 0) for r in scenario.get("regions", [])
        }
        self.focus = {s["code"]: bool(s.get("focus", False)) for s in scenario.get("sectors", [])}
        self.missions: dict[str, dict] = {}
        self.mission_order: list[str] = []
        for m in scenario.get("missions", []):
            self.mission_order.append(m["id"])
            self.missions[m["id"]] = {
                "id": m["id"],
                "kind": m["kind"],
                "country": m["country"],
                "start": date.fromisoformat(str(m["start"])),
                "end": date.fromisoformat(str(m["end"])),
                "capacity": int(m["capacity"]),
                "min": int(m.get("min_participants", 0) or 0),
                "sectors": list(m.get("sectors") or []),
                "slipstream_max": m.get("slipstream_max"),
                "sector_max": m.get("sector_max"),
                "region_min": {r: int(k) for r, k in (m.get("region_min") or {}).items()},
                "subsidy": m.get("subsidy_eur", 0) or 0,
            }
        self.firms: dict[str, dict] = {}
        for f in scenario.get("firms", []):
            readiness = f.get("readiness") or {}
            self.firms[f["id"]] = {
                "id": f["id"],
                "region": f["region"],
                "sector": f["sector"],
                "employees": int(f["employees"]),
                "target": in_target_group(f),
                "strategy": bool(readiness.get("strategy", False)),
                "organisation": bool(readiness.get("organisation", False)),
                "history": int(f.get("missions_last_3_years", 0) or 0),
                "cases": {c["id"]: c for c in (f.get("business_cases") or [])},
            }
        self.apps: list[dict] = []
        self.app_by_pair: dict[Pair, dict] = {}
        for a in scenario.get("applications", []):
            firm = self.firms[a["firm"]]
            mission = self.missions[a["mission"]]
            app = {
                "firm": a["firm"],
                "mission": a["mission"],
                "rank": int(a["rank"]),
                "business_case": a.get("business_case"),
                "source": a,
            }
            app["reason"] = self._ineligibility(app, firm, mission)
            app["score"] = self._score(app, firm, mission)
            self.apps.append(app)
            self.app_by_pair[(a["firm"], a["mission"])] = app
        self.locked: list[Pair] = [(p["firm"], p["mission"]) for p in scenario.get("locked") or []]
        # e = eligible applications per (mission, region)
        self.eligible_by_mission_region: Counter[Pair] = Counter()
        for app in self.apps:
            if app["reason"] is None:
                region = self.firms[app["firm"]]["region"]
                self.eligible_by_mission_region[(app["mission"], region)] += 1

    # -- per application ---------------------------------------------------------------
    def _ineligibility(self, app: dict, firm: dict, mission: dict) -> str | None:
        if mission["sectors"] and firm["sector"] not in mission["sectors"]:
            return "sector_mismatch"
        if mission["kind"] == "business":
            case_id = app["business_case"]
            if case_id is None:
                return "no_business_case"
            case = firm["cases"][case_id]
            if not case.get("verified", False):
                return "business_case_unverified"
            if case.get("country") != mission["country"]:
                return "business_case_wrong_country"
            if not (firm["strategy"] and firm["organisation"]):
                return "not_ready"
        return None

    def _score(self, app: dict, firm: dict, mission: dict) -> int:
        w = self.weights
        score = int(w["place"])
        score += rank_points(w, app["rank"])
        score += self.region_priority.get(firm["region"], 0)
        if firm["history"] == 0:
            score += int(w["first_timer"])
        score -= int(w["repeat"]) * min(firm["history"], 3)
        if mission["kind"] == "business" and app["business_case"] is not None:
            case = firm["cases"].get(app["business_case"])
            if case is not None:
                score += int(w["evidence_points"].get(case.get("evidence", "none"), 0))
        return score

    def subsidy_of(self, pair: Pair) -> Any:
        firm = self.firms[pair[0]]
        return self.missions[pair[1]]["subsidy"] if firm["target"] else 0

    # -- objective ---------------------------------------------------------------------
    def shortfalls(self, pairs: list[Pair]) -> dict[Pair, int]:
        """Positive S1 shortfalls keyed by (mission, region)."""
        placed_from: Counter[Pair] = Counter()
        for f, m in pairs:
            if f in self.firms:
                placed_from[(m, self.firms[f]["region"])] += 1
        out: dict[Pair, int] = {}
        for m_id in self.mission_order:
            for region, k in self.missions[m_id]["region_min"].items():
                e = self.eligible_by_mission_region[(m_id, region)]
                missing = max(0, min(k, e) - placed_from[(m_id, region)])
                if missing > 0:
                    out[(m_id, region)] = missing
        return out

    def objective(self, pairs: list[Pair]) -> int:
        total = sum(self.app_by_pair[p]["score"] for p in pairs if p in self.app_by_pair)
        penalty = int(self.weights["region_shortfall"]) * sum(self.shortfalls(pairs).values())
        return total - penalty

    # -- hard constraints --------------------------------------------------------------
    def hard_violations(self, pairs: list[Pair], runs: set[str] | None = None) -> list[str]:
        """H1-H8 plus placement sanity. `runs`: missions declared running (with no places)."""
        out: list[str] = []
        seen: set[Pair] = set()
        valid: list[Pair] = []
        for p in pairs:
            if p in seen:
                out.append(f"placement {p[0]}->{p[1]} is listed more than once")
                continue
            seen.add(p)
            app = self.app_by_pair.get(p)
            if app is None:
                out.append(f"placement {p[0]}->{p[1]} is not an application")
                continue
            if app["reason"] is not None:
                out.append(f"placement {p[0]}->{p[1]} is ineligible ({app['reason']})")
            valid.append(p)

        by_mission: dict[str, list[str]] = defaultdict(list)
        by_firm: dict[str, list[str]] = defaultdict(list)
        for f, m in valid:
            by_mission[m].append(f)
            by_firm[f].append(m)

        declared = runs or set()
        for m_id in self.mission_order:
            mission = self.missions[m_id]
            firms = by_mission.get(m_id, [])
            n = len(firms)
            running = n > 0 or m_id in declared
            cap = mission["capacity"] if running else 0
            if n > cap:
                out.append(f"H1 capacity: mission {m_id} has {n} placed > capacity {cap}")
            if running and n < mission["min"]:
                out.append(
                    f"H2 minimum: mission {m_id} runs with {n} placed < min_participants "
                    f"{mission['min']}"
                )
            if mission["kind"] == "promotional" and mission["slipstream_max"] is not None:
                slip = sum(1 for f in firms if not self.focus.get(self.firms[f]["sector"], False))
                if slip > mission["slipstream_max"]:
                    out.append(
                        f"H5 slipstream: mission {m_id} has {slip} non-focus placements > "
                        f"slipstream_max {mission['slipstream_max']}"
                    )
            if mission["sector_max"] is not None:
                per_sector = Counter(self.firms[f]["sector"] for f in firms)
                for sector, count in sorted(per_sector.items()):
                    if count > mission["sector_max"]:
                        out.append(
                            f"H6 sector cap: mission {m_id} has {count} placements from sector "
                            f"{sector} > sector_max {mission['sector_max']}"
                        )

        for f_id, missions in by_firm.items():
            if len(missions) > self.max_places:
                out.append(
                    f"H3 per firm: firm {f_id} has {len(missions)} placements > "
                    f"max_places_per_firm {self.max_places}"
                )
            ms = sorted(missions)
            for i in range(len(ms)):
                for j in range(i + 1, len(ms)):
                    a, b = self.missions[ms[i]], self.missions[ms[j]]
                    if a["start"] <= b["end"] and b["start"] <= a["end"]:
                        out.append(
                            f"H4 overlap: firm {f_id} is placed on {ms[i]} and {ms[j]} whose "
                            "dates overlap"
                        )

        if self.budget is not None:
            used = sum(self.subsidy_of(p) for p in valid)
            if used > self.budget:
                out.append(f"H7 budget: subsidy used {used} > budget_eur {self.budget}")

        for p in self.locked:
            if p not in seen:
                out.append(f"H8 locked: locked pair {p[0]}->{p[1]} is not placed")
        return out


def eligible_applications(scenario: dict) -> list[dict]:
    """The scenario's application dicts that pass every eligibility rule, in input order."""
    return [app["source"] for app in Round(scenario).apps if app["reason"] is None]


def ineligibility_reason(scenario: dict, application: dict) -> str | None:
    """First failing eligibility reason code of an application, or None if eligible."""
    rnd = Round(scenario)
    return rnd.app_by_pair[(application["firm"], application["mission"])]["reason"]


def score_of(scenario: dict, application: dict) -> int:
    """Score of one application (builds the lookup tables; use `scores` for many)."""
    rnd = Round(scenario)
    return rnd.app_by_pair[(application["firm"], application["mission"])]["score"]


def scores(scenario: dict) -> dict[Pair, int]:
    """Score of every application keyed by (firm, mission)."""
    return {pair: app["score"] for pair, app in Round(scenario).app_by_pair.items()}


def objective_of(scenario: dict, placements: list[tuple[str, str]]) -> int:
    """Sum of placed scores minus region_shortfall weight times total S1 shortfall."""
    return Round(scenario).objective([tuple(p) for p in placements])


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
