"""Hypothesis properties over random rounds: capacity, list order, monotony, determinism."""

from __future__ import annotations

import copy
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.random_rounds import random_round
from tests.solving import solve_checked, without_timing

PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def rounds(draw) -> dict:
    """A random valid round of up to 25 firms and 6 missions, some with locked pairs."""
    seed = draw(st.integers(0, 2**32 - 1))
    return random_round(
        random.Random(seed),
        firms=draw(st.integers(1, 25)),
        missions=draw(st.integers(1, 6)),
        apps_per_firm=draw(st.integers(1, 4)),
        locked=draw(st.booleans()),
    )


@PROPERTY_SETTINGS
@given(doc=rounds())
def test_capacity_is_never_exceeded(doc):
    result = solve_checked(doc)
    capacity = {m["id"]: m["capacity"] for m in doc["missions"]}
    placed: dict[str, int] = dict.fromkeys(capacity, 0)
    for placement in result["placements"]:
        placed[placement["mission"]] += 1
    for row in result["missions"]:
        assert row["placed"] == placed[row["id"]] <= capacity[row["id"]]
        if not row["runs"]:
            assert row["placed"] == 0


@PROPERTY_SETTINGS
@given(doc=rounds(), shuffle_seed=st.integers(0, 2**32 - 1))
def test_order_of_the_lists_does_not_change_the_optimum(doc, shuffle_seed):
    rng = random.Random(shuffle_seed)
    shuffled = copy.deepcopy(doc)
    for key in ("regions", "sectors", "missions", "firms", "applications", "locked"):
        if key in shuffled:
            rng.shuffle(shuffled[key])
    for firm in shuffled["firms"]:
        rng.shuffle(firm.get("business_cases", []))
    first, second = solve_checked(doc), solve_checked(shuffled)
    assert second["status"] == first["status"]
    assert second["objective"] == first["objective"]
    if second["status"] == "INFEASIBLE":
        assert second["infeasible"]
    else:
        assert len(second["placements"]) + len(second["unplaced"]) == len(doc["applications"])


@PROPERTY_SETTINGS
@given(doc=rounds(), which=st.integers(0, 100), extra=st.integers(1, 3))
def test_more_capacity_never_lowers_the_objective(doc, which, extra):
    bigger = copy.deepcopy(doc)
    mission = bigger["missions"][which % len(bigger["missions"])]
    mission["capacity"] += extra
    before, after = solve_checked(doc), solve_checked(bigger)
    if before["status"] == "OPTIMAL":
        assert after["status"] == "OPTIMAL"
        assert after["objective"] >= before["objective"]


@PROPERTY_SETTINGS
@given(doc=rounds(), which=st.integers(0, 100))
def test_locking_an_optimal_placement_keeps_the_optimum(doc, which):
    result = solve_checked(doc)
    if result["status"] != "OPTIMAL" or not result["placements"]:
        return
    placement = result["placements"][which % len(result["placements"])]
    locked = copy.deepcopy(doc)
    pair = {"firm": placement["firm"], "mission": placement["mission"]}
    if pair not in locked.setdefault("locked", []):
        locked["locked"].append(pair)
    again = solve_checked(locked)
    assert again["status"] == "OPTIMAL"
    assert again["objective"] == result["objective"]


@PROPERTY_SETTINGS
@given(doc=rounds(), workers=st.sampled_from([1, 2, 4]), seed=st.integers(0, 5))
def test_same_input_and_seed_give_the_same_result(doc, workers, seed):
    first = solve_checked(doc, workers=workers, seed=seed)
    second = solve_checked(copy.deepcopy(doc), workers=workers, seed=seed)
    assert without_timing(first) == without_timing(second)
