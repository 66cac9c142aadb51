"""Solves the CP-SAT model with an OR-Tools MIP back-end (SCIP) for rounds CP-SAT cannot close.

The constraint families are written once, against CP-SAT; this module reads the built model
(linear constraints, at-most-one sets and implications over integer variables) and hands it
to OR-Tools' linear solver wrapper, which proves optimality with LP-based branch and cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from matchmaker.optimisation import stopping

_HUGE = 2**60


@dataclass(frozen=True, slots=True)
class MipSolution:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN
    values: list[int] | None
    bound: float | None


def solve_with_mip(
    model: cp_model.CpModel,
    *,
    time_limit: float | None = None,
    backend: str = "SCIP",
) -> MipSolution:
    """Solve a purely linear CP-SAT model as a MIP; values are indexed like the model's variables.

    No warm start: OR-Tools 9.15 crashes in its HiGHS interface when given a hint, and SCIP
    gains little from one here. SCIP runs single-threaded, so the result is deterministic.
    """
    proto = model.proto
    solver = pywraplp.Solver.CreateSolver(backend)
    if solver is None:  # pragma: no cover - OR-Tools wheels ship SCIP
        raise RuntimeError(f"OR-Tools has no {backend} back-end here")
    infinity = solver.infinity()
    variables = []
    for variable in proto.variables:
        domain = list(variable.domain)
        variables.append(solver.IntVar(domain[0], domain[-1], ""))

    def term(literal: int) -> tuple[pywraplp.Variable, int, int]:
        """A literal as coefficient and constant: x is (x, 1, 0), not x is (x, -1, 1)."""
        return (variables[literal], 1, 0) if literal >= 0 else (variables[-literal - 1], -1, 1)

    for constraint in proto.constraints:
        if list(constraint.enforcement_literal) and not constraint.has_bool_and():
            raise ValueError("enforced constraints other than implications are not linear")
        if constraint.has_linear():
            domain = list(constraint.linear.domain)
            if len(domain) != 2:
                raise ValueError("linear constraints with holes are not supported")
            row = solver.Constraint(
                domain[0] if domain[0] > -_HUGE else -infinity,
                domain[1] if domain[1] < _HUGE else infinity,
            )
            for index, coefficient in zip(
                constraint.linear.vars, constraint.linear.coeffs, strict=True
            ):
                row.SetCoefficient(variables[index], coefficient)
        elif constraint.has_at_most_one():
            constant = 0
            row = solver.Constraint(-infinity, 1)
            for literal in constraint.at_most_one.literals:
                variable, coefficient, offset = term(literal)
                row.SetCoefficient(variable, coefficient)
                constant += offset
            row.SetUb(1 - constant)
        elif constraint.has_bool_and():
            (enforcement,) = constraint.enforcement_literal
            source, source_coefficient, source_offset = term(enforcement)
            for literal in constraint.bool_and.literals:
                target, target_coefficient, target_offset = term(literal)
                # enforcement implies literal:  literal - enforcement >= 0
                row = solver.Constraint(source_offset - target_offset, infinity)
                row.SetCoefficient(target, target_coefficient)
                row.SetCoefficient(source, -source_coefficient)
        else:
            raise ValueError("the model uses a constraint kind the MIP reader does not know")

    objective = solver.Objective()
    scaling = proto.objective.scaling_factor or 1.0
    for index, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(variables[index], coefficient * scaling)
    if scaling < 0:
        objective.SetMaximization()
    else:
        objective.SetMinimization()
    solver.SuppressOutput()
    if time_limit is not None:
        solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    parameters = pywraplp.MPSolverParameters()
    parameters.SetDoubleParam(parameters.RELATIVE_MIP_GAP, 0.0)  # optimal means proven exactly

    with stopping.watching(solver):
        status = solver.Solve(parameters)
    if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        values = [round(v.solution_value()) for v in variables]
        name = "OPTIMAL" if status == pywraplp.Solver.OPTIMAL else "FEASIBLE"
        return MipSolution(name, values, objective.BestBound())
    if status == pywraplp.Solver.INFEASIBLE:
        return MipSolution("INFEASIBLE", None, None)
    return MipSolution("UNKNOWN", None, None)
