"""The audit log: who did what to which object, and when, with its state before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlmodel import Field, SQLModel

from matchmaker.models.common import CODE_LENGTH, UtcDateTime, utcnow


class AuditLog(SQLModel, table=True):
    """One recorded decision (verification, matching run, lock, publish, withdrawal, ...).

    actor_user_id is null for the system itself (start-up recovery, imports by the CLI).
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


class AuditLogPublic(SQLModel):
    id: int
    actor_user_id: int | None
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime
