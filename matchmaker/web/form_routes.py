"""The route shape of a page form: posted with a CSRF token, answered with a page or a redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import CsrfChecked
from matchmaker.services.errors import ServiceError
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import refusal

Route = TypeVar("Route", bound=Callable[..., Any])
Result = TypeVar("Result")


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after a form (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def form_post(router: APIRouter, path: str) -> Callable[[Route], Route]:
    """Register the decorated function as the router's POST route of a page form at `path`:
    the CSRF token checked first, the answer HTML."""
    return router.post(path, response_class=HTMLResponse, dependencies=[CsrfChecked])


def form_answer(
    change: Callable[[], Result],
    *,
    refusals: tuple[type[ServiceError], ...],
    shown_again: Callable[..., Response],
    then: str | Callable[[Result], str],
) -> Response:
    """Make a page form's change and answer it: a redirect to `then` (an address, or the
    address of the change's result), or, where the service refuses it with one of
    `refusals`, the form's page again as `shown_again(**refusal(error))`. Other refusals
    reach the one handler in main.py."""
    try:
        result = change()
    except refusals as error:
        return shown_again(**refusal(error))
    return see_other(then if isinstance(then, str) else then(result))
