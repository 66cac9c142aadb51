"""SME pages of business cases: the firm's cases, a new one, editing one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.i18n import mark
from matchmaker.models import BusinessCase, BusinessCaseCreate, BusinessCaseUpdate
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import Invalid
from matchmaker.web.form_shapes import form_shape
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render
from matchmaker.web.sme.common import FormFields, Notice, SmeFirm, own_firm

router = APIRouter(prefix="/sme", tags=["pages: sme"])


def _case_form(
    request: Request,
    session: Session,
    *,
    case: BusinessCase | None,
    values: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "sme/case_form.html",
        status_code=status_code,
        case=case,
        values=values,
        errors=errors or {},
        countries=firm_service.country_choices(),
        focus_countries=firm_service.focus_country_choices(),
        sectors=firm_service.sector_choices(session=session),
        evidence_levels=EVIDENCE_LABELS,
    )


EVIDENCE_LABELS = [
    ("none", mark("None yet")),
    ("leads", mark("Leads: named prospects who showed interest")),
    ("letter_of_intent", mark("A letter of intent from a buyer")),
    ("order", mark("An order")),
]


@router.get("/cases", response_class=HTMLResponse)
def case_list(request: Request, session: SessionDep, firm: SmeFirm, notice: Notice) -> Response:
    return render(
        request,
        "sme/cases.html",
        firm=firm,
        cases=firm_service.cases_of(session=session, firm=firm),
        country_name=firm_service.country_name,
        sector_names={c.code: c.name for c in firm_service.sector_choices(session=session)},
        notice=notice,
    )


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_form(
    request: Request,
    session: SessionDep,
    firm: SmeFirm,
    country: str | None = None,
    sector: str | None = None,
) -> Response:
    values = {"country": (country or "").upper(), "sector": sector or firm.sector}
    return _case_form(request, session, case=None, values=values)


def _posted_case(fields: Mapping[str, str]) -> dict[str, str]:
    return {name: fields.get(name, "") for name in firm_service.CASE_FIELDS}


@router.post("/cases", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_case(
    request: Request, session: SessionDep, user: CurrentUser, firm: SmeFirm, fields: FormFields
) -> Response:
    values = _posted_case(fields)
    case_in = form_shape(BusinessCaseCreate, values, firm_service.CASE_FIELDS)
    try:
        firm_service.create_case(session=session, actor=user, firm=firm, case_in=case_in)
    except Invalid as error:
        session.rollback()
        return _case_form(
            request, session, case=None, values=values, errors=error.fields(), status_code=400
        )
    return see_other("/sme/cases?notice=case_saved")


@router.get("/cases/{case_id}/edit", response_class=HTMLResponse)
def edit_case_form(
    request: Request, session: SessionDep, user: CurrentUser, case_id: int
) -> Response:
    firm = own_firm(session, user, "business case")
    case = firm_service.case_of(session=session, firm=firm, case_id=case_id)
    return _case_form(request, session, case=case, values=firm_service.case_document(case))


@router.post("/cases/{case_id}/edit", response_class=HTMLResponse, dependencies=[CsrfChecked])
def edit_case(
    request: Request, session: SessionDep, user: CurrentUser, case_id: int, fields: FormFields
) -> Response:
    firm = own_firm(session, user, "business case")
    values = _posted_case(fields)
    changes = form_shape(BusinessCaseUpdate, values, firm_service.CASE_FIELDS)
    try:
        firm_service.update_case(
            session=session, actor=user, firm=firm, case_id=case_id, changes=changes
        )
    except Invalid as error:
        session.rollback()
        case = firm_service.case_of(session=session, firm=firm, case_id=case_id)
        return _case_form(
            request, session, case=case, values=values, errors=error.fields(), status_code=400
        )
    return see_other("/sme/cases?notice=case_saved")
