"""Accounts: registration, Argon2 passwords, server-side login sessions and API bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from matchmaker import db
from matchmaker.models import (
    ApiToken,
    Firm,
    LoginFailure,
    Organisation,
    OrganisationKind,
    Role,
    User,
    UserSession,
)
from matchmaker.services import audit, read_back, tenancy
from matchmaker.services.errors import Conflict, Invalid, NotFound, Problem, ServiceError

logger = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)
# Login throttling: failed logins counted over a sliding window, per account from one
# address, per address over all accounts, and per account over all addresses. The last one
# only stops addresses that have failed for that account themselves: a guesser spread over
# many addresses gets one try from each, while the owner, typing the right password from an
# address that has not failed for the account, is never locked out by someone else.
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
MAX_FAILURES_PER_ADDRESS = 20
MAX_FAILURES_PER_ACCOUNT = 5
_hasher = PasswordHasher()
# A fixed hash to verify against when the email is unknown, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountRefused(Conflict):
    """An account change refused in the current state."""


class AccountError(Invalid):
    """A refused account operation; `field` names the form field it is about, `str()` is
    the message alone (shown next to that field)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__([Problem(field, message)])

    def __str__(self) -> str:
        return self.problems[0].message


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_email(email: str) -> str:
    """The address normalised, or AccountError naming the field."""
    email = normalise_email(email)
    if "@" not in email or len(email) < 3 or len(email) > 320:
        raise AccountError("email", "enter a valid email address")
    return email


def check_password(password: str) -> None:
    if not 10 <= len(password) <= 200:
        raise AccountError("password", "a password has 10 to 200 characters")


def register_sme(*, session: Session, email: str, password: str) -> None:
    """Self-registration: a new SME account, answered alike whether or not the address has
    an account already (nothing tells which).

    Only invalid input raises (AccountError, the same for either case). Otherwise the
    password is hashed either way, before the transaction (hashing takes a good part of a
    second; the write lock is not held meanwhile), and one audit row is written either way:
    "register" for a new account, "register_existing" (no actor) for an address taken
    already, whose account stays as it was. Once mail exists its owner is told by mail.
    """
    email = check_email(email)
    check_password(password)
    password_hash = hash_password(password)
    existing = session.exec(select(User.id).where(User.email == email)).first()
    if existing is None:
        user = User(email=email, password_hash=password_hash, role=Role.sme)
        session.add(user)
        try:
            session.flush()
        except IntegrityError:  # the same address registered at the same moment
            session.rollback()
            existing = session.exec(select(User.id).where(User.email == email)).one()
        else:
            audit.record(
                session=session,
                actor=user,
                action="register",
                object_type="user",
                object_id=user.id,
                after={"email": email, "role": Role.sme.value},
            )
    if existing is not None:
        audit.record(
            session=session,
            actor=None,
            action="register_existing",
            object_type="user",
            object_id=existing,
        )
    session.commit()


def register_user(
    *,
    session: Session,
    email: str,
    password: str,
    role: Role,
    organisation_name: str | None = None,
) -> User:
    """Create a user (and, for organisers and branch organisations, a new organisation).

    For code only (the demo, benchmarks, scripts): people register through register_sme,
    and organiser accounts come from invitations or the operator's command.
    """
    email = check_email(email)
    check_password(password)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise AccountError("email", "an account with this email address exists already")
    organisation = None
    if role in (Role.organiser, Role.branch_org):
        name = (organisation_name or "").strip()
        if not name:
            raise AccountError("organisation", "name the organisation you act for")
        kind = OrganisationKind.organiser if role is Role.organiser else OrganisationKind.branch_org
        organisation = Organisation(name=name[:200], kind=kind)
        session.add(organisation)
        session.flush()
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        organisation_id=organisation.id if organisation else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        actor=user,
        action="register",
        object_type="user",
        object_id=user.id,
        after={"email": email, "role": role.value},
    )
    session.commit()
    read_back(session, user)
    return user


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same work either way).

    The password is checked outside any transaction: hashing takes a good part of a second,
    and on SQLite a write transaction would hold the database's write lock meanwhile, so
    concurrent logins and other writers would queue behind it and time out.
    """
    fresh = not session.in_transaction()
    if fresh:
        session.connection(execution_options={db.READ_ONLY: True})
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    stored = user.password_hash if user else _DUMMY_HASH
    active = user is not None and user.active
    if fresh:
        session.rollback()  # ends the read (nothing was written); `user` reloads on use
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not active:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = hash_password(password)
        session.add(user)
        session.commit()
    return user


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # goes in the cookie; only its digest is stored
    record: UserSession


def start_session(*, session: Session, user: User, audited: bool = True) -> NewSession:
    """A new login session. audited=False when the caller's own audit row covers it (the
    registration that logs the new account in)."""
    token = secrets.token_urlsafe(32)
    record = UserSession(id=_digest(token), user_id=user.id, expires_at=_now() + SESSION_LIFETIME)
    session.add(record)
    if audited:
        audit.record(
            session=session, actor=user, action="login", object_type="user", object_id=user.id
        )
    session.commit()
    return NewSession(token=token, record=record)


def user_for_session(*, session: Session, token: str) -> tuple[User, UserSession] | None:
    """The user of a live session cookie: not revoked, not expired, account active."""
    record = session.get(UserSession, _digest(token))
    if record is None or record.revoked_at is not None or record.expires_at <= _now():
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    return user, record


def end_session(*, session: Session, token: str, actor: User | None) -> None:
    record = session.get(UserSession, _digest(token))
    if record is not None and record.revoked_at is None:
        record.revoked_at = _now()
        session.add(record)
        audit.record(
            session=session,
            actor=actor,
            action="logout",
            object_type="user",
            object_id=record.user_id,
        )
        session.commit()


def create_api_token(*, session: Session, user: User, name: str) -> tuple[str, ApiToken]:
    """A new bearer token; the plain token is returned once and never stored."""
    token = "mm_" + secrets.token_urlsafe(32)
    record = ApiToken(token_hash=_digest(token), user_id=user.id, name=name.strip()[:100] or "api")
    session.add(record)
    session.flush()
    audit.record(
        session=session,
        actor=user,
        action="create_token",
        object_type="api_token",
        object_id=record.id,
        after={"name": record.name},
    )
    session.commit()
    read_back(session, record)
    return token, record


def user_for_token(*, session: Session, token: str) -> User | None:
    record = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if record is None or record.revoked_at is not None:
        return None
    user = session.get(User, record.user_id)
    return user if user is not None and user.active else None


def set_active(*, session: Session, actor: User, user: User, active: bool) -> User:
    """Enable or disable an account; disabling ends all its sessions and tokens for good."""
    before = {"active": user.active}
    user.active = active
    if not active:
        now = _now()
        for record in session.exec(
            select(UserSession).where(
                UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
            )
        ):  # type: ignore[union-attr]
            record.revoked_at = now
            session.add(record)
        for token in session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):  # type: ignore[union-attr]
            token.revoked_at = now
            session.add(token)
    session.add(user)
    audit.record(
        session=session,
        actor=actor,
        action="enable" if active else "disable",
        object_type="user",
        object_id=user.id,
        before=before,
        after={"active": active},
    )
    session.commit()
    read_back(session, user)
    return user


# --------------------------------------------------------------------------- administration


@dataclass(frozen=True, slots=True)
class AccountEntry:
    user: User
    acts_for: str  # the organisation's or the firm's name; empty before an SME registers one


@dataclass(frozen=True, slots=True)
class _World:
    """The firm and branch organisation ids of an organiser's world (services.tenancy)."""

    firms: frozenset[int]
    branches: frozenset[int]


