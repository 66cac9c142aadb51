"""Rounds say whether they invite branch organisations' national missions."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d3a9e2c4b10"
down_revision: str | Sequence[str] | None = "b5ee800d85cf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-12-05


def upgrade() -> None:
    with op.batch_alter_table("round") as batch:
        batch.add_column(
            sa.Column(
                "invites_branch_missions", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("round") as batch:
        batch.drop_column("invites_branch_missions")
