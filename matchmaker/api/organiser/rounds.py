"""Organiser API: rounds (create, import, open, close, invite branch missions), their scenario
document and the dashboard figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlmodel import Session

from matchmaker.api.mission_shapes import ORGANISER_ERRORS as ERRORS
from matchmaker.api.mission_shapes import RoundOut, round_out
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.models import Round, User
from matchmaker.models.rounds import MAX_ANSWER_DAYS
from matchmaker.services import dashboard as dashboard_service
from matchmaker.services import offer_terms
from matchmaker.services import rounds as round_service

router = APIRouter(prefix="/api/organiser", tags=["organiser"], responses=ERRORS)


class RegionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    priority: int = 0


class SectorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    focus: bool = False


class RoundBody(BaseModel):
    """A new round; the scenario format's round fields with its regions and sectors."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    max_places_per_firm: int = 1
    budget_eur: int | None = None
    regions: list[RegionBody] = Field(min_length=1)
    sectors: list[SectorBody] = Field(min_length=1)


def _round(session: Session, user: User, round_id: str) -> Round:
    return round_service.get_round(session=session, user=user, round_id=round_id)


@router.get("/rounds")
def list_rounds(session: SessionDep, user: CurrentUser) -> list[RoundOut]:
    """The rounds of your organisation (and those of no organisation), newest first."""
    return [round_out(session, r) for r in round_service.list_rounds(session=session, user=user)]


@router.post("/rounds", status_code=201)
def create_round(body: RoundBody, session: SessionDep, user: CurrentUser) -> RoundOut:
    """Create a draft round with its regions and sectors."""
    values = round_service.RoundInput(
        id=body.id,
        name=body.name,
        description=body.description,
        max_places_per_firm=body.max_places_per_firm,
        budget_eur=body.budget_eur,
        regions=[round_service.RegionInput(r.code, r.name, r.priority) for r in body.regions],
        sectors=[round_service.SectorInput(s.code, s.name, s.focus) for s in body.sectors],
    )
    round_row = round_service.create_round(session=session, actor=user, values=values)
    return round_out(session, round_row)


@router.post("/rounds/import", status_code=201)
def import_round(
    document: Annotated[Any, Body(description="a scenario document (matchmaker-scenario/1)")],
    session: SessionDep,
    user: CurrentUser,
) -> RoundOut:
    """Import a scenario as a new round: every row or none; 422 lists each problem's path."""
    round_row = round_service.import_round(session=session, actor=user, document=document)
    return round_out(session, round_row)


@router.get("/rounds/{round_id}")
def get_round(round_id: str, session: SessionDep, user: CurrentUser) -> RoundOut:
    return round_out(session, _round(session, user, round_id))


@router.post("/rounds/{round_id}/open")
def open_round(round_id: str, session: SessionDep, user: CurrentUser) -> RoundOut:
    """draft -> open (409 from any other status)."""
    round_row = round_service.open_round(session=session, actor=user, round_id=round_id)
    return round_out(session, round_row)


@router.post("/rounds/{round_id}/close")
def close_round(round_id: str, session: SessionDep, user: CurrentUser) -> RoundOut:
    """open -> closed (409 from any other status)."""
    round_row = round_service.close_round(session=session, actor=user, round_id=round_id)
    return round_out(session, round_row)


class DeadlineBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    applications_close_at: AwareDatetime | None = Field(
        description="the last moment firms may apply, with its offset; null: no deadline"
    )


@router.put("/rounds/{round_id}/deadline")
def set_deadline(
    round_id: str, body: DeadlineBody, session: SessionDep, user: CurrentUser
) -> RoundOut:
    """Set or remove the application deadline (until the round is published)."""
    round_row = round_service.set_deadline(
        session=session, actor=user, round_id=round_id, close_at=body.applications_close_at
    )
    return round_out(session, round_row)


class AnswerDaysBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer_days: int = Field(
        ge=1,
        le=MAX_ANSWER_DAYS,
        description="days a firm has to answer an offered place (to 23:59 Amsterdam time)",
    )


@router.put("/rounds/{round_id}/answer-days")
def set_answer_days(
    round_id: str, body: AnswerDaysBody, session: SessionDep, user: CurrentUser
) -> RoundOut:
    """Set how many days firms get to answer an offered place (offers made keep their date)."""
    round_row = offer_terms.set_answer_days(
        session=session, actor=user, round_id=round_id, days=body.answer_days
    )
    return round_out(session, round_row)


@router.post("/rounds/{round_id}/reopen")
def reopen_round(round_id: str, session: SessionDep, user: CurrentUser) -> RoundOut:
    """closed -> open until a roster is published (409 from any other status, or while a
    matching run is queued or running)."""
    round_row = round_service.reopen_round(session=session, actor=user, round_id=round_id)
    return round_out(session, round_row)


class BranchMissionsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invite: bool = Field(description="whether branch organisations may offer national missions")


@router.post("/rounds/{round_id}/branch-missions")
def invite_branch_missions(
    round_id: str, body: BranchMissionsBody, session: SessionDep, user: CurrentUser
) -> RoundOut:
    """Invite branch organisations' national missions (they see the round once it is open)
    or stop inviting them."""
    round_row = round_service.invite_branch_missions(
        session=session, actor=user, round_id=round_id, invite=body.invite
    )
    return round_out(session, round_row)


@router.get("/rounds/{round_id}/scenario")
def export_round(round_id: str, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The round as a scenario document; importing it gives the same round."""
    return round_service.export_round(session=session, user=user, round_id=round_id)


@router.get("/rounds/{round_id}/dashboard", response_model=dashboard_service.Dashboard)
def dashboard(round_id: str, session: SessionDep, user: CurrentUser) -> Any:
    """The dashboard's figures from the latest succeeded run."""
    return dashboard_service.round_dashboard(
        session=session, round_row=_round(session, user, round_id)
    )
