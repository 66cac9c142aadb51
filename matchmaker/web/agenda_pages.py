"""An agenda's pages, for the organiser's and the firm's alike: the page, its print view and
its iCal file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

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


def add_agenda_routes(router: APIRouter, find: Callable[..., AgendaPage], name: str) -> None:
    """The page (`/agenda`), iCal file (`/agenda.ics`) and print view (`/agenda/print`) of the
    agenda that the dependency `find` finds from the path, under the router's prefix."""
    found = Depends(find)  # a default, not an annotation: these are strings here

    def page(request: Request, shown: AgendaPage = found) -> Response:
        return agenda_response(request, shown, "page")

    def ics(request: Request, shown: AgendaPage = found) -> Response:
        return agenda_response(request, shown, "ics")

    def print_view(request: Request, shown: AgendaPage = found) -> Response:
        return agenda_response(request, shown, "print")

    router.add_api_route("/agenda", page, methods=["GET"], response_class=HTMLResponse, name=name)
    router.add_api_route("/agenda.ics", ics, methods=["GET"], name=f"{name}_ics")
    router.add_api_route(
        "/agenda/print",
        print_view,
        methods=["GET"],
        response_class=HTMLResponse,
        name=f"{name}_print",
    )
