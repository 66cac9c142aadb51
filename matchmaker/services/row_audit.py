"""The audit row of a change to one stored row: its object is the row's table and primary key."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlmodel import Session

from matchmaker.models import AuditLog, User
from matchmaker.services import audit, read_back
from matchmaker.services.transactions import committing


class StoredRow(Protocol):
    __tablename__: Any
    id: int | None


Row = TypeVar("Row", bound=StoredRow)


def record_change(
    *,
    session: Session,
    actor: User | None,
    action: str,
    row: StoredRow,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str | None = None,
) -> AuditLog:
    """Add the audit row of `action` on `row` to the caller's transaction (audit.record);
    `object_type` names the object where the table's name does not (a user account is
    "user")."""
    return audit.record(
        session=session,
        actor=actor,
        action=action,
        object_type=object_type or row.__tablename__,
        object_id=row.id or 0,
        before=before,
        after=after,
    )


def commit_change(
    *,
    session: Session,
    actor: User | None,
    action: str,
    row: Row,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str | None = None,
) -> Row:
    """Save a change to `row` with its audit row (record_change) in one commit, then read
    `row` back for the answer (the row has its id: a new one is flushed first)."""
    with committing(session):
        session.add(row)
        record_change(
            session=session,
            actor=actor,
            action=action,
            row=row,
            before=before,
            after=after,
            object_type=object_type,
        )
    read_back(session, row)
    return row
