"""Tests of the independent reference tools: checker, brute force, HiGHS reference, generator."""

from __future__ import annotations

import copy
import json
import math
import random

import pytest

from matchmaker.optimisation.result_check import check_result
from matchmaker.optimisation.validate import (
    Round,
    eligible_applications,
    objective_of,
    score_of,
)
from tests.brute_force import brute_force_optimum, brute_force_solution
from tests.random_rounds import random_round
from tests.reference_milp import reference_optimum


def make_result(scenario: dict, placements: list[tuple[str, str]], status="OPTIMAL") -> dict:
    """A result document for the given placements, built with the checker's own arithmetic."""
    rnd = Round(scenario)
    placed = set(placements)
    objective = rnd.objective(list(placements))
    counts: dict[str, int] = {m: 0 for m in rnd.mission_order}
    subsidy: dict[str, int] = {m: 0 for m in rnd.mission_order}
    for f, m in placements:
        counts[m] += 1
        subsidy[m] += rnd.subsidy_of((f, m))
    return {
        "format": "matchmaker-result/1",
        "scenario": scenario["name"],
        "status": status,
        "objective": objective,
        "best_bound": objective,
        "gap": 0.0,
        "solve_seconds": 0.0,
        "placements": [
            {"firm": f, "mission": m, "score": rnd.app_by_pair[(f, m)]["score"]}
            for f, m in placements
        ],
        "missions": [
            {
                "id": m,
                "runs": counts[m] > 0 or rnd.missions[m]["min"] == 0,
                "placed": counts[m],
                "capacity": rnd.missions[m]["capacity"],
                "subsidy_eur": subsidy[m],
            }
            for m in rnd.mission_order
        ],
        "unplaced": [
            {
                "firm": a["firm"],
                "mission": a["mission"],
                "reason": a["reason"] or "not_selected",
                "detail": "",
            }
            for a in rnd.apps
            if (a["firm"], a["mission"]) not in placed
        ],
        "region_shortfall": [
            {"mission": m, "region": r, "missing": k}
            for (m, r), k in rnd.shortfalls(list(placements)).items()
        ],
        "budget_used_eur": sum(subsidy.values()),
        "metrics": {},
    }


def tiny_rounds(count: int, seed: int = 20260511, max_eligible: int = 12):
    """Random rounds with 5..max_eligible eligible applications; every fourth has locks."""
    rng = random.Random(seed)
    produced = 0
    while produced < count:
        scenario = random_round(
            rng,
            firms=rng.randint(4, 8),
            missions=rng.randint(2, 4),
            apps_per_firm=rng.randint(2, 3),
            locked=produced % 4 == 3,
        )
        if 5 <= len(eligible_applications(scenario)) <= max_eligible:
            produced += 1
            yield scenario


@pytest.mark.parametrize("index, scenario", list(enumerate(tiny_rounds(30))))
def test_reference_equals_brute_force(index, scenario):
    status, value = reference_optimum(scenario, time_limit=30)
    expected = brute_force_optimum(scenario)
    if expected is None:
        assert status == "INFEASIBLE", json.dumps(scenario)
        assert math.isnan(value)
    else:
        assert status == "OPTIMAL"
        assert value == expected, json.dumps(scenario)


def test_brute_force_solution_passes_checker():
    for scenario in tiny_rounds(30, seed=7):
        found = brute_force_solution(scenario)
        if found is None:
            continue
        value, placements = found
        result = make_result(scenario, placements)
        assert result["objective"] == value
        assert check_result(scenario, result) == [], json.dumps(scenario)


def test_random_rounds_are_deterministic_and_json():
    a = random_round(random.Random(3), firms=20, missions=5, locked=True)
    b = random_round(random.Random(3), firms=20, missions=5, locked=True)
    assert a == b
    assert json.loads(json.dumps(a)) == a
    assert a["locked"]
    eligible = {(x["firm"], x["mission"]) for x in eligible_applications(a)}
    assert all((p["firm"], p["mission"]) in eligible for p in a["locked"])
    with pytest.raises(TypeError):
        random_round(random.Random(3), firms=2, missions=2, lockd=True)


