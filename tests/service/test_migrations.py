"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import Session

from matchmaker import db
from matchmaker.models import Organisation, metadata


def schema_differences(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_an_empty_database_upgrades_to_head_and_matches_the_models(engine: Engine) -> None:
    assert inspect(engine).get_table_names() == []
    assert db.current_revision(engine) is None
    db.upgrade_to_head(engine)
    assert db.current_revision(engine) == db.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert tables == {table.name for table in metadata.sorted_tables} | {"alembic_version"}
    assert schema_differences(engine) == []


def test_upgrading_a_current_database_changes_nothing(migrated_engine: Engine) -> None:
    with db.session_scope(migrated_engine) as session:
        session.add(Organisation(name="KvK Noord", kind="organiser"))
    db.upgrade_to_head(migrated_engine)
    with Session(migrated_engine) as session:
        assert session.get(Organisation, 1).name == "KvK Noord"
    assert schema_differences(migrated_engine) == []


def test_downgrade_to_base_and_upgrade_again(migrated_engine: Engine) -> None:
    with migrated_engine.begin() as connection:
        command.downgrade(db.alembic_config(connection=connection), "base")
    assert set(inspect(migrated_engine).get_table_names()) <= {"alembic_version"}
    db.upgrade_to_head(migrated_engine)
    assert schema_differences(migrated_engine) == []


def test_sqlite_foreign_keys_are_back_on_after_an_upgrade(tmp_path: Path) -> None:
    engine = db.create_db_engine(f"sqlite:///{tmp_path / 'fk.db'}", pool_size=1)
    db.upgrade_to_head(engine)
    with engine.connect() as connection:  # the pool's one connection, used by the upgrade
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_the_migrations_form_one_line_of_history() -> None:
    script = ScriptDirectory.from_config(db.alembic_config())
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert revisions[-1].down_revision is None
    assert all(revision.doc for revision in revisions)


def test_the_migrations_ship_inside_the_package() -> None:
    assert db.MIGRATIONS_DIR.parent == Path(db.__file__).resolve().parent
    assert (db.MIGRATIONS_DIR / "env.py").is_file()
    assert list((db.MIGRATIONS_DIR / "versions").glob("*.py"))


@pytest.mark.parametrize("table", sorted(t.name for t in metadata.sorted_tables))
def test_every_constraint_is_named(table: str) -> None:
    # Batch migrations on SQLite can only drop or alter what has a name.
    for constraint in metadata.tables[table].constraints:
        assert constraint.name, f"{table}: unnamed {type(constraint).__name__}"


def test_stopping_solver_runs_migrates_up_and_down_keeping_the_runs(engine: Engine) -> None:
    """e4f1a2b3c5d6 adds stop_requested_at and the state "stopped" to both run tables; going
    back turns a stopped run into an interrupted one (the state that existed) and keeps it."""
    with engine.begin() as connection:
        command.upgrade(db.alembic_config(connection=connection), "7d3a9e2c4b10")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO round (id, name, status, max_places_per_firm, weights, created_at, "
            "invites_branch_missions) "
            "VALUES ('r1', 'Ronde', 'draft', 1, '{}', CURRENT_TIMESTAMP, false)"
        )
        connection.exec_driver_sql(
            "INSERT INTO matching_run (round_id, state, elapsed_seconds, input_snapshot, "
            "snapshot_sha256, ortools_version, parameters, seed, created_at) "
            "VALUES ('r1', 'succeeded', 0, '{}', 'x', '9', '{}', 0, CURRENT_TIMESTAMP)"
        )
    db.upgrade_to_head(engine)
    assert schema_differences(engine) == []
    for table in ("matching_run", "meeting_schedule_run"):
        columns = {column["name"] for column in inspect(engine).get_columns(table)}
        assert "stop_requested_at" in columns
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE matching_run SET state = 'stopped'")
    with engine.begin() as connection:
        command.downgrade(db.alembic_config(connection=connection), "7d3a9e2c4b10")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT state FROM matching_run").all() == [
            ("interrupted",)
        ]
    assert "stop_requested_at" not in {
        column["name"] for column in inspect(engine).get_columns("matching_run")
    }
    with pytest.raises(Exception, match=r"(?i)check"), engine.begin() as connection:
        connection.exec_driver_sql("UPDATE matching_run SET state = 'stopped'")
    db.upgrade_to_head(engine)
    assert schema_differences(engine) == []


def test_the_application_deadline_migrates_up_and_down_keeping_rounds_and_runs(
    engine: Engine,
) -> None:
    """8ae093239c46 adds round.applications_close_at; neither way may lose a round's runs
    (rebuilding the parent table on SQLite would cascade its deletes)."""
    with engine.begin() as connection:
        command.upgrade(db.alembic_config(connection=connection), "89226165f89a")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO round (id, name, status, max_places_per_firm, weights, created_at, "
            "invites_branch_missions) "
            "VALUES ('r1', 'Ronde', 'open', 1, '{}', CURRENT_TIMESTAMP, false)"
        )
        connection.exec_driver_sql(
            "INSERT INTO matching_run (round_id, state, elapsed_seconds, input_snapshot, "
            "snapshot_sha256, ortools_version, parameters, seed, created_at) "
            "VALUES ('r1', 'succeeded', 0, '{}', 'x', '9', '{}', 0, CURRENT_TIMESTAMP)"
        )
    db.upgrade_to_head(engine)
    assert schema_differences(engine) == []
    with engine.begin() as connection:
        command.downgrade(db.alembic_config(connection=connection), "89226165f89a")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT id, status FROM round").all() == [("r1", "open")]
        assert connection.exec_driver_sql("SELECT count(*) FROM matching_run").scalar() == 1
    assert "applications_close_at" not in {
        column["name"] for column in inspect(engine).get_columns("round")
    }
