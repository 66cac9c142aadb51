"""Typed meeting-day problem (format matchmaker-meetings/1) and its validation by JSON path.

A problem is one meeting day: `slots` time slots numbered 1..slots (slots 1..morning_slots are
the morning session, the rest the afternoon; numbering runs straight across lunch), `tables`
tables that are interchangeable, participants with the slots they cannot attend, and the
requested one-to-one meetings in input order (meeting number n is `requested[n-1]`).

    {
      "format": "matchmaker-meetings/1",
      "name": "Mission to Accra, meeting day",          optional
      "slots": 10, "morning_slots": 5, "tables": 4,
      "fairness": 2,                                    optional, null = no bound
      "require_all": false,                             optional (true: the paper's semantics)
      "participants": [
        {"id": "acme", "name": "Acme BV", "forbidden": [1, 2]}      name, forbidden optional
      ],
      "requested": [
        {"participants": ["acme", "gh-power"],
         "id": "r-17",                                  optional, echoed in the result
         "session": "any",                              any | morning | afternoon (default any)
         "priority": 1,                                 optional, >= 1, higher = more important
         "fixed_slot": 3, "fixed_table": 2,             optional (a lock; table needs a slot)
         "after": [1, 4]}                               optional: meetings that come earlier
      ]
    }

Validation reports every problem of a document at once, each prefixed by its JSON path
(`requested[3].participants[1]: 'x' is not a participant id`). Clashes between valid data
(a fixed slot that a participant has forbidden, a cycle of precedences, ...) are not input
errors: the solver reports them as an explained infeasibility.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from matchmaker.optimisation.checking import DocumentChecker, DocumentError

MEETINGS_FORMAT = "matchmaker-meetings/1"
SESSIONS = ("any", "morning", "afternoon")
MAX_SLOTS = 500
MAX_TABLES = 10_000
MAX_PRIORITY = 1_000
MAX_FAIRNESS = 10_000


class MeetingProblemError(DocumentError):
    """Raised with every problem of a meeting document at once (each with its JSON path)."""


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    name: str
    forbidden: frozenset[int] = frozenset()  # 1-based slots the participant cannot attend


@dataclass(frozen=True, slots=True)
class Meeting:
    number: int  # 1-based position in `requested`
    participants: tuple[str, str]
    session: str = "any"
    priority: int = 1
    fixed_slot: int | None = None  # 1-based
    fixed_table: int | None = None  # 1-based, only with a fixed slot
    after: tuple[int, ...] = ()  # meeting numbers that must take an earlier slot
    id: str | None = None

    def other(self, participant: str) -> str:
        first, second = self.participants
        return second if participant == first else first


@dataclass(frozen=True, slots=True)
class MeetingProblem:
    name: str
    slots: int
    morning_slots: int
    tables: int
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]
    fairness: int | None = None
    require_all: bool = False  # True: every meeting must be scheduled (the paper's .dzn files)

    def participant_by_id(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}

    def session_slots(self, session: str) -> range:
        """The 1-based slots of a session."""
        if session == "morning":
            return range(1, self.morning_slots + 1)
        if session == "afternoon":
            return range(self.morning_slots + 1, self.slots + 1)
        return range(1, self.slots + 1)

    def to_document(self) -> dict:
        """The problem as a matchmaker-meetings/1 document (validate() reads it back equal)."""
        document: dict[str, Any] = {
            "format": MEETINGS_FORMAT,
            "name": self.name,
            "slots": self.slots,
            "morning_slots": self.morning_slots,
            "tables": self.tables,
            "fairness": self.fairness,
            "require_all": self.require_all,
            "participants": [
                {"id": p.id, "name": p.name, "forbidden": sorted(p.forbidden)}
                for p in self.participants
            ],
            "requested": [],
        }
        for meeting in self.meetings:
            entry: dict[str, Any] = {"participants": list(meeting.participants)}
            if meeting.id is not None:
                entry["id"] = meeting.id
            entry["session"] = meeting.session
            if meeting.priority != 1:
                entry["priority"] = meeting.priority
            if meeting.fixed_slot is not None:
                entry["fixed_slot"] = meeting.fixed_slot
            if meeting.fixed_table is not None:
                entry["fixed_table"] = meeting.fixed_table
            if meeting.after:
                entry["after"] = list(meeting.after)
            document["requested"].append(entry)
        return document


# --------------------------------------------------------------------------- validation


class _Checker(DocumentChecker):
    """Collects a meeting-day problem's problems while reading it field by field."""

    root = "(document)"
    shown_length = 40

    def shown(self, value: Any) -> str:
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= self.shown_length else text[:37] + "..."

    def integer(self, value: Any, path: str, low: int, high: int) -> int | None:
        return self.integer_between(value, path, low, high)

    def string(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str):
            self.fail(path, f"must be a string, got {self.shown(value)}")
            return None
        if not value.strip():
            self.fail(path, "must not be empty")
            return None
        if "\x00" in value:
            self.fail(path, "must not contain NUL characters")
            return None
        return value

    def first_use(
        self, ident: str, path: str, seen: dict[str, int], index: int, listed: str
    ) -> None:
        """An id names one item of its list: a second use fails, naming the first."""
        if ident in seen:
            self.fail(path, f"{ident!r} is already used by {listed}[{seen[ident]}]")
        else:
            seen[ident] = index


