"""Engines: SQLite's pragmas and IMMEDIATE writes, PostgreSQL URLs, sessions, UTC timestamps."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from matchmaker import db
from matchmaker.models import AuditLog, Organisation, OrganisationKind, User


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = db.create_db_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    yield engine
    engine.dispose()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_engine: Engine) -> None:
    # Two connections at once, so both come fresh from the connect hook; read-only, or
    # the second would wait for the first one's write lock.
    read_only = sqlite_engine.execution_options(**{db.READ_ONLY: True})
    with read_only.connect() as first, read_only.connect() as second:
        for connection in (first, second):
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            busy_ms = pragma("PRAGMA busy_timeout").scalar()
            assert busy_ms == db.DEFAULT_LOCK_TIMEOUT_SECONDS * 1000 == 5000
            assert pragma("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_transactions_begin_immediate(sqlite_engine: Engine, tmp_path: Path) -> None:
    statements: list[str] = []
    event.listen(sqlite_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with Session(sqlite_engine) as session:
        session.exec(select(1)).one()
        assert statements[0] == "BEGIN IMMEDIATE"
        # The write lock is held from BEGIN on: another writer cannot start.
        other = sqlite3.connect(tmp_path / "pragmas.db", timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        session.rollback()
        other.execute("BEGIN IMMEDIATE")  # free again once the session ended
        other.execute("ROLLBACK")
        other.close()


def test_sqlite_read_only_work_can_begin_deferred(sqlite_engine: Engine, tmp_path: Path) -> None:
    with Session(sqlite_engine) as session:
        session.connection(execution_options={db.READ_ONLY: True})
        session.exec(select(1)).one()
        other = sqlite3.connect(tmp_path / "pragmas.db", timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # a reader does not block a writer
        other.execute("ROLLBACK")
        other.close()


def test_sqlite_concurrent_read_modify_write_loses_no_update(tmp_path: Path) -> None:
    engine = db.create_db_engine(f"sqlite:///{tmp_path / 'counter.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter (value INTEGER NOT NULL)")
        connection.exec_driver_sql("INSERT INTO counter VALUES (0)")
    errors: list[BaseException] = []

    def increment(times: int) -> None:
        try:
            for _ in range(times):
                with engine.begin() as connection:
                    value = connection.exec_driver_sql("SELECT value FROM counter").scalar()
                    connection.exec_driver_sql("UPDATE counter SET value = ?", (value + 1,))
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)

    threads = [threading.Thread(target=increment, args=(25,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT value FROM counter").scalar() == 100
    engine.dispose()


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(User(email="a@example.org", password_hash="x", role="sme", firm_id=12345))
    with pytest.raises(IntegrityError):
        session.flush()


def test_check_constraints_are_enforced(session: Session) -> None:
    session.add(Organisation(name="Nobody", kind="ministry"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_timestamps_are_stored_and_read_as_utc(migrated_engine: Engine) -> None:
    amsterdam = timezone(timedelta(hours=2))
    moment = datetime(2027, 5, 11, 9, 30, tzinfo=amsterdam)
    with db.session_scope(migrated_engine) as session:
        session.add(AuditLog(action="test", object_type="x", object_id="1", at=moment))
    with Session(migrated_engine) as session:
        stored = session.exec(select(AuditLog)).one().at
    assert stored == moment
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 7


def test_naive_timestamps_are_refused(session: Session) -> None:
    session.add(AuditLog(action="test", object_type="x", object_id="1", at=datetime(2027, 1, 1)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_session_scope_commits_or_rolls_back(migrated_engine: Engine) -> None:
    with db.session_scope(migrated_engine) as session:
        session.add(Organisation(name="KvK Noord", kind=OrganisationKind.organiser))
    with pytest.raises(RuntimeError), db.session_scope(migrated_engine) as session:
        session.add(Organisation(name="Half done", kind=OrganisationKind.organiser))
        session.flush()
        raise RuntimeError("boom")
    with Session(migrated_engine) as session:
        assert [o.name for o in session.exec(select(Organisation))] == ["KvK Noord"]


def test_get_session_uses_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'configured.db'}")
    monkeypatch.delenv("MATCHMAKER_ENV", raising=False)
    db.get_settings.cache_clear()
    db.get_engine.cache_clear()
    try:
        sessions = db.get_session()
        session = next(sessions)
        assert session.get_bind().url.database == str(tmp_path / "configured.db")
        sessions.close()
    finally:
        db.get_engine().dispose()
        db.get_engine.cache_clear()
        db.get_settings.cache_clear()


def test_in_memory_sqlite_shares_one_database_between_sessions() -> None:
    engine = db.create_db_engine("sqlite://")
    db.upgrade_to_head(engine)
    with db.session_scope(engine) as session:
        session.add(Organisation(name="KvK Noord", kind="organiser"))
    with Session(engine) as session:
        assert session.exec(select(Organisation)).one().name == "KvK Noord"
    engine.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///./matchmaker.db", "sqlite:///./matchmaker.db"),
    ],
)
def test_database_urls_are_normalised(given: str, expected: str) -> None:
    assert db.normalise_database_url(given).render_as_string(hide_password=False) == expected


def test_postgres_engines_use_psycopg_3() -> None:
    engine = db.create_db_engine("postgresql://nobody@127.0.0.1:1/none")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        db.create_db_engine("mysql://u@h/db")


def test_engine_round_trip_on_each_backend(migrated_engine: Engine, backend: str) -> None:
    with migrated_engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    assert migrated_engine.dialect.name == backend
