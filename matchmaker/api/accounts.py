"""API: bearer tokens for programs, and who the caller is."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from matchmaker.api.errors import BAD_BODY, declare
from matchmaker.deps import CurrentUser, SessionDep, SettingsDep
from matchmaker.models import UserPublic
from matchmaker.security import client_address
from matchmaker.services import accounts, logins

ERRORS = declare({401: "Not logged in, or a wrong password or token", 422: BAD_BODY})
THROTTLED = declare({429: "Too many failed logins for the account or address; see Retry-After"})
router = APIRouter(prefix="/api", tags=["accounts"], responses=ERRORS)


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)
    name: str = Field(default="api", max_length=100)


class TokenResponse(BaseModel):
    token: str
    token_type: str = "bearer"


@router.post("/tokens", status_code=201, responses=THROTTLED)
def create_token(
    body: TokenRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> TokenResponse:
    """Exchange an email and password for a bearer token (shown once); failed attempts are
    throttled per account and per address like the login form."""
    try:
        user = logins.login(
            session=session,
            email=body.email,
            password=body.password,
            address=client_address(request, settings.proxy_addresses()),
            secret=settings.secret(),
        )
    except accounts.AccountError:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "unknown email or wrong password"
        ) from None
    token, _ = accounts.create_api_token(session=session, user=user, name=body.name)
    return TokenResponse(token=token)


@router.get("/me")
def me(user: CurrentUser) -> UserPublic:
    """The account the request acts for."""
    return UserPublic.model_validate(user, from_attributes=True)
