"""The confirmation step of the organiser's irreversible actions (closing a round, publishing a
roster or a meeting day's agendas): a page saying what will happen and what can be undone,
whose "yes" button posts the action again with confirm=yes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from matchmaker.web.rendering import render

YES = "yes"
# The form field of the action's post: anything but "yes" only shows the confirmation page.
ConfirmField = Annotated[str, Form(max_length=20)]


@dataclass(frozen=True)
class Confirmation:
    """What the page asks: its question, what happens, what can or cannot be undone, the
    action's address, the yes button's words and the way back."""

    question: str
    happens: tuple[str, ...]
    undo: str
    action: str
    yes: str
    back: str
    back_label: str


def confirmed(confirm: str) -> bool:
    return confirm.strip().lower() == YES


def confirm_page(request: Request, confirmation: Confirmation) -> Response:
    return render(request, "organiser/confirm.html", confirmation=confirmation)


def add_confirm_route(
    router: APIRouter, path: str, confirmation: Callable[..., Confirmation]
) -> None:
    """The GET route at `path`: the confirmation page of an action. `confirmation` is the
    route's one dependency (it takes the path's parameters, the session and the user)."""

    def confirm(request: Request, asked: Confirmation) -> Response:
        return confirm_page(request, asked)

    # An object, not a name: a string annotation could not find this function's own dependency.
    confirm.__annotations__["asked"] = Annotated[Confirmation, Depends(confirmation)]
    router.add_api_route(path, confirm, methods=["GET"], response_class=HTMLResponse)
