"""Each constraint family (H1-H8, S1) and the score rules: trivial, infeasible and binding cases."""

from __future__ import annotations

import random

import pytest

from matchmaker.cli import app
from matchmaker.optimisation import ScenarioError
from matchmaker.optimisation.validate import objective_of
from tests.builders import (
    applicants,
    application,
    case,
    details,
    firm,
    mission,
    mission_row,
    pairs,
    reasons,
    round_doc,
)
from tests.random_rounds import random_round
from tests.solving import solve_checked

# Scores with the default weights, no region priority, promotional missions:
# place 1000 + rank (1: 100, 2: 60, 3: 30, 4+: 10) + first_timer 50 - repeat 10 per mission.
RANK1 = 1150
RANK2 = 1110
RANK3 = 1080


def assert_infeasible(doc, locked_pairs, constraint, runner, write_scenario):
    """The round is INFEASIBLE, names the locked pairs and the rule, and the CLI exits 3."""
    result = solve_checked(doc)
    assert result["status"] == "INFEASIBLE"
    assert result["placements"] == []
    named = {
        (c["constraint"], frozenset((p["firm"], p["mission"]) for p in c["locked"]))
        for c in result["infeasible"]
    }
    assert (constraint, frozenset(locked_pairs)) in named, result["infeasible"]
    cli = runner.invoke(app, ["solve", str(write_scenario(doc))])
    assert cli.exit_code == 3, cli.output
    assert constraint in cli.output
    assert "Traceback" not in cli.output


# --------------------------------------------------------------------------- H1 capacity


def test_capacity_trivial_single_applicant_is_placed():
    result = solve_checked(round_doc())
    assert result["status"] == "OPTIMAL"
    assert pairs(result) == {("F1", "M1")}
    assert result["objective"] == RANK1
    assert mission_row(result, "M1") == {
        "id": "M1",
        "runs": True,
        "placed": 1,
        "capacity": 10,
        "subsidy_eur": 0,
    }


