"""Builds the CP-SAT model of a matching round, solves it, and returns a typed result."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matchmaker.optimisation import constraints, lottery, stopping
from matchmaker.optimisation.constraints.locked import LockConflict
from matchmaker.optimisation.greedy import greedy_roster
from matchmaker.optimisation.mip import solve_with_mip
from matchmaker.optimisation.round_data import RoundData, Variables, prepare
from matchmaker.optimisation.scenario_types import Scenario
from matchmaker.optimisation.search import DEFAULT_WORKERS, Progress, ProgressCallback


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Solver settings. The defaults make the same input and seed give the same result.

    CP-SAT runs with the LP relaxation at its strongest (linearization level 2) and, with more
    than one worker, with its subsolvers interleaved deterministically (`interleave_search`), so
    the result never depends on thread timing. With engine "auto", a round that CP-SAT has not
    proven optimal within `cp_sat_deterministic_time` (a machine-independent work unit) goes on
    to OR-Tools' SCIP back-end (keeping CP-SAT's roster if SCIP finds none better); "cp-sat" or
    "mip" uses one of them alone. A wall-clock `time_limit` that cuts the search short is the
    one thing that can make two runs differ, because how far a search gets depends on the
    machine.
    """

    time_limit: float | None = None
    workers: int = DEFAULT_WORKERS
    seed: int = 0
    engine: str = "auto"
    cp_sat_deterministic_time: float = 0.1
    log_search: bool = False
    # The seed of the lottery that breaks ties in score; None: the solver's seed.
    lottery_seed: int | None = None
    # Break ties in score by the lottery (a second phase after a proven optimum).
    tie_break: bool = True

    @property
    def draw_seed(self) -> int:
        return self.seed if self.lottery_seed is None else self.lottery_seed

    def to_dict(self) -> dict:
        return {
            "time_limit": self.time_limit,
            "workers": self.workers,
            "seed": self.seed,
            "engine": self.engine,
        }


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
    # The lottery: its seed, the firms luckiest first, and whether it broke the ties.
    lottery_seed: int | None = None
    lottery: list[str] = field(default_factory=list)
    lottery_applied: bool = False

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
        self.engine = "CP-SAT"

    def on_solution_callback(self) -> None:
        self.objective = round(self.objective_value)
        self.bound = round(self.best_objective_bound)
        self._report()

    def on_bound(self, bound: float) -> None:
        self.bound = round(bound)
        self._report()

    def switch_engine(self, engine: str) -> None:
        self.engine = engine
        self._report()

    def _report(self) -> None:
        elapsed = time.perf_counter() - self._started
        self._on_progress(Progress(elapsed, self.objective, self.bound, self.engine))


def _hard_model(data: RoundData) -> tuple[cp_model.CpModel, Variables]:
    """One placed literal per eligible application, under every hard family but the locks."""
    model = cp_model.CpModel()
    variables = Variables()
    for i in data.eligible:
        variables.placed[i] = model.new_bool_var(f"placed[{i}]")
    for family in constraints.HARD_FAMILIES:
        family.build(data, model, variables)
    return model, variables


def build_model(data: RoundData) -> tuple[cp_model.CpModel, Variables]:
    """Variables, then every constraint family, then the objective (section order of the model)."""
    model, variables = _hard_model(data)
    for family in constraints.SOFT_FAMILIES:
        family.build(data, model, variables)
    constraints.locked.build(data, model, variables)

    model.maximize(primary_objective(data, variables))

    hint = greedy_roster(data)
    for i, literal in variables.placed.items():
        model.add_hint(literal, i in hint)
    return model, variables


def primary_objective(data: RoundData, variables: Variables) -> cp_model.LinearExpr:
    """Scores of the placed applications less the region shortfall penalties."""
    penalty = data.scenario.weights.region_shortfall
    terms = [variables.placed[i] for i in data.eligible]
    coefficients = [data.scores[i] for i in data.eligible]
    terms += list(variables.shortfall.values())
    coefficients += [-penalty] * len(variables.shortfall)
    return cp_model.LinearExpr.weighted_sum(terms, coefficients)


def break_ties(
    data: RoundData, roster: set[int], order: list[str], options: SolveOptions, started: float
) -> set[int] | None:
    """Among the rosters with the proven optimal objective of `roster`, one that places the
    firms the lottery favours (a second CP-SAT phase with the objective fixed); None when the
    phase finds nothing within its work limit, so the first roster stands."""
    left = _time_left(options, started)
    if left is not None and left <= 0:
        return None
    model, variables = build_model(data)
    model.add(primary_objective(data, variables) == objective_of(data, roster))
    weight = lottery.weights(order)
    model.maximize(
        cp_model.LinearExpr.weighted_sum(
            [variables.placed[i] for i in data.eligible],
            [weight[data.applications[i].firm] for i in data.eligible],
        )
    )
    model.clear_hints()
    for i, literal in variables.placed.items():
        model.add_hint(literal, i in roster)
    solver = _parameters(options, spent=time.perf_counter() - started)
    solver.parameters.max_deterministic_time = options.cp_sat_deterministic_time
    with stopping.watching(solver):
        code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = {i for i, v in variables.placed.items() if solver.boolean_value(v)}
    return found if objective_of(data, found) == objective_of(data, roster) else None


