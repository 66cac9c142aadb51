"""Initial schema: accounts, firms, rounds, missions, applications, runs, audit log."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "22214c2926e6"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-11-27 06:09:56.745226


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('organiser', 'branch_org')", name=op.f("ck_organisation_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
    )
    op.create_table(
        "round",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("max_places_per_firm", sa.Integer(), nullable=False),
        sa.Column("budget_eur", sa.BigInteger(), nullable=True),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed', 'published')", name=op.f("ck_round_status")
        ),
        sa.CheckConstraint(
            "budget_eur IS NULL OR budget_eur >= 0", name=op.f("ck_round_budget_eur")
        ),
        sa.CheckConstraint("max_places_per_firm >= 1", name=op.f("ck_round_max_places_per_firm")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_round_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round")),
    )
    op.create_index(op.f("ix_round_organisation_id"), "round", ["organisation_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("firm_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('organiser', 'branch_org', 'sme')", name=op.f("ck_user_account_role")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_account_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_index(op.f("ix_user_account_firm_id"), "user_account", ["firm_id"], unique=False)
    op.create_index(
        op.f("ix_user_account_organisation_id"), "user_account", ["organisation_id"], unique=False
    )

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_api_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=128), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_audit_log_actor_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(
        op.f("ix_audit_log_actor_user_id"), "audit_log", ["actor_user_id"], unique=False
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index(
        op.f("ix_audit_log_object_type_object_id"),
        "audit_log",
        ["object_type", "object_id"],
        unique=False,
    )

    op.create_table(
        "firm",
        sa.Column("kvk", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("readiness_strategy", sa.Boolean(), nullable=False),
        sa.Column("readiness_organisation", sa.Boolean(), nullable=False),
        sa.Column("readiness_finance", sa.Boolean(), nullable=False),
        sa.Column("missions_last_3_years", sa.Integer(), nullable=False),
        sa.Column("exports_to", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("employees >= 0", name=op.f("ck_firm_employees")),
        sa.CheckConstraint("length(kvk) = 8", name=op.f("ck_firm_kvk_length")),
        sa.CheckConstraint(
            "missions_last_3_years >= 0", name=op.f("ck_firm_missions_last_3_years")
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["user_account.id"],
            name=op.f("fk_firm_owner_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm")),
        sa.UniqueConstraint("kvk", name=op.f("uq_firm_kvk")),
    )
    op.create_index(op.f("ix_firm_owner_user_id"), "firm", ["owner_user_id"], unique=False)
    # user_account and firm refer to each other: the user's firm is linked once both exist.
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_user_account_firm_id_firm"), "firm", ["firm_id"], ["id"], ondelete="SET NULL"
        )

    op.create_table(
        "matching_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("elapsed_seconds", sa.Float(), nullable=False),
        sa.Column("best_objective", sa.BigInteger(), nullable=True),
        sa.Column("best_bound", sa.Float(), nullable=True),
        sa.Column("input_snapshot", sa.JSON(), nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("ortools_version", sa.String(length=64), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'succeeded', 'failed', 'interrupted')",
            name=op.f("ck_matching_run_state"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_matching_run_created_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_matching_run_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_run")),
    )
    op.create_index(
        op.f("ix_matching_run_created_by"), "matching_run", ["created_by"], unique=False
    )
    op.create_index(op.f("ix_matching_run_round_id"), "matching_run", ["round_id"], unique=False)
    op.create_index(op.f("ix_matching_run_state"), "matching_run", ["state"], unique=False)

    op.create_table(
        "mission",
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("organiser", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("min_participants", sa.Integer(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("slipstream_max", sa.Integer(), nullable=True),
        sa.Column("sector_max", sa.Integer(), nullable=True),
        sa.Column("region_min", sa.JSON(), nullable=False),
        sa.Column("subsidy_eur", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "format IN ('trade_mission', 'trade_fair', 'branch_delegation')",
            name=op.f("ck_mission_format"),
        ),
        sa.CheckConstraint("kind IN ('promotional', 'business')", name=op.f("ck_mission_kind")),
        sa.CheckConstraint("scope IN ('regional', 'national')", name=op.f("ck_mission_scope")),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_mission_capacity")),
        sa.CheckConstraint(
            "min_participants >= 0 AND min_participants <= capacity",
            name=op.f("ck_mission_min_participants"),
        ),
        sa.CheckConstraint(
            "sector_max IS NULL OR sector_max >= 0", name=op.f("ck_mission_sector_max")
        ),
        sa.CheckConstraint(
            "slipstream_max IS NULL OR slipstream_max >= 0", name=op.f("ck_mission_slipstream_max")
        ),
        sa.CheckConstraint("start_date <= end_date", name=op.f("ck_mission_dates")),
        sa.CheckConstraint("subsidy_eur >= 0", name=op.f("ck_mission_subsidy_eur")),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_mission_owner_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_mission_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mission")),
        sa.UniqueConstraint(
            "round_id", "external_id", name=op.f("uq_mission_round_id_external_id")
        ),
    )
    op.create_index(
        op.f("ix_mission_owner_organisation_id"), "mission", ["owner_organisation_id"], unique=False
    )

    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_region_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("round_id", "code", name=op.f("uq_region_round_id_code")),
    )
    op.create_table(
        "sector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("focus", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_sector_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sector")),
        sa.UniqueConstraint("round_id", "code", name=op.f("uq_sector_round_id_code")),
    )
    op.create_table(
        "user_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"], unique=False)

    op.create_table(
        "business_case",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("verified_by", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "evidence IN ('none', 'leads', 'letter_of_intent', 'order')",
            name=op.f("ck_business_case_evidence"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_business_case_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["verified_by"],
            ["user_account.id"],
            name=op.f("fk_business_case_verified_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_case")),
        sa.UniqueConstraint(
            "firm_id", "external_id", name=op.f("uq_business_case_firm_id_external_id")
        ),
    )
    op.create_index(op.f("ix_business_case_firm_id"), "business_case", ["firm_id"], unique=False)
    op.create_index(
        op.f("ix_business_case_verified_by"), "business_case", ["verified_by"], unique=False
    )

    op.create_table(
        "readiness_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("track", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "track IN ('business_mission', 'promotional_mission', 'innovation_support', "
            "'network_support', 'no_support_needed', 'not_now')",
            name=op.f("ck_readiness_scan_track"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firm.id"],
            name=op.f("fk_readiness_scan_firm_id_firm"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_scan")),
    )
    op.create_index(op.f("ix_readiness_scan_firm_id"), "readiness_scan", ["firm_id"], unique=False)

    op.create_table(
        "round_firm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_round_firm_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_round_firm_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_firm")),
        sa.UniqueConstraint(
            "round_id", "external_id", name=op.f("uq_round_firm_round_id_external_id")
        ),
        sa.UniqueConstraint("round_id", "firm_id", name=op.f("uq_round_firm_round_id_firm_id")),
    )
    op.create_index(op.f("ix_round_firm_firm_id"), "round_firm", ["firm_id"], unique=False)

    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("business_case_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('submitted', 'withdrawn')", name=op.f("ck_application_status")
        ),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_application_rank")),
        sa.ForeignKeyConstraint(
            ["business_case_id"],
            ["business_case.id"],
            name=op.f("fk_application_business_case_id_business_case"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firm.id"], name=op.f("fk_application_firm_id_firm"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["mission_id"],
            ["mission.id"],
            name=op.f("fk_application_mission_id_mission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_application_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint(
            "firm_id", "mission_id", name=op.f("uq_application_firm_id_mission_id")
        ),
    )
    op.create_index(
        op.f("ix_application_business_case_id"), "application", ["business_case_id"], unique=False
    )
    op.create_index(op.f("ix_application_firm_id"), "application", ["firm_id"], unique=False)
    op.create_index(op.f("ix_application_mission_id"), "application", ["mission_id"], unique=False)
    op.create_index(op.f("ix_application_round_id"), "application", ["round_id"], unique=False)

    op.create_table(
        "locked_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_locked_pair_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_locked_pair_created_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_locked_pair_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locked_pair")),
        sa.UniqueConstraint("application_id", name=op.f("uq_locked_pair_application_id")),
    )
    op.create_index(op.f("ix_locked_pair_created_by"), "locked_pair", ["created_by"], unique=False)
    op.create_index(op.f("ix_locked_pair_round_id"), "locked_pair", ["round_id"], unique=False)

    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('placed', 'unplaced', 'offered', 'accepted', 'declined', 'withdrawn')",
            name=op.f("ck_placement_status"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_placement_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["matching_run.id"],
            name=op.f("fk_placement_run_id_matching_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
        sa.UniqueConstraint(
            "run_id", "application_id", name=op.f("uq_placement_run_id_application_id")
        ),
    )
    op.create_index(
        op.f("ix_placement_application_id"), "placement", ["application_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_placement_application_id"), table_name="placement")

    op.drop_table("placement")
    op.drop_index(op.f("ix_locked_pair_round_id"), table_name="locked_pair")
    op.drop_index(op.f("ix_locked_pair_created_by"), table_name="locked_pair")

    op.drop_table("locked_pair")
    op.drop_index(op.f("ix_application_round_id"), table_name="application")
    op.drop_index(op.f("ix_application_mission_id"), table_name="application")
    op.drop_index(op.f("ix_application_firm_id"), table_name="application")
    op.drop_index(op.f("ix_application_business_case_id"), table_name="application")

    op.drop_table("application")
    op.drop_index(op.f("ix_round_firm_firm_id"), table_name="round_firm")

    op.drop_table("round_firm")
    op.drop_index(op.f("ix_readiness_scan_firm_id"), table_name="readiness_scan")

    op.drop_table("readiness_scan")
    op.drop_index(op.f("ix_business_case_verified_by"), table_name="business_case")
    op.drop_index(op.f("ix_business_case_firm_id"), table_name="business_case")

    op.drop_table("business_case")
    op.drop_index(op.f("ix_user_session_user_id"), table_name="user_session")

    op.drop_table("user_session")
    op.drop_table("sector")
    op.drop_table("region")
    op.drop_index(op.f("ix_mission_owner_organisation_id"), table_name="mission")

    op.drop_table("mission")
    op.drop_index(op.f("ix_matching_run_state"), table_name="matching_run")
    op.drop_index(op.f("ix_matching_run_round_id"), table_name="matching_run")
    op.drop_index(op.f("ix_matching_run_created_by"), table_name="matching_run")

    op.drop_table("matching_run")
    op.drop_index(op.f("ix_firm_owner_user_id"), table_name="firm")

    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_constraint(op.f("fk_user_account_firm_id_firm"), type_="foreignkey")
    op.drop_table("firm")
    op.drop_index(op.f("ix_audit_log_object_type_object_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_actor_user_id"), table_name="audit_log")

    op.drop_table("audit_log")
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")

    op.drop_table("api_token")
    op.drop_index(op.f("ix_user_account_organisation_id"), table_name="user_account")
    op.drop_index(op.f("ix_user_account_firm_id"), table_name="user_account")

    op.drop_table("user_account")
    op.drop_index(op.f("ix_round_organisation_id"), table_name="round")

    op.drop_table("round")
    op.drop_table("organisation")
