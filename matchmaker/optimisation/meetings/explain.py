"""Why a meeting day is infeasible (which fixed meetings, forbidden slots, sessions, precedences
or table counts clash) and why each unscheduled request found no slot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from matchmaker.optimisation.meetings.building import build_model
from matchmaker.optimisation.meetings.constraints import fixed as fixed_family
from matchmaker.optimisation.meetings.constraints import precedences as precedence_family
from matchmaker.optimisation.meetings.data import MeetingData

# Kinds of infeasibility, and reason codes of unscheduled requests.
CONFLICT_KINDS = ("session", "forbidden", "fixed", "tables", "precedence", "participant", "rules")
UNAVAILABLE = "unavailable"  # no slot both participants can attend in the meeting's session
AGENDA_FULL = "agenda_full"  # in every such slot one of the two already has a meeting
TABLES_FULL = "tables_full"  # in every such slot all tables are taken
PRECEDENCE = "precedence"  # the slots left break an order with another scheduled meeting
NO_ROOM = "no_room"  # each such slot is blocked for one of the reasons above
UNSCHEDULED_REASONS = (UNAVAILABLE, AGENDA_FULL, TABLES_FULL, PRECEDENCE, NO_ROOM)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Rules that cannot all hold: the meetings (1-based numbers) and participants involved."""

    kind: str
    meetings: tuple[int, ...]
    participants: tuple[str, ...]
    detail: str

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "meetings": list(self.meetings),
            "participants": list(self.participants),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Unscheduled:
    meeting: int  # 1-based
    reason: str
    detail: str


def _ids(data: MeetingData, indices) -> tuple[str, ...]:
    return tuple(data.problem.participants[p].id for p in sorted(set(indices)))


def _slot_list(slots) -> str:
    return ", ".join(str(s + 1) for s in sorted(slots))


def static_conflicts(data: MeetingData) -> list[Conflict]:
    """Clashes visible without search: fixed meetings against sessions, forbidden slots, each
    other, tables and precedences; with every meeting required, also meetings without any slot,
    participants with more meetings than usable slots, and precedence cycles."""
    conflicts: list[Conflict] = []
    people = data.problem.participants

    def conflict(
        kind: str, meetings: Iterable[int], participants: tuple[str, ...], detail: str
    ) -> None:
        """A clash of meetings given by index (a conflict names them by 1-based number)."""
        conflicts.append(Conflict(kind, tuple(m + 1 for m in meetings), participants, detail))

    for m, slot in sorted(data.fixed.items()):
        a, b = data.pairs[m]
        if slot not in data.session_slots[m]:
            conflict(
                "session",
                (m,),
                _ids(data, (a, b)),
                f"meeting {m + 1} is fixed in slot {slot + 1}, outside its "
                f"{data.problem.meetings[m].session} session",
            )
        for p in (a, b):
            if slot in data.forbidden[p]:
                conflict(
                    "forbidden",
                    (m,),
                    (people[p].id,),
                    f"meeting {m + 1} is fixed in slot {slot + 1}, which {people[p].id} "
                    "cannot attend",
                )
    by_participant_slot: dict[tuple[int, int], list[int]] = {}
    by_slot: dict[int, list[int]] = {}
    for m, slot in sorted(data.fixed.items()):
        by_slot.setdefault(slot, []).append(m)
        for p in data.pairs[m]:
            by_participant_slot.setdefault((p, slot), []).append(m)
    for (p, slot), meetings in sorted(by_participant_slot.items()):
        if len(meetings) > 1:
            conflict(
                "fixed",
                meetings,
                (people[p].id,),
                f"meetings {', '.join(str(m + 1) for m in meetings)} are all fixed in slot "
                f"{slot + 1}, and {people[p].id} is in each of them",
            )
    for slot, meetings in sorted(by_slot.items()):
        if len(meetings) > data.tables:
            conflict(
                "tables",
                meetings,
                (),
                f"{len(meetings)} meetings are fixed in slot {slot + 1}, which has only "
                f"{data.tables} tables",
            )
    for first, second in fixed_family.table_clashes(data):
        conflict(
            "fixed",
            (first, second),
            (),
            f"meetings {first + 1} and {second + 1} are both fixed at table "
            f"{data.fixed_table[first] + 1} in slot {data.fixed[first] + 1}",
        )
    for earlier, later in precedence_family.pairs(data):
        if (
            earlier in data.fixed
            and later in data.fixed
            and data.fixed[earlier] >= data.fixed[later]
        ):
            conflict(
                "precedence",
                (earlier, later),
                (),
                f"meeting {earlier + 1} must come before meeting {later + 1}, but they are "
                f"fixed in slots {data.fixed[earlier] + 1} and {data.fixed[later] + 1}",
            )
    if conflicts:
        return conflicts

    required = [m for m in range(len(data.pairs)) if data.required[m]]
    for m in required:
        if not data.allowed(m):
            a, b = data.pairs[m]
            conflict(
                "forbidden",
                (m,),
                _ids(data, (a, b)),
                f"meeting {m + 1} has no slot in its {data.problem.meetings[m].session} "
                f"session that both {people[a].id} and {people[b].id} can attend",
            )
    for p, meetings in enumerate(data.meetings_of):
        needed = [m for m in meetings if data.required[m]]
        usable = set().union(*(data.allowed(m) for m in needed)) if needed else set()
        if len(needed) > len(usable):
            conflict(
                "participant",
                needed,
                (people[p].id,),
                f"{people[p].id} has {len(needed)} meetings but can attend only "
                f"{len(usable)} of their slots ({_slot_list(usable)})",
            )
    cycle = _precedence_cycle(data, set(required))
    if cycle:
        conflict(
            "precedence",
            cycle,
            (),
            "these meetings must each come before the next, round in a circle: "
            + " before ".join(str(m + 1) for m in [*cycle, cycle[0]]),
        )
    if len(required) > data.slots * data.tables:
        conflict(
            "tables",
            (),
            (),
            f"{len(required)} meetings need a table but {data.slots} slots x "
            f"{data.tables} tables give only {data.slots * data.tables}",
        )
    return conflicts


