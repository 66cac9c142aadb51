"""Input errors: every problem at once, each with its JSON path; determinism of the result."""

from __future__ import annotations

import json

import pytest

from matchmaker.optimisation.meetings import (
    MeetingProblemError,
    load_problem,
    solve_meetings,
    validate,
)
from tests.meetings.builders import day, random_day


def problems_of(document: object) -> list[str]:
    with pytest.raises(MeetingProblemError) as error:
        validate(document)
    return error.value.problems


def test_every_problem_is_listed_with_its_path() -> None:
    document = {
        "format": "matchmaker-meetings/2",
        "slots": 0,
        "tables": "two",
        "morning_slots": 3,
        "participants": [{"id": "a", "forbidden": [1, 1]}, {"id": "a"}, {"name": "x"}],
        "requested": [
            {"participants": ["a", "zz"], "session": "noon", "priority": 0},
            {"participants": ["a"], "fixed_table": 1, "after": [2], "colour": "red"},
        ],
        "extra": 1,
    }
    assert problems_of(document) == [
        "extra: unknown field",
        "format: \"matchmaker-meetings/2\" is not 'matchmaker-meetings/1'",
        "slots: must be between 1 and 500, got 0",
        'tables: must be an integer, got "two"',
        "participants[0].forbidden[1]: slot 1 is listed twice",
        "participants[1].id: 'a' is already used by participants[0]",
        "participants[2].id: is required",
        "requested[0].participants[1]: 'zz' is not a participant id",
        'requested[0].session: "noon" is not one of any, morning, afternoon',
        "requested[0].priority: must be between 1 and 1000, got 0",
        "requested[1].colour: unknown field",
        "requested[1].participants: must name exactly 2 participants, got 1",
        "requested[1].fixed_table: a fixed table needs a fixed_slot",
        "requested[1].after[0]: a meeting cannot come after itself",
    ]


def test_not_an_object() -> None:
    assert problems_of([1, 2]) == ["(document): must be an object, got [1, 2]"]


def test_sessions_that_do_not_exist() -> None:
    document = day(3, 1, ["a", "b"], [{"participants": ["a", "b"], "session": "afternoon"}])
    assert problems_of(document) == [
        "requested[0].session: there is no afternoon: morning_slots = slots"
    ]


def test_slots_beyond_the_day_and_self_meetings() -> None:
    document = day(3, 2, {"a": [4], "b": []}, [{"participants": ["b", "b"], "fixed_slot": 9}])
    assert problems_of(document) == [
        "participants[0].forbidden[0]: must be between 1 and 3, got 4",
        "requested[0].participants: 'b' cannot meet itself",
        "requested[0].fixed_slot: must be between 1 and 3, got 9",
    ]


def test_load_problem_reports_unreadable_files(tmp_path) -> None:
    with pytest.raises(MeetingProblemError, match="no such file"):
        load_problem(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(MeetingProblemError, match="not valid JSON at line 1"):
        load_problem(bad)


def test_problem_round_trips_through_its_document(tmp_path) -> None:
    document = random_day(7)
    path = tmp_path / "day.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    problem = load_problem(path)
    assert validate(problem.to_document()) == problem


@pytest.mark.parametrize("seed", [3, 11])
def test_same_input_and_seed_give_the_same_result(seed: int) -> None:
    problem = validate(random_day(seed))

    def run() -> dict:
        result = solve_meetings(problem, seed=seed).to_document()
        result.pop("solve_seconds")
        return result

    assert run() == run()
