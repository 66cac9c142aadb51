"""What the account pages share: the e-mail and password fields of their forms, the invited
roles' names, each role's home page and the answer that logs a browser in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import RedirectResponse

from matchmaker.deps import SESSION_COOKIE
from matchmaker.i18n import mark
from matchmaker.services import accounts

Email = Annotated[str, Form(max_length=320)]
Password = Annotated[str, Form(max_length=200)]

HOME_BY_ROLE = {"organiser": "/organiser", "branch_org": "/branch", "sme": "/sme"}
ROLE_LABELS = {"organiser": mark("organiser"), "branch_org": mark("branch organisation")}


def logged_in(url: str, token: str) -> RedirectResponse:
    """On to `url` with the new session's cookie: the browser is logged in."""
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        secure=True,
        httponly=True,
        samesite="lax",
        path="/",
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
    )
    return response
