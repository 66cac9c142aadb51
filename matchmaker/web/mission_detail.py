"""What a mission's public page shows, for anyone and, for a logged-in SME, with its firm,
cases and application: shared by the public page and the SME's apply form."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from matchmaker.models import Application, Role, RoundStatus, User
from matchmaker.services import application_results, catalogue, track_warnings
from matchmaker.services import applications as application_service
from matchmaker.services import firms as firm_service


def applied_missions(session: Session, user: User | None) -> dict[int, Application]:
    """The submitted applications of the user's firm, by mission (SMEs only): one query,
    not the full application views (results, cases) the SME's own pages show."""
    if user is None or user.role != Role.sme or user.firm_id is None:
        return {}
    return application_service.submitted_by_mission(session=session, firm_id=user.firm_id)


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
    application = applied_missions(session, user).get(mission.id or 0)
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
