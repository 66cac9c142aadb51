"""The business-case verification queue: organisers verify or reject the cases SMEs submit.

A case's review state lives in its own columns: pending (not verified, never reviewed:
verified_at is empty), verified (verified, with who and when), or rejected (not verified,
with who and when it was reviewed, and the organiser's note for the firm). The note is also
kept in the audit row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from matchmaker.i18n import gettext
from matchmaker.models import (
    Application,
    ApplicationStatus,
    BusinessCase,
    Firm,
    Mission,
    Round,
    User,
)
from matchmaker.services import NotFound, notifications, row_audit, tenancy
from matchmaker.services import rounds as round_service
from matchmaker.services.errors import Invalid, Problem

NOTE_LENGTH = 2000


class ReviewState(StrEnum):
    pending = "pending"
    verified = "verified"
    rejected = "rejected"


class QueueScope(StrEnum):
    """Cases of firms with a submitted application in the organiser's rounds ("mine"), or
    of every firm in its organisation's world (services.tenancy): never other firms."""

    mine = "mine"
    all = "all"


def state_of(case: BusinessCase) -> ReviewState:
    if case.verified:
        return ReviewState.verified
    return ReviewState.rejected if case.verified_at is not None else ReviewState.pending


@dataclass(slots=True)
class QueueEntry:
    case: BusinessCase
    firm: Firm
    state: ReviewState
    # "Round: mission title" of every submitted application that names this case.
    named_by: list[str] = field(default_factory=list)
    reviewer: str | None = None


def queue(
    *,
    session: Session,
    user: User,
    state: ReviewState = ReviewState.pending,
    scope: QueueScope = QueueScope.mine,
) -> list[QueueEntry]:
    """Business cases in one review state, oldest first, with the applications naming them."""
    rounds = {r.id: r for r in round_service.list_rounds(session=session, user=user)}
    query = (
        select(BusinessCase, Firm)
        .join(Firm, col(Firm.id) == col(BusinessCase.firm_id))
        .where(col(BusinessCase.firm_id).in_(tenancy.world_firm_ids(user)))
    )
    if state is ReviewState.verified:
        query = query.where(col(BusinessCase.verified).is_(True))
    else:
        query = query.where(col(BusinessCase.verified).is_(False))
        reviewed = col(BusinessCase.verified_at)
        query = query.where(
            reviewed.is_(None) if state is ReviewState.pending else reviewed.isnot(None)
        )
    if scope is QueueScope.mine:
        applicants = select(Application.firm_id).where(
            col(Application.round_id).in_(list(rounds)),
            Application.status == ApplicationStatus.submitted,
        )
        query = query.where(col(BusinessCase.firm_id).in_(applicants))
    query = query.order_by(col(BusinessCase.created_at), col(BusinessCase.id))
    entries = [
        QueueEntry(case=case, firm=firm, state=state_of(case)) for case, firm in session.exec(query)
    ]
    _add_applications(session, entries, rounds)
    _add_reviewers(session, entries)
    return entries


def visible_case(*, session: Session, user: User, case_id: int) -> BusinessCase:
    """A business case of a firm in the organiser's world; NotFound for any other."""
    case = session.get(BusinessCase, case_id)
    if case is None or not tenancy.firm_in_world(session=session, user=user, firm_id=case.firm_id):
        raise NotFound("business case", case_id)
    return case


def describe(*, session: Session, user: User, case: BusinessCase) -> QueueEntry:
    """One case as a queue entry: its firm, state, reviewer and the applications naming it."""
    firm = session.get(Firm, case.firm_id)
    assert firm is not None
    entry = QueueEntry(case=case, firm=firm, state=state_of(case))
    rounds = {r.id: r for r in round_service.list_rounds(session=session, user=user)}
    _add_applications(session, [entry], rounds)
    _add_reviewers(session, [entry])
    return entry


def _add_applications(
    session: Session, entries: list[QueueEntry], rounds: dict[str, Round]
) -> None:
    by_case = {entry.case.id: entry for entry in entries}
    if not by_case:
        return
    named: dict[int, list[str]] = defaultdict(list)
    query = (
        select(Application.business_case_id, Mission.title, Mission.round_id)
        .join(Mission, col(Mission.id) == col(Application.mission_id))
        .where(
            col(Application.business_case_id).in_(list(by_case)),
            Application.status == ApplicationStatus.submitted,
        )
        .order_by(col(Application.rank), col(Application.id))
    )
    for case_id, title, round_id in session.exec(query):
        if round_id in rounds:
            named[case_id].append(f"{rounds[round_id].name}: {title}")
    for case_id, titles in named.items():
        by_case[case_id].named_by = titles


def _add_reviewers(session: Session, entries: list[QueueEntry]) -> None:
    reviewer_ids = {e.case.verified_by for e in entries if e.case.verified_by is not None}
    if not reviewer_ids:
        return
    query = select(User.id, User.email).where(col(User.id).in_(reviewer_ids))
    emails = {user_id: email for user_id, email in session.exec(query)}
    for entry in entries:
        if entry.case.verified_by is not None:
            entry.reviewer = emails.get(entry.case.verified_by)


def review(
    *,
    session: Session,
    actor: User,
    case_id: int,
    verified: bool,
    note: str | None = None,
) -> BusinessCase:
    """Verify or reject a business case, recording who and when (and why, for a rejection).

    A decision may be revised: a rejected case can be verified later and the other way round.
    """
    case = visible_case(session=session, user=actor, case_id=case_id)
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_LENGTH:
        raise Invalid(
            [
                Problem(
                    "note",
                    gettext(
                        "is %(length)s characters long, at most %(limit)s",
                        length=len(note),
                        limit=NOTE_LENGTH,
                    ),
                )
            ]
        )
    if not verified and note is None:
        raise Invalid([Problem("note", gettext("say why the case is rejected: the firm reads it"))])
    before = {
        "state": state_of(case).value,
        "verified_by": case.verified_by,
        "verified_at": case.verified_at.isoformat() if case.verified_at else None,
    }
    case.verified = verified
    case.verified_by = actor.id
    case.verified_at = datetime.now(UTC)
    case.review_note = None if verified else note
    session.add(case)
    after = {
        "state": state_of(case).value,
        "verified_by": actor.id,
        "verified_at": case.verified_at.isoformat(),
    }
    if note is not None:
        after["note"] = note
    notifications.case_reviewed(session=session, case=case)
    row_audit.commit_change(
        session=session,
        actor=actor,
        row=case,
        action="business_case.verify" if verified else "business_case.reject",
        before=before,
        after=after,
    )
    return case
