"""The audit trail: every decision recorded with who, what object, before/after and UTC time."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from matchmaker.models import AuditLog, User
from matchmaker.services import audit_scope


def record(
    *,
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Add one audit row to the caller's transaction (it commits together with the change),
    in the log of the organisation and firm its object belongs to (services/audit_scope)."""
    scope = audit_scope.scope_of(
        session=session, actor=actor, object_type=object_type, object_id=object_id
    )
    entry = AuditLog(
        actor_user_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        organisation_id=scope.organisation_id,
        firm_id=scope.firm_id,
    )
    session.add(entry)
    return entry
