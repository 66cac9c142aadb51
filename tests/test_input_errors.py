"""Every field rule of the scenario format broken one at a time: JSON paths, CLI exit 2, no file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from matchmaker.cli import app
from matchmaker.optimisation import ScenarioError, parse_scenario, solve_document
from tests.builders import application, case, firm, mission, round_doc
from tests.solving import solve_checked

ROOT = Path(__file__).resolve().parent.parent
DELETE = object()


def valid_doc() -> dict:
    """A small round that uses every object of the format once."""
    return round_doc(
        missions=[
            mission(
                "M1",
                kind="business",
                end="2026-05-13",
                capacity=10,
                min_participants=1,
                sectors=["water", "energy"],
                sector_max=6,
                region_min={"FR": 1},
                subsidy_eur=2500,
            ),
            mission("M2", start="2026-06-01", capacity=5, slipstream_max=2),
        ],
        firms=[
            firm("F1", cases=[case("BC1")], exports_to=["BE"]),
            firm("F2", sector="metal", cases=[case("BC2", sector="metal")]),
        ],
        applications=[
            application("F1", "M1", 1, "BC1"),
            application("F1", "M2", 2),
            application("F2", "M2", 1),
        ],
        locked=[("F2", "M2")],
        weights={"rank_points": {"1": 120}},
        budget_eur=10000,
        max_places_per_firm=1,
        regions=[
            {"code": "FR", "name": "Fryslân", "priority": 0},
            {"code": "GR", "name": "Groningen", "priority": 20},
            {"code": "DR", "name": "Drenthe"},
        ],
    )


def test_the_valid_document_is_valid():
    result = solve_checked(valid_doc())
    assert result["status"] == "OPTIMAL"


def changed(path: str, value: object) -> dict:
    """valid_doc() with the value at a dotted path ("missions.0.start") set or deleted."""
    doc = valid_doc()
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    key = int(last) if isinstance(node, list) else last
    if value is DELETE:
        del node[key]
    elif isinstance(node, list) and key == len(node):
        node.append(value)
    else:
        node[key] = value
    return doc


def problems_of(doc: object) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(doc)
    problems = raised.value.problems
    assert problems, "a ScenarioError must list its problems"
    return problems


def assert_problem(doc: object, prefix: str) -> None:
    problems = problems_of(doc)
    assert any(p.startswith(prefix) for p in problems), f"{prefix!r} not in {problems}"


# (test id, dotted path to change, new value, expected start of a problem)
FIELD_RULES = [
    # ids unique within their list
    ("region code twice", "regions.1.code", "FR", "regions[1].code: 'FR' is already used"),
    ("sector code twice", "sectors.1.code", "water", "sectors[1].code: 'water' is already used"),
    ("mission id twice", "missions.1.id", "M1", "missions[1].id: 'M1' is already used"),
    ("firm id twice", "firms.1.id", "F1", "firms[1].id: 'F1' is already used"),
    ("case id twice", "firms.0.business_cases.1", case("BC1"), "firms[0].business_cases[1].id: "),
    # every reference resolves
    ("firm region", "firms.0.region", "UT", "firms[0].region: 'UT' is not a known region"),
    (
        "firm sector",
        "firms.0.sector",
        "textile",
        "firms[0].sector: 'textile' is not a known sector",
    ),
    ("mission sector", "missions.0.sectors.1", "textile", "missions[0].sectors[1]: "),
    (
        "case sector",
        "firms.0.business_cases.0.sector",
        "textile",
        "firms[0].business_cases[0].sector: ",
    ),
    (
        "application firm",
        "applications.0.firm",
        "F9",
        "applications[0].firm: 'F9' is not a known firm",
    ),
    ("application mission", "applications.0.mission", "M9", "applications[0].mission: 'M9'"),
    ("application case", "applications.0.business_case", "BC9", "applications[0].business_case: "),
    ("locked firm", "locked.0.firm", "F9", "locked[0]: "),
    ("locked mission", "locked.0.mission", "M9", "locked[0]: "),
    ("region_min region", "missions.0.region_min", {"UT": 1}, "missions[0].region_min.UT: "),
    # enums
    ("kind", "missions.0.kind", "trade", "missions[0].kind: 'trade' is not one of"),
    ("format", "missions.0.format", "webinar", "missions[0].format: 'webinar' is not one of"),
    ("scope", "missions.0.scope", "global", "missions[0].scope: 'global' is not one of"),
    (
        "evidence",
        "firms.0.business_cases.0.evidence",
        "rumour",
        "firms[0].business_cases[0].evidence: ",
    ),
    ("document format", "format", "matchmaker-scenario/2", "format: "),
    # ISO 3166-1 alpha-2
    ("country alpha-3", "missions.0.country", "DEU", "missions[0].country: 'DEU' is not an ISO"),
    ("country lower case", "missions.0.country", "de", "missions[0].country: "),
    ("country unknown", "missions.0.country", "XX", "missions[0].country: "),
    ("country name", "missions.0.country", "Germany", "missions[0].country: "),
    ("country number", "missions.0.country", 49, "missions[0].country: "),
    (
        "case country",
        "firms.0.business_cases.0.country",
        "NLD",
        "firms[0].business_cases[0].country: ",
    ),
    ("exports_to", "firms.0.exports_to", ["BE", "XX"], "firms[0].exports_to[1]: "),
    # dates
    ("month 13", "missions.0.start", "2026-13-01", "missions[0].start: 2026-13-01 is not a date"),
    ("30 February", "missions.0.end", "2026-02-30", "missions[0].end: 2026-02-30 is not a date"),
    ("day first", "missions.0.start", "11-05-2026", "missions[0].start: 11-05-2026 is not a date"),
    ("date as number", "missions.0.start", 20260511, "missions[0].start: "),
    ("start after end", "missions.0.start", "2026-05-14", "missions[0].end: 2026-05-13 is before"),
    # numbers
    ("capacity < 0", "missions.0.capacity", -1, "missions[0].capacity: must be >= 0"),
    (
        "min > capacity",
        "missions.0.min_participants",
        11,
        "missions[0].min_participants: 11 is more",
    ),
    ("min < 0", "missions.0.min_participants", -1, "missions[0].min_participants: "),
    ("slipstream < 0", "missions.1.slipstream_max", -1, "missions[1].slipstream_max: "),
    ("sector_max < 0", "missions.0.sector_max", -1, "missions[0].sector_max: "),
    ("subsidy < 0", "missions.0.subsidy_eur", -5, "missions[0].subsidy_eur: "),
    ("region_min < 0", "missions.0.region_min", {"FR": -1}, "missions[0].region_min.FR: "),
    ("kvk 7 digits", "firms.0.kvk", "1234567", "firms[0].kvk: '1234567' is not exactly 8 digits"),
    ("kvk 9 digits", "firms.0.kvk", "123456789", "firms[0].kvk: "),
    ("kvk letters", "firms.0.kvk", "1234567a", "firms[0].kvk: "),
    ("kvk number", "firms.0.kvk", 12345678, "firms[0].kvk: "),
    ("employees < 0", "firms.0.employees", -1, "firms[0].employees: must be >= 0"),
    ("history < 0", "firms.0.missions_last_3_years", -1, "firms[0].missions_last_3_years: "),
    ("rank 0", "applications.0.rank", 0, "applications[0].rank: must be >= 1"),
    (
        "rank twice per firm",
        "applications.1.rank",
        1,
        "applications[1].rank: rank 1 is already used",
    ),
    (
        "case of another firm",
        "applications.0.business_case",
        "BC2",
        "applications[0].business_case: 'BC2'",
    ),
    ("places per firm 0", "round.max_places_per_firm", 0, "round.max_places_per_firm: "),
    ("budget < 0", "round.budget_eur", -1, "round.budget_eur: "),
    # unknown keys at every level
    ("unknown top", "colour", "red", "colour: unknown field"),
    ("unknown round", "round.colour", "red", "round.colour: unknown field"),
    ("unknown region", "regions.0.colour", "red", "regions[0].colour: unknown field"),
    ("unknown sector", "sectors.0.colour", "red", "sectors[0].colour: unknown field"),
    ("unknown mission", "missions.0.colour", "red", "missions[0].colour: unknown field"),
    ("misspelt mission", "missions.0.capacty", 3, "missions[0].capacty: unknown field"),
    ("unknown firm", "firms.0.colour", "red", "firms[0].colour: unknown field"),
    (
        "unknown readiness",
        "firms.0.readiness.money",
        True,
        "firms[0].readiness.money: unknown field",
    ),
    (
        "unknown case",
        "firms.0.business_cases.0.colour",
        "red",
        "firms[0].business_cases[0].colour: ",
    ),
    (
        "unknown application",
        "applications.0.colour",
        "red",
        "applications[0].colour: unknown field",
    ),
    ("unknown locked", "locked.0.colour", "red", "locked[0].colour: unknown field"),
    ("unknown weight", "weights.bonus", 5, "weights.bonus: unknown field"),
    # wrong types
    ("name number", "name", 5, "name: must be a string"),
    ("name empty", "name", "", "name: "),
    ("round string", "round", "R1", "round: must be an object"),
    ("regions object", "regions", {"FR": "Fryslân"}, "regions: must be a list"),
    ("missions object", "missions", {}, "missions: must be a list"),
    ("mission string", "missions.1", "M2", "missions[1]: must be an object"),
    ("capacity string", "missions.0.capacity", "10", "missions[0].capacity: must be an integer"),
    ("capacity float", "missions.0.capacity", 10.5, "missions[0].capacity: must be an integer"),
    ("capacity bool", "missions.0.capacity", True, "missions[0].capacity: must be an integer"),
    ("sectors string", "missions.0.sectors", "water", "missions[0].sectors: must be a list"),
    (
        "region_min list",
        "missions.0.region_min",
        ["FR"],
        "missions[0].region_min: must be an object",
    ),
    ("focus string", "sectors.0.focus", "yes", "sectors[0].focus: must be true or false"),
    ("priority string", "regions.0.priority", "high", "regions[0].priority: must be an integer"),
    ("employees bool", "firms.0.employees", True, "firms[0].employees: must be an integer"),
    ("employees float", "firms.0.employees", 12.5, "firms[0].employees: "),
    (
        "verified number",
        "firms.0.business_cases.0.verified",
        1,
        "firms[0].business_cases[0].verified: ",
    ),
    ("readiness list", "firms.0.readiness", [], "firms[0].readiness: must be an object"),
    ("readiness flag string", "firms.0.readiness.strategy", "yes", "firms[0].readiness.strategy: "),
    ("cases object", "firms.0.business_cases", {}, "firms[0].business_cases: must be a list"),
    ("exports_to string", "firms.0.exports_to", "BE", "firms[0].exports_to: must be a list"),
    ("rank string", "applications.0.rank", "1", "applications[0].rank: must be an integer"),
    ("application list", "applications.0", ["F1", "M1"], "applications[0]: must be an object"),
    ("budget string", "round.budget_eur", "lots", "round.budget_eur: "),
    ("places per firm null", "round.max_places_per_firm", None, "round.max_places_per_firm: "),
    ("locked string", "locked", "all", "locked: must be a list"),
    ("firm region list", "firms.0.region", ["GR"], "firms[0].region: "),
    ("firm sector object", "firms.0.sector", {"code": "water"}, "firms[0].sector: "),
    ("mission sector list", "missions.0.sectors", [["water"]], "missions[0].sectors[0]: "),
    (
        "case sector list",
        "firms.0.business_cases.0.sector",
        ["water"],
        "firms[0].business_cases[0].sector: ",
    ),
    # weights
    ("weights string", "weights", "heavy", "weights: must be an object"),
    ("weight string", "weights.place", "1000", "weights.place: must be an integer"),
    ("weight float", "weights.first_timer", 1.5, "weights.first_timer: must be an integer"),
    ("weight bool", "weights.region_shortfall", True, "weights.region_shortfall: "),
    ("rank key 0", "weights.rank_points", {"0": 5}, "weights.rank_points.0: "),
    ("rank key word", "weights.rank_points", {"first": 5}, "weights.rank_points.first: "),
    ("rank points float", "weights.rank_points", {"1": 5.5}, "weights.rank_points.1: "),
    ("rank points list", "weights.rank_points", [100, 60], "weights.rank_points: "),
    ("evidence key", "weights.evidence_points", {"rumour": 5}, "weights.evidence_points.rumour: "),
    (
        "evidence points string",
        "weights.evidence_points",
        {"order": "x"},
        "weights.evidence_points.order: ",
    ),
    # locked pairs need an application
    ("locked without application", "locked.0", {"firm": "F2", "mission": "M1"}, "locked[0]: "),
]


@pytest.mark.parametrize(
    ("path", "value", "expected"), [r[1:] for r in FIELD_RULES], ids=[r[0] for r in FIELD_RULES]
)
def test_field_rule(path, value, expected):
    assert_problem(changed(path, value), expected)


def test_the_spec_example_message_exactly():
    problems = problems_of(changed("missions.0.start", "2026-13-01"))
    assert "missions[0].start: 2026-13-01 is not a date" in problems


def test_firm_applies_to_a_mission_at_most_once():
    doc = valid_doc()
    doc["applications"].append(application("F2", "M2", 2))
    assert_problem(doc, "applications[3]: ")


REQUIRED = {
    "": ["format", "name", "round", "regions", "sectors", "missions", "firms", "applications"],
    "round": ["id"],
    "regions.0": ["code", "name"],
    "sectors.0": ["code", "name", "focus"],
    "missions.0": [
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
    ],
    "firms.0": ["id", "kvk", "name", "region", "sector", "employees"],
    "firms.0.business_cases.0": ["id", "country", "sector", "summary", "evidence", "verified"],
    "applications.0": ["firm", "mission", "rank"],
    "locked.0": ["firm", "mission"],
}


def json_path(dotted: str) -> str:
    """'firms.0.business_cases.0' -> 'firms[0].business_cases[0]'."""
    out = ""
    for part in dotted.split("."):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


@pytest.mark.parametrize(
    ("parent", "key"),
    [(parent, key) for parent, keys in REQUIRED.items() for key in keys],
    ids=[f"{parent or 'top'}.{key}" for parent, keys in REQUIRED.items() for key in keys],
)
def test_missing_required_field(parent, key):
    path = f"{parent}.{key}" if parent else key
    expected = f"{json_path(parent)}.{key}" if parent else key
    assert_problem(changed(path, DELETE), f"{expected}: is required")


@pytest.mark.parametrize(
    "optional",
    [
        "locked",
        "weights",
        "round.max_places_per_firm",
        "round.budget_eur",
        "regions.0.priority",
        "missions.0.min_participants",
        "missions.0.sectors",
        "missions.0.sector_max",
        "missions.0.region_min",
        "missions.0.subsidy_eur",
        "missions.1.slipstream_max",
        "firms.0.readiness",
        "firms.0.missions_last_3_years",
        "firms.0.exports_to",
        "firms.0.business_cases",
    ],
)
def test_optional_fields_may_be_left_out(optional):
    doc = changed(optional, DELETE)
    if optional == "firms.0.business_cases":
        del doc["applications"][0]["business_case"]
    parse_scenario(doc)


def test_nulls_mean_no_limit():
    doc = valid_doc()
    doc["round"]["budget_eur"] = None
    doc["missions"][0]["sector_max"] = None
    doc["missions"][1]["slipstream_max"] = None
    doc["applications"][1]["business_case"] = None
    scenario = parse_scenario(doc)
    assert scenario.round.budget_eur is None


@pytest.mark.parametrize("document", [[], "scenario", None, 5, [valid_doc()]])
def test_top_level_must_be_an_object(document):
    problems = problems_of(document)
    assert len(problems) == 1
    assert problems[0].startswith("(document): must be a JSON object")


def test_several_problems_are_reported_at_once():
    doc = valid_doc()
    doc["missions"][1]["start"] = "2026-13-01"
    doc["firms"][1]["kvk"] = "123"
    doc["applications"][0]["rank"] = 0
    doc["weights"]["bonus"] = 1
    problems = problems_of(doc)
    for prefix in (
        "missions[1].start: 2026-13-01 is not a date",
        "firms[1].kvk: ",
        "applications[0].rank: ",
        "weights.bonus: ",
    ):
        assert any(p.startswith(prefix) for p in problems), (prefix, problems)


def test_solve_document_raises_the_same_scenario_error():
    with pytest.raises(ScenarioError) as raised:
        solve_document(changed("missions.0.capacity", -1))
    assert any(p.startswith("missions[0].capacity: ") for p in raised.value.problems)


# --------------------------------------------------------------------------- through the CLI


def flat(text: str) -> str:
    """Output with the console's line wrapping undone."""
    return " ".join(text.split())


