"""Reading a scenario's firms with their business cases, its applications and locked pairs."""

from __future__ import annotations

from typing import Any

from matchmaker.optimisation.scenario_checks import KVK, ScenarioChecker, is_code, shown
from matchmaker.optimisation.scenario_types import (
    EVIDENCE_LEVELS,
    Application,
    BusinessCase,
    Firm,
    LockedPair,
    Readiness,
)


def parse_firm(
    check: ScenarioChecker, value: Any, path: str, region_codes: set[str], sector_codes: set[str]
) -> Firm | None:
    before = len(check.problems)
    raw = check.obj(
        value,
        path,
        required=("id", "kvk", "name", "region", "sector", "employees"),
        optional=("readiness", "missions_last_3_years", "exports_to", "business_cases"),
    )
    if raw is None:
        return None
    firm_id = check.string(raw["id"], f"{path}.id") if "id" in raw else None
    name = check.string(raw["name"], f"{path}.name") if "name" in raw else None
    kvk = raw.get("kvk")
    if "kvk" in raw and not (isinstance(kvk, str) and KVK.fullmatch(kvk)):
        check.fail(f"{path}.kvk", f"{shown(kvk)} is not exactly 8 digits")
    if "region" in raw and not is_code(raw["region"], region_codes):
        check.fail(f"{path}.region", f"{shown(raw['region'])} is not a known region")
    if "sector" in raw and not is_code(raw["sector"], sector_codes):
        check.fail(f"{path}.sector", f"{shown(raw['sector'])} is not a known sector")
    employees = (
        check.integer(raw["employees"], f"{path}.employees", minimum=0)
        if "employees" in raw
        else None
    )
    readiness = _parse_readiness(check, raw.get("readiness", {}), f"{path}.readiness")
    history = check.integer(
        raw.get("missions_last_3_years", 0), f"{path}.missions_last_3_years", minimum=0
    )
    exports_to = []
    for index, code in enumerate(check.array(raw.get("exports_to", []), f"{path}.exports_to")):
        if check.country(code, f"{path}.exports_to[{index}]"):
            exports_to.append(code)
    raw_cases = check.array(raw.get("business_cases", []), f"{path}.business_cases")
    check.unique_ids(raw_cases, f"{path}.business_cases")
    cases = []
    for index, item in enumerate(raw_cases):
        case = _parse_case(check, item, f"{path}.business_cases[{index}]", sector_codes)
        if case is not None:
            cases.append(case)
    if len(check.problems) > before:
        return None
    return Firm(
        id=firm_id,
        kvk=kvk,
        name=name,
        region=raw["region"],
        sector=raw["sector"],
        employees=employees,
        readiness=readiness,
        missions_last_3_years=history,
        exports_to=tuple(exports_to),
        business_cases=tuple(cases),
    )


def _parse_readiness(check: ScenarioChecker, value: Any, path: str) -> Readiness | None:
    keys = ("strategy", "organisation", "finance")
    raw = check.obj(value, path, required=(), optional=keys)
    if raw is None:
        return None
    flags = {k: check.boolean(raw[k], f"{path}.{k}") for k in keys if k in raw}
    return Readiness(**{k: bool(v) for k, v in flags.items()})


def _parse_case(
    check: ScenarioChecker, value: Any, path: str, sector_codes: set[str]
) -> BusinessCase | None:
    before = len(check.problems)
    raw = check.obj(
        value,
        path,
        required=("id", "country", "sector", "summary", "evidence", "verified"),
        optional=(),
    )
    if raw is None:
        return None
    case_id = check.string(raw["id"], f"{path}.id") if "id" in raw else None
    country = check.country(raw["country"], f"{path}.country") if "country" in raw else None
    if "sector" in raw and not is_code(raw["sector"], sector_codes):
        check.fail(f"{path}.sector", f"{shown(raw['sector'])} is not a known sector")
    summary = (
        check.string(raw["summary"], f"{path}.summary", allow_empty=True)
        if "summary" in raw
        else None
    )
    evidence = (
        check.choice(raw["evidence"], f"{path}.evidence", EVIDENCE_LEVELS)
        if "evidence" in raw
        else None
    )
    verified = check.boolean(raw["verified"], f"{path}.verified") if "verified" in raw else None
    if len(check.problems) > before:
        return None
    return BusinessCase(
        id=case_id,
        country=country,
        sector=raw["sector"],
        summary=summary,
        evidence=evidence,
        verified=verified,
    )


