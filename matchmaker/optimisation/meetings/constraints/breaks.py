"""Break counts, modelled by blocks: a participant's busy slots are a few blocks of consecutive
slots, in order, with at least one free slot between two blocks; its breaks are its blocks
minus one (a gap of any length counts once).

Each block is an optional interval (start, size); busy[p, s] is 1 exactly when slot s lies in
one of p's blocks. The block view gives CP-SAT what the meeting literals alone do not:
without breaks a participant's meetings fill one window of n slots (each of its meetings
lies in the window, all in different slots), and all windows together respect the tables: at
most 2 x tables participants are busy in a slot (a cumulative constraint over the blocks).

How many blocks a participant needs at most: with fairness d, the participant with the fewest
requests (n_min) has at most n_min - 1 breaks, so nobody has more than n_min - 1 + d; without
fairness, one block per meeting.

Implied constraints (the paper's idea of reasoning per participant, made exact by matching):
for a participant whose meetings must all take place, every window of n consecutive slots is
checked for a matching of its meetings to the window's slots (each meeting to a slot it can
take). A single block may only start where such a matching exists; a participant for which no
window works has at least one break, and one for which no two blocks work has at least two.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def _matchable(allowed: list[list[int]], slots: set[int]) -> bool:
    """Can every meeting take its own slot among `slots`? (augmenting paths)"""
    holder: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for s in allowed[i]:
            if s in slots and s not in seen:
                seen.add(s)
                if s not in holder or place(holder[s], seen):
                    holder[s] = i
                    return True
        return False

    return all(place(i, set()) for i in range(len(allowed)))


def single_blocks(allowed: list[list[int]], slot_count: int) -> list[int]:
    """First slots a of the windows a..a+n-1 that can hold all n meetings."""
    n = len(allowed)
    return [a for a in range(slot_count - n + 1) if _matchable(allowed, set(range(a, a + n)))]


def fewest_breaks(allowed: list[list[int]], slot_count: int, windows: list[int]) -> int:
    """A lower bound (0, 1 or 2) on the breaks of a participant alone with these meetings."""
    n = len(allowed)
    if n == 0 or windows:
        return 0
    for first in range(1, n):
        second = n - first
        for a in range(slot_count - n):
            for b in range(a + first + 1, slot_count - second + 1):
                slots = set(range(a, a + first)) | set(range(b, b + second))
                if _matchable(allowed, slots):
                    return 1
    return 2


def block_limit(data: MeetingData, count: int) -> int:
    """Blocks a participant with `count` requests can need in an optimal, fair schedule."""
    if data.fairness is None:
        return count
    fewest = min(len(meetings) for meetings in data.meetings_of if meetings)
    return max(1, min(count, fewest + data.fairness))


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    total: list = []
    for p, meetings in enumerate(data.meetings_of):
        if not meetings:
            continue
        required = all(m not in variables.scheduled for m in meetings)
        count = sum(variables.scheduled.get(m, 1) for m in meetings)  # meetings taking place
        limit = len(meetings) if variables.explaining else block_limit(data, len(meetings))
        if data.block_limits is not None and not variables.explaining:
            limit = min(limit, data.block_limits.get(p, limit))
        starts, ends, present, intervals = [], [], [], []
        for j in range(limit):
            start = model.new_int_var(0, data.slots - 1, f"block_start[{p},{j}]")
            size = model.new_int_var(0, len(meetings), f"block_size[{p},{j}]")
            end = model.new_int_var(0, data.slots, f"block_end[{p},{j}]")
            on = (
                model.new_constant(1)
                if j == 0 and required
                else model.new_bool_var(f"block[{p},{j}]")
            )
            model.add(size >= 1).only_enforce_if(on)
            model.add(size == 0).only_enforce_if(~on)
            model.add(start == 0).only_enforce_if(~on)  # one way to write an unused block
            intervals.append(model.new_optional_interval_var(start, size, end, on, f"b[{p},{j}]"))
            if j:
                # Blocks come in order, each after a free slot; the used ones come first.
                model.add_implication(on, present[-1])
                model.add(start >= ends[-1] + 1).only_enforce_if(on)
            starts.append(start)
            ends.append(end)
            present.append(on)
        variables.blocks[p] = intervals
        # p's blocks are as long as its meetings are many, and each meeting lies in a block;
        # with p's meetings in different slots, p is busy exactly in its blocks.
        model.add(sum(i.size_expr() for i in intervals) == count)
        if not required:
            model.add(count >= 1).only_enforce_if(present[0])
            model.add(count == 0).only_enforce_if(~present[0])
        last_end = model.new_int_var(0, data.slots, f"last_end[{p}]")
        for j in range(limit):
            closing = [present[j]] + ([~present[j + 1]] if j + 1 < limit else [])
            model.add(last_end == ends[j]).only_enforce_if(closing)
        for m in meetings:
            slot = variables.slot[m]
            when = variables.when_scheduled(m)
            model.add(slot >= starts[0]).only_enforce_if(when)
            model.add(slot <= last_end - 1).only_enforce_if(when)
            if limit == 1:
                model.add(slot <= ends[0] - 1).only_enforce_if(when)
                continue
            choices = [model.new_bool_var(f"in_block[{m},{p},{j}]") for j in range(limit)]
            model.add(sum(choices) == (when[0] if when else 1))
            for j, choice in enumerate(choices):
                model.add_implication(choice, present[j])
                model.add(slot >= starts[j]).only_enforce_if(choice)
                model.add(slot <= ends[j] - 1).only_enforce_if(choice)
        breaks = model.new_int_var(0, limit - 1, f"breaks[{p}]")
        model.add(breaks == sum(present[1:]))
        variables.breaks[p] = breaks
        total.extend(present[1:])
        if required:
            variables.least[p] = _implied(data, model, p, meetings, starts, present)
    variables.total_breaks = sum(total)


def _implied(
    data: MeetingData,
    model: cp_model.CpModel,
    p: int,
    meetings: list[int],
    starts: list,
    present: list,
) -> int:
    """Adds the implied constraints of p; returns the fewest breaks p can have."""
    allowed = [data.allowed(m) for m in meetings]
    windows = single_blocks(allowed, data.slots)
    least = fewest_breaks(allowed, data.slots, windows)
    if least:
        # p cannot hold all its meetings in one block (two, if least is 2).
        for j in range(min(least + 1, len(present))):
            model.add(present[j] == 1)
    elif len(present) > 1:
        # A single block starts where a window can hold all of p's meetings.
        model.add_linear_expression_in_domain(
            starts[0], cp_model.Domain.from_values(windows)
        ).only_enforce_if(~present[1])
    else:
        model.add_linear_expression_in_domain(starts[0], cp_model.Domain.from_values(windows))
    return least
