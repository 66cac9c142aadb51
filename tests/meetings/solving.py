"""Solve a document and check the result with the independent checker, every time."""

from __future__ import annotations

from typing import Any

from matchmaker.optimisation.meetings import solve_meetings, validate
from matchmaker.optimisation.meetings.schedule_check import check


def solve_checked(document: dict, **options: Any) -> dict:
    """The result document of a JSON day; a found schedule must pass the checker."""
    options.setdefault("workers", 1)
    result = solve_meetings(validate(document), **options).to_document()
    if result["status"] in ("OPTIMAL", "FEASIBLE"):
        assert check(document, result) == []
    return result
