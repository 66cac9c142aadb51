"""SME pages of placements: the firm's results in published rounds, and one placement to
accept, decline or withdraw from."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.i18n import mark
from matchmaker.models import User
from matchmaker.services import placement_views
from matchmaker.services import placements as placement_service
from matchmaker.services.placements import PlacementRefused
from matchmaker.web.pages import notices, see_other
from matchmaker.web.rendering import refusal, render

router = APIRouter(prefix="/sme/placements", tags=["pages: placements"])

NOTICES = {
    "accepted": mark("You accepted the place. The organiser will be in touch about the mission."),
    "declined": mark("You declined the place; it goes to the next firm on the waiting list."),
    "withdrawn": mark("Your firm is withdrawn; a place it held goes to the waiting list."),
}
Notice = Annotated[str | None, notices(NOTICES)]


@router.get("", response_class=HTMLResponse)
def my_placements(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The firm's results in published rounds, each linking to its placement page."""
    views = placement_views.firm_placements(session=session, user=user)
    return render(request, "sme/placements.html", views=views)


def _placement_page(
    request: Request, session: Session, user: User, placement_id: int, **shown: Any
) -> Response:
    """The placement's page; `shown` as render takes it (status_code, error, notice)."""
    view = placement_views.firm_placement(session=session, placement_id=placement_id, user=user)
    return render(
        request, "sme/placement.html", view=view, **{"error": None, "notice": None, **shown}
    )


@router.get("/{placement_id}", response_class=HTMLResponse)
def placement_page(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int, notice: Notice
) -> Response:
    return _placement_page(request, session, user, placement_id, notice=notice)


def _answer_route(action: str, notice: str, answer: Callable[[User], Callable[..., Any]]) -> None:
    """The form post `/{placement_id}/<action>` (named `action`): answer the offer with the
    service function `answer(user)`; the placement page with the notice, or with the reason
    the answer was refused."""

    def answer_offer(
        request: Request, session: SessionDep, user: CurrentUser, placement_id: int
    ) -> Response:
        try:
            answer(user)(session=session, placement_id=placement_id)
        except PlacementRefused as error:
            return _placement_page(request, session, user, placement_id, **refusal(error))
        return see_other(f"/sme/placements/{placement_id}?notice={notice}")

    path = f"/{{placement_id}}/{action}"
    router.add_api_route(
        path, answer_offer, methods=["POST"], dependencies=[CsrfChecked], name=action
    )


_answer_route("accept", "accepted", lambda user: partial(placement_service.accept, user=user))
_answer_route("decline", "declined", lambda user: partial(placement_service.decline, user=user))
_answer_route("withdraw", "withdrawn", lambda user: partial(placement_service.withdraw, actor=user))
