"""Break counts: a participant's breaks are the blocks of consecutive meetings it has, minus one.

busy[p, s] says participant p has a meeting in slot s; start[p, s] that a block of meetings
begins there (busy now, not busy in the slot before). breaks[p] = starts - 1 for a participant
with any meeting (0 otherwise): each gap between two blocks, of any length, counts once.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    for p, meetings in enumerate(data.meetings_of):
        if not meetings:
            continue
        busy_slots = sorted(s for (q, s) in variables.busy if q == p)
        starts = []
        for s in busy_slots:
            busy = variables.busy[p, s]
            before = variables.busy.get((p, s - 1))
            if before is None:
                start = busy  # nothing possible in the slot before: busy here starts a block
            else:
                # A block starts in s exactly when p is busy in s and free in s - 1.
                start = model.new_bool_var(f"start[{p},{s}]")
                model.add_bool_or([busy.Not(), before, start])
                model.add_implication(start, busy)
                model.add_implication(start, before.Not())
            variables.starts[p, s] = start
            starts.append(start)
        breaks = model.new_int_var(0, max(0, len(starts) - 1), f"breaks[{p}]")
        variables.breaks[p] = breaks
        if not starts:
            model.add(breaks == 0)
            continue
        every_one_required = all(data.required[m] for m in meetings) and not variables.explaining
        if every_one_required:
            model.add(breaks == sum(starts) - 1)
            # Implied: p is busy in exactly as many slots as it has meetings.
            model.add(sum(variables.busy[p, s] for s in busy_slots) == len(meetings))
            # Implied: at least one block.
            model.add_bool_or(starts)
        else:
            has = model.new_bool_var(f"has_meetings[{p}]")
            for s in busy_slots:
                model.add_implication(variables.busy[p, s], has)
            model.add_bool_or([variables.busy[p, s] for s in busy_slots]).only_enforce_if(has)
            model.add(breaks == sum(starts) - has)
