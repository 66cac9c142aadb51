"""The benchmark's own reading of a model v1 scenario: scores, eligibility, hard constraints.

Written apart from matchmaker's engine (it reads the JSON document directly) so that the
references, the status-quo rosters and the stability count do not share the engine's code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
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


@dataclass(slots=True)
class App:
    """One application: who, where, the firm's rank, and what placing it is worth."""

    index: int
    firm: str
    mission: str
    rank: int
    eligible: bool
    score: int
    subsidy: int


@dataclass(slots=True)
class MissionRow:
    id: str
    kind: str
    start: date
    end: date
    capacity: int
    minimum: int
    slipstream_max: int | None
    sector_max: int | None
    region_min: dict[str, int]

    def overlaps(self, other: MissionRow) -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(slots=True)
class FirmRow:
    id: str
    region: str
    sector: str


class Round:
    """A scenario document with defaults applied and the lookups every check needs."""

    def __init__(self, document: dict[str, Any]) -> None:
        weights = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_WEIGHTS.items()}
        for key, value in (document.get("weights") or {}).items():
            if isinstance(value, dict):
                weights[key].update({str(k): v for k, v in value.items()})
            else:
                weights[key] = value
        self.weights = weights
        round_info = document["round"]
        self.max_places = int(round_info.get("max_places_per_firm", 1))
        self.budget: int | None = round_info.get("budget_eur")
        priority = {r["code"]: int(r.get("priority", 0)) for r in document["regions"]}
        self.regions = list(priority)
        self.focus = {s["code"] for s in document["sectors"] if s.get("focus")}
        self.missions: dict[str, MissionRow] = {}
        subsidy_of: dict[str, int] = {}
        sectors_of: dict[str, list[str]] = {}
        country_of = {m["id"]: m["country"] for m in document["missions"]}
        for m in document["missions"]:
            self.missions[m["id"]] = MissionRow(
                id=m["id"],
                kind=m["kind"],
                start=date.fromisoformat(str(m["start"])),
                end=date.fromisoformat(str(m["end"])),
                capacity=int(m["capacity"]),
                minimum=int(m.get("min_participants") or 0),
                slipstream_max=m.get("slipstream_max"),
                sector_max=m.get("sector_max"),
                region_min={r: int(k) for r, k in (m.get("region_min") or {}).items()},
            )
            subsidy_of[m["id"]] = int(m.get("subsidy_eur") or 0)
            sectors_of[m["id"]] = list(m.get("sectors") or [])
        self.firms: dict[str, FirmRow] = {}
        raw_firms = {f["id"]: f for f in document["firms"]}
        for f in document["firms"]:
            self.firms[f["id"]] = FirmRow(f["id"], f["region"], f["sector"])
        rank_keys = sorted(int(k) for k in weights["rank_points"])
        self.apps: list[App] = []
        for index, a in enumerate(document["applications"]):
            firm = raw_firms[a["firm"]]
            mission = self.missions[a["mission"]]
            cases = {c["id"]: c for c in firm.get("business_cases") or []}
            case = cases.get(a.get("business_case"))
            readiness = firm.get("readiness") or {}
            eligible = True
            if sectors_of[mission.id] and firm["sector"] not in sectors_of[mission.id]:
                eligible = False
            elif mission.kind == "business":
                eligible = (
                    case is not None
                    and bool(case.get("verified"))
                    and case.get("country") == country_of[mission.id]
                    and bool(readiness.get("strategy"))
                    and bool(readiness.get("organisation"))
                )
            rank = int(a["rank"])
            below = [k for k in rank_keys if k <= rank]
            score = int(weights["place"]) + (
                int(weights["rank_points"][str(below[-1])]) if below else 0
            )
            score += priority[firm["region"]]
            history = int(firm.get("missions_last_3_years") or 0)
            if history == 0:
                score += int(weights["first_timer"])
            score -= int(weights["repeat"]) * min(history, 3)
            if mission.kind == "business" and case is not None:
                score += int(weights["evidence_points"].get(case.get("evidence", "none"), 0))
            target = 5 <= int(firm["employees"]) <= 100
            self.apps.append(
                App(
                    index=index,
                    firm=a["firm"],
                    mission=a["mission"],
                    rank=rank,
                    eligible=eligible,
                    score=score,
                    subsidy=subsidy_of[mission.id] if target else 0,
                )
            )
        self.locked = {(p["firm"], p["mission"]) for p in document.get("locked") or []}
        self.eligible = [a for a in self.apps if a.eligible]
        self.by_pair = {(a.firm, a.mission): a for a in self.apps}
        self.eligible_by_mission_region: Counter[tuple[str, str]] = Counter(
            (a.mission, self.firms[a.firm].region) for a in self.eligible
        )

    # ------------------------------------------------------------------ roster measures
    def shortfall(self, roster: set[int]) -> int:
        placed = Counter(
            (self.apps[i].mission, self.firms[self.apps[i].firm].region) for i in roster
        )
        total = 0
        for m in self.missions.values():
            for region, k in m.region_min.items():
                wanted = min(k, self.eligible_by_mission_region[(m.id, region)])
                total += max(0, wanted - placed[(m.id, region)])
        return total

    def objective(self, roster: set[int]) -> int:
        penalty = int(self.weights["region_shortfall"])
        return sum(self.apps[i].score for i in roster) - penalty * self.shortfall(roster)

    def violations(self, roster: set[int]) -> list[str]:
        """Every hard constraint (eligibility, H1-H8) the roster breaks; empty when feasible."""
        out: list[str] = []
        on_mission: dict[str, list[App]] = defaultdict(list)
        of_firm: dict[str, list[App]] = defaultdict(list)
        for i in roster:
            app = self.apps[i]
            if not app.eligible:
                out.append(f"{app.firm}->{app.mission} is not eligible")
            on_mission[app.mission].append(app)
            of_firm[app.firm].append(app)
        for m_id, apps in on_mission.items():
            m = self.missions[m_id]
            if len(apps) > m.capacity:
                out.append(f"H1 {m_id}: {len(apps)} > capacity {m.capacity}")
            if len(apps) < m.minimum:
                out.append(f"H2 {m_id}: runs with {len(apps)} < minimum {m.minimum}")
            if m.kind == "promotional" and m.slipstream_max is not None:
                riders = sum(1 for a in apps if self.firms[a.firm].sector not in self.focus)
                if riders > m.slipstream_max:
                    out.append(f"H5 {m_id}: {riders} riders > {m.slipstream_max}")
            if m.sector_max is not None:
                for sector, n in Counter(self.firms[a.firm].sector for a in apps).items():
                    if n > m.sector_max:
                        out.append(f"H6 {m_id}: {n} of {sector} > {m.sector_max}")
        for f_id, apps in of_firm.items():
            if len(apps) > self.max_places:
                out.append(f"H3 {f_id}: {len(apps)} places > {self.max_places}")
            for x, a in enumerate(apps):
                for b in apps[x + 1 :]:
                    if self.missions[a.mission].overlaps(self.missions[b.mission]):
                        out.append(f"H4 {f_id}: {a.mission} overlaps {b.mission}")
        if self.budget is not None:
            used = sum(self.apps[i].subsidy for i in roster)
            if used > self.budget:
                out.append(f"H7 budget: {used} > {self.budget}")
        placed_pairs = {(self.apps[i].firm, self.apps[i].mission) for i in roster}
        out.extend(f"H8 {f}->{m} locked, not placed" for f, m in self.locked - placed_pairs)
        return out

    def roster_of(self, pairs: list[tuple[str, str]]) -> set[int]:
        return {self.by_pair[p].index for p in pairs}


def pure_assignment(document: dict[str, Any]) -> dict[str, Any]:
    """The same round with only capacity and one place per firm: every side constraint gone.

    Eligibility and scores stay as they are (they are data, not constraints).
    """
    pure = dict(document)
    pure["name"] = f"{document['name']} (pure assignment)"
    pure["round"] = {**document["round"], "max_places_per_firm": 1, "budget_eur": None}
    pure["missions"] = [
        {
            **m,
            "min_participants": 0,
            "slipstream_max": None,
            "sector_max": None,
            "region_min": {},
        }
        for m in document["missions"]
    ]
    pure["locked"] = []
    return pure
