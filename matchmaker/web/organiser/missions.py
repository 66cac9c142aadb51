"""Organiser pages of a round's missions: the new-mission and edit forms, and each
mission's roster as CSV or Excel."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.models import User
from matchmaker.services import accounts as account_service
from matchmaker.services import exports as export_service
from matchmaker.services import spreadsheet_csv
from matchmaker.web import mission_forms
from matchmaker.web.organiser.common import round_url, visible_mission, visible_round
from matchmaker.web.pages import download, see_other
from matchmaker.web.rendering import render

router = APIRouter(prefix="/organiser/rounds/{round_id}/missions", tags=["pages: organiser"])

FORM = "organiser/mission_form.html"


@router.get("/new", response_class=HTMLResponse)
def new_mission_form(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str
) -> Response:
    round_row = visible_round(session, user, round_id)
    organiser = account_service.organisation_name(session=session, user=user)
    blank = mission_forms.blank_mission(organiser=organiser)
    return render(
        request,
        FORM,
        **mission_forms.mission_form_context(
            session, round_row, text=mission_forms.mission_text(blank), checked=[], mission=None
        ),
    )


@router.post("", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_mission(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    form: mission_forms.FormDep,
) -> Response:
    round_row = visible_round(session, user, round_id)
    created = mission_forms.create_from_form(
        request, session, user, round_row, form, template=FORM, branch=False
    )
    return created if isinstance(created, Response) else see_other(round_url(round_id))


@router.get("/{mission_id}", response_class=HTMLResponse)
def edit_mission_form(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str, mission_id: int
) -> Response:
    round_row = visible_round(session, user, round_id)
    mission = visible_mission(session, user, round_id, mission_id)
    return render(request, FORM, **mission_forms.saved_mission_context(session, round_row, mission))


@router.post("/{mission_id}", response_class=HTMLResponse, dependencies=[CsrfChecked])
def edit_mission(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    mission_id: int,
    form: mission_forms.FormDep,
) -> Response:
    round_row = visible_round(session, user, round_id)
    mission = visible_mission(session, user, round_id, mission_id)
    refused = mission_forms.save_mission(
        request, session, user, round_row, mission, form, template=FORM, branch=False
    )
    return refused or see_other(round_url(round_id))


def _roster(
    session: Session, user: User, round_id: str, mission_id: int
) -> tuple[export_service.Roster, str]:
    """The mission's roster, and the mission's external id (for the file's name)."""
    mission = visible_mission(session, user, round_id, mission_id)
    return export_service.mission_roster(session=session, mission=mission), mission.external_id


@router.get("/{mission_id}/roster.csv")
def roster_csv(
    session: SessionDep, user: CurrentUser, round_id: str, mission_id: int, lang: str | None = None
) -> Response:
    """The roster as CSV: lang=en (the default) as it always was, lang=nl for Dutch Excel."""
    roster, external_id = _roster(session, user, round_id, mission_id)
    language = spreadsheet_csv.export_language(lang)
    return download(
        export_service.roster_csv(roster, language).encode("utf-8"),
        "text/csv; charset=utf-8",
        export_service.file_name(round_id, external_id, "roster", extension="csv"),
    )


@router.get("/{mission_id}/roster.xlsx")
def roster_xlsx(
    session: SessionDep, user: CurrentUser, round_id: str, mission_id: int, lang: str | None = None
) -> Response:
    """The roster as a workbook: lang=en (the default) or lang=nl for Dutch headers."""
    roster, external_id = _roster(session, user, round_id, mission_id)
    language = spreadsheet_csv.export_language(lang)
    return download(
        export_service.roster_xlsx(roster, language),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export_service.file_name(round_id, external_id, "roster", extension="xlsx"),
    )
