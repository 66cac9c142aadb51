"""Organiser API of meeting days: the day, partners, requests, schedule runs (start, progress,
stop), locks and publishing. A placed firm's own requests and agenda: sme/meetings.py; the
shapes both answer with: api/meeting_shapes.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from matchmaker import jobs
from matchmaker.api.meeting_shapes import (
    AgendaOut,
    DayBody,
    DayOut,
    PartnerBody,
    PartnerOut,
    RequestBody,
    RequestOut,
    RunOut,
    ScheduleBody,
    agenda_out,
    day_out,
    meeting_router,
    partner_out,
    request_input,
    request_out,
    request_row_out,
    run_out,
)
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import MeetingDay, User
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_partners as partner_service
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meeting_runs as schedule_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.meeting_partners import PartnerInput
from matchmaker.services.meetings import DayInput

router = meeting_router(
    not_found="No such mission, day, run, request or placement among yours",
    invalid="Invalid input; `problems` names every field (or row) at fault",
)


def _visible_day(session: SessionDep, user: CurrentUser, mission_id: int) -> MeetingDay:
    """The mission's meeting day, if the organiser may see it (404 otherwise)."""
    return meeting_service.visible_day(session=session, mission_id=mission_id, user=user)


# Only for routes without a body or query: a dependency runs before the route's own input
# is checked, so a bad body would answer 404 instead of 422.
VisibleDay = Annotated[MeetingDay, Depends(_visible_day)]


@router.get("/missions/{mission_id}/meeting-day")
def get_day(day: VisibleDay) -> DayOut:
    return day_out(day)


@router.put("/missions/{mission_id}/meeting-day")
def put_day(session: SessionDep, user: CurrentUser, mission_id: int, body: DayBody) -> DayOut:
    """Set up or change the mission's meeting day."""
    values = DayInput(day=body.date, **body.model_dump(exclude={"date"}))
    day = meeting_service.set_up_day(
        session=session, mission_id=mission_id, actor=user, values=values
    )
    return day_out(day)


@router.get("/missions/{mission_id}/meeting-day/partners")
def list_partners(session: SessionDep, day: VisibleDay) -> list[PartnerOut]:
    return [partner_out(p) for p in meeting_service.partners_of(session=session, day=day)]


@router.post("/missions/{mission_id}/meeting-day/partners", status_code=201)
def add_partner(
    session: SessionDep, user: CurrentUser, mission_id: int, body: PartnerBody
) -> PartnerOut:
    values = PartnerInput(**body.model_dump())
    partner = partner_service.add_partner(
        session=session, mission_id=mission_id, actor=user, values=values
    )
    return partner_out(partner)


@router.delete("/missions/{mission_id}/meeting-day/partners/{partner_id}", status_code=204)
def remove_partner(
    session: SessionDep, user: CurrentUser, mission_id: int, partner_id: int
) -> Response:
    """Remove a partner and the meetings requested with it (before publication)."""
    partner_service.remove_partner(
        session=session, mission_id=mission_id, partner_id=partner_id, actor=user
    )
    return Response(status_code=204)


@router.post("/missions/{mission_id}/meeting-day/partners/import", status_code=201)
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


@router.get("/missions/{mission_id}/meeting-day/requests")
def list_requests(session: SessionDep, day: VisibleDay) -> list[RequestOut]:
    return [request_out(r) for r in request_service.requests_of(session=session, day=day)]


@router.post("/missions/{mission_id}/meeting-day/requests", status_code=201)
def add_request(
    session: SessionDep, user: CurrentUser, mission_id: int, body: RequestBody
) -> RequestOut:
    request = request_service.add_request(
        session=session,
        mission_id=mission_id,
        actor=user,
        firm_id=body.firm_id,
        asked=request_input(body),
    )
    return request_row_out(session, request)


@router.delete("/meeting-requests/{request_id}", status_code=204)
def delete_request(session: SessionDep, user: CurrentUser, request_id: int) -> Response:
    request_service.delete_request(session=session, request_id=request_id, actor=user)
    return Response(status_code=204)


@router.post("/missions/{mission_id}/meeting-day/schedule", status_code=202)
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


@router.get("/missions/{mission_id}/meeting-day/schedule")
def current_schedule(session: SessionDep, day: VisibleDay) -> dict[str, Any]:
    """The current schedule: its run and the engine's result document (matchmaker-meetings-
    result/1, meetings named request-<id>); 404 before any schedule."""
    run = meeting_service.current_schedule(session=session, day=day)
    if run is None:
        raise HTTPException(404, "the day has no schedule yet")
    return {"run": run_out(run).model_dump(mode="json"), "result": run.result}


@router.get("/missions/{mission_id}/meeting-day/agendas")
def agendas(session: SessionDep, day: VisibleDay) -> list[AgendaOut]:
    """Every participant's agenda in the current schedule: placed firms, then partners."""
    return [agenda_out(a) for a in agenda_service.day_agendas(session=session, day=day)]


@router.get("/meeting-runs/{run_id}")
def get_run(session: SessionDep, user: CurrentUser, run_id: int) -> RunOut:
    return run_out(meeting_service.visible_run(session=session, run_id=run_id, user=user))


@router.post("/meeting-runs/{run_id}/stop")
def stop_run(session: SessionDep, user: CurrentUser, run_id: int) -> RunOut:
    """Stop a queued schedule run at once, or ask a running one to stop: within a few
    seconds it ends, state `stopped`, keeping the best schedule found so far (none if it had
    not found one yet). 409 once the run has ended."""
    return run_out(schedule_service.stop_schedule(session=session, run_id=run_id, actor=user))


def _lock(session: Session, user: User, request_id: int, locked: bool) -> RequestOut:
    request = schedule_service.set_lock(
        session=session, request_id=request_id, actor=user, locked=locked
    )
    return request_row_out(session, request)


@router.post("/meeting-requests/{request_id}/lock")
def lock(session: SessionDep, user: CurrentUser, request_id: int) -> RequestOut:
    """Lock the meeting in its current slot and table; later runs keep it there."""
    return _lock(session, user, request_id, True)


@router.post("/meeting-requests/{request_id}/unlock")
def unlock(session: SessionDep, user: CurrentUser, request_id: int) -> RequestOut:
    return _lock(session, user, request_id, False)


@router.post("/missions/{mission_id}/meeting-day/publish")
def publish(session: SessionDep, user: CurrentUser, mission_id: int) -> DayOut:
    day = schedule_service.publish_day(session=session, mission_id=mission_id, actor=user)
    return day_out(day)
