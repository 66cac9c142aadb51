"""Every meeting takes one slot (or none, when optional); a participant has one meeting a slot.

A meeting's slot is an integer variable whose domain already leaves out the slots its session,
its participants' forbidden slots and a fixed slot rule out (when explaining an infeasibility
the domain is every slot and those rules are switchable constraints instead).
"""

from __future__ import annotations

import itertools

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.constraints import precedences
from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    for m in range(len(data.pairs)):
        slots = list(range(data.slots)) if variables.explaining else data.allowed(m)
        if not slots:
            # No slot at all: the meeting cannot take place (static checks explain why).
            variables.slot[m] = model.new_constant(0)
            variables.scheduled[m] = model.new_constant(0)
            continue
        variables.slot[m] = model.new_int_var_from_domain(
            cp_model.Domain.from_values(slots), f"slot[{m}]"
        )
        if data.required[m] and not variables.explaining:
            continue
        scheduled = model.new_bool_var(f"scheduled[{m}]")
        variables.scheduled[m] = scheduled
        if not variables.explaining:
            model.add(variables.slot[m] == slots[0]).only_enforce_if(~scheduled)
        elif data.required[m]:
            model.add_implication(variables.assume(model, "required", (m,)), scheduled)

    _order_twins(data, model, variables)
    for meetings in data.meetings_of:
        if len(meetings) < 2:
            continue
        if not any(m in variables.scheduled for m in meetings):
            # A participant is in at most one meeting per slot.
            model.add_all_different([variables.slot[m] for m in meetings])
            continue
        model.add_no_overlap(
            [
                model.new_optional_fixed_size_interval_var(
                    variables.slot[m], 1, variables.scheduled.get(m, True), f"meeting[{m}]"
                )
                if m in variables.scheduled
                else model.new_fixed_size_interval_var(variables.slot[m], 1, f"meeting[{m}]")
                for m in meetings
            ]
        )


def _order_twins(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    """Symmetry breaking: of two interchangeable requests of the same pair (same session and
    priority, neither fixed nor in a precedence), the first takes the earlier slot, and the
    second is scheduled only if the first is."""
    if variables.explaining:
        return
    ordered = {m for pair in precedences.pairs(data) for m in pair}
    twins: dict[tuple, list[int]] = {}
    for m, meeting in enumerate(data.problem.meetings):
        if m in data.fixed or m in ordered:
            continue
        key = (tuple(sorted(data.pairs[m])), meeting.session, meeting.priority)
        twins.setdefault(key, []).append(m)
    for group in twins.values():
        for first, second in itertools.pairwise(group):
            enforce = variables.when_scheduled(second)
            if first in variables.scheduled:
                model.add_implication(variables.scheduled[second], variables.scheduled[first])
            model.add(variables.slot[first] + 1 <= variables.slot[second]).only_enforce_if(enforce)
