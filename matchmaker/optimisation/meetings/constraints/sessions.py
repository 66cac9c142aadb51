"""A meeting bound to the morning or the afternoon takes a slot of that session."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    if not variables.explaining:
        return  # when solving, the session is already in each meeting's domain (data.allowed)
    for m, window in enumerate(data.session_slots):
        if len(window) < data.slots:
            rule = variables.assume(model, "session", (m,))
            model.add_linear_expression_in_domain(
                variables.slot[m], cp_model.Domain.from_values(sorted(window))
            ).only_enforce_if([rule, *variables.when_scheduled(m)])
