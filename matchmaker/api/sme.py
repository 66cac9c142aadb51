"""API for SMEs: the firm, the readiness scan, business cases, applications with ranked
preferences and their results (the same services as the SME pages)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker.api.errors import declare
from matchmaker.deps import CurrentUser, SessionDep, require_role
from matchmaker.models import (
    ApplicationStatus,
    BusinessCase,
    BusinessCasePublic,
    Evidence,
    Firm,
    FirmPublic,
    MissionFormat,
    MissionKind,
    PlacementStatus,
    ReadinessScan,
    Role,
    RoundStatus,
    Track,
    User,
)
from matchmaker.services import application_results, readiness
from matchmaker.services import applications as application_service
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import Invalid, Problem

router = APIRouter(prefix="/api/sme", tags=["sme"], dependencies=[Depends(require_role(Role.sme))])

ERRORS = declare(
    {
        401: "Not logged in, or an invalid token",
        403: "Only SME accounts may do this",
        404: "No such object among your firm's",
        409: "Refused in the current state (no firm yet, round not open, ...)",
        422: "Invalid request, with the path of every problem",
    }
)


def _firm(session: Session, user: User) -> Firm:
    return firm_service.require_firm(session=session, user=user)


# --------------------------------------------------------------------------- firm


class CodePublic(BaseModel):
    code: str
    name: str


class FirmChoices(BaseModel):
    regions: list[CodePublic]
    sectors: list[CodePublic]


# A code or a short answer (countries, readiness answers); free text has its own caps.
Short = Annotated[str, Field(max_length=64)]


class FirmRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kvk: str = Field(description="exactly 8 digits", examples=["01234567"], max_length=20)
    name: str = Field(max_length=400)
    region: str = Field(max_length=64)
    sector: str = Field(max_length=64)
    employees: int
    readiness_strategy: bool = False
    readiness_organisation: bool = False
    readiness_finance: bool = False
    missions_last_3_years: int = 0
    exports_to: list[Short] = Field(default_factory=list, max_length=300)


class FirmChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=400)
    region: str | None = Field(default=None, max_length=64)
    sector: str | None = Field(default=None, max_length=64)
    employees: int | None = None
    readiness_strategy: bool | None = None
    readiness_organisation: bool | None = None
    readiness_finance: bool | None = None
    missions_last_3_years: int | None = None
    exports_to: list[Short] | None = Field(default=None, max_length=300)


@router.get("/firm/choices", response_model=FirmChoices, responses=ERRORS)
def firm_choices(session: SessionDep) -> FirmChoices:
    """The region and sector codes a firm (or a business case) may use."""
    return FirmChoices(
        regions=[
            CodePublic(code=c.code, name=c.name)
            for c in firm_service.region_choices(session=session)
        ],
        sectors=[
            CodePublic(code=c.code, name=c.name)
            for c in firm_service.sector_choices(session=session)
        ],
    )


@router.get("/firm", response_model=FirmPublic, responses=ERRORS)
def get_firm(session: SessionDep, user: CurrentUser) -> FirmPublic:
    """Your firm (404 until you register it)."""
    firm = firm_service.firm_of(session=session, user=user)
    if firm is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no firm registered yet")
    return FirmPublic.model_validate(firm, from_attributes=True)


@router.post("/firm", response_model=FirmPublic, status_code=201, responses=ERRORS)
def register_firm(body: FirmRegistration, session: SessionDep, user: CurrentUser) -> FirmPublic:
    """Register your firm (one per account)."""
    firm = firm_service.register_firm(session=session, actor=user, values=body.model_dump())
    return FirmPublic.model_validate(firm, from_attributes=True)


@router.patch("/firm", response_model=FirmPublic, responses=ERRORS)
def update_firm(body: FirmChanges, session: SessionDep, user: CurrentUser) -> FirmPublic:
    """Change the fields given (the KvK number stays)."""
    firm = _firm(session, user)
    firm = firm_service.update_firm(
        session=session, actor=user, firm=firm, values=body.model_dump(exclude_unset=True)
    )
    return FirmPublic.model_validate(firm, from_attributes=True)


# --------------------------------------------------------------------------- readiness scan


class OptionPublic(BaseModel):
    value: str
    label: str


class QuestionPublic(BaseModel):
    key: str
    section: str
    text: str
    required: bool
    options: list[OptionPublic] = Field(
        description="the allowed answers; empty for target_country (an ISO alpha-2 code)"
    )


class ScanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[Short, Short] = Field(
        description="question key -> answer value (see GET /api/sme/readiness/questions)"
    )


class ReferralPublic(BaseModel):
    key: str
    name: str
    offer: str


class ReadinessFlags(BaseModel):
    strategy: bool
    organisation: bool
    finance: bool


class ScanPublic(BaseModel):
    id: int
    firm_id: int
    answers: dict[str, Any]
    track: Track
    track_title: str
    reason: str
    readiness: ReadinessFlags
    referrals: list[ReferralPublic]
    missions_url: str | None = Field(description="the open missions that fit the track, if any")
    created_at: datetime


def scan_public(scan: ReadinessScan, firm: Firm) -> ScanPublic:
    track = Track(scan.track)
    target = scan.answers.get("target_country")
    flags = readiness.readiness_of(scan.answers)
    return ScanPublic(
        id=scan.id or 0,
        firm_id=scan.firm_id,
        answers=scan.answers,
        track=track,
        track_title=readiness.TRACK_TITLES[track],
        reason=scan.reason,
        readiness=ReadinessFlags(
            strategy=flags.strategy, organisation=flags.organisation, finance=flags.finance
        ),
        referrals=[
            ReferralPublic(key=r.key, name=r.name, offer=r.offer)
            for r in readiness.referrals(
                track, region=firm.region, sector=firm.sector, target_country=target
            )
        ],
        missions_url=readiness.missions_link(track, target_country=target, base="/api/missions"),
        created_at=scan.created_at,
    )


@router.get("/readiness/questions", response_model=list[QuestionPublic], responses=ERRORS)
def readiness_questions() -> list[QuestionPublic]:
    """The questionnaire: strategy, organisation, finance/risk, innovation and network."""
    return [
        QuestionPublic(
            key=q.key,
            section=q.section,
            text=q.text,
            required=q.required,
            options=[OptionPublic(value=o.value, label=o.label) for o in q.options],
        )
        for q in readiness.QUESTIONS
    ]


@router.post("/readiness", response_model=ScanPublic, status_code=201, responses=ERRORS)
def take_readiness_scan(body: ScanRequest, session: SessionDep, user: CurrentUser) -> ScanPublic:
    """Answer the scan: one recommended track with its reason; sets the firm's readiness."""
    firm = _firm(session, user)
    try:
        scan = firm_service.record_scan(
            session=session, actor=user, firm=firm, raw_answers=body.answers
        )
    except Invalid as error:
        raise Invalid([Problem(f"answers.{p.path}", p.message) for p in error.problems]) from None
    return scan_public(scan, firm)


