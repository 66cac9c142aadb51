"""Organiser API: a round's missions with optimistic locking, and each mission's roster."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import Session

from matchmaker.api.mission_shapes import ORGANISER_ERRORS as ERRORS
from matchmaker.api.mission_shapes import changed_mission, mission_out
from matchmaker.api.rows import shape_of
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import Mission, MissionCreate, MissionPublic, MissionUpdate, User
from matchmaker.services import exports as export_service
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service

router = APIRouter(prefix="/api/organiser", tags=["organiser"], responses=ERRORS)


class RosterRowOut(BaseModel):
    firm: str
    firm_name: str
    kvk: str
    region: str
    sector: str
    employees: int
    rank: int
    business_case: str | None
    evidence: str | None
    status: str
    score: int | None
    locked: bool
    reason: str | None
    explanation: str


class RosterOut(BaseModel):
    round_id: str
    mission_id: int
    mission: str
    capacity: int
    run_id: int | None
    rows: list[RosterRowOut]


def roster_out(roster: export_service.Roster) -> RosterOut:
    return RosterOut(
        round_id=roster.round.id,
        mission_id=roster.mission.id,
        mission=roster.mission.external_id,
        capacity=roster.mission.capacity,
        run_id=roster.run.id if roster.run else None,
        rows=[shape_of(RosterRowOut, row) for row in roster.rows],
    )


def _mission(session: Session, user: User, round_id: str, mission_id: int) -> Mission:
    return mission_service.get_for_organiser(
        session=session, user=user, round_id=round_id, mission_id=mission_id
    )


@router.get("/rounds/{round_id}/missions")
def list_missions(round_id: str, session: SessionDep, user: CurrentUser) -> list[MissionPublic]:
    round_service.get_round(session=session, user=user, round_id=round_id)
    return [
        mission_out(m) for m in mission_service.list_missions(session=session, round_id=round_id)
    ]


@router.post("/rounds/{round_id}/missions", status_code=201)
def create_mission(
    round_id: str, body: MissionCreate, session: SessionDep, user: CurrentUser
) -> MissionPublic:
    """Add a mission or fair to the round (until it is published)."""
    round_row = round_service.get_round(session=session, user=user, round_id=round_id)
    mission = mission_service.create_mission(
        session=session, actor=user, round_row=round_row, mission_in=body
    )
    return mission_out(mission)


@router.get("/rounds/{round_id}/missions/{mission_id}")
def get_mission(
    round_id: str, mission_id: int, session: SessionDep, user: CurrentUser
) -> MissionPublic:
    return mission_out(_mission(session, user, round_id, mission_id))


@router.patch("/rounds/{round_id}/missions/{mission_id}")
def update_mission(
    round_id: str, mission_id: int, body: MissionUpdate, session: SessionDep, user: CurrentUser
) -> MissionPublic:
    """Change fields of the mission as of `version`; 409 if someone changed it since."""
    return changed_mission(session, user, _mission(session, user, round_id, mission_id), body)


@router.get("/rounds/{round_id}/missions/{mission_id}/roster")
def roster(round_id: str, mission_id: int, session: SessionDep, user: CurrentUser) -> RosterOut:
    """Every application to the mission and where the latest succeeded run left it."""
    mission = _mission(session, user, round_id, mission_id)
    return roster_out(export_service.mission_roster(session=session, mission=mission))
