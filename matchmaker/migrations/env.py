"""Alembic environment: migrates the connection (or engine) matchmaker.db hands over."""

from __future__ import annotations

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlmodel.sql.sqltypes import AutoString

import matchmaker.models
from matchmaker.models.common import UtcDateTime

config = context.config
target_metadata = matchmaker.models.metadata


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | bool:
    """Write the application's column types as plain SQLAlchemy types, so a migration never
    depends on code that may change after it was written."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and isinstance(item, AutoString):
        return f"sa.String({item.length})" if item.length else "sa.String()"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by rebuilding them
        compare_type=True,
        render_item=render_item,
        **kwargs,
    )


def run_with(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """`--sql` mode: print the SQL for DATABASE_URL's dialect instead of running it."""
    from matchmaker.db import normalise_database_url
    from matchmaker.settings import get_settings

    _configure(
        url=normalise_database_url(get_settings().database_url),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    engine = config.attributes.get("engine")
    if engine is None:
        from matchmaker.db import get_engine

        engine = get_engine()
    with engine.begin() as connection:
        run_with(connection)


if context.is_offline_mode():
    run_offline()
else:
    run_online()
