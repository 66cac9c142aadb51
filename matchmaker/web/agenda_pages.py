"""How an agenda page answers, for the organiser's and the firm's pages alike: the page, its
print view, or an iCal file."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from matchmaker.services import agendas as agenda_service
from matchmaker.services.exports import file_name
from matchmaker.web.rendering import render


def agenda_response(
    request: Request, agenda: agenda_service.Agenda, base: str, back: str, view: str
) -> Response:
    if view == "ics":
        name = file_name("agenda", agenda.participant, agenda.day.day.isoformat(), extension="ics")
        return Response(
            agenda_service.agenda_calendar(agenda),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    template = "meetings/agenda_print.html" if view == "print" else "meetings/agenda.html"
    return render(request, template, agenda=agenda, base=base, back=back)
