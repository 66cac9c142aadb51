"""Every meeting takes one slot (or none, when optional); a participant has one meeting a slot."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    for m in range(len(data.pairs)):
        slots = range(data.slots) if variables.explaining else data.allowed(m)
        literals = []
        for s in slots:
            literal = model.new_bool_var(f"x[{m},{s}]")
            variables.x[m, s] = literal
            literals.append(literal)
        if data.required[m] and not variables.explaining:
            # A meeting that must happen takes exactly one of its slots.
            model.add_exactly_one(literals)
            continue
        # An optional meeting takes at most one slot; `scheduled` says whether it has one.
        scheduled = model.new_bool_var(f"scheduled[{m}]")
        variables.scheduled[m] = scheduled
        model.add(sum(literals) == scheduled)
        if variables.explaining and data.required[m]:
            model.add_implication(variables.assume(model, "required", (m,)), scheduled)

    for p, meetings in enumerate(data.meetings_of):
        by_slot: dict[int, list[cp_model.IntVar]] = {}
        for m in meetings:
            for s, literal in variables.slot_literals(m):
                by_slot.setdefault(s, []).append(literal)
        for s, literals in sorted(by_slot.items()):
            # A participant is in at most one meeting per slot; busy says whether it is in one.
            if len(literals) == 1:
                variables.busy[p, s] = literals[0]
                continue
            busy = model.new_bool_var(f"busy[{p},{s}]")
            model.add(sum(literals) == busy)
            variables.busy[p, s] = busy
