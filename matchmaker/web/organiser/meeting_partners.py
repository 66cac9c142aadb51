"""Organiser pages of a meeting day's partners: add one, import a file of them, remove one,
and the list as CSV."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import meeting_partners as partner_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.meeting_partners import PartnerInput
from matchmaker.web.form_routes import form_post
from matchmaker.web.organiser.meeting_day import day_changed
from matchmaker.web.organiser.meeting_forms import PartnerForm

router = APIRouter(
    prefix="/organiser/missions/{mission_id}/meetings/partners", tags=["pages: meeting days"]
)


@form_post(router, "")
def add_partner(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    fields: Annotated[PartnerForm, Form()],
) -> Response:
    form = fields.model_dump()

    add = partial(partner_service.add_partner, mission_id=mission_id, values=PartnerInput(**form))
    return day_changed(request, session, user, mission_id, "partner", add, partner_form=form)


@form_post(router, "/{partner_id}/delete")
def remove_partner(
    request: Request, session: SessionDep, user: CurrentUser, mission_id: int, partner_id: int
) -> Response:
    """Remove a partner, with the meetings requested with it."""
    ids = {"mission_id": mission_id, "partner_id": partner_id}
    remove = partial(partner_service.remove_partner, **ids)
    return day_changed(request, session, user, mission_id, "removed", remove)


@form_post(router, "/import")
def import_partners(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Add the partners of a CSV or Excel file: all of them, or none with every bad row."""
    content = file.file.read(meeting_service.MAX_IMPORT_BYTES + 1)

    add_all = partial(
        partner_service.import_partners,
        mission_id=mission_id,
        filename=file.filename or "",
        content=content,
    )
    return day_changed(request, session, user, mission_id, "imported", add_all)
