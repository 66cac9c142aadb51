"""Solve a scenario dict with the engine and always validate the result with the checker."""

from __future__ import annotations

import copy
from typing import Any

from matchmaker.optimisation import SolveOptions, solve_document
from matchmaker.optimisation.result_check import check_result


def solve_checked(doc: dict, **options: Any) -> dict:
    """The result document of `doc`; fails the test if the independent checker finds anything."""
    original = copy.deepcopy(doc)
    result = solve_document(doc, SolveOptions(**options))
    assert doc == original, "solving changed the scenario document"
    violations = check_result(doc, result)
    assert violations == [], "checker violations:\n" + "\n".join(violations)
    return result


def without_timing(result: dict) -> dict:
    """A result document without its wall-clock field, for comparing two solves."""
    return {key: value for key, value in result.items() if key != "solve_seconds"}
