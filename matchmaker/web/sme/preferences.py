"""SME pages of a round's ranked preferences: every open mission with the firm's rank and
business case, saved all at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import gettext
from matchmaker.models import ApplicationStatus, Firm, Round, RoundStatus
from matchmaker.services import application_results, catalogue, track_warnings
from matchmaker.services import applications as application_service
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import Conflict, Invalid
from matchmaker.web.form_routes import form_post
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render
from matchmaker.web.sme.common import SmeFirm, firm_of, register_first

router = APIRouter(prefix="/sme", tags=["pages: sme"])


def _preference_rows(session: Session, firm: Firm, round_id: str) -> list[dict[str, Any]]:
    entries = catalogue.open_missions(session=session, filters=catalogue.Filters(round_id=round_id))
    current = {
        view.application.mission_id: view.application
        for view in application_results.applications_of(session=session, firm=firm)
        if view.round.id == round_id and view.application.status == ApplicationStatus.submitted
    }
    cases = firm_service.cases_of(session=session, firm=firm)
    rows = []
    for entry in entries:
        application = current.get(entry.mission.id or 0)
        rows.append(
            {
                "entry": entry,
                "rank": str(application.rank) if application else "",
                "business_case_id": str(application.business_case_id or "") if application else "",
                "cases": [c for c in cases if c.country == entry.mission.country],
                "fits_sector": not entry.mission.sectors or firm.sector in entry.mission.sectors,
            }
        )
    return rows


def _preferences_page(
    request: Request,
    session: Session,
    *,
    firm: Firm,
    round_row: Round,
    rows: list[dict[str, Any]],
    errors: Mapping[int, dict[str, str]] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "sme/preferences.html",
        status_code=status_code,
        firm=firm,
        round=round_row,
        rows=rows,
        errors=errors or {},
        error=error,
        track_warning=track_warnings.warning_for(session=session, firm_id=firm.id),
    )


def _round_for_preferences(session: Session, round_id: str) -> Round:
    round_row = catalogue.public_round(session=session, round_id=round_id)
    if round_row.status != RoundStatus.open:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            gettext("round %(name)s takes no applications any more", name=repr(round_row.name)),
        )
    return round_row


@router.get("/rounds/{round_id}/preferences", response_class=HTMLResponse)
def preferences_form(
    request: Request, session: SessionDep, firm: SmeFirm, round_id: str
) -> Response:
    round_row = _round_for_preferences(session, round_id)
    rows = _preference_rows(session, firm, round_id)
    return _preferences_page(request, session, firm=firm, round_row=round_row, rows=rows)


@form_post(router, "/rounds/{round_id}/preferences")
def set_preferences(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    mission_id: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    rank: Annotated[list[str], Form()] = [],  # noqa: B006
    business_case_id: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    firm = firm_of(session, user)
    if firm is None:
        return register_first()
    round_row = _round_for_preferences(session, round_id)
    if not len(mission_id) == len(rank) == len(business_case_id):
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, gettext("the form is incomplete; reload it")
        )
    posted = list(zip(mission_id, rank, business_case_id, strict=True))
    choices = [
        application_service.Choice(mission_id=m, rank=r.strip(), business_case_id=c or None)
        for m, r, c in posted
        if r.strip()
    ]
    try:
        application_service.set_preferences(
            session=session, actor=user, firm=firm, round_id=round_id, choices=choices
        )
    except (Invalid, Conflict) as refusal:
        session.rollback()
        rows = _preference_rows(session, firm, round_id)
        sent = {m: (r, c) for m, r, c in posted}
        for row in rows:
            row["rank"], row["business_case_id"] = sent.get(row["entry"].mission.id, ("", ""))
        errors: dict[int, dict[str, str]] = {}
        if isinstance(refusal, Invalid):
            for problem in refusal.problems:
                _, index, field = (*problem.location(), "", "")[:3]
                mission = choices[index].mission_id if isinstance(index, int) else 0
                errors.setdefault(mission, {})[str(field)] = problem.message
        return _preferences_page(
            request,
            session,
            firm=firm,
            round_row=round_row,
            rows=rows,
            errors=errors,
            error=str(refusal) if isinstance(refusal, Conflict) else None,
            status_code=400 if isinstance(refusal, Invalid) else 409,
        )
    return see_other("/sme/applications?notice=preferences_saved")
