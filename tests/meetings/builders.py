"""Tiny meeting-day documents for the tests."""

from __future__ import annotations

import random
from typing import Any


def day(
    slots: int,
    tables: int,
    participants: list[str] | dict[str, list[int]],
    requested: list[Any],
    **extra: Any,
) -> dict:
    """A matchmaker-meetings/1 document; requests are (a, b) pairs or full dicts."""
    if isinstance(participants, dict):
        people = [{"id": p, "forbidden": f} for p, f in participants.items()]
    else:
        people = [{"id": p} for p in participants]
    return {
        "format": "matchmaker-meetings/1",
        "slots": slots,
        "tables": tables,
        "participants": people,
        "requested": [r if isinstance(r, dict) else {"participants": list(r)} for r in requested],
        **extra,
    }


def random_day(seed: int, *, require_all: bool = False) -> dict:
    """A tiny random day: 3-5 participants, up to 5 meetings, 3-4 slots."""
    rng = random.Random(seed)
    people = [f"p{i}" for i in range(rng.randint(3, 5))]
    slots = rng.randint(3, 4)
    morning = rng.randint(1, slots - 1)
    requested = []
    for _ in range(rng.randint(2, 5)):
        a, b = rng.sample(people, 2)
        request: dict[str, Any] = {"participants": [a, b]}
        if rng.random() < 0.25:
            request["session"] = rng.choice(["morning", "afternoon"])
        if rng.random() < 0.3:
            request["priority"] = rng.randint(1, 3)
        requested.append(request)
    if len(requested) > 2 and rng.random() < 0.3:
        requested[-1]["after"] = [1]
    forbidden = {p: sorted(rng.sample(range(1, slots + 1), rng.randint(0, 1))) for p in people}
    document = day(slots, rng.randint(1, 3), forbidden, requested, morning_slots=morning)
    if rng.random() < 0.5:
        document["fairness"] = rng.randint(0, 1)
    document["require_all"] = require_all
    return document
