"""Database engines (SQLite and PostgreSQL), sessions, and bringing the schema to head."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from matchmaker.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# How long a write waits for a lock (SQLite's write lock, a PostgreSQL row lock) or for a
# pooled connection before it gives up; the request then answers 503 with Retry-After.
DEFAULT_LOCK_TIMEOUT_SECONDS = 5.0
# Connections per engine: one for each of the server's request threads (anyio's default
# limit, 40) and the job runner's, so a burst of requests queues for a thread instead of
# waiting for a connection (on PostgreSQL too; its default max_connections is 100).
POOL_SIZE = 10
MAX_OVERFLOW = 35
# SQLite's primary result codes for a lock another connection holds.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
# PostgreSQL's SQLSTATEs for contention: serialization failure, deadlock, lock not available.
_PG_CONTENTION = frozenset({"40001", "40P01", "55P03"})
# An execution option for read-only work on SQLite: begin a deferred transaction instead
# of taking the write lock up front, e.g. `session.connection(execution_options={...})`.
READ_ONLY = "matchmaker_read_only"
# Any constant works; it only has to be the same in every process sharing the database.
_MIGRATION_LOCK_ID = 0x6D617463  # "matc"


class MigrationError(RuntimeError):
    """The database cannot be brought to the current schema."""


def normalise_database_url(url: str | URL) -> URL:
    """The URL with PostgreSQL pinned to psycopg 3 (postgres:// and postgresql:// accepted)."""
    parsed = make_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg2", "psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_db_engine(
    url: str | URL, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS, **kwargs: Any
) -> Engine:
    """An engine for SQLite (WAL, busy timeout, foreign keys, IMMEDIATE writes) or PostgreSQL
    (lock_timeout); either waits at most `lock_timeout` seconds for a lock or a connection."""
    parsed = normalise_database_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _create_sqlite_engine(parsed, lock_timeout, **kwargs)
    if backend == "postgresql":
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", MAX_OVERFLOW)
        kwargs.setdefault("pool_timeout", lock_timeout)
        connect_args = dict(kwargs.pop("connect_args", {}))
        # Explicit connect_args replace the URL's own `options` (a search_path, say): merge.
        options = connect_args.get("options", parsed.query.get("options", ""))
        if not isinstance(options, str):
            options = " ".join(options)
        if "lock_timeout" not in options:
            options = f"{options} -c lock_timeout={round(lock_timeout * 1000)}".strip()
        connect_args["options"] = options
        return create_engine(parsed, connect_args=connect_args, **kwargs)
    raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")


def is_contention(error: BaseException) -> bool:
    """Whether a database error means only "busy now, try again": a lock held past the lock
    timeout, a serialization failure or deadlock (rolled back), or no free connection."""
    if isinstance(error, SQLAlchemyTimeoutError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    if getattr(original, "sqlstate", None) in _PG_CONTENTION:
        return True
    message = str(original).lower()
    return "database is locked" in message or "database table is locked" in message


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or bool(url.query.get("mode") == "memory")


def _create_sqlite_engine(url: URL, lock_timeout: float, **kwargs: Any) -> Engine:
    connect_args = dict(kwargs.pop("connect_args", {}))
    # Sessions move between threads (FastAPI's thread pool, background jobs); each
    # connection is still used by one thread at a time through the pool.
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", lock_timeout)
    busy_timeout_ms = round(connect_args["timeout"] * 1000)
    if _is_memory(url):
        # One shared connection, or every session would see its own empty database.
        kwargs.setdefault("poolclass", StaticPool)
    elif "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", MAX_OVERFLOW)
        kwargs.setdefault("pool_timeout", lock_timeout)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    memory = _is_memory(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite: it would otherwise BEGIN (deferred)
        # lazily and COMMIT before DDL. SQLAlchemy's documented pysqlite recipe.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout
        # instead of one failing with "database is locked" when it upgrades a read lock.
        connection.exec_driver_sql("BEGIN" if options.get(READ_ONLY) else "BEGIN IMMEDIATE")

    return engine


@functools.cache
def get_engine() -> Engine:
    """The process's engine for DATABASE_URL (created once)."""
    return create_db_engine(get_settings().database_url)


def get_session() -> Iterator[Session]:
    """A session per request (a FastAPI dependency); services commit, this only closes."""
    with Session(get_engine()) as session:
        yield session


def begin_snapshot_read(session: Session) -> None:
    """Begin a read transaction on the session that sees one consistent snapshot of the
    database and takes no write lock (the session must not be in a transaction).

    SQLite (WAL): a deferred transaction, whose first read fixes the snapshot. PostgreSQL:
    REPEATABLE READ, so every statement sees the snapshot of the first one.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={READ_ONLY: True})
    else:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back when it raises."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# --------------------------------------------------------------------------- migrations


def alembic_config(engine: Engine | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration for the package's migrations, without an alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    elif engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The revision the code expects the database to be at."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise MigrationError(f"the migrations have {len(heads)} heads, expected one: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the current schema; every command that touches it calls this.

    The whole upgrade is one transaction (SQLite and PostgreSQL both have transactional
    DDL), so a failed migration leaves the previous schema. Concurrent starts are safe:
    PostgreSQL takes an advisory lock, SQLite's BEGIN IMMEDIATE serialises them.
    """
    if engine.dialect.name == "sqlite":
        _upgrade_sqlite(engine)
        return
    with engine.begin() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
        command.upgrade(alembic_config(connection=connection), "head")


def _upgrade_sqlite(engine: Engine) -> None:
    # Batch migrations rebuild tables (copy, drop, rename). With foreign keys enforced the
    # drop would cascade or fail, so they are switched off for the upgrade (SQLite only
    # allows that outside a transaction) and every reference is checked before commit.
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection=connection), "head")
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise MigrationError(f"the migration broke foreign keys: {broken[:10]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
