"""Reading a scenario document (format v1) into its typed shapes (scenario_types.py), every
problem named by its JSON path."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pycountry

from matchmaker import text as free_text
from matchmaker.optimisation import documents
from matchmaker.optimisation.checking import DocumentChecker
from matchmaker.optimisation.scenario_types import (
    DEFAULT_WEIGHTS as DEFAULT_WEIGHTS,
)
from matchmaker.optimisation.scenario_types import (
    EVIDENCE_LEVELS as EVIDENCE_LEVELS,
)
from matchmaker.optimisation.scenario_types import (
    FORMATS as FORMATS,
)
from matchmaker.optimisation.scenario_types import (
    KINDS as KINDS,
)
from matchmaker.optimisation.scenario_types import (
    MAX_INTEGER as MAX_INTEGER,
)
from matchmaker.optimisation.scenario_types import (  # the shapes parse_scenario makes
    SCENARIO_FORMAT as SCENARIO_FORMAT,
)
from matchmaker.optimisation.scenario_types import (
    SCOPES as SCOPES,
)
from matchmaker.optimisation.scenario_types import (
    Application as Application,
)
from matchmaker.optimisation.scenario_types import (
    BusinessCase as BusinessCase,
)
from matchmaker.optimisation.scenario_types import (
    Firm as Firm,
)
from matchmaker.optimisation.scenario_types import (
    LockedPair as LockedPair,
)
from matchmaker.optimisation.scenario_types import (
    Mission as Mission,
)
from matchmaker.optimisation.scenario_types import (
    Readiness as Readiness,
)
from matchmaker.optimisation.scenario_types import (
    Region as Region,
)
from matchmaker.optimisation.scenario_types import (
    RoundSettings as RoundSettings,
)
from matchmaker.optimisation.scenario_types import (
    Scenario as Scenario,
)
from matchmaker.optimisation.scenario_types import (
    ScenarioError as ScenarioError,
)
from matchmaker.optimisation.scenario_types import (
    Sector as Sector,
)
from matchmaker.optimisation.scenario_types import (
    Weights as Weights,
)

# --------------------------------------------------------------------------- loading


def load_document(path: str | Path) -> Any:
    """Read a scenario file (JSON, or YAML by extension) within the caps of
    matchmaker.optimisation.documents; an unreadable file is a ScenarioError."""
    try:
        return documents.read_file(path)
    except documents.DocumentError as exc:
        raise ScenarioError([f"{path}: {exc}"]) from None


# --------------------------------------------------------------------------- validation

_KVK = re.compile(r"[0-9]{8}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Checker(DocumentChecker):
    """Collects a scenario's problems while reading it field by field."""

    def string(self, value: Any, path: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"must be a string, got {_shown(value)}")
            return None
        if not allow_empty and not value.strip():
            self.fail(path, "must not be empty")
            return None
        reason = free_text.problem(value)
        if reason is not None:
            self.fail(path, reason)
            return None
        return value

    def integer(
        self, value: Any, path: str, *, minimum: int | None = None, nullable: bool = False
    ) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(
                path, f"must be an integer{' or null' if nullable else ''}, got {_shown(value)}"
            )
            return None
        if minimum is not None and value < minimum:
            self.fail(path, f"must be >= {minimum}, got {value}")
            return None
        if abs(value) > MAX_INTEGER:
            self.fail(path, f"must be at most {MAX_INTEGER:,} in size, got {value}")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, got {_shown(value)}")
            return None
        return value

    def choice(self, value: Any, path: str, options: Iterable[str]) -> str | None:
        options = tuple(options)
        if value not in options:
            self.fail(path, f"{_shown(value)} is not one of {', '.join(options)}")
            return None
        return value

    def date(self, value: Any, path: str) -> date | None:
        if isinstance(value, date) and not isinstance(value, datetime):  # YAML reads bare dates
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(path, f"{value if isinstance(value, str) else _shown(value)} is not a date")
        return None

    def country(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and _is_country(value):
            return value
        self.fail(path, f"{_shown(value)} is not an ISO 3166-1 alpha-2 country code")
        return None

    def unique_ids(self, items: list[dict | None], path: str, key: str = "id") -> None:
        seen: dict[Any, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get(key), str):
                continue
            ident = item[key]
            if ident in seen:
                self.fail(
                    f"{path}[{index}].{key}", f"{ident!r} is already used by {path}[{seen[ident]}]"
                )
            else:
                seen[ident] = index


@functools.cache
def _is_country(code: str) -> bool:
    """An upper-case ISO 3166-1 alpha-2 code of a country pycountry knows."""
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def _declared_ids(items: Any, key: str) -> set[str]:
    """Ids written in a list, valid or not: references to a broken item are not errors again."""
    if not isinstance(items, list):
        return set()
    return {i[key] for i in items if isinstance(i, dict) and isinstance(i.get(key), str)}


def _declared_pairs(items: Any) -> set[tuple[str, str]]:
    if not isinstance(items, list):
        return set()
    return {
        (i["firm"], i["mission"])
        for i in items
        if isinstance(i, dict)
        and isinstance(i.get("firm"), str)
        and isinstance(i.get("mission"), str)
    }


def _is_code(value: Any, codes: set[str]) -> bool:
    return isinstance(value, str) and value in codes


def _shown(value: Any) -> str:
    return _SHOWN.shown(value)


_SHOWN = DocumentChecker()


def parse_scenario(document: Any) -> Scenario:
    """Validate a scenario document and return typed objects, or raise ScenarioError."""
    check = _Checker()
    root = check.obj(
        document,
        "",
        required=(
            "format",
            "name",
            "round",
            "regions",
            "sectors",
            "missions",
            "firms",
            "applications",
        ),
        optional=("description", "locked", "weights"),
    )
    if root is None:
        raise ScenarioError([f"(document): must be a JSON object, got {_shown(document)}"])
    if "format" in root and root["format"] != SCENARIO_FORMAT:
        check.fail("format", f"{_shown(root['format'])} is not {SCENARIO_FORMAT!r}")
    name = check.string(root.get("name"), "name") if "name" in root else None
    description = None
    if root.get("description") is not None:
        description = check.string(root["description"], "description", allow_empty=True)

    round_settings = _parse_round(check, root.get("round")) if "round" in root else None
    regions = _parse_list(check, root, "regions", _parse_region)
    sectors = _parse_list(check, root, "sectors", _parse_sector)
    region_codes = {r.code for r in regions}
    sector_codes = {s.code for s in sectors}
    missions = _parse_list(
        check, root, "missions", lambda c, v, p: _parse_mission(c, v, p, region_codes, sector_codes)
    )
    firms = _parse_list(
        check, root, "firms", lambda c, v, p: _parse_firm(c, v, p, region_codes, sector_codes)
    )
    firm_by_id = {f.id: f for f in firms}
    mission_ids = {m.id for m in missions}
    applications = (
        _parse_applications(
            check,
            root.get("applications"),
            firm_by_id,
            mission_ids,
            broken_firms=_declared_ids(root.get("firms"), "id") - set(firm_by_id),
            broken_missions=_declared_ids(root.get("missions"), "id") - mission_ids,
        )
        if "applications" in root
        else []
    )
    locked = _parse_locked(
        check, root.get("locked", []), applications, _declared_pairs(root.get("applications"))
    )
    overrides = root.get("weights", {})
    weights = _parse_weights(check, overrides)

    if check.problems:
        raise ScenarioError(check.problems)
    assert round_settings is not None and name is not None and weights is not None
    return Scenario(
        name=name,
        description=description,
        round=round_settings,
        regions=tuple(regions),
        sectors=tuple(sectors),
        missions=tuple(missions),
        firms=tuple(firms),
        applications=tuple(applications),
        locked=tuple(locked),
        weights=weights,
        weight_overrides=overrides,
    )


def _parse_list(
    check: _Checker, root: dict, key: str, parse_item: Callable[[_Checker, Any, str], Any]
) -> list:
    if key not in root:
        return []
    raw = check.array(root[key], key)
    check.unique_ids(raw, key, key="code" if key in ("regions", "sectors") else "id")
    parsed = []
    for index, item in enumerate(raw):
        value = parse_item(check, item, f"{key}[{index}]")
        if value is not None:
            parsed.append(value)
    return parsed


def _parse_round(check: _Checker, value: Any) -> RoundSettings | None:
    before = len(check.problems)
    raw = check.obj(
        value, "round", required=("id",), optional=("max_places_per_firm", "budget_eur")
    )
    if raw is None:
        return None
    round_id = check.string(raw.get("id"), "round.id") if "id" in raw else None
    max_places = check.integer(
        raw.get("max_places_per_firm", 1), "round.max_places_per_firm", minimum=1
    )
    budget = check.integer(raw.get("budget_eur"), "round.budget_eur", minimum=0, nullable=True)
    if len(check.problems) > before:
        return None
    return RoundSettings(id=round_id, max_places_per_firm=max_places, budget_eur=budget)


def _parse_region(check: _Checker, value: Any, path: str) -> Region | None:
    before = len(check.problems)
    raw = check.obj(value, path, required=("code", "name"), optional=("priority",))
    if raw is None:
        return None
    code = check.string(raw.get("code"), f"{path}.code") if "code" in raw else None
    name = check.string(raw.get("name"), f"{path}.name") if "name" in raw else None
    priority = check.integer(raw.get("priority", 0), f"{path}.priority")
    if len(check.problems) > before:
        return None
    return Region(code=code, name=name, priority=priority)


def _parse_sector(check: _Checker, value: Any, path: str) -> Sector | None:
    before = len(check.problems)
    raw = check.obj(value, path, required=("code", "name", "focus"), optional=())
    if raw is None:
        return None
    code = check.string(raw.get("code"), f"{path}.code") if "code" in raw else None
    name = check.string(raw.get("name"), f"{path}.name") if "name" in raw else None
    focus = check.boolean(raw.get("focus"), f"{path}.focus") if "focus" in raw else None
    if len(check.problems) > before:
        return None
    return Sector(code=code, name=name, focus=focus)


_MISSION_REQUIRED = (
    "id",
    "title",
    "kind",
    "format",
    "scope",
    "organiser",
    "country",
    "start",
    "end",
    "capacity",
)
_MISSION_OPTIONAL = (
    "min_participants",
    "sectors",
    "slipstream_max",
    "sector_max",
    "region_min",
    "subsidy_eur",
)


def _parse_mission(
    check: _Checker, value: Any, path: str, region_codes: set[str], sector_codes: set[str]
) -> Mission | None:
    before = len(check.problems)
    raw = check.obj(value, path, required=_MISSION_REQUIRED, optional=_MISSION_OPTIONAL)
    if raw is None:
        return None
    present = {k for k in _MISSION_REQUIRED if k in raw}
    text = {
        k: check.string(raw[k], f"{path}.{k}") for k in ("id", "title", "organiser") if k in present
    }
    kind = check.choice(raw["kind"], f"{path}.kind", KINDS) if "kind" in present else None
    fmt = check.choice(raw["format"], f"{path}.format", FORMATS) if "format" in present else None
    scope = check.choice(raw["scope"], f"{path}.scope", SCOPES) if "scope" in present else None
    country = check.country(raw["country"], f"{path}.country") if "country" in present else None
    start = check.date(raw["start"], f"{path}.start") if "start" in present else None
    end = check.date(raw["end"], f"{path}.end") if "end" in present else None
    if start and end and start > end:
        check.fail(f"{path}.end", f"{end.isoformat()} is before start {start.isoformat()}")
    capacity = (
        check.integer(raw["capacity"], f"{path}.capacity", minimum=0)
        if "capacity" in present
        else None
    )
    min_participants = check.integer(
        raw.get("min_participants", 0), f"{path}.min_participants", minimum=0
    )
    if capacity is not None and min_participants is not None and min_participants > capacity:
        check.fail(
            f"{path}.min_participants", f"{min_participants} is more than the capacity {capacity}"
        )
    sectors: list[str] = []
    for index, code in enumerate(check.array(raw.get("sectors", []), f"{path}.sectors")):
        if not _is_code(code, sector_codes):
            check.fail(f"{path}.sectors[{index}]", f"{_shown(code)} is not a known sector")
        elif code in sectors:
            check.fail(f"{path}.sectors[{index}]", f"{code!r} is listed twice")
        else:
            sectors.append(code)
    slipstream_max = check.integer(
        raw.get("slipstream_max"), f"{path}.slipstream_max", minimum=0, nullable=True
    )
    sector_max = check.integer(
        raw.get("sector_max"), f"{path}.sector_max", minimum=0, nullable=True
    )
    region_min: dict[str, int] = {}
    raw_region_min = raw.get("region_min", {})
    if not isinstance(raw_region_min, dict):
        check.fail(f"{path}.region_min", f"must be an object, got {_shown(raw_region_min)}")
    else:
        for code, count in raw_region_min.items():
            if code not in region_codes:
                check.fail(f"{path}.region_min.{code}", "is not a known region")
                continue
            number = check.integer(count, f"{path}.region_min.{code}", minimum=0)
            if number is not None:
                region_min[code] = number
    subsidy = check.integer(raw.get("subsidy_eur", 0), f"{path}.subsidy_eur", minimum=0)
    if len(check.problems) > before:
        return None
    return Mission(
        id=text["id"],
        title=text["title"],
        kind=kind,
        format=fmt,
        scope=scope,
        organiser=text["organiser"],
        country=country,
        start=start,
        end=end,
        capacity=capacity,
        min_participants=min_participants,
        sectors=tuple(sectors),
        slipstream_max=slipstream_max,
        sector_max=sector_max,
        region_min=region_min,
        subsidy_eur=subsidy,
    )


def _parse_firm(
    check: _Checker, value: Any, path: str, region_codes: set[str], sector_codes: set[str]
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
    if "kvk" in raw and not (isinstance(kvk, str) and _KVK.fullmatch(kvk)):
        check.fail(f"{path}.kvk", f"{_shown(kvk)} is not exactly 8 digits")
    if "region" in raw and not _is_code(raw["region"], region_codes):
        check.fail(f"{path}.region", f"{_shown(raw['region'])} is not a known region")
    if "sector" in raw and not _is_code(raw["sector"], sector_codes):
        check.fail(f"{path}.sector", f"{_shown(raw['sector'])} is not a known sector")
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


def _parse_readiness(check: _Checker, value: Any, path: str) -> Readiness | None:
    keys = ("strategy", "organisation", "finance")
    raw = check.obj(value, path, required=(), optional=keys)
    if raw is None:
        return None
    flags = {k: check.boolean(raw[k], f"{path}.{k}") for k in keys if k in raw}
    return Readiness(**{k: bool(v) for k, v in flags.items()})


def _parse_case(
    check: _Checker, value: Any, path: str, sector_codes: set[str]
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
    if "sector" in raw and not _is_code(raw["sector"], sector_codes):
        check.fail(f"{path}.sector", f"{_shown(raw['sector'])} is not a known sector")
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


def _parse_applications(
    check: _Checker,
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
        if _is_code(raw.get("firm"), broken_firms) or _is_code(mission_id, broken_missions):
            continue  # the firm or mission itself is reported already
        if "firm" in raw and firm is None:
            check.fail(f"{path}.firm", f"{_shown(raw['firm'])} is not a known firm")
        if "mission" in raw and (not isinstance(mission_id, str) or mission_id not in mission_ids):
            check.fail(f"{path}.mission", f"{_shown(mission_id)} is not a known mission")
        rank = check.integer(raw["rank"], f"{path}.rank", minimum=1) if "rank" in raw else None
        case_id = raw.get("business_case")
        if case_id is not None and firm is not None and firm.case(case_id) is None:
            check.fail(
                f"{path}.business_case",
                f"{_shown(case_id)} is not a business case of firm {firm.id}",
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


def _parse_locked(
    check: _Checker, value: Any, applications: list[Application], declared: set[tuple[str, str]]
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
            check.fail(
                path, f"{_shown(raw['firm'])} has no application to {_shown(raw['mission'])}"
            )
        elif pair in seen:
            check.fail(path, f"{pair[0]} on {pair[1]} is locked twice")
        else:
            seen.add(pair)
            locked.append(LockedPair(firm=pair[0], mission=pair[1]))
    return locked


def _parse_weights(check: _Checker, value: Any) -> Weights | None:
    before = len(check.problems)
    raw = check.obj(value, "weights", required=(), optional=tuple(DEFAULT_WEIGHTS))
    if raw is None:
        return None
    merged: dict[str, Any] = {}
    for key in ("place", "first_timer", "repeat"):
        merged[key] = check.integer(raw.get(key, DEFAULT_WEIGHTS[key]), f"weights.{key}")
    # A negative shortfall weight would reward missing a region's minimum: not a policy.
    merged["region_shortfall"] = check.integer(
        raw.get("region_shortfall", DEFAULT_WEIGHTS["region_shortfall"]),
        "weights.region_shortfall",
        minimum=0,
    )
    rank_points = {int(k): v for k, v in DEFAULT_WEIGHTS["rank_points"].items()}
    raw_ranks = raw.get("rank_points", {})
    if not isinstance(raw_ranks, dict):
        check.fail("weights.rank_points", f"must be an object, got {_shown(raw_ranks)}")
    else:
        for key, points in raw_ranks.items():
            path = f"weights.rank_points.{key}"
            if not (
                isinstance(key, str | int) and re.fullmatch(r"[0-9]+", str(key)) and int(key) >= 1
            ):
                check.fail(path, "is not a rank (a whole number >= 1)")
            elif check.integer(points, path) is not None:
                rank_points[int(key)] = points
    evidence_points = dict(DEFAULT_WEIGHTS["evidence_points"])
    raw_evidence = raw.get("evidence_points", {})
    if not isinstance(raw_evidence, dict):
        check.fail("weights.evidence_points", f"must be an object, got {_shown(raw_evidence)}")
    else:
        for key, points in raw_evidence.items():
            path = f"weights.evidence_points.{key}"
            if key not in EVIDENCE_LEVELS:
                check.fail(path, f"is not one of {', '.join(EVIDENCE_LEVELS)}")
            elif check.integer(points, path) is not None:
                evidence_points[key] = points
    if len(check.problems) > before:
        return None
    return Weights(rank_points=rank_points, evidence_points=evidence_points, **merged)
