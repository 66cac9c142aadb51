"""The language switch on every page: kept in a cookie, and with the account when logged in."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form
from fastapi.responses import Response

from matchmaker.deps import OptionalUser, SessionDep
from matchmaker.services import accounts
from matchmaker.web.form_routes import form_post, safe_next
from matchmaker.web.language_choice import LANGUAGE_COOKIE
from matchmaker.web.pages import see_other

router = APIRouter(tags=["pages: language"])

A_YEAR = 365 * 24 * 3600


@form_post(router, "/language")
def switch_language(
    session: SessionDep,
    user: OptionalUser,
    language: Annotated[Literal["nl", "en"], Form()],
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    """Answer every next page in `language`, back on the page the switch was used on."""
    if user is not None:
        accounts.save_language(session=session, user=user, language=language)
    response = see_other(safe_next(next) or "/")
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=A_YEAR,
        secure=True,
        httponly=True,
        samesite="lax",
        path="/",
    )
    return response
