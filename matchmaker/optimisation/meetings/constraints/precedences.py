"""A meeting listed in another's `after` takes an earlier slot (when both are scheduled)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def pairs(data: MeetingData) -> list[tuple[int, int]]:
    """(earlier, later) meeting indices."""
    return [
        (number - 1, m)
        for m, meeting in enumerate(data.problem.meetings)
        for number in meeting.after
    ]


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    for earlier, later in pairs(data):
        first = variables.slot_literals(earlier)
        enforce = []
        if variables.explaining:
            enforce.append(variables.assume(model, "precedence", (earlier, later)))
        # Once `later` sits in slot s, `earlier` is in none of the slots s, s+1, ... (an
        # unscheduled meeting has no slot literal set, so the rule binds only when both are).
        for s, literal in variables.slot_literals(later):
            for t, other in first:
                if t >= s:
                    model.add_bool_or([literal.Not(), other.Not()]).only_enforce_if(enforce)
