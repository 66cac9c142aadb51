"""Synthetic, seeded matching rounds with the regions, sectors and countries of the policy note."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import timedelta
from itertools import accumulate
from typing import Any

from matchmaker import synthetic_data as facts


class _Weighted:
    """Draws from fixed items with fixed weights in O(log n), without re-summing weights."""

    __slots__ = ("cum", "items", "last", "total")

    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0
        self.last = len(self.items) - 1

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect_right(self.cum, rng.random() * self.total, 0, self.last)]


_REGION_DRAW = _Weighted(facts.REGION_CODES, facts.REGION_WEIGHTS)
_SECTOR_DRAW = _Weighted(facts.SECTOR_CODES, facts.SECTOR_WEIGHTS)
_COUNTRY_DRAW = _Weighted(facts.COUNTRY_CODES, facts.COUNTRY_WEIGHTS)
_EVIDENCE_DRAW = _Weighted(facts.EVIDENCE, facts.EVIDENCE_WEIGHTS)
_EXPORT_MARKET_COUNT = _Weighted([0, 1, 2, 3, 4], [30, 30, 20, 12, 8])
_EXTRA_CASES = _Weighted([0, 1, 2, 3], [35, 35, 20, 10])
# Most firms have not been on a mission in the last three years.
_MISSIONS_LAST_3_YEARS = _Weighted([0, 1, 2, 3, 4, 5], [55, 20, 12, 7, 4, 2])
_ROMAN = ["", "", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X"]


def _check_count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be at least 1, got {value}")
    return value


def _step_250(rng: random.Random, low: int, high: int) -> int:
    """A subsidy between low and high (inclusive), in steps of 250 euro."""
    return 250 * rng.randint(low // 250, high // 250)


def _id_width(count: int, minimum: int) -> int:
    return max(minimum, len(str(count)))


def _make_missions(rng: random.Random, count: int, firms: int) -> list[dict[str, Any]]:
    """Missions, fairs and delegations in one season, sorted by date, with ids M001, M002, ..."""
    drafts: list[dict[str, Any]] = []
    season_days = (facts.SEASON_END - facts.SEASON_START).days
    for _ in range(count):
        draw = rng.random()
        if draw < 0.5:
            fmt = "trade_mission"
        elif draw < 0.75:
            fmt = "trade_fair"
        else:
            fmt = "branch_delegation"

        if fmt == "trade_fair":
            fair, city, country, fair_sectors = rng.choice(facts.FAIRS)
            kind = "promotional" if rng.random() < 0.45 else "business"
            national = rng.random() < 0.3
            scope = "national" if national else "regional"
            if national:
                organiser = facts.RVO
            elif len(fair_sectors) == 1 and fair_sectors[0] in facts.SECTOR_ORGANISERS:
                organiser = facts.SECTOR_ORGANISERS[fair_sectors[0]]
            else:
                organiser = rng.choice(facts.GENERAL_ORGANISERS)
            sectors = list(fair_sectors)
            if kind == "promotional" and rng.random() < 0.5:
                sectors = []
            pavilion = "Holland pavilion" if national else "Noord-Nederland pavilion"
            title = f"{pavilion} at {fair}, {city}"
            length = rng.randint(3, 5)
        elif fmt == "branch_delegation":
            organiser, org_sectors = rng.choice(facts.BRANCH_ORGANISATIONS)
            kind = "business" if rng.random() < 0.8 else "promotional"
            scope = "national"
            if org_sectors:
                sectors = rng.sample(org_sectors, rng.randint(1, len(org_sectors)))
                sectors.sort(key=facts.SECTOR_CODES.index)
                preferred = facts.SECTOR_COUNTRIES[sectors[0]]
            else:
                sectors = [] if rng.random() < 0.5 else [rng.choice(facts.SECTOR_CODES)]
                preferred = facts.COUNTRY_CODES
            country = rng.choice(preferred) if rng.random() < 0.6 else _country(rng)
            city = rng.choice(facts.COUNTRY_CITIES[country])
            label = facts.BRANCH_LABELS.get(organiser) or (
                facts.SECTOR_LABEL[sectors[0]] if sectors else "Multi-sector"
            )
            title = f"{label} delegation {facts.COUNTRY_NAME[country]}"
            length = rng.randint(3, 6)
        else:
            kind = "business" if rng.random() < 0.6 else "promotional"
            if kind == "business":
                main = _SECTOR_DRAW.draw(rng)
                sectors = [main]
                if rng.random() < 0.3:
                    other = rng.choice(facts.SECTOR_CODES)
                    if other != main:
                        sectors.append(other)
                if rng.random() < 0.1:
                    sectors = []
                country = (
                    rng.choice(facts.SECTOR_COUNTRIES[main])
                    if rng.random() < 0.65
                    else _country(rng)
                )
                city = rng.choice(facts.COUNTRY_CITIES[country])
                if rng.random() < 0.1:
                    scope, organiser = "national", facts.RVO
                else:
                    scope = "regional"
                    organiser = facts.SECTOR_ORGANISERS.get(main) or rng.choice(
                        facts.GENERAL_ORGANISERS
                    )
                label = facts.SECTOR_LABEL[main] if sectors else "Multi-sector"
                title = f"{label} business mission {city}"
                length = rng.randint(2, 4)
            else:
                # Promotional: the region's top sectors, others in the slipstream.
                country = _country(rng)
                city = rng.choice(facts.COUNTRY_CITIES[country])
                if rng.random() < 0.6:
                    sectors = []
                else:
                    sectors = rng.sample(facts.FOCUS_SECTORS, rng.randint(2, 4))
                    sectors += rng.sample(facts.NON_FOCUS_SECTORS, rng.randint(1, 3))
                    sectors.sort(key=facts.SECTOR_CODES.index)
                if rng.random() < 0.15:
                    scope, organiser = "national", facts.RVO
                    title = f"Dutch economic mission {facts.COUNTRY_NAME[country]}"
                else:
                    scope = "regional"
                    organiser = rng.choice(facts.PROMOTIONAL_ORGANISERS)
                    titles = [
                        f"Noord-Nederland economic mission {city}",
                        f"Top sectors promotion mission {city}",
                    ]
                    if country in facts.HANZE_COUNTRIES:
                        titles.append(f"Hanze corridor promotion mission {city}")
                    title = rng.choice(titles)
                length = rng.randint(1, 4)

        start = facts.SEASON_START + timedelta(days=rng.randint(0, season_days - (length - 1)))
        end = start + timedelta(days=length - 1)
        drafts.append(
            {
                "title": title,
                "kind": kind,
                "format": fmt,
                "scope": scope,
                "organiser": organiser,
                "country": country,
                "start": start,
                "end": end,
                "sectors": sectors,
                # Branch delegations offer the region a few places on a national trip.
                "size": rng.uniform(0.4, 0.8)
                if fmt == "branch_delegation"
                else rng.uniform(0.7, 1.4),
                "popularity": rng.lognormvariate(0.0, 0.6) * (1.4 if country == "DE" else 1.0),
            }
        )

    # Scarcity: all places together are roughly 40-60% of the applying firms.
    places_wanted = firms * rng.uniform(0.4, 0.6)
    total_size = sum(draft["size"] for draft in drafts)
    drafts.sort(key=lambda draft: (draft["start"], draft["end"], draft["title"]))
    width = _id_width(count, 3)
    seen_titles: dict[str, int] = {}
    missions: list[dict[str, Any]] = []
    for number, draft in enumerate(drafts, start=1):
        capacity = max(2, min(60, round(places_wanted * draft["size"] / total_size)))
        min_participants = 0
        if rng.random() < 0.3:
            min_participants = min(capacity, rng.randint(2, max(2, capacity // 2)))
        slipstream_max = None
        sectors = draft["sectors"]
        # A slipstream cap only matters where non-focus sectors may come along.
        open_to_others = not sectors or (
            any(s in facts.FOCUS_SECTORS for s in sectors)
            and any(s in facts.NON_FOCUS_SECTORS for s in sectors)
        )
        if draft["kind"] == "promotional" and open_to_others and rng.random() < 0.75:
            slipstream_max = rng.randint(1, max(1, capacity // 3))
        sector_max = None
        if len(sectors) != 1 and rng.random() < 0.3:
            sector_max = rng.randint(max(1, capacity // 4), max(1, capacity // 2))
        region_min: dict[str, int] = {}
        if draft["scope"] == "regional" and rng.random() < 0.35:
            for code in facts.REGION_CODES:
                if rng.random() < 0.6:
                    region_min[code] = min(capacity, rng.randint(1, 2))
        country = draft["country"]
        if rng.random() < 0.1:
            subsidy = 0
        elif country in facts.NEAR_COUNTRIES:
            subsidy = _step_250(rng, 500, 2500)
        elif country in facts.FAR_COUNTRIES:
            subsidy = _step_250(rng, 2000, 5000)
        else:
            subsidy = _step_250(rng, 1000, 3500)
        title = draft["title"]
        repeat = seen_titles.get(title, 0) + 1
        seen_titles[title] = repeat
        if repeat > 1:
            title += _ROMAN[repeat] if repeat < len(_ROMAN) else f" {repeat}"
        missions.append(
            {
                "id": f"M{number:0{width}d}",
                "title": title,
                "kind": draft["kind"],
                "format": draft["format"],
                "scope": draft["scope"],
                "organiser": draft["organiser"],
                "country": country,
                "start": draft["start"].isoformat(),
                "end": draft["end"].isoformat(),
                "capacity": capacity,
                "min_participants": min_participants,
                "sectors": draft["sectors"],
                "slipstream_max": slipstream_max,
                "sector_max": sector_max,
                "region_min": region_min,
                "subsidy_eur": subsidy,
                "_popularity": draft["popularity"],
            }
        )
    return missions


def _pick(rng: random.Random, items: list[Any]) -> Any:
    """Like rng.choice, but cheaper; for the per-firm loop."""
    return items[int(rng.random() * len(items))]


def _country(rng: random.Random) -> str:
    return _COUNTRY_DRAW.draw(rng)


def _firm_name(rng: random.Random, region: str, sector: str) -> str:
    word = _pick(rng, facts.SECTOR_WORDS[sector])
    pattern = rng.random()
    if pattern < 0.35:
        stem = f"{_pick(rng, facts.SURNAMES[region])} {word}"
    elif pattern < 0.55:
        stem = f"{_pick(rng, facts.PLACES[region])} {word}"
    elif pattern < 0.75:
        stem = f"{_pick(rng, facts.BRANDS)} {word}"
    elif pattern < 0.88:
        stem = f"Gebr. {_pick(rng, facts.SURNAMES[region])} {word}"
    else:
        stem = f"{word} {_pick(rng, facts.BRANDS)}"
    form = "VOF" if rng.random() < 0.08 else "BV"
    return f"{stem} {form}"


def _employees(rng: random.Random) -> int:
    draw = rng.random()
    if draw < 0.12:
        return rng.randint(1, 4)
    if draw < 0.90:
        # Most firms in the target group are small.
        return 5 + int(95 * rng.random() ** 2)
    return rng.randint(101, 450)


def _kvk(rng: random.Random, region: str, used: set[str]) -> str:
    old_prefix = {"FR": "01", "GR": "02", "DR": "04"}[region]
    while True:
        if rng.random() < 0.4:
            kvk = f"{old_prefix}{rng.randint(0, 999_999):06d}"
        else:
            kvk = f"{rng.randint(50_000_000, 99_999_999):08d}"
        if kvk not in used:
            used.add(kvk)
            return kvk


def _case(rng: random.Random, firm_id: str, number: int, sector: str, country: str) -> dict:
    case_sector = sector if rng.random() < 0.9 else _pick(rng, facts.SECTOR_CODES)
    summary = _pick(rng, facts.CASE_SUMMARIES[case_sector]).format(
        city=_pick(rng, facts.COUNTRY_CITIES[country]), adj=facts.COUNTRY_ADJECTIVE[country]
    )
    return {
        "id": f"{firm_id}-BC{number}",
        "country": country,
        "sector": case_sector,
        "summary": summary,
        "evidence": _EVIDENCE_DRAW.draw(rng),
        "verified": rng.random() < 0.85,
    }


def generate_round(*, firms: int, missions: int, seed: int) -> dict:
    """A complete, valid scenario document of the given size; same arguments, same document."""
    firm_count = _check_count(firms, "firms")
    mission_count = _check_count(missions, "missions")
    rng = random.Random(seed)

    mission_docs = _make_missions(rng, mission_count, firm_count)
    popularity = [mission.pop("_popularity") for mission in mission_docs]

    # Pools per firm sector: missions for that sector plus missions open to all sectors.
    open_missions = [i for i, m in enumerate(mission_docs) if not m["sectors"]]
    by_sector: dict[str, list[int]] = {sector: [] for sector in facts.SECTOR_CODES}
    for index, mission in enumerate(mission_docs):
        for sector in mission["sectors"]:
            by_sector[sector].append(index)
    pools: dict[str, _Weighted] = {}
    for sector, members in by_sector.items():
        members = sorted(members + open_missions)
        pools[sector] = _Weighted(members, [popularity[i] for i in members])
    anywhere = _Weighted(list(range(mission_count)), popularity)
    # Plain lists for the hot loop below (about 100,000 applications in a large round).
    mission_ids = [mission["id"] for mission in mission_docs]
    mission_countries = [mission["country"] for mission in mission_docs]
    is_business = [mission["kind"] == "business" for mission in mission_docs]
    mission_sectors = [mission["sectors"] for mission in mission_docs]
    # Eligible applications from target-group firms per mission, to size the budget.
    eligible_target = [0] * mission_count
    rand = rng.random

    # About 4 applications per firm in small rounds, about 5 in large ones.
    shift = 0 if mission_count < 100 else 1
    application_count = _Weighted([n + shift for n in range(1, 9)], [10, 14, 18, 20, 16, 11, 7, 4])

    width = _id_width(firm_count, 5)
    used_kvk: set[str] = set()
    used_names: set[str] = set()
    firm_docs: list[dict[str, Any]] = []
    applications: list[dict[str, Any]] = []
    for number in range(1, firm_count + 1):
        firm_id = f"F{number:0{width}d}"
        region = _REGION_DRAW.draw(rng)
        sector = _SECTOR_DRAW.draw(rng)
        name = _firm_name(rng, region, sector)
        if name in used_names:
            name = _firm_name(rng, region, sector)
            if name in used_names:
                stem, form = name.rsplit(" ", 1)
                name = f"{stem} {rng.choice(facts.PLACES[region])} {form}"
        used_names.add(name)

        strategy = rand() < 0.78
        organisation = (strategy and rand() < 0.8) or rand() < 0.1
        finance = rand() < (0.75 if organisation else 0.35)
        ready = strategy and organisation

        exports_to: list[str] = []
        for _ in range(_EXPORT_MARKET_COUNT.draw(rng)):
            market = _country(rng) if rand() < 0.8 else rng.choice(facts.OTHER_EXPORT_MARKETS)
            if market not in exports_to:
                exports_to.append(market)

        # Ranked preferences: mostly missions for the firm's own sector or for all sectors.
        wanted = min(mission_count, application_count.draw(rng))
        pool = pools[sector]
        chosen: list[int] = []
        attempts = 0
        while len(chosen) < wanted and attempts < 8 * wanted:
            attempts += 1
            # Now and then a firm applies outside its sector (sector_mismatch).
            index = (pool if pool.items and rand() < 0.9 else anywhere).draw(rng)
            if index in chosen:
                continue
            if is_business[index] and not ready and rand() < 0.6:
                continue
            chosen.append(index)
        if not chosen:
            chosen.append(rng.randrange(mission_count))

        # Business cases: usually one for each business-mission destination (at most 3).
        cases: list[dict[str, Any]] = []
        case_countries: list[str] = []
        for index in chosen:
            country = mission_countries[index]
            if is_business[index] and country not in case_countries:
                case_countries.append(country)
        for country in case_countries[:3]:
            if rand() < 0.85:
                cases.append(_case(rng, firm_id, len(cases) + 1, sector, country))
        extra = _EXTRA_CASES.draw(rng)
        while len(cases) < 3 and len(cases) < extra:
            cases.append(_case(rng, firm_id, len(cases) + 1, sector, _country(rng)))

        employees = _employees(rng)
        firm_docs.append(
            {
                "id": firm_id,
                "kvk": _kvk(rng, region, used_kvk),
                "name": name,
                "region": region,
                "sector": sector,
                "employees": employees,
                "readiness": {
                    "strategy": strategy,
                    "organisation": organisation,
                    "finance": finance,
                },
                "missions_last_3_years": _MISSIONS_LAST_3_YEARS.draw(rng),
                "exports_to": exports_to,
                "business_cases": cases,
            }
        )

        case_for_country: dict[str, str] = {}
        for case in cases:
            case_for_country.setdefault(case["country"], case["id"])
        good_cases = {(case["id"], case["country"]) for case in cases if case["verified"]}
        in_target_group = 5 <= employees <= 100
        for rank, index in enumerate(chosen, start=1):
            business_case = None
            if cases:
                country = mission_countries[index]
                same = case_for_country.get(country)
                if is_business[index]:
                    # Mostly the case for this country; about 6% name none, about 6% (and
                    # half of those without a case for this country) name another country's.
                    draw = rand()
                    if draw < 0.06:
                        pass
                    elif same is not None and draw >= 0.12:
                        business_case = same
                    elif same is None and draw >= 0.12 and rand() < 0.5:
                        pass
                    else:
                        other = [case["id"] for case in cases if case["country"] != country]
                        business_case = rng.choice(other) if other else same
                elif same is not None and rand() < 0.1:
                    business_case = same
            if in_target_group:
                wanted_sectors = mission_sectors[index]
                eligible = (not wanted_sectors or sector in wanted_sectors) and (
                    not is_business[index]
                    or (ready and (business_case, mission_countries[index]) in good_cases)
                )
                eligible_target[index] += eligible
            applications.append(
                {
                    "firm": firm_id,
                    "mission": mission_ids[index],
                    "rank": rank,
                    "business_case": business_case,
                }
            )

    # The budget binds: well below what filling every place with an eligible target-group
    # applicant would cost (firms compete for places, so not every place can be filled).
    fillable_cost = sum(
        min(mission["capacity"], eligible_target[index]) * mission["subsidy_eur"]
        for index, mission in enumerate(mission_docs)
    )
    budget = 500 * round(fillable_cost * rng.uniform(0.5, 0.6) / 500)
    # Even a tiny round can subsidise at least one place.
    largest = max(
        (m["subsidy_eur"] for i, m in enumerate(mission_docs) if eligible_target[i]), default=0
    )
    budget = max(budget, largest)

    return {
        "format": facts.SCENARIO_FORMAT,
        "name": f"Synthetische ronde Noord-Nederland voorjaar 2027 (seed {seed})",
        "description": (
            f"Synthetic spring 2027 round, seed {seed}: {firm_count} firms from Fryslân, "
            f"Groningen and Drenthe apply to {mission_count} trade missions, fair pavilions "
            "and national branch delegations to the note's focus countries. Places are "
            "scarce, Drenthe gets intensive support and the subsidy budget binds."
        ),
        "round": {
            "id": f"2027-spring-synthetic-{seed}",
            "max_places_per_firm": 1,
            "budget_eur": budget,
        },
        "regions": [dict(region) for region in facts.REGIONS],
        "sectors": [dict(sector) for sector in facts.SECTORS],
        "missions": mission_docs,
        "firms": firm_docs,
        "applications": applications,
        "locked": [],
        "weights": {},
    }
