"""Organiser pages of a meeting day's partners: add one, import a file of them, remove one,
and the list as CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.services import meeting_partners as partner_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.meeting_partners import PartnerInput
from matchmaker.web.organiser.meeting_day import day_changed

router = APIRouter(
    prefix="/organiser/missions/{mission_id}/meetings/partners", tags=["pages: meeting days"]
)


@router.post("", response_class=HTMLResponse, dependencies=[CsrfChecked])
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

    def add() -> Any:
        return partner_service.add_partner(
            session=session, mission_id=mission_id, actor=user, values=PartnerInput(**form)
        )

    return day_changed(request, session, user, mission_id, "partner", add, partner_form=form)


@router.post("/{partner_id}/delete", response_class=HTMLResponse, dependencies=[CsrfChecked])
def remove_partner(
    request: Request, session: SessionDep, user: CurrentUser, mission_id: int, partner_id: int
) -> Response:
    """Remove a partner, with the meetings requested with it."""

    def remove() -> Any:
        return partner_service.remove_partner(
            session=session, mission_id=mission_id, partner_id=partner_id, actor=user
        )

    return day_changed(request, session, user, mission_id, "removed", remove)


@router.post("/import", response_class=HTMLResponse, dependencies=[CsrfChecked])
def import_partners(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Add the partners of a CSV or Excel file: all of them, or none with every bad row."""
    content = file.file.read(meeting_service.MAX_IMPORT_BYTES + 1)

    def add_all() -> Any:
        return partner_service.import_partners(
            session=session,
            mission_id=mission_id,
            actor=user,
            filename=file.filename or "",
            content=content,
        )

    return day_changed(request, session, user, mission_id, "imported", add_all)
