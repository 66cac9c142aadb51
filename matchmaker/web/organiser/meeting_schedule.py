"""Organiser pages that schedule a meeting day: meeting requests, "schedule all" with its
progress (and stopping it), locking meetings in place, publishing the schedule."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session

from matchmaker import jobs
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import gettext
from matchmaker.models import User
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meeting_runs as schedule_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.solver_jobs import JobRefused
from matchmaker.web.form_routes import form_post
from matchmaker.web.meeting_requests import AskedMeeting, RowId
from matchmaker.web.organiser.confirmation import (
    Confirmation,
    ConfirmField,
    add_confirm_route,
    confirm_page,
    confirmed,
)
from matchmaker.web.organiser.meeting_day import day_changed, day_url

router = APIRouter(prefix="/organiser", tags=["pages: meeting days"])


@form_post(router, "/missions/{mission_id}/meetings/requests")
def add_request(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    firm_id: RowId,
    asked: AskedMeeting,
) -> Response:
    add = partial(request_service.add_request, mission_id=mission_id, firm_id=firm_id, asked=asked)
    return day_changed(request, session, user, mission_id, "request", add)


def _mission_of_request(session: Session, user: User, request_id: int) -> int:
    meeting = meeting_service.visible_request(session=session, request_id=request_id, user=user)
    return meeting_service.day_by_id(session=session, day_id=meeting.meeting_day_id).mission_id


@form_post(router, "/meeting-requests/{request_id}/delete")
def delete_request(
    request: Request, session: SessionDep, user: CurrentUser, request_id: int
) -> Response:
    mission_id = _mission_of_request(session, user, request_id)
    delete = partial(request_service.delete_request, request_id=request_id)
    return day_changed(request, session, user, mission_id, "deleted", delete)


@form_post(router, "/missions/{mission_id}/meetings/schedule")
def schedule_all(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    time_limit: Annotated[float, Form(gt=0, le=meeting_service.MAX_TIME_LIMIT_SECONDS)] = (
        meeting_service.DEFAULT_TIME_LIMIT_SECONDS
    ),
    seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    """Queue "schedule all" (locks kept); the day page shows its progress."""
    start = partial(
        schedule_service.start_schedule,
        mission_id=mission_id,
        options=schedule_service.ScheduleOptions(time_limit=time_limit, seed=seed),
        enqueue=jobs.enqueuer(request.app, jobs.MEETINGS_TASK),
    )
    return day_changed(request, session, user, mission_id, "scheduling", start)


@router.get("/meeting-runs/{run_id}/progress")
def run_progress(session: SessionDep, user: CurrentUser, run_id: int) -> JSONResponse:
    """A schedule run's progress as JSON, polled by the day page's progress bar."""
    run = meeting_service.visible_run(session=session, run_id=run_id, user=user)
    return JSONResponse(schedule_service.progress_of(run), headers={"Cache-Control": "no-store"})


@form_post(router, "/meeting-runs/{run_id}/stop")
def stop_run(request: Request, session: SessionDep, user: CurrentUser, run_id: int) -> Response:
    """Stop a queued or running schedule run; a running one keeps its best schedule so far."""
    run = meeting_service.visible_run(session=session, run_id=run_id, user=user)
    day = meeting_service.day_by_id(session=session, day_id=run.meeting_day_id)
    stop = partial(schedule_service.stop_schedule, run_id=run_id)
    return day_changed(
        request, session, user, day.mission_id, "stopping", stop, refusals=(JobRefused,)
    )


def _lock(
    request: Request, session: Session, user: User, request_id: int, locked: bool
) -> Response:
    mission_id = _mission_of_request(session, user, request_id)
    lock = partial(schedule_service.set_lock, request_id=request_id, locked=locked)
    notice = "locked" if locked else "unlocked"
    return day_changed(request, session, user, mission_id, notice, lock)


@form_post(router, "/meeting-requests/{request_id}/lock")
def lock_meeting(
    request: Request, session: SessionDep, user: CurrentUser, request_id: int
) -> Response:
    """Lock a scheduled meeting in its slot at its table: later runs keep it there."""
    return _lock(request, session, user, request_id, True)


@form_post(router, "/meeting-requests/{request_id}/unlock")
def unlock_meeting(
    request: Request, session: SessionDep, user: CurrentUser, request_id: int
) -> Response:
    return _lock(request, session, user, request_id, False)


def _publish_confirmation(session: SessionDep, user: CurrentUser, mission_id: int) -> Confirmation:
    day = meeting_service.visible_day(session=session, mission_id=mission_id, user=user)
    mission = meeting_service.visible_mission(session=session, mission_id=mission_id, user=user)
    return Confirmation(
        question=gettext("Publish the agendas of %(title)s's meeting day?", title=mission.title),
        happens=(
            gettext(
                "Every placed firm and every partner can read its agenda for "
                "%(day)s and download it as a calendar file.",
                day=day.day.isoformat(),
            ),
            gettext(
                "The day becomes final: its set-up, partners, requests and schedule no longer "
                "change."
            ),
        ),
        undo=gettext("No: publishing the agendas cannot be undone."),
        action=f"{day_url(mission_id)}/publish",
        yes=gettext("Yes, publish the agendas"),
        back=day_url(mission_id),
        back_label=gettext("Meeting day of %(title)s", title=mission.title),
    )


add_confirm_route(router, "/missions/{mission_id}/meetings/publish/confirm", _publish_confirmation)


@form_post(router, "/missions/{mission_id}/meetings/publish")
def publish(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    confirm: ConfirmField = "",
) -> Response:
    """Publish the schedule once confirmed (confirm=yes): every firm and partner can read its
    agenda. Without it, the confirmation page."""
    if not confirmed(confirm):
        return confirm_page(request, _publish_confirmation(session, user, mission_id))
    publish_day = partial(schedule_service.publish_day, mission_id=mission_id)
    return day_changed(request, session, user, mission_id, "published", publish_day)
