"""Organiser pages of placements in a published roster: offer a waiting application a place,
record a firm's withdrawal on its behalf."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import User
from matchmaker.services import placements as placement_service
from matchmaker.services.placements import Change, PlacementRefused
from matchmaker.web.form_routes import form_answer, form_post
from matchmaker.web.organiser.common import placement_url
from matchmaker.web.organiser.runs import placement_page_response

router = APIRouter(prefix="/organiser/placements", tags=["pages: placements"])


def _changed_placement(change: Change) -> str:
    return placement_url(change.placement)


def _change(
    request: Request,
    session: Session,
    user: User,
    placement_id: int,
    service: Callable[..., Change],
) -> Response:
    """Change the placement with the service function; back to it on its run's page, or that
    page with the reason the change was refused."""
    return form_answer(
        partial(service, session=session, placement_id=placement_id, actor=user),
        refusals=(PlacementRefused,),
        shown_again=partial(placement_page_response, request, session, user, placement_id),
        then=_changed_placement,
    )


@form_post(router, "/{placement_id}/offer")
def offer(request: Request, session: SessionDep, user: CurrentUser, placement_id: int) -> Response:
    """Offer a place to an application on the waiting list, if the round can hold it."""
    return _change(request, session, user, placement_id, placement_service.offer)


@form_post(router, "/{placement_id}/withdraw")
def record_withdrawal(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    """Record a firm's withdrawal on its behalf; its place goes to the waiting list."""
    return _change(request, session, user, placement_id, placement_service.withdraw)