def _world(session: Session, actor: User) -> _World:
    if str(actor.role) != Role.organiser.value or actor.organisation_id is None:
        return _World(frozenset(), frozenset())
    firms = frozenset(row[0] for row in session.execute(tenancy.world_firm_ids(actor)))
    branch_query = tenancy.world_branch_organisation_ids(actor)
    branches = frozenset(row[0] for row in session.execute(branch_query))
    return _World(firms, branches)


def _manageable(world: _World, actor: User, user: User) -> bool:
    """Organisers manage the accounts in their organisation's world (services.tenancy):
    the other organisers of their organisation, the SME accounts of its firms and the
    accounts of its branch organisations; never their own account (nobody locks themselves
    out), never anyone else's."""
    if str(actor.role) != Role.organiser.value or user.id == actor.id:
        return False
    if actor.organisation_id is None:
        return False
    role = str(user.role)
    if role == Role.organiser.value:
        return user.organisation_id == actor.organisation_id
    if role == Role.sme.value:
        return user.firm_id is not None and user.firm_id in world.firms
    if role == Role.branch_org.value:
        return user.organisation_id is not None and user.organisation_id in world.branches
    return False


def manageable_accounts(*, session: Session, actor: User) -> list[AccountEntry]:
    """The accounts this organiser may disable or enable, by role and email."""
    world = _world(session, actor)
    users = [
        user
        for user in session.exec(select(User).order_by(User.role, User.email))  # type: ignore[arg-type]
        if _manageable(world, actor, user)
    ]
    organisations = {o.id: o.name for o in session.exec(select(Organisation))}
    firm_ids = {u.firm_id for u in users if u.firm_id is not None}
    firms = (
        {f.id: f.name for f in session.exec(select(Firm).where(Firm.id.in_(firm_ids)))}  # type: ignore[union-attr]
        if firm_ids
        else {}
    )
    return [
        AccountEntry(
            user=user,
            acts_for=firms.get(user.firm_id, "")
            if user.firm_id is not None
            else organisations.get(user.organisation_id, ""),
        )
        for user in users
    ]


def change_active(*, session: Session, actor: User, user_id: int, active: bool) -> User:
    """Disable or enable an account the organiser manages (NotFound for any other).

    Disabling ends the account's sessions and tokens at once and for good: enabling it again
    lets the person log in anew, and revives no old session or token. Raises AccountRefused
    when the account is in that state already (nothing is written then).
    """
    # The row stays locked to the commit, so two clicks at once make one change (PostgreSQL;
    # SQLite's immediate transactions serialise them anyway).
    user = session.exec(
        select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if user is None or not _manageable(_world(session, actor), actor, user):
        raise NotFound("account", user_id)
    if user.active == active:
        raise AccountRefused(
            f"the account {user.email} is {'enabled' if active else 'disabled'} already"
        )
    return set_active(session=session, actor=actor, user=user, active=active)


# --------------------------------------------------------------------------- login throttling


class Throttled(ServiceError):
    """Too many failed logins for this account or from this address; retry_after seconds."""

    status = 429

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")


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
    raise AccountError("password", "unknown email address or wrong password")


def organisation_name(*, session: Session, user: User) -> str:
    """The name of the user's organisation, or "" for a user without one."""
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return organisation.name if organisation else ""
