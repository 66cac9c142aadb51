"""No more meetings share a slot than there are tables (tables are interchangeable).

Every meeting makes its two participants busy, and a participant is busy exactly in its blocks
(constraints/breaks.py), so the rule is a cumulative constraint over all blocks: at most
2 x tables participants busy per slot.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.data import MeetingData, Variables


def build(data: MeetingData, model: cp_model.CpModel, variables: Variables) -> None:
    blocks = [block for per_participant in variables.blocks.values() for block in per_participant]
    if blocks:
        model.add_cumulative(blocks, [1] * len(blocks), 2 * data.tables)
