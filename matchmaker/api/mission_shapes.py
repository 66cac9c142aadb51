"""The JSON shapes of rounds and missions that the organiser's and the branch organisation's
routes share, their one way of changing a mission, and the organiser's error answers (which
the branch organisation's reword)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session

from matchmaker.api.errors import BAD_INPUT, NO_TOKEN, refusals
from matchmaker.api.rows import shape_of
from matchmaker.models import (
    Mission,
    MissionPublic,
    MissionUpdate,
    Round,
    RoundStatus,
    User,
)
from matchmaker.models.rounds import DEFAULT_ANSWER_DAYS
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service

ORGANISER_ERRORS = refusals(
    login=NO_TOKEN,
    forbidden="Only organisers may do this",
    not_found="No such round, mission or case among yours",
    conflict="Refused in the object's current state (status, or a stale version)",
    invalid=BAD_INPUT,
)


class RegionOut(BaseModel):
    code: str
    name: str
    priority: int


class SectorOut(BaseModel):
    code: str
    name: str
    focus: bool


class RoundOut(BaseModel):
    id: str
    name: str
    description: str | None
    status: RoundStatus
    max_places_per_firm: int
    budget_eur: int | None
    organisation_id: int | None
    created_at: datetime
    invites_branch_missions: bool
    applications_close_at: datetime | None = Field(
        default=None, description="after this moment firms can no longer apply (UTC)"
    )
    answer_days: int = Field(
        default=DEFAULT_ANSWER_DAYS,
        description="days a firm has to answer an offered place before it lapses",
    )
    regions: list[RegionOut]
    sectors: list[SectorOut]


def round_out(session: Session, round_row: Round) -> RoundOut:
    regions = round_service.regions_of(session=session, round_id=round_row.id)
    sectors = round_service.sectors_of(session=session, round_id=round_row.id)
    return shape_of(
        RoundOut,
        round_row,
        regions=[shape_of(RegionOut, r) for r in regions],
        sectors=[shape_of(SectorOut, s) for s in sectors],
    )


def mission_out(mission: Mission) -> MissionPublic:
    return MissionPublic.model_validate(mission, from_attributes=True)


def changed_mission(
    session: Session,
    user: User,
    mission: Mission,
    changes: MissionUpdate,
    *,
    branch: bool = False,
) -> MissionPublic:
    """The mission with the fields `changes` sets changed, as of its `version`."""
    updated = mission_service.update_mission(
        session=session, actor=user, mission=mission, changes=changes, branch=branch
    )
    return mission_out(updated)
