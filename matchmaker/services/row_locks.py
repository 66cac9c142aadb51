"""Rows read fresh and locked to the end of the transaction, so concurrent changes serialise."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.engine.result import ScalarResult
from sqlmodel import Session, SQLModel, select

Model = TypeVar("Model", bound=SQLModel)


def locked_rows(session: Session, model: type[Model], *where: Any) -> ScalarResult[Model]:
    """The rows of `model` that meet `where`, locked FOR UPDATE (PostgreSQL; SQLite's immediate
    transactions serialise anyway) and read again from the database, not the session's cache."""
    return session.exec(
        select(model).where(*where).with_for_update().execution_options(populate_existing=True)
    )