def parse_applications(
    check: ScenarioChecker,
    value: Any,
    firm_by_id: dict[str, Firm],
    mission_ids: set[str],
    *,
    broken_firms: set[str],
    broken_missions: set[str],
) -> list[Application]:
    applications = []
    ranks_seen: dict[tuple[str, int], int] = {}
    pairs_seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(check.array(value, "applications")):
        path = f"applications[{index}]"
        before = len(check.problems)
        raw = check.obj(
            item, path, required=("firm", "mission", "rank"), optional=("business_case",)
        )
        if raw is None:
            continue
        firm = firm_by_id.get(raw.get("firm")) if isinstance(raw.get("firm"), str) else None
        mission_id = raw.get("mission")
        if is_code(raw.get("firm"), broken_firms) or is_code(mission_id, broken_missions):
            continue  # the firm or mission itself is reported already
        if "firm" in raw and firm is None:
            check.fail(f"{path}.firm", f"{shown(raw['firm'])} is not a known firm")
        if "mission" in raw and (not isinstance(mission_id, str) or mission_id not in mission_ids):
            check.fail(f"{path}.mission", f"{shown(mission_id)} is not a known mission")
        rank = check.integer(raw["rank"], f"{path}.rank", minimum=1) if "rank" in raw else None
        case_id = raw.get("business_case")
        if case_id is not None and firm is not None and firm.case(case_id) is None:
            check.fail(
                f"{path}.business_case",
                f"{shown(case_id)} is not a business case of firm {firm.id}",
            )
        if len(check.problems) > before:
            continue
        if (firm.id, rank) in ranks_seen:
            check.fail(
                f"{path}.rank",
                f"rank {rank} is already used by firm {firm.id} in "
                f"applications[{ranks_seen[(firm.id, rank)]}]",
            )
            continue
        if (firm.id, mission_id) in pairs_seen:
            check.fail(
                path,
                f"firm {firm.id} already applied to {mission_id} in "
                f"applications[{pairs_seen[(firm.id, mission_id)]}]",
            )
            continue
        ranks_seen[(firm.id, rank)] = index
        pairs_seen[(firm.id, mission_id)] = index
        applications.append(
            Application(firm=firm.id, mission=mission_id, rank=rank, business_case=case_id)
        )
    return applications


def parse_locked(
    check: ScenarioChecker,
    value: Any,
    applications: list[Application],
    declared: set[tuple[str, str]],
) -> list[LockedPair]:
    pairs = {(a.firm, a.mission) for a in applications}
    locked: list[LockedPair] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(check.array(value, "locked")):
        path = f"locked[{index}]"
        raw = check.obj(item, path, required=("firm", "mission"), optional=())
        if raw is None or "firm" not in raw or "mission" not in raw:
            continue
        pair = (raw["firm"], raw["mission"])
        if pair in declared and pair not in pairs:
            continue  # its application is reported already
        if not all(isinstance(x, str) for x in pair) or pair not in pairs:
            check.fail(path, f"{shown(raw['firm'])} has no application to {shown(raw['mission'])}")
        elif pair in seen:
            check.fail(path, f"{pair[0]} on {pair[1]} is locked twice")
        else:
            seen.add(pair)
            locked.append(LockedPair(firm=pair[0], mission=pair[1]))
    return locked
