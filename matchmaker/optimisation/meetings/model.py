"""Builds the CP-SAT model of a meeting day, solves it, and returns a MeetingResult.

Sections in order: data (data.prepare), variables and constraints (one module per family in
constraints/), objective, solve, extract. With `require_all` (the paper's .dzn files) every
meeting must be scheduled and the objective is the total number of breaks. Otherwise the
solve has two phases: first schedule the most requests weighted by priority, then, keeping
that many, minimise the breaks. Tables are interchangeable in the model; table numbers are
given afterwards (result.assign_tables).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import replace

from ortools.sat.python import cp_model

from matchmaker.optimisation import stopping
from matchmaker.optimisation.meetings import explain, greedy
from matchmaker.optimisation.meetings.building import build_model
from matchmaker.optimisation.meetings.data import MeetingData, Variables, prepare
from matchmaker.optimisation.meetings.problem import MeetingProblem
from matchmaker.optimisation.meetings.result import MeetingResult, assign_tables, breaks_of
from matchmaker.optimisation.search import DEFAULT_WORKERS, Progress, ProgressCallback


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: ProgressCallback | None, started: float, engine: str):
        super().__init__()
        self._on_progress = on_progress
        self._started = started
        self.engine = engine

    def on_solution_callback(self) -> None:
        if self._on_progress is not None:
            self._on_progress(
                Progress(
                    time.perf_counter() - self._started,
                    round(self.objective_value),
                    math.ceil(self.best_objective_bound - 1e-6),
                    self.engine,
                )
            )


def _solver(
    *, workers: int, seed: int, time_limit: float | None, work: float | None = None
) -> cp_model.CpSolver:
    """CP-SAT with `workers` workers; `work` is a budget in deterministic time (about seconds,
    but the same on every run), `time_limit` a wall-clock limit."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = max(1, workers)
    params.random_seed = seed
    if time_limit is not None:
        params.max_time_in_seconds = max(0.01, time_limit)
    if work is not None:
        params.max_deterministic_time = work
    return solver


