"""One module per constraint family of the meeting model, each with build(data, model, variables).

`slots` creates the meetings' slot variables (one slot per meeting, one meeting per participant and
slot); `sessions`, `forbidden` and `fixed` restrict the slots a meeting can take (as domains when
solving, as switchable rules when explaining an infeasibility); then
`precedences`, `breaks` (each participant's blocks of consecutive meetings, break counts and
the implied constraints), `tables` (a cumulative over the blocks) and `fairness`.
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

FAMILIES = (slots, sessions, forbidden, fixed, precedences, breaks, tables, fairness)

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
