"""Invitations: one-time links that make organiser and branch organisation accounts."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b5ee800d85cf"
down_revision: str | Sequence[str] | None = "5c1e0a7d9b3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-12-04 23:12:53.764990


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("issuer_organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('organiser', 'branch_org')", name=op.f("ck_invitation_role")),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_invitation_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_invitation_issuer_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_invitation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitation_issuer_organisation_id"),
            ["issuer_organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_issuer_organisation_id"))

    op.drop_table("invitation")
