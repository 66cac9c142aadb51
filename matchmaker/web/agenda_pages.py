"""How an agenda page answers, for the organiser's and the firm's pages alike: the page, its
print view, or an iCal file."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from matchmaker.services import agendas as agenda_service
from matchmaker.services.exports import file_name
from matchmaker.web.pages import download
from matchmaker.web.rendering import render


def agenda_response(
    request: Request, agenda: agenda_service.Agenda, view: str, *, base: str = "", back: str = ""
) -> Response:
    """The agenda as `view`: "ics", "print" (linking back to the page at `base`), or the
    page at `base` (linking `back`)."""
    if view == "ics":
        name = file_name("agenda", agenda.participant, agenda.day.day.isoformat(), extension="ics")
        return download(
            agenda_service.agenda_calendar(agenda), "text/calendar; charset=utf-8", name
        )
    if view == "print":
        return render(request, "agendas/agenda_print.html", agenda=agenda, base=base, back=base)
    return render(request, "agendas/agenda.html", agenda=agenda, base=base, back=back)
