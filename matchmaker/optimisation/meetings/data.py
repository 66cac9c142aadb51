"""The problem in solver terms (0-based indices, allowed slots per meeting) and the variables."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.problem import MeetingProblem


@dataclass(slots=True)
class MeetingData:
    """Indices the model works with: participants 0..P-1, meetings 0..M-1, slots 0..S-1."""

    problem: MeetingProblem
    index_of: dict[str, int]
    pairs: list[tuple[int, int]]
    meetings_of: list[list[int]]
    session_slots: list[frozenset[int]]  # per meeting: its session window, 0-based
    forbidden: list[frozenset[int]]  # per participant, 0-based
    fixed: dict[int, int]  # meeting -> 0-based slot (problem's fixed slots and locks)
    fixed_table: dict[int, int]  # meeting -> 0-based table
    required: list[bool]  # must be scheduled: require_all, or a fixed meeting
    fairness: int | None
    # At most this many blocks per participant (None: as fairness allows); the search from
    # below sets it to each participant's fewest breaks + 1 at the level where all are fewest.
    block_limits: dict[int, int] | None = None

    @property
    def slots(self) -> int:
        return self.problem.slots

    @property
    def tables(self) -> int:
        return self.problem.tables

    def allowed(self, m: int) -> list[int]:
        """Slots meeting m can take: its session, neither participant forbidden, its fixed slot."""
        first, second = self.pairs[m]
        blocked = self.forbidden[first] | self.forbidden[second]
        slots = [s for s in sorted(self.session_slots[m]) if s not in blocked]
        if m in self.fixed:
            slots = [s for s in slots if s == self.fixed[m]]
        return slots


def prepare(
    problem: MeetingProblem,
    fairness: int | None,
    locked: dict[int, tuple[int, int | None]] | None = None,
) -> MeetingData:
    """Indices of a valid problem; `locked` maps meeting numbers to (slot, table or None)."""
    index_of = {p.id: i for i, p in enumerate(problem.participants)}
    pairs = [(index_of[a], index_of[b]) for a, b in (m.participants for m in problem.meetings)]
    meetings_of: list[list[int]] = [[] for _ in problem.participants]
    for m, (a, b) in enumerate(pairs):
        meetings_of[a].append(m)
        meetings_of[b].append(m)
    fixed: dict[int, int] = {}
    fixed_table: dict[int, int] = {}
    for m, meeting in enumerate(problem.meetings):
        if meeting.fixed_slot is not None:
            fixed[m] = meeting.fixed_slot - 1
            if meeting.fixed_table is not None:
                fixed_table[m] = meeting.fixed_table - 1
    for number, (slot, table) in (locked or {}).items():
        fixed[number - 1] = slot - 1
        fixed_table.pop(number - 1, None)
        if table is not None:
            fixed_table[number - 1] = table - 1
    return MeetingData(
        problem=problem,
        index_of=index_of,
        pairs=pairs,
        meetings_of=meetings_of,
        session_slots=[
            frozenset(s - 1 for s in problem.session_slots(m.session)) for m in problem.meetings
        ],
        forbidden=[frozenset(s - 1 for s in p.forbidden) for p in problem.participants],
        fixed=fixed,
        fixed_table=fixed_table,
        required=[problem.require_all or m in fixed for m in range(len(pairs))],
        fairness=fairness,
    )


@dataclass(slots=True)
class Variables:
    """The model's variables, filled by the constraint families in order."""

    slot: dict[int, cp_model.IntVar] = field(default_factory=dict)  # meeting -> 0-based slot
    scheduled: dict[int, cp_model.IntVar] = field(default_factory=dict)  # optional meetings
    blocks: dict[int, list[cp_model.IntervalVar]] = field(default_factory=dict)  # participant
    breaks: dict[int, cp_model.IntVar] = field(default_factory=dict)
    total_breaks: cp_model.LinearExprT = 0
    least: dict[int, int] = field(default_factory=dict)  # participant -> proven fewest breaks
    # Assumption literals when explaining infeasibility: literal index -> what it stands for.
    assumptions: dict[int, tuple[str, tuple]] = field(default_factory=dict)
    assumption_literals: list[cp_model.IntVar] = field(default_factory=list)
    explaining: bool = False

    def assume(self, model: cp_model.CpModel, kind: str, key: tuple) -> cp_model.IntVar:
        """A literal that switches one rule on, so an unsat core can name the rules that clash."""
        literal = model.new_bool_var(f"assume[{kind}{key}]")
        self.assumptions[literal.index] = (kind, key)
        self.assumption_literals.append(literal)
        return literal

    def when_scheduled(self, m: int) -> list[cp_model.IntVar]:
        """Enforcement literals of a rule about meeting m: none if it always takes place."""
        return [self.scheduled[m]] if m in self.scheduled else []
