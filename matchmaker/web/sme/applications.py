"""SME pages of applications: the firm's applications by round, applying to a mission,
one application with its result, withdrawing it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import application_results, catalogue
from matchmaker.services import applications as application_service
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import Conflict, Invalid
from matchmaker.web.form_routes import form_post
from matchmaker.web.mission_detail import detail_context
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render
from matchmaker.web.sme.common import Notice, SmeFirm, firm_of, own_firm, register_first

router = APIRouter(prefix="/sme", tags=["pages: sme"])


@router.get("/applications", response_class=HTMLResponse)
def application_list(
    request: Request, session: SessionDep, firm: SmeFirm, notice: Notice
) -> Response:
    views = application_results.applications_of(session=session, firm=firm)
    rounds: dict[str, list[application_results.ApplicationView]] = {}
    for view in views:
        rounds.setdefault(view.round.id, []).append(view)
    return render(
        request,
        "sme/applications.html",
        firm=firm,
        rounds=list(rounds.values()),
        open_rounds=catalogue.open_rounds(session=session),
        notice=notice,
    )


@form_post(router, "/applications")
def apply(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: Annotated[int, Form()],
    rank: Annotated[str, Form(max_length=10)] = "",
    business_case_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    firm = firm_of(session, user)
    if firm is None:
        return register_first()
    try:
        _, created = application_service.apply(
            session=session,
            actor=user,
            firm=firm,
            mission_id=mission_id,
            rank=rank,
            business_case_id=business_case_id or None,
        )
    except (Invalid, Conflict) as refusal:
        session.rollback()
        entry = catalogue.public_mission(session=session, mission_id=mission_id)
        context = detail_context(
            session,
            user,
            entry,
            errors=refusal.fields() if isinstance(refusal, Invalid) else None,
            error=str(refusal) if isinstance(refusal, Conflict) else None,
            values={"rank": rank, "business_case_id": business_case_id},
        )
        code = 400 if isinstance(refusal, Invalid) else 409
        return render(request, "missions/detail.html", status_code=code, **context)
    return see_other("/sme/applications?notice=" + ("applied" if created else "already_applied"))


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def application_detail(
    request: Request, session: SessionDep, user: CurrentUser, application_id: int
) -> Response:
    firm = own_firm(session, user, "application")
    view = application_results.application_view(
        session=session, firm=firm, application_id=application_id
    )
    warnings = (
        application_results.eligibility_warnings(
            firm=firm, mission=view.mission, business_case=view.business_case
        )
        if view.changeable
        else []
    )
    return render(
        request,
        "sme/application.html",
        firm=firm,
        view=view,
        warnings=warnings,
        country_name=firm_service.country_name,
    )


@form_post(router, "/applications/{application_id}/withdraw")
def withdraw(
    request: Request, session: SessionDep, user: CurrentUser, application_id: int
) -> Response:
    firm = own_firm(session, user, "application")
    application_service.withdraw(
        session=session, actor=user, firm=firm, application_id=application_id
    )
    return see_other("/sme/applications?notice=withdrawn")
