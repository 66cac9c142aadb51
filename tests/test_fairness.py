"""Justified envy per roster (metrics.blocking_pairs) agrees with the benchmark's own count
and with a case worked by hand."""

from __future__ import annotations

import random

import pytest

from bench import quality
from bench.rounds import Round
from matchmaker.optimisation import SolveOptions, fairness, parse_scenario, solve_round
from tests.builders import application, firm, mission, round_doc
from tests.random_rounds import random_round
from tests.solving import solve_checked


def test_a_firm_kept_out_by_its_own_lower_ranked_place_envies_with_justification() -> None:
    # F1 ranks M1 first but holds its second choice M2 (one place per firm); on M1 sits F2,
    # which scores lower. F1 would gladly swap: one blocking pair. The optimiser keeps it so
    # because F1 on M2 plus F2 on M1 beats F1 on M1 with M2 empty.
    doc = round_doc(
        missions=[mission("M1", capacity=1), mission("M2", start="2026-06-01", capacity=1)],
        firms=[firm("F1"), firm("F2", history=3)],
        applications=[
            application("F1", "M1", 1),
            application("F1", "M2", 2),
            application("F2", "M1", 1),
        ],
        max_places_per_firm=1,
    )
    result = solve_checked(doc)
    assert {(p["firm"], p["mission"]) for p in result["placements"]} == {
        ("F1", "M2"),
        ("F2", "M1"),
    }
    assert result["metrics"]["blocking_pairs"] == 1


@pytest.mark.parametrize("seed", range(12))
def test_the_count_agrees_with_the_benchmarks_independent_count(seed: int) -> None:
    rng = random.Random(seed)
    doc = random_round(rng, firms=rng.randint(10, 40), missions=rng.randint(2, 6), locked=True)
    outcome = solve_round(parse_scenario(doc), SolveOptions())
    bench_round = Round(doc)
    roster = {
        bench_round.by_pair[
            (outcome.data.applications[i].firm, outcome.data.applications[i].mission)
        ].index
        for i in outcome.placed
    }
    ours = fairness.blocking_pairs(outcome.data, outcome.placed)
    assert len(ours) == quality.blocking_pairs(bench_round, roster)
    for envious, envied in ours:  # each pair names a lower-scored firm that holds the place
        assert outcome.data.scores[envied] < outcome.data.scores[envious]
        assert (
            outcome.data.applications[envied].mission == outcome.data.applications[envious].mission
        )
