"""The language switch on every page: kept in a cookie, and with the account when logged in.

The switch brings the reader back to the page it was used on: the form's `next`, else the
page the browser says it came from (Referer, same site only). The page does not write its
own address into the form, as that may hold a one-time link's secret.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
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
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    language: Annotated[Literal["nl", "en"], Form()],
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    """Answer every next page in `language`, back on the page the switch was used on."""
    if user is not None:
        accounts.save_language(session=session, user=user, language=language)
    response = see_other(safe_next(next) or safe_next(_came_from(request)) or "/")
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


def _came_from(request: Request) -> str | None:
    """The path (and query) of the page the browser came from, if it is this site's."""
    referer = urlsplit(request.headers.get("referer", "")[:2000])
    if referer.netloc != request.url.netloc:
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")
