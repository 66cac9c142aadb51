"""SME pages of the firm: the SME's home page, the firm profile (register, read, edit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker import i18n
from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.models import Firm, FirmChanges, FirmRegistration
from matchmaker.services import application_results, catalogue, mission_history, readiness
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import Conflict, Invalid
from matchmaker.web.form_shapes import Reader, form_shape, sent, whole_number, words
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render
from matchmaker.web.sme.common import FormFields, Notice, SmeFirm, firm_of, register_first

router = APIRouter(prefix="/sme", tags=["pages: sme"])


@router.get("", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, firm: SmeFirm, notice: Notice) -> Response:
    scans = firm_service.scans_of(session=session, firm=firm)
    return render(
        request,
        "sme/home.html",
        firm=firm,
        scan=scans[0] if scans else None,
        cases=firm_service.cases_of(session=session, firm=firm),
        views=application_results.applications_of(session=session, firm=firm),
        rounds=catalogue.open_rounds(session=session),
        track_titles=readiness.TRACK_TITLES,
        notice=notice,
    )


def _firm_form(
    request: Request,
    session: Session,
    *,
    firm: Firm | None,
    values: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "sme/firm_form.html",
        status_code=status_code,
        firm=firm,
        values=values,
        errors=errors or {},
        error=error,
        regions=firm_service.region_choices(session=session),
        sectors=firm_service.sector_choices(session=session),
    )


def _firm_values(firm: Firm) -> dict[str, Any]:
    values = firm_service.firm_document(firm)
    values["exports_to"] = ", ".join(firm.exports_to)
    return values


@router.get("/firm", response_class=HTMLResponse)
def firm_page(request: Request, session: SessionDep, user: CurrentUser, notice: Notice) -> Response:
    firm = firm_of(session, user)
    if firm is None:
        return _firm_form(request, session, firm=None, values={})
    scans = firm_service.scans_of(session=session, firm=firm)
    regions = {c.code: c.name for c in firm_service.region_choices(session=session)}
    sectors = {c.code: c.name for c in firm_service.sector_choices(session=session)}
    return render(
        request,
        "sme/firm.html",
        firm=firm,
        region_name=regions.get(firm.region, firm.region),
        sector_name=sectors.get(firm.sector, firm.sector),
        exports_to=[i18n.country_name(code) for code in firm.exports_to],
        scan=scans[0] if scans else None,
        history=mission_history.history_of(session=session, firm=firm),
        notice=notice,
    )


def _posted_firm(fields: Mapping[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    """The form's fields of `names`, and any field the firm does not fill in itself that
    was posted anyway (the service refuses those by name)."""
    return {name: fields.get(name, "") for name in names} | {
        name: fields[name] for name in firm_service.NOT_FROM_THE_FIRM if name in fields
    }


# How the firm form's text stands for the shapes' values; the fields the firm does not
# fill in itself are passed on by name only.
_FIRM_READERS: dict[str, Reader] = {
    "employees": whole_number,
    "exports_to": words,
} | dict.fromkeys(firm_service.NOT_FROM_THE_FIRM, sent)


@router.post("/firm", response_class=HTMLResponse, dependencies=[CsrfChecked])
def register_firm(
    request: Request, session: SessionDep, user: CurrentUser, fields: FormFields
) -> Response:
    values = _posted_firm(fields, firm_service.FIRM_FIELDS)
    firm_in = form_shape(FirmRegistration, values, values, _FIRM_READERS)
    try:
        firm_service.register_firm(session=session, actor=user, firm_in=firm_in)
    except Invalid as error:
        return _firm_form(
            request, session, firm=None, values=values, errors=error.fields(), status_code=400
        )
    except Conflict:
        # A second submit of the registration form: the firm exists, show it.
        return register_first()
    return see_other("/sme/firm?notice=registered")


@router.get("/firm/edit", response_class=HTMLResponse)
def edit_firm_form(request: Request, session: SessionDep, firm: SmeFirm) -> Response:
    return _firm_form(request, session, firm=firm, values=_firm_values(firm))


@router.post("/firm/edit", response_class=HTMLResponse, dependencies=[CsrfChecked])
def edit_firm(
    request: Request, session: SessionDep, user: CurrentUser, firm: SmeFirm, fields: FormFields
) -> Response:
    values = _posted_firm(fields, firm_service.EDITABLE_FIRM_FIELDS)
    changes = form_shape(FirmChanges, values, values, _FIRM_READERS)
    try:
        firm_service.update_firm(session=session, actor=user, firm=firm, changes=changes)
    except Invalid as error:
        session.rollback()
        return _firm_form(
            request,
            session,
            firm=firm,
            values={**values, "kvk": firm.kvk},
            errors=error.fields(),
            status_code=400,
        )
    return see_other("/sme/firm?notice=saved")
