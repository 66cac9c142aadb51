"""API of meeting days: the organiser's day, partners, requests, schedule runs, locks and
publishing; a placed firm's own requests and agenda."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker import jobs
from matchmaker.api.errors import declare
from matchmaker.deps import CurrentUser, SessionDep, require_role
from matchmaker.models import (
    MeetingDay,
    MeetingRequest,
    MeetingScheduleRun,
    MeetingSession,
    Mission,
    Partner,
    Role,
    User,
)
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_partners as partner_service
from matchmaker.services import meeting_runs as schedule_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.meeting_partners import PartnerInput
from matchmaker.services.meetings import DayInput

router = APIRouter(prefix="/api", tags=["meeting days"])
AS_ORGANISER = [Depends(require_role(Role.organiser))]
AS_SME = [Depends(require_role(Role.sme))]

ERRORS = declare(
    {
        401: "Not logged in, or an invalid token",
        403: "Not your role",
        404: "No such mission, day, run, request or placement among yours",
        409: "Refused in the day's state (published, a run in progress, ...)",
        422: "Invalid input; `problems` names every field (or row) at fault",
    }
)

T = TypeVar("T")


# --------------------------------------------------------------------------- shapes


class DayBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: date
    start_time: time
    slot_minutes: int = Field(ge=5, le=240)
    slots: int = Field(ge=1, le=meeting_service.MAX_SLOTS)
    morning_slots: int = Field(ge=0, le=meeting_service.MAX_SLOTS)
    tables: int = Field(ge=1, le=meeting_service.MAX_TABLES)
    lunch_minutes: int = Field(default=0, ge=0, le=240)
    fairness: int | None = Field(default=None, ge=0, le=meeting_service.MAX_FAIRNESS)
    venue: str | None = Field(default=None, max_length=300)


class DayOut(BaseModel):
    id: int
    mission_id: int
    date: date
    start_time: str
    slot_minutes: int
    slots: int
    morning_slots: int
    lunch_minutes: int
    tables: int
    fairness: int | None
    venue: str | None
    status: str
    version: int
    published_at: datetime | None


def day_out(day: MeetingDay) -> DayOut:
    return DayOut(
        id=day.id or 0,
        mission_id=day.mission_id,
        date=day.day,
        start_time=day.start_time.strftime("%H:%M"),
        slot_minutes=day.slot_minutes,
        slots=day.slots,
        morning_slots=day.morning_slots,
        lunch_minutes=day.lunch_minutes,
        tables=day.tables,
        fairness=day.fairness,
        venue=day.venue,
        status=str(day.status),
        version=day.version,
        published_at=day.published_at,
    )


class PartnerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    organisation: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    sector: str = Field(min_length=1, max_length=64)
    email: str | None = Field(default=None, max_length=320)
    forbidden_slots: list[int] = Field(default_factory=list, max_length=meeting_service.MAX_SLOTS)


class PartnerOut(BaseModel):
    id: int
    name: str
    organisation: str
    country: str
    sector: str
    email: str | None
    forbidden_slots: list[int]


def partner_out(partner: Partner) -> PartnerOut:
    return PartnerOut(
        id=partner.id or 0,
        name=partner.name,
        organisation=partner.organisation,
        country=partner.country,
        sector=partner.sector,
        email=partner.email,
        forbidden_slots=list(partner.forbidden_slots),
    )


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    firm_id: int = Field(ge=0, le=2**31 - 1)
    partner_id: int = Field(ge=0, le=2**31 - 1)
    priority: int = Field(default=1, ge=1, le=meeting_service.MAX_PRIORITY)
    session: MeetingSession = MeetingSession.any


class OwnRequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partner_id: int = Field(ge=0, le=2**31 - 1)
    priority: int = Field(default=1, ge=1, le=meeting_service.MAX_PRIORITY)
    session: MeetingSession = MeetingSession.any


class RequestOut(BaseModel):
    id: int
    firm_id: int
    firm: str
    partner_id: int
    partner: str
    priority: int
    session: str
    requested_by: str
    locked_slot: int | None
    locked_table: int | None
    slot: int | None = Field(description="in the current schedule; null when unscheduled")
    table: int | None
    reason: str | None = Field(description="why unscheduled (code)")
    reason_text: str | None = Field(description="why unscheduled, in plain words")
    detail: str | None


def request_out(row: meeting_service.RequestRow) -> RequestOut:
    placed = row.scheduled
    return RequestOut(
        id=row.request.id or 0,
        firm_id=row.firm.id or 0,
        firm=row.firm.name,
        partner_id=row.partner.id or 0,
        partner=row.partner.name,
        priority=row.request.priority,
        session=str(row.request.session),
        requested_by=str(row.request.requested_by),
        locked_slot=row.request.locked_slot,
        locked_table=row.request.locked_table,
        slot=placed.slot if placed else None,
        table=placed.table_no if placed else None,
        reason=placed.reason if placed else None,
        reason_text=(row.reason_text or None) if placed else None,
        detail=placed.detail if placed else None,
    )


class ScheduleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time_limit: float = Field(
        default=meeting_service.DEFAULT_TIME_LIMIT_SECONDS,
        gt=0,
        le=meeting_service.MAX_TIME_LIMIT_SECONDS,
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    workers: int = Field(default=meeting_service.DEFAULT_WORKERS, ge=1, le=8)


class RunOut(BaseModel):
    id: int
    meeting_day_id: int
    state: str
    finished: bool
    elapsed_seconds: float
    time_limit: float | None
    percent: int | None
    best_objective: int | None
    best_bound: float | None
    status: str | None
    scheduled: int | None
    requested: int | None
    snapshot_sha256: str
    ortools_version: str
    seed: int
    error: str | None
    stop_requested_at: datetime | None
    created_at: datetime
    finished_at: datetime | None


def run_out(run: MeetingScheduleRun) -> RunOut:
    progress = schedule_service.progress_of(run)
    return RunOut(
        id=run.id or 0,
        meeting_day_id=run.meeting_day_id,
        state=str(run.state),
        finished=progress["finished"],
        elapsed_seconds=progress["elapsed_seconds"],
        time_limit=progress["time_limit"],
        percent=progress["percent"],
        best_objective=run.best_objective,
        best_bound=run.best_bound,
        status=progress["status"],
        scheduled=progress["scheduled"],
        requested=progress["requested"],
        snapshot_sha256=run.snapshot_sha256,
        ortools_version=run.ortools_version,
        seed=run.seed,
        error=run.error,
        stop_requested_at=run.stop_requested_at,
        created_at=run.created_at,
        finished_at=run.finished_at,
    )


class AgendaItemOut(BaseModel):
    slot: int
    table: int
    start: datetime = Field(description="local time of the meeting day (no time zone)")
    end: datetime
    with_name: str
    with_detail: str


class AgendaOut(BaseModel):
    participant: str
    key: str = Field(description="firm-<id> or partner-<id>")
    mission_id: int
    date: date
    items: list[AgendaItemOut]


def agenda_out(agenda: agenda_service.Agenda) -> AgendaOut:
    return AgendaOut(
        participant=agenda.participant,
        key=agenda.key,
        mission_id=agenda.mission.id or 0,
        date=agenda.day.day,
        items=[
            AgendaItemOut(
                slot=i.slot,
                table=i.table,
                start=i.start,
                end=i.end,
                with_name=i.with_name,
                with_detail=i.with_detail,
            )
            for i in agenda.items
        ],
    )


# --------------------------------------------------------------------------- organiser


def _day(session: Session, user: User, mission_id: int) -> MeetingDay:
    return meeting_service.visible_day(session=session, mission_id=mission_id, user=user)


@router.get(
    "/missions/{mission_id}/meeting-day",
    response_model=DayOut,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def get_day(session: SessionDep, user: CurrentUser, mission_id: int) -> DayOut:
    return day_out(_day(session, user, mission_id))


@router.put(
    "/missions/{mission_id}/meeting-day",
    response_model=DayOut,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def put_day(session: SessionDep, user: CurrentUser, mission_id: int, body: DayBody) -> DayOut:
    """Set up or change the mission's meeting day."""
    values = DayInput(
        day=body.date,
        start_time=body.start_time,
        slot_minutes=body.slot_minutes,
        slots=body.slots,
        morning_slots=body.morning_slots,
        tables=body.tables,
        lunch_minutes=body.lunch_minutes,
        fairness=body.fairness,
        venue=body.venue,
    )
    day = meeting_service.set_up_day(
        session=session, mission_id=mission_id, actor=user, values=values
    )
    return day_out(day)


