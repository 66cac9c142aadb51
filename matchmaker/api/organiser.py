"""Organiser API: rounds, scenario files, missions with optimistic locking, the verification
queue, rosters and the dashboard figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker.api.errors import declare
from matchmaker.deps import CurrentUser, SessionDep, require_role
from matchmaker.models import (
    Mission,
    MissionCreate,
    MissionPublic,
    MissionUpdate,
    Role,
    Round,
    RoundStatus,
    User,
)
from matchmaker.services import dashboard as dashboard_service
from matchmaker.services import exports as export_service
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service
from matchmaker.services import verification as verification_service

router = APIRouter(
    prefix="/api/organiser",
    tags=["organiser"],
    dependencies=[Depends(require_role(Role.organiser))],
)

ERRORS = declare(
    {
        401: "Not logged in: send a bearer token",
        403: "Only organisers may do this",
        404: "No such round, mission or case among yours",
        409: "Refused in the object's current state (status, or a stale version)",
        422: "Invalid input; `problems` names every field at fault",
    }
)
T = TypeVar("T")


# --------------------------------------------------------------------------- shapes


class RegionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    priority: int = 0


class SectorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    focus: bool = False


class RoundBody(BaseModel):
    """A new round; the scenario format's round fields with its regions and sectors."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    max_places_per_firm: int = 1
    budget_eur: int | None = None
    regions: list[RegionBody] = Field(min_length=1)
    sectors: list[SectorBody] = Field(min_length=1)


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


def mission_out(mission: Mission) -> MissionPublic:
    return MissionPublic.model_validate(mission, from_attributes=True)


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
        rows=[
            RosterRowOut(
                **{name: getattr(row, name) for name in RosterRowOut.model_fields},
            )
            for row in roster.rows
        ],
    )


class CaseOut(BaseModel):
    id: int
    firm_id: int
    firm_name: str
    kvk: str
    country: str
    sector: str
    summary: str
    evidence: str
    state: verification_service.ReviewState
    verified: bool
    verified_by: int | None
    verified_at: datetime | None
    review_note: str | None = Field(description="the reason given when the case was rejected")
    named_by: list[str]


def case_out(entry: verification_service.QueueEntry) -> CaseOut:
    case = entry.case
    return CaseOut(
        id=case.id,
        firm_id=case.firm_id,
        firm_name=entry.firm.name,
        kvk=entry.firm.kvk,
        country=case.country,
        sector=case.sector,
        summary=case.summary,
        evidence=str(case.evidence),
        state=entry.state,
        verified=case.verified,
        verified_by=case.verified_by,
        verified_at=case.verified_at,
        review_note=case.review_note,
        named_by=entry.named_by,
    )


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=2000, description="what is missing")


# --------------------------------------------------------------------------- rounds


def _round(session: Session, user: User, round_id: str) -> Round:
    return round_service.get_round(session=session, user=user, round_id=round_id)


@router.get("/rounds", response_model=list[RoundOut], responses=ERRORS)
def list_rounds(session: SessionDep, user: CurrentUser) -> list[RoundOut]:
    """The rounds of your organisation (and those of no organisation), newest first."""
    return [round_out(session, r) for r in round_service.list_rounds(session=session, user=user)]


@router.post("/rounds", response_model=RoundOut, status_code=201, responses=ERRORS)
def create_round(body: RoundBody, session: SessionDep, user: CurrentUser) -> RoundOut:
    """Create a draft round with its regions and sectors."""
    values = round_service.RoundInput(
        id=body.id,
        name=body.name,
        description=body.description,
        max_places_per_firm=body.max_places_per_firm,
        budget_eur=body.budget_eur,
        regions=[round_service.RegionInput(r.code, r.name, r.priority) for r in body.regions],
        sectors=[round_service.SectorInput(s.code, s.name, s.focus) for s in body.sectors],
    )
    round_row = round_service.create_round(session=session, actor=user, values=values)
    return round_out(session, round_row)


@router.post("/rounds/import", response_model=RoundOut, status_code=201, responses=ERRORS)
def import_round(
    document: Annotated[Any, Body(description="a scenario document (matchmaker-scenario/1)")],
    session: SessionDep,
    user: CurrentUser,
) -> RoundOut:
    """Import a scenario as a new round: every row or none; 422 lists each problem's path."""
    round_row = round_service.import_round(session=session, actor=user, document=document)
    return round_out(session, round_row)


@router.get("/rounds/{round_id}", response_model=RoundOut, responses=ERRORS)
def get_round(round_id: str, session: SessionDep, user: CurrentUser) -> RoundOut:
    return round_out(session, _round(session, user, round_id))


@router.post("/rounds/{round_id}/open", response_model=RoundOut, responses=ERRORS)
def open_round(round_id: str, session: SessionDep, user: CurrentUser) -> RoundOut:
    """draft -> open (409 from any other status)."""
    round_row = round_service.open_round(session=session, actor=user, round_id=round_id)
    return round_out(session, round_row)


@router.post("/rounds/{round_id}/close", response_model=RoundOut, responses=ERRORS)
def close_round(round_id: str, session: SessionDep, user: CurrentUser) -> RoundOut:
    """open -> closed (409 from any other status)."""
    round_row = round_service.close_round(session=session, actor=user, round_id=round_id)
    return round_out(session, round_row)


class BranchMissionsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invite: bool = Field(description="whether branch organisations may offer national missions")


@router.post("/rounds/{round_id}/branch-missions", response_model=RoundOut, responses=ERRORS)
def invite_branch_missions(
    round_id: str, body: BranchMissionsBody, session: SessionDep, user: CurrentUser
) -> RoundOut:
    """Invite branch organisations' national missions (they see the round once it is open)
    or stop inviting them."""
    round_row = round_service.invite_branch_missions(
        session=session, actor=user, round_id=round_id, invite=body.invite
    )
    return round_out(session, round_row)


@router.get("/rounds/{round_id}/scenario", responses=ERRORS)
def export_round(round_id: str, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The round as a scenario document; importing it gives the same round."""
    return round_service.export_round(session=session, user=user, round_id=round_id)


@router.get(
    "/rounds/{round_id}/dashboard", response_model=dashboard_service.Dashboard, responses=ERRORS
)
def dashboard(round_id: str, session: SessionDep, user: CurrentUser) -> Any:
    """The dashboard's figures from the latest succeeded run."""
    return dashboard_service.round_dashboard(
        session=session, round_row=_round(session, user, round_id)
    )


# --------------------------------------------------------------------------- missions


def _mission(session: Session, user: User, round_id: str, mission_id: int) -> Mission:
    return mission_service.get_for_organiser(
        session=session, user=user, round_id=round_id, mission_id=mission_id
    )


@router.get("/rounds/{round_id}/missions", response_model=list[MissionPublic], responses=ERRORS)
def list_missions(round_id: str, session: SessionDep, user: CurrentUser) -> list[MissionPublic]:
    _round(session, user, round_id)
    return [
        mission_out(m) for m in mission_service.list_missions(session=session, round_id=round_id)
    ]


@router.post(
    "/rounds/{round_id}/missions", response_model=MissionPublic, status_code=201, responses=ERRORS
)
def create_mission(
    round_id: str, body: MissionCreate, session: SessionDep, user: CurrentUser
) -> MissionPublic:
    """Add a mission or fair to the round (until it is published)."""
    round_row = _round(session, user, round_id)
    mission = mission_service.create_mission(
        session=session, actor=user, round_row=round_row, mission_in=body
    )
    return mission_out(mission)


@router.get(
    "/rounds/{round_id}/missions/{mission_id}", response_model=MissionPublic, responses=ERRORS
)
def get_mission(
    round_id: str, mission_id: int, session: SessionDep, user: CurrentUser
) -> MissionPublic:
    return mission_out(_mission(session, user, round_id, mission_id))


@router.patch(
    "/rounds/{round_id}/missions/{mission_id}", response_model=MissionPublic, responses=ERRORS
)
def update_mission(
    round_id: str, mission_id: int, body: MissionUpdate, session: SessionDep, user: CurrentUser
) -> MissionPublic:
    """Change fields of the mission as of `version`; 409 if someone changed it since."""
    mission = _mission(session, user, round_id, mission_id)
    updated = mission_service.update_mission(
        session=session, actor=user, mission=mission, changes=body
    )
    return mission_out(updated)


@router.get(
    "/rounds/{round_id}/missions/{mission_id}/roster", response_model=RosterOut, responses=ERRORS
)
def roster(round_id: str, mission_id: int, session: SessionDep, user: CurrentUser) -> RosterOut:
    """Every application to the mission and where the latest succeeded run left it."""
    mission = _mission(session, user, round_id, mission_id)
    return roster_out(export_service.mission_roster(session=session, mission=mission))


# --------------------------------------------------------------------------- verification


@router.get("/business-cases", response_model=list[CaseOut], responses=ERRORS)
def business_cases(
    session: SessionDep,
    user: CurrentUser,
    state: verification_service.ReviewState = verification_service.ReviewState.pending,
    scope: verification_service.QueueScope = verification_service.QueueScope.mine,
) -> list[CaseOut]:
    """Business cases in one review state, of firms in your rounds (scope=mine) or all."""
    entries = verification_service.queue(session=session, user=user, state=state, scope=scope)
    return [case_out(entry) for entry in entries]


@router.post("/business-cases/{case_id}/verify", response_model=CaseOut, responses=ERRORS)
def verify_case(case_id: int, session: SessionDep, user: CurrentUser) -> CaseOut:
    """Mark the case verified, with you as verifier and now as the time."""
    case = verification_service.review(session=session, actor=user, case_id=case_id, verified=True)
    return case_out(verification_service.describe(session=session, user=user, case=case))


@router.post("/business-cases/{case_id}/reject", response_model=CaseOut, responses=ERRORS)
def reject_case(
    case_id: int,
    session: SessionDep,
    user: CurrentUser,
    body: Annotated[RejectBody | None, Body()] = None,
) -> CaseOut:
    """Reject the case (it stays unverified), with an optional note saying what is missing."""
    note = body.note if body is not None else None
    case = verification_service.review(
        session=session, actor=user, case_id=case_id, verified=False, note=note
    )
    return case_out(verification_service.describe(session=session, user=user, case=case))
