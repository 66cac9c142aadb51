"""The JSON shapes of the meeting-day API, for the organiser's routes (organiser/meetings.py)
and a placed firm's (sme/meetings.py) alike."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker.models import (
    MeetingDay,
    MeetingRequest,
    MeetingScheduleRun,
    MeetingSession,
    Partner,
)
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meeting_runs as schedule_service
from matchmaker.services import meetings as meeting_service


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


def request_out(row: request_service.RequestRow) -> RequestOut:
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
        items=[AgendaItemOut.model_validate(i, from_attributes=True) for i in agenda.items],
    )


def request_row_out(session: Session, request: MeetingRequest) -> RequestOut:
    return request_out(request_service.request_row(session=session, request=request))