def assert_cli_rejects(runner, path: Path, out: Path, expected: str) -> None:
    result = runner.invoke(app, ["solve", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert expected in flat(result.output)
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("missions.0.start", "2026-13-01", "missions[0].start: 2026-13-01 is not a date"),
        ("firms.0.kvk", "123", "firms[0].kvk: "),
        ("applications.0.colour", "red", "applications[0].colour: unknown field"),
        ("firms.0.region", ["GR"], "firms[0].region: "),
    ],
)
def test_cli_exits_2_with_the_path_and_writes_nothing(
    runner, write_scenario, tmp_path, path, value, expected
):
    assert_cli_rejects(
        runner, write_scenario(changed(path, value)), tmp_path / "out.json", expected
    )


def test_cli_lists_every_problem(runner, write_scenario, tmp_path):
    doc = changed("missions.0.capacity", -1)
    doc["firms"][1]["employees"] = -3
    result = runner.invoke(app, ["solve", str(write_scenario(doc)), "--json"])
    assert result.exit_code == 2
    assert "missions[0].capacity: " in flat(result.output)
    assert "firms[1].employees: " in flat(result.output)
    assert result.stdout == ""


def test_cli_invalid_json_syntax(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "matchmaker-scenario/1",', encoding="utf-8")
    assert_cli_rejects(runner, path, tmp_path / "out.json", "not valid JSON")


def test_cli_missing_file(runner, tmp_path):
    assert_cli_rejects(runner, tmp_path / "nowhere.json", tmp_path / "out.json", "no such file")


def test_cli_not_utf8(runner, tmp_path):
    path = tmp_path / "latin1.json"
    text = json.dumps(valid_doc(), ensure_ascii=False)
    assert "Fryslân" in text
    path.write_bytes(text.encode("utf-8").replace("Fryslân".encode(), b"Frysl\xe2n"))
    result = runner.invoke(app, ["solve", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_real_process_exits_2_without_traceback(write_scenario, tmp_path):
    bad = write_scenario(changed("missions.0.start", "2026-13-01"), "bad.json")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.run(
        [sys.executable, "-m", "matchmaker.cli", "solve", str(bad), "--out", "out.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 2, process.stderr
    assert "missions[0].start: 2026-13-01 is not a date" in flat(process.stdout + process.stderr)
    assert "Traceback" not in process.stdout + process.stderr
    assert not (tmp_path / "out.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("missions.0.subsidy_eur", 10**30),
        ("weights.place", 10**30),
        ("regions.1.priority", 10**30),
        ("weights.first_timer", 2**62),
        ("missions.0.capacity", 10**30),
    ],
)
def test_huge_integers_are_an_input_error_or_solved_never_a_traceback(
    runner, write_scenario, path, value
):
    doc = changed(path, value)
    doc["round"]["budget_eur"] = 10
    doc["missions"][1]["subsidy_eur"] = 7
    result = runner.invoke(app, ["solve", str(write_scenario(doc))])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert json_path(path) + ": " in flat(result.output)


# --------------------------------------------------------------------------- YAML


def test_yaml_with_the_same_shape_is_accepted(runner, tmp_path):
    doc = valid_doc()
    path = tmp_path / "round.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["solve", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    from_yaml = json.loads(out.read_text(encoding="utf-8"))
    from_json = solve_checked(doc)
    assert from_yaml["objective"] == from_json["objective"]
    assert from_yaml["placements"] == from_json["placements"]


def test_yaml_bare_dates_are_dates(runner, tmp_path):
    text = yaml.safe_dump(valid_doc(), allow_unicode=True)
    text = text.replace("'2026-05-11'", "2026-05-11").replace("'2026-05-13'", "2026-05-13")
    assert "start: 2026-05-11\n" in text
    path = tmp_path / "round.yml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["solve", str(path)])
    assert result.exit_code == 0, result.output


def test_yaml_timestamp_is_not_a_date(runner, tmp_path):
    text = yaml.safe_dump(valid_doc(), allow_unicode=True)
    text = text.replace("start: '2026-05-11'", "start: 2026-05-11 10:00:00")
    assert "start: 2026-05-11 10:00:00\n" in text
    path = tmp_path / "round.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    assert_cli_rejects(runner, path, out, "missions[0].start: ")


def test_yaml_errors_carry_the_same_paths(runner, tmp_path):
    path = tmp_path / "round.yaml"
    path.write_text(yaml.safe_dump(changed("firms.0.employees", -1)), encoding="utf-8")
    assert_cli_rejects(runner, path, tmp_path / "out.json", "firms[0].employees: ")


def test_invalid_yaml_syntax(runner, tmp_path):
    path = tmp_path / "round.yaml"
    path.write_text("format: [unclosed\n", encoding="utf-8")
    assert_cli_rejects(runner, path, tmp_path / "out.json", "not valid YAML")
