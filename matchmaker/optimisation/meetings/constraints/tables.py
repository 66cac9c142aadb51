"""No more meetings share a slot than there are tables."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    by_slot: dict[int, list[cp_model.IntVar]] = {}
    for (_, s), literal in variables.x.items():
        by_slot.setdefault(s, []).append(literal)
    for _, literals in sorted(by_slot.items()):
        if len(literals) > data.tables:
            # At most `tables` meetings in one slot (tables are interchangeable).
            model.add(sum(literals) <= data.tables)
