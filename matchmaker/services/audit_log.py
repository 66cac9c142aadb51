"""Reading the audit log: an organisation's rows for its organisers, a firm's decisions for its SME.

Whose rows are whose was fixed when they were written (services/audit_scope.py). An
organiser reads the rows of its organisation, and the rows of no organisation about a firm
in its world (an SME's own changes to its firm, cases and scans); never another
organisation's. An SME reads only the decisions about its own firm (DECISIONS), and of
their before/after only the fields that are about it (FIRM_FIELDS): a freed place's row
also lists the offers it made to other firms, which are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_
from sqlmodel import Session, col, select

from matchmaker import text
from matchmaker.models import (
    Application,
    AuditLog,
    BusinessCase,
    Firm,
    Invitation,
    MatchingRun,
    MeetingDay,
    MeetingRequest,
    Mission,
    Organisation,
    Partner,
    Placement,
    ReadinessScan,
    Role,
    Round,
    User,
)
from matchmaker.services import audit_words as words
from matchmaker.services import tenancy
from matchmaker.services.audit_filters import AuditFilter, Paging
from matchmaker.services.audit_words import Words
from matchmaker.services.placement_audit import FOLLOW_ON_ACTIONS

# The decisions about a firm that its SME reads: the review of its business cases, and its
# places (the published result, offered, answered, lapsed, withdrawn, passed on).
DECISIONS = (
    "business_case.verify",
    "business_case.reject",
    *FOLLOW_ON_ACTIONS,
    "placement.offer",
    "placement.accept",
    "placement.decline",
    "placement.withdraw",
    "placement.lapse",
)
# The fields of those rows' before/after that are about the firm itself.
FIRM_FIELDS = ("status", "state", "note", "answer_by", "waiting_list", "reason")


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded field: its value before and after (None where that side lacks it)."""

    path: str
    label: Words
    before: Words | None
    after: Words | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One audit row as a reader sees it."""

    row: AuditLog
    actor: Words
    actor_email: str | None
    action: Words
    object: Words
    firm: str | None
    at: Words
    changes: list[Change]


@dataclass(frozen=True, slots=True)
class Page:
    entries: list[Entry]
    total: int
    paging: Paging

    @property
    def has_previous(self) -> bool:
        return self.paging.page > 1

    @property
    def has_next(self) -> bool:
        return self.paging.offset + len(self.entries) < self.total and bool(self.entries)

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.paging.page_size))


# --------------------------------------------------------------------------- organisers


def _organisation_rows(user: User) -> ColumnElement[bool]:
    """The rows in this organiser's log (none for anyone else)."""
    if str(user.role) != Role.organiser.value or user.organisation_id is None:
        return false()
    own = col(AuditLog.organisation_id) == user.organisation_id
    about_its_firms = and_(
        col(AuditLog.organisation_id).is_(None),
        col(AuditLog.firm_id).in_(tenancy.world_firm_ids(user)),
    )
    return or_(own, about_its_firms)


