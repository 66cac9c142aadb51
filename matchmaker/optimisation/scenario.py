"""Reading a scenario document (format v1) into its typed shapes (scenario_types.py), every
problem named by its JSON path. The firms, applications and locked pairs are read by
scenario_firms.py; the field checks are scenario_checks.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matchmaker.optimisation import documents, scenario_firms
from matchmaker.optimisation.scenario_checks import (
    ScenarioChecker,
    declared_ids,
    declared_pairs,
    is_code,
    shown,
)
from matchmaker.optimisation.scenario_types import (
    EVIDENCE_LEVELS,
    FORMATS,
    KINDS,
    SCENARIO_FORMAT,
    SCOPES,
    Mission,
    Region,
    RoundSettings,
    Scenario,
    ScenarioError,
    Sector,
    Weights,
)
from matchmaker.optimisation.validate import DEFAULT_WEIGHTS  # one table for engine and checker

# --------------------------------------------------------------------------- loading


def load_document(path: str | Path) -> Any:
    """Read a scenario file (JSON, or YAML by extension) within the caps of
    matchmaker.optimisation.documents; an unreadable file is a ScenarioError."""
    try:
        return documents.read_file(path)
    except documents.DocumentError as exc:
        raise ScenarioError([f"{path}: {exc}"]) from None


def parse_scenario(document: Any) -> Scenario:
    """Validate a scenario document and return typed objects, or raise ScenarioError."""
    check = ScenarioChecker()
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
        raise ScenarioError([f"(document): must be a JSON object, got {shown(document)}"])
    if "format" in root and root["format"] != SCENARIO_FORMAT:
        check.fail("format", f"{shown(root['format'])} is not {SCENARIO_FORMAT!r}")
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
        check,
        root,
        "firms",
        lambda c, v, p: scenario_firms.parse_firm(c, v, p, region_codes, sector_codes),
    )
    firm_by_id = {f.id: f for f in firms}
    mission_ids = {m.id for m in missions}
    applications = (
        scenario_firms.parse_applications(
            check,
            root.get("applications"),
            firm_by_id,
            mission_ids,
            broken_firms=declared_ids(root.get("firms"), "id") - set(firm_by_id),
            broken_missions=declared_ids(root.get("missions"), "id") - mission_ids,
        )
        if "applications" in root
        else []
    )
    locked = scenario_firms.parse_locked(
        check, root.get("locked", []), applications, declared_pairs(root.get("applications"))
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
    check: ScenarioChecker,
    root: dict,
    key: str,
    parse_item: Callable[[ScenarioChecker, Any, str], Any],
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


def _parse_round(check: ScenarioChecker, value: Any) -> RoundSettings | None:
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


def _parse_region(check: ScenarioChecker, value: Any, path: str) -> Region | None:
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


def _parse_sector(check: ScenarioChecker, value: Any, path: str) -> Sector | None:
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
    check: ScenarioChecker, value: Any, path: str, region_codes: set[str], sector_codes: set[str]
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
        if not is_code(code, sector_codes):
            check.fail(f"{path}.sectors[{index}]", f"{shown(code)} is not a known sector")
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
        check.fail(f"{path}.region_min", f"must be an object, got {shown(raw_region_min)}")
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


def _parse_weights(check: ScenarioChecker, value: Any) -> Weights | None:
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
    _override_points(
        check,
        raw,
        "rank_points",
        rank_points,
        lambda key: (
            isinstance(key, str | int) and re.fullmatch(r"[0-9]+", str(key)) and int(key) >= 1
        ),
        "is not a rank (a whole number >= 1)",
        int,
    )
    evidence_points = dict(DEFAULT_WEIGHTS["evidence_points"])
    _override_points(
        check,
        raw,
        "evidence_points",
        evidence_points,
        lambda key: key in EVIDENCE_LEVELS,
        f"is not one of {', '.join(EVIDENCE_LEVELS)}",
        str,
    )
    if len(check.problems) > before:
        return None
    return Weights(rank_points=rank_points, evidence_points=evidence_points, **merged)


def _override_points(
    check: ScenarioChecker,
    raw: dict,
    name: str,
    points: dict,
    is_key: Callable[[Any], Any],
    bad_key: str,
    key_of: Callable[[Any], Any],
) -> None:
    """Overrides `points` with the integers of the map `weights.<name>`, naming each bad key."""
    given = raw.get(name, {})
    if not isinstance(given, dict):
        check.fail(f"weights.{name}", f"must be an object, got {shown(given)}")
        return
    for key, value in given.items():
        path = f"weights.{name}.{key}"
        if not is_key(key):
            check.fail(path, bad_key)
        elif check.integer(value, path) is not None:
            points[key_of(key)] = value
