"""The audit row of an event on a user account: its object is the user, named "user"."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from matchmaker.models import AuditLog, User
from matchmaker.services import audit


def record_account_event(
    session: Session,
    actor: User | None,
    action: str,
    user_id: int | None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Add the audit row of `action` on the account `user_id` to the caller's transaction."""
    return audit.record(
        session=session,
        actor=actor,
        action=action,
        object_type="user",
        object_id=user_id or 0,
        after=after,
    )
