"""Organiser pages of every participant's agenda in a meeting day's current schedule: the
page, its iCal file and its print view, for a placed firm or a partner."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import User
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meetings as meeting_service
from matchmaker.web.agenda_pages import agenda_response
from matchmaker.web.organiser.meeting_day import day_url

router = APIRouter(
    prefix="/organiser/missions/{mission_id}/meetings/{kind}/{participant_id}",
    tags=["pages: meeting days"],
)


def _agenda(
    session: Session, user: User, mission_id: int, kind: str, participant_id: int
) -> agenda_service.Agenda:
    if kind not in ("firms", "partners"):
        raise HTTPException(404, "no such participant")
    day = meeting_service.visible_day(session=session, mission_id=mission_id, user=user)
    if kind == "partners":
        partner = meeting_service.visible_partner(
            session=session, day=day, partner_id=participant_id
        )
        return agenda_service.agenda(session=session, day=day, partner=partner)
    firm = meeting_service.placed_firm(
        session=session, mission_id=mission_id, firm_id=participant_id
    )
    if firm is None:
        raise HTTPException(404, f"firm {participant_id} is not placed on this mission")
    return agenda_service.agenda(session=session, day=day, firm=firm)


def _base(mission_id: int, kind: str, participant_id: int) -> str:
    return f"{day_url(mission_id)}/{kind}/{participant_id}/agenda"


@router.get("/agenda", response_class=HTMLResponse)
def organiser_agenda(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    kind: str,
    participant_id: int,
) -> Response:
    """A firm's or partner's agenda in the current schedule (to check, print or send)."""
    agenda = _agenda(session, user, mission_id, kind, participant_id)
    base = _base(mission_id, kind, participant_id)
    return agenda_response(request, agenda, "page", base=base, back=day_url(mission_id))


@router.get("/agenda.ics")
def organiser_agenda_ics(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    kind: str,
    participant_id: int,
) -> Response:
    agenda = _agenda(session, user, mission_id, kind, participant_id)
    return agenda_response(request, agenda, "ics")


@router.get("/agenda/print", response_class=HTMLResponse)
def organiser_agenda_print(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    kind: str,
    participant_id: int,
) -> Response:
    agenda = _agenda(session, user, mission_id, kind, participant_id)
    return agenda_response(request, agenda, "print", base=_base(mission_id, kind, participant_id))