_shown = _Checker().shown


def validate(document: Any) -> MeetingProblem:
    """Check a matchmaker-meetings/1 document and return the typed problem.

    Raises MeetingProblemError listing every problem at once, each with its JSON path.
    """
    check = _Checker()
    root = check.obj(
        document,
        "",
        required=("format", "slots", "tables", "participants", "requested"),
        optional=("name", "morning_slots", "fairness", "require_all"),
    )
    if root is None:
        raise MeetingProblemError(check.problems)
    if "format" in root and root["format"] != MEETINGS_FORMAT:
        check.fail("format", f"{_shown(root['format'])} is not {MEETINGS_FORMAT!r}")
    name = "meeting day"
    if "name" in root:
        name = check.string(root["name"], "name") or name
    slots = check.integer(root.get("slots"), "slots", 1, MAX_SLOTS) if "slots" in root else None
    tables = (
        check.integer(root.get("tables"), "tables", 1, MAX_TABLES) if "tables" in root else None
    )
    morning = slots
    if "morning_slots" in root:
        morning = check.integer(root["morning_slots"], "morning_slots", 0, slots or MAX_SLOTS)
    fairness = None
    if root.get("fairness") is not None:
        fairness = check.integer(root["fairness"], "fairness", 0, MAX_FAIRNESS)
    require_all = False
    if "require_all" in root:
        if isinstance(root["require_all"], bool):
            require_all = root["require_all"]
        else:
            check.fail("require_all", f"must be true or false, got {_shown(root['require_all'])}")

    participants = _participants(check, root.get("participants", []), slots)
    declared = _declared_ids(root.get("participants"))
    meetings = _requested(
        check,
        root.get("requested", []),
        {p.id for p in participants},
        declared,
        slots,
        morning,
        tables,
    )
    return checked_problem(
        check.problems, name, slots, morning, tables, participants, meetings, fairness, require_all
    )


def checked_problem(
    problems: list[str],
    name: str,
    slots: int | None,
    morning_slots: int | None,
    tables: int | None,
    participants: list[Participant],
    meetings: list[Meeting],
    fairness: int | None,
    require_all: bool,
) -> MeetingProblem:
    """The problem a reader has read, or MeetingProblemError naming every problem it found."""
    if problems:
        raise MeetingProblemError(problems)
    assert slots is not None and morning_slots is not None and tables is not None
    return MeetingProblem(
        name=name,
        slots=slots,
        morning_slots=morning_slots,
        tables=tables,
        participants=tuple(participants),
        meetings=tuple(meetings),
        fairness=fairness,
        require_all=require_all,
    )


