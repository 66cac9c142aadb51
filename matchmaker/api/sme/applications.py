"""SME API: applications to missions with ranked preferences, and their results."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker.api.rows import shape_of
from matchmaker.api.sme.firm import own_firm, sme_router
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import (
    ApplicationStatus,
    Firm,
    MissionFormat,
    MissionKind,
    PlacementStatus,
    RoundStatus,
)
from matchmaker.services import application_results, track_warnings
from matchmaker.services import applications as application_service

router = sme_router()


class ApplicationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mission_id: int
    rank: int = Field(description="1 = most wanted; unique among your applications in the round")
    business_case_id: int | None = Field(
        default=None, description="one of your cases for the mission's country (business missions)"
    )


class ApplicationChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rank: int | None = None
    business_case_id: int | None = None


class PreferencesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    choices: list[ApplicationRequest] = Field(max_length=500)


class MissionSummary(BaseModel):
    id: int
    title: str
    kind: MissionKind
    format: MissionFormat
    country: str
    start_date: date
    end_date: date


class ResultPublic(BaseModel):
    placement_id: int
    status: PlacementStatus
    reason: str | None
    detail: str | None
    explanation: str = Field(description="the result in plain words")
    waiting_list: bool
    placement_url: str


class ApplicationPublicWithResult(BaseModel):
    id: int
    round_id: str
    round_status: RoundStatus
    firm_id: int
    mission: MissionSummary
    rank: int
    business_case_id: int | None
    business_case_verified: bool | None
    status: ApplicationStatus
    created_at: datetime
    withdrawn_at: datetime | None
    result: ResultPublic | None = Field(description="once the round is published")
    warning: str | None = Field(
        default=None,
        description="set when the firm's latest readiness scan recommends no mission now "
        "(not_now, innovation_support)",
    )


def application_public(
    view: application_results.ApplicationView, warning: str | None = None
) -> ApplicationPublicWithResult:
    a, m, r = view.application, view.mission, view.result
    return ApplicationPublicWithResult(
        id=a.id or 0,
        round_id=a.round_id,
        round_status=view.round.status,
        firm_id=a.firm_id,
        mission=shape_of(MissionSummary, m, id=m.id or 0),
        rank=a.rank,
        business_case_id=a.business_case_id,
        business_case_verified=view.business_case.verified if view.business_case else None,
        status=a.status,
        created_at=a.created_at,
        withdrawn_at=a.withdrawn_at,
        result=None
        if r is None
        else shape_of(ResultPublic, r, placement_url=f"/sme/placements/{r.placement_id}"),
        warning=warning,
    )


def _view(session: Session, firm: Firm, application_id: int) -> ApplicationPublicWithResult:
    view = application_results.application_view(
        session=session, firm=firm, application_id=application_id
    )
    return application_public(view, track_warnings.warning_for(session=session, firm_id=firm.id))


@router.get("/applications")
def list_applications(session: SessionDep, user: CurrentUser) -> list[ApplicationPublicWithResult]:
    """Your applications with their results (once published), by round and rank."""
    firm = own_firm(session, user)
    warning = track_warnings.warning_for(session=session, firm_id=firm.id)
    return [
        application_public(v, warning)
        for v in application_results.applications_of(session=session, firm=firm)
    ]


@router.post(
    "/applications",
    status_code=201,
    responses={200: {"description": "The same application was sent before; unchanged"}},
)
def apply(
    body: ApplicationRequest, response: Response, session: SessionDep, user: CurrentUser
) -> ApplicationPublicWithResult:
    """Apply to a mission of an open round. Sending the same application again answers 200
    with the existing one; the same mission with another rank or case answers 409."""
    firm = own_firm(session, user)
    application, created = application_service.apply(
        session=session,
        actor=user,
        firm=firm,
        mission_id=body.mission_id,
        rank=body.rank,
        business_case_id=body.business_case_id,
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return _view(session, firm, application.id or 0)


@router.get("/applications/{application_id}")
def get_application(
    application_id: int, session: SessionDep, user: CurrentUser
) -> ApplicationPublicWithResult:
    firm = own_firm(session, user)
    return _view(session, firm, application_id)


@router.patch("/applications/{application_id}")
def change_application(
    application_id: int, body: ApplicationChanges, session: SessionDep, user: CurrentUser
) -> ApplicationPublicWithResult:
    """Change the rank or business case while the round is open."""
    firm = own_firm(session, user)
    application_service.change(
        session=session,
        actor=user,
        firm=firm,
        application_id=application_id,
        **body.model_dump(exclude_unset=True),
    )
    return _view(session, firm, application_id)


@router.post("/applications/{application_id}/withdraw")
def withdraw_application(
    application_id: int, session: SessionDep, user: CurrentUser
) -> ApplicationPublicWithResult:
    """Withdraw before the round closes (withdrawing twice changes nothing)."""
    firm = own_firm(session, user)
    application_service.withdraw(
        session=session, actor=user, firm=firm, application_id=application_id
    )
    return _view(session, firm, application_id)


@router.put("/rounds/{round_id}/preferences")
def set_preferences(
    round_id: str, body: PreferencesRequest, session: SessionDep, user: CurrentUser
) -> list[ApplicationPublicWithResult]:
    """Make these choices your submitted applications in an open round, all or nothing:
    listed missions are applied to or changed, your other applications there withdrawn."""
    firm = own_firm(session, user)
    application_service.set_preferences(
        session=session,
        actor=user,
        firm=firm,
        round_id=round_id,
        choices=[
            application_service.Choice(
                mission_id=c.mission_id, rank=c.rank, business_case_id=c.business_case_id
            )
            for c in body.choices
        ],
    )
    warning = track_warnings.warning_for(session=session, firm_id=firm.id)
    return [
        application_public(v, warning)
        for v in application_results.applications_of(session=session, firm=firm)
        if v.round.id == round_id and v.application.status == ApplicationStatus.submitted
    ]
