"""Seeded realistic meeting days: firms meet partners, requests with priorities, sessions,
forbidden slots and a few locks (a matchmaker-meetings/1 document).

Firms (our SMEs) request partners (foreign firms); each firm asks for a few partners, popular
partners more often; priority 1-3 (3 most important); about one request in eight is bound to
the morning or the afternoon; about a quarter of the partners cannot attend one to three
slots (arriving late, leaving early); a few requests are locked in a slot (taken from a
constructive schedule of the day, so the locks never clash).
"""

from __future__ import annotations

import random

from matchmaker.optimisation.meetings.problem import MEETINGS_FORMAT, validate


def generate_day(
    seed: int = 0,
    *,
    firms: int = 40,
    partners: int = 30,
    requests: int = 200,
    slots: int = 16,
    morning_slots: int | None = None,
    tables: int | None = None,
    locks: int = 4,
    fairness: int | None = 2,
    name: str | None = None,
) -> dict:
    """A meeting-day document; the same arguments give the same day."""
    if firms < 1 or partners < 1:
        raise ValueError("a day needs at least one firm and one partner")
    if requests > firms * partners:
        raise ValueError(f"requests: at most firms x partners = {firms * partners}")
    rng = random.Random(seed)
    morning = slots // 2 if morning_slots is None else morning_slots
    firm_ids = [f"firm-{i + 1:02d}" for i in range(firms)]
    partner_ids = [f"partner-{i + 1:02d}" for i in range(partners)]
    popularity = [rng.uniform(0.3, 1.0) for _ in partner_ids]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < requests:
        firm = rng.randrange(firms)
        partner = rng.choices(range(partners), weights=popularity)[0]
        pairs.add((firm, partner))
    participants = [{"id": f, "name": f"Firm {i + 1:02d} BV"} for i, f in enumerate(firm_ids)]
    for i, p in enumerate(partner_ids):
        entry: dict = {"id": p, "name": f"Partner {i + 1:02d}"}
        if rng.random() < 0.25:
            gone = rng.randint(1, 3)
            entry["forbidden"] = (
                list(range(1, gone + 1))
                if rng.random() < 0.5
                else list(range(slots - gone + 1, slots + 1))
            )
        participants.append(entry)
    requested = []
    for firm, partner in sorted(pairs):
        request: dict = {
            "participants": [firm_ids[firm], partner_ids[partner]],
            "priority": rng.choices([1, 2, 3], weights=[5, 3, 2])[0],
        }
        if 0 < morning < slots and rng.random() < 0.125:
            request["session"] = rng.choice(["morning", "afternoon"])
        requested.append(request)
    document = {
        "format": MEETINGS_FORMAT,
        "name": name or f"Generated meeting day (seed {seed})",
        "slots": slots,
        "morning_slots": morning,
        "tables": tables or max(1, (firms + partners) // 3),
        "fairness": fairness,
        "require_all": False,
        "participants": participants,
        "requested": requested,
    }
    if locks:
        from matchmaker.optimisation.meetings import greedy
        from matchmaker.optimisation.meetings.data import prepare

        problem = validate(document)
        first = greedy.schedule(prepare(problem, None)) or {}
        for m in sorted(rng.sample(sorted(first), min(locks, len(first)))):
            requested[m]["fixed_slot"] = first[m] + 1
    return document
