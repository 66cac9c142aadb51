"""Pages to register, log in and log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matchmaker.deps import SESSION_COOKIE, CsrfChecked, OptionalUser, SessionDep, SettingsDep
from matchmaker.i18n import gettext, mark
from matchmaker.security import client_address
from matchmaker.services import accounts, logins
from matchmaker.web.account_forms import HOME_BY_ROLE, Email, Password, logged_in
from matchmaker.web.form_routes import form_post, safe_next
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: accounts"])


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: OptionalUser) -> Response:
    if user is not None:
        return RedirectResponse(HOME_BY_ROLE[str(user.role)], status_code=303)
    return render(request, "home.html")


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    next: str | None = None,
    registered: str | None = None,
    reset: str | None = None,
) -> Response:
    notice = REGISTERED if registered else PASSWORD_RESET if reset else None
    return render(request, "auth/login.html", next=safe_next(next), error=None, notice=notice)


@form_post(router, "/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Email,
    password: Password,
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    try:
        user = logins.login(
            session=session,
            email=email,
            password=password,
            address=client_address(request, settings.proxy_addresses()),
            secret=settings.secret(),
        )
    except logins.Throttled as error:
        response = render(
            request,
            "auth/login.html",
            status_code=429,
            next=safe_next(next),
            error=gettext(
                "Too many failed logins. Try again in %(seconds)s seconds.",
                seconds=error.retry_after,
            ),
            email=email,
        )
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except accounts.AccountError:
        return render(
            request,
            "auth/login.html",
            status_code=400,
            next=safe_next(next),
            error=gettext("Unknown email address or wrong password."),
            email=email,
        )
    started = accounts.start_session(session=session, user=user)
    return logged_in(safe_next(next) or HOME_BY_ROLE[str(user.role)], started.token)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(session=session, token=token, actor=user)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


PASSWORD_RESET = mark("Your new password is saved. Log in with it.")
REGISTERED = mark(
    "Thank you. If this e-mail address was new, your account is ready: log in with it and "
    "the password you chose. If it had an account already, that account is unchanged: log in "
    "with its own password."
)


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request) -> Response:
    return render(request, "auth/register.html", errors={}, values={})


@form_post(router, "/register")
def register(request: Request, session: SessionDep, email: Email, password: Password) -> Response:
    """A new SME account (never another role: other fields, `role` included, are ignored).

    The answer is the same whether or not the address has an account already (a redirect to
    the login form with the same notice), so nobody learns from it who is registered; the
    new account then logs in like any other.
    """
    try:
        accounts.register_sme(session=session, email=email, password=password)
    except accounts.AccountError as error:
        return render(
            request,
            "auth/register.html",
            status_code=400,
            errors=error.fields(),
            values={"email": email},
        )
    return RedirectResponse("/login?registered=1", status_code=303)