@router.get("/readiness", response_model=list[ScanPublic], responses=ERRORS)
def list_readiness_scans(session: SessionDep, user: CurrentUser) -> list[ScanPublic]:
    """Your firm's scans, newest first."""
    firm = _firm(session, user)
    return [scan_public(s, firm) for s in firm_service.scans_of(session=session, firm=firm)]


@router.get("/readiness/{scan_id}", response_model=ScanPublic, responses=ERRORS)
def get_readiness_scan(scan_id: int, session: SessionDep, user: CurrentUser) -> ScanPublic:
    firm = _firm(session, user)
    scan = firm_service.scan_of(session=session, firm=firm, scan_id=scan_id)
    return scan_public(scan, firm)


# --------------------------------------------------------------------------- business cases


class CaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    country: str = Field(description="ISO 3166-1 alpha-2 code", max_length=10)
    sector: str = Field(max_length=64)
    summary: str = Field(max_length=10000)
    evidence: Evidence = Evidence.none


class CaseChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    country: str | None = Field(default=None, max_length=10)
    sector: str | None = Field(default=None, max_length=64)
    summary: str | None = Field(default=None, max_length=10000)
    evidence: Evidence | None = None


def case_public(case: BusinessCase) -> BusinessCasePublic:
    return BusinessCasePublic.model_validate(case, from_attributes=True)


@router.get("/cases", response_model=list[BusinessCasePublic], responses=ERRORS)
def list_cases(session: SessionDep, user: CurrentUser) -> list[BusinessCasePublic]:
    firm = _firm(session, user)
    return [case_public(c) for c in firm_service.cases_of(session=session, firm=firm)]


@router.post("/cases", response_model=BusinessCasePublic, status_code=201, responses=ERRORS)
def create_case(body: CaseRequest, session: SessionDep, user: CurrentUser) -> BusinessCasePublic:
    """Write a business case; it is unverified until an organiser verifies it."""
    firm = _firm(session, user)
    case = firm_service.create_case(
        session=session, actor=user, firm=firm, values=body.model_dump(mode="json")
    )
    return case_public(case)


@router.get("/cases/{case_id}", response_model=BusinessCasePublic, responses=ERRORS)
def get_case(case_id: int, session: SessionDep, user: CurrentUser) -> BusinessCasePublic:
    firm = _firm(session, user)
    return case_public(firm_service.case_of(session=session, firm=firm, case_id=case_id))


