"""Audit rows carry their organisation and firm: audit_log.organisation_id and firm_id.

Existing rows are filled in by the rules of services/audit_scope.py, as far as the objects
still exist: a round's objects get the round's organisation; the rest the acting user's
organisation, else the organisation of the account, token or invitation they are about;
firm_id the firm of a firm, case, scan, application, placement or meeting request. The
append-only triggers are dropped for the fill and created again at once, in the same
transaction. Plain ALTER TABLE on SQLite (a batch rebuild of the table would lose the
append-only triggers).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5bb65a9e5bf0"
down_revision: str | Sequence[str] | None = "3f7c2d9e8a14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "audit_log is append-only: its rows cannot be changed or deleted"
# The update triggers of migration 5c1e0a7d9b3f, made again after the fill.
SQLITE_TRIGGER = f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"""
POSTGRESQL_TRIGGER = """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()"""

ID = "CAST({} AS VARCHAR(40)) = audit_log.object_id"
ROUND_OF = {
    "round": "SELECT r.organisation_id FROM round r WHERE r.id = audit_log.object_id",
    "mission": "SELECT r.organisation_id FROM mission m JOIN round r ON r.id = m.round_id "
    f"WHERE {ID.format('m.id')}",
    "matching_run": "SELECT r.organisation_id FROM matching_run x "
    f"JOIN round r ON r.id = x.round_id WHERE {ID.format('x.id')}",
    "application": "SELECT r.organisation_id FROM application a "
    f"JOIN round r ON r.id = a.round_id WHERE {ID.format('a.id')}",
    "placement": "SELECT r.organisation_id FROM placement p "
    "JOIN application a ON a.id = p.application_id JOIN round r ON r.id = a.round_id "
    f"WHERE {ID.format('p.id')}",
}
DAY_ROUND = (
    "SELECT r.organisation_id FROM {table} x {join} JOIN mission m ON m.id = d.mission_id "
    "JOIN round r ON r.id = m.round_id WHERE " + ID.format("x.id")
)
ROUND_OF["meeting_day"] = DAY_ROUND.format(
    table="meeting_day", join="JOIN meeting_day d ON d.id = x.id"
)
for _table in ("meeting_partner", "meeting_request", "meeting_schedule_run"):
    ROUND_OF[_table] = DAY_ROUND.format(
        table=_table, join="JOIN meeting_day d ON d.id = x.meeting_day_id"
    )
FIRM_OF = {
    "firm": f"SELECT f.id FROM firm f WHERE {ID.format('f.id')}",
    "business_case": f"SELECT c.firm_id FROM business_case c WHERE {ID.format('c.id')}",
    "readiness_scan": f"SELECT s.firm_id FROM readiness_scan s WHERE {ID.format('s.id')}",
    "application": f"SELECT a.firm_id FROM application a WHERE {ID.format('a.id')}",
    "placement": "SELECT a.firm_id FROM placement p JOIN application a ON a.id = p.application_id "
    f"WHERE {ID.format('p.id')}",
    "meeting_request": f"SELECT q.firm_id FROM meeting_request q WHERE {ID.format('q.id')}",
}
OWN_ORGANISATION = {
    "user": f"SELECT u.organisation_id FROM user_account u WHERE {ID.format('u.id')}",
    "api_token": "SELECT u.organisation_id FROM api_token t "
    f"JOIN user_account u ON u.id = t.user_id WHERE {ID.format('t.id')}",
    "invitation": f"SELECT i.organisation_id FROM invitation i WHERE {ID.format('i.id')}",
}
ACTOR_ORGANISATION = (
    "SELECT u.organisation_id FROM user_account u WHERE u.id = audit_log.actor_user_id"
)
# Objects of a round that may have been deleted since: the actor's organisation then.
DELETABLE = {
    "meeting_partner": "SELECT 1 FROM meeting_partner x WHERE " + ID.format("x.id"),
    "meeting_request": "SELECT 1 FROM meeting_request x WHERE " + ID.format("x.id"),
}


def _fill() -> None:
    for kind, query in ROUND_OF.items():
        op.execute(f"UPDATE audit_log SET organisation_id = ({query}) WHERE object_type = '{kind}'")
    for kind, query in FIRM_OF.items():
        op.execute(f"UPDATE audit_log SET firm_id = ({query}) WHERE object_type = '{kind}'")
    round_kinds = ", ".join(f"'{kind}'" for kind in ROUND_OF)
    op.execute(
        f"UPDATE audit_log SET organisation_id = ({ACTOR_ORGANISATION}) "
        f"WHERE organisation_id IS NULL AND object_type NOT IN ({round_kinds})"
    )
    for kind, query in DELETABLE.items():
        op.execute(
            f"UPDATE audit_log SET organisation_id = ({ACTOR_ORGANISATION}) "
            f"WHERE object_type = '{kind}' AND NOT EXISTS ({query})"
        )
    for kind, query in OWN_ORGANISATION.items():
        op.execute(
            f"UPDATE audit_log SET organisation_id = ({query}) "
            f"WHERE organisation_id IS NULL AND object_type = '{kind}'"
        )


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("organisation_id", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("firm_id", sa.Integer(), nullable=True))
    op.create_index(
        op.f("ix_audit_log_organisation_id"), "audit_log", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_audit_log_firm_id"), "audit_log", ["firm_id"], unique=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
    _fill()
    op.execute(SQLITE_TRIGGER if sqlite else POSTGRESQL_TRIGGER)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_firm_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_organisation_id"), table_name="audit_log")
    op.execute("ALTER TABLE audit_log DROP COLUMN firm_id")  # SQLite 3.35 and later
    op.execute("ALTER TABLE audit_log DROP COLUMN organisation_id")
