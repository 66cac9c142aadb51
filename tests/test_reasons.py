"""Reasons that are true: "outranked" only when every placed firm on the mission scores at
least as high; otherwise the rule that keeps a higher-scored firm from taking the place."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker import resources
from matchmaker.optimisation import solve_document
from matchmaker.optimisation.scenario import load_document
from matchmaker.optimisation.validate import scores as application_scores
from tests.builders import (
    applicants,
    application,
    details,
    firm,
    mission,
    pairs,
    reasons,
    round_doc,
)
from tests.random_rounds import random_round
from tests.solving import solve_checked

RANK1 = 1150  # a rank-1 first-timer in the target group, default weights


def test_the_demo_firm_that_scores_higher_than_a_placed_one_is_told_the_budget_binds() -> None:
    # Reproduced from the spring demo: F024 scores more than F028 on M-FOODTEC, but taking
    # F028's place would draw EUR 1,500 of subsidy (F028, outside the target group, draws
    # none) and the round's budget is spent. It used to be told "outranked".
    document = load_document(resources.resolve_scenario("spring-2027-noord"))
    result = solve_checked(document)
    assert reasons(result)[("F024", "M-FOODTEC")] == "budget"
    assert details(result)[("F024", "M-FOODTEC")] == (
        "it would draw EUR 1500 of subsidy where F028 (score 1070) draws EUR 0, and the "
        "round's budget has EUR 0 left"
    )


def test_outranked_when_every_placed_firm_scores_at_least_as_high() -> None:
    doc = round_doc(
        missions=[mission(capacity=1)],
        firms=[firm("F1"), firm("F2", history=2)],
        applications=applicants("F1", "F2"),
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M1")}
    assert reasons(result) == {("F2", "M1"): "outranked"}
    assert details(result)[("F2", "M1")] == f"mission full; lowest placed score {RANK1} > 1080"


def test_a_higher_score_kept_out_by_the_budget_is_told_so() -> None:
    # F2 is outside the target group (250 employees): it draws no subsidy, so the budget
    # admits it where the higher-scored F1 would overdraw it.
    doc = round_doc(
        missions=[mission(capacity=1, subsidy_eur=2000)],
        firms=[firm("F1"), firm("F2", employees=250, history=3)],
        applications=applicants("F1", "F2"),
        budget_eur=1000,
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F2", "M1")}
    assert reasons(result) == {("F1", "M1"): "budget"}


def test_a_higher_scored_rider_kept_out_by_the_slipstream_limit_is_told_so() -> None:
    doc = round_doc(
        missions=[mission(capacity=2, slipstream_max=1)],
        firms=[
            firm("F1", sector="metal"),  # rider, first-timer: 1150
            firm("F2", sector="logistics", history=3),  # rider, repeat: 1070
            firm("F3", sector="water", history=3),  # focus, repeat: 1070
        ],
        applications=applicants("F1", "F2", "F3"),
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M1"), ("F3", "M1")}
    assert reasons(result) == {("F2", "M1"): "outranked"}  # F1 and F3 score >= 1070

    # Two equal riders and a focus firm that scores lowest (its rank-2 choice): one rider must
    # stay out although it scores more than the focus firm.
    doc = round_doc(
        missions=[mission(capacity=2, slipstream_max=1)],
        firms=[firm("F1", sector="metal"), firm("F2", sector="logistics"), firm("F3")],
        applications=[*applicants("F1", "F2"), application("F3", "M1", rank=2)],
    )
    result = solve_checked(doc)
    (left_out,) = reasons(result)
    assert ("F3", "M1") in pairs(result) and left_out[0] in ("F1", "F2")
    assert reasons(result)[left_out] == "slipstream_full"
    assert details(result)[left_out] == (
        "M1 takes at most 1 firms from outside the focus sectors and has them; F3 (score "
        "1110) is in a focus sector"
    )


def test_a_higher_score_kept_out_by_the_sector_cap_is_told_so() -> None:
    doc = round_doc(
        missions=[mission(capacity=2, sector_max=1)],
        firms=[
            firm("F1", sector="water"),
            firm("F2", sector="water", history=1),
            firm("F3", sector="energy", history=3),
        ],
        applications=applicants("F1", "F2", "F3"),
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F1", "M1"), ("F3", "M1")}
    assert reasons(result) == {("F2", "M1"): "sector_cap"}
    assert details(result)[("F2", "M1")] == (
        "M1 takes at most 1 firms of sector water and has them; F3 (score 1070) is of sector energy"
    )


def test_a_higher_score_kept_out_by_a_region_minimum_is_told_so() -> None:
    doc = round_doc(
        missions=[mission(capacity=1, region_min={"DR": 1})],
        firms=[firm("F1"), firm("F2", region="DR", history=3)],
        applications=applicants("F1", "F2"),
    )
    result = solve_checked(doc)
    assert pairs(result) == {("F2", "M1")}
    assert reasons(result) == {("F1", "M1"): "not_selected"}
    assert "fills a seat of M1's minimum for region DR" in details(result)[("F1", "M1")]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 10**6), locked=st.booleans())
def test_outranked_is_never_given_while_a_lower_scored_firm_holds_a_place(
    seed: int, locked: bool
) -> None:
    rng = random.Random(seed)
    doc = random_round(rng, firms=rng.randint(4, 14), missions=rng.randint(1, 4), locked=locked)
    result = solve_document(doc)
    scores = application_scores(doc)
    placed_by_mission: dict[str, list[int]] = {}
    for row in result["placements"]:
        placed_by_mission.setdefault(row["mission"], []).append(row["score"])
    for row in result["unplaced"]:
        if row["reason"] != "outranked":
            continue
        own = scores[(row["firm"], row["mission"])]
        assert all(s >= own for s in placed_by_mission.get(row["mission"], [])), (seed, row)
