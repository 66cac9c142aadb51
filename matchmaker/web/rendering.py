"""Jinja2 rendering with the CSRF token, the current user and flash-free page context."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from matchmaker import resources
from matchmaker.deps import CSRF_COOKIE

templates = Jinja2Templates(directory=str(resources.templates_dir()))


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser, minted once per browser and kept in a cookie."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", getattr(request.state, "user", None))
    context["csrf_token"] = csrf_token(request)
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(
            CSRF_COOKIE,
            context["csrf_token"],
            secure=True,
            httponly=True,
            samesite="strict",
            path="/",
        )
    return response
