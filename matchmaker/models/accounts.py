"""People and who they act for: organisations, users, login sessions and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlmodel import Field, SQLModel

from matchmaker.i18n import LANGUAGES
from matchmaker.models.common import CODE_LENGTH, STATE_LENGTH, UtcDateTime, one_of, utcnow
from matchmaker.models.enums import OrganisationKind, Role

EMAIL_LENGTH = 320
DIGEST_LENGTH = 64  # a SHA-256 hex digest
LANGUAGE_LENGTH = 5  # "nl", "en"; room for a region such as "en-GB"


# --------------------------------------------------------------------------- organisation


class OrganisationBase(SQLModel):
    name: str = Field(min_length=1, max_length=200, sa_type=Text)
    kind: OrganisationKind = Field(sa_type=String(STATE_LENGTH))


class Organisation(OrganisationBase, table=True):
    """An organiser (chamber of commerce, regional agency, export club) or a branch
    organisation that publishes national missions."""

    __tablename__ = "organisation"
    __table_args__ = (one_of("kind", OrganisationKind),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class OrganisationCreate(OrganisationBase):
    pass


class OrganisationPublic(OrganisationBase):
    id: int


# --------------------------------------------------------------------------- user


class UserBase(SQLModel):
    email: str = Field(min_length=3, max_length=EMAIL_LENGTH)
    role: Role


class User(SQLModel, table=True):
    """A person who logs in. Organisers and branch organisations act for their
    organisation; an SME user acts for its firm. The email is stored lower-cased."""

    __tablename__ = "user_account"
    __table_args__ = (one_of("role", Role), one_of("language", LANGUAGES))

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=String(EMAIL_LENGTH), unique=True)
    password_hash: str = Field(sa_type=String(255))
    role: Role = Field(sa_type=String(STATE_LENGTH))
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL", index=True
    )
    # user_account and firm refer to each other (a firm's owner, a user's firm), so
    # this key is added after both tables exist.
    firm_id: int | None = Field(
        default=None,
        index=True,
        sa_column_args=[ForeignKey("firm.id", ondelete="SET NULL", use_alter=True)],
    )
    active: bool = Field(default=True, sa_type=Boolean)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    # The language the person chose with the switch on every page (nl, en); none yet:
    # the browser's Accept-Language, then the service's default.
    language: str | None = Field(default=None, sa_type=String(LANGUAGE_LENGTH))


class UserCreate(UserBase):
    password: str = Field(min_length=10, max_length=200)
    organisation_id: int | None = None
    firm_id: int | None = None


class UserUpdate(SQLModel):
    email: str | None = Field(default=None, min_length=3, max_length=EMAIL_LENGTH)
    password: str | None = Field(default=None, min_length=10, max_length=200)
    active: bool | None = None


class UserPublic(UserBase):
    id: int
    organisation_id: int | None
    firm_id: int | None
    active: bool
    created_at: datetime


# --------------------------------------------------------------------------- sessions, tokens


class UserSession(SQLModel, table=True):
    """A server-side login session. The id is random (store a digest of the cookie value,
    so a copy of the database holds no usable session); logout and disabling an account
    set revoked_at, which ends it for good."""

    __tablename__ = "user_session"

    id: str = Field(primary_key=True, sa_type=String(DIGEST_LENGTH))
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ApiToken(SQLModel, table=True):
    """A bearer token for API clients; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(DIGEST_LENGTH), unique=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    name: str = Field(sa_type=String(CODE_LENGTH * 2))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ApiTokenPublic(SQLModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class LoginFailure(SQLModel, table=True):
    """A failed login, counted per account and per client address to throttle guessing.

    key is a keyed digest of "account:<email>" or "address:<ip>", so the table holds neither
    the email addresses people mistyped (sometimes a password) nor their addresses. Kept in
    the database so every worker process sees the same counts and a restart resets none.
    """

    __tablename__ = "login_failure"
    __table_args__ = (Index(None, "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(DIGEST_LENGTH))
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


# --------------------------------------------------------------------------- invitations

INVITED_ROLES = (Role.organiser, Role.branch_org)


class Invitation(SQLModel, table=True):
    """A one-time link that makes an organiser or branch organisation account.

    organisation_id is the organisation the new account acts for; issuer_organisation_id
    the organisation of whoever invited (NULL when an operator did, on the command line).
    Only the SHA-256 digest of the link's token is stored. A link works until it is used,
    revoked or expired, whichever comes first.
    """

    __tablename__ = "invitation"
    __table_args__ = (one_of("role", INVITED_ROLES),)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(DIGEST_LENGTH), unique=True)
    email: str = Field(sa_type=String(EMAIL_LENGTH))
    role: Role = Field(sa_type=String(STATE_LENGTH))
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    issuer_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL", index=True
    )
    created_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class PasswordReset(SQLModel, table=True):
    """A one-time link, sent by e-mail, that lets a person choose a new password.

    Only the SHA-256 digest of the link's token is stored. A link works once, until it
    expires; choosing a new password ends every login session of the account.
    """

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_type=String(DIGEST_LENGTH), unique=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
