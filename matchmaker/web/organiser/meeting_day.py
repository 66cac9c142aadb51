"""Organiser pages of a mission's meeting day: the day page (its set-up, partners, requests,
schedule and progress) and the form that sets the day up."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import mark
from matchmaker.models import User
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meeting_runs as schedule_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services import rounds as round_service
from matchmaker.services.errors import Invalid, ServiceError
from matchmaker.services.meetings import MeetingRefused
from matchmaker.web.form_routes import form_answer, form_post
from matchmaker.web.organiser.meeting_forms import DayForm, day_form, parse_day_form
from matchmaker.web.pages import notices
from matchmaker.web.rendering import render

router = APIRouter(prefix="/organiser/missions/{mission_id}/meetings", tags=["pages: meeting days"])

ACTIVE = ("queued", "running")
NOTICES = {
    "saved": mark("The meeting day is saved."),
    "partner": mark("The partner is added."),
    "imported": mark("The partners of the file are added."),
    "request": mark("The meeting request is recorded."),
    "deleted": mark("The meeting request is removed."),
    "stopping": mark("The schedule run is stopping; it keeps the best schedule found so far."),
    "removed": mark("The partner and the meetings requested with it are removed."),
    "scheduling": mark(
        "Scheduling all requested meetings: the schedule appears when the run ends."
    ),
    "locked": mark("The meeting is locked in its slot at its table; later runs keep it there."),
    "unlocked": mark("The meeting is unlocked."),
    "published": mark("The schedule is published: every firm and partner can read its agenda."),
}
Notice = Annotated[str | None, notices(NOTICES)]
DAY_REFUSALS: tuple[type[ServiceError], ...] = (Invalid, MeetingRefused)


def day_url(mission_id: int) -> str:
    return f"/organiser/missions/{mission_id}/meetings"


def day_page_response(
    request: Request,
    session: Session,
    user: User,
    mission_id: int,
    *,
    status_code: int = 200,
    error: str | None = None,
    problems: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    partner_form: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    mission = meeting_service.visible_mission(session=session, mission_id=mission_id, user=user)
    round_row = round_service.round_by_id(session=session, round_id=mission.round_id)
    day = meeting_service.day_of(session=session, mission_id=mission_id)
    context: dict[str, Any] = {
        "mission": mission,
        "round": round_row,
        "day": day,
        "form": form or day_form(day),
        "partner_form": partner_form or {},
        "problems": problems or {},
        "error": error,
        "notice": notice,
        "firms": meeting_service.placed_firms(session=session, mission=mission),
        "partners": [],
        "rows": [],
        "run": None,
        "current": None,
        "progress": None,
        "grid": [],
        "unscheduled": [],
        "plain_reason": meeting_service.plain_reason,
        "default_time_limit": meeting_service.DEFAULT_TIME_LIMIT_SECONDS,
    }
    if day is not None:
        rows = request_service.requests_of(session=session, day=day)
        run = meeting_service.latest_run(session=session, day=day)
        current = meeting_service.current_schedule(session=session, day=day)
        ended = run is None or run.state not in ACTIVE
        if notice in (NOTICES["scheduling"], NOTICES["stopping"]) and ended:
            context["notice"] = None  # the run has ended: its outcome shows below
        context.update(
            partners=meeting_service.partners_of(session=session, day=day),
            rows=rows,
            run=run,
            current=current,
            progress=schedule_service.progress_of(run) if run is not None else None,
            grid=agenda_service.schedule_grid(day, rows) if current is not None else [],
            unscheduled=[r for r in rows if r.scheduled is not None and r.scheduled.slot is None],
            not_yet=[r for r in rows if current is not None and r.scheduled is None],
        )
    return render(request, "organiser/meetings/day.html", status_code=status_code, **context)


def day_changed(
    request: Request,
    session: Session,
    user: User,
    mission_id: int,
    notice: str,
    change: Callable[..., Any],
    *,
    refusals: tuple[type[ServiceError], ...] = DAY_REFUSALS,
    **sent: dict[str, str],
) -> Response:
    """Make a change to the mission's meeting day with `change(session=, actor=)`: back to the
    day page at the change's notice, or the day page again with the reason it was refused
    (and the form as sent)."""
    return form_answer(
        partial(change, session=session, actor=user),
        refusals=refusals,
        shown_again=partial(day_page_response, request, session, user, mission_id, **sent),
        then=f"{day_url(mission_id)}?notice={notice}#{notice}",
    )


@router.get("", response_class=HTMLResponse)
def day_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    notice: Notice,
) -> Response:
    return day_page_response(request, session, user, mission_id, notice=notice)


@form_post(router, "")
def save_day(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    fields: Annotated[DayForm, Form()],
) -> Response:
    """Set up or change the meeting day (date, times, slots, tables, fairness)."""
    form = fields.model_dump()

    def set_up(**by: Any) -> Any:  # the form read inside the change: its refusal shows
        return meeting_service.set_up_day(mission_id=mission_id, values=parse_day_form(form), **by)

    return day_changed(request, session, user, mission_id, "saved", set_up, form=form)
