"""Fairness d: the break counts of any two participants with meetings differ by at most d."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    if data.fairness is None or not variables.breaks:
        return
    top = data.slots
    most = model.new_int_var(0, top, "most_breaks")
    least = model.new_int_var(0, top, "least_breaks")
    enforce = [variables.assume(model, "fairness", ())] if variables.explaining else []
    for breaks in variables.breaks.values():
        model.add(breaks <= most)
        model.add(breaks >= least)
    # The spread between the most and the fewest breaks is at most d.
    model.add(most - least <= data.fairness).only_enforce_if(enforce)
