"""The audit row of a change to one stored row: its object is the row's table and primary key."""

from __future__ import annotations

from typing import Any, Protocol, TypedDict, TypeVar, Unpack

from sqlmodel import Session

from matchmaker.models import AuditLog, User
from matchmaker.services import audit, read_back
from matchmaker.services.transactions import committing


class StoredRow(Protocol):
    __tablename__: Any
    id: int | None


Row = TypeVar("Row", bound=StoredRow)


class Change(TypedDict, total=False):
    """What an audit row says of a change besides who, what action and which row."""

    before: dict[str, Any] | None
    after: dict[str, Any] | None
    # The object's name where the table's name is not it (a user account is "user").
    object_type: str | None


def record_change(
    *, session: Session, actor: User | None, action: str, row: StoredRow, **change: Unpack[Change]
) -> AuditLog:
    """Add the audit row of `action` on `row` to the caller's transaction (audit.record)."""
    return audit.record(
        session=session,
        actor=actor,
        action=action,
        object_type=change.get("object_type") or row.__tablename__,
        object_id=row.id or 0,
        before=change.get("before"),
        after=change.get("after"),
    )


def commit_change(
    *, session: Session, actor: User | None, action: str, row: Row, **change: Unpack[Change]
) -> Row:
    """Save a change to `row` with its audit row (record_change) in one commit, then read
    `row` back for the answer (a new row is flushed first, for its id)."""
    with committing(session):
        session.add(row)
        if row.id is None:
            session.flush()
        record_change(session=session, actor=actor, action=action, row=row, **change)
    read_back(session, row)
    return row