def test_random_rounds_exercise_features():
    rng = random.Random(11)
    seen = set()
    for _ in range(40):
        s = random_round(rng, firms=12, missions=4)
        rnd = Round(s)
        reasons = {a["reason"] for a in rnd.apps}
        seen |= {r for r in reasons if r}
        if any(
            m["kind"] == "promotional" and m.get("slipstream_max") is not None
            for m in s["missions"]
        ):
            seen.add("slipstream")
        if any(m.get("region_min") for m in s["missions"]):
            seen.add("region_min")
        if any(m.get("min_participants") for m in s["missions"]):
            seen.add("min_participants")
        if s["round"].get("budget_eur") is not None:
            seen.add("budget")
        if s.get("weights"):
            seen.add("weights")
        if any(f["sector"] not in ("agrifood", "health", "water") for f in s["firms"]):
            seen.add("non_focus")
        if any(not 5 <= f["employees"] <= 100 for f in s["firms"]):
            seen.add("outside_target")
    assert {
        "sector_mismatch",
        "no_business_case",
        "business_case_unverified",
        "business_case_wrong_country",
        "not_ready",
        "slipstream",
        "region_min",
        "min_participants",
        "budget",
        "weights",
        "non_focus",
        "outside_target",
    } <= seen


# --- hand-made scenarios ------------------------------------------------------------


def hand_scenario() -> dict:
    firm = {
        "kvk": "01234567",
        "region": "GR",
        "sector": "water",
        "employees": 24,
        "readiness": {"strategy": True, "organisation": True, "finance": True},
        "business_cases": [
            {
                "id": "BC1",
                "country": "DE",
                "sector": "water",
                "summary": "membranes",
                "evidence": "letter_of_intent",
                "verified": True,
            }
        ],
    }
    firms = []
    for i, (region, extra) in enumerate(
        [("GR", {}), ("DR", {"missions_last_3_years": 2}), ("FR", {"readiness": {}})]
    ):
        f = copy.deepcopy(firm)
        f.update({"id": f"F{i + 1}", "name": f"Firm {i + 1}", "region": region}, **extra)
        firms.append(f)
    return {
        "format": "matchmaker-scenario/1",
        "name": "hand",
        "round": {"id": "r", "max_places_per_firm": 1, "budget_eur": None},
        "regions": [
            {"code": "FR", "name": "Fryslân"},
            {"code": "GR", "name": "Groningen", "priority": 20},
            {"code": "DR", "name": "Drenthe", "priority": 10},
        ],
        "sectors": [{"code": "water", "name": "Water", "focus": True}],
        "missions": [
            {
                "id": "M1",
                "title": "Hamburg",
                "kind": "business",
                "format": "trade_mission",
                "scope": "regional",
                "organiser": "KvK",
                "country": "DE",
                "start": "2026-05-11",
                "end": "2026-05-13",
                "capacity": 1,
                "subsidy_eur": 2500,
            }
        ],
        "firms": firms,
        "applications": [
            {"firm": "F1", "mission": "M1", "rank": 1, "business_case": "BC1"},
            {"firm": "F2", "mission": "M1", "rank": 2, "business_case": "BC1"},
            {"firm": "F3", "mission": "M1", "rank": 1, "business_case": "BC1"},
        ],
    }


def test_hand_scores_and_eligibility():
    s = hand_scenario()
    apps = s["applications"]
    # place 1000 + rank1 100 + GR 20 + first timer 50 + letter of intent 25
    assert score_of(s, apps[0]) == 1195
    # 1000 + rank2 60 + DR 10 - 2*10 + 25
    assert score_of(s, apps[1]) == 1075
    assert [a["firm"] for a in eligible_applications(s)] == ["F1", "F2"]  # F3 not ready
    assert objective_of(s, [("F1", "M1")]) == 1195
    s["missions"][0]["region_min"] = {"DR": 1, "FR": 1}  # FR has no eligible applicant
    assert objective_of(s, [("F1", "M1")]) == 1195 - 2000
    assert objective_of(s, [("F2", "M1")]) == 1075
    s["weights"] = {"region_shortfall": 7, "rank_points": {"2": 0}}
    assert objective_of(s, [("F1", "M1")]) == 1195 - 7
    assert objective_of(s, [("F2", "M1")]) == 1075 - 60