def test_capacity_binds_and_keeps_the_best_scores():
    doc = round_doc(
        missions=[mission(capacity=2)],
        firms=[firm("F1"), firm("F2", history=1), firm("F3", history=2)],
        applications=applicants("F1", "F2", "F3"),
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M1"), ("F2", "M1")}
    assert result["objective"] == RANK1 + (RANK1 - 60) == 2240
    assert reasons(result) == {("F3", "M1"): "outranked"}
    assert details(result)[("F3", "M1")] == "mission full; lowest placed score 1090 > 1080"


def test_capacity_zero_places_nobody():
    doc = round_doc(missions=[mission(capacity=0)])
    result = solve_checked(doc)
    assert result["placements"] == []
    assert result["objective"] == 0
    assert reasons(result) == {("F1", "M1"): "outranked"}


def test_capacity_infeasible_lock(runner, write_scenario):
    doc = round_doc(
        missions=[mission(capacity=1)],
        firms=[firm("F1"), firm("F2")],
        applications=applicants("F1", "F2"),
        locked=[("F1", "M1"), ("F2", "M1")],
    )
    assert_infeasible(doc, {("F1", "M1"), ("F2", "M1")}, "H1 capacity", runner, write_scenario)


# --------------------------------------------------------------------------- H2 minimum


def test_minimum_trivial_met():
    doc = round_doc(
        missions=[mission(min_participants=2)],
        firms=[firm("F1"), firm("F2")],
        applications=applicants("F1", "F2"),
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M1"), ("F2", "M1")}
    assert mission_row(result, "M1")["runs"] is True


def test_minimum_not_reachable_cancels_the_mission():
    doc = round_doc(
        missions=[mission(min_participants=3), mission("M2", start="2026-06-01")],
        firms=[firm("F1"), firm("F2")],
        applications=[*applicants("F1", "F2"), application("F2", "M2", 2)],
    )
    result = solve_checked(doc)
    assert mission_row(result, "M1")["runs"] is False
    assert mission_row(result, "M1")["placed"] == 0
    assert pairs(result) == {("F2", "M2")}
    assert reasons(result) == {("F1", "M1"): "mission_cancelled", ("F2", "M1"): "placed_elsewhere"}
    assert result["objective"] == RANK2


def test_minimum_binds_and_moves_a_firm_to_its_second_choice():
    # Unconstrained, F1 takes M1 and F2 takes M2 (2300); M1 needs two, M2 has one place.
    doc = round_doc(
        missions=[mission(capacity=2, min_participants=2), mission("M2", capacity=1)],
        firms=[firm("F1"), firm("F2")],
        applications=[
            application("F1", "M1", 1),
            application("F1", "M2", 2),
            application("F2", "M2", 1),
            application("F2", "M1", 2),
        ],
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M1"), ("F2", "M1")}
    assert result["objective"] == RANK1 + RANK2 == 2260


def test_minimum_infeasible_lock_on_a_mission_that_cannot_run(runner, write_scenario):
    doc = round_doc(missions=[mission(min_participants=2)], locked=[("F1", "M1")])
    assert_infeasible(doc, {("F1", "M1")}, "H2 minimum participants", runner, write_scenario)


def test_minimum_infeasible_through_locks_on_two_missions(runner, write_scenario):
    # M1 must run (F1 locked) and needs F2, but F2 is locked on M2 and may hold one place.
    doc = round_doc(
        missions=[mission(capacity=2, min_participants=2), mission("M2", start="2026-06-01")],
        firms=[firm("F1"), firm("F2")],
        applications=[
            application("F1", "M1", 1),
            application("F2", "M1", 1),
            application("F2", "M2", 2),
        ],
        locked=[("F1", "M1"), ("F2", "M2")],
    )
    result = solve_checked(doc)
    assert result["status"] == "INFEASIBLE"
    named = set()
    for conflict in result["infeasible"]:
        assert conflict["constraint"] and conflict["detail"]
        named |= {(p["firm"], p["mission"]) for p in conflict["locked"]}
    assert named == {("F1", "M1"), ("F2", "M2")}
    cli = runner.invoke(app, ["solve", str(write_scenario(doc))])
    assert cli.exit_code == 3


# --------------------------------------------------------------------------- H3 per firm


def two_missions_doc(max_places: int | None, **options) -> dict:
    return round_doc(
        missions=[
            mission("M1"),
            mission("M2", start="2026-06-01"),
            mission("M3", start="2026-07-01"),
        ],
        firms=[firm("F1")],
        applications=[
            application("F1", "M1", 1),
            application("F1", "M2", 2),
            application("F1", "M3", 3),
        ],
        max_places_per_firm=max_places,
        **options,
    )


def test_per_firm_default_limit_is_one():
    result = solve_checked(two_missions_doc(None))
    assert pairs(result) == {("F1", "M1")}
    assert result["objective"] == RANK1
    assert set(reasons(result).values()) == {"placed_elsewhere"}


def test_per_firm_limit_one():
    result = solve_checked(two_missions_doc(1))
    assert pairs(result) == {("F1", "M1")}
    assert reasons(result) == {("F1", "M2"): "placed_elsewhere", ("F1", "M3"): "placed_elsewhere"}


def test_per_firm_limit_two():
    result = solve_checked(two_missions_doc(2))
    assert pairs(result) == {("F1", "M1"), ("F1", "M2")}
    assert result["objective"] == RANK1 + RANK2 == 2260
    assert reasons(result) == {("F1", "M3"): "placed_elsewhere"}


def test_per_firm_limit_binds_and_gives_the_place_to_another_firm():
    # M1 has one place; F1 also likes M2, so F2 gets M1 and F1 its second choice.
    doc = round_doc(
        missions=[mission(capacity=1), mission("M2", start="2026-06-01", capacity=1)],
        firms=[firm("F1"), firm("F2")],
        applications=[
            application("F1", "M1", 1),
            application("F1", "M2", 2),
            application("F2", "M1", 1),
        ],
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F2", "M1"), ("F1", "M2")}
    assert result["objective"] == RANK1 + RANK2
    assert reasons(result) == {("F1", "M1"): "placed_elsewhere"}


def test_per_firm_infeasible_lock(runner, write_scenario):
    doc = two_missions_doc(1, locked=[("F1", "M1"), ("F1", "M2")])
    assert_infeasible(doc, {("F1", "M1"), ("F1", "M2")}, "H3 per firm", runner, write_scenario)


# --------------------------------------------------------------------------- H4 no overlap


def dated_doc(*ranges: tuple[str, str], **options) -> dict:
    """One firm applying to missions M1, M2, ... with these date ranges, in rank order."""
    missions = [mission(f"M{n}", start=start, end=end) for n, (start, end) in enumerate(ranges, 1)]
    return round_doc(
        missions=missions,
        firms=[firm("F1")],
        applications=[application("F1", m["id"], n) for n, m in enumerate(missions, 1)],
        max_places_per_firm=len(ranges),
        **options,
    )


def test_overlap_trivial_disjoint_months():
    result = solve_checked(dated_doc(("2026-05-11", "2026-05-13"), ("2026-06-01", "2026-06-02")))
    assert pairs(result) == {("F1", "M1"), ("F1", "M2")}


def test_overlap_on_the_inclusive_end_day():
    result = solve_checked(dated_doc(("2026-05-11", "2026-05-13"), ("2026-05-13", "2026-05-15")))
    assert pairs(result) == {("F1", "M1")}
    assert result["objective"] == RANK1
    assert reasons(result) == {("F1", "M2"): "date_conflict"}


def test_overlap_same_single_day():
    result = solve_checked(dated_doc(("2026-05-11", "2026-05-11"), ("2026-05-11", "2026-05-11")))
    assert pairs(result) == {("F1", "M1")}
    assert reasons(result) == {("F1", "M2"): "date_conflict"}


def test_no_overlap_on_adjacent_days():
    result = solve_checked(dated_doc(("2026-05-11", "2026-05-13"), ("2026-05-14", "2026-05-15")))
    assert pairs(result) == {("F1", "M1"), ("F1", "M2")}
    assert result["objective"] == RANK1 + RANK2


def test_overlap_binds_in_a_chain_of_missions():
    # M1 (rank 1) overlaps M2 and M3, which do not overlap each other: M2 + M3 beat M1 alone.
    doc = dated_doc(
        ("2026-05-13", "2026-05-15"),
        ("2026-05-11", "2026-05-13"),
        ("2026-05-15", "2026-05-17"),
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M2"), ("F1", "M3")}
    assert result["objective"] == RANK2 + RANK3 == 2190
    assert reasons(result) == {("F1", "M1"): "date_conflict"}


def test_overlap_infeasible_lock(runner, write_scenario):
    doc = dated_doc(
        ("2026-05-11", "2026-05-13"),
        ("2026-05-13", "2026-05-15"),
        locked=[("F1", "M1"), ("F1", "M2")],
    )
    assert_infeasible(doc, {("F1", "M1"), ("F1", "M2")}, "H4 no overlap", runner, write_scenario)


# --------------------------------------------------------------------------- H5 slipstream


def slipstream_doc(kind: str, slipstream_max: int | None, **options) -> dict:
    """F1 metal and F2 logistics (non-focus, F2 a repeat visitor) and F3 water (focus)."""
    firms = [
        firm("F1", sector="metal", cases=[case(sector="metal")]),
        firm("F2", sector="logistics", history=1, cases=[case(sector="logistics")]),
        firm("F3", sector="water", cases=[case()]),
    ]
    return round_doc(
        missions=[mission(kind=kind, slipstream_max=slipstream_max)],
        firms=firms,
        applications=[application(f, "M1", 1, "BC1") for f in ("F1", "F2", "F3")],
        **options,
    )


def test_slipstream_trivial_without_limit():
    result = solve_checked(slipstream_doc("promotional", None))
    assert len(result["placements"]) == 3


def test_slipstream_binds_on_a_promotional_mission():
    result = solve_checked(slipstream_doc("promotional", 1))
    assert pairs(result) == {("F1", "M1"), ("F3", "M1")}
    assert result["objective"] == RANK1 + RANK1
    assert reasons(result) == {("F2", "M1"): "slipstream_full"}


def test_slipstream_zero_takes_only_focus_sectors():
    result = solve_checked(slipstream_doc("promotional", 0))
    assert pairs(result) == {("F3", "M1")}
    assert set(reasons(result).values()) == {"slipstream_full"}


def test_slipstream_does_not_apply_to_business_missions():
    result = solve_checked(slipstream_doc("business", 0))
    assert len(result["placements"]) == 3
    assert result["unplaced"] == []


def test_slipstream_infeasible_lock(runner, write_scenario):
    doc = slipstream_doc("promotional", 1, locked=[("F1", "M1"), ("F2", "M1")])
    assert_infeasible(doc, {("F1", "M1"), ("F2", "M1")}, "H5 slipstream", runner, write_scenario)


# --------------------------------------------------------------------------- H6 sector cap


def sector_doc(sector_max: int | None, kind: str = "promotional", **options) -> dict:
    firms = [
        firm("F1", cases=[case()]),
        firm("F2", history=1, cases=[case()]),
        firm("F3", sector="energy", cases=[case(sector="energy")]),
    ]
    return round_doc(
        missions=[mission(kind=kind, sector_max=sector_max)],
        firms=firms,
        applications=[application(f, "M1", 1, "BC1") for f in ("F1", "F2", "F3")],
        **options,
    )


def test_sector_cap_trivial_without_limit():
    assert len(solve_checked(sector_doc(None))["placements"]) == 3


@pytest.mark.parametrize("kind", ["promotional", "business"])
def test_sector_cap_binds(kind):
    result = solve_checked(sector_doc(1, kind))
    assert pairs(result) == {("F1", "M1"), ("F3", "M1")}
    assert result["objective"] == RANK1 + RANK1
    assert reasons(result) == {("F2", "M1"): "sector_cap"}


def test_sector_cap_infeasible_lock(runner, write_scenario):
    doc = sector_doc(1, locked=[("F1", "M1"), ("F2", "M1")])
    assert_infeasible(doc, {("F1", "M1"), ("F2", "M1")}, "H6 sector cap", runner, write_scenario)


# --------------------------------------------------------------------------- H7 budget


def budget_doc(budget: int | None, employees=(4, 5, 100, 101), **options) -> dict:
    """Firm E<n> has n employees; every firm applies to M1 with a subsidy of EUR 1000."""
    firms = [firm(f"E{n}", employees=n) for n in employees]
    return round_doc(
        missions=[mission(subsidy_eur=1000)],
        firms=firms,
        applications=applicants(*(f["id"] for f in firms)),
        budget_eur=budget,
        **options,
    )


def test_budget_trivial_without_limit():
    result = solve_checked(budget_doc(None))
    assert len(result["placements"]) == 4
    # Only the target group (5..100 employees) draws the subsidy.
    assert result["budget_used_eur"] == 2000
    assert mission_row(result, "M1")["subsidy_eur"] == 2000


def test_budget_zero_counts_only_target_group_firms():
    result = solve_checked(budget_doc(0))
    assert pairs(result) == {("E4", "M1"), ("E101", "M1")}
    assert reasons(result) == {("E5", "M1"): "budget", ("E100", "M1"): "budget"}
    assert result["budget_used_eur"] == 0
    assert result["objective"] == 2 * RANK1


def test_budget_binds_among_target_group_firms():
    firms = [
        firm("F1", employees=5),
        firm("F2", employees=100, history=1),
        firm("F3", employees=50, history=3),
        firm("F4", employees=101, history=3),
    ]
    doc = round_doc(
        missions=[mission(subsidy_eur=1000)],
        firms=firms,
        applications=applicants("F1", "F2", "F3", "F4"),
        budget_eur=2500,
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M1"), ("F2", "M1"), ("F4", "M1")}
    assert result["budget_used_eur"] == 2000
    assert result["objective"] == objective_of(doc, sorted(pairs(result))) == 1150 + 1090 + 1070
    assert reasons(result) == {("F3", "M1"): "budget"}


def test_budget_prefers_an_unsubsidised_place_on_another_mission():
    # F1 can go to M1 (subsidy 1000) or M2 (none); with EUR 1000 left, F2 needs M1's subsidy.
    doc = round_doc(
        missions=[
            mission(subsidy_eur=1000),
            mission("M2", start="2026-06-01"),
        ],
        firms=[firm("F1"), firm("F2")],
        applications=[
            application("F1", "M1", 1),
            application("F1", "M2", 2),
            application("F2", "M1", 1),
        ],
        budget_eur=1000,
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F2", "M1"), ("F1", "M2")}
    assert result["objective"] == RANK1 + RANK2


def test_budget_infeasible_lock(runner, write_scenario):
    doc = budget_doc(1000, employees=(5, 100), locked=[("E5", "M1"), ("E100", "M1")])
    assert_infeasible(doc, {("E5", "M1"), ("E100", "M1")}, "H7 budget", runner, write_scenario)


def test_budget_locks_outside_the_target_group_are_free():
    doc = budget_doc(0, employees=(4, 101), locked=[("E4", "M1"), ("E101", "M1")])
    result = solve_checked(doc)
    assert result["status"] == "OPTIMAL"
    assert pairs(result) == {("E4", "M1"), ("E101", "M1")}


# --------------------------------------------------------------------------- H8 locked


def test_locked_pair_is_placed_even_against_the_objective():
    doc = round_doc(
        missions=[mission(capacity=1)],
        firms=[firm("F1"), firm("F2", history=3)],
        applications=applicants("F1", "F2"),
        locked=[("F2", "M1")],
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F2", "M1")}
    assert result["objective"] == 1070
    # F1 scores higher: it is not "outranked" but kept out by the organiser's lock.
    assert reasons(result)[("F1", "M1")] == "not_selected"
    assert details(result)[("F1", "M1")] == "the organiser locked F2 (score 1070) on M1"


def test_locked_trivial_empty_list():
    result = solve_checked(round_doc(locked=[]))
    assert pairs(result) == {("F1", "M1")}


def test_locked_ineligible_pair_is_infeasible(runner, write_scenario):
    doc = round_doc(missions=[mission(sectors=["energy"])], locked=[("F1", "M1")])
    assert_infeasible(doc, {("F1", "M1")}, "eligibility (sector_mismatch)", runner, write_scenario)


def test_locked_infeasible_result_document_shape():
    doc = round_doc(
        missions=[mission(capacity=1)],
        firms=[firm("F1"), firm("F2")],
        applications=applicants("F1", "F2"),
        locked=[("F1", "M1"), ("F2", "M1")],
    )
    result = solve_checked(doc)
    assert result["status"] == "INFEASIBLE"
    assert result["objective"] is None
    assert result["unplaced"] == []
    assert all(conflict["detail"] for conflict in result["infeasible"])


# --------------------------------------------------------------------------- S1 region minimum


def region_doc(region_min: dict, **options) -> dict:
    """M1 has two places; F1 and F2 from Groningen score 1150, F3 from Drenthe 1070."""
    return round_doc(
        missions=[mission(capacity=2, region_min=region_min)],
        firms=[firm("F1"), firm("F2"), firm("F3", region="DR", history=3)],
        applications=applicants("F1", "F2", "F3"),
        **options,
    )


def test_region_minimum_trivial_met_without_cost():
    result = solve_checked(region_doc({"GR": 1}))
    assert pairs(result) == {("F1", "M1"), ("F2", "M1")}
    assert result["objective"] == 2300
    assert result["region_shortfall"] == []


def test_region_minimum_binds():
    result = solve_checked(region_doc({"DR": 1}))
    assert ("F3", "M1") in pairs(result)
    assert result["objective"] == 1150 + 1070
    assert result["region_shortfall"] == []
    # The firm left out scores higher than F3: the region's minimum, not its score, is why.
    (left_out,) = details(result)
    assert reasons(result) == {left_out: "not_selected"}
    assert details(result)[left_out] == (
        "F3 (score 1070) fills a seat of M1's minimum for region DR; the exchange would cost "
        "the round 2000 points of region minimum for a gain of 80"
    )


def test_region_minimum_with_a_cheap_penalty_is_left_short():
    result = solve_checked(region_doc({"DR": 1}, weights={"region_shortfall": 40}))
    assert pairs(result) == {("F1", "M1"), ("F2", "M1")}
    assert result["objective"] == 2300 - 40
    assert result["region_shortfall"] == [{"mission": "M1", "region": "DR", "missing": 1}]


def test_region_with_no_eligible_applicant_costs_nothing():
    # Fryslân asks two seats but has no applicant; its firm F4 fails the mission's sectors.
    doc = region_doc({"FR": 2})
    doc["firms"].append(firm("F4", region="FR", sector="metal"))
    doc["missions"][0]["sectors"] = ["water"]
    doc["applications"].append(application("F4", "M1", 1))
    result = solve_checked(doc)
    assert result["objective"] == 2300
    assert result["region_shortfall"] == []
    assert reasons(result)[("F4", "M1")] == "sector_mismatch"


def test_region_minimum_is_capped_by_eligible_applicants():
    result = solve_checked(region_doc({"DR": 3}))
    assert result["objective"] == 1150 + 1070
    assert result["region_shortfall"] == []


def test_region_minimum_applies_even_when_the_mission_is_cancelled():
    doc = region_doc({"DR": 1})
    doc["missions"][0]["min_participants"] = 2
    doc["missions"][0]["sectors"] = ["water"]
    for firm_doc in doc["firms"][:2]:
        firm_doc["sector"] = "metal"  # only F3 stays eligible: M1 cannot reach two
    result = solve_checked(doc)
    assert mission_row(result, "M1")["runs"] is False
    assert result["placements"] == []
    assert result["objective"] == -2000
    assert result["region_shortfall"] == [{"mission": "M1", "region": "DR", "missing": 1}]
    assert reasons(result)[("F3", "M1")] == "mission_cancelled"


def test_region_minimum_never_makes_a_round_infeasible():
    result = solve_checked(region_doc({"DR": 1}, locked=[("F1", "M1"), ("F2", "M1")]))
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == 2300 - 2000
    assert result["region_shortfall"] == [{"mission": "M1", "region": "DR", "missing": 1}]


def test_region_minimum_of_zero_costs_nothing():
    result = solve_checked(region_doc({"DR": 0}))
    assert result["objective"] == 2300


def test_negative_shortfall_weight_is_an_input_error():
    # A negative weight would reward leaving a region's minimum unmet: refused, by its path.
    with pytest.raises(ScenarioError) as error:
        solve_checked(region_doc({"GR": 1, "DR": 1}, weights={"region_shortfall": -100}))
    assert error.value.problems == ["weights.region_shortfall: must be >= 0, got -100"]


@pytest.mark.parametrize("seed", [17, 19, 53, 143])
def test_zero_shortfall_weight_reports_only_the_real_shortfall(seed):
    # With the penalty at 0 the shortfall still means max(0, min(k, e) - placed from r).
    doc = random_round(random.Random(seed), firms=8, missions=3)
    doc["weights"] = {"region_shortfall": 0}
    result = solve_checked(doc)  # the checker recomputes region_shortfall from the placements
    assert result["status"] == "OPTIMAL"


# --------------------------------------------------------------------------- scores


def scored(doc: dict) -> dict[tuple[str, str], int]:
    """Scores of all placements of a round where everyone can be placed."""
    result = solve_checked(doc)
    assert not result["unplaced"], result["unplaced"]
    return {(p["firm"], p["mission"]): p["score"] for p in result["placements"]}


def ranks_doc(*ranks: int, weights: dict | None = None) -> dict:
    """Firm F<r> applies with rank r to M1, which has room for all."""
    return round_doc(
        firms=[firm(f"F{r}") for r in ranks],
        applications=[application(f"F{r}", "M1", r) for r in ranks],
        weights=weights,
    )


def test_default_rank_points_and_ranks_beyond_four():
    scores = scored(ranks_doc(1, 2, 3, 4, 5, 9))
    assert scores == {
        ("F1", "M1"): 1150,
        ("F2", "M1"): 1110,
        ("F3", "M1"): 1080,
        ("F4", "M1"): 1060,
        ("F5", "M1"): 1060,
        ("F9", "M1"): 1060,
    }


def test_rank_points_are_overridden_key_by_key():
    scores = scored(ranks_doc(1, 2, 3, weights={"rank_points": {"1": 300}}))
    assert scores == {("F1", "M1"): 1350, ("F2", "M1"): 1110, ("F3", "M1"): 1080}


def test_rank_without_key_takes_the_largest_key_below_it():
    weights = {"rank_points": {"2": 90, "5": 0, "7": 25}}
    scores = scored(ranks_doc(2, 3, 4, 5, 6, 7, 12, weights=weights))
    assert scores == {
        ("F2", "M1"): 1140,
        ("F3", "M1"): 1080,
        ("F4", "M1"): 1060,
        ("F5", "M1"): 1050,
        ("F6", "M1"): 1050,
        ("F7", "M1"): 1075,
        ("F12", "M1"): 1075,
    }


def test_scalar_weights_are_overridden_one_by_one():
    doc = round_doc(
        firms=[firm("F1"), firm("F2", history=2)],
        applications=applicants("F1", "F2"),
        weights={"place": 500, "first_timer": 7},
    )
    # repeat keeps its default 10
    assert scored(doc) == {("F1", "M1"): 500 + 100 + 7, ("F2", "M1"): 500 + 100 - 20}


def test_first_timer_bonus_and_repeat_penalty_capped_at_three():
    histories = [0, 1, 2, 3, 4, 7]
    doc = round_doc(
        firms=[firm(f"H{h}", history=h) for h in histories],
        applications=applicants(*(f"H{h}" for h in histories)),
    )
    assert scored(doc) == {
        ("H0", "M1"): 1150,
        ("H1", "M1"): 1090,
        ("H2", "M1"): 1080,
        ("H3", "M1"): 1070,
        ("H4", "M1"): 1070,
        ("H7", "M1"): 1070,
    }


def test_repeat_weight_override_is_capped_at_three_missions():
    doc = round_doc(
        firms=[firm("F1", history=5)],
        weights={"repeat": 25, "first_timer": 80},
    )
    assert scored(doc) == {("F1", "M1"): 1000 + 100 - 75}


def test_region_priority_is_added():
    regions = [
        {"code": "FR", "name": "Fryslân", "priority": 0},
        {"code": "GR", "name": "Groningen", "priority": 20},
        {"code": "DR", "name": "Drenthe", "priority": 10},
    ]
    doc = round_doc(
        regions=regions,
        firms=[firm("F1", region="FR"), firm("F2", region="GR"), firm("F3", region="DR")],
        applications=applicants("F1", "F2", "F3"),
    )
    assert scored(doc) == {("F1", "M1"): 1150, ("F2", "M1"): 1170, ("F3", "M1"): 1160}


@pytest.mark.parametrize(
    ("evidence", "points"), [("none", 0), ("leads", 10), ("letter_of_intent", 25), ("order", 40)]
)
def test_evidence_points_only_on_business_missions(evidence, points):
    doc = round_doc(
        missions=[
            mission("B", kind="business"),
            mission("P", kind="promotional", start="2026-06-01"),
        ],
        firms=[firm("F1", cases=[case(evidence=evidence)])],
        applications=[application("F1", "B", 1, "BC1"), application("F1", "P", 2, "BC1")],
        max_places_per_firm=2,
    )
    assert scored(doc) == {("F1", "B"): 1150 + points, ("F1", "P"): 1110}


def test_evidence_points_are_overridden_key_by_key():
    doc = round_doc(
        missions=[mission(kind="business")],
        firms=[
            firm("F1", cases=[case(evidence="order")]),
            firm("F2", cases=[case(evidence="leads")]),
            firm("F3", cases=[case(evidence="none")]),
        ],
        applications=[application(f, "M1", 1, "BC1") for f in ("F1", "F2", "F3")],
        weights={"evidence_points": {"order": 120, "none": -5}},
    )
    assert scored(doc) == {("F1", "M1"): 1270, ("F2", "M1"): 1160, ("F3", "M1"): 1145}


def test_objective_is_the_sum_of_scores_minus_shortfall():
    doc = region_doc({"DR": 1, "FR": 1}, weights={"region_shortfall": 40})
    doc["firms"].append(firm("F4", region="FR", history=1))
    doc["applications"].append(application("F4", "M1", 2))
    result = solve_checked(doc)
    placed = sorted(pairs(result))
    assert result["objective"] == objective_of(doc, placed)
    expected = sum(p["score"] for p in result["placements"]) - 40 * sum(
        row["missing"] for row in result["region_shortfall"]
    )
    assert result["objective"] == expected
