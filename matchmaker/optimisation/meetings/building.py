"""The CP-SAT model of a meeting day: variables and every constraint family, no objective
(model.py adds the objectives of its phases; explain.py the assumptions of its unsat core)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings import constraints
from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build_model(
    data: MeetingData, *, explaining: bool = False
) -> tuple[cp_model.CpModel, Variables]:
    """Variables and every constraint family, without objective."""
    model = cp_model.CpModel()
    variables = Variables(explaining=explaining)
    for family in constraints.FAMILIES:
        family.build(data, model, variables)
    return model, variables
