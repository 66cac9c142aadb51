"""Synthetic, seeded matching rounds with the regions, sectors and countries of the policy note."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

SCENARIO_FORMAT = "matchmaker-scenario/1"

SEASON_START = date(2027, 3, 1)
SEASON_END = date(2027, 6, 30)

# Drenthe is flagged for intensive support ("intensiever waar het moet").
REGIONS: list[dict[str, Any]] = [
    {"code": "FR", "name": "Fryslân", "priority": 10},
    {"code": "GR", "name": "Groningen", "priority": 0},
    {"code": "DR", "name": "Drenthe", "priority": 20},
]
REGION_CODES = [region["code"] for region in REGIONS]
REGION_WEIGHTS = [34, 40, 26]

# (code, Dutch name, focus, English label for titles, share of firms)
_SECTOR_TABLE: list[tuple[str, str, bool, str, int]] = [
    ("agrifood", "Agribusiness en food", True, "Agrifood", 12),
    ("healthy_ageing", "Healthy ageing", True, "Healthy ageing", 5),
    ("energy", "Energie", True, "Energy", 8),
    ("sensors", "Sensortechnologie", True, "Sensor technology", 5),
    ("water", "Watertechnologie", True, "Water", 6),
    ("metal", "Metaal en maakindustrie", False, "Metal", 14),
    ("wholesale", "Groothandel", False, "Wholesale", 12),
    ("logistics", "Transport en logistiek", False, "Logistics", 9),
    ("business_services", "Zakelijke dienstverlening", False, "Business services", 10),
    ("ict", "ICT", False, "ICT", 7),
    ("construction", "Bouw", False, "Construction", 6),
    ("chemistry", "Chemie en kunststoffen", False, "Chemistry", 6),
]
SECTORS: list[dict[str, Any]] = [
    {"code": code, "name": name, "focus": focus} for code, name, focus, _, _ in _SECTOR_TABLE
]
SECTOR_CODES = [row[0] for row in _SECTOR_TABLE]
SECTOR_WEIGHTS = [row[4] for row in _SECTOR_TABLE]
SECTOR_LABEL = {row[0]: row[3] for row in _SECTOR_TABLE}
FOCUS_SECTORS = [row[0] for row in _SECTOR_TABLE if row[2]]
NON_FOCUS_SECTORS = [row[0] for row in _SECTOR_TABLE if not row[2]]

# The note's focus countries: Northern Germany, Scandinavia, the Baltic states, Poland,
# Russia; also Brazil, India, China, Turkey, the United Kingdom and Belgium.
# (code, English name, adjective, cities, weight as a mission destination)
_COUNTRY_TABLE: list[tuple[str, str, str, list[str], int]] = [
    ("DE", "Germany", "German", ["Hamburg", "Bremen", "Hanover", "Oldenburg", "Kiel"], 24),
    ("DK", "Denmark", "Danish", ["Copenhagen", "Aarhus", "Esbjerg", "Odense"], 9),
    ("SE", "Sweden", "Swedish", ["Stockholm", "Gothenburg", "Malmö"], 7),
    ("NO", "Norway", "Norwegian", ["Oslo", "Bergen", "Stavanger"], 6),
    ("FI", "Finland", "Finnish", ["Helsinki", "Turku", "Tampere"], 4),
    ("EE", "Estonia", "Estonian", ["Tallinn", "Tartu"], 3),
    ("LV", "Latvia", "Latvian", ["Riga"], 3),
    ("LT", "Lithuania", "Lithuanian", ["Vilnius", "Klaipėda", "Kaunas"], 3),
    ("PL", "Poland", "Polish", ["Gdańsk", "Szczecin", "Poznań", "Warsaw"], 7),
    ("RU", "Russia", "Russian", ["Saint Petersburg", "Kaliningrad", "Moscow"], 1),
    ("BR", "Brazil", "Brazilian", ["São Paulo", "Curitiba"], 3),
    ("IN", "India", "Indian", ["Mumbai", "Pune", "Bengaluru"], 4),
    ("CN", "China", "Chinese", ["Shanghai", "Qingdao", "Beijing"], 4),
    ("TR", "Turkey", "Turkish", ["Istanbul", "Izmir"], 3),
    ("GB", "United Kingdom", "British", ["London", "Aberdeen", "Hull", "Manchester"], 7),
    ("BE", "Belgium", "Belgian", ["Antwerp", "Ghent", "Brussels"], 6),
]
COUNTRY_CODES = [row[0] for row in _COUNTRY_TABLE]
COUNTRY_WEIGHTS = [row[4] for row in _COUNTRY_TABLE]
COUNTRY_NAME = {row[0]: row[1] for row in _COUNTRY_TABLE}
COUNTRY_ADJECTIVE = {row[0]: row[2] for row in _COUNTRY_TABLE}
COUNTRY_CITIES = {row[0]: row[3] for row in _COUNTRY_TABLE}
NEAR_COUNTRIES = {"DE", "BE", "DK", "GB"}
FAR_COUNTRIES = {"RU", "BR", "IN", "CN", "TR"}
# Markets firms already sell to, beyond the focus list (exports_to is insight only).
OTHER_EXPORT_MARKETS = ["FR", "AT", "CH", "IT", "ES", "US"]

# Destinations where a sector's missions usually go.
SECTOR_COUNTRIES: dict[str, list[str]] = {
    "agrifood": ["DE", "PL", "RU", "CN", "BR", "LT", "LV"],
    "healthy_ageing": ["DK", "SE", "GB", "DE"],
    "energy": ["DK", "NO", "GB", "DE", "PL"],
    "sensors": ["DE", "DK", "SE", "FI"],
    "water": ["DE", "IN", "CN", "TR", "PL"],
    "metal": ["DE", "NO", "SE", "PL", "BE"],
    "wholesale": ["DE", "BE", "GB", "PL"],
    "logistics": ["DE", "PL", "LT", "EE", "BE"],
    "business_services": ["DE", "GB", "BE", "DK"],
    "ict": ["DE", "EE", "FI", "GB", "IN"],
    "construction": ["DE", "NO", "SE", "BE"],
    "chemistry": ["DE", "BE", "TR", "CN"],
}

# (fair, city, country, sectors)
FAIRS: list[tuple[str, str, str, list[str]]] = [
    ("Anuga", "Cologne", "DE", ["agrifood"]),
    ("SMM", "Hamburg", "DE", ["water", "metal", "energy"]),
    ("WindEnergy Hamburg", "Hamburg", "DE", ["energy"]),
    ("Hannover Messe", "Hanover", "DE", ["metal", "sensors", "energy"]),
    ("Agritechnica", "Hanover", "DE", ["agrifood", "metal"]),
    ("IFAT", "Munich", "DE", ["water"]),
    ("MEDICA", "Düsseldorf", "DE", ["healthy_ageing"]),
    ("Sensor+Test", "Nuremberg", "DE", ["sensors"]),
    ("transport logistic", "Munich", "DE", ["logistics"]),
    ("it-sa", "Nuremberg", "DE", ["ict"]),
    ("bauma", "Munich", "DE", ["construction", "metal"]),
    ("K", "Düsseldorf", "DE", ["chemistry"]),
    ("HI Industri", "Herning", "DK", ["metal", "sensors"]),
    ("Foodexpo", "Herning", "DK", ["agrifood"]),
    ("Aqua Nor", "Trondheim", "NO", ["agrifood", "water"]),
    ("ONS", "Stavanger", "NO", ["energy"]),
    ("Nor-Shipping", "Oslo", "NO", ["metal", "logistics"]),
    ("Elmia Subcontractor", "Jönköping", "SE", ["metal", "chemistry"]),
    ("Vitalis", "Gothenburg", "SE", ["healthy_ageing", "ict"]),
    ("Alihankinta", "Tampere", "FI", ["metal"]),
    ("Balttechnika", "Vilnius", "LT", ["metal", "energy"]),
    ("Riga Food", "Riga", "LV", ["agrifood"]),
    ("Polagra Food", "Poznań", "PL", ["agrifood"]),
    ("WorldFood Moscow", "Moscow", "RU", ["agrifood"]),
    ("Agrishow", "Ribeirão Preto", "BR", ["agrifood", "metal"]),
    ("IFAT India", "Mumbai", "IN", ["water"]),
    ("SIAL China", "Shanghai", "CN", ["agrifood"]),
    ("Plast Eurasia", "Istanbul", "TR", ["chemistry"]),
    ("Offshore Europe", "Aberdeen", "GB", ["energy", "metal"]),
    ("Food & Drink Expo", "Birmingham", "GB", ["agrifood"]),
    ("Batibouw", "Brussels", "BE", ["construction"]),
]

RVO = "Holland Trade and Invest (RVO)"

# National branch organisations and the sectors their delegations are for.
BRANCH_ORGANISATIONS: list[tuple[str, list[str]]] = [
    ("FME", ["metal", "sensors", "energy"]),
    ("Koninklijke Metaalunie", ["metal"]),
    ("Netherlands Water Partnership", ["water"]),
    (RVO, []),
    ("FNLI", ["agrifood"]),
    ("evofenedex", ["logistics", "wholesale"]),
    ("NLdigital", ["ict"]),
    ("Health~Holland", ["healthy_ageing"]),
    ("Holland Home of Wind Energy", ["energy"]),
    ("Bouwend Nederland", ["construction"]),
    ("VNCI", ["chemistry"]),
    ("Netherlands Maritime Technology", ["metal", "logistics"]),
    ("FHI", ["sensors", "ict"]),
]

# Delegation titles where the first sector's label would mislead.
BRANCH_LABELS = {"Netherlands Maritime Technology": "Maritime", "evofenedex": "Trade and logistics"}

GENERAL_ORGANISERS = [
    "KvK Noord-Nederland",
    "Exportclub Drenthe",
    "Exportclub Groningen",
    "Exportclub Friesland",
]
SECTOR_ORGANISERS = {
    "water": "Water Alliance",
    "energy": "Energy Valley",
    "healthy_ageing": "HANNN",
}
PROMOTIONAL_ORGANISERS = [
    "SNN",
    "KvK Noord-Nederland",
    "Provincie Groningen",
    "Provincie Fryslân",
    "Provincie Drenthe",
]

PLACES = {
    "FR": ["Leeuwarden", "Drachten", "Heerenveen", "Sneek", "Harlingen", "Franeker", "Joure"],
    "GR": ["Groningen", "Veendam", "Hoogezand", "Winschoten", "Delfzijl", "Stadskanaal", "Leek"],
    "DR": ["Assen", "Emmen", "Hoogeveen", "Meppel", "Coevorden", "Roden", "Beilen"],
}
SURNAMES = {
    "FR": [
        "Hoekstra",
        "Dijkstra",
        "Bosma",
        "Wiersma",
        "Zijlstra",
        "Postma",
        "Hofstra",
        "Bouma",
        "Sikkema",
        "Jansma",
        "de Vries",
        "Visser",
        "Terpstra",
        "Kingma",
    ],
    "GR": [
        "Huizinga",
        "Wieringa",
        "Oosterhuis",
        "Smit",
        "Mulder",
        "Kuiper",
        "Meijer",
        "Jager",
        "Bakker",
        "Boer",
        "Hazenberg",
        "Ritsema",
        "Tammenga",
        "Dijkhuis",
    ],
    "DR": [
        "Hulshof",
        "Lubbers",
        "Kamphuis",
        "Wolters",
        "Schutte",
        "Lanting",
        "Mensink",
        "Eising",
        "Hofman",
        "Brouwer",
        "Snijders",
        "Nijboer",
        "Kremer",
        "Drenth",
    ],
}
BRANDS = [
    "Noord",
    "Noorder",
    "Wad",
    "Hanze",
    "Lauwers",
    "Eems",
    "Hunze",
    "Dollard",
    "Friso",
    "Waddenzee",
    "Esker",
    "Fivel",
    "Reitdiep",
    "Drentsche",
    "Nordic",
    "Borg",
]
SECTOR_WORDS = {
    "agrifood": ["Zuivel", "Pootgoed", "Agro", "Foods", "Vleeswaren", "Aardappelhandel"],
    "healthy_ageing": ["Zorgtechniek", "Medical", "Care Solutions", "Revalidatietechniek"],
    "energy": ["Energietechniek", "Warmtepompen", "Windservice", "Waterstof", "Solar"],
    "sensors": ["Sensortechniek", "Meettechniek", "Sensing", "Instruments"],
    "water": ["Watertechniek", "Membraantechniek", "Waterzuivering", "Aqua", "Pomptechniek"],
    "metal": ["Metaalbewerking", "Staalbouw", "Machinebouw", "Plaatwerk", "Constructie"],
    "wholesale": ["Groothandel", "Trading", "Import-Export", "Handelsonderneming"],
    "logistics": ["Transport", "Logistiek", "Expeditie", "Koeltransport"],
    "business_services": ["Advies", "Engineering", "Vertaalbureau", "Ontwerpbureau"],
    "ict": ["Software", "IT Solutions", "Data", "Systems"],
    "construction": ["Bouw", "Aannemersbedrijf", "Prefab", "Houtbouw"],
    "chemistry": ["Kunststoffen", "Coatings", "Chemie", "Composites"],
}
# Business case summaries; {city} and {adj} are the case's destination.
CASE_SUMMARIES = {
    "agrifood": [
        "seed potatoes for {adj} growers",
        "organic dairy ingredients for a {city} distributor",
        "private-label cheese for a {city} retail chain",
    ],
    "healthy_ageing": [
        "fall-detection sensors for care homes in {city}",
        "home rehabilitation kit for {adj} municipalities",
        "telecare platform pilot with a {city} hospital",
    ],
    "energy": [
        "heat pump modules for district heating in {city}",
        "service contract for offshore wind farms near {city}",
        "electrolyser components for a {adj} hydrogen project",
    ],
    "sensors": [
        "soil moisture sensors for {adj} arable farms",
        "vibration monitoring for {city} port cranes",
        "air quality sensor network for {city}",
    ],
    "water": [
        "membrane units for {city} port utilities",
        "water reuse installation for a {adj} dairy plant",
        "leak detection for the {city} drinking-water company",
    ],
    "metal": [
        "laser-cut steel parts for a {city} shipyard",
        "custom conveyor systems for {adj} food processors",
        "welded frames for a {city} crane builder",
    ],
    "wholesale": [
        "distribution of garden products via a {city} wholesaler",
        "technical supplies for {adj} installers",
    ],
    "logistics": [
        "cold-chain transport lane Groningen–{city}",
        "weekly groupage service to {city}",
    ],
    "business_services": [
        "engineering support for {city} infrastructure projects",
        "export documentation service for {adj} importers",
    ],
    "ict": [
        "SaaS planning software for {adj} logistics firms",
        "IoT dashboard for {city} facility managers",
    ],
    "construction": [
        "prefab timber housing units for {city}",
        "renovation of harbour buildings in {city}",
    ],
    "chemistry": [
        "recycled plastic granulate for a {city} packaging maker",
        "bio-based coatings for {adj} boat builders",
    ],
}
EVIDENCE = ["none", "leads", "letter_of_intent", "order"]
EVIDENCE_WEIGHTS = [15, 35, 30, 20]
HANZE_COUNTRIES = {"DE", "DK", "SE", "NO", "FI", "EE", "LV", "LT", "PL", "RU"}


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


_REGION_DRAW = _Weighted(REGION_CODES, REGION_WEIGHTS)
_SECTOR_DRAW = _Weighted(SECTOR_CODES, SECTOR_WEIGHTS)
_COUNTRY_DRAW = _Weighted(COUNTRY_CODES, COUNTRY_WEIGHTS)
_EVIDENCE_DRAW = _Weighted(EVIDENCE, EVIDENCE_WEIGHTS)
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
    season_days = (SEASON_END - SEASON_START).days
    for _ in range(count):
        draw = rng.random()
        if draw < 0.5:
            fmt = "trade_mission"
        elif draw < 0.75:
            fmt = "trade_fair"
        else:
            fmt = "branch_delegation"

        if fmt == "trade_fair":
            fair, city, country, fair_sectors = rng.choice(FAIRS)
            kind = "promotional" if rng.random() < 0.45 else "business"
            national = rng.random() < 0.3
            scope = "national" if national else "regional"
            if national:
                organiser = RVO
            elif len(fair_sectors) == 1 and fair_sectors[0] in SECTOR_ORGANISERS:
                organiser = SECTOR_ORGANISERS[fair_sectors[0]]
            else:
                organiser = rng.choice(GENERAL_ORGANISERS)
            sectors = list(fair_sectors)
            if kind == "promotional" and rng.random() < 0.5:
                sectors = []
            pavilion = "Holland pavilion" if national else "Noord-Nederland pavilion"
            title = f"{pavilion} at {fair}, {city}"
            length = rng.randint(3, 5)
        elif fmt == "branch_delegation":
            organiser, org_sectors = rng.choice(BRANCH_ORGANISATIONS)
            kind = "business" if rng.random() < 0.8 else "promotional"
            scope = "national"
            if org_sectors:
                sectors = rng.sample(org_sectors, rng.randint(1, len(org_sectors)))
                sectors.sort(key=SECTOR_CODES.index)
                preferred = SECTOR_COUNTRIES[sectors[0]]
            else:
                sectors = [] if rng.random() < 0.5 else [rng.choice(SECTOR_CODES)]
                preferred = COUNTRY_CODES
            country = rng.choice(preferred) if rng.random() < 0.6 else _country(rng)
            city = rng.choice(COUNTRY_CITIES[country])
            label = BRANCH_LABELS.get(organiser) or (
                SECTOR_LABEL[sectors[0]] if sectors else "Multi-sector"
            )
            title = f"{label} delegation {COUNTRY_NAME[country]}"
            length = rng.randint(3, 6)
        else:
            kind = "business" if rng.random() < 0.6 else "promotional"
            if kind == "business":
                main = _SECTOR_DRAW.draw(rng)
                sectors = [main]
                if rng.random() < 0.3:
                    other = rng.choice(SECTOR_CODES)
                    if other != main:
                        sectors.append(other)
                if rng.random() < 0.1:
                    sectors = []
                country = (
                    rng.choice(SECTOR_COUNTRIES[main]) if rng.random() < 0.65 else _country(rng)
                )
                city = rng.choice(COUNTRY_CITIES[country])
                if rng.random() < 0.1:
                    scope, organiser = "national", RVO
                else:
                    scope = "regional"
                    organiser = SECTOR_ORGANISERS.get(main) or rng.choice(GENERAL_ORGANISERS)
                label = SECTOR_LABEL[main] if sectors else "Multi-sector"
                title = f"{label} business mission {city}"
                length = rng.randint(2, 4)
            else:
                # Promotional: the region's top sectors, others in the slipstream.
                country = _country(rng)
                city = rng.choice(COUNTRY_CITIES[country])
                if rng.random() < 0.6:
                    sectors = []
                else:
                    sectors = rng.sample(FOCUS_SECTORS, rng.randint(2, 4))
                    sectors += rng.sample(NON_FOCUS_SECTORS, rng.randint(1, 3))
                    sectors.sort(key=SECTOR_CODES.index)
                if rng.random() < 0.15:
                    scope, organiser = "national", RVO
                    title = f"Dutch economic mission {COUNTRY_NAME[country]}"
                else:
                    scope = "regional"
                    organiser = rng.choice(PROMOTIONAL_ORGANISERS)
                    titles = [
                        f"Noord-Nederland economic mission {city}",
                        f"Top sectors promotion mission {city}",
                    ]
                    if country in HANZE_COUNTRIES:
                        titles.append(f"Hanze corridor promotion mission {city}")
                    title = rng.choice(titles)
                length = rng.randint(1, 4)

        start = SEASON_START + timedelta(days=rng.randint(0, season_days - (length - 1)))
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
            any(s in FOCUS_SECTORS for s in sectors)
            and any(s in NON_FOCUS_SECTORS for s in sectors)
        )
        if draft["kind"] == "promotional" and open_to_others and rng.random() < 0.75:
            slipstream_max = rng.randint(1, max(1, capacity // 3))
        sector_max = None
        if len(sectors) != 1 and rng.random() < 0.3:
            sector_max = rng.randint(max(1, capacity // 4), max(1, capacity // 2))
        region_min: dict[str, int] = {}
        if draft["scope"] == "regional" and rng.random() < 0.35:
            for code in REGION_CODES:
                if rng.random() < 0.6:
                    region_min[code] = min(capacity, rng.randint(1, 2))
        country = draft["country"]
        if rng.random() < 0.1:
            subsidy = 0
        elif country in NEAR_COUNTRIES:
            subsidy = _step_250(rng, 500, 2500)
        elif country in FAR_COUNTRIES:
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
    word = _pick(rng, SECTOR_WORDS[sector])
    pattern = rng.random()
    if pattern < 0.35:
        stem = f"{_pick(rng, SURNAMES[region])} {word}"
    elif pattern < 0.55:
        stem = f"{_pick(rng, PLACES[region])} {word}"
    elif pattern < 0.75:
        stem = f"{_pick(rng, BRANDS)} {word}"
    elif pattern < 0.88:
        stem = f"Gebr. {_pick(rng, SURNAMES[region])} {word}"
    else:
        stem = f"{word} {_pick(rng, BRANDS)}"
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
    case_sector = sector if rng.random() < 0.9 else _pick(rng, SECTOR_CODES)
    summary = _pick(rng, CASE_SUMMARIES[case_sector]).format(
        city=_pick(rng, COUNTRY_CITIES[country]), adj=COUNTRY_ADJECTIVE[country]
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
    by_sector: dict[str, list[int]] = {sector: [] for sector in SECTOR_CODES}
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
                name = f"{stem} {rng.choice(PLACES[region])} {form}"
        used_names.add(name)

        strategy = rand() < 0.78
        organisation = (strategy and rand() < 0.8) or rand() < 0.1
        finance = rand() < (0.75 if organisation else 0.35)
        ready = strategy and organisation

        exports_to: list[str] = []
        for _ in range(_EXPORT_MARKET_COUNT.draw(rng)):
            market = _country(rng) if rand() < 0.8 else rng.choice(OTHER_EXPORT_MARKETS)
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
        "format": SCENARIO_FORMAT,
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
        "regions": [dict(region) for region in REGIONS],
        "sectors": [dict(sector) for sector in SECTORS],
        "missions": mission_docs,
        "firms": firm_docs,
        "applications": applications,
        "locked": [],
        "weights": {},
    }
