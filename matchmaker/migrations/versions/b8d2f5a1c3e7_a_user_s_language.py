"""A user's language: the choice made with the language switch (nl, en), kept per account."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8d2f5a1c3e7"
down_revision: str | Sequence[str] | None = "a7c4e19d2b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-12-07


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch.create_check_constraint(op.f("ck_user_account_language"), "language IN ('nl', 'en')")


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint(op.f("ck_user_account_language"), type_="check")
        batch.drop_column("language")