@router.get(
    "/missions/{mission_id}/meeting-day/partners",
    response_model=list[PartnerOut],
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def list_partners(session: SessionDep, user: CurrentUser, mission_id: int) -> list[PartnerOut]:
    day = _day(session, user, mission_id)
    return [partner_out(p) for p in meeting_service.partners_of(session=session, day=day)]


@router.post(
    "/missions/{mission_id}/meeting-day/partners",
    response_model=PartnerOut,
    status_code=201,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def add_partner(
    session: SessionDep, user: CurrentUser, mission_id: int, body: PartnerBody
) -> PartnerOut:
    values = PartnerInput(**body.model_dump())
    partner = partner_service.add_partner(
        session=session, mission_id=mission_id, actor=user, values=values
    )
    return partner_out(partner)


@router.delete(
    "/missions/{mission_id}/meeting-day/partners/{partner_id}",
    status_code=204,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def remove_partner(
    session: SessionDep, user: CurrentUser, mission_id: int, partner_id: int
) -> Response:
    """Remove a partner and the meetings requested with it (before publication)."""
    partner_service.remove_partner(
        session=session, mission_id=mission_id, partner_id=partner_id, actor=user
    )
    return Response(status_code=204)


@router.post(
    "/missions/{mission_id}/meeting-day/partners/import",
    response_model=list[PartnerOut],
    status_code=201,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def import_partners(
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    file: Annotated[UploadFile, File(description="CSV or Excel (.xlsx) with a header row")],
) -> list[PartnerOut]:
    """Add every partner of the file, or none: 422 lists each bad row by number and field."""
    content = file.file.read(meeting_service.MAX_IMPORT_BYTES + 1)
    partners = partner_service.import_partners(
        session=session,
        mission_id=mission_id,
        actor=user,
        filename=file.filename or "",
        content=content,
    )
    return [partner_out(p) for p in partners]


@router.get(
    "/missions/{mission_id}/meeting-day/requests",
    response_model=list[RequestOut],
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def list_requests(session: SessionDep, user: CurrentUser, mission_id: int) -> list[RequestOut]:
    day = _day(session, user, mission_id)
    return [request_out(r) for r in meeting_service.requests_of(session=session, day=day)]


def _request_row(session: Session, request: MeetingRequest) -> RequestOut:
    day = session.get(MeetingDay, request.meeting_day_id)
    assert day is not None
    for row in meeting_service.requests_of(session=session, day=day, firm_id=request.firm_id):
        if row.request.id == request.id:
            return request_out(row)
    raise HTTPException(404, "meeting request not found")  # pragma: no cover


@router.post(
    "/missions/{mission_id}/meeting-day/requests",
    response_model=RequestOut,
    status_code=201,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def add_request(
    session: SessionDep, user: CurrentUser, mission_id: int, body: RequestBody
) -> RequestOut:
    request = meeting_service.add_request(
        session=session,
        mission_id=mission_id,
        actor=user,
        firm_id=body.firm_id,
        partner_id=body.partner_id,
        priority=body.priority,
        session_part=body.session.value,
    )
    return _request_row(session, request)


@router.delete(
    "/meeting-requests/{request_id}", status_code=204, responses=ERRORS, dependencies=AS_ORGANISER
)
def delete_request(session: SessionDep, user: CurrentUser, request_id: int) -> Response:
    meeting_service.delete_request(session=session, request_id=request_id, actor=user)
    return Response(status_code=204)


@router.post(
    "/missions/{mission_id}/meeting-day/schedule",
    response_model=RunOut,
    status_code=202,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def schedule_all(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    body: ScheduleBody | None = None,
) -> RunOut:
    """Queue "schedule all" as a background job; poll GET /api/meeting-runs/{id}."""
    body = body or ScheduleBody()
    run = schedule_service.start_schedule(
        session=session,
        mission_id=mission_id,
        actor=user,
        options=schedule_service.ScheduleOptions(
            time_limit=body.time_limit, seed=body.seed, workers=body.workers
        ),
        enqueue=jobs.enqueuer(request.app, jobs.MEETINGS_TASK),
    )
    return run_out(run)


@router.get(
    "/missions/{mission_id}/meeting-day/schedule",
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def current_schedule(session: SessionDep, user: CurrentUser, mission_id: int) -> dict[str, Any]:
    """The current schedule: its run and the engine's result document (matchmaker-meetings-
    result/1, meetings named request-<id>); 404 before any schedule."""
    day = _day(session, user, mission_id)
    run = meeting_service.current_schedule(session=session, day=day)
    if run is None:
        raise HTTPException(404, "the day has no schedule yet")
    return {"run": run_out(run).model_dump(mode="json"), "result": run.result}


@router.get(
    "/missions/{mission_id}/meeting-day/agendas",
    response_model=list[AgendaOut],
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def agendas(session: SessionDep, user: CurrentUser, mission_id: int) -> list[AgendaOut]:
    """Every participant's agenda in the current schedule: placed firms, then partners."""
    day = _day(session, user, mission_id)
    mission = session.get(Mission, mission_id)
    assert mission is not None
    firms = meeting_service.placed_firms(session=session, mission=mission)
    partners = meeting_service.partners_of(session=session, day=day)
    return [
        agenda_out(agenda_service.agenda(session=session, day=day, firm=firm)) for firm in firms
    ] + [
        agenda_out(agenda_service.agenda(session=session, day=day, partner=partner))
        for partner in partners
    ]


@router.get(
    "/meeting-runs/{run_id}", response_model=RunOut, responses=ERRORS, dependencies=AS_ORGANISER
)
def get_run(session: SessionDep, user: CurrentUser, run_id: int) -> RunOut:
    return run_out(meeting_service.visible_run(session=session, run_id=run_id, user=user))


@router.post(
    "/meeting-runs/{run_id}/stop",
    response_model=RunOut,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def stop_run(session: SessionDep, user: CurrentUser, run_id: int) -> RunOut:
    """Stop a queued schedule run at once, or ask a running one to stop: within a few
    seconds it ends, state `stopped`, keeping the best schedule found so far (none if it had
    not found one yet). 409 once the run has ended."""
    return run_out(schedule_service.stop_schedule(session=session, run_id=run_id, actor=user))


def _lock(session: Session, user: User, request_id: int, locked: bool) -> RequestOut:
    request = schedule_service.set_lock(
        session=session, request_id=request_id, actor=user, locked=locked
    )
    return _request_row(session, request)


@router.post(
    "/meeting-requests/{request_id}/lock",
    response_model=RequestOut,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def lock(session: SessionDep, user: CurrentUser, request_id: int) -> RequestOut:
    """Lock the meeting in its current slot and table; later runs keep it there."""
    return _lock(session, user, request_id, True)


@router.post(
    "/meeting-requests/{request_id}/unlock",
    response_model=RequestOut,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def unlock(session: SessionDep, user: CurrentUser, request_id: int) -> RequestOut:
    return _lock(session, user, request_id, False)


@router.post(
    "/missions/{mission_id}/meeting-day/publish",
    response_model=DayOut,
    responses=ERRORS,
    dependencies=AS_ORGANISER,
)
def publish(session: SessionDep, user: CurrentUser, mission_id: int) -> DayOut:
    day = schedule_service.publish_day(session=session, mission_id=mission_id, actor=user)
    return day_out(day)


# --------------------------------------------------------------------------- the firm


@router.get(
    "/sme/placements/{placement_id}/meeting-requests",
    response_model=list[RequestOut],
    responses=ERRORS,
    dependencies=AS_SME,
)
def own_requests(session: SessionDep, user: CurrentUser, placement_id: int) -> list[RequestOut]:
    """The firm's requests; slot, table and reason only once the day is published."""
    view = meeting_service.firm_day(session=session, placement_id=placement_id, user=user)
    if view.day is None:
        return []
    published = view.day.status == "published"
    rows = meeting_service.requests_of(session=session, day=view.day, firm_id=view.firm.id)
    hidden = meeting_service.RequestRow
    return [
        request_out(row if published else hidden(row.request, row.firm, row.partner, None))
        for row in rows
    ]


@router.post(
    "/sme/placements/{placement_id}/meeting-requests",
    response_model=RequestOut,
    status_code=201,
    responses=ERRORS,
    dependencies=AS_SME,
)
def add_own_request(
    session: SessionDep, user: CurrentUser, placement_id: int, body: OwnRequestBody
) -> RequestOut:
    request = meeting_service.add_own_request(
        session=session,
        placement_id=placement_id,
        user=user,
        partner_id=body.partner_id,
        priority=body.priority,
        session_part=body.session.value,
    )
    row = _request_row(session, request)
    return row.model_copy(
        update={"slot": None, "table": None, "reason": None, "reason_text": None, "detail": None}
    )


@router.get(
    "/sme/placements/{placement_id}/meeting-partners",
    response_model=list[PartnerOut],
    responses=ERRORS,
    dependencies=AS_SME,
)
def own_partners(session: SessionDep, user: CurrentUser, placement_id: int) -> list[PartnerOut]:
    """The partners of the firm's mission's meeting day (whom it can request)."""
    view = meeting_service.firm_day(session=session, placement_id=placement_id, user=user)
    if view.day is None:
        return []
    return [
        partner_out(p).model_copy(update={"email": None})
        for p in meeting_service.partners_of(session=session, day=view.day)
    ]


@router.get(
    "/sme/placements/{placement_id}/agenda",
    response_model=AgendaOut,
    responses=ERRORS,
    dependencies=AS_SME,
)
def own_agenda(session: SessionDep, user: CurrentUser, placement_id: int) -> AgendaOut:
    """The firm's agenda once the day is published (404 before)."""
    view = meeting_service.firm_day(session=session, placement_id=placement_id, user=user)
    if view.day is None or view.day.status != "published":
        raise HTTPException(404, "the agenda is not published yet")
    return agenda_out(agenda_service.agenda(session=session, day=view.day, firm=view.firm))
