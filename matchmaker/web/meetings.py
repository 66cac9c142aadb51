"""Meeting day pages of the organiser: set up the day, partners and requests, schedule (and
stop a schedule run), lock and publish; every participant's agenda, iCal and print view.
A placed firm's own meeting pages are in firm_meetings.py."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from matchmaker import jobs
from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep, require_role
from matchmaker.models import MeetingDay, Mission, Role, Round, User
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_partners as partner_service
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meeting_runs as schedule_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.errors import Invalid
from matchmaker.services.exports import file_name
from matchmaker.services.meeting_partners import PartnerInput
from matchmaker.services.meetings import DayInput, MeetingRefused
from matchmaker.services.solver_jobs import JobRefused
from matchmaker.web.agenda_pages import agenda_response
from matchmaker.web.rendering import refusal, render

router = APIRouter(tags=["pages: meeting days"])
AS_ORGANISER = [Depends(require_role(Role.organiser))]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def day_url(mission_id: int) -> str:
    return f"/organiser/missions/{mission_id}/meetings"


# --------------------------------------------------------------------------- organiser: the day


def day_form(day: MeetingDay | None) -> dict[str, str]:
    if day is None:
        return {
            "day": "",
            "start_time": "09:00",
            "slot_minutes": "20",
            "slots": "12",
            "morning_slots": "6",
            "lunch_minutes": "60",
            "tables": "10",
            "fairness": "",
            "venue": "",
        }
    return {
        "day": day.day.isoformat(),
        "start_time": day.start_time.strftime("%H:%M"),
        "slot_minutes": str(day.slot_minutes),
        "slots": str(day.slots),
        "morning_slots": str(day.morning_slots),
        "lunch_minutes": str(day.lunch_minutes),
        "tables": str(day.tables),
        "fairness": "" if day.fairness is None else str(day.fairness),
        "venue": day.venue or "",
    }


def parse_day_form(form: dict[str, str]) -> DayInput:
    """The day's form fields as a DayInput; Invalid names every unreadable field."""
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}
    try:
        values["day"] = date.fromisoformat(form.get("day", "").strip())
    except ValueError:
        problems["day"] = "a date like 2027-03-15"
    match = re.fullmatch(
        r"([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?", form.get("start_time", "").strip()
    )
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        values["start_time"] = time(int(match[1]), int(match[2]))
    else:
        problems["start_time"] = "a time like 09:00"
    for name in ("slot_minutes", "slots", "morning_slots", "lunch_minutes", "tables"):
        text = form.get(name, "").strip() or ("0" if name == "lunch_minutes" else "")
        if re.fullmatch(r"[0-9]{1,4}", text):
            values[name] = int(text)
        else:
            problems[name] = "a whole number"
    fairness = form.get("fairness", "").strip()
    if fairness and not re.fullmatch(r"[0-9]{1,3}", fairness):
        problems["fairness"] = "a whole number, or empty for no bound"
    values["fairness"] = int(fairness) if fairness and "fairness" not in problems else None
    values["venue"] = form.get("venue", "").strip() or None
    if problems:
        raise Invalid(problems)
    return DayInput(**values)


def _day_page(
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
    round_row = session.get(Round, mission.round_id)
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
    return render(request, "meetings/day.html", status_code=status_code, **context)


@router.get(
    "/organiser/missions/{mission_id}/meetings",
    response_class=HTMLResponse,
    dependencies=AS_ORGANISER,
)
def day_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    notice: str | None = None,
) -> Response:
    return _day_page(request, session, user, mission_id, notice=NOTICES.get(notice or ""))