def _precedence_cycle(data: MeetingData, among: set[int]) -> list[int]:
    successors: dict[int, list[int]] = {}
    for earlier, later in precedence_family.pairs(data):
        if earlier in among and later in among:
            successors.setdefault(earlier, []).append(later)
    state: dict[int, int] = {}
    for root in sorted(successors):
        if root in state:
            continue
        stack = [(root, iter(successors.get(root, ())))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return path[path.index(child) :]
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(successors.get(child, ()))))
    return []


_RULE_WORDS = {
    "required": "every meeting must be scheduled",
    "session": "meeting sessions",
    "forbidden": "forbidden slots",
    "fixed": "fixed meetings",
    "precedence": "precedences",
    "fairness": "the fairness bound",
}


def explain_infeasible(data: MeetingData, *, seed: int, time_limit: float | None) -> list[Conflict]:
    """An unsat core of the switchable rules: a set of them that cannot hold together."""
    model, variables = build_model(data, explaining=True)
    model.add_assumptions(variables.assumption_literals)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # cores are only reported by a single worker
    solver.parameters.random_seed = seed
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = max(1.0, time_limit)
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return [
            Conflict(
                "rules",
                (),
                (),
                "the solver proved that the rules cannot all hold, but could not single out "
                "which ones within the time limit",
            )
        ]
    core = [variables.assumptions[i] for i in solver.sufficient_assumptions_for_infeasibility()]
    meetings: set[int] = set()
    participants: set[int] = set()
    kinds: list[str] = []
    parts: list[str] = []
    for kind in ("fixed", "forbidden", "session", "precedence", "required", "fairness"):
        keys = sorted(key for k, key in core if k == kind)
        if not keys:
            continue
        kinds.append(kind)
        if kind == "forbidden":
            participants.update(key[0] for key in keys)
            names = ", ".join(data.problem.participants[key[0]].id for key in keys)
            parts.append(f"forbidden slots of {names}")
        elif kind == "precedence":
            meetings.update(m for key in keys for m in key)
            parts.append("precedences " + ", ".join(f"{a + 1} before {b + 1}" for a, b in keys))
        elif kind == "fairness":
            parts.append(f"the fairness bound d = {data.fairness}")
        else:
            meetings.update(key[0] for key in keys)
            label = {"fixed": "fixed meetings", "session": "sessions of meetings"}.get(
                kind, "meetings that must be scheduled:"
            )
            parts.append(f"{label} {', '.join(str(key[0] + 1) for key in keys)}")
    for m in meetings:
        participants.update(data.pairs[m])
    kind = kinds[0] if len(kinds) == 1 else "rules"
    return [
        Conflict(
            kind if kind in CONFLICT_KINDS else "rules",
            tuple(m + 1 for m in sorted(meetings)),
            _ids(data, participants),
            "these cannot all hold together with one meeting per participant and slot and "
            f"{data.tables} tables per slot: " + "; ".join(parts),
        )
    ]


