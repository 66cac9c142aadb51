"""Brute force over every schedule of a tiny meeting day (independent of the engine)."""

from __future__ import annotations

import itertools
from collections import Counter

from matchmaker.optimisation.meetings.schedule_check import breaks_total


def best(problem: dict) -> tuple[int, int] | None:
    """(most priority scheduled, fewest breaks among those), or None when infeasible."""
    slots, tables = problem["slots"], problem["tables"]
    morning = problem.get("morning_slots", slots)
    forbidden = {p["id"]: set(p.get("forbidden", [])) for p in problem["participants"]}
    require_all = problem.get("require_all", False)
    fairness = problem.get("fairness")
    requested = problem["requested"]
    with_requests = sorted({p for r in requested for p in r["participants"]})
    choices = []
    for request in requested:
        session = request.get("session", "any")
        options = []
        for s in range(1, slots + 1):
            if (session == "morning" and s > morning) or (session == "afternoon" and s <= morning):
                continue
            if any(s in forbidden[p] for p in request["participants"]):
                continue
            if request.get("fixed_slot") not in (None, s):
                continue
            options.append(s)
        if not (require_all or request.get("fixed_slot") is not None):
            options.append(None)
        choices.append(options)
    found: tuple[int, int] | None = None
    for assignment in itertools.product(*choices):
        slot_of = {n: s for n, s in enumerate(assignment, start=1) if s is not None}
        busy = Counter((p, s) for n, s in slot_of.items() for p in requested[n - 1]["participants"])
        if any(c > 1 for c in busy.values()):
            continue
        if any(c > tables for c in Counter(slot_of.values()).values()):
            continue
        if any(
            n in slot_of and k in slot_of and slot_of[k] >= slot_of[n]
            for n, r in enumerate(requested, start=1)
            for k in r.get("after", [])
        ):
            continue
        if fairness is not None and with_requests:
            counts = [
                breaks_total(
                    {"requested": requested},
                    {n: s for n, s in slot_of.items() if p in requested[n - 1]["participants"]},
                )
                for p in with_requests
            ]
            if max(counts) - min(counts) > fairness:
                continue
        value = sum(requested[n - 1].get("priority", 1) for n in slot_of)
        breaks = breaks_total({"requested": requested}, slot_of)
        if found is None or (value, -breaks) > (found[0], -found[1]):
            found = (value, breaks)
    return found
