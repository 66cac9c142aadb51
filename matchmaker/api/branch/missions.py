"""Branch organisation API: offer national missions in rounds taking them, and see who was placed.

A branch organisation sees and changes only the missions its organisation owns; any other
mission answers 404. Its missions are always national in scope.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import Session

from matchmaker.api.errors import declare
from matchmaker.api.mission_shapes import (
    ORGANISER_ERRORS,
    RoundOut,
    changed_mission,
    mission_out,
    round_out,
)
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import (
    Mission,
    MissionCreate,
    MissionPublic,
    MissionUpdate,
    NationalMissionCreate,
    NationalMissionUpdate,
    Round,
    RoundStatus,
    Scope,
    User,
)
from matchmaker.services import exports as export_service
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service

BRANCH_ERRORS = {
    **ORGANISER_ERRORS,
    **declare(
        {
            403: "Only branch organisations may do this",
            404: "No such round taking missions, or not a mission of yours",
        }
    ),
}
router = APIRouter(prefix="/api/branch", tags=["branch organisation"], responses=BRANCH_ERRORS)


class PlacedFirm(BaseModel):
    firm_name: str
    region: str
    sector: str
    employees: int
    status: str


class PlacedOut(BaseModel):
    mission_id: int
    round_id: str
    round_status: RoundStatus
    published: bool
    run_id: int | None
    capacity: int
    placed: list[PlacedFirm]


def _round_taking_missions(session: Session, round_id: str) -> Round:
    return round_service.round_taking_missions(session=session, round_id=round_id)


def _own(session: Session, user: User, mission_id: int) -> Mission:
    return mission_service.get_owned(session=session, user=user, mission_id=mission_id)


@router.get("/rounds")
def rounds(session: SessionDep) -> list[RoundOut]:
    """Rounds in draft or open, with the regions and sectors a mission may name."""
    return [round_out(session, r) for r in round_service.rounds_taking_missions(session=session)]


@router.get("/missions")
def list_missions(session: SessionDep, user: CurrentUser) -> list[MissionPublic]:
    """Your organisation's missions."""
    return [mission_out(m) for m in mission_service.list_owned(session=session, user=user)]


@router.post("/rounds/{round_id}/missions", status_code=201)
def create_mission(
    round_id: str, body: NationalMissionCreate, session: SessionDep, user: CurrentUser
) -> MissionPublic:
    """Offer a national mission or delegation in a round taking missions; `capacity` is the
    places offered to the region's firms."""
    round_row = _round_taking_missions(session, round_id)
    mission = mission_service.create_mission(
        session=session,
        actor=user,
        round_row=round_row,
        mission_in=MissionCreate(**body.model_dump(), scope=Scope.national),
        owner_organisation_id=user.organisation_id,
    )
    return mission_out(mission)


@router.get("/missions/{mission_id}")
def get_mission(mission_id: int, session: SessionDep, user: CurrentUser) -> MissionPublic:
    return mission_out(_own(session, user, mission_id))


@router.patch("/missions/{mission_id}")
def update_mission(
    mission_id: int, body: NationalMissionUpdate, session: SessionDep, user: CurrentUser
) -> MissionPublic:
    """Change fields of your mission as of `version`; 409 if it changed since, or if the round
    no longer takes changes."""
    mission = _own(session, user, mission_id)
    changes = MissionUpdate(**body.model_dump(exclude_unset=True))
    return changed_mission(session, user, mission, changes, branch=True)


@router.get("/missions/{mission_id}/placements")
def placements(mission_id: int, session: SessionDep, user: CurrentUser) -> PlacedOut:
    """The firms placed on your mission, once the organiser has published the round."""
    mission = _own(session, user, mission_id)
    placed = export_service.placed_on(session=session, mission=mission)
    return PlacedOut(
        mission_id=mission.id,
        round_id=placed.round.id,
        round_status=placed.round.status,
        published=placed.published,
        run_id=placed.run.id if placed.run else None,
        capacity=mission.capacity,
        placed=[PlacedFirm.model_validate(row, from_attributes=True) for row in placed.taken],
    )
