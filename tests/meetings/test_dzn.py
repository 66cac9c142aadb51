"""The .dzn reader on all 20 published instances, and a few fast ones solved to the optimum."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from matchmaker.optimisation.meetings import (
    MeetingProblemError,
    load_problem,
    solve_meetings,
    validate,
)
from matchmaker.optimisation.meetings.dzn import parse_dzn
from matchmaker.optimisation.meetings.schedule_check import check

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "bench" / "b2b" / "instances"
PUBLISHED = {
    row["instance"]: row
    for row in csv.DictReader((ROOT / "bench" / "b2b" / "published.csv").open(encoding="utf-8"))
}


def test_all_twenty_instances_are_there() -> None:
    assert len(PUBLISHED) == 20
    assert {p.name.removesuffix(".original.dzn") for p in INSTANCES.glob("*.dzn")} == set(PUBLISHED)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_reader_counts_match_the_published_table(name: str) -> None:
    problem = load_problem(INSTANCES / f"{name}.original.dzn")
    row = PUBLISHED[name]
    assert problem.name == name
    assert len(problem.participants) == int(row["participants"])
    assert len(problem.meetings) == int(row["meetings"])
    assert problem.slots == int(row["slots"])
    assert problem.tables == int(row["locations"])
    assert (problem.morning_slots < problem.slots) == (row["am_pm"] == "Y")
    assert problem.require_all
    # The JSON form of an instance reads back to the same problem.
    assert validate(problem.to_document()) == problem


@pytest.mark.parametrize("name", ["tic-12", "tic-12crafc", "tic-13crafb"])
def test_fast_instances_solve_to_the_published_optimum(name: str) -> None:
    problem = load_problem(INSTANCES / f"{name}.original.dzn")
    result = solve_meetings(problem, fairness=2, time_limit=60).to_document()
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == int(PUBLISHED[name]["optimum_breaks"])
    assert check(problem.to_document(), result) == []


def test_reader_reads_sessions_forbidden_fixed_and_precedences() -> None:
    text = """
    % a tiny instance
    nBusiness = 3; nMeetings = 2; nTables = 1; nTotalSlots = 4; nMorningSlots = 2;
    requested = [| 1, 2, 1 | 2, 3, 2 |];
    meetingsxBusiness = [{1, 2}, {1, 2, 3}, {1, 3}];
    nMeetingsBusiness = [1, 2, 1];
    forbidden = [{0}, {0, 3}, {0}];
    fixed = [0, 4];
    precedences = [{}, {1}];
    """
    problem = parse_dzn(text, name="tiny")
    first, second = problem.meetings
    assert (first.participants, first.session, first.fixed_slot) == (("1", "2"), "morning", None)
    assert (second.session, second.fixed_slot, second.after) == ("afternoon", 4, (1,))
    assert problem.participants[1].forbidden == frozenset({3})
    result = solve_meetings(problem).to_document()
    assert [m["slot"] for m in result["meetings"]] in ([1, 4], [2, 4])


def test_reader_names_inconsistencies() -> None:
    text = """
    nBusiness = 2; nMeetings = 1; nTables = 1; nTotalSlots = 2; nMorningSlots = 2;
    requested = [| 1, 2, 3 |];
    meetingsxBusiness = [{1, 2}, {1}];
    nMeetingsBusiness = [1, 3];
    forbidden = [{0}, {0, 9}]; fixed = [0]; precedences = [{}];
    """
    with pytest.raises(MeetingProblemError) as error:
        parse_dzn(text)
    assert error.value.problems == [
        "forbidden[2]: slots [9] outside 1..2",
        "meetingsxBusiness[2]: does not match requested",
        "nMeetingsBusiness[2]: 3, requested gives 1",
    ]
