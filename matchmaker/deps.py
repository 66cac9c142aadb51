"""Request dependencies: the database session, the current user, roles and CSRF checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from matchmaker import csrf, db
from matchmaker.models import Role, User
from matchmaker.services import accounts, end_reads
from matchmaker.settings import Settings

SESSION_COOKIE = csrf.SESSION_COOKIE


class LoginRequired(Exception):
    """No logged-in user: pages redirect to the login form, the API answers 401."""


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """A session on the application's engine; services commit, this only closes.

    GET and HEAD requests only read. On SQLite their transaction begins deferred instead of
    taking the write lock up front, so pages and lists read concurrently (WAL) rather than
    queueing one by one behind every writer, a matching run saving its roster included.

    Writes keep what they committed loaded (no expiry on commit): the answer is built from
    it without a second transaction, which on SQLite would queue for the write lock again
    and could fail after the write was already saved.
    """
    reads = request.method in READ_METHODS
    with Session(request.app.state.engine, expire_on_commit=reads) as session:
        if reads:
            session.connection(execution_options={db.READ_ONLY: True})
        yield session


READ_METHODS = frozenset({"GET", "HEAD"})


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_db)]


def optional_user(request: Request, session: SessionDep) -> User | None:
    """The user of a bearer token (API clients) or of the session cookie (people), if any.

    On a write the lookup is a read transaction of its own, ended before the route runs:
    finding out who is asking never takes SQLite's write lock, so a burst of requests does
    not queue for the lock before even one of them is known to be allowed.
    """
    alone = request.method not in READ_METHODS and not session.in_transaction()
    if alone:
        session.connection(execution_options={db.READ_ONLY: True})
    try:
        user = _find_user(request, session)
    finally:
        if alone:
            end_reads(session)  # nothing written; ends the read, keeps the user loaded
    request.state.user = user
    return user


def _find_user(request: Request, session: Session) -> User | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = accounts.user_for_token(session=session, token=header[7:].strip())
        if user is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "invalid or revoked token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return user
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        found = accounts.user_for_session(session=session, token=token)
        if found is not None:
            _check_api_write(request)
            return found[0]
    return None


def _check_api_write(request: Request) -> None:
    """A JSON API write made with the session cookie carries the session's CSRF token in
    the X-CSRF-Token header: the cookie alone is a browser's ambient credential, which
    another site can make it send. (Page forms are checked by csrf_protect; bearer tokens
    are never sent by a browser on its own.)"""
    if request.method in csrf.SAFE_METHODS or not request.url.path.startswith("/api/"):
        return
    secret = request.app.state.settings.secret()
    if not csrf.matches(secret, request.cookies, request.headers.get(csrf.HEADER)):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"a write with the session cookie needs its CSRF token in the {csrf.HEADER} "
            "header (or use a bearer token from POST /api/tokens)",
        )


# Declares the bearer scheme in the OpenAPI schema of the routes that need a user;
# optional_user reads the header itself, so this never refuses anything.
bearer_scheme = HTTPBearer(
    auto_error=False, description="a token from POST /api/tokens (email and password)"
)


def current_user(
    user: Annotated[User | None, Depends(optional_user)],
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> User:
    if user is None:
        raise LoginRequired()
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: Role) -> Callable[[User], User]:
    """A dependency admitting only users of these roles (403 for the others)."""
    allowed = {r.value for r in roles}

    def check(user: CurrentUser) -> User:
        if str(user.role) not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not do this")
        return user

    return check


async def csrf_protect(request: Request) -> None:
    """Form posts carry the CSRF token of this browser's session (or, before login, of its
    nonce cookie) in a field or the X-CSRF-Token header; a keyed hash, so a planted cookie
    and field pair does not pass."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return  # API clients with a bearer token are not a browser's ambient credentials
    sent = request.headers.get(csrf.HEADER)
    if sent is None:
        sent = (await request.form()).get(csrf.FIELD)
    if not csrf.matches(request.app.state.settings.secret(), request.cookies, sent):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "the form has expired or was not sent from this site; reload it",
        )


CsrfChecked = Depends(csrf_protect)
