"""One-time links (invitations, password resets): a fresh token, its stored digest, and
claiming an open link with one conditional UPDATE, so of two uses at once exactly one wins."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, select

Link = TypeVar("Link")


def new_token() -> str:
    """The secret part of a link: shown once (in the mail), never stored."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """What is stored of a token and looked up by: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def claim(
    session: Session,
    model: type[Link],
    token: str,
    *,
    still_open: Iterable[ColumnElement[bool]],
    now: datetime,
) -> Link | None:
    """Mark the link with this token used (used_at = now) if it is still open, and return it
    as stored; None (and the transaction rolled back) if it is unknown, used or closed, or if
    a concurrent use claimed it first."""
    token_hash: Any = col(model.token_hash)  # type: ignore[attr-defined]
    claimed = session.exec(  # type: ignore[call-overload]
        update(model).where(token_hash == digest(token), *still_open).values(used_at=now)
    )
    if claimed.rowcount != 1:
        session.rollback()
        return None
    return session.exec(
        select(model).where(token_hash == digest(token)).execution_options(populate_existing=True)
    ).one()
