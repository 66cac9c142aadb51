"""Reader for the paper's MiniZinc data files (.dzn), so the published instances run unchanged.

The files (Bofill et al., JAIR 74, 2022) hold `nBusiness`, `nMeetings`, `nTables`,
`nTotalSlots`, `nMorningSlots`, `requested` (rows `p1, p2, session` with 1 = morning,
2 = afternoon, 3 = any), `meetingsxBusiness` (meeting ids shifted by +1, 1 = none),
`nMeetingsBusiness`, `forbidden` (`{0}` = none), `fixed` (0 = free) and `precedences`
(meetings that must come before). Participants become ids "1".."nBusiness", meetings keep
their order, and every meeting must be scheduled (`require_all`); fairness is not in the files
(the paper's table uses d = 2, given on the command line). The redundant
`meetingsxBusiness` and `nMeetingsBusiness` are checked against `requested`.
"""

from __future__ import annotations

import re
from typing import Any

from matchmaker.optimisation.meetings.problem import (
    Meeting,
    MeetingProblem,
    MeetingProblemError,
    Participant,
    checked_problem,
)

_TOKEN = re.compile(r"\s*(\[\||\|\]|\d+|[\[\]{}|,=;]|[A-Za-z_][A-Za-z0-9_]*|\.\.)")
_SESSION = {1: "morning", 2: "afternoon", 3: "any"}
_REQUIRED = (
    "nBusiness",
    "nMeetings",
    "nTables",
    "nTotalSlots",
    "nMorningSlots",
    "requested",
    "forbidden",
    "fixed",
    "precedences",
)


def _tokens(text: str) -> list[str]:
    text = re.sub(r"%[^\n]*", "", text)
    tokens: list[str] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _TOKEN.match(text, position)
        if match is None:
            raise MeetingProblemError([f"dzn: unexpected character {text[position]!r}"])
        tokens.append(match.group(1))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise MeetingProblemError([f"dzn: expected {expected or 'a value'}, got {token!r}"])
        self.at += 1
        return token

    def value(self) -> Any:
        token = self.peek()
        if token == "[|":
            return self.matrix()
        if token == "[":
            self.take("[")
            return self.items("]")
        if token == "{":
            self.take("{")
            return set(self.items("}"))
        if token is not None and token.isdigit():
            first = int(self.take())
            if self.peek() == "..":
                self.take("..")
                return set(range(first, int(self.take()) + 1))
            return first
        raise MeetingProblemError([f"dzn: unexpected {token!r}"])

    def items(self, closing: str) -> list:
        values: list = []
        while self.peek() != closing:
            values.append(self.value())
            if self.peek() == ",":
                self.take(",")
        self.take(closing)
        return values

    def matrix(self) -> list[list[int]]:
        self.take("[|")
        rows: list[list[int]] = [[]]
        while self.peek() != "|]":
            token = self.peek()
            if token == "|":
                self.take("|")
                rows.append([])
            elif token == ",":
                self.take(",")
            else:
                rows[-1].append(self.value())
        self.take("|]")
        return [row for row in rows if row]

    def assignments(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        while self.peek() is not None:
            name = self.take()
            self.take("=")
            values[name] = self.value()
            self.take(";")
        return values


def parse_dzn(text: str, name: str = "dzn") -> MeetingProblem:
    """Read one .dzn instance; raises MeetingProblemError naming every inconsistency."""
    values = _Parser(_tokens(text)).assignments()
    problems = [f"{key}: is required" for key in _REQUIRED if key not in values]
    if problems:
        raise MeetingProblemError(problems)
    n_business, n_meetings = values["nBusiness"], values["nMeetings"]
    slots, morning, tables = values["nTotalSlots"], values["nMorningSlots"], values["nTables"]
    requested, forbidden = values["requested"], values["forbidden"]
    fixed, precedences = values["fixed"], values["precedences"]
    if len(requested) != n_meetings:
        problems.append(f"requested: {len(requested)} rows, nMeetings = {n_meetings}")
    for key, array in (("fixed", fixed), ("precedences", precedences)):
        if len(array) != n_meetings:
            problems.append(f"{key}: {len(array)} entries, nMeetings = {n_meetings}")
    if len(forbidden) != n_business:
        problems.append(f"forbidden: {len(forbidden)} entries, nBusiness = {n_business}")
    if problems:
        raise MeetingProblemError(problems)

    participants = []
    for p in range(n_business):
        slots_out = {s for s in forbidden[p] if s != 0}
        bad = [s for s in slots_out if not 1 <= s <= slots]
        if bad:
            problems.append(f"forbidden[{p + 1}]: slots {bad} outside 1..{slots}")
        participants.append(Participant(str(p + 1), f"participant {p + 1}", frozenset(slots_out)))
    meetings = []
    meetings_of: dict[int, set[int]] = {p: set() for p in range(1, n_business + 1)}
    for m, row in enumerate(requested, start=1):
        if len(row) != 3 or row[2] not in _SESSION:
            problems.append(f"requested[{m}]: {row} is not [p1, p2, session 1..3]")
            continue
        first, second, session = row
        if not (1 <= first <= n_business and 1 <= second <= n_business) or first == second:
            problems.append(f"requested[{m}]: participants {first}, {second} are not valid")
            continue
        meetings_of[first].add(m)
        meetings_of[second].add(m)
        slot = fixed[m - 1] or None
        if slot is not None and not 1 <= slot <= slots:
            problems.append(f"fixed[{m}]: slot {slot} outside 1..{slots}")
        after = tuple(sorted(precedences[m - 1]))
        if any(not 1 <= k <= n_meetings or k == m for k in after):
            problems.append(f"precedences[{m}]: {list(after)} names a meeting that is not valid")
        meetings.append(
            Meeting(
                number=m,
                participants=(str(first), str(second)),
                session=_SESSION[session],
                fixed_slot=slot,
                after=after,
            )
        )
    if "meetingsxBusiness" in values:
        for p, listed in enumerate(values["meetingsxBusiness"], start=1):
            shifted = {k - 1 for k in listed if k != 1}
            if p in meetings_of and shifted != meetings_of[p]:
                problems.append(f"meetingsxBusiness[{p}]: does not match requested")
    if "nMeetingsBusiness" in values:
        for p, count in enumerate(values["nMeetingsBusiness"], start=1):
            if p in meetings_of and count != len(meetings_of[p]):
                problems.append(
                    f"nMeetingsBusiness[{p}]: {count}, requested gives {len(meetings_of[p])}"
                )
    return checked_problem(
        problems, name, slots, morning, tables, participants, meetings, None, require_all=True
    )