def explain_unscheduled(
    data: MeetingData, slot_of: dict[int, int], *, proven: bool
) -> list[Unscheduled]:
    """For each unscheduled meeting (0-based slot_of lacks it), what blocks each of its slots.

    `proven`: the schedule is proven to place the most requests (weighted by priority).
    """
    people = data.problem.participants
    occupant: dict[tuple[int, int], int] = {}
    per_slot: dict[int, int] = {}
    for m, s in slot_of.items():
        for p in data.pairs[m]:
            occupant[p, s] = m
        per_slot[s] = per_slot.get(s, 0) + 1
    before: dict[int, list[int]] = {}
    after: dict[int, list[int]] = {}
    for earlier, later in precedence_family.pairs(data):
        after.setdefault(earlier, []).append(later)
        before.setdefault(later, []).append(earlier)
    reasons: list[Unscheduled] = []
    for m in range(len(data.pairs)):
        if m in slot_of:
            continue
        a, b = data.pairs[m]
        candidates = data.allowed(m)
        if not candidates:
            reasons.append(
                Unscheduled(
                    m + 1,
                    UNAVAILABLE,
                    f"no slot of the {data.problem.meetings[m].session} session is one that both "
                    f"{people[a].id} and {people[b].id} can attend",
                )
            )
            continue
        blocks: dict[str, list[str]] = {AGENDA_FULL: [], TABLES_FULL: [], PRECEDENCE: []}
        for s in candidates:
            busy = [p for p in (a, b) if (p, s) in occupant]
            if busy:
                blocks[AGENDA_FULL].append(
                    f"slot {s + 1}: "
                    + ", ".join(
                        f"{people[p].id} meets {_partner(data, occupant[p, s], p)}" for p in busy
                    )
                )
            elif per_slot.get(s, 0) >= data.tables:
                blocks[TABLES_FULL].append(f"slot {s + 1}: all {data.tables} tables taken")
            else:
                clash = [k for k in before.get(m, []) if k in slot_of and slot_of[k] >= s]
                clash += [k for k in after.get(m, []) if k in slot_of and slot_of[k] <= s]
                blocks[PRECEDENCE].append(
                    f"slot {s + 1}: order with meeting {', '.join(str(k + 1) for k in clash)}"
                )
        used = [reason for reason, lines in blocks.items() if lines]
        reason = used[0] if len(used) == 1 else NO_ROOM
        summary = {
            AGENDA_FULL: "in every slot both can attend, one of them already has a meeting",
            TABLES_FULL: "every slot both can attend has all its tables taken",
            PRECEDENCE: "every free slot both can attend breaks an order with another meeting",
            NO_ROOM: "every slot both can attend is taken",
        }[reason]
        lines = [line for r in used for line in blocks[r]]
        ending = (
            "; no schedule places more of the requests, weighted by priority"
            if proven
            else "; the search stopped before proving that no schedule places more"
        )
        reasons.append(Unscheduled(m + 1, reason, f"{summary} (" + "; ".join(lines) + ")" + ending))
    return reasons


def _partner(data: MeetingData, m: int, p: int) -> str:
    a, b = data.pairs[m]
    return data.problem.participants[b if a == p else a].id
