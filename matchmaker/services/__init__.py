"""Service functions (keyword-only, `*, session, ...`): the only layer that writes and commits."""

from __future__ import annotations

from sqlmodel import Session

from matchmaker.services.errors import (
    Conflict,
    Invalid,
    NotFound,
    Problem,
    Refused,
    ServiceError,
)

__all__ = [
    "Conflict",
    "Invalid",
    "NotFound",
    "Problem",
    "Refused",
    "ServiceError",
    "end_reads",
    "read_back",
]


def end_reads(session: Session) -> None:
    """End the session's transaction, in which it has only read (the request's user lookup),
    keeping what it loaded: an upload is then parsed outside any transaction, so no write
    lock is held (SQLite) and no snapshot kept open while it is read.

    The service's own transaction begins at its next statement, after the parsing.
    """
    if not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("end_reads() on a session with unsaved changes")
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()  # nothing to write: releases the connection and its lock
    finally:
        session.expire_on_commit = expire


def read_back(session: Session, *objects: object) -> None:
    """Reload objects after a commit, for the answer, in a read of its own: on SQLite it
    never queues for the write lock, so a change already saved cannot fail afterwards."""
    if session.in_transaction():
        for item in objects:
            session.refresh(item)
        return
    from matchmaker.db import READ_ONLY

    session.connection(execution_options={READ_ONLY: True})
    for item in objects:
        session.refresh(item)
    end_reads(session)
