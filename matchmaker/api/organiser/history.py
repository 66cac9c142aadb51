"""Organiser API: missions a firm joined outside matchmaker (list, add, delete), for firms in
the organiser's world; they count in the firm's missions of the last three years."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from matchmaker.api.mission_shapes import ORGANISER_ERRORS as ERRORS
from matchmaker.api.rows import shape_of
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import ExternalMission, ExternalMissionCreate
from matchmaker.services import mission_history

router = APIRouter(prefix="/api/organiser", tags=["organiser"], responses=ERRORS)


class ExternalMissionOut(BaseModel):
    id: int
    firm_id: int
    title: str
    country: str
    mission_date: date
    note: str | None
    outside_matchmaker: bool = Field(default=True, description="always true: entered by hand")
    created_at: datetime


def external_out(entry: ExternalMission) -> ExternalMissionOut:
    return shape_of(ExternalMissionOut, entry, id=entry.id or 0)


@router.get("/firms/{firm_id}/external-missions")
def list_external(firm_id: int, session: SessionDep, user: CurrentUser) -> list[ExternalMissionOut]:
    """The missions outside matchmaker your organisation entered for the firm, newest first."""
    mission_history.visible_firm(session=session, user=user, firm_id=firm_id)
    return [
        external_out(e)
        for e in mission_history.external_of(
            session=session, firm_id=firm_id, organisation_id=user.organisation_id
        )
    ]


@router.post("/firms/{firm_id}/external-missions", status_code=201)
def add_external(
    firm_id: int, body: ExternalMissionCreate, session: SessionDep, user: CurrentUser
) -> ExternalMissionOut:
    """Enter a mission the firm joined outside matchmaker."""
    entry = mission_history.add_external(
        session=session, actor=user, firm_id=firm_id, entry_in=body
    )
    return external_out(entry)


@router.delete("/external-missions/{entry_id}", status_code=204, response_class=Response)
def delete_external(entry_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Delete one of your organisation's entries."""
    mission_history.delete_external(session=session, actor=user, entry_id=entry_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
