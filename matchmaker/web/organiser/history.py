"""Organiser pages of a firm's history outside matchmaker: list, add and delete the missions
it joined elsewhere (they count in its missions of the last three years)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.models import ExternalMissionCreate, User
from matchmaker.services import mission_history
from matchmaker.services.errors import Invalid
from matchmaker.web.form_shapes import day, form_shape, text_or_none
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render

router = APIRouter(prefix="/organiser", tags=["pages: organiser"])

Text = Annotated[str, Form(max_length=mission_history.MAX_NOTE + 100)]


def _page(
    request: Request,
    session: Session,
    user: User,
    firm_id: int,
    **shown: Any,
) -> Response:
    """The firm's history with the add form; `shown` as render takes it (status_code, values,
    errors)."""
    firm = mission_history.visible_firm(session=session, user=user, firm_id=firm_id)
    return render(
        request,
        "organiser/history.html",
        firm=firm,
        entries=mission_history.external_of(
            session=session, firm_id=firm_id, organisation_id=user.organisation_id
        ),
        history=mission_history.history_of(session=session, firm=firm),
        **{"values": {}, "errors": {}, **shown},
    )


@router.get("/firms/{firm_id}/history", response_class=HTMLResponse)
def history_page(
    request: Request, session: SessionDep, user: CurrentUser, firm_id: int
) -> Response:
    return _page(request, session, user, firm_id)


@router.post("/firms/{firm_id}/history", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_external(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    firm_id: int,
    title: Text = "",
    country: Annotated[str, Form(max_length=20)] = "",
    mission_date: Annotated[str, Form(max_length=20)] = "",
    note: Text = "",
) -> Response:
    values = {"title": title, "country": country, "mission_date": mission_date, "note": note}
    entry_in = form_shape(
        ExternalMissionCreate, values, values, {"mission_date": day, "note": text_or_none}
    )
    try:
        mission_history.add_external(
            session=session, actor=user, firm_id=firm_id, entry_in=entry_in
        )
    except Invalid as error:
        session.rollback()
        refused = {"status_code": 400, "values": values, "errors": error.fields()}
        return _page(request, session, user, firm_id, **refused)
    return see_other(f"/organiser/firms/{firm_id}/history")


@router.post("/external-missions/{entry_id}/delete", dependencies=[CsrfChecked])
def delete_external(session: SessionDep, user: CurrentUser, entry_id: int) -> Response:
    firm_id = mission_history.delete_external(session=session, actor=user, entry_id=entry_id)
    return see_other(f"/organiser/firms/{firm_id}/history")
