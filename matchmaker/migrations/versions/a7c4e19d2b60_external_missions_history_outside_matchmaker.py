"""External missions: missions a firm joined outside matchmaker, entered by an organiser.

They count in the firm's missions of the last three years, which a round's scenario now
computes (with the places the firm accepted in the service's published rounds).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c4e19d2b60"
down_revision: str | Sequence[str] | None = "5bb65a9e5bf0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "external_mission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("mission_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firm.id"],
            name=op.f("fk_external_mission_firm_id_firm"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_external_mission_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_external_mission_created_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_mission")),
    )
    op.create_index(
        op.f("ix_external_mission_firm_id"), "external_mission", ["firm_id"], unique=False
    )
    op.create_index(
        op.f("ix_external_mission_organisation_id"),
        "external_mission",
        ["organisation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_external_mission_organisation_id"), table_name="external_mission")
    op.drop_index(op.f("ix_external_mission_firm_id"), table_name="external_mission")
    op.drop_table("external_mission")
