"""API: bearer tokens for programs, and who the caller is."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from matchmaker.api.errors import declare
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import UserPublic
from matchmaker.services import accounts

router = APIRouter(prefix="/api", tags=["accounts"])

ERRORS = declare(
    {
        401: "Not logged in, or a wrong password or token",
        422: "Invalid request body, with the path of every problem",
    }
)


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)
    name: str = Field(default="api", max_length=100)


class TokenResponse(BaseModel):
    token: str
    token_type: str = "bearer"


@router.post("/tokens", response_model=TokenResponse, status_code=201, responses=ERRORS)
def create_token(body: TokenRequest, session: SessionDep) -> TokenResponse:
    """Exchange an email and password for a bearer token (shown once)."""
    user = accounts.authenticate(session=session, email=body.email, password=body.password)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown email or wrong password")
    token, _ = accounts.create_api_token(session=session, user=user, name=body.name)
    return TokenResponse(token=token)


@router.get("/me", response_model=UserPublic, responses=ERRORS)
def me(user: CurrentUser) -> UserPublic:
    """The account the request acts for."""
    return UserPublic.model_validate(user, from_attributes=True)
