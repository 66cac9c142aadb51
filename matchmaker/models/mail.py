"""The outbox: e-mail written in the same transaction as the decision it tells about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from matchmaker.models.common import CODE_LENGTH, UtcDateTime, utcnow

ADDRESS_LENGTH = 320  # RFC 5321: 64 for the local part, @, 255 for the domain


class OutboxMessage(SQLModel, table=True):
    """One e-mail to one person. A sender claims it, delivers it and marks it sent; a failed
    delivery is retried later, so a crash or an unreachable mail server loses nothing.

    `kind` names the event ("placement.offered", "password.reset"); `claimed_until` keeps two
    senders from delivering the same message at once.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts"),
        Index(None, "sent_at", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(CODE_LENGTH))
    to_address: str = Field(sa_type=String(ADDRESS_LENGTH))
    subject: str = Field(sa_type=Text)
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    attempts: int = Field(default=0, sa_type=Integer)
    last_error: str | None = Field(default=None, sa_type=Text)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
