"""SME pages of placements: the firm's results in published rounds, and one placement to
accept, decline or withdraw from."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.models import User
from matchmaker.services import placement_views
from matchmaker.services import placements as placement_service
from matchmaker.services.placements import PlacementRefused
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import refusal, render

router = APIRouter(prefix="/sme/placements", tags=["pages: placements"])

NOTICES = {
    "accepted": "You accepted the place. The organiser will be in touch about the mission.",
    "declined": "You declined the place; it goes to the next firm on the waiting list.",
    "withdrawn": "Your firm is withdrawn; a place it held goes to the waiting list.",
}


@router.get("", response_class=HTMLResponse)
def my_placements(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The firm's results in published rounds, each linking to its placement page."""
    views = placement_views.firm_placements(session=session, user=user)
    return render(request, "sme/placements.html", views=views)


def _placement_page(
    request: Request,
    session: Session,
    user: User,
    placement_id: int,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    view = placement_views.firm_placement(session=session, placement_id=placement_id, user=user)
    return render(
        request,
        "sme/placement.html",
        status_code=status_code,
        view=view,
        error=error,
        notice=notice,
    )


@router.get("/{placement_id}", response_class=HTMLResponse)
def placement_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    placement_id: int,
    notice: str | None = None,
) -> Response:
    return _placement_page(request, session, user, placement_id, notice=NOTICES.get(notice or ""))


def _answer(
    request: Request,
    session: Session,
    user: User,
    placement_id: int,
    notice: str,
    answer: Callable[..., Any],
) -> Response:
    """Answer the offer (accept, decline, withdraw): the placement page with the notice, or
    with the reason the answer was refused."""
    try:
        answer(session=session, placement_id=placement_id)
    except PlacementRefused as error:
        return _placement_page(request, session, user, placement_id, **refusal(error))
    return see_other(f"/sme/placements/{placement_id}?notice={notice}")


@router.post("/{placement_id}/accept", dependencies=[CsrfChecked])
def accept(request: Request, session: SessionDep, user: CurrentUser, placement_id: int) -> Response:
    answer = partial(placement_service.accept, user=user)
    return _answer(request, session, user, placement_id, "accepted", answer)


@router.post("/{placement_id}/decline", dependencies=[CsrfChecked])
def decline(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    answer = partial(placement_service.decline, user=user)
    return _answer(request, session, user, placement_id, "declined", answer)


@router.post("/{placement_id}/withdraw", dependencies=[CsrfChecked])
def withdraw(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    answer = partial(placement_service.withdraw, actor=user)
    return _answer(request, session, user, placement_id, "withdrawn", answer)
