"""Organiser pages of every participant's agenda in a meeting day's current schedule: the
page, its iCal file and its print view, for a placed firm or a partner."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import gettext
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meetings as meeting_service
from matchmaker.web.agenda_pages import AgendaPage, add_agenda_routes
from matchmaker.web.organiser.meeting_day import day_url

router = APIRouter(
    prefix="/organiser/missions/{mission_id}/meetings/{kind}/{participant_id}",
    tags=["pages: meeting days"],
)


def _shown(
    session: SessionDep, user: CurrentUser, mission_id: int, kind: str, participant_id: int
) -> AgendaPage:
    """The agenda of the firm or partner in the path (404 for neither, or another's)."""
    if kind not in ("firms", "partners"):
        raise HTTPException(404, gettext("no such participant"))
    day = meeting_service.visible_day(session=session, mission_id=mission_id, user=user)
    if kind == "partners":
        partner = meeting_service.visible_partner(
            session=session, day=day, partner_id=participant_id
        )
        agenda = agenda_service.agenda(session=session, day=day, partner=partner)
    else:
        firm = meeting_service.placed_firm(
            session=session, mission_id=mission_id, firm_id=participant_id
        )
        if firm is None:
            raise HTTPException(
                404,
                gettext("firm %(firm)s is not placed on this mission", firm=participant_id),
            )
        agenda = agenda_service.agenda(session=session, day=day, firm=firm)
    base = f"{day_url(mission_id)}/{kind}/{participant_id}/agenda"
    return AgendaPage(agenda, base, day_url(mission_id))


add_agenda_routes(router, _shown, "organiser_agenda")
