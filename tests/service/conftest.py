"""Database fixtures on SQLite, and on PostgreSQL when MATCHMAKER_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlmodel import Session

from matchmaker import db
from matchmaker.models import metadata

POSTGRES_ENV = "MATCHMAKER_TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'matchmaker.db'}"
        return
    yield from _postgres_schema(postgres_server_url())


def postgres_server_url() -> str:
    """The configured PostgreSQL server; without one, the calling test is skipped (the only
    tests that ever skip are the PostgreSQL runs where no server is configured)."""
    base_url = os.environ.get(POSTGRES_ENV)
    if not base_url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql://user@host/db)")
    return base_url


def _postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema, first on the search path, dropped with everything in it afterwards."""
    schema = f"matchmaker_test_{uuid.uuid4().hex[:12]}"
    admin = db.create_db_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = db.normalise_database_url(base_url)
    options = url.query.get("options", "")
    url = url.update_query_dict({"options": f"{options} -csearch_path={schema}".strip()})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def backend(database_url: str) -> str:
    """sqlite or postgresql."""
    return make_url(database_url).get_backend_name()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database (no tables yet)."""
    engine = db.create_db_engine(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def migrated_engine(engine: Engine) -> Engine:
    """An engine on a database at the current schema."""
    db.upgrade_to_head(engine)
    return engine


@pytest.fixture
def session(migrated_engine: Engine) -> Iterator[Session]:
    with Session(migrated_engine) as session:
        yield session


def row_counts(engine: Engine) -> dict[str, int]:
    """The number of rows in every table of the models."""
    with Session(engine) as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }
