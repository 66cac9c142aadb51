"""The audit log: who did what to which object, and when, with its state before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, event
from sqlalchemy.orm import Mapper, ORMExecuteState, Session
from sqlmodel import Field, SQLModel

from matchmaker.models.common import CODE_LENGTH, UtcDateTime, utcnow


class AuditLog(SQLModel, table=True):
    """One recorded decision (verification, matching run, lock, publish, withdrawal, ...).

    actor_user_id is null for the system itself (start-up recovery, imports by the CLI).
    organisation_id and firm_id say whose log the row is in, fixed when it is written
    (services/audit_scope.py): the organisation whose round the object belongs to, else the
    acting organiser's or branch organisation's (else the object's own, for accounts and
    invitations); firm_id the firm the decision is about. Plain integers without a foreign
    key: an append-only row outlives the organisation or firm, and no cascade may touch it.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", index=True
    )
    action: str = Field(sa_type=String(CODE_LENGTH))
    object_type: str = Field(sa_type=String(CODE_LENGTH))
    object_id: str = Field(sa_type=String(CODE_LENGTH * 2))
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime, index=True)
    organisation_id: int | None = Field(default=None, index=True)
    firm_id: int | None = Field(default=None, index=True)


class AuditLogPublic(SQLModel):
    id: int
    actor_user_id: int | None
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime


class AuditLogIsAppendOnly(RuntimeError):
    """An attempt to change or delete a recorded audit row."""


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _refuse_change(mapper: Mapper[Any], connection: Any, target: AuditLog) -> None:
    raise AuditLogIsAppendOnly(
        f"audit row {target.id} cannot be changed or deleted: the audit log is append-only"
    )


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """Bulk UPDATE and DELETE statements bypass the row events; refuse them for audit_log."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditLog for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("the audit log is append-only")
