"""A round's application deadline: round.applications_close_at."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8ae093239c46"
down_revision: str | Sequence[str] | None = "89226165f89a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-12-07 02:43:05.819970


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: SQLite would otherwise rebuild the round table,
    # and a rebuild of the parent table cascades its deletes into runs and missions.
    op.add_column("round", sa.Column("applications_close_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.execute("ALTER TABLE round DROP COLUMN applications_close_at")  # SQLite 3.35 and later
