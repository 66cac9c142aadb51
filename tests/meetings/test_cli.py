"""`matchmaker meetings solve`: exit codes, result file, agenda summary."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matchmaker.cli import app
from matchmaker.optimisation.meetings.schedule_check import check
from tests.meetings.builders import day

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "day.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_solved_day_exits_0_writes_the_result_and_prints_agendas(tmp_path: Path) -> None:
    document = day(3, 2, ["acme", "gh-power", "volta"], [("acme", "gh-power"), ("acme", "volta")])
    out = tmp_path / "result.json"
    outcome = runner.invoke(
        app, ["meetings", "solve", str(write(tmp_path, document)), "--out", str(out)]
    )
    assert outcome.exit_code == 0, outcome.output
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["status"] == "OPTIMAL"
    assert check(document, result) == []
    assert "Agendas" in outcome.output
    assert "acme" in outcome.output and ": gh-power" in outcome.output


def test_json_goes_to_stdout(tmp_path: Path) -> None:
    document = day(2, 1, ["a", "b"], [("a", "b")])
    outcome = runner.invoke(app, ["meetings", "solve", str(write(tmp_path, document)), "--json"])
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout)["meetings"][0]["slot"] == 1


def test_bad_input_exits_2_with_paths_and_no_output_file(tmp_path: Path) -> None:
    document = day(2, 1, ["a", "b"], [("a", "zz")])
    out = tmp_path / "result.json"
    outcome = runner.invoke(
        app, ["meetings", "solve", str(write(tmp_path, document)), "--out", str(out)]
    )
    assert outcome.exit_code == 2
    assert "requested[0].participants[1]: 'zz' is not a participant id" in outcome.output
    assert "Traceback" not in outcome.output
    assert not out.exists()


def test_infeasible_day_exits_3_with_the_explanation(tmp_path: Path) -> None:
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 1},
        {"participants": ["a", "c"], "fixed_slot": 1},
    ]
    outcome = runner.invoke(
        app, ["meetings", "solve", str(write(tmp_path, day(2, 2, ["a", "b", "c"], requested)))]
    )
    assert outcome.exit_code == 3
    assert "fixed: meetings 1, 2 are all fixed in slot 1" in outcome.output


def test_nothing_found_in_the_time_limit_exits_1(tmp_path: Path) -> None:
    instance = ROOT / "bench" / "b2b" / "instances" / "ticf-14crafa.original.dzn"
    outcome = runner.invoke(
        app, ["meetings", "solve", str(instance), "--fairness", "2", "--time-limit", "0.01"]
    )
    assert outcome.exit_code == 1
    assert "No schedule found within the time limit" in outcome.output


def test_dzn_instance_solves_with_fairness(tmp_path: Path) -> None:
    instance = ROOT / "bench" / "b2b" / "instances" / "tic-12.original.dzn"
    out = tmp_path / "tic-12.json"
    outcome = runner.invoke(
        app, ["meetings", "solve", str(instance), "--fairness", "2", "--out", str(out)]
    )
    assert outcome.exit_code == 0, outcome.output
    result = json.loads(out.read_text(encoding="utf-8"))
    assert (result["status"], result["objective"], result["fairness"]) == ("OPTIMAL", 0, 2)


def test_without_a_file_the_bundled_example_day_is_solved_with_readable_agendas() -> None:
    from matchmaker.resources import bundled_meeting_days

    assert "example-day" in bundled_meeting_days()
    outcome = runner.invoke(app, ["meetings", "solve", "--start", "08:30", "--slot-minutes", "15"])
    assert outcome.exit_code == 0, outcome.output
    assert "status OPTIMAL" in outcome.output and "schedule: proven best" in outcome.output
    assert "slot 1, 08:30, table " in outcome.output
    assert "slot 2, 08:45, table " in outcome.output
    assert ": Partner " in outcome.output and "Firm 01 BV (firm-01)" in outcome.output


def test_unknown_day_name_and_bad_start_exit_2() -> None:
    outcome = runner.invoke(app, ["meetings", "solve", "no-such-day"])
    assert outcome.exit_code == 2
    assert "no such file or bundled meeting day (bundled: example-day" in outcome.output
    outcome = runner.invoke(app, ["meetings", "solve", "--start", "9h"])
    assert outcome.exit_code == 2 and "--start" in outcome.output


def test_generate_is_seeded_and_gives_a_valid_day(tmp_path: Path) -> None:
    from matchmaker.optimisation.meetings import validate

    first, second, other = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    for path, seed in ((first, "5"), (second, "5"), (other, "6")):
        outcome = runner.invoke(
            app, ["meetings", "generate", "--out", str(path), "--seed", seed, "--requests", "60"]
        )
        assert outcome.exit_code == 0, outcome.output
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert first.read_text(encoding="utf-8") != other.read_text(encoding="utf-8")
    document = json.loads(first.read_text(encoding="utf-8"))
    problem = validate(document)
    assert len(problem.meetings) == 60
    assert sum(1 for m in problem.meetings if m.fixed_slot is not None) == 4
    assert {m.priority for m in problem.meetings} <= {1, 2, 3}
    assert any(p.forbidden for p in problem.participants)
    outcome = runner.invoke(app, ["meetings", "solve", str(first), "--time-limit", "20"])
    assert outcome.exit_code == 0, outcome.output
    outcome = runner.invoke(
        app,
        [
            "meetings",
            "generate",
            "--out",
            str(other),
            "--firms",
            "2",
            "--partners",
            "2",
            "--requests",
            "5",
        ],
    )
    assert outcome.exit_code == 2 and "at most firms x partners = 4" in outcome.output
