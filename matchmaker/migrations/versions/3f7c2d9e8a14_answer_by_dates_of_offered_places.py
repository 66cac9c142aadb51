"""Answer-by dates of offered places: round.answer_days, placement.answer_by and reminded_at."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f7c2d9e8a14"
down_revision: str | Sequence[str] | None = "8ae093239c46"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-12-07 06:40:00


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (a SQLite rebuild of round would cascade its
    # deletes into runs and missions, one of placement into nothing but is as slow).
    op.add_column(
        "round", sa.Column("answer_days", sa.Integer(), nullable=False, server_default="5")
    )
    op.add_column("placement", sa.Column("answer_by", sa.DateTime(timezone=True)))
    op.add_column("placement", sa.Column("reminded_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    # SQLite 3.35 and later drop a column in place.
    op.execute("ALTER TABLE placement DROP COLUMN reminded_at")
    op.execute("ALTER TABLE placement DROP COLUMN answer_by")
    op.execute("ALTER TABLE round DROP COLUMN answer_days")
