"""The route shape of a page form: posted with a CSRF token, answered with a page or a redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from matchmaker.deps import CsrfChecked

Route = TypeVar("Route", bound=Callable[..., Any])


def form_post(router: APIRouter, path: str) -> Callable[[Route], Route]:
    """Register the decorated function as the router's POST route of a page form at `path`:
    the CSRF token checked first, the answer HTML."""
    return router.post(path, response_class=HTMLResponse, dependencies=[CsrfChecked])
