"""The quick constructive pass: a valid first schedule, shown at once, kept when time runs out."""

from __future__ import annotations

import pytest

from matchmaker.optimisation.meetings import solve_meetings, validate
from matchmaker.optimisation.meetings.data import prepare
from matchmaker.optimisation.meetings.greedy import fair, schedule
from matchmaker.optimisation.meetings.schedule_check import check
from tests.meetings.builders import day, random_day


@pytest.mark.parametrize("seed", range(40))
def test_greedy_schedule_keeps_every_hard_rule(seed: int) -> None:
    document = random_day(seed)
    problem = validate(document)
    data = prepare(problem, problem.fairness)
    slots = schedule(data)
    assert slots is not None  # optional requests: the pass never gives up
    for m, s in slots.items():
        assert s in data.allowed(m)
    for meetings in data.meetings_of:
        taken = [slots[m] for m in meetings if m in slots]
        assert len(taken) == len(set(taken))
    for s in range(problem.slots):
        assert sum(1 for v in slots.values() if v == s) <= problem.tables
    for m, meeting in enumerate(problem.meetings):
        for number in meeting.after:
            if m in slots and number - 1 in slots:
                assert slots[number - 1] < slots[m]


def test_first_schedule_is_reported_and_kept_when_the_search_has_no_time() -> None:
    people = [f"f{i}" for i in range(6)] + [f"p{i}" for i in range(6)]
    requests = [(f"f{i}", f"p{(i + k) % 6}") for i in range(6) for k in range(3)]
    document = day(6, 3, people, requests, fairness=2)
    seen = []
    result = solve_meetings(validate(document), time_limit=0.0, progress=seen.append)
    assert seen and seen[0].engine == "quick first pass"
    assert result.status in ("FEASIBLE", "OPTIMAL")
    out = result.to_document()
    assert check(document, out) == []
    assert out["scheduled"] == 18
    assert out["quality"] and ("proven best" in out["quality"] or "more" in out["quality"])


def test_quality_in_plain_words() -> None:
    document = day(3, 2, ["a", "b", "c"], [("a", "b"), ("a", "c")])
    out = solve_meetings(validate(document), workers=1).to_document()
    assert out["status"] == "OPTIMAL" and out["quality"] == "proven best"
    result = solve_meetings(validate(document), workers=1)
    result.status, result.objective, result.bound = "FEASIBLE", 5, 2
    assert result.quality == "at most 3 breaks more than the best possible"
    result.placement_proven = False
    assert result.quality.endswith("more requests might fit (not proven within the time limit)")


def test_unfair_greedy_schedule_is_not_an_answer() -> None:
    # a has meetings in slots 1 and 3 under any schedule (forbidden 2): 1 break, b none.
    document = day(3, 2, {"a": [2], "b": [], "c": []}, [("a", "b"), ("a", "c")], fairness=0)
    problem = validate(document)
    data = prepare(problem, 0)
    slots = schedule(data)
    assert slots is not None and not fair(data, slots)