ACTIVE = ("queued", "running")
NOTICES = {
    "saved": "The meeting day is saved.",
    "partner": "The partner is added.",
    "imported": "The partners of the file are added.",
    "request": "The meeting request is recorded.",
    "deleted": "The meeting request is removed.",
    "stopping": "The schedule run is stopping; it keeps the best schedule found so far.",
    "removed": "The partner and the meetings requested with it are removed.",
    "scheduling": "Scheduling all requested meetings: the schedule appears when the run ends.",
    "locked": "The meeting is locked in its slot at its table; later runs keep it there.",
    "unlocked": "The meeting is unlocked.",
    "published": "The schedule is published: every firm and partner can read its agenda.",
}


def _day_saved(mission_id: int, notice: str) -> RedirectResponse:
    return _see_other(f"{day_url(mission_id)}?notice={notice}#{notice}")


@router.post(
    "/organiser/missions/{mission_id}/meetings",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def save_day(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    day: Annotated[str, Form(max_length=40)] = "",
    start_time: Annotated[str, Form(max_length=40)] = "",
    slot_minutes: Annotated[str, Form(max_length=40)] = "",
    slots: Annotated[str, Form(max_length=40)] = "",
    morning_slots: Annotated[str, Form(max_length=40)] = "",
    lunch_minutes: Annotated[str, Form(max_length=40)] = "",
    tables: Annotated[str, Form(max_length=40)] = "",
    fairness: Annotated[str, Form(max_length=40)] = "",
    venue: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Set up or change the meeting day (date, times, slots, tables, fairness)."""
    form = {
        "day": day,
        "start_time": start_time,
        "slot_minutes": slot_minutes,
        "slots": slots,
        "morning_slots": morning_slots,
        "lunch_minutes": lunch_minutes,
        "tables": tables,
        "fairness": fairness,
        "venue": venue,
    }

    try:
        meeting_service.set_up_day(
            session=session, mission_id=mission_id, actor=user, values=parse_day_form(form)
        )
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error), form=form)
    return _day_saved(mission_id, "saved")


@router.post(
    "/organiser/missions/{mission_id}/meetings/partners",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def add_partner(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    name: Annotated[str, Form(max_length=1000)] = "",
    organisation: Annotated[str, Form(max_length=1000)] = "",
    country: Annotated[str, Form(max_length=100)] = "",
    sector: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    forbidden_slots: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    form = {
        "name": name,
        "organisation": organisation,
        "country": country,
        "sector": sector,
        "email": email,
        "forbidden_slots": forbidden_slots,
    }
    values = PartnerInput(**form)
    try:
        partner_service.add_partner(
            session=session, mission_id=mission_id, actor=user, values=values
        )
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error), partner_form=form)
    return _day_saved(mission_id, "partner")


@router.post(
    "/organiser/missions/{mission_id}/meetings/partners/{partner_id}/delete",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def remove_partner(
    request: Request, session: SessionDep, user: CurrentUser, mission_id: int, partner_id: int
) -> Response:
    """Remove a partner, with the meetings requested with it."""
    try:
        partner_service.remove_partner(
            session=session, mission_id=mission_id, partner_id=partner_id, actor=user
        )
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error))
    return _day_saved(mission_id, "removed")


@router.post(
    "/organiser/missions/{mission_id}/meetings/partners/import",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def import_partners(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Add the partners of a CSV or Excel file: all of them, or none with every bad row."""
    content = file.file.read(meeting_service.MAX_IMPORT_BYTES + 1)
    try:
        partner_service.import_partners(
            session=session,
            mission_id=mission_id,
            actor=user,
            filename=file.filename or "",
            content=content,
        )
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error))
    return _day_saved(mission_id, "imported")