def _matching(audit_filter: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if audit_filter.action is not None:
        found.append(col(AuditLog.action) == audit_filter.action)
    if audit_filter.action_family is not None:
        prefix = audit_filter.action_family + "."
        found.append(col(AuditLog.action).startswith(prefix, autoescape=True))
    if audit_filter.object_type is not None:
        found.append(col(AuditLog.object_type) == audit_filter.object_type)
    if audit_filter.system:
        found.append(col(AuditLog.actor_user_id).is_(None))
    if audit_filter.actor_id is not None:
        found.append(col(AuditLog.actor_user_id) == audit_filter.actor_id)
    if audit_filter.actor_email is not None:
        accounts = select(User.id).where(func.lower(User.email) == audit_filter.actor_email)
        found.append(col(AuditLog.actor_user_id).in_(accounts))
    if audit_filter.starts is not None:
        found.append(col(AuditLog.at) >= audit_filter.starts)
    if audit_filter.ends is not None:
        found.append(col(AuditLog.at) < audit_filter.ends)
    if audit_filter.firm_id is not None:
        found.append(col(AuditLog.firm_id) == audit_filter.firm_id)
    return found


def _newest_first(
    session: Session, where: list[ColumnElement[bool]], offset: int, limit: int
) -> Sequence[AuditLog]:
    query = (
        select(AuditLog)
        .where(*where)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return session.exec(query).all()


def _count(session: Session, where: list[ColumnElement[bool]]) -> int:
    return session.exec(select(func.count()).select_from(AuditLog).where(*where)).one()


def organisation_page(
    *, session: Session, user: User, audit_filter: AuditFilter, paging: Paging
) -> Page:
    """One page of the organiser's log, newest first, with the number of matching rows."""
    where = [_organisation_rows(user), *_matching(audit_filter)]
    rows = _newest_first(session, where, paging.offset, paging.page_size)
    return Page(_describe(session, rows), _count(session, where), paging)


def organisation_rows(
    *, session: Session, user: User, audit_filter: AuditFilter, limit: int
) -> tuple[list[Entry], bool]:
    """The newest `limit` matching rows of the organiser's log, and whether there are more."""
    where = [_organisation_rows(user), *_matching(audit_filter)]
    rows = _newest_first(session, where, 0, limit + 1)
    return _describe(session, rows[:limit]), len(rows) > limit


# --------------------------------------------------------------------------- firms


def firm_decisions(*, session: Session, user: User, paging: Paging) -> Page:
    """One page of the decisions about the SME's own firm, newest first (none without one)."""
    if str(user.role) != Role.sme.value or user.firm_id is None:
        return Page([], 0, paging)
    where = [col(AuditLog.firm_id) == user.firm_id, col(AuditLog.action).in_(DECISIONS)]
    rows = _newest_first(session, where, paging.offset, paging.page_size)
    return Page(_describe(session, rows, firm_id=user.firm_id), _count(session, where), paging)


# --------------------------------------------------------------------------- in words


def _number(value: str) -> int | None:
    return int(value) if text.is_digits(value) and len(value) < 19 else None


def _ids(rows: Iterable[AuditLog], kind: str) -> set[int]:
    found = (_number(row.object_id) for row in rows if row.object_type == kind)
    return {number for number in found if number is not None}


# Each kind of object (numbered) that has a name: its id column, and the query of its id
# and the parts of its name.
_NAMED: tuple[tuple[str, Any, Any], ...] = (
    ("mission", Mission.id, select(Mission.id, Mission.title)),
    ("firm", Firm.id, select(Firm.id, Firm.name)),
    ("meeting_partner", Partner.id, select(Partner.id, Partner.name)),
    ("user", User.id, select(User.id, User.email)),
    ("invitation", Invitation.id, select(Invitation.id, Invitation.email)),
    ("matching_run", MatchingRun.id, select(MatchingRun.id, MatchingRun.round_id)),
    (
        "business_case",
        BusinessCase.id,
        select(BusinessCase.id, Firm.name, BusinessCase.country).join(
            Firm, col(Firm.id) == BusinessCase.firm_id
        ),
    ),
    (
        "readiness_scan",
        ReadinessScan.id,
        select(ReadinessScan.id, Firm.name).join(Firm, col(Firm.id) == ReadinessScan.firm_id),
    ),
    (
        "application",
        Application.id,
        select(Application.id, Firm.name, Mission.title)
        .join(Firm, col(Firm.id) == Application.firm_id)
        .join(Mission, col(Mission.id) == Application.mission_id),
    ),
    (
        "placement",
        Placement.id,
        select(Placement.id, Firm.name, Mission.title)
        .join(Application, col(Application.id) == Placement.application_id)
        .join(Firm, col(Firm.id) == Application.firm_id)
        .join(Mission, col(Mission.id) == Application.mission_id),
    ),
    (
        "meeting_day",
        MeetingDay.id,
        select(MeetingDay.id, Mission.title, MeetingDay.day).join(
            Mission, col(Mission.id) == MeetingDay.mission_id
        ),
    ),
    (
        "meeting_request",
        MeetingRequest.id,
        select(MeetingRequest.id, Firm.name, Partner.name)
        .join(Firm, col(Firm.id) == MeetingRequest.firm_id)
        .join(Partner, col(Partner.id) == MeetingRequest.partner_id),
    ),
)


def _object_names(session: Session, rows: Sequence[AuditLog]) -> dict[tuple[str, str], str]:
    """A name for each row's object that still exists: ("placement", "12") -> "Firm → Mission"."""
    names: dict[tuple[str, str], str] = {}

    def add(kind: str, found: Iterable[Any]) -> None:
        for identifier, *parts in found:
            names[(kind, str(identifier))] = " · ".join(str(p) for p in parts if p is not None)

    round_ids = {row.object_id for row in rows if row.object_type == "round"}
    if round_ids:
        add("round", session.exec(select(Round.id, Round.name).where(col(Round.id).in_(round_ids))))
    for kind, key, query in _NAMED:
        ids = _ids(rows, kind)
        if ids:
            add(kind, session.exec(query.where(col(key).in_(ids))))
    return names


def _object(row: AuditLog, names: dict[tuple[str, str], str], *, numbered: bool) -> Words:
    """The object as "Placement 12: Firm · Mission" (a firm's reader sees no internal number)."""
    kind = words.object_type(row.object_type)
    name = names.get((row.object_type, row.object_id))
    number = f" {row.object_id}" if numbered else ""
    suffix = f": {name}" if name else ""
    return Words(f"{kind.nl}{number}{suffix}", f"{kind.en}{number}{suffix}")


def _flat(document: dict[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    """A before/after document with nested objects' keys joined by dots."""
    flat: dict[str, Any] = {}
    for key, item in (document or {}).items():
        path = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            flat.update(_flat(item, f"{path}."))
        else:
            flat[path] = item
    return flat


def changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None, *, only: Iterable[str] = ()
) -> list[Change]:
    """Each recorded field with its value before and after, in the order recorded (only
    the fields named in `only`, when given)."""
    old, new = _flat(before), _flat(after)
    wanted = set(only)
    paths = [*old, *(path for path in new if path not in old)]
    return [
        Change(
            path,
            words.field(path),
            words.value(old[path]) if path in old else None,
            words.value(new[path]) if path in new else None,
        )
        for path in paths
        if not wanted or path in wanted
    ]


def _describe(
    session: Session, rows: Sequence[AuditLog], *, firm_id: int | None = None
) -> list[Entry]:
    """The rows in words; for a firm's own reader (`firm_id`), who acted as "you", the
    organisation or the system, and only the fields about the firm."""
    actor_ids = {row.actor_user_id for row in rows if row.actor_user_id is not None}
    actors = {
        user.id: user for user in session.exec(select(User).where(col(User.id).in_(actor_ids)))
    }
    organisations = {
        organisation.id: organisation.name
        for organisation in session.exec(
            select(Organisation).where(
                col(Organisation.id).in_({u.organisation_id for u in actors.values()})
            )
        )
    }
    firm_ids = {row.firm_id for row in rows if row.firm_id is not None}
    firms = dict(session.exec(select(Firm.id, Firm.name).where(col(Firm.id).in_(firm_ids))).all())
    names = _object_names(session, rows)
    entries = []
    for row in rows:
        actor = actors.get(row.actor_user_id) if row.actor_user_id is not None else None
        if firm_id is None:
            who = words.SYSTEM if actor is None else Words(actor.email, actor.email)
            recorded = changes(row.before, row.after)
        else:
            who = _for_firm(actor, firm_id, organisations)
            recorded = changes(row.before, row.after, only=FIRM_FIELDS)
        entries.append(
            Entry(
                row=row,
                actor=who,
                actor_email=actor.email if actor is not None and firm_id is None else None,
                action=words.action(row.action),
                object=_object(row, names, numbered=firm_id is None),
                firm=firms.get(row.firm_id) if row.firm_id is not None else None,
                at=words.when(row.at),
                changes=recorded,
            )
        )
    return entries


def _for_firm(actor: User | None, firm_id: int, organisations: dict[int | None, str]) -> Words:
    """Who made a decision, as the firm reads it: you, the organisation (by name) or the
    system; never a person's account."""
    if actor is None:
        return words.SYSTEM
    if actor.firm_id == firm_id:
        return words.YOU
    name = organisations.get(actor.organisation_id)
    return Words(name, name) if name else words.ORGANISER
