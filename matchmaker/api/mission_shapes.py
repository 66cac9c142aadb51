"""The JSON shapes of rounds and missions that the organiser's and the branch organisation's
routes share, their one way of changing a mission, and the organiser's error answers (which
the branch organisation's reword)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker.api.errors import declare
from matchmaker.models import (
    Mission,
    MissionFormat,
    MissionKind,
    MissionPublic,
    Round,
    RoundStatus,
    User,
)
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service

ORGANISER_ERRORS = declare(
    {
        401: "Not logged in: send a bearer token",
        403: "Only organisers may do this",
        404: "No such round, mission or case among yours",
        409: "Refused in the object's current state (status, or a stale version)",
        422: "Invalid input; `problems` names every field at fault",
    }
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
    regions: list[RegionOut]
    sectors: list[SectorOut]


def round_out(session: Session, round_row: Round) -> RoundOut:
    return RoundOut(
        id=round_row.id,
        name=round_row.name,
        description=round_row.description,
        status=round_row.status,
        max_places_per_firm=round_row.max_places_per_firm,
        budget_eur=round_row.budget_eur,
        organisation_id=round_row.organisation_id,
        created_at=round_row.created_at,
        invites_branch_missions=round_row.invites_branch_missions,
        regions=[
            RegionOut(code=r.code, name=r.name, priority=r.priority)
            for r in round_service.regions_of(session=session, round_id=round_row.id)
        ],
        sectors=[
            SectorOut(code=s.code, name=s.name, focus=s.focus)
            for s in round_service.sectors_of(session=session, round_id=round_row.id)
        ],
    )


# Caps on the size of text fields, above the service's own limits (which name the field).
TEXT_CAP = 1000
CODE_CAP = 64
Code = Annotated[str, Field(max_length=CODE_CAP)]


class MissionFieldsBody(BaseModel):
    """Every SPEC field of a mission; the service checks values against the round."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=TEXT_CAP)
    kind: MissionKind
    format: MissionFormat
    organiser: str = Field(max_length=TEXT_CAP)
    country: str = Field(description="ISO 3166-1 alpha-2, e.g. DE", max_length=CODE_CAP)
    start_date: date
    end_date: date
    capacity: int
    min_participants: int = 0
    sectors: list[Code] = Field(default_factory=list, description="empty: every sector")
    slipstream_max: int | None = None
    sector_max: int | None = None
    region_min: dict[str, int] = Field(default_factory=dict)
    subsidy_eur: int = 0


class MissionChangeFields(BaseModel):
    """The fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(description="the version the change is based on (409 if it moved on)")
    title: str | None = Field(default=None, max_length=TEXT_CAP)
    kind: MissionKind | None = None
    format: MissionFormat | None = None
    organiser: str | None = Field(default=None, max_length=TEXT_CAP)
    country: str | None = Field(default=None, max_length=CODE_CAP)
    start_date: date | None = None
    end_date: date | None = None
    capacity: int | None = None
    min_participants: int | None = None
    sectors: list[Code] | None = None
    slipstream_max: int | None = None
    sector_max: int | None = None
    region_min: dict[str, int] | None = None
    subsidy_eur: int | None = None


def mission_out(mission: Mission) -> MissionPublic:
    return MissionPublic.model_validate(mission, from_attributes=True)


def mission_values(body: BaseModel, *, only_set: bool = False) -> dict[str, Any]:
    """A body's mission fields as service values (enums as their text)."""
    values = body.model_dump(exclude_unset=only_set, exclude={"version", "external_id"})
    return {key: getattr(value, "value", value) for key, value in values.items()}


def changed_mission(
    session: Session,
    user: User,
    mission: Mission,
    body: MissionChangeFields,
    *,
    branch: bool = False,
) -> MissionPublic:
    """The mission with the fields the body sets changed, as of the body's `version`."""
    updated = mission_service.update_mission(
        session=session,
        actor=user,
        mission=mission,
        version=body.version,
        changes=mission_values(body, only_set=True),
        branch=branch,
    )
    return mission_out(updated)