@router.get("/organiser/missions/{mission_id}/meetings/partners.csv", dependencies=AS_ORGANISER)
def partners_csv(session: SessionDep, user: CurrentUser, mission_id: int) -> Response:
    """The day's partners as CSV, in the import's columns."""
    day = meeting_service.visible_day(session=session, mission_id=mission_id, user=user)
    text = partner_service.partners_csv(meeting_service.partners_of(session=session, day=day))
    name = file_name("partners", f"mission-{mission_id}", extension="csv")
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/organiser/missions/{mission_id}/meetings/schedule.{extension}", dependencies=AS_ORGANISER
)
def schedule_export(
    session: SessionDep, user: CurrentUser, mission_id: int, extension: str
) -> Response:
    """The current schedule as CSV or Excel: every meeting by slot and table, then the
    unscheduled requests with their reason."""
    day = meeting_service.visible_day(session=session, mission_id=mission_id, user=user)
    if extension not in ("csv", "xlsx"):
        raise HTTPException(404, "schedule exports are .csv or .xlsx")
    rows = request_service.requests_of(session=session, day=day)
    name = file_name("schedule", f"mission-{mission_id}", day.day.isoformat(), extension=extension)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if extension == "csv":
        return Response(
            agenda_service.schedule_csv(day, rows).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers=headers,
        )
    return Response(
        agenda_service.schedule_xlsx(day, rows),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=headers,
    )


@router.post(
    "/organiser/missions/{mission_id}/meetings/requests",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def add_request(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    firm_id: Annotated[int, Form(ge=0, le=2**31 - 1)],
    partner_id: Annotated[int, Form(ge=0, le=2**31 - 1)],
    priority: Annotated[int, Form(ge=-1000, le=1000)] = 1,
    session_part: Annotated[str, Form(alias="session", max_length=20)] = "any",
) -> Response:
    try:
        request_service.add_request(
            session=session,
            mission_id=mission_id,
            actor=user,
            firm_id=firm_id,
            partner_id=partner_id,
            priority=priority,
            session_part=session_part,
        )
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error))
    return _day_saved(mission_id, "request")


def _mission_of_request(session: Session, user: User, request_id: int) -> int:
    meeting = meeting_service.visible_request(session=session, request_id=request_id, user=user)
    day = session.get(MeetingDay, meeting.meeting_day_id)
    assert day is not None
    return day.mission_id


@router.post(
    "/organiser/meeting-requests/{request_id}/delete",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def delete_request(
    request: Request, session: SessionDep, user: CurrentUser, request_id: int
) -> Response:
    mission_id = _mission_of_request(session, user, request_id)
    try:
        request_service.delete_request(session=session, request_id=request_id, actor=user)
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error))
    return _day_saved(mission_id, "deleted")


@router.post(
    "/organiser/missions/{mission_id}/meetings/schedule",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
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
    options = schedule_service.ScheduleOptions(time_limit=time_limit, seed=seed)
    try:
        schedule_service.start_schedule(
            session=session,
            mission_id=mission_id,
            actor=user,
            options=options,
            enqueue=jobs.enqueuer(request.app, jobs.MEETINGS_TASK),
        )
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error))
    return _day_saved(mission_id, "scheduling")


@router.get("/organiser/meeting-runs/{run_id}/progress", dependencies=AS_ORGANISER)
def run_progress(session: SessionDep, user: CurrentUser, run_id: int) -> JSONResponse:
    """A schedule run's progress as JSON, polled by the day page's progress bar."""
    run = meeting_service.visible_run(session=session, run_id=run_id, user=user)
    return JSONResponse(schedule_service.progress_of(run), headers={"Cache-Control": "no-store"})


@router.post(
    "/organiser/meeting-runs/{run_id}/stop",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def stop_run(request: Request, session: SessionDep, user: CurrentUser, run_id: int) -> Response:
    """Stop a queued or running schedule run; a running one keeps its best schedule so far."""
    run = meeting_service.visible_run(session=session, run_id=run_id, user=user)
    day = session.get(MeetingDay, run.meeting_day_id)
    assert day is not None
    try:
        schedule_service.stop_schedule(session=session, run_id=run_id, actor=user)
    except JobRefused as error:
        return _day_page(request, session, user, day.mission_id, **refusal(error))
    return _day_saved(day.mission_id, "stopping")


def _lock(
    request: Request, session: Session, user: User, request_id: int, locked: bool
) -> Response:
    mission_id = _mission_of_request(session, user, request_id)
    try:
        schedule_service.set_lock(session=session, request_id=request_id, actor=user, locked=locked)
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error))
    return _day_saved(mission_id, "locked" if locked else "unlocked")


