"""Accounts: registration, Argon2 passwords, server-side login sessions and API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from matchmaker import db
from matchmaker.i18n import LANGUAGES, gettext
from matchmaker.models import (
    ApiToken,
    Firm,
    Organisation,
    OrganisationKind,
    Role,
    User,
    UserSession,
)
from matchmaker.services import row_audit, tenancy
from matchmaker.services.account_audit import record_account_event
from matchmaker.services.errors import Conflict, Invalid, NotFound, Problem
from matchmaker.services.row_locks import locked_rows

SESSION_LIFETIME = timedelta(hours=12)
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
        raise AccountError("email", gettext("enter a valid email address"))
    return email


def check_password(password: str) -> None:
    if not 10 <= len(password) <= 200:
        raise AccountError("password", gettext("a password has 10 to 200 characters"))


def register_sme(
    *, session: Session, email: str, password: str, language: str | None = None
) -> None:
    """Self-registration: a new SME account, answered alike whether or not the address has
    an account already (nothing tells which).

    `language` is the one chosen with the switch before registering (kept with a new
    account: pages and e-mail follow it). Only invalid input raises (AccountError, the
    same for either case). Otherwise the
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
        user = User(
            email=email,
            password_hash=password_hash,
            role=Role.sme,
            language=language if language in LANGUAGES else None,
        )
        session.add(user)
        try:
            session.flush()
        except IntegrityError:  # the same address registered at the same moment
            session.rollback()
            existing = session.exec(select(User.id).where(User.email == email)).one()
        else:
            after = {"email": email, "role": Role.sme.value}
            record_account_event(session, user, "register", user.id, after)
    if existing is not None:
        record_account_event(session, None, "register_existing", existing)
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
        raise AccountError("email", gettext("an account with this email address exists already"))
    organisation = None
    if role in (Role.organiser, Role.branch_org):
        name = (organisation_name or "").strip()
        if not name:
            raise AccountError("organisation", gettext("name the organisation you act for"))
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
    row_audit.commit_change(
        session=session,
        actor=user,
        row=user,
        action="register",
        object_type="user",
        after={"email": email, "role": role.value},
    )
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
        record_account_event(session, user, "login", user.id)
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


def language_of_session(*, session: Session, token: str) -> str | None:
    """The language the user of a live session cookie chose with the switch, if any."""
    found = user_for_session(session=session, token=token)
    return found[0].language if found is not None else None


def save_language(*, session: Session, user: User, language: str) -> None:
    """Keep `language` (nl, en) as the user's choice for every page and e-mail."""
    if language not in LANGUAGES:
        raise Invalid(
            [
                Problem(
                    "language",
                    gettext("%(language)s is not a language (nl, en)", language=repr(language)),
                )
            ]
        )
    if user.language != language:
        before = user.language
        user.language = language
        session.add(user)
        record_account_event(
            session, user, "language", user.id, after={"language": language, "before": before}
        )
        session.commit()


def end_session(*, session: Session, token: str, actor: User | None) -> None:
    record = session.get(UserSession, _digest(token))
    if record is not None and record.revoked_at is None:
        record.revoked_at = _now()
        session.add(record)
        record_account_event(session, actor, "logout", record.user_id)
        session.commit()


def create_api_token(*, session: Session, user: User, name: str) -> tuple[str, ApiToken]:
    """A new bearer token; the plain token is returned once and never stored."""
    token = "mm_" + secrets.token_urlsafe(32)
    record = ApiToken(token_hash=_digest(token), user_id=user.id, name=name.strip()[:100] or "api")
    row_audit.commit_change(
        session=session,
        actor=user,
        row=record,
        action="create_token",
        after={"name": record.name},
    )
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
    row_audit.commit_change(
        session=session,
        actor=actor,
        row=user,
        action="enable" if active else "disable",
        object_type="user",
        before=before,
        after={"active": active},
    )
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
    user = locked_rows(session, User, User.id == user_id).first()
    if user is None or not _manageable(_world(session, actor), actor, user):
        raise NotFound("account", user_id)
    if user.active == active:
        raise AccountRefused(
            gettext("the account %(email)s is enabled already", email=user.email)
            if active
            else gettext("the account %(email)s is disabled already", email=user.email)
        )
    return set_active(session=session, actor=actor, user=user, active=active)


def organisation_name(*, session: Session, user: User) -> str:
    """The name of the user's organisation, or "" for a user without one."""
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    return organisation.name if organisation else ""
