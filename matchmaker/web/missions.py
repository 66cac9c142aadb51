"""Public pages: the open missions with their filters, and one mission's detail (with the
apply form for a logged-in SME)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import OptionalUser, SessionDep
from matchmaker.models import Application, Role, RoundStatus, User
from matchmaker.services import application_results, catalogue, track_warnings
from matchmaker.services import applications as application_service
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import Invalid
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: missions"])


@router.get("/missions", response_class=HTMLResponse)
def mission_list(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    kind: str | None = None,
    format: str | None = None,
    country: str | None = None,
    sector: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    round: str | None = None,
) -> Response:
    raw = {
        "kind": kind,
        "format": format,
        "country": country,
        "sector": sector,
        "date_from": date_from,
        "date_to": date_to,
        "round": round,
    }
    errors: dict[str, str] = {}
    try:
        filters = catalogue.parse_filters(raw)
    except Invalid as error:
        errors = error.fields()
        filters = catalogue.Filters()
    entries = catalogue.open_missions(session=session, filters=filters)
    applied = _applied_missions(session, user)
    return render(
        request,
        "missions/list.html",
        status_code=400 if errors else 200,
        entries=entries,
        choices=catalogue.filter_choices(session=session),
        values={k: (v or "") for k, v in raw.items()},
        errors=errors,
        filtered=bool(filters.query()),
        applied=applied,
    )


def _applied_missions(session: Session, user: User | None) -> dict[int, Application]:
    """The submitted applications of the user's firm, by mission (SMEs only): one query,
    not the full application views (results, cases) the SME's own pages show."""
    if user is None or user.role != Role.sme or user.firm_id is None:
        return {}
    return application_service.submitted_by_mission(session=session, firm_id=user.firm_id)


@router.get("/missions/{mission_id}", response_class=HTMLResponse)
def mission_detail(
    request: Request, session: SessionDep, user: OptionalUser, mission_id: int
) -> Response:
    entry = catalogue.public_mission(session=session, mission_id=mission_id)
    return render(request, "missions/detail.html", **detail_context(session, user, entry))


def detail_context(
    session: Session,
    user: User | None,
    entry: catalogue.MissionEntry,
    *,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the mission page shows; for an SME also its firm, cases and application."""
    context: dict[str, Any] = {
        "entry": entry,
        "mission": entry.mission,
        "round": entry.round,
        "firm": None,
        "application": None,
        "cases": [],
        "other_cases": [],
        "warnings": [],
        "errors": errors or {},
        "error": error,
        "values": values or {},
        "next_rank": 1,
        "is_sme": user is not None and user.role == Role.sme,
        "round_open": entry.round.status == RoundStatus.open,
        "fits_sector": True,
        "track_warning": None,
    }
    if not context["is_sme"] or user is None:
        return context
    firm = firm_service.firm_of(session=session, user=user)
    if firm is None:
        return context
    mission = entry.mission
    cases = firm_service.cases_of(session=session, firm=firm)
    application = _applied_missions(session, user).get(mission.id or 0)
    case = next((c for c in cases if application and c.id == application.business_case_id), None)
    context.update(
        firm=firm,
        application=application,
        cases=[c for c in cases if c.country == mission.country],
        other_cases=[c for c in cases if c.country != mission.country],
        fits_sector=not mission.sectors or firm.sector in mission.sectors,
        track_warning=track_warnings.warning_for(session=session, firm_id=firm.id),
        next_rank=application_service.next_rank(
            session=session, firm=firm, round_id=entry.round.id
        ),
        warnings=application_results.eligibility_warnings(
            firm=firm, mission=mission, business_case=case
        )
        if application is not None
        else [],
    )
    return context