@router.post(
    "/organiser/meeting-requests/{request_id}/lock",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def lock_meeting(
    request: Request, session: SessionDep, user: CurrentUser, request_id: int
) -> Response:
    """Lock a scheduled meeting in its slot at its table: later runs keep it there."""
    return _lock(request, session, user, request_id, True)


@router.post(
    "/organiser/meeting-requests/{request_id}/unlock",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def unlock_meeting(
    request: Request, session: SessionDep, user: CurrentUser, request_id: int
) -> Response:
    return _lock(request, session, user, request_id, False)


@router.post(
    "/organiser/missions/{mission_id}/meetings/publish",
    response_class=HTMLResponse,
    dependencies=[*AS_ORGANISER, CsrfChecked],
)
def publish(request: Request, session: SessionDep, user: CurrentUser, mission_id: int) -> Response:
    """Publish the schedule: every firm and partner can read its agenda."""
    try:
        schedule_service.publish_day(session=session, mission_id=mission_id, actor=user)
    except (Invalid, MeetingRefused) as error:
        return _day_page(request, session, user, mission_id, **refusal(error))
    return _day_saved(mission_id, "published")


# --------------------------------------------------------------------------- agendas


def _organiser_agenda(
    session: Session, user: User, mission_id: int, kind: str, participant_id: int
) -> agenda_service.Agenda:
    day = meeting_service.visible_day(session=session, mission_id=mission_id, user=user)
    if kind == "partners":
        partner = meeting_service.visible_partner(
            session=session, day=day, partner_id=participant_id
        )
        return agenda_service.agenda(session=session, day=day, partner=partner)
    mission = session.get(Mission, mission_id)
    assert mission is not None
    firm = next(
        (
            f
            for f in meeting_service.placed_firms(session=session, mission=mission)
            if f.id == participant_id
        ),
        None,
    )
    if firm is None:
        raise HTTPException(404, f"firm {participant_id} is not placed on this mission")
    return agenda_service.agenda(session=session, day=day, firm=firm)


def _kind(kind: str) -> str:
    if kind not in ("firms", "partners"):
        raise HTTPException(404, "no such participant")
    return kind


@router.get(
    "/organiser/missions/{mission_id}/meetings/{kind}/{participant_id}/agenda",
    response_class=HTMLResponse,
    dependencies=AS_ORGANISER,
)
def organiser_agenda(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    kind: str,
    participant_id: int,
) -> Response:
    """A firm's or partner's agenda in the current schedule (to check, print or send)."""
    agenda = _organiser_agenda(session, user, mission_id, _kind(kind), participant_id)
    base = f"{day_url(mission_id)}/{kind}/{participant_id}/agenda"
    return agenda_response(request, agenda, base, day_url(mission_id), "page")


@router.get(
    "/organiser/missions/{mission_id}/meetings/{kind}/{participant_id}/agenda.ics",
    dependencies=AS_ORGANISER,
)
def organiser_agenda_ics(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    kind: str,
    participant_id: int,
) -> Response:
    agenda = _organiser_agenda(session, user, mission_id, _kind(kind), participant_id)
    return agenda_response(request, agenda, "", "", "ics")


@router.get(
    "/organiser/missions/{mission_id}/meetings/{kind}/{participant_id}/agenda/print",
    response_class=HTMLResponse,
    dependencies=AS_ORGANISER,
)
def organiser_agenda_print(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    kind: str,
    participant_id: int,
) -> Response:
    agenda = _organiser_agenda(session, user, mission_id, _kind(kind), participant_id)
    base = f"{day_url(mission_id)}/{kind}/{participant_id}/agenda"
    return agenda_response(request, agenda, base, base, "print")