def solve_meetings(
    problem: MeetingProblem,
    *,
    fairness: int | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    workers: int = DEFAULT_WORKERS,
    progress: ProgressCallback | None = None,
    locked: Mapping[int, tuple[int, int | None]] | None = None,
) -> MeetingResult:
    """Schedule a meeting day; never raises on infeasibility (the result explains it).

    fairness: the bound d on the spread of break counts (None: the problem's own, if any).
    locked: meeting number -> (slot, table or None), 1-based, on top of the problem's fixed
    meetings (they must then be scheduled there). `time_limit` bounds the whole call.
    """
    started = time.perf_counter()
    bound_d = problem.fairness if fairness is None else fairness
    data = prepare(problem, bound_d, dict(locked or {}))
    options = {"fairness": bound_d, "time_limit": time_limit, "seed": seed, "workers": workers}

    def finish(status: str, **fields) -> MeetingResult:
        return MeetingResult(
            problem=problem,
            status=status,
            solve_seconds=time.perf_counter() - started,
            fairness=bound_d,
            options=options,
            locked=dict(locked or {}),
            **fields,
        )

    def left() -> float | None:
        if stopping.requested():
            return 0.0  # stopped: no time for another phase
        return None if time_limit is None else time_limit - (time.perf_counter() - started)

    conflicts = explain.static_conflicts(data)
    if conflicts:
        return finish("INFEASIBLE", conflicts=conflicts)

    model, variables = build_model(data)
    # A quick constructive schedule first: shown at once, a hint for the search, and the
    # answer when the search finds nothing better in time.
    first = greedy.schedule(data)
    if first is not None:
        for m, var in variables.slot.items():
            if m in first and not _is_constant(var):
                model.add_hint(var, first[m])
        for m, var in variables.scheduled.items():
            if not _is_constant(var):
                model.add_hint(var, int(m in first))
        if not greedy.fair(data, first):
            first = None
    if first is not None and progress is not None:
        value = sum(breaks_of(problem, {m + 1: s + 1 for m, s in first.items()}).values())
        progress(Progress(time.perf_counter() - started, value, None, "quick first pass"))
    optional = sorted(variables.scheduled)
    priority = [meeting.priority for meeting in problem.meetings]
    proven_placement = True
    if optional:
        # Phase 1: the most requests, weighted by priority.
        placed = cp_model.LinearExpr.weighted_sum(
            [variables.scheduled[m] for m in optional], [priority[m] for m in optional]
        )
        model.maximize(placed)
        solver = _solver(workers=workers, seed=seed, time_limit=left())
        with stopping.watching(solver):
            code = solver.solve(model, _Reporter(None, started, "CP-SAT, placing"))
        if code == cp_model.INFEASIBLE:
            return finish(
                "INFEASIBLE",
                conflicts=explain.explain_infeasible(data, seed=seed, time_limit=left()),
            )
        if code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if first is not None:
                return _result(finish, data, first, "FEASIBLE", None, False)
            return finish("UNKNOWN")
        proven_placement = code == cp_model.OPTIMAL
        best = round(solver.objective_value)
        first = _slots(solver, variables)  # the fallback: as many requests, breaks unminimised
        model.clear_hints()
        hinted: set[int] = set()
        for var in [*variables.slot.values(), *variables.scheduled.values()]:
            if var.index not in hinted:  # constants are shared variables: hint each once
                hinted.add(var.index)
                model.add_hint(var, solver.value(var))
        model.clear_objective()
        model.add(placed >= best)
        if left() is not None and left() <= 0:
            return _result(finish, data, first, "FEASIBLE", None, proven_placement)

    if not optional and variables.least:
        return _solve_from_below(
            finish,
            data,
            model,
            variables,
            left,
            workers=workers,
            seed=seed,
            progress=progress,
            first=first,
        )
    # Phase 2 (or the only phase): the fewest breaks.
    model.minimize(variables.total_breaks)
    solver = _solver(workers=workers, seed=seed, time_limit=left())
    with stopping.watching(solver):
        code = solver.solve(model, _Reporter(progress, started, "CP-SAT"))
    if code == cp_model.INFEASIBLE:
        return finish(
            "INFEASIBLE", conflicts=explain.explain_infeasible(data, seed=seed, time_limit=left())
        )
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if first is not None:
            return _result(finish, data, first, "FEASIBLE", _bound(solver), proven_placement)
        return finish("UNKNOWN", bound=_bound(solver))
    status = "OPTIMAL" if code == cp_model.OPTIMAL and proven_placement else "FEASIBLE"
    return _result(
        finish, data, _slots(solver, variables), status, _bound(solver), proven_placement
    )


FIRST_STEP_WORK = 8.0  # deterministic time for the bound's level in the first round
LEVELS_PER_ROUND = 3  # levels tried above the bound in one round


