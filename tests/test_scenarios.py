"""Worked scenarios solve optimally and pass the checker; the CLI solve and generate commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matchmaker.cli import app
from matchmaker.optimisation import parse_scenario
from matchmaker.optimisation.result_check import check_result
from tests.reference_milp import reference_optimum
from tests.solving import solve_checked, without_timing

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.json"))


def test_there_are_worked_scenarios():
    assert len(SCENARIO_FILES) >= 3


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario_solves_optimally_and_passes_the_checker(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    result = solve_checked(doc)
    assert result["status"] == "OPTIMAL"
    assert result["scenario"] == doc["name"]
    status, objective = reference_optimum(doc)
    assert status == "OPTIMAL"
    assert result["objective"] == round(objective)
    # A worked example shows its rules at work: somebody is placed and somebody is not.
    assert result["placements"]
    assert result["unplaced"]


def test_cli_out_file_equals_json_output(runner, tmp_path):
    scenario = SCENARIO_FILES[0]
    out = tmp_path / "result.json"
    written = runner.invoke(app, ["solve", str(scenario), "--out", str(out)])
    assert written.exit_code == 0, written.output
    printed = runner.invoke(app, ["solve", str(scenario), "--json"])
    assert printed.exit_code == 0, printed.output
    from_file = json.loads(out.read_text(encoding="utf-8"))
    from_stdout = json.loads(printed.stdout)
    assert without_timing(from_file) == without_timing(from_stdout)
    doc = json.loads(scenario.read_text(encoding="utf-8"))
    assert from_file["objective"] == solve_checked(doc)["objective"]
    # Without --json the summary names the round on stdout; with it, stdout is only JSON.
    assert doc["name"] in written.stdout


def test_cli_solves_a_bundled_scenario_by_name(runner):
    name = SCENARIO_FILES[-1].stem
    listed = runner.invoke(app, ["scenarios"])
    assert listed.exit_code == 0
    assert name in listed.output
    result = runner.invoke(app, ["solve", name, "--json", "--workers", "2", "--seed", "3"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["status"] == "OPTIMAL"
    doc = json.loads(SCENARIO_FILES[-1].read_text(encoding="utf-8"))
    assert document["objective"] == solve_checked(doc)["objective"]


def test_real_process_prints_only_json_on_stdout(tmp_path):
    scenario = SCENARIO_FILES[0]
    out = tmp_path / "result.json"
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "matchmaker.cli",
            "solve",
            str(scenario),
            "--json",
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr
    printed = json.loads(process.stdout)
    assert without_timing(printed) == without_timing(json.loads(out.read_text(encoding="utf-8")))


def test_generate_writes_a_valid_scenario(runner, tmp_path):
    out = tmp_path / "generated.json"
    result = runner.invoke(
        app, ["generate", "--firms", "40", "--missions", "5", "--seed", "7", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    scenario = parse_scenario(doc)
    assert len(scenario.firms) == 40
    assert len(scenario.missions) == 5
    assert scenario.applications
    solved = solve_checked(doc)
    assert solved["status"] == "OPTIMAL"
    # The same seed gives the same round, on stdout too.
    again = runner.invoke(app, ["generate", "--firms", "40", "--missions", "5", "--seed", "7"])
    assert again.exit_code == 0
    assert json.loads(again.stdout) == doc
    other = runner.invoke(app, ["generate", "--firms", "40", "--missions", "5", "--seed", "8"])
    assert json.loads(other.stdout) != doc


def test_generated_round_solves_through_the_cli(runner, tmp_path):
    scenario = tmp_path / "round.json"
    made = runner.invoke(
        app, ["generate", "--firms", "60", "--missions", "6", "--seed", "1", "--out", str(scenario)]
    )
    assert made.exit_code == 0, made.output
    out = tmp_path / "result.json"
    solved = runner.invoke(app, ["solve", str(scenario), "--out", str(out)])
    assert solved.exit_code == 0, solved.output
    doc = json.loads(scenario.read_text(encoding="utf-8"))
    assert check_result(doc, json.loads(out.read_text(encoding="utf-8"))) == []
