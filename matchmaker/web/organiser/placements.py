"""Organiser pages of placements in a published roster: offer a waiting application a place,
record a firm's withdrawal on its behalf."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.services import placements as placement_service
from matchmaker.services.placements import PlacementRefused
from matchmaker.web.organiser.runs import placement_changed, placement_refused

router = APIRouter(prefix="/organiser/placements", tags=["pages: placements"])


@router.post("/{placement_id}/offer", dependencies=[CsrfChecked])
def offer(request: Request, session: SessionDep, user: CurrentUser, placement_id: int) -> Response:
    """Offer a place to an application on the waiting list, if the round can hold it."""
    try:
        change = placement_service.offer(session=session, placement_id=placement_id, actor=user)
    except PlacementRefused as error:
        return placement_refused(request, session, user, placement_id, error)
    return placement_changed(change.placement.run_id, change.placement.id)


@router.post("/{placement_id}/withdraw", dependencies=[CsrfChecked])
def record_withdrawal(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    """Record a firm's withdrawal on its behalf; its place goes to the waiting list."""
    try:
        change = placement_service.withdraw(session=session, placement_id=placement_id, actor=user)
    except PlacementRefused as error:
        return placement_refused(request, session, user, placement_id, error)
    return placement_changed(change.placement.run_id, change.placement.id)
