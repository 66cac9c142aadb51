"""A placed firm's meeting pages: its meeting requests for the mission's day, and its agenda
(page, iCal and print view) once the schedule is published."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep, require_role
from matchmaker.models import Role, User
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.errors import Invalid
from matchmaker.services.meetings import MeetingRefused
from matchmaker.web.agenda_pages import agenda_response
from matchmaker.web.rendering import refusal, render

router = APIRouter(
    tags=["pages: a firm's meetings"], dependencies=[Depends(require_role(Role.sme))]
)


def firm_url(placement_id: int) -> str:
    return f"/sme/placements/{placement_id}/meetings"


def _firm_page(
    request: Request,
    session: Session,
    user: User,
    placement_id: int,
    *,
    status_code: int = 200,
    error: str | None = None,
    problems: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    view = request_service.firm_day(session=session, placement_id=placement_id, user=user)
    day = view.day
    published = day is not None and day.status == "published"
    return render(
        request,
        "meetings/firm.html",
        status_code=status_code,
        view=view,
        day=day,
        published=published,
        partners=meeting_service.partners_of(session=session, day=day) if day else [],
        rows=(
            request_service.requests_of(session=session, day=day, firm_id=view.firm.id)
            if day
            else []
        ),
        agenda=(
            agenda_service.agenda(session=session, day=day, firm=view.firm)
            if day and published
            else None
        ),
        error=error,
        problems=problems or {},
        notice=notice,
        plain_reason=meeting_service.plain_reason,
    )


FIRM_NOTICES = {
    "request": "Your meeting request is recorded. The organiser schedules the day and "
    "publishes the agendas.",
    "deleted": "Your meeting request is withdrawn.",
}


@router.get("/sme/placements/{placement_id}/meetings", response_class=HTMLResponse)
def firm_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    placement_id: int,
    notice: str | None = None,
) -> Response:
    """The firm's meeting day: request meetings with the day's partners, read the agenda."""
    return _firm_page(request, session, user, placement_id, notice=FIRM_NOTICES.get(notice or ""))


def _firm_saved(placement_id: int, notice: str) -> RedirectResponse:
    return RedirectResponse(f"{firm_url(placement_id)}?notice={notice}", status_code=303)


@router.post(
    "/sme/placements/{placement_id}/meetings",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def firm_request(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    placement_id: int,
    partner_id: Annotated[int, Form(ge=0, le=2**31 - 1)],
    priority: Annotated[int, Form(ge=-1000, le=1000)] = 1,
    session_part: Annotated[str, Form(alias="session", max_length=20)] = "any",
) -> Response:
    """Request a meeting with a partner of the day."""
    try:
        request_service.add_own_request(
            session=session,
            placement_id=placement_id,
            user=user,
            partner_id=partner_id,
            priority=priority,
            session_part=session_part,
        )
    except (Invalid, MeetingRefused) as error:
        return _firm_page(request, session, user, placement_id, **refusal(error))
    return _firm_saved(placement_id, "request")


@router.post(
    "/sme/placements/{placement_id}/meetings/{request_id}/delete",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def firm_delete_request(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int, request_id: int
) -> Response:
    try:
        request_service.delete_own_request(
            session=session, placement_id=placement_id, user=user, request_id=request_id
        )
    except (Invalid, MeetingRefused) as error:
        return _firm_page(request, session, user, placement_id, **refusal(error))
    return _firm_saved(placement_id, "deleted")


def _firm_agenda(session: Session, user: User, placement_id: int) -> agenda_service.Agenda:
    view = request_service.firm_day(session=session, placement_id=placement_id, user=user)
    if view.day is None or view.day.status != "published":
        raise HTTPException(404, "the agenda is not published yet")
    return agenda_service.agenda(session=session, day=view.day, firm=view.firm)


@router.get("/sme/placements/{placement_id}/agenda", response_class=HTMLResponse)
def firm_agenda(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    agenda = _firm_agenda(session, user, placement_id)
    base = f"/sme/placements/{placement_id}/agenda"
    return agenda_response(request, agenda, base, firm_url(placement_id), "page")


@router.get("/sme/placements/{placement_id}/agenda.ics")
def firm_agenda_ics(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    return agenda_response(request, _firm_agenda(session, user, placement_id), "", "", "ics")


@router.get("/sme/placements/{placement_id}/agenda/print", response_class=HTMLResponse)
def firm_agenda_print(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int
) -> Response:
    agenda = _firm_agenda(session, user, placement_id)
    base = f"/sme/placements/{placement_id}/agenda"
    return agenda_response(request, agenda, base, base, "print")
