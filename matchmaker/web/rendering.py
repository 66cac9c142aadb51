"""Jinja2 rendering with the CSRF token, the current user and flash-free page context."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from matchmaker import csrf, db, i18n, resources
from matchmaker.deps import SESSION_COOKIE
from matchmaker.models import User
from matchmaker.services import accounts
from matchmaker.services.errors import Invalid, ServiceError

templates = Jinja2Templates(directory=str(resources.templates_dir()))
templates.env.add_extension("jinja2.ext.i18n")
i18n.install(templates.env)  # {% trans %}, gettext and the formats of the current language


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser's session; before login, of a nonce minted once per
    browser and kept in a cookie (set by render)."""
    secret = request.app.state.settings.secret()
    token = csrf.token_of(secret, request.cookies)
    if token is not None:
        return token
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce is None:
        nonce = request.state.new_csrf_nonce = csrf.new_nonce()
    return csrf.token_for(secret, "browser", nonce)


def page_user(request: Request) -> User | None:
    """The logged-in user for the page's navigation. Routes with a user dependency have
    found it already; pages without one (an error page for an unknown path) look it up."""
    if hasattr(request.state, "user"):
        return request.state.user
    token = request.cookies.get(SESSION_COOKIE)
    user = None
    if token:
        with Session(request.app.state.engine) as session:
            session.connection(execution_options={db.READ_ONLY: True})
            found = accounts.user_for_session(session=session, token=token)
            user = found[0] if found is not None else None
    request.state.user = user
    return user


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", page_user(request))
    context["csrf_token"] = csrf_token(request)
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce is not None:
        response.set_cookie(
            csrf.NONCE_COOKIE,
            nonce,
            secure=True,
            httponly=True,
            samesite="strict",
            path="/",
        )
    return response


def refusal(error: ServiceError) -> dict[str, Any]:
    """How a page shows a service's refusal on its own form, with the error's own status:
    invalid input as its problems by field (`problems`, with their `summary` as `error`),
    any other refusal as its message (`error`); templates/_refusal.html shows either.
    Refusals a page does not show itself reach the one handler in main.py."""
    if isinstance(error, Invalid):
        return {"status_code": error.status, "error": error.summary, "problems": error.fields()}
    return {"status_code": error.status, "error": str(error)}
