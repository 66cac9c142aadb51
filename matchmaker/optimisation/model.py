"""Builds the CP-SAT model of a matching round, solves it, and returns a typed result."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matchmaker.optimisation import constraints
from matchmaker.optimisation.constraints.locked import LockConflict
from matchmaker.optimisation.greedy import greedy_roster
from matchmaker.optimisation.round_data import RoundData, Variables, prepare
from matchmaker.optimisation.scenario import Scenario


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Solver settings. The defaults make the same input and seed give the same result.

    `workers` subsolvers are interleaved deterministically (`interleave_search`), so the result
    does not depend on thread timing; eight gives CP-SAT its full portfolio even on two cores.
    A wall-clock `time_limit` that cuts the search short is the one thing that can make two
    runs differ, because how far the search got depends on the machine.
    """

    time_limit: float | None = None
    workers: int = 8
    seed: int = 0
    log_search: bool = False

    def to_dict(self) -> dict:
        return {"time_limit": self.time_limit, "workers": self.workers, "seed": self.seed}


@dataclass(frozen=True, slots=True)
class Progress:
    elapsed: float
    objective: int | None
    bound: int | None


ProgressCallback = Callable[[Progress], None]


@dataclass(slots=True)
class SolveOutcome:
    """What the solver decided, in terms of application indices of the round data."""

    data: RoundData
    status: str
    objective: int | None
    best_bound: int | None
    solve_seconds: float
    placed: list[int] = field(default_factory=list)
    runs: dict[str, bool] = field(default_factory=dict)
    shortfall: dict[tuple[str, str], int] = field(default_factory=dict)
    conflicts: list[LockConflict] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.best_bound is None:
            return None
        return round(abs(self.best_bound - self.objective) / max(1, abs(self.objective)), 6)


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: ProgressCallback, started: float):
        super().__init__()
        self._on_progress = on_progress
        self._started = started
        self.objective: int | None = None
        self.bound: int | None = None

    def on_solution_callback(self) -> None:
        self.objective = round(self.objective_value)
        self.bound = round(self.best_objective_bound)
        self._report()

    def on_bound(self, bound: float) -> None:
        self.bound = round(bound)
        self._report()

    def _report(self) -> None:
        self._on_progress(Progress(time.perf_counter() - self._started, self.objective, self.bound))


def build_model(data: RoundData) -> tuple[cp_model.CpModel, Variables]:
    """Variables, then every constraint family, then the objective (section order of the model)."""
    model = cp_model.CpModel()
    variables = Variables()
    for i in data.eligible:
        variables.placed[i] = model.new_bool_var(f"placed[{i}]")
    for family in constraints.HARD_FAMILIES:
        family.build(data, model, variables)
    for family in constraints.SOFT_FAMILIES:
        family.build(data, model, variables)
    constraints.locked.build(data, model, variables)

    penalty = data.scenario.weights.region_shortfall
    terms = [variables.placed[i] for i in data.eligible]
    coefficients = [data.scores[i] for i in data.eligible]
    terms += list(variables.shortfall.values())
    coefficients += [-penalty] * len(variables.shortfall)
    model.maximize(cp_model.LinearExpr.weighted_sum(terms, coefficients))

    hint = greedy_roster(data)
    for i, literal in variables.placed.items():
        model.add_hint(literal, i in hint)
    return model, variables


def _parameters(options: SolveOptions) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = max(1, options.workers)
    params.random_seed = options.seed
    params.interleave_search = options.workers > 1
    params.log_search_progress = options.log_search
    if options.time_limit is not None:
        params.max_time_in_seconds = max(0.0, options.time_limit)
    return solver


def solve_round(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> SolveOutcome:
    """Solve one matching round; never raises on infeasibility (the outcome names the locks)."""
    options = options or SolveOptions()
    started = time.perf_counter()
    data = prepare(scenario)
    conflicts = constraints.locked.diagnose(data)
    if conflicts:
        return SolveOutcome(
            data=data,
            status="INFEASIBLE",
            objective=None,
            best_bound=None,
            solve_seconds=time.perf_counter() - started,
            conflicts=conflicts,
        )

    model, variables = build_model(data)
    solver = _parameters(options)
    reporter = _ProgressReporter(on_progress, started) if on_progress else None
    if reporter is not None:
        solver.best_bound_callback = reporter.on_bound
    status = solver.solve(model, reporter)
    elapsed = time.perf_counter() - started

    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        outcome = SolveOutcome(
            data=data,
            status="OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE",
            objective=round(solver.objective_value),
            best_bound=_bound(solver, status),
            solve_seconds=elapsed,
            placed=[i for i in data.eligible if solver.boolean_value(variables.placed[i])],
            runs={m: bool(solver.boolean_value(v)) for m, v in variables.runs.items()},
            shortfall={key: solver.value(v) for key, v in variables.shortfall.items()},
        )
        for mission_id in data.missions:
            outcome.runs.setdefault(mission_id, True)
        return outcome
    if status == cp_model.INFEASIBLE:
        return SolveOutcome(
            data=data,
            status="INFEASIBLE",
            objective=None,
            best_bound=None,
            solve_seconds=elapsed,
            conflicts=_explain_infeasible(data, options),
        )
    if status == cp_model.UNKNOWN:
        return SolveOutcome(
            data=data, status="UNKNOWN", objective=None, best_bound=None, solve_seconds=elapsed
        )
    raise RuntimeError(f"CP-SAT rejected the model: {solver.status_name(status)}")


def _bound(solver: cp_model.CpSolver, status: int) -> int:
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    return math.floor(solver.best_objective_bound + 1e-6)


def _explain_infeasible(data: RoundData, options: SolveOptions) -> list[LockConflict]:
    """Find a small set of locked pairs that cannot hold together (an unsat core of the locks)."""
    model = cp_model.CpModel()
    variables = Variables()
    for i in data.eligible:
        variables.placed[i] = model.new_bool_var(f"placed[{i}]")
    for family in constraints.HARD_FAMILIES:
        family.build(data, model, variables)
    assumptions = [variables.placed[i] for i in data.locked]
    model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # cores are only reported by a single worker
    solver.parameters.random_seed = options.seed
    if options.time_limit is not None:
        solver.parameters.max_time_in_seconds = max(1.0, options.time_limit)
    solver.solve(model)
    core = set(solver.sufficient_assumptions_for_infeasibility())
    by_literal = {variables.placed[i].index: i for i in data.locked}
    indices = [by_literal[lit] for lit in sorted(core) if lit in by_literal] or list(data.locked)
    pairs = tuple((data.applications[i].firm, data.applications[i].mission) for i in indices)
    return [
        LockConflict(
            pairs,
            "H1-H7 together",
            "these locked placements cannot all hold at once: together with the "
            "minimum participants, capacities and limits of their missions there is "
            "no feasible roster; unlock one of them",
        )
    ]