def _parameters(options: SolveOptions, spent: float = 0.0) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = max(1, options.workers)
    params.random_seed = options.seed
    params.interleave_search = options.workers > 1
    params.linearization_level = 2
    # Presolve costs more than it saves on this model, but with several interleaved workers
    # it must run: OR-Tools 9.15 aborts the whole process ("Check failed:
    # heuristics.fixed_search != nullptr") on a model that is infeasible at loading (locked
    # pairs that cannot all hold) when interleaved search starts without presolve.
    params.cp_model_presolve = options.workers > 1
    params.log_search_progress = options.log_search
    if options.time_limit is not None:
        params.max_time_in_seconds = max(0.0, options.time_limit - spent)
    if options.engine == "auto":
        params.max_deterministic_time = options.cp_sat_deterministic_time
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
    reporter = _ProgressReporter(on_progress, started) if on_progress else None
    roster: set[int] | None = None
    status, bound = "UNKNOWN", None
    if options.engine in ("auto", "cp-sat"):
        solver = _parameters(options, spent=time.perf_counter() - started)
        if reporter is not None:
            solver.best_bound_callback = reporter.on_bound
        with stopping.watching(solver):
            code = solver.solve(model, reporter)
        status = solver.status_name(code)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            roster = {i for i, v in variables.placed.items() if solver.boolean_value(v)}
            bound = _bound(solver, code)
        elif code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
        elif code == cp_model.UNKNOWN and solver.best_objective_bound < math.inf:
            bound = math.floor(solver.best_objective_bound + 1e-6)
    left = _time_left(options, started)
    if options.engine == "mip" or (
        options.engine == "auto"
        and status in ("FEASIBLE", "UNKNOWN")
        and (left is None or left > 0)
    ):
        if reporter is not None:
            reporter.switch_engine("SCIP")
        found = solve_with_mip(model, time_limit=left)
        if found.values is not None:
            candidate = {i for i, v in variables.placed.items() if found.values[v.index]}
            if roster is None or objective_of(data, candidate) >= objective_of(data, roster):
                roster = candidate
        if found.status in ("OPTIMAL", "INFEASIBLE"):
            status = found.status
        elif found.bound is not None:
            mip_bound = math.floor(found.bound + 1e-6)
            bound = mip_bound if bound is None else min(bound, mip_bound)
            status = "FEASIBLE" if roster is not None else "UNKNOWN"
    if status == "UNKNOWN":
        # Cut off before any solver found a roster: the greedy one is feasible unless a lock
        # could not be honoured, so it stands as a FEASIBLE answer with a simple valid bound.
        greedy = greedy_roster(data)
        if all(i in greedy for i in data.locked):
            roster, status = greedy, "FEASIBLE"
            if bound is None:
                bound = sum(max(0, data.scores[i]) for i in data.eligible)
    elapsed = time.perf_counter() - started

    order = lottery.draw(data.firms, options.draw_seed)
    applied = False
    if roster is not None and status == "OPTIMAL" and options.tie_break:
        # Ties in score go to the lottery (only on a proven optimum: the objective stays).
        fairer = break_ties(data, roster, order, options, started)
        if fairer is not None:
            roster, applied = fairer, True
        elapsed = time.perf_counter() - started
    if roster is not None and status in ("OPTIMAL", "FEASIBLE"):
        objective = objective_of(data, roster)
        outcome = SolveOutcome(
            data=data,
            status=status,
            objective=objective,
            best_bound=objective if status == "OPTIMAL" else max(bound or objective, objective),
            solve_seconds=elapsed,
            placed=sorted(roster),
            runs=runs_of(data, roster),
            shortfall=constraints.regions.shortfalls(data, roster),
            lottery_seed=options.draw_seed,
            lottery=order,
            lottery_applied=applied,
        )
        return outcome
    if status == "INFEASIBLE":
        return SolveOutcome(
            data=data,
            status="INFEASIBLE",
            objective=None,
            best_bound=None,
            solve_seconds=elapsed,
            conflicts=_explain_infeasible(data, options),
        )
    return SolveOutcome(
        data=data, status="UNKNOWN", objective=None, best_bound=None, solve_seconds=elapsed
    )


def _time_left(options: SolveOptions, started: float) -> float | None:
    """Seconds left of the time limit (None: no limit); none once the solve is stopped."""
    if stopping.requested():
        return 0.0
    if options.time_limit is None:
        return None
    return options.time_limit - (time.perf_counter() - started)


def runs_of(data: RoundData, roster: set[int]) -> dict[str, bool]:
    """A mission runs unless it needs participants and has none placed (then it is cancelled)."""
    placed_on = {data.applications[i].mission for i in roster}
    return {
        m: mission.min_participants == 0 or m in placed_on for m, mission in data.missions.items()
    }


def objective_of(data: RoundData, roster: set[int]) -> int:
    """The objective of a roster, recomputed exactly from scores and region shortfalls."""
    shortfall = sum(constraints.regions.shortfalls(data, roster).values())
    return sum(data.scores[i] for i in roster) - data.scenario.weights.region_shortfall * shortfall


def _bound(solver: cp_model.CpSolver, status: int) -> int:
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value)
    return math.floor(solver.best_objective_bound + 1e-6)


def _explain_infeasible(data: RoundData, options: SolveOptions) -> list[LockConflict]:
    """Find a small set of locked pairs that cannot hold together (an unsat core of the locks)."""
    model, variables = _hard_model(data)
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
