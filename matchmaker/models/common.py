"""Column types, naming conventions and small helpers shared by every table."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Dialect, TypeDecorator
from sqlmodel import SQLModel

# Deterministic constraint names, so migrations (and SQLite's batch mode, which rebuilds
# tables) can refer to every constraint by name on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

# Lengths of identifier-like columns; free text uses TEXT and has no length limit.
CODE_LENGTH = 64
STATE_LENGTH = 32
KVK_PATTERN = r"^[0-9]{8}$"  # ASCII digits only: \d takes any script's digits
COUNTRY_PATTERN = r"^[A-Z]{2}$"  # ISO 3166-1 alpha-2


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps the offset (timestamptz); SQLite has no time zones, so the value is
    stored as naive UTC and the zone is put back on reading. A naive datetime is refused
    on writing, because its zone would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; use an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def one_of(column: str, values: Iterable[Any], *, name: str | None = None) -> CheckConstraint:
    """A CHECK constraint keeping a text column within a fixed set of values."""
    allowed = ", ".join(f"'{getattr(value, 'value', value)}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or column)
