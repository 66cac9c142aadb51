"""Seeded random but valid scenario documents that exercise every feature of model v1."""

from __future__ import annotations

import random
from datetime import date, timedelta

from matchmaker.optimisation.validate import eligible_applications

REGIONS = [("FR", "Fryslân"), ("GR", "Groningen"), ("DR", "Drenthe")]
SECTORS = [
    ("agrifood", "Agribusiness en food", True),
    ("health", "Healthy ageing", True),
    ("water", "Watertechnologie", True),
    ("metal", "Metaal", False),
    ("logistics", "Transport en logistiek", False),
]
COUNTRIES = ["DE", "DK", "SE", "PL", "EE", "BE", "GB", "CN", "IN", "TR", "BR"]
EVIDENCE = ["none", "leads", "letter_of_intent", "order"]
EMPLOYEES = [1, 4, 5, 6, 12, 24, 60, 100, 101, 250]
WEIGHT_OVERRIDES = [
    {"rank_points": {"1": 300}},
    {"rank_points": {"2": 90, "5": 0}},
    {"place": 500},
    {"region_shortfall": 40},
    {"region_shortfall": 0, "first_timer": 0},
    {"evidence_points": {"order": 120, "none": -5}},
    {"repeat": 25, "first_timer": 80},
]
OPTIONS = ("locked", "max_places_per_firm", "budget", "weights", "name")


