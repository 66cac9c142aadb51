"""Each constraint family on tiny days: a feasible case and an infeasible (or binding) one."""

from __future__ import annotations

from tests.meetings.builders import day
from tests.meetings.solving import solve_checked


def slots_of(result: dict) -> list[int | None]:
    return [m["slot"] for m in result["meetings"]]


def test_trivial_day_schedules_every_meeting_without_breaks() -> None:
    result = solve_checked(day(3, 2, ["a", "b", "c"], [("a", "b"), ("a", "c")]))
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == 0
    assert result["scheduled"] == 2


def test_one_meeting_per_participant_per_slot() -> None:
    # a meets b, c and d: three different slots although there are three tables.
    result = solve_checked(day(3, 3, ["a", "b", "c", "d"], [("a", "b"), ("a", "c"), ("a", "d")]))
    assert sorted(slots_of(result)) == [1, 2, 3]


def test_more_meetings_than_slots_is_infeasible_when_all_are_required() -> None:
    document = day(2, 3, ["a", "b", "c", "d"], [("a", "b"), ("a", "c"), ("a", "d")])
    document["require_all"] = True
    result = solve_checked(document)
    assert result["status"] == "INFEASIBLE"
    (conflict,) = result["infeasible"]
    assert conflict["kind"] == "participant"
    assert conflict["participants"] == ["a"]


def test_more_meetings_than_slots_leaves_one_unscheduled_with_its_reason() -> None:
    result = solve_checked(day(2, 3, ["a", "b", "c", "d"], [("a", "b"), ("a", "c"), ("a", "d")]))
    assert result["status"] == "OPTIMAL"
    assert result["scheduled"] == 2
    (missing,) = [m for m in result["meetings"] if m["slot"] is None]
    assert missing["reason"] == "agenda_full"
    assert "a meets" in missing["detail"]


def test_tables_limit_meetings_per_slot() -> None:
    document = day(2, 1, ["a", "b", "c", "d"], [("a", "b"), ("c", "d")])
    assert sorted(slots_of(solve_checked(document))) == [1, 2]
    document = day(1, 1, ["a", "b", "c", "d"], [("a", "b"), ("c", "d")])
    result = solve_checked(document)
    assert result["scheduled"] == 1
    assert [m["reason"] for m in result["meetings"] if m["slot"] is None] == ["tables_full"]
    document["require_all"] = True
    result = solve_checked(document)
    assert result["status"] == "INFEASIBLE"
    assert result["infeasible"][0]["kind"] == "tables"


def test_fixed_meetings_over_the_table_count_clash() -> None:
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 1},
        {"participants": ["c", "d"], "fixed_slot": 1},
    ]
    result = solve_checked(day(2, 1, ["a", "b", "c", "d"], requested))
    assert result["status"] == "INFEASIBLE"
    assert result["infeasible"][0]["kind"] == "tables"
    assert result["infeasible"][0]["meetings"] == [1, 2]


def test_sessions_bind_meetings_to_morning_or_afternoon() -> None:
    requested = [
        {"participants": ["a", "b"], "session": "afternoon"},
        {"participants": ["a", "c"], "session": "morning"},
    ]
    result = solve_checked(day(4, 2, ["a", "b", "c"], requested, morning_slots=2))
    first, second = slots_of(result)
    assert first in (3, 4) and second in (1, 2)
    assert result["objective"] == 0  # slots 2 and 3 run straight across lunch


def test_a_fixed_slot_outside_the_session_is_an_explained_clash() -> None:
    requested = [{"participants": ["a", "b"], "session": "morning", "fixed_slot": 3}]
    result = solve_checked(day(4, 2, ["a", "b"], requested, morning_slots=2))
    assert result["status"] == "INFEASIBLE"
    assert result["infeasible"][0]["kind"] == "session"
    assert result["infeasible"][0]["meetings"] == [1]


def test_forbidden_slots_are_avoided() -> None:
    document = day(3, 2, {"a": [1, 2], "b": []}, [("a", "b")])
    assert slots_of(solve_checked(document)) == [3]


def test_forbidden_slots_against_a_fixed_meeting_are_explained() -> None:
    requested = [{"participants": ["a", "b"], "fixed_slot": 2}]
    result = solve_checked(day(3, 2, {"a": [2], "b": []}, requested))
    assert result["status"] == "INFEASIBLE"
    conflict = result["infeasible"][0]
    assert (conflict["kind"], conflict["participants"]) == ("forbidden", ["a"])


def test_no_common_free_slot_is_unavailable_or_infeasible() -> None:
    document = day(2, 2, {"a": [1], "b": [2]}, [("a", "b")])
    result = solve_checked(document)
    assert result["meetings"][0]["reason"] == "unavailable"
    document["require_all"] = True
    result = solve_checked(document)
    assert result["status"] == "INFEASIBLE"
    assert result["infeasible"][0]["kind"] == "forbidden"


def test_fixed_slot_and_table_are_kept() -> None:
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 2, "fixed_table": 3},
        {"participants": ["c", "d"], "fixed_slot": 2},
    ]
    result = solve_checked(day(3, 3, ["a", "b", "c", "d"], requested))
    assert (result["meetings"][0]["slot"], result["meetings"][0]["table"]) == (2, 3)
    assert result["meetings"][0]["fixed"] is True
    assert result["meetings"][1]["table"] in (1, 2)


def test_two_fixed_meetings_of_one_participant_in_one_slot_clash() -> None:
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 1},
        {"participants": ["a", "c"], "fixed_slot": 1},
    ]
    result = solve_checked(day(3, 3, ["a", "b", "c"], requested))
    assert result["status"] == "INFEASIBLE"
    assert result["infeasible"][0]["kind"] == "fixed"
    assert result["infeasible"][0]["participants"] == ["a"]


