"""A fixed (or locked) meeting takes its slot; fixed tables are checked before solving."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    if not variables.explaining:
        return  # when solving, a fixed meeting's domain is its slot (data.allowed)
    for m, slot in sorted(data.fixed.items()):
        rule = variables.assume(model, "fixed", (m,))
        model.add(variables.slot[m] == slot).only_enforce_if(rule)
        model.add_implication(rule, variables.scheduled[m])


def table_clashes(data: MeetingData) -> list[tuple[int, int]]:
    """Pairs of fixed meetings given the same table in the same slot."""
    holder: dict[tuple[int, int], int] = {}
    clashes = []
    for m, table in sorted(data.fixed_table.items()):
        key = (data.fixed[m], table)
        if key in holder:
            clashes.append((holder[key], m))
        else:
            holder[key] = m
    return clashes