def random_round(
    rng: random.Random,
    *,
    firms: int,
    missions: int,
    apps_per_firm: int = 3,
    **options,
) -> dict:
    """A valid scenario dict.

    Options: `locked` (true: 1-2 locked pairs among eligible applications),
    `max_places_per_firm` (fixed value instead of random 1 or 2), `budget` (False for no
    budget, True to force one, a number for that budget), `weights` (False for none,
    True to force an override), `name`.
    """
    unknown = set(options) - set(OPTIONS)
    if unknown:
        raise TypeError(f"unknown options: {sorted(unknown)}")
    regions = []
    for code, name in REGIONS:
        region = {"code": code, "name": name}
        if rng.random() < 0.7:
            region["priority"] = rng.choice([0, 10, 20, 40])
        regions.append(region)
    sectors = [{"code": c, "name": n, "focus": f} for c, n, f in SECTORS]
    sector_codes = [c for c, _, _ in SECTORS]
    region_codes = [c for c, _ in REGIONS]

    demand = max(1, firms * min(apps_per_firm, missions) // max(1, missions))
    base = date(2026, 5, 1)
    span = max(6, 2 * missions)
    mission_list = []
    for i in range(missions):
        kind = rng.choice(["promotional", "business"])
        start = base + timedelta(days=rng.randrange(span))
        end = start + timedelta(days=rng.choice([0, 0, 1, 2, 3, 5]))
        capacity = rng.randint(max(1, demand // 5), max(1, demand // 2))
        if rng.random() < 0.05:
            capacity = 0
        mission = {
            "id": f"M{i + 1:03d}",
            "title": f"{kind.title()} mission {i + 1}",
            "kind": kind,
            "format": rng.choice(["trade_mission", "trade_fair", "branch_delegation"]),
            "scope": rng.choice(["regional", "national"]),
            "organiser": rng.choice(["KvK Noord", "NOM", "Exportclub Drenthe"]),
            "country": rng.choice(COUNTRIES[:5]),
            "start": start.isoformat(),
            "end": end.isoformat(),
            "capacity": capacity,
        }
        if capacity > 0 and rng.random() < 0.3:
            mission["min_participants"] = rng.randint(1, max(1, min(capacity, demand // 2 + 1)))
        elif rng.random() < 0.2:
            mission["min_participants"] = 0
        r = rng.random()
        if r < 0.45:
            mission["sectors"] = rng.sample(sector_codes, rng.randint(1, 4))
        elif r < 0.6:
            mission["sectors"] = []
        if kind == "promotional" and rng.random() < 0.5:
            mission["slipstream_max"] = rng.randint(0, max(1, capacity // 2))
        elif rng.random() < 0.1:
            mission["slipstream_max"] = None
        if rng.random() < 0.35:
            mission["sector_max"] = rng.randint(1, max(1, capacity))
        elif rng.random() < 0.1:
            mission["sector_max"] = None
        if rng.random() < 0.45:
            chosen = rng.sample(region_codes, rng.randint(1, 3))
            top = max(1, demand // 6)
            mission["region_min"] = {
                r: rng.randint(0 if rng.random() < 0.1 else 1, top) for r in chosen
            }
        if rng.random() < 0.75:
            mission["subsidy_eur"] = rng.choice([0, 500, 1000, 1500, 2500])
        mission_list.append(mission)

    firm_list = []
    for i in range(firms):
        sector = rng.choice(sector_codes)
        firm = {
            "id": f"F{i + 1:04d}",
            "kvk": f"{rng.randrange(10**8):08d}",
            "name": f"Firma {i + 1} BV",
            "region": rng.choice(region_codes),
            "sector": sector,
            "employees": rng.choice(EMPLOYEES),
        }
        r = rng.random()
        if r < 0.8:
            firm["readiness"] = {
                "strategy": rng.random() < 0.85,
                "organisation": rng.random() < 0.85,
                "finance": rng.random() < 0.7,
            }
        if rng.random() < 0.8:
            firm["missions_last_3_years"] = rng.choice([0, 0, 1, 2, 3, 5])
        if rng.random() < 0.3:
            firm["exports_to"] = rng.sample(COUNTRIES, rng.randint(1, 3))
        cases = []
        for j in range(rng.choice([0, 1, 1, 2, 3])):
            cases.append(
                {
                    "id": f"BC{j + 1}",
                    "country": rng.choice(COUNTRIES[:5] if rng.random() < 0.8 else COUNTRIES),
                    "sector": sector,
                    "summary": f"offer {j + 1} of firm {i + 1}",
                    "evidence": rng.choice(EVIDENCE),
                    "verified": rng.random() < 0.8,
                }
            )
        if cases or rng.random() < 0.5:
            firm["business_cases"] = cases
        firm_list.append(firm)

    applications = []
    for firm in firm_list:
        chosen = rng.sample(mission_list, min(apps_per_firm, missions))
        ranks = rng.sample(range(1, len(chosen) + 3), len(chosen))
        for mission, rank in zip(chosen, sorted(ranks), strict=True):
            app = {"firm": firm["id"], "mission": mission["id"], "rank": rank}
            cases = firm.get("business_cases", [])
            if cases:
                matching = [c for c in cases if c["country"] == mission["country"]]
                if matching and rng.random() < 0.8:
                    app["business_case"] = rng.choice(matching)["id"]
                elif rng.random() < 0.6:
                    app["business_case"] = rng.choice(cases)["id"]
                elif rng.random() < 0.5:
                    app["business_case"] = None
            applications.append(app)
    rng.shuffle(applications)

    round_ = {"id": f"R{rng.randrange(10**6):06d}"}
    max_places = options.get("max_places_per_firm")
    if max_places is None:
        if rng.random() < 0.85:
            round_["max_places_per_firm"] = rng.choice([1, 2])
    else:
        round_["max_places_per_firm"] = max_places
    budget = options.get("budget")
    if budget is None:
        budget = rng.random() < 0.5
    if budget is True:
        total = sum(m["capacity"] * m.get("subsidy_eur", 0) for m in mission_list)
        round_["budget_eur"] = rng.randrange(0, max(1, total // 2) + 1, 500) if total else 1000
    elif budget is False:
        if rng.random() < 0.3:
            round_["budget_eur"] = None
    else:
        round_["budget_eur"] = budget

    scenario = {
        "format": "matchmaker-scenario/1",
        "name": options.get("name", "random round"),
        "round": round_,
        "regions": regions,
        "sectors": sectors,
        "missions": mission_list,
        "firms": firm_list,
        "applications": applications,
    }
    if rng.random() < 0.3:
        scenario["description"] = "generated by tests/random_rounds.py"
    use_weights = options.get("weights")
    if use_weights is None:
        use_weights = rng.random() < 0.25
    if use_weights:
        weights: dict = {}
        for override in rng.sample(WEIGHT_OVERRIDES, rng.randint(1, 2)):
            for key, value in override.items():
                if isinstance(value, dict):
                    weights.setdefault(key, {}).update(value)
                else:
                    weights[key] = value
        scenario["weights"] = weights
    elif rng.random() < 0.3:
        scenario["weights"] = {}
    if options.get("locked"):
        eligible = eligible_applications(scenario)
        picks = rng.sample(eligible, min(len(eligible), rng.randint(1, 2)))
        scenario["locked"] = [{"firm": a["firm"], "mission": a["mission"]} for a in picks]
    elif rng.random() < 0.2:
        scenario["locked"] = []
    return scenario
