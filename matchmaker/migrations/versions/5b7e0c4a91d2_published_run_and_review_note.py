"""The run a round published, and the organiser's note on a rejected business case."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7e0c4a91d2"
down_revision: str | Sequence[str] | None = "4ae6effb3675"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_run_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_round_published_run_id_matching_run"),
            "matching_run",
            ["published_run_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("business_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
    # Rounds published before this revision showed their newest succeeded run.
    op.execute(
        "UPDATE round SET published_run_id = (SELECT max(matching_run.id) FROM matching_run "
        "WHERE matching_run.round_id = round.id AND matching_run.state = 'succeeded') "
        "WHERE status = 'published'"
    )


def downgrade() -> None:
    with op.batch_alter_table("business_case", schema=None) as batch_op:
        batch_op.drop_column("review_note")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_round_published_run_id_matching_run"), type_="foreignkey")
        batch_op.drop_column("published_run_id")