def test_checker_accepts_valid_hand_result():
    s = hand_scenario()
    assert check_result(s, make_result(s, [("F1", "M1")])) == []
    assert reference_optimum(s) == ("OPTIMAL", 1195.0)
    assert brute_force_optimum(s) == 1195


def test_checker_flags_capacity_violation():
    s = hand_scenario()
    problems = check_result(s, make_result(s, [("F1", "M1"), ("F2", "M1")]))
    assert any(p.startswith("H1 capacity") for p in problems), problems


def test_checker_flags_wrong_objective():
    s = hand_scenario()
    result = make_result(s, [("F1", "M1")])
    result["objective"] += 1
    result["best_bound"] += 1
    problems = check_result(s, result)
    assert any(p.startswith("objective") for p in problems), problems


def test_checker_flags_missing_application():
    s = hand_scenario()
    result = make_result(s, [("F1", "M1")])
    result["unplaced"] = [u for u in result["unplaced"] if u["firm"] != "F2"]
    problems = check_result(s, result)
    assert any("F2->M1 appears 0 times" in p for p in problems), problems


def test_checker_flags_placed_ineligible():
    s = hand_scenario()
    problems = check_result(s, make_result(s, [("F3", "M1")]))
    assert any("F3->M1 is ineligible (not_ready)" in p for p in problems), problems


def test_checker_flags_wrong_reasons_and_bookkeeping():
    s = hand_scenario()
    result = make_result(s, [("F1", "M1")])
    result["unplaced"][0]["reason"] = "business_case_unverified"  # F2 is eligible
    result["unplaced"][1]["reason"] = "not_selected"  # F3 must carry not_ready
    result["budget_used_eur"] = 0
    result["placements"][0]["score"] = 1
    result["gap"] = 0.5
    problems = "\n".join(check_result(s, result))
    for needle in ("F2->M1 is eligible", "F3->M1 has reason", "budget_used_eur", "score 1", "gap"):
        assert needle in problems, problems


def test_checker_strict_reasons():
    s = hand_scenario()
    s["missions"][0]["capacity"] = 2
    result = make_result(s, [("F1", "M1")])
    result["unplaced"][0]["reason"] = "outranked"  # mission is not full
    assert any("not full" in p for p in check_result(s, result))
    assert check_result(s, result, strict_reasons=False) == []


def test_checker_locked_budget_min_and_infeasible():
    s = hand_scenario()
    s["missions"][0]["capacity"] = 2
    s["round"]["budget_eur"] = 4000
    s["locked"] = [{"firm": "F2", "mission": "M1"}]
    problems = check_result(s, make_result(s, [("F1", "M1")]))
    assert any(p.startswith("H8 locked") for p in problems), problems
    problems = check_result(s, make_result(s, [("F1", "M1"), ("F2", "M1")]))
    assert any(p.startswith("H7 budget") for p in problems), problems
    assert reference_optimum(s) == ("OPTIMAL", 1075.0)
    s["missions"][0]["min_participants"] = 2
    assert brute_force_optimum(s) is None
    assert reference_optimum(s)[0] == "INFEASIBLE"
    problems = check_result(s, make_result(s, [("F2", "M1")]))
    assert any(p.startswith("H2 minimum") for p in problems), problems
    infeasible = make_result(s, [], status="INFEASIBLE")
    assert check_result(s, infeasible) == []
    infeasible["placements"] = [{"firm": "F2", "mission": "M1", "score": 1075}]
    assert check_result(s, infeasible)


def test_brute_force_refuses_large_rounds():
    s = random_round(random.Random(1), firms=40, missions=4)
    assert len(eligible_applications(s)) > 16
    with pytest.raises(ValueError):
        brute_force_optimum(s)
