"""One service transaction: it commits when its block ends and rolls back when it raises."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session


@contextmanager
def committing(session: Session) -> Iterator[None]:
    """Run the block as one transaction of the session: commit at its end, or roll back
    everything it did when it raises (a refusal as much as a failure), and raise again."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
