"""Result hash of a matching run: a column, filled in for the runs that have a result."""

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d20c31037477"
down_revision: str | Sequence[str] | None = "5b7e0c4a91d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Created 2026-11-27 08:18:12.141967

# The digest as services.runs.result_digest defines it (copied: a migration must not change
# when the application's code does).
_TIMING_FIELDS = ("solve_seconds",)


def _digest(document: dict) -> str:
    kept = {k: v for k, v in document.items() if k not in _TIMING_FIELDS}
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("matching_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_sha256", sa.String(length=64), nullable=True))
    runs = sa.table(
        "matching_run",
        sa.column("id", sa.Integer()),
        sa.column("result", sa.JSON()),
        sa.column("result_sha256", sa.String(64)),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(runs.c.id, runs.c.result).where(runs.c.result.is_not(None))
    ).all()
    for run_id, result in rows:
        if isinstance(result, dict):
            connection.execute(
                runs.update().where(runs.c.id == run_id).values(result_sha256=_digest(result))
            )


def downgrade() -> None:
    with op.batch_alter_table("matching_run", schema=None) as batch_op:
        batch_op.drop_column("result_sha256")
