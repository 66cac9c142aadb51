"""The meeting-day result: status, breaks, a slot and table per meeting, reasons, agendas.

Result document (format matchmaker-meetings-result/1), lists in input order:

    {"format": "matchmaker-meetings-result/1", "name": ..., "status": "OPTIMAL",
     "objective": 3,            total breaks (null unless a schedule was found)
     "bound": 3,                proven lower bound on the total breaks
     "quality": "proven best",  or "at most 2 breaks more than the best possible" (null: none)
     "solve_seconds": 1.234,    model build and solve (no interpreter start-up)
     "fairness": 2, "requested": 10, "scheduled": 9, "unscheduled": 1,
     "meetings": [{"meeting": 1, "id": "r-17", "participants": ["acme", "gh-power"],
                   "slot": 3, "table": 2, "fixed": false, "reason": null, "detail": null},
                  {"meeting": 2, ..., "slot": null, "table": null,
                   "reason": "agenda_full", "detail": "in every slot ..."}],
     "participants": [{"id": "acme", "name": "Acme BV", "requested": 4, "scheduled": 4,
                       "breaks": 1, "agenda": [{"slot": 1, "table": 2, "meeting": 1,
                                                "with": "gh-power"}]}],
     "infeasible": [{"kind": "fixed", "meetings": [3, 7], "participants": ["acme"],
                     "detail": "..."}],
     "options": {"fairness": 2, "time_limit": null, "seed": 0, "workers": 2}}

Status is OPTIMAL (proven best), FEASIBLE (a schedule, not proven best), INFEASIBLE (the
`infeasible` list says which rules clash) or UNKNOWN (nothing found within the time limit).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from matchmaker.optimisation.meetings.explain import Conflict, Unscheduled
from matchmaker.optimisation.meetings.problem import MeetingProblem

RESULT_FORMAT = "matchmaker-meetings-result/1"


def breaks_of(problem: MeetingProblem, slots: Mapping[int, int]) -> dict[str, int]:
    """Breaks per participant id from meeting number -> slot: gaps between its meetings."""
    busy: dict[str, list[int]] = {p.id: [] for p in problem.participants}
    for meeting in problem.meetings:
        if meeting.number in slots:
            for p in meeting.participants:
                busy[p].append(slots[meeting.number])
    breaks = {}
    for p, taken in busy.items():
        taken.sort()
        breaks[p] = sum(1 for a, b in itertools.pairwise(taken) if b > a + 1)
    return breaks


def assign_tables(
    problem: MeetingProblem, slots: Mapping[int, int], fixed: Mapping[int, int]
) -> dict[int, int]:
    """Table numbers per meeting, slot by slot: fixed tables first; then, in meeting order, the
    table one of the two sat at in the slot before (if free), else the lowest free table."""
    by_slot: dict[int, list[int]] = {}
    for number, slot in slots.items():
        by_slot.setdefault(slot, []).append(number)
    meetings = {m.number: m for m in problem.meetings}
    tables: dict[int, int] = {}
    seat: dict[str, int] = {}  # participant -> table in the previous slot
    for slot in sorted(by_slot):
        numbers = sorted(by_slot[slot])
        taken: set[int] = set()
        for number in numbers:
            if number in fixed:
                tables[number] = fixed[number]
                taken.add(fixed[number])
        for number in numbers:
            if number in fixed:
                continue
            preferred = [seat[p] for p in meetings[number].participants if p in seat]
            choice = next((t for t in preferred if t not in taken), None)
            if choice is None:
                choice = next(t for t in range(1, problem.tables + 1) if t not in taken)
            tables[number] = choice
            taken.add(choice)
        seat = {}
        for number in numbers:
            for p in meetings[number].participants:
                seat[p] = tables[number]
    return tables


@dataclass(slots=True)
class MeetingResult:
    """What solve_meetings found. Meeting numbers, slots and tables are 1-based."""

    problem: MeetingProblem
    status: str
    solve_seconds: float
    fairness: int | None = None
    objective: int | None = None
    bound: int | None = None
    slots: dict[int, int] = field(default_factory=dict)  # scheduled meeting -> slot
    tables: dict[int, int] = field(default_factory=dict)  # scheduled meeting -> table
    breaks: dict[str, int] = field(default_factory=dict)  # participant id -> breaks
    unscheduled: list[Unscheduled] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    locked: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    placement_proven: bool = True  # no schedule places more requests (by priority)

    @property
    def quality(self) -> str | None:
        """How far the schedule is from the best possible, in plain words (None: no schedule)."""
        if self.status == "OPTIMAL":
            return "proven best"
        if self.status != "FEASIBLE" or self.objective is None:
            return None
        gap = self.objective - (self.bound or 0)
        text = (
            "as few breaks as possible"
            if gap == 0
            else f"at most {gap} break{'s' if gap != 1 else ''} more than the best possible"
        )
        if not self.placement_proven:
            text += "; more requests might fit (not proven within the time limit)"
        return text

    @property
    def scheduled(self) -> int:
        return len(self.slots)

    def agenda(self, participant: str) -> list[dict]:
        """A participant's meetings in slot order: slot, table, meeting number, partner id."""
        rows = []
        for meeting in self.problem.meetings:
            if meeting.number in self.slots and participant in meeting.participants:
                rows.append(
                    {
                        "slot": self.slots[meeting.number],
                        "table": self.tables[meeting.number],
                        "meeting": meeting.number,
                        "with": meeting.other(participant),
                    }
                )
        return sorted(rows, key=lambda row: row["slot"])

    def to_document(self) -> dict:
        """The result document (format matchmaker-meetings-result/1, see the module docstring)."""
        reasons = {u.meeting: u for u in self.unscheduled}
        meetings = []
        for meeting in self.problem.meetings:
            number = meeting.number
            reason = reasons.get(number)
            entry: dict[str, Any] = {"meeting": number}
            if meeting.id is not None:
                entry["id"] = meeting.id
            entry.update(
                {
                    "participants": list(meeting.participants),
                    "slot": self.slots.get(number),
                    "table": self.tables.get(number),
                    "fixed": meeting.fixed_slot is not None or number in self.locked,
                    "reason": reason.reason if reason else None,
                    "detail": reason.detail if reason else None,
                }
            )
            meetings.append(entry)
        requested: dict[str, int] = {p.id: 0 for p in self.problem.participants}
        for meeting in self.problem.meetings:
            for p in meeting.participants:
                requested[p] += 1
        solved = self.status in ("OPTIMAL", "FEASIBLE")
        participants = []
        for p in self.problem.participants:
            agenda = self.agenda(p.id) if solved else []
            participants.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "requested": requested[p.id],
                    "scheduled": len(agenda),
                    "breaks": self.breaks.get(p.id, 0) if solved else None,
                    "agenda": agenda,
                }
            )
        return {
            "format": RESULT_FORMAT,
            "name": self.problem.name,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "quality": self.quality,
            "solve_seconds": round(self.solve_seconds, 3),
            "fairness": self.fairness,
            "slots": self.problem.slots,
            "morning_slots": self.problem.morning_slots,
            "tables": self.problem.tables,
            "requested": len(self.problem.meetings),
            "scheduled": self.scheduled,
            "unscheduled": len(self.problem.meetings) - self.scheduled if solved else None,
            "meetings": meetings,
            "participants": participants,
            "infeasible": [c.to_dict() for c in self.conflicts],
            "options": dict(self.options),
        }
