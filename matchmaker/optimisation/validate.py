"""SPEC model v1 re-read without engine code: eligibility, scores, objective, hard constraints."""

from __future__ import annotations

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
