"""A placed firm's meeting pages: its meeting requests for the mission's day, and its agenda
(page, iCal and print view) once the schedule is published."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import gettext, mark
from matchmaker.models import User
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.errors import Invalid
from matchmaker.services.meetings import MeetingRefused
from matchmaker.web.agenda_pages import AgendaPage, add_agenda_routes
from matchmaker.web.form_routes import form_answer, form_post
from matchmaker.web.meeting_requests import AskedMeeting
from matchmaker.web.pages import notices
from matchmaker.web.rendering import render

router = APIRouter(prefix="/sme/placements/{placement_id}", tags=["pages: a firm's meetings"])


def firm_url(placement_id: int) -> str:
    return f"/sme/placements/{placement_id}/meetings"


def _firm_page(
    request: Request,
    session: Session,
    user: User,
    placement_id: int,
    **shown: Any,
) -> Response:
    """The firm's meeting page; `shown` as render takes it (status_code, error, problems,
    notice)."""
    view = request_service.firm_day(session=session, placement_id=placement_id, user=user)
    day, published = view.day, view.published_day
    return render(
        request,
        "sme/meetings.html",
        view=view,
        day=day,
        published=published is not None,
        partners=meeting_service.partners_of(session=session, day=day) if day else [],
        rows=(
            request_service.requests_of(session=session, day=day, firm_id=view.firm.id)
            if day
            else []
        ),
        agenda=(
            agenda_service.agenda(session=session, day=published, firm=view.firm)
            if published
            else None
        ),
        plain_reason=meeting_service.plain_reason,
        **{"error": None, "problems": {}, "notice": None, **shown},
    )


FIRM_NOTICES = {
    "request": mark(
        "Your meeting request is recorded. The organiser schedules the day and "
        "publishes the agendas."
    ),
    "deleted": mark("Your meeting request is withdrawn."),
}
Notice = Annotated[str | None, notices(FIRM_NOTICES)]


@router.get("/meetings", response_class=HTMLResponse)
def firm_page(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int, notice: Notice
) -> Response:
    """The firm's meeting day: request meetings with the day's partners, read the agenda."""
    return _firm_page(request, session, user, placement_id, notice=notice)


def _firm_changed(
    request: Request,
    session: Session,
    user: User,
    placement_id: int,
    notice: str,
    change: Callable[..., Any],
) -> Response:
    """Change the firm's requests with `change(session=, user=)`: its meeting page with the
    notice, or with the reason the change was refused."""
    return form_answer(
        partial(change, session=session, user=user),
        refusals=(Invalid, MeetingRefused),
        shown_again=partial(_firm_page, request, session, user, placement_id),
        then=f"{firm_url(placement_id)}?notice={notice}",
    )


@form_post(router, "/meetings")
def firm_request(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    placement_id: int,
    asked: AskedMeeting,
) -> Response:
    """Request a meeting with a partner of the day."""
    add = partial(request_service.add_own_request, placement_id=placement_id, asked=asked)
    return _firm_changed(request, session, user, placement_id, "request", add)


@form_post(router, "/meetings/{request_id}/delete")
def firm_delete_request(
    request: Request, session: SessionDep, user: CurrentUser, placement_id: int, request_id: int
) -> Response:
    delete = partial(
        request_service.delete_own_request, placement_id=placement_id, request_id=request_id
    )
    return _firm_changed(request, session, user, placement_id, "deleted", delete)


def _shown(session: SessionDep, user: CurrentUser, placement_id: int) -> AgendaPage:
    """The firm's agenda of the placement's day, once the schedule is published."""
    view = request_service.firm_day(session=session, placement_id=placement_id, user=user)
    day = view.published_day
    if day is None:
        raise HTTPException(404, gettext("the agenda is not published yet"))
    agenda = agenda_service.agenda(session=session, day=day, firm=view.firm)
    return AgendaPage(agenda, f"/sme/placements/{placement_id}/agenda", firm_url(placement_id))


add_agenda_routes(router, _shown, "firm_agenda")
