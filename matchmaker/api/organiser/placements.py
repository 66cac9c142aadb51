"""Organiser API: offers from a round's waiting list, and withdrawals recorded for a firm."""

from __future__ import annotations

from fastapi import APIRouter

from matchmaker.api.placement_shapes import PLACEMENT_ERRORS as ERRORS
from matchmaker.api.placement_shapes import PlacementChange, answered
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import placements as placement_service

router = APIRouter(prefix="/api", tags=["placements"], responses=ERRORS)


@router.post("/placements/{placement_id}/offer")
def offer(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Offer a place to an application on the waiting list (409 when the round has no room
    for it next to every current placement)."""
    return answered(placement_service.offer(session=session, placement_id=placement_id, actor=user))


@router.post("/placements/{placement_id}/withdraw")
def record_withdrawal(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Record a firm's withdrawal on its behalf; its place goes to the waiting list."""
    return answered(
        placement_service.withdraw(session=session, placement_id=placement_id, actor=user)
    )
