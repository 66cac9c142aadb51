"""The engine's optimum equals brute force on tiny random days (both semantics)."""

from __future__ import annotations

import pytest

from tests.meetings.brute_force import best
from tests.meetings.builders import random_day
from tests.meetings.solving import solve_checked


@pytest.mark.parametrize("seed", range(40))
def test_optimum_matches_brute_force(seed: int) -> None:
    document = random_day(seed, require_all=seed % 4 == 0)
    expected = best(document)
    result = solve_checked(document)
    if expected is None:
        assert result["status"] == "INFEASIBLE"
        assert result["infeasible"] and result["infeasible"][0]["detail"]
        return
    assert result["status"] == "OPTIMAL"
    priority = sum(
        r.get("priority", 1)
        for r, m in zip(document["requested"], result["meetings"], strict=True)
        if m["slot"] is not None
    )
    assert (priority, result["objective"]) == expected
