"""Logging in: the password checked, failed logins counted and throttled per account and address."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlmodel import Session, col, delete, select

from matchmaker import db
from matchmaker.i18n import gettext
from matchmaker.models import LoginFailure, User
from matchmaker.services import audit
from matchmaker.services.accounts import AccountError, _now, authenticate, normalise_email
from matchmaker.services.errors import ServiceError

logger = logging.getLogger(__name__)

# Login throttling: failed logins counted over a sliding window, per account from one
# address, per address over all accounts, and per account over all addresses. The last one
# only stops addresses that have failed for that account themselves: a guesser spread over
# many addresses gets one try from each, while the owner, typing the right password from an
# address that has not failed for the account, is never locked out by someone else.
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
MAX_FAILURES_PER_ADDRESS = 20
MAX_FAILURES_PER_ACCOUNT = 5


class Throttled(ServiceError):
    """Too many failed logins for this account or from this address; retry_after seconds."""

    status = 429

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}
        super().__init__(
            gettext("too many failed logins; try again in %(seconds)s seconds", seconds=retry_after)
        )


class _Keys(NamedTuple):
    """The keyed digests failed logins are counted under."""

    pair: str  # this account from this address
    address: str  # this address, any account
    account: str  # this account, any address


def _throttle_keys(email: str, address: str, secret: str) -> _Keys:
    def key(text: str) -> str:
        return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()

    account = "account:" + normalise_email(email)
    return _Keys(
        pair=key(account + "|address:" + address),
        address=key("address:" + address),
        account=key(account),
    )


def _failures(session: Session, key: str, now: datetime) -> list[datetime]:
    return list(
        session.exec(
            select(LoginFailure.at)
            .where(LoginFailure.key == key, col(LoginFailure.at) > now - LOGIN_WINDOW)
            .order_by(col(LoginFailure.at))
        ).all()
    )


def _retry_after(session: Session, keys: _Keys, now: datetime) -> int | None:
    """Seconds until this address may try this account again, or None when it may now."""
    pair = _failures(session, keys.pair, now)
    limits = [(pair, MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS)]
    limits.append((_failures(session, keys.address, now), MAX_FAILURES_PER_ADDRESS))
    if pair:  # only an address that has failed for the account is held by its total
        limits.append((_failures(session, keys.account, now), MAX_FAILURES_PER_ACCOUNT))
    wait = 0.0
    for times, limit in limits:
        if len(times) >= limit:
            # Once this many of the oldest have left the window, one more attempt is allowed.
            leaves = times[len(times) - limit] + LOGIN_WINDOW
            wait = max(wait, (leaves - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else None


def login(*, session: Session, email: str, password: str, address: str, secret: str) -> User:
    """The user with this email and password, throttled per account and per address.

    Raises Throttled (the password is not even checked then) or AccountError for a wrong
    email or password; a failure is counted and audited, a success clears the account's
    counts. `secret` keys the digests the counts are stored under (no email or address is
    stored). See LOGIN_WINDOW for the three counts and why the owner is not locked out.
    """
    now = _now()
    keys = _throttle_keys(email, address, secret)
    # Count in a read of its own (no write lock on SQLite), ended before the password is
    # hashed: authenticate() checks it outside any transaction.
    if not session.in_transaction():
        session.connection(execution_options={db.READ_ONLY: True})
    wait = _retry_after(session, keys, now)
    session.rollback()
    if wait is not None:
        logger.warning("login refused for %d s: too many failures (from %s)", wait, address)
        raise Throttled(wait)
    user = authenticate(session=session, email=email, password=password)
    if user is not None:
        # The owner is in: its account's counts start again (the address's stays).
        cleared = col(LoginFailure.key).in_([keys.pair, keys.account])
        session.exec(delete(LoginFailure).where(cleared))
        session.commit()
        return user
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) <= now - LOGIN_WINDOW))
    for key in keys:
        session.add(LoginFailure(key=key, at=now))
    known = session.exec(select(User.id).where(User.email == normalise_email(email))).first()
    audit.record(
        session=session,
        actor=None,
        action="login_failed",
        object_type="user",
        object_id=known if known is not None else "unknown",
        after={"address": address},
    )
    session.commit()
    # Neither the email (people type passwords into it) nor the password is logged.
    logger.info("failed login from %s", address)
    raise AccountError("password", gettext("unknown email address or wrong password"))
