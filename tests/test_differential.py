"""The engine's optimum against an independent HiGHS MILP and brute force, on many random rounds."""

from __future__ import annotations

import math
import random
import time

import pytest

from matchmaker.optimisation.validate import eligible_applications
from matchmaker.synthetic import generate_round
from tests.brute_force import brute_force_optimum
from tests.random_rounds import random_round
from tests.reference_milp import reference_optimum
from tests.solving import solve_checked

BRUTE_FORCE_LIMIT = 12


def assert_agrees(doc: dict, result: dict, reference: tuple[str, float]) -> None:
    status, objective = reference
    assert status in ("OPTIMAL", "INFEASIBLE"), reference
    if status == "INFEASIBLE":
        assert result["status"] == "INFEASIBLE", result["objective"]
        assert result["infeasible"], "an infeasible result names its locked pairs"
    else:
        assert result["status"] == "OPTIMAL"
        assert result["objective"] == round(objective)
        assert result["best_bound"] == result["objective"]


def tiny_round(seed: int) -> dict:
    rng = random.Random(seed)
    return random_round(
        rng,
        firms=rng.randint(2, 7),
        missions=rng.randint(1, 3),
        apps_per_firm=rng.randint(1, 3),
        locked=seed % 3 == 0,
    )


def small_round(seed: int) -> dict:
    rng = random.Random(seed)
    return random_round(
        rng,
        firms=rng.randint(10, 40),
        missions=rng.randint(3, 8),
        apps_per_firm=rng.randint(1, 4),
        locked=seed % 4 == 0,
    )


@pytest.mark.parametrize("seed", range(40))
def test_tiny_round_matches_brute_force_and_highs(seed):
    doc = tiny_round(seed)
    # A few rounds also exercise the interleaved multi-worker search.
    result = solve_checked(doc, **({"workers": 4} if seed % 10 == 7 else {}))
    assert_agrees(doc, result, reference_optimum(doc))
    if len(eligible_applications(doc)) <= BRUTE_FORCE_LIMIT:
        best = brute_force_optimum(doc)
        if best is None:
            assert result["status"] == "INFEASIBLE"
        else:
            assert result["objective"] == best


def test_tiny_rounds_cover_the_interesting_cases():
    """The seeds above really include infeasible locks, brute-forced rounds and empty rosters."""
    docs = [tiny_round(seed) for seed in range(40)]
    references = [reference_optimum(doc) for doc in docs]
    assert sum(status == "INFEASIBLE" for status, _ in references) >= 2
    assert sum(status == "OPTIMAL" for status, _ in references) >= 30
    assert sum(len(eligible_applications(d)) <= BRUTE_FORCE_LIMIT for d in docs) >= 30
    assert any(
        doc.get("locked") for doc, (s, _) in zip(docs, references, strict=True) if s == "OPTIMAL"
    )


ENGINES = ("auto", "cp-sat", "mip")


@pytest.mark.parametrize("seed", range(100, 125))
def test_small_round_matches_highs(seed):
    doc = small_round(seed)
    # Every engine of SolveOptions must reach the same optimum.
    engine = ENGINES[seed % len(ENGINES)]
    assert_agrees(doc, solve_checked(doc, workers=1, engine=engine), reference_optimum(doc))


def test_differential_covers_every_feature():
    """The random rounds reach budgets, minimums, slipstreams, sector caps and region minimums."""
    docs = [tiny_round(s) for s in range(40)] + [small_round(s) for s in range(100, 125)]
    missions = [m for doc in docs for m in doc["missions"]]
    assert sum(doc["round"].get("budget_eur") is not None for doc in docs) >= 10
    assert sum(doc["round"].get("max_places_per_firm") == 2 for doc in docs) >= 10
    assert sum(m.get("min_participants", 0) > 0 for m in missions) >= 10
    assert sum(m.get("slipstream_max") is not None for m in missions) >= 10
    assert sum(m.get("sector_max") is not None for m in missions) >= 10
    assert sum(bool(m.get("region_min")) for m in missions) >= 10
    assert sum("weights" in doc for doc in docs) >= 10


LARGE_ROUNDS = [
    ("synthetic-1500x60-seed1", lambda: generate_round(firms=1500, missions=60, seed=1)),
    ("synthetic-1500x60-seed3", lambda: generate_round(firms=1500, missions=60, seed=3)),
    (
        "random-1800x50-seed8",
        lambda: random_round(random.Random(8), firms=1800, missions=50, apps_per_firm=3),
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("build", [b for _, b in LARGE_ROUNDS], ids=[n for n, _ in LARGE_ROUNDS])
def test_large_round_matches_highs(build):
    doc = build()
    assert len(doc["applications"]) >= 5000
    started = time.perf_counter()
    result = solve_checked(doc)
    elapsed = time.perf_counter() - started
    reference = reference_optimum(doc, time_limit=60)
    assert_agrees(doc, result, reference)
    assert not math.isnan(reference[1])
    assert elapsed < 30, f"solving took {elapsed:.1f} s"


@pytest.mark.slow
@pytest.mark.parametrize("time_limit", [0.5, 2.0])
def test_a_time_limit_still_gives_a_spec_result(time_limit):
    # The SPEC's statuses are OPTIMAL, FEASIBLE (time limit hit) and INFEASIBLE; a round
    # without locks always has a roster (nobody placed is one), so a cut-off search still
    # returns one that lists every application.
    doc = generate_round(firms=1500, missions=60, seed=3)
    started = time.perf_counter()
    result = solve_checked(doc, time_limit=time_limit)
    assert result["status"] in ("OPTIMAL", "FEASIBLE")
    assert result["best_bound"] >= result["objective"]
    assert time.perf_counter() - started < time_limit + 5
