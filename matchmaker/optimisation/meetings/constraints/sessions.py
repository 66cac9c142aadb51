"""A meeting bound to the morning or the afternoon takes a slot of that session."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    if not variables.explaining:
        return  # when solving, the session is already in each meeting's domain (data.allowed)
    for m, window in enumerate(data.session_slots):
        outside = [s for s in range(data.slots) if s not in window]
        if outside:
            rule = variables.assume(model, "session", (m,))
            for s in outside:
                model.add_implication(rule, variables.x[m, s].Not())
