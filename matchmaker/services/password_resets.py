"""Forgotten passwords: a one-time link by e-mail, valid for an hour; choosing a new password
with it ends every login session of the account.

Asking for a link answers the same whether or not the address has an account, so nobody
learns from it who is registered; an account gets at most MAX_LINKS_PER_HOUR links an hour,
so nobody can flood someone's mailbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from matchmaker.i18n import mark
from matchmaker.models import PasswordReset, User, UserSession
from matchmaker.models.common import utcnow
from matchmaker.services import mail_texts, one_time_links, outbox
from matchmaker.services.account_audit import record_account_event
from matchmaker.services.accounts import check_password, hash_password, normalise_email
from matchmaker.services.errors import NotFound

RESET_LIFETIME = timedelta(hours=1)
MAX_LINKS_PER_HOUR = 3
PATH = "/password/reset/"


class ResetLinkUnusable(NotFound):
    """The link is unknown, used, expired, or its account is disabled."""

    MESSAGE = mark("this link to choose a new password is used or has expired: ask for a new one")

    def __init__(self) -> None:
        super().__init__("password reset", "link")
        self.args = (str(self.MESSAGE),)

    def __str__(self) -> str:
        return str(self.args[0])


def request_reset(*, session: Session, email: str, public_url: str) -> None:
    """Mail a reset link to the account with this address, if there is one, and commit."""
    address = normalise_email(email)
    user = session.exec(select(User).where(User.email == address)).first()
    now = utcnow()
    if user is None or not user.active or _recent_links(session, user, now) >= MAX_LINKS_PER_HOUR:
        return
    token = one_time_links.new_token()
    session.add(
        PasswordReset(
            token_hash=one_time_links.digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + RESET_LIFETIME,
        )
    )
    subject, body = mail_texts.render(
        "password_reset",
        language=mail_texts.language_of(user),
        email=user.email,
        link=public_url.rstrip("/") + PATH + token,
        hours=int(RESET_LIFETIME.total_seconds() // 3600),
    )
    outbox.queue(session=session, kind="password.reset", to=user.email, subject=subject, body=body)
    record_account_event(session, None, "password.reset_requested", user.id)
    session.commit()


def _recent_links(session: Session, user: User, now: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.user_id == user.id, PasswordReset.created_at > now - timedelta(hours=1)
        )
    ).one()


def _open(now: datetime) -> tuple:
    return (col(PasswordReset.used_at).is_(None), col(PasswordReset.expires_at) > now)


def account_of_link(*, session: Session, token: str) -> User:
    """The account an open reset link is for; ResetLinkUnusable otherwise."""
    row = session.exec(
        select(User)
        .join(PasswordReset, col(PasswordReset.user_id) == col(User.id))
        .where(col(PasswordReset.token_hash) == one_time_links.digest(token), *_open(utcnow()))
    ).first()
    if row is None or not row.active:
        raise ResetLinkUnusable()
    return row


def reset_password(*, session: Session, token: str, password: str) -> User:
    """Give the link's account this password, use up the link (and any other open link of the
    account) and end every session of the account; commit.

    The link is claimed with one conditional UPDATE, so of two uses at once one wins and the
    other finds it used. A password too short or long is refused (AccountError) and the link
    stays open.
    """
    check_password(password)
    password_hash = hash_password(password)  # before the transaction: it takes a while
    now = utcnow()
    link = one_time_links.claim(session, PasswordReset, token, still_open=_open(now), now=now)
    user = session.get(User, link.user_id) if link is not None else None
    if user is None or not user.active:
        session.rollback()
        raise ResetLinkUnusable()
    user.password_hash = password_hash
    session.add(user)
    session.exec(  # type: ignore[call-overload]
        update(PasswordReset)
        .where(col(PasswordReset.user_id) == user.id, *_open(now))
        .values(used_at=now)
    )
    session.exec(  # type: ignore[call-overload]
        update(UserSession)
        .where(col(UserSession.user_id) == user.id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    record_account_event(session, user, "password.reset", user.id)
    session.commit()
    session.refresh(user)
    return user
