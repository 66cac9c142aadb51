"""The benchmark's quick mode end to end (so it cannot rot), and its own checks on tiny rounds."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import quality
from bench.reference import milp_of, solve_flow, solve_highs
from bench.rounds import Round, pure_assignment
from matchmaker.synthetic import generate_round

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def quick_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[str, Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out), "--work", str(folder / "w")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.exists(), done.stderr[-3000:]
    return out.read_text(encoding="utf-8"), folder, done


def _section(text: str, title: str) -> str:
    start = text.index(title)
    following = text.find("\n## ", start + 1)
    return text[start : following if following > 0 else len(text)]


def _rows(section: str, first_cell: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith(f"| {first_cell}")
    ]


def test_quick_mode_runs_every_section_and_exits_0(quick_run):
    text, _, done = quick_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert "This section failed" not in text
    for title in (
        "## 1. Solver against an exact reference",
        "## 2. The speed limit",
        "## 3. Quality against the status quo",
        "## 4. Scaling",
        "## 5. The service under load",
    ):
        assert title in text
    assert re.search(r"\| CPU \| .+, \d+ logical cores \|", text)
    assert re.search(r"\| OR-Tools \| \d+\.\d+", text)
    assert re.search(r"\| HiGHS \(highspy\) \| \d+\.\d+", text)


def test_solver_section_compares_both_optimal_objectives(quick_run):
    section = _section(quick_run[0], "## 1. Solver")
    rows = _rows(section, "tiny:") + _rows(section, "small:")
    assert len(rows) == 3
    for row in rows:
        # matchmaker and HiGHS both proven optimal, equal objectives, a measured ratio
        assert row[5] == "OPTIMAL" and row[9] == "OPTIMAL"
        assert row[6] == row[10] and re.fullmatch(r"[\d,]+", row[6])
        assert float(row[11]) > 0
        assert row[12] == "yes"
        assert re.fullmatch(r"\d+ MiB", row[4]) and re.fullmatch(r"\d+ MiB", row[8])
    assert "their objectives are equal" in section


def test_speed_limit_section_matches_min_cost_flow(quick_run):
    section = _section(quick_run[0], "## 2. The speed limit")
    rows = _rows(section, "60 firms") + _rows(section, "200 firms")
    assert len(rows) == 2
    for row in rows:
        assert row[7] == f"OPTIMAL {row[4]}"
        assert row[10] == "yes"


def test_quality_section_finds_the_optimiser_never_worse(quick_run):
    section = _section(quick_run[0], "## 3. Quality")
    assert "Every roster is feasible under all hard constraints" in section
    assert "Problems found" not in section
    assert len(_rows(section, "first come, first served")) == 3
    assert len(_rows(section, "greedy by rank")) == 3
    for row in _rows(section, "matchmaker (OPTIMAL)"):
        assert row[-1] == "yes"
    summary = _section(section, "### Where the optimiser is better")
    for row in _rows(summary, "60 firms") + _rows(summary, "200 firms"):
        assert row[1].startswith("+") and row[3].startswith("+")


def test_scaling_section_writes_the_plot(quick_run):
    text, folder, _ = quick_run
    section = _section(text, "## 4. Scaling")
    assert len(_rows(section, "60 firms")) + len(_rows(section, "200 firms")) == 2
    assert "(benchmarks-scaling.png)" in section
    image = folder / "benchmarks-scaling.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_load_section_measures_both_phases_without_errors(quick_run):
    section = _section(quick_run[0], "## 5. The service under load")
    (aggregated,) = _rows(section, "**Aggregated**")
    assert int(aggregated[1].replace(",", "")) > 10
    assert aggregated[2] == "0" and aggregated[5] == "0"
    assert re.fullmatch(r"\d+ / \d+ / \d+", aggregated[3])
    assert re.fullmatch(r"\d+ / \d+ / \d+", aggregated[6])
    assert _rows(section, "POST /sme/applications")
    assert "- 0 errors: **met**" in section
    assert re.search(r"Matching runs during the second phase: \d+ started", section)


# ------------------------------------------------------------------ the benchmark's own logic


def _tiny(seed: int) -> dict:
    return generate_round(firms=40, missions=5, seed=seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_status_quo_rosters_are_feasible(seed):
    rnd = Round(_tiny(seed))
    for roster in (quality.first_come_first_served(rnd), quality.greedy_by_rank(rnd)):
        assert roster
        assert rnd.violations(roster) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocking_swaps_are_feasible_and_envious(seed):
    """Every swap the stability count accepts passes the full checker, and the firm that
    moves in has the higher score (checked against the whole-roster checker)."""
    rnd = Round(_tiny(seed))
    roster = quality.greedy_by_rank(rnd)
    state = quality._State(rnd, roster)
    found = 0
    for app in rnd.eligible:
        if app.index in roster:
            continue
        swap = quality._blocking_swap(rnd, state, app)
        if swap is None:
            continue
        found += 1
        displaced, given_up = swap
        assert displaced.mission == app.mission and displaced.score < app.score
        after = (roster - {displaced.index} - ({given_up.index} if given_up else set())) | {
            app.index
        }
        assert rnd.violations(after) == [], (app, displaced, given_up)
    assert found == quality.blocking_pairs(rnd, roster)


def test_references_agree_on_a_pure_assignment():
    document = pure_assignment(generate_round(firms=80, missions=6, seed=4))
    rnd = Round(json.loads(json.dumps(document)))
    flow = solve_flow(rnd)
    highs = solve_highs(rnd, time_limit=60)
    assert flow["status"] == highs["status"] == "OPTIMAL"
    assert flow["objective"] == highs["objective"] > 0
    assert milp_of(rnd) is not None
