"""Pages for a forgotten password: ask for a link by e-mail, then choose a new password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matchmaker.deps import CsrfChecked, SessionDep, SettingsDep
from matchmaker.services import password_resets
from matchmaker.services.accounts import AccountError
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: accounts"])

LINK_SENT = (
    "If an account has this e-mail address, a link to choose a new password is on its way. "
    "It works for one hour. No mail? Check your spam folder, or ask again in a few minutes."
)


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_form(request: Request) -> Response:
    return render(request, "auth/forgot_password.html", notice=None, email="")


@router.post("/password/forgot", response_class=HTMLResponse, dependencies=[CsrfChecked])
def forgot(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=320)],
) -> Response:
    """The same answer whether or not the address has an account."""
    password_resets.request_reset(session=session, email=email, public_url=settings.public_url)
    return render(request, "auth/forgot_password.html", notice=LINK_SENT, email="")


@router.get("/password/reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, session: SessionDep, token: str) -> Response:
    account = password_resets.account_of_link(session=session, token=token)
    return render(request, "auth/reset_password.html", token=token, email=account.email, errors={})


@router.post("/password/reset/{token}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def reset(
    request: Request,
    session: SessionDep,
    token: str,
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    try:
        password_resets.reset_password(session=session, token=token, password=password)
    except AccountError as error:
        account = password_resets.account_of_link(session=session, token=token)
        return render(
            request,
            "auth/reset_password.html",
            status_code=400,
            token=token,
            email=account.email,
            errors={error.field: str(error)},
        )
    response = RedirectResponse("/login?reset=1", status_code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