def _solve_from_below(finish, data, model, variables, left, *, workers, seed, progress, first):
    """Every meeting required: search from the lower bound up instead of from a schedule down.

    The implied constraints give each participant its fewest possible breaks; their sum is
    the first bound (at that level every participant has exactly its fewest). Then try
    "at most L breaks in total" for L = bound, bound + 1, ...: a level proven infeasible
    raises the bound, a feasible one gives a schedule. Schedules with few breaks are nearly
    all windows of consecutive meetings, which propagate far better than an open objective.
    Each round tries the lowest few levels with a time budget, and the next round again from
    the bound with twice the budget, until bound and schedule meet.
    """
    started = time.perf_counter()
    bound = sum(variables.least.values())
    best: tuple[int, dict[int, int]] | None = None  # (breaks, 0-based slots)
    if first is not None:  # the quick first pass: only levels below it are searched
        best = (
            sum(breaks_of(data.problem, {m + 1: s + 1 for m, s in first.items()}).values()),
            first,
        )

    def report(engine: str) -> None:
        if progress is not None:
            objective = None if best is None else best[0]
            progress(Progress(time.perf_counter() - started, objective, bound, engine))

    least_total = bound

    def attempt(add_rule, budget: float, level: int) -> tuple[int, cp_model.CpSolver]:
        if level == least_total:
            # Every participant has exactly its fewest breaks: a leaner model with only as
            # many blocks as that (one window for most), built afresh.
            lean = replace(data, block_limits={p: k + 1 for p, k in variables.least.items()})
            trial, lean_variables = build_model(lean)
            add_rule(trial, lean_variables)
            solver = _solver(workers=workers, seed=seed, time_limit=left(), work=budget)
            with stopping.watching(solver):
                code = solver.solve(trial)
            return code, (solver, lean_variables)
        trial = model.clone()
        add_rule(trial, variables)
        solver = _solver(workers=workers, seed=seed, time_limit=left(), work=budget)
        with stopping.watching(solver):
            code = solver.solve(trial)
        return code, (solver, variables)

    def found(solved) -> None:
        nonlocal best
        solver, solved_variables = solved
        slots = _slots(solver, solved_variables)
        value = sum(breaks_of(data.problem, {m + 1: s + 1 for m, s in slots.items()}).values())
        if best is None or value < best[0]:
            best = (value, slots)

    most = _most_breaks(variables)
    budget = FIRST_STEP_WORK
    while (best is None or best[0] > bound) and bound <= most:
        if left() is not None and left() <= 0:
            break
        ceiling = most + 1 if best is None else best[0]
        # The bound gets the whole budget, each level above half the one below it.
        attempts = [
            (level, budget / 2**k)
            for k, level in enumerate(range(bound, min(bound + LEVELS_PER_ROUND, ceiling)))
        ]
        if best is None and all(level != most for level, _ in attempts):
            attempts.append((most, budget / 4))  # any schedule at all (or proof there is none)
        for level, work in attempts:
            if left() is not None and left() <= 0:
                break
            report(f"CP-SAT, at most {level} breaks")

            def at_most(trial: cp_model.CpModel, own: Variables, level: int = level) -> None:
                if own is variables:
                    trial.add(_total_in(trial, variables) <= level)
                else:
                    trial.add(own.total_breaks <= level)

            code, solver = attempt(at_most, work, level)
            if code == cp_model.MODEL_INVALID:
                raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                found(solver)
                break
            if code == cp_model.INFEASIBLE:
                bound = max(bound, level + 1)  # none with `level` breaks, nor with fewer
        budget *= 2
    if best is None:
        if bound > most:
            return finish(
                "INFEASIBLE",
                conflicts=explain.explain_infeasible(data, seed=seed, time_limit=left()),
            )
        return finish("UNKNOWN", bound=bound)
    status = "OPTIMAL" if best[0] <= bound else "FEASIBLE"
    return _result(finish, data, best[1], status, min(bound, best[0]), True)


def _is_constant(var: cp_model.IntVar) -> bool:
    domain = var.proto.domain
    return len(domain) == 2 and domain[0] == domain[1]


def _total_in(trial: cp_model.CpModel, variables: Variables) -> cp_model.LinearExprT:
    """The total breaks over a cloned model's variables."""
    return sum(trial.get_int_var_from_proto_index(b.index) for b in variables.breaks.values())


def _most_breaks(variables: Variables) -> int:
    return sum(int(b.proto.domain[len(b.proto.domain) - 1]) for b in variables.breaks.values())


def _bound(solver: cp_model.CpSolver) -> int | None:
    bound = solver.best_objective_bound
    return None if not math.isfinite(bound) else max(0, math.ceil(bound - 1e-6))


def _slots(solver: cp_model.CpSolver, variables: Variables) -> dict[int, int]:
    """0-based meeting -> 0-based slot of the solver's solution."""
    return {
        m: solver.value(slot)
        for m, slot in variables.slot.items()
        if m not in variables.scheduled or solver.boolean_value(variables.scheduled[m])
    }


def _result(finish, data: MeetingData, slot_of: dict[int, int], status, bound, proven):
    breaks = breaks_of(data.problem, {m + 1: s + 1 for m, s in slot_of.items()})
    objective = sum(breaks.values())
    if status == "OPTIMAL":
        bound = objective
    tables = assign_tables(
        data.problem,
        {m + 1: s + 1 for m, s in slot_of.items()},
        {m + 1: t + 1 for m, t in data.fixed_table.items()},
    )
    return finish(
        status,
        objective=objective,
        bound=min(bound, objective) if bound is not None else 0,
        slots={m + 1: s + 1 for m, s in sorted(slot_of.items())},
        tables=tables,
        breaks=breaks,
        unscheduled=explain.explain_unscheduled(data, slot_of, proven=proven),
        placement_proven=proven,
    )