def _declared_ids(raw: Any) -> set[str]:
    """Participant ids written in the document, valid or not (no second error for a reference)."""
    if not isinstance(raw, list):
        return set()
    return {
        item["id"] for item in raw if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def _participants(check: _Checker, raw: Any, slots: int | None) -> list[Participant]:
    items = check.array(raw, "participants")
    parsed: list[Participant] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"participants[{index}]"
        before = len(check.problems)
        value = check.obj(item, path, required=("id",), optional=("name", "forbidden"))
        if value is None:
            continue
        ident = check.string(value.get("id"), f"{path}.id") if "id" in value else None
        if ident is not None:
            check.first_use(ident, f"{path}.id", seen, index, "participants")
        name = ident or ""
        if "name" in value:
            name = check.string(value["name"], f"{path}.name") or name
        forbidden: set[int] = set()
        for k, slot in enumerate(check.array(value.get("forbidden", []), f"{path}.forbidden")):
            number = check.integer(slot, f"{path}.forbidden[{k}]", 1, slots or MAX_SLOTS)
            if number is None:
                continue
            if number in forbidden:
                check.fail(f"{path}.forbidden[{k}]", f"slot {number} is listed twice")
            forbidden.add(number)
        if len(check.problems) == before and ident is not None:
            parsed.append(Participant(id=ident, name=name, forbidden=frozenset(forbidden)))
    return parsed


def _requested(
    check: _Checker,
    raw: Any,
    known: set[str],
    declared: set[str],
    slots: int | None,
    morning: int | None,
    tables: int | None,
) -> list[Meeting]:
    items = check.array(raw, "requested")
    count = len(items)
    parsed: list[Meeting] = []
    ids: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"requested[{index}]"
        before = len(check.problems)
        value = check.obj(
            item,
            path,
            required=("participants",),
            optional=("id", "session", "priority", "fixed_slot", "fixed_table", "after"),
        )
        if value is None:
            continue
        pair = check.array(value.get("participants", []), f"{path}.participants")
        if "participants" in value and isinstance(value["participants"], list) and len(pair) != 2:
            check.fail(f"{path}.participants", f"must name exactly 2 participants, got {len(pair)}")
        for k, ident in enumerate(pair[:2]):
            if not isinstance(ident, str):
                check.fail(f"{path}.participants[{k}]", f"must be a string, got {_shown(ident)}")
            elif ident not in known and ident not in declared:
                check.fail(f"{path}.participants[{k}]", f"{ident!r} is not a participant id")
        if len(pair) == 2 and isinstance(pair[0], str) and pair[0] == pair[1]:
            check.fail(f"{path}.participants", f"{pair[0]!r} cannot meet itself")
        ident = None
        if "id" in value:
            ident = check.string(value["id"], f"{path}.id")
            if ident is not None:
                check.first_use(ident, f"{path}.id", ids, index, "requested")
        session = value.get("session", "any")
        if session not in SESSIONS:
            check.fail(f"{path}.session", f"{_shown(session)} is not one of {', '.join(SESSIONS)}")
        elif session == "afternoon" and slots is not None and morning is not None:
            if morning >= slots:
                check.fail(f"{path}.session", "there is no afternoon: morning_slots = slots")
        elif session == "morning" and morning == 0:
            check.fail(f"{path}.session", "there is no morning: morning_slots = 0")
        priority = 1
        if "priority" in value:
            priority = check.integer(value["priority"], f"{path}.priority", 1, MAX_PRIORITY) or 1
        fixed_slot = fixed_table = None
        if value.get("fixed_slot") is not None:
            fixed_slot = check.integer(
                value["fixed_slot"], f"{path}.fixed_slot", 1, slots or MAX_SLOTS
            )
        if value.get("fixed_table") is not None:
            fixed_table = check.integer(
                value["fixed_table"], f"{path}.fixed_table", 1, tables or MAX_TABLES
            )
            if value.get("fixed_slot") is None:
                check.fail(f"{path}.fixed_table", "a fixed table needs a fixed_slot")
        after: list[int] = []
        for k, number in enumerate(check.array(value.get("after", []), f"{path}.after")):
            earlier = check.integer(number, f"{path}.after[{k}]", 1, max(1, count))
            if earlier is None:
                continue
            if earlier == index + 1:
                check.fail(f"{path}.after[{k}]", "a meeting cannot come after itself")
            elif earlier in after:
                check.fail(f"{path}.after[{k}]", f"meeting {earlier} is listed twice")
            else:
                after.append(earlier)
        if len(check.problems) == before:
            parsed.append(
                Meeting(
                    number=index + 1,
                    participants=(pair[0], pair[1]),
                    session=session,
                    priority=priority,
                    fixed_slot=fixed_slot,
                    fixed_table=fixed_table,
                    after=tuple(after),
                    id=ident,
                )
            )
    return parsed
