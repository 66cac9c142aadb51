"""API for placements after publication: the SME's results and answers (accept, decline,
withdraw), and the organiser's offers from the waiting list and recorded withdrawals."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from matchmaker.api.errors import declare
from matchmaker.deps import CurrentUser, SessionDep, require_role
from matchmaker.models import Placement, Role
from matchmaker.services import placement_views
from matchmaker.services import placements as placement_service
from matchmaker.services.placement_views import PlacementView

router = APIRouter(prefix="/api", tags=["placements"])
AS_SME = [Depends(require_role(Role.sme))]
AS_ORGANISER = [Depends(require_role(Role.organiser))]

ERRORS = declare(
    {
        401: "Not logged in, or an invalid token",
        403: "Not a role that may do this",
        404: "No such placement of the firm (or among the organiser's rounds)",
        409: "Not possible in the placement's current state, or no room for it",
        422: "Invalid request, with the path of every problem",
    }
)

T = TypeVar("T")


class FirmPlacement(BaseModel):
    """The firm's result for one application in a published round."""

    id: int
    round_id: str
    mission_id: int
    mission: str = Field(description="the mission's title")
    start: date
    end: date
    rank: int
    status: str
    status_text: str
    score: int | None
    reason: str | None
    reason_text: str | None = Field(description="the reason in plain words")
    detail: str | None
    can_accept: bool
    can_decline: bool
    can_withdraw: bool


class PlacementChange(BaseModel):
    """A placement after a change, and the places the re-solve offered to the waiting list."""

    id: int
    run_id: int
    application_id: int
    status: str
    score: int | None
    offers: list[int] = Field(description="placement ids that became offers")


def firm_view(view: PlacementView) -> FirmPlacement:
    placement = view.placement
    return FirmPlacement(
        id=placement.id or 0,
        round_id=view.round.id,
        mission_id=view.mission.id or 0,
        mission=view.mission.title,
        start=view.mission.start_date,
        end=view.mission.end_date,
        rank=view.application.rank,
        status=str(placement.status),
        status_text=view.status_text,
        score=placement.score,
        reason=placement.reason,
        reason_text=view.reason_text,
        detail=placement.detail,
        can_accept=view.can_accept,
        can_decline=view.can_decline,
        can_withdraw=view.can_withdraw,
    )


def change_view(placement: Placement, offers: list[Placement]) -> PlacementChange:
    return PlacementChange(
        id=placement.id or 0,
        run_id=placement.run_id,
        application_id=placement.application_id,
        status=str(placement.status),
        score=placement.score,
        offers=[o.id or 0 for o in offers],
    )


def answered(change: placement_service.Change) -> PlacementChange:
    """The changed placement and the offers the change made, as the API shows them."""
    return change_view(change.placement, change.offers)


# --------------------------------------------------------------------------- the firm


@router.get(
    "/sme/placements", dependencies=AS_SME, response_model=list[FirmPlacement], responses=ERRORS
)
def my_placements(session: SessionDep, user: CurrentUser) -> list[FirmPlacement]:
    """The firm's results in published rounds."""
    return [firm_view(v) for v in placement_views.firm_placements(session=session, user=user)]


@router.get(
    "/sme/placements/{placement_id}",
    dependencies=AS_SME,
    response_model=FirmPlacement,
    responses=ERRORS,
)
def my_placement(session: SessionDep, user: CurrentUser, placement_id: int) -> FirmPlacement:
    view = placement_views.firm_placement(session=session, placement_id=placement_id, user=user)
    return firm_view(view)


@router.post(
    "/sme/placements/{placement_id}/accept",
    dependencies=AS_SME,
    response_model=PlacementChange,
    responses=ERRORS,
)
def accept(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Accept an offered place."""
    return answered(placement_service.accept(session=session, placement_id=placement_id, user=user))


@router.post(
    "/sme/placements/{placement_id}/decline",
    dependencies=AS_SME,
    response_model=PlacementChange,
    responses=ERRORS,
)
def decline(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Decline an offered place; the re-solve offers it to the waiting list."""
    return answered(
        placement_service.decline(session=session, placement_id=placement_id, user=user)
    )


@router.post(
    "/sme/placements/{placement_id}/withdraw",
    dependencies=AS_SME,
    response_model=PlacementChange,
    responses=ERRORS,
)
def withdraw(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Withdraw from an offered or accepted place (it goes to the waiting list) or from the
    waiting list."""
    return answered(
        placement_service.withdraw(session=session, placement_id=placement_id, actor=user)
    )


# --------------------------------------------------------------------------- organisers


@router.post(
    "/placements/{placement_id}/offer",
    dependencies=AS_ORGANISER,
    response_model=PlacementChange,
    responses=ERRORS,
)
def offer(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Offer a place to an application on the waiting list (409 when the round has no room
    for it next to every current placement)."""
    return answered(placement_service.offer(session=session, placement_id=placement_id, actor=user))


@router.post(
    "/placements/{placement_id}/withdraw",
    dependencies=AS_ORGANISER,
    response_model=PlacementChange,
    responses=ERRORS,
)
def record_withdrawal(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Record a firm's withdrawal on its behalf; its place goes to the waiting list."""
    return answered(
        placement_service.withdraw(session=session, placement_id=placement_id, actor=user)
    )
