"""The pure matching engine: scenario in, result out (the only package that imports ortools)."""

from __future__ import annotations

from typing import Any

# First: loads OR-Tools CP-SAT without pandas (see _ortools.py).
from matchmaker.optimisation import _ortools  # noqa: F401
from matchmaker.optimisation.model import SolveOptions, SolveOutcome, solve_round
from matchmaker.optimisation.result import RESULT_FORMAT, result_document
from matchmaker.optimisation.scenario import parse_scenario
from matchmaker.optimisation.scenario_types import Scenario, ScenarioError
from matchmaker.optimisation.search import Progress, ProgressCallback


def solve_scenario_document(
    document: Any,
    options: SolveOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> tuple[SolveOutcome, dict]:
    """Validate a scenario document and solve it: the outcome (in terms of the prepared
    round) and its result document. The one way in for every solve of a scenario.

    Raises ScenarioError (with every problem and its JSON path) for bad input.
    """
    options = options or SolveOptions()
    outcome = solve_round(parse_scenario(document), options, on_progress)
    return outcome, result_document(outcome, options)


def solve_document(
    document: Any,
    options: SolveOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> dict:
    """Validate a scenario document, solve it and return the result document.

    Raises ScenarioError (with every problem and its JSON path) for bad input.
    """
    return solve_scenario_document(document, options, on_progress)[1]


__all__ = [
    "RESULT_FORMAT",
    "Progress",
    "ProgressCallback",
    "Scenario",
    "ScenarioError",
    "SolveOptions",
    "SolveOutcome",
    "parse_scenario",
    "result_document",
    "solve_document",
    "solve_round",
    "solve_scenario_document",
]
