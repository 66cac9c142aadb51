"""Solver runs can be stopped: a stop request time and the state "stopped" on both run tables."""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4f1a2b3c5d6"
down_revision: str | Sequence[str] | None = "7d3a9e2c4b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-12-06

TABLES = ("matching_run", "meeting_schedule_run")
STATES_BEFORE = ("queued", "running", "succeeded", "failed", "interrupted")
STATES_AFTER = ("queued", "running", "succeeded", "failed", "stopped", "interrupted")


def _states(states: Sequence[str]) -> str:
    return "state IN (" + ", ".join(f"'{state}'" for state in states) + ")"


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("stop_requested_at", sa.DateTime(timezone=True), nullable=True)
            )
            batch.drop_constraint(op.f(f"ck_{table}_state"), type_="check")
            batch.create_check_constraint(op.f(f"ck_{table}_state"), _states(STATES_AFTER))


def downgrade() -> None:
    for table in TABLES:
        # A stopped run kept its best answer: before stopping existed, that was a run cut off.
        op.execute(sa.text(f"UPDATE {table} SET state = 'interrupted' WHERE state = 'stopped'"))
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_state"), type_="check")
            batch.create_check_constraint(op.f(f"ck_{table}_state"), _states(STATES_BEFORE))
            batch.drop_column("stop_requested_at")
