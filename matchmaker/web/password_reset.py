"""Pages for a forgotten password: ask for a link by e-mail, then choose a new password."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from matchmaker.deps import SessionDep, SettingsDep
from matchmaker.i18n import mark
from matchmaker.services import password_resets
from matchmaker.services.accounts import AccountError
from matchmaker.web.account_forms import Email, Password
from matchmaker.web.form_routes import form_post
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: accounts"])

LINK_SENT = mark(
    "If an account has this e-mail address, a link to choose a new password is on its way. "
    "It works for one hour. No mail? Check your spam folder, or ask again in a few minutes."
)


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_form(request: Request) -> Response:
    return render(request, "auth/forgot_password.html", notice=None, email="")


@form_post(router, "/password/forgot")
def forgot(request: Request, session: SessionDep, settings: SettingsDep, email: Email) -> Response:
    """The same answer whether or not the address has an account."""
    password_resets.request_reset(session=session, email=email, public_url=settings.public_url)
    return render(request, "auth/forgot_password.html", notice=LINK_SENT, email="")


def _reset_form(request: Request, session: Session, token: str, **shown: Any) -> Response:
    """The form to choose a new password with the reset link's `token`."""
    account = password_resets.account_of_link(session=session, token=token)
    return render(request, "auth/reset_password.html", token=token, email=account.email, **shown)


@router.get("/password/reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, session: SessionDep, token: str) -> Response:
    return _reset_form(request, session, token, errors={})


@form_post(router, "/password/reset/{token}")
def reset(request: Request, session: SessionDep, token: str, password: Password) -> Response:
    try:
        password_resets.reset_password(session=session, token=token, password=password)
    except AccountError as error:
        return _reset_form(request, session, token, status_code=400, errors=error.fields())
    response = RedirectResponse("/login?reset=1", status_code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
