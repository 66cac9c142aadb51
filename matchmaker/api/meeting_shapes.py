"""The JSON shapes and the router of the meeting-day API, for the organiser's routes
(organiser/meetings.py) and a placed firm's (sme/meetings.py) alike."""

from __future__ import annotations

from datetime import date, datetime, time

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker.api.errors import refusals
from matchmaker.api.rows import shape_of
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


def meeting_router(*, not_found: str, invalid: str) -> APIRouter:
    """The router of the meeting-day routes, the organiser's or a firm's: their error answers
    differ only in what may not be found and in what input is checked."""
    errors = refusals(
        forbidden="Not your role",
        not_found=not_found,
        conflict="Refused in the day's state (published, a run in progress, ...)",
        invalid=invalid,
    )
    return APIRouter(prefix="/api", tags=["meeting days"], responses=errors)


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
    """The day's columns, with its date and start time named and written as the API does."""
    return shape_of(
        DayOut,
        day,
        date=day.day,
        start_time=day.start_time.strftime("%H:%M"),
        status=str(day.status),
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
    return PartnerOut.model_validate(partner, from_attributes=True)


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


def request_input(body: RequestBody | OwnRequestBody) -> request_service.RequestInput:
    return request_service.RequestInput(body.partner_id, body.priority, body.session.value)


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
    """The run's columns the API shows, with its progress as the day page's bar shows it."""
    return shape_of(RunOut, run, **schedule_service.progress_of(run))


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
