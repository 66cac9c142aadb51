"""The application index of a matching run: each (firm, mission) pair of its snapshot with
its application id, kept with the snapshot (NULL on older runs)."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3a9e6f1d2b4"
down_revision: str | Sequence[str] | None = "b8d2f5a1c3e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-12-07


def upgrade() -> None:
    with op.batch_alter_table("matching_run") as batch:
        batch.add_column(sa.Column("application_index", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("matching_run") as batch:
        batch.drop_column("application_index")
