"""SME API: the firm's results in published rounds, and its answers to them (accept, decline,
withdraw)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from matchmaker.api.placement_shapes import PLACEMENT_ERRORS as ERRORS
from matchmaker.api.placement_shapes import PlacementChange, answered
from matchmaker.api.rows import shape_of
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import placement_views
from matchmaker.services import placements as placement_service
from matchmaker.services.placement_views import PlacementView

router = APIRouter(prefix="/api", tags=["placements"], responses=ERRORS)


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
    answer_by: datetime | None = Field(
        default=None, description="an offered place lapses to the next firm after this moment"
    )
    waiting_position: int | None = Field(
        default=None, description="its place on the mission's waiting list (1 is next)"
    )
    can_accept: bool
    can_decline: bool
    can_withdraw: bool


def firm_view(view: PlacementView) -> FirmPlacement:
    placement = view.placement
    return shape_of(
        FirmPlacement,
        placement,
        id=placement.id or 0,
        round_id=view.round.id,
        mission_id=view.mission.id or 0,
        mission=view.mission.title,
        start=view.mission.start_date,
        end=view.mission.end_date,
        rank=view.application.rank,
        status=str(placement.status),
        status_text=view.status_text,
        reason_text=view.reason_text,
        answer_by=placement.answer_by if view.can_accept else None,
        waiting_position=view.position if view.waits else None,
        can_accept=view.can_accept,
        can_decline=view.can_decline,
        can_withdraw=view.can_withdraw,
    )


@router.get("/sme/placements")
def my_placements(session: SessionDep, user: CurrentUser) -> list[FirmPlacement]:
    """The firm's results in published rounds."""
    return [firm_view(v) for v in placement_views.firm_placements(session=session, user=user)]


@router.get("/sme/placements/{placement_id}")
def my_placement(session: SessionDep, user: CurrentUser, placement_id: int) -> FirmPlacement:
    view = placement_views.firm_placement(session=session, placement_id=placement_id, user=user)
    return firm_view(view)


@router.post("/sme/placements/{placement_id}/accept")
def accept(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Accept an offered place."""
    return answered(placement_service.accept(session=session, placement_id=placement_id, user=user))


@router.post("/sme/placements/{placement_id}/decline")
def decline(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Decline an offered place; the re-solve offers it to the waiting list."""
    return answered(
        placement_service.decline(session=session, placement_id=placement_id, user=user)
    )


@router.post("/sme/placements/{placement_id}/withdraw")
def withdraw(session: SessionDep, user: CurrentUser, placement_id: int) -> PlacementChange:
    """Withdraw from an offered or accepted place (it goes to the waiting list) or from the
    waiting list."""
    return answered(
        placement_service.withdraw(session=session, placement_id=placement_id, actor=user)
    )
