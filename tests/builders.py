"""Tiny builders of scenario dicts, so each test states only what it is about."""

from __future__ import annotations

import zlib
from typing import Any

# Regions without priority and sectors with two focus and two non-focus codes: with the
# default weights a rank-1 first-timer scores 1000 + 100 + 50 = 1150 everywhere.
REGIONS = [
    {"code": "FR", "name": "Fryslân"},
    {"code": "GR", "name": "Groningen"},
    {"code": "DR", "name": "Drenthe"},
]
SECTORS = [
    {"code": "water", "name": "Watertechnologie", "focus": True},
    {"code": "energy", "name": "Energie", "focus": True},
    {"code": "metal", "name": "Metaal", "focus": False},
    {"code": "logistics", "name": "Transport en logistiek", "focus": False},
]


def case(
    id: str = "BC1",
    *,
    country: str = "DE",
    sector: str = "water",
    evidence: str = "none",
    verified: bool = True,
    **extra: Any,
) -> dict:
    """A business case; verified, for Germany, with no evidence points by default."""
    return {
        "id": id,
        "country": country,
        "sector": sector,
        "summary": f"case {id}",
        "evidence": evidence,
        "verified": verified,
        **extra,
    }


def firm(
    id: str = "F1",
    *,
    region: str = "GR",
    sector: str = "water",
    employees: int = 20,
    history: int = 0,
    ready: bool = True,
    cases: list[dict] | None = None,
    **extra: Any,
) -> dict:
    """A target-group first-timer in Groningen, ready for a business mission."""
    document = {
        "id": id,
        "kvk": f"{zlib.crc32(id.encode()) % 10**8:08d}",
        "name": f"Firm {id} BV",
        "region": region,
        "sector": sector,
        "employees": employees,
        "readiness": {"strategy": ready, "organisation": ready, "finance": ready},
        "missions_last_3_years": history,
    }
    if cases is not None:
        document["business_cases"] = cases
    document.update(extra)
    return document


def mission(
    id: str = "M1",
    *,
    kind: str = "promotional",
    country: str = "DE",
    start: str = "2026-05-11",
    end: str | None = None,
    capacity: int = 10,
    **extra: Any,
) -> dict:
    """A promotional trade mission to Germany (one day unless `end` is given)."""
    return {
        "id": id,
        "title": f"Mission {id}",
        "kind": kind,
        "format": "trade_mission",
        "scope": "regional",
        "organiser": "KvK Noord",
        "country": country,
        "start": start,
        "end": end or start,
        "capacity": capacity,
        **extra,
    }


def application(
    firm: str = "F1",
    mission: str = "M1",
    rank: int = 1,
    business_case: str | None = None,
    **extra: Any,
) -> dict:
    document = {"firm": firm, "mission": mission, "rank": rank, **extra}
    if business_case is not None:
        document["business_case"] = business_case
    return document


def round_doc(
    *,
    missions: list[dict] | None = None,
    firms: list[dict] | None = None,
    applications: list[dict] | None = None,
    locked: list[tuple[str, str]] | None = None,
    weights: dict | None = None,
    max_places_per_firm: int | None = None,
    budget_eur: int | None = None,
    regions: list[dict] | None = None,
    sectors: list[dict] | None = None,
    name: str = "test round",
) -> dict:
    """A whole scenario; by default one mission M1, one firm F1 and its rank-1 application."""
    round_settings: dict[str, Any] = {"id": "R1"}
    if max_places_per_firm is not None:
        round_settings["max_places_per_firm"] = max_places_per_firm
    if budget_eur is not None:
        round_settings["budget_eur"] = budget_eur
    document: dict[str, Any] = {
        "format": "matchmaker-scenario/1",
        "name": name,
        "round": round_settings,
        "regions": [dict(r) for r in (regions or REGIONS)],
        "sectors": [dict(s) for s in (sectors or SECTORS)],
        "missions": missions if missions is not None else [mission()],
        "firms": firms if firms is not None else [firm()],
        "applications": applications if applications is not None else [application()],
    }
    if locked is not None:
        document["locked"] = [{"firm": f, "mission": m} for f, m in locked]
    if weights is not None:
        document["weights"] = weights
    return document


def applicants(*firm_ids: str, mission: str = "M1", rank: int = 1) -> list[dict]:
    """The same-rank application of each firm to one mission."""
    return [application(f, mission, rank) for f in firm_ids]


def pairs(result: dict) -> set[tuple[str, str]]:
    """The placements of a result as (firm, mission) pairs."""
    return {(p["firm"], p["mission"]) for p in result["placements"]}


def reasons(result: dict) -> dict[tuple[str, str], str]:
    """The reason of every unplaced application, keyed by (firm, mission)."""
    return {(u["firm"], u["mission"]): u["reason"] for u in result["unplaced"]}


def details(result: dict) -> dict[tuple[str, str], str]:
    return {(u["firm"], u["mission"]): u["detail"] for u in result["unplaced"]}


def mission_row(result: dict, mission_id: str) -> dict:
    return next(row for row in result["missions"] if row["id"] == mission_id)
