"""Exhaustive optimum of a tiny round: every subset of its eligible applications."""

from __future__ import annotations

from matchmaker.optimisation.validate import Round

MAX_ELIGIBLE = 16


def brute_force_solution(scenario: dict) -> tuple[int, list[tuple[str, str]]] | None:
    """Best (objective, placements) over all feasible subsets, or None if none is feasible.

    A mission runs iff the subset places someone on it (a mission with 1..min-1
    placements is therefore infeasible); ties keep the first subset found.
    """
    rnd = Round(scenario)
    eligible = [(a["firm"], a["mission"]) for a in rnd.apps if a["reason"] is None]
    if len(eligible) > MAX_ELIGIBLE:
        raise ValueError(
            f"{len(eligible)} eligible applications; brute force handles at most {MAX_ELIGIBLE}"
        )
    locked = set(rnd.locked)
    if not locked <= set(eligible):
        return None
    locked_mask = sum(1 << i for i, p in enumerate(eligible) if p in locked)
    best: tuple[int, list[tuple[str, str]]] | None = None
    for mask in range(1 << len(eligible)):
        if mask & locked_mask != locked_mask:
            continue
        subset = [p for i, p in enumerate(eligible) if mask >> i & 1]
        if rnd.hard_violations(subset):
            continue
        value = rnd.objective(subset)
        if best is None or value > best[0]:
            best = (value, subset)
    return best


def brute_force_optimum(scenario: dict) -> int | None:
    """Optimal objective of a round with <= 16 eligible applications, or None if infeasible."""
    found = brute_force_solution(scenario)
    return None if found is None else found[0]
