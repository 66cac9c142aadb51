"""A quick constructive schedule: meetings placed one by one, next to their participants' others.

Fixed meetings first, then by priority (highest first) and fewest allowed slots. Each takes
the allowed slot where both participants are free, a table is free and precedences hold,
preferring a slot adjacent to the participants' meetings so far (fewer new breaks), then the
earliest. A required meeting that finds no slot makes the pass give up (None); an optional
one stays unscheduled. The schedule is a hint for the search and the answer when the search
finds nothing better in time; it is returned only if it respects the fairness bound (fair).
"""

from __future__ import annotations

from matchmaker.optimisation.meetings.constraints import precedences
from matchmaker.optimisation.meetings.data import MeetingData
from matchmaker.optimisation.meetings.result import breaks_of


def schedule(data: MeetingData) -> dict[int, int] | None:
    """0-based meeting -> 0-based slot, or None when a required meeting found no slot."""
    problem = data.problem
    busy: list[set[int]] = [set() for _ in data.meetings_of]
    used = [0] * data.slots
    slot_of: dict[int, int] = {}
    before: dict[int, list[int]] = {}  # later -> earlier meetings
    after: dict[int, list[int]] = {}  # earlier -> later meetings
    for earlier, later in precedences.pairs(data):
        before.setdefault(later, []).append(earlier)
        after.setdefault(earlier, []).append(later)
    order = sorted(
        range(len(data.pairs)),
        key=lambda m: (
            m not in data.fixed,
            -problem.meetings[m].priority,
            len(data.allowed(m)),
            -sum(len(data.meetings_of[p]) for p in data.pairs[m]),
            m,
        ),
    )
    for m in order:
        a, b = data.pairs[m]
        best: tuple[int, int] | None = None
        for s in data.allowed(m):
            if s in busy[a] or s in busy[b] or used[s] >= data.tables:
                continue
            if any(e in slot_of and slot_of[e] >= s for e in before.get(m, ())):
                continue
            if any(n in slot_of and slot_of[n] <= s for n in after.get(m, ())):
                continue
            near = sum(1 for p in (a, b) if not busy[p] or (s - 1) in busy[p] or (s + 1) in busy[p])
            key = (-near, s)
            if best is None or key < best:
                best = key
        if best is None:
            if data.required[m]:
                return None
            continue
        s = best[1]
        slot_of[m] = s
        busy[a].add(s)
        busy[b].add(s)
        used[s] += 1
    return slot_of


def fair(data: MeetingData, slot_of: dict[int, int]) -> bool:
    """Do the break counts of the participants with requests differ by at most d?"""
    if data.fairness is None:
        return True
    breaks = breaks_of(data.problem, {m + 1: s + 1 for m, s in slot_of.items()})
    counts = [
        breaks[participant.id]
        for participant, meetings in zip(data.problem.participants, data.meetings_of, strict=True)
        if meetings
    ]
    return not counts or max(counts) - min(counts) <= data.fairness
