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
        enforce = variables.when_scheduled(earlier) + variables.when_scheduled(later)
        if variables.explaining:
            enforce.append(variables.assume(model, "precedence", (earlier, later)))
        # `earlier` takes a slot before `later`.
        model.add(variables.slot[earlier] + 1 <= variables.slot[later]).only_enforce_if(enforce)
