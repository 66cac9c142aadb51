"""The audit row of a change to one stored row: its object is the row's table and primary key."""

from __future__ import annotations

from typing import Any, Protocol

from sqlmodel import Session

from matchmaker.models import AuditLog, User
from matchmaker.services import audit


class StoredRow(Protocol):
    __tablename__: Any
    id: int | None


def record_change(
    *,
    session: Session,
    actor: User | None,
    action: str,
    row: StoredRow,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Add the audit row of `action` on `row` to the caller's transaction (audit.record)."""
    return audit.record(
        session=session,
        actor=actor,
        action=action,
        object_type=row.__tablename__,
        object_id=row.id or 0,
        before=before,
        after=after,
    )