@router.patch("/cases/{case_id}", response_model=BusinessCasePublic, responses=ERRORS)
def update_case(
    case_id: int, body: CaseChanges, session: SessionDep, user: CurrentUser
) -> BusinessCasePublic:
    """Change the fields given; a changed case is unverified again."""
    firm = _firm(session, user)
    case = firm_service.update_case(
        session=session,
        actor=user,
        firm=firm,
        case_id=case_id,
        values=body.model_dump(mode="json", exclude_unset=True),
    )
    return case_public(case)


# --------------------------------------------------------------------------- applications


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


def application_public(view: application_results.ApplicationView) -> ApplicationPublicWithResult:
    a, m, r = view.application, view.mission, view.result
    return ApplicationPublicWithResult(
        id=a.id or 0,
        round_id=a.round_id,
        round_status=view.round.status,
        firm_id=a.firm_id,
        mission=MissionSummary(
            id=m.id or 0,
            title=m.title,
            kind=m.kind,
            format=m.format,
            country=m.country,
            start_date=m.start_date,
            end_date=m.end_date,
        ),
        rank=a.rank,
        business_case_id=a.business_case_id,
        business_case_verified=view.business_case.verified if view.business_case else None,
        status=a.status,
        created_at=a.created_at,
        withdrawn_at=a.withdrawn_at,
        result=None
        if r is None
        else ResultPublic(
            placement_id=r.placement_id,
            status=r.status,
            reason=r.reason,
            detail=r.detail,
            explanation=r.explanation,
            waiting_list=r.waiting_list,
            placement_url=f"/sme/placements/{r.placement_id}",
        ),
    )


def _view(session: Session, firm: Firm, application_id: int) -> ApplicationPublicWithResult:
    view = application_results.application_view(
        session=session, firm=firm, application_id=application_id
    )
    return application_public(view)


@router.get("/applications", response_model=list[ApplicationPublicWithResult], responses=ERRORS)
def list_applications(session: SessionDep, user: CurrentUser) -> list[ApplicationPublicWithResult]:
    """Your applications with their results (once published), by round and rank."""
    firm = _firm(session, user)
    return [
        application_public(v)
        for v in application_results.applications_of(session=session, firm=firm)
    ]


@router.post(
    "/applications",
    response_model=ApplicationPublicWithResult,
    status_code=201,
    responses={**ERRORS, 200: {"description": "The same application was sent before; unchanged"}},
)
def apply(
    body: ApplicationRequest, response: Response, session: SessionDep, user: CurrentUser
) -> ApplicationPublicWithResult:
    """Apply to a mission of an open round. Sending the same application again answers 200
    with the existing one; the same mission with another rank or case answers 409."""
    firm = _firm(session, user)
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


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationPublicWithResult,
    responses=ERRORS,
)
def get_application(
    application_id: int, session: SessionDep, user: CurrentUser
) -> ApplicationPublicWithResult:
    firm = _firm(session, user)
    return _view(session, firm, application_id)


@router.patch(
    "/applications/{application_id}",
    response_model=ApplicationPublicWithResult,
    responses=ERRORS,
)
def change_application(
    application_id: int, body: ApplicationChanges, session: SessionDep, user: CurrentUser
) -> ApplicationPublicWithResult:
    """Change the rank or business case while the round is open."""
    firm = _firm(session, user)
    application_service.change(
        session=session,
        actor=user,
        firm=firm,
        application_id=application_id,
        **body.model_dump(exclude_unset=True),
    )
    return _view(session, firm, application_id)


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationPublicWithResult,
    responses=ERRORS,
)
def withdraw_application(
    application_id: int, session: SessionDep, user: CurrentUser
) -> ApplicationPublicWithResult:
    """Withdraw before the round closes (withdrawing twice changes nothing)."""
    firm = _firm(session, user)
    application_service.withdraw(
        session=session, actor=user, firm=firm, application_id=application_id
    )
    return _view(session, firm, application_id)


@router.put(
    "/rounds/{round_id}/preferences",
    response_model=list[ApplicationPublicWithResult],
    responses=ERRORS,
)
def set_preferences(
    round_id: str, body: PreferencesRequest, session: SessionDep, user: CurrentUser
) -> list[ApplicationPublicWithResult]:
    """Make these choices your submitted applications in an open round, all or nothing:
    listed missions are applied to or changed, your other applications there withdrawn."""
    firm = _firm(session, user)
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
    return [
        application_public(v)
        for v in application_results.applications_of(session=session, firm=firm)
        if v.round.id == round_id and v.application.status == ApplicationStatus.submitted
    ]
