"""Branch organisation pages of its missions: offer national missions and delegations, see
who was placed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.models import Mission, MissionFormat, Round, RoundStatus, Scope, User
from matchmaker.services import accounts as account_service
from matchmaker.services import exports as export_service
from matchmaker.services import missions as mission_service
from matchmaker.services import rounds as round_service
from matchmaker.web import mission_forms
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render

router = APIRouter(prefix="/branch", tags=["pages: branch organisation"])

FORM = "branch/mission_form.html"


def _open_round(session: Session, round_id: str) -> Round:
    """An open round inviting national missions; any other answers 404."""
    return round_service.round_taking_missions(session=session, round_id=round_id)


def _own_mission(session: Session, user: User, mission_id: int) -> tuple[Mission, Round]:
    """The branch organisation's own mission (404 for any other), with its round."""
    mission = mission_service.get_owned(session=session, user=user, mission_id=mission_id)
    return mission, round_service.round_by_id(session=session, round_id=mission.round_id)


def _placed_url(mission_id: int | None) -> str:
    return f"/branch/missions/{mission_id}/placed"


@router.get("", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    missions = mission_service.list_owned(session=session, user=user)
    round_ids = {m.round_id for m in missions}
    rounds = {r_id: round_service.round_by_id(session=session, round_id=r_id) for r_id in round_ids}
    return render(
        request,
        "branch/home.html",
        organisation=account_service.organisation_name(session=session, user=user),
        missions=missions,
        rounds=rounds,
        taking=round_service.rounds_taking_missions(session=session),
    )


@router.get("/rounds/{round_id}/missions/new", response_class=HTMLResponse)
def new_mission_form(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str
) -> Response:
    round_row = _open_round(session, round_id)
    blank = mission_forms.blank_mission(
        organiser=account_service.organisation_name(session=session, user=user),
        scope=Scope.national,
        mission_format=MissionFormat.branch_delegation,
    )
    context = mission_forms.mission_form_context(
        session,
        round_row,
        text=mission_forms.mission_text(blank),
        checked=[],
        mission=None,
        scope_fixed=True,
    )
    return render(request, FORM, **context)


@router.post("/rounds/{round_id}/missions", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_mission(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    form: mission_forms.FormDep,
) -> Response:
    round_row = _open_round(session, round_id)
    created = mission_forms.create_from_form(
        request, session, user, round_row, form, template=FORM, branch=True
    )
    if isinstance(created, Response):
        return created
    return see_other(_placed_url(created.id))


@router.get("/missions/{mission_id}", response_class=HTMLResponse)
def edit_mission_form(
    request: Request, session: SessionDep, user: CurrentUser, mission_id: int
) -> Response:
    mission, round_row = _own_mission(session, user, mission_id)
    context = mission_forms.saved_mission_context(session, round_row, mission, scope_fixed=True)
    return render(request, FORM, **context)


@router.post("/missions/{mission_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def edit_mission(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    form: mission_forms.FormDep,
) -> Response:
    mission, round_row = _own_mission(session, user, mission_id)
    refused = mission_forms.save_mission(
        request, session, user, round_row, mission, form, template=FORM, branch=True
    )
    return refused or see_other(_placed_url(mission_id))


@router.get("/missions/{mission_id}/placed", response_class=HTMLResponse)
def placed(request: Request, session: SessionDep, user: CurrentUser, mission_id: int) -> Response:
    mission, round_row = _own_mission(session, user, mission_id)
    published = round_row.status == RoundStatus.published
    roster = export_service.mission_roster(session=session, mission=mission) if published else None
    regions = {
        r.code: r.name for r in round_service.regions_of(session=session, round_id=round_row.id)
    }
    sectors = {
        s.code: s.name for s in round_service.sectors_of(session=session, round_id=round_row.id)
    }
    return render(
        request,
        "branch/placed.html",
        mission=mission,
        round=round_row,
        published=published,
        placed=roster.taken if roster and roster.run else [],
        run=roster.run if roster else None,
        regions=regions,
        sectors=sectors,
        editable=round_row.status in (RoundStatus.draft, RoundStatus.open),
    )
