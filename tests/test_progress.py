"""Progress reports of a running solve: elapsed time, best objective and bound, engine."""

from __future__ import annotations

from matchmaker.optimisation import Progress, SolveOptions, parse_scenario, solve_round
from matchmaker.synthetic import generate_round


def collect(options: SolveOptions, seed: int = 2) -> tuple[list[Progress], object]:
    reports: list[Progress] = []
    scenario = parse_scenario(generate_round(firms=300, missions=20, seed=seed))
    outcome = solve_round(scenario, options, on_progress=reports.append)
    return reports, outcome


def test_progress_reports_objective_and_bound_as_the_search_goes() -> None:
    reports, outcome = collect(SolveOptions(engine="cp-sat", time_limit=5))
    assert reports, "a solve reports progress"
    elapsed = [r.elapsed for r in reports]
    assert elapsed == sorted(elapsed)
    with_solution = [r for r in reports if r.objective is not None]
    assert with_solution and all(r.bound is None or r.bound >= r.objective for r in with_solution)
    assert max(r.objective for r in with_solution) <= outcome.best_bound


def test_progress_names_the_mip_engine_when_the_search_moves_on() -> None:
    reports, outcome = collect(SolveOptions(engine="auto", cp_sat_deterministic_time=0.0))
    assert outcome.status == "OPTIMAL"
    assert reports[-1].engine == "SCIP"
