"""No participant has a meeting in a slot it cannot attend."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    if not variables.explaining:
        return  # when solving, forbidden slots are left out of the domains (data.allowed)
    for p, slots in enumerate(data.forbidden):
        if not slots or not data.meetings_of[p]:
            continue
        rule = variables.assume(model, "forbidden", (p,))
        free = cp_model.Domain.from_values([s for s in range(data.slots) if s not in slots])
        for m in data.meetings_of[p]:
            model.add_linear_expression_in_domain(variables.slot[m], free).only_enforce_if(
                [rule, *variables.when_scheduled(m)]
            )