def test_same_fixed_table_twice_in_a_slot_clashes() -> None:
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 1, "fixed_table": 1},
        {"participants": ["c", "d"], "fixed_slot": 1, "fixed_table": 1},
    ]
    result = solve_checked(day(3, 3, ["a", "b", "c", "d"], requested))
    assert result["status"] == "INFEASIBLE"
    assert result["infeasible"][0]["meetings"] == [1, 2]


def test_locks_pin_a_meeting_on_top_of_the_problem() -> None:
    document = day(3, 2, ["a", "b", "c"], [("a", "b"), ("a", "c")])
    result = solve_checked(document, locked={2: (3, 2)})
    assert (result["meetings"][1]["slot"], result["meetings"][1]["table"]) == (3, 2)
    assert result["meetings"][1]["fixed"] is True
    assert result["meetings"][0]["slot"] == 2  # next to it: no break for a


def test_precedences_order_meetings() -> None:
    requested = [("a", "b"), {"participants": ["c", "d"], "after": [1]}]
    result = solve_checked(day(2, 2, ["a", "b", "c", "d"], requested))
    assert slots_of(result) == [1, 2]


def test_a_precedence_cycle_is_explained() -> None:
    requested = [
        {"participants": ["a", "b"], "after": [2]},
        {"participants": ["c", "d"], "after": [1]},
    ]
    document = day(3, 2, ["a", "b", "c", "d"], requested, require_all=True)
    result = solve_checked(document)
    assert result["status"] == "INFEASIBLE"
    assert result["infeasible"][0]["kind"] == "precedence"
    # Without require_all only one of the two can be scheduled.
    document["require_all"] = False
    assert solve_checked(document)["scheduled"] == 1


def test_precedences_against_fixed_slots_clash() -> None:
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 2},
        {"participants": ["c", "d"], "fixed_slot": 1, "after": [1]},
    ]
    result = solve_checked(day(3, 2, ["a", "b", "c", "d"], requested))
    assert result["status"] == "INFEASIBLE"
    assert result["infeasible"][0]["kind"] == "precedence"


def test_precedence_that_needs_search_is_explained_by_a_core() -> None:
    # b is only free in slot 1, so meeting 1 (a-b) is in slot 1; meeting 2 must come before it.
    requested = [("a", "b"), {"participants": ["a", "c"], "after": []}]
    requested[0] = {"participants": ["a", "b"], "after": [2]}
    document = day(3, 2, {"a": [], "b": [2, 3], "c": []}, requested, require_all=True)
    result = solve_checked(document)
    assert result["status"] == "INFEASIBLE"
    detail = result["infeasible"][0]["detail"]
    assert "2 before 1" in detail
    assert "forbidden slots of b" in detail


def test_breaks_are_counted_once_per_gap() -> None:
    # a must meet b in slot 1 and c in slot 4: one break, however long.
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 1},
        {"participants": ["a", "c"], "fixed_slot": 4},
    ]
    result = solve_checked(day(4, 2, ["a", "b", "c"], requested))
    assert result["objective"] == 1
    assert [p["breaks"] for p in result["participants"]] == [1, 0, 0]


def test_breaks_are_minimised() -> None:
    # b can only meet in slot 1 and 3: a's other meeting goes between them.
    requested = [("a", "b"), ("a", "c"), ("b", "d")]
    result = solve_checked(day(3, 2, {"a": [], "b": [2], "c": [], "d": []}, requested))
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == 1  # b's own gap at slot 2 cannot be avoided


def test_fairness_bounds_the_spread_of_breaks() -> None:
    # With d = 0 nobody may have a break while others have none: a's forced gap is not allowed.
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 1},
        {"participants": ["a", "c"], "fixed_slot": 3},
    ]
    result = solve_checked(day(3, 2, ["a", "b", "c"], requested), fairness=0)
    assert result["status"] == "INFEASIBLE"
    assert "fairness" in result["infeasible"][0]["detail"]
    assert solve_checked(day(3, 2, ["a", "b", "c"], requested), fairness=1)["status"] == "OPTIMAL"


def test_fairness_can_cost_meetings_when_not_all_are_required() -> None:
    requested = [
        {"participants": ["a", "b"], "fixed_slot": 1},
        ("a", "c"),
    ]
    document = day(3, 2, {"a": [], "b": [], "c": [1, 2]}, requested, fairness=0)
    result = solve_checked(document)
    assert result["scheduled"] == 1  # a-c only fits in slot 3, which gives a a break
    assert result["meetings"][1]["slot"] is None


def test_priority_decides_which_request_is_scheduled() -> None:
    requested = [("a", "b"), {"participants": ["a", "c"], "priority": 5}]
    result = solve_checked(day(1, 2, ["a", "b", "c"], requested))
    assert slots_of(result) == [None, 1]
    assert result["meetings"][0]["reason"] == "agenda_full"


def test_tables_keep_a_participant_seated() -> None:
    requested = [("a", "b"), ("a", "c"), ("d", "e")]
    requested = [
        {"participants": ["d", "e"], "fixed_slot": 1},
        {"participants": ["a", "b"], "fixed_slot": 1},
        {"participants": ["a", "c"], "fixed_slot": 2},
    ]
    result = solve_checked(day(2, 2, ["a", "b", "c", "d", "e"], requested))
    tables = [m["table"] for m in result["meetings"]]
    assert tables[1] == tables[2]  # a stays at its table for c
