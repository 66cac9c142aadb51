"""How an agenda page answers, for the organiser's and the firm's pages alike: the page, its
print view, or an iCal file."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from matchmaker.services import agendas as agenda_service
from matchmaker.services.exports import file_name
from matchmaker.web.pages import download
from matchmaker.web.rendering import render


@dataclass(frozen=True, slots=True)
class AgendaPage:
    """An agenda with the address of its page (`base`) and of the page it belongs to."""

    agenda: agenda_service.Agenda
    base: str
    back: str


def agenda_response(request: Request, page: AgendaPage, view: str) -> Response:
    """The agenda as `view`: "ics", "print" (linking back to its page), or its page."""
    agenda = page.agenda
    if view == "ics":
        name = file_name("agenda", agenda.participant, agenda.day.day.isoformat(), extension="ics")
        return download(
            agenda_service.agenda_calendar(agenda), "text/calendar; charset=utf-8", name
        )
    if view == "print":
        context = {"agenda": agenda, "base": page.base, "back": page.base}
        return render(request, "agendas/agenda_print.html", **context)
    return render(request, "agendas/agenda.html", agenda=agenda, base=page.base, back=page.back)
