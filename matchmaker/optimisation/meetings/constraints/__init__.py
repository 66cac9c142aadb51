"""One module per constraint family of the meeting model, each with build(data, model, variables).

`slots` creates the meeting-slot literals (one slot per meeting, one meeting per participant and
slot); `sessions`, `forbidden` and `fixed` restrict the slots a meeting can take (as domains when
solving, as switchable rules when explaining an infeasibility); then `tables`, `precedences`,
`breaks` (block starts, break counts and the implied constraints) and `fairness`.
"""

from matchmaker.optimisation.meetings.constraints import (
    breaks,
    fairness,
    fixed,
    forbidden,
    precedences,
    sessions,
    slots,
    tables,
)

FAMILIES = (slots, sessions, forbidden, fixed, tables, precedences, breaks, fairness)

__all__ = [
    "FAMILIES",
    "breaks",
    "fairness",
    "fixed",
    "forbidden",
    "precedences",
    "sessions",
    "slots",
    "tables",
]
