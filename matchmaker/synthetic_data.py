"""The facts synthetic rounds are drawn from: the regions, sectors, countries, fairs,
organisers and names of the Northern Netherlands' export programme (policy note, 2013)."""

from __future__ import annotations

from datetime import date
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
