"""Independent checker of a meeting-day result: every rule and the break count recomputed from
the input document and the schedule alone (no engine code)."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict


def check(problem: dict, result: dict, *, require_all: bool | None = None) -> list[str]:
    """Every violation of the problem's rules by the result document; [] when it is valid.

    `problem` is a matchmaker-meetings/1 document (MeetingProblem.to_document() for a .dzn).
    """
    errors: list[str] = []
    if require_all is None:
        require_all = bool(problem.get("require_all", False))
    slots, tables = problem["slots"], problem["tables"]
    morning = problem.get("morning_slots", slots)
    forbidden = {p["id"]: set(p.get("forbidden", [])) for p in problem["participants"]}
    requested = problem["requested"]
    if result["status"] not in ("OPTIMAL", "FEASIBLE"):
        return [f"status {result['status']} has no schedule to check"]
    entries = result["meetings"]
    if [e["meeting"] for e in entries] != list(range(1, len(requested) + 1)):
        errors.append("meetings are not one entry per request in input order")
        return errors
    slot_of: dict[int, int] = {}
    per_slot_tables: dict[int, list[int]] = defaultdict(list)
    agenda: dict[str, list[int]] = {p: [] for p in forbidden}
    for number, (request, entry) in enumerate(zip(requested, entries, strict=True), start=1):
        pair = request["participants"]
        if entry["participants"] != pair:
            errors.append(f"meeting {number}: participants {entry['participants']} != {pair}")
        slot, table = entry["slot"], entry["table"]
        if slot is None:
            if table is not None:
                errors.append(f"meeting {number}: a table without a slot")
            if not entry.get("reason") or not entry.get("detail"):
                errors.append(f"meeting {number}: unscheduled without a reason")
            if require_all:
                errors.append(f"meeting {number}: unscheduled although every one is required")
            if request.get("fixed_slot") is not None:
                errors.append(f"meeting {number}: fixed but unscheduled")
            continue
        if entry.get("reason") is not None:
            errors.append(f"meeting {number}: scheduled but has a reason")
        if not 1 <= slot <= slots:
            errors.append(f"meeting {number}: slot {slot} outside 1..{slots}")
        if table is None or not 1 <= table <= tables:
            errors.append(f"meeting {number}: table {table} outside 1..{tables}")
        session = request.get("session", "any")
        if session == "morning" and slot > morning:
            errors.append(f"meeting {number}: morning meeting in slot {slot}")
        if session == "afternoon" and slot <= morning:
            errors.append(f"meeting {number}: afternoon meeting in slot {slot}")
        for p in pair:
            if slot in forbidden[p]:
                errors.append(f"meeting {number}: slot {slot} is forbidden for {p}")
            agenda[p].append(slot)
        if request.get("fixed_slot") is not None and slot != request["fixed_slot"]:
            errors.append(f"meeting {number}: fixed in {request['fixed_slot']}, got {slot}")
        if request.get("fixed_table") is not None and table != request["fixed_table"]:
            errors.append(f"meeting {number}: fixed at table {request['fixed_table']}, got {table}")
        slot_of[number] = slot
        per_slot_tables[slot].append(table)
    for p, taken in agenda.items():
        for slot, count in Counter(taken).items():
            if count > 1:
                errors.append(f"{p} has {count} meetings in slot {slot}")
    for slot, used in per_slot_tables.items():
        if len(used) > tables:
            errors.append(f"slot {slot}: {len(used)} meetings, {tables} tables")
        if len(set(used)) != len(used):
            errors.append(f"slot {slot}: a table is used twice ({sorted(used)})")
    for number, request in enumerate(requested, start=1):
        for earlier in request.get("after", []):
            if number in slot_of and earlier in slot_of and slot_of[earlier] >= slot_of[number]:
                errors.append(f"meeting {earlier} must come before {number}")
    breaks = {}
    for p, taken in agenda.items():
        ordered = sorted(taken)
        breaks[p] = sum(1 for a, b in itertools.pairwise(ordered) if b > a + 1)
    if result["objective"] != sum(breaks.values()):
        errors.append(f"objective {result['objective']} != recomputed {sum(breaks.values())}")
    if result["bound"] is not None and result["bound"] > result["objective"]:
        errors.append(f"bound {result['bound']} above objective {result['objective']}")
    if result["status"] == "OPTIMAL" and result["bound"] != result["objective"]:
        errors.append("OPTIMAL with bound != objective")
    reported = {p["id"]: p for p in result["participants"]}
    for p, count in breaks.items():
        if reported[p]["breaks"] != count:
            errors.append(f"{p}: {reported[p]['breaks']} breaks reported, {count} recomputed")
        if sorted(a["slot"] for a in reported[p]["agenda"]) != sorted(agenda[p]):
            errors.append(f"{p}: agenda does not match the meetings")
    fairness = result.get("fairness")
    with_requests = {p for r in requested for p in r["participants"]}
    if fairness is not None and with_requests:
        counts = [breaks[p] for p in with_requests]
        if max(counts) - min(counts) > fairness:
            errors.append(f"break counts {min(counts)}..{max(counts)} spread more than {fairness}")
    if result["scheduled"] != len(slot_of):
        errors.append(f"scheduled {result['scheduled']} != {len(slot_of)}")
    return errors


def breaks_total(problem: dict, slot_of: dict[int, int]) -> int:
    """Total breaks of a schedule given as meeting number -> slot."""
    agenda: dict[str, list[int]] = defaultdict(list)
    for number, slot in slot_of.items():
        for p in problem["requested"][number - 1]["participants"]:
            agenda[p].append(slot)
    total = 0
    for taken in agenda.values():
        ordered = sorted(taken)
        total += sum(1 for a, b in itertools.pairwise(ordered) if b > a + 1)
    return total
