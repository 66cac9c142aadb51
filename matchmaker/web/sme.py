"""SME pages: the firm profile, the readiness scan, business cases, applications with ranked
preferences, and the result of each application."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep, require_role
from matchmaker.models import (
    ApplicationStatus,
    BusinessCase,
    Firm,
    ReadinessScan,
    Role,
    Round,
    RoundStatus,
    Track,
    User,
)
from matchmaker.services import application_results, catalogue, readiness
from matchmaker.services import applications as application_service
from matchmaker.services import firms as firm_service
from matchmaker.services.errors import Conflict, Invalid
from matchmaker.web.missions import detail_context
from matchmaker.web.rendering import render

router = APIRouter(
    prefix="/sme", tags=["pages: sme"], dependencies=[Depends(require_role(Role.sme))]
)

NOTICES = {
    "registered": "Your firm is registered. Take the readiness scan next.",
    "saved": "Your firm profile is saved.",
    "case_saved": "Business case saved. It waits for the organiser to verify it.",
    "applied": "Application sent.",
    "already_applied": "You had sent this application already; nothing changed.",
    "withdrawn": "Application withdrawn.",
    "preferences_saved": "Your preferences for this round are saved.",
}


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form as a plain dict (the last value of each text field)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


def _notice(notice: str | None) -> str | None:
    return NOTICES.get(notice or "")


def _firm(session: Session, user: User) -> Firm | None:
    return firm_service.firm_of(session=session, user=user)


def _not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no such {what}")


def _own_firm(session: Session, user: User, what: str) -> Firm:
    """The SME's own firm, or a 404 naming `what` (without a firm it owns no such object)."""
    firm = _firm(session, user)
    if firm is None:
        raise _not_found(what)
    return firm


# --------------------------------------------------------------------------- home


@router.get("", response_class=HTMLResponse)
def home(
    request: Request, session: SessionDep, user: CurrentUser, notice: str | None = None
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
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
        notice=_notice(notice),
    )


# --------------------------------------------------------------------------- firm profile


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
def firm_page(
    request: Request, session: SessionDep, user: CurrentUser, notice: str | None = None
) -> Response:
    firm = _firm(session, user)
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
        exports_to=[firm_service.country_name(code) for code in firm.exports_to],
        scan=scans[0] if scans else None,
        notice=_notice(notice),
    )


def _posted_firm(fields: Mapping[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        if name.startswith("readiness_"):
            values[name] = fields.get(name) == "on"
        else:
            values[name] = fields.get(name, "")
    return values


@router.post("/firm", response_class=HTMLResponse, dependencies=[CsrfChecked])
def register_firm(
    request: Request, session: SessionDep, user: CurrentUser, fields: FormFields
) -> Response:
    values = _posted_firm(fields, firm_service.FIRM_FIELDS)
    try:
        firm_service.register_firm(session=session, actor=user, values=values)
    except Invalid as error:
        return _firm_form(
            request, session, firm=None, values=values, errors=error.fields(), status_code=400
        )
    except Conflict:
        # A second submit of the registration form: the firm exists, show it.
        return _see("/sme/firm")
    return _see("/sme/firm?notice=registered")


@router.get("/firm/edit", response_class=HTMLResponse)
def edit_firm_form(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    return _firm_form(request, session, firm=firm, values=_firm_values(firm))


@router.post("/firm/edit", response_class=HTMLResponse, dependencies=[CsrfChecked])
def edit_firm(
    request: Request, session: SessionDep, user: CurrentUser, fields: FormFields
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    values = _posted_firm(fields, firm_service.EDITABLE_FIRM_FIELDS)
    try:
        firm_service.update_firm(session=session, actor=user, firm=firm, values=values)
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
    return _see("/sme/firm?notice=saved")


# --------------------------------------------------------------------------- readiness scan


def _scan_form(
    request: Request,
    *,
    firm: Firm,
    scans: list[ReadinessScan],
    values: Mapping[str, str],
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "sme/readiness.html",
        status_code=status_code,
        firm=firm,
        scans=scans,
        sections=[
            (
                section,
                readiness.SECTION_TITLES[section],
                [q for q in readiness.QUESTIONS if q.section == section],
            )
            for section in readiness.SECTIONS
        ],
        countries=firm_service.country_choices(),
        focus_countries=firm_service.focus_country_choices(),
        values=values,
        errors=errors or {},
        track_titles=readiness.TRACK_TITLES,
    )


@router.get("/readiness", response_class=HTMLResponse)
def readiness_form(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    scans = firm_service.scans_of(session=session, firm=firm)
    values = dict(scans[0].answers) if scans else {}
    return _scan_form(request, firm=firm, scans=scans, values=values)


@router.post("/readiness", response_class=HTMLResponse, dependencies=[CsrfChecked])
def take_readiness_scan(
    request: Request, session: SessionDep, user: CurrentUser, fields: FormFields
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    answers = {q.key: fields.get(q.key, "") for q in readiness.QUESTIONS}
    try:
        scan = firm_service.record_scan(session=session, actor=user, firm=firm, raw_answers=answers)
    except Invalid as error:
        session.rollback()
        scans = firm_service.scans_of(session=session, firm=firm)
        return _scan_form(
            request, firm=firm, scans=scans, values=answers, errors=error.fields(), status_code=400
        )
    return _see(f"/sme/readiness/{scan.id}")


@router.get("/readiness/{scan_id}", response_class=HTMLResponse)
def readiness_result(
    request: Request, session: SessionDep, user: CurrentUser, scan_id: int
) -> Response:
    firm = _own_firm(session, user, "readiness scan")
    scan = firm_service.scan_of(session=session, firm=firm, scan_id=scan_id)
    return render(
        request, "sme/readiness_result.html", firm=firm, scan=scan, **scan_advice(firm, scan)
    )


def scan_advice(firm: Firm, scan: ReadinessScan) -> dict[str, Any]:
    """The onward references of a scan's track: organisations and a filtered mission list."""
    target = scan.answers.get("target_country")
    track = Track(scan.track)
    return {
        "track_titles": readiness.TRACK_TITLES,
        "referrals": readiness.referrals(
            track, region=firm.region, sector=firm.sector, target_country=target
        ),
        "missions_url": readiness.missions_link(track, target_country=target, base="/missions"),
    }


# --------------------------------------------------------------------------- business cases


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
    ("none", "None yet"),
    ("leads", "Leads: named prospects who showed interest"),
    ("letter_of_intent", "A letter of intent from a buyer"),
    ("order", "An order"),
]


@router.get("/cases", response_class=HTMLResponse)
def case_list(
    request: Request, session: SessionDep, user: CurrentUser, notice: str | None = None
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    return render(
        request,
        "sme/cases.html",
        firm=firm,
        cases=firm_service.cases_of(session=session, firm=firm),
        country_name=firm_service.country_name,
        sector_names={c.code: c.name for c in firm_service.sector_choices(session=session)},
        notice=_notice(notice),
    )


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_form(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    country: str | None = None,
    sector: str | None = None,
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    values = {"country": (country or "").upper(), "sector": sector or firm.sector}
    return _case_form(request, session, case=None, values=values)


def _posted_case(fields: Mapping[str, str]) -> dict[str, str]:
    return {name: fields.get(name, "") for name in firm_service.CASE_FIELDS}


@router.post("/cases", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_case(
    request: Request, session: SessionDep, user: CurrentUser, fields: FormFields
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    values = _posted_case(fields)
    try:
        firm_service.create_case(session=session, actor=user, firm=firm, values=values)
    except Invalid as error:
        session.rollback()
        return _case_form(
            request, session, case=None, values=values, errors=error.fields(), status_code=400
        )
    return _see("/sme/cases?notice=case_saved")


@router.get("/cases/{case_id}/edit", response_class=HTMLResponse)
def edit_case_form(
    request: Request, session: SessionDep, user: CurrentUser, case_id: int
) -> Response:
    firm = _own_firm(session, user, "business case")
    case = firm_service.case_of(session=session, firm=firm, case_id=case_id)
    return _case_form(request, session, case=case, values=firm_service.case_document(case))


@router.post("/cases/{case_id}/edit", response_class=HTMLResponse, dependencies=[CsrfChecked])
def edit_case(
    request: Request, session: SessionDep, user: CurrentUser, case_id: int, fields: FormFields
) -> Response:
    firm = _own_firm(session, user, "business case")
    values = _posted_case(fields)
    try:
        firm_service.update_case(
            session=session, actor=user, firm=firm, case_id=case_id, values=values
        )
    except Invalid as error:
        session.rollback()
        case = firm_service.case_of(session=session, firm=firm, case_id=case_id)
        return _case_form(
            request, session, case=case, values=values, errors=error.fields(), status_code=400
        )
    return _see("/sme/cases?notice=case_saved")


# --------------------------------------------------------------------------- applications


@router.get("/applications", response_class=HTMLResponse)
def application_list(
    request: Request, session: SessionDep, user: CurrentUser, notice: str | None = None
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
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
        notice=_notice(notice),
    )


@router.post("/applications", response_class=HTMLResponse, dependencies=[CsrfChecked])
def apply(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    mission_id: Annotated[int, Form()],
    rank: Annotated[str, Form(max_length=10)] = "",
    business_case_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
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
    return _see("/sme/applications?notice=" + ("applied" if created else "already_applied"))


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def application_detail(
    request: Request, session: SessionDep, user: CurrentUser, application_id: int
) -> Response:
    firm = _own_firm(session, user, "application")
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


@router.post(
    "/applications/{application_id}/withdraw",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def withdraw(
    request: Request, session: SessionDep, user: CurrentUser, application_id: int
) -> Response:
    firm = _own_firm(session, user, "application")
    application_service.withdraw(
        session=session, actor=user, firm=firm, application_id=application_id
    )
    return _see("/sme/applications?notice=withdrawn")


# --------------------------------------------------------------------------- preferences


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
    )


def _round_for_preferences(session: Session, round_id: str) -> Round:
    round_row = catalogue.public_round(session=session, round_id=round_id)
    if round_row.status != RoundStatus.open:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"round {round_row.name!r} takes no applications any more"
        )
    return round_row


@router.get("/rounds/{round_id}/preferences", response_class=HTMLResponse)
def preferences_form(
    request: Request, session: SessionDep, user: CurrentUser, round_id: str
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    round_row = _round_for_preferences(session, round_id)
    rows = _preference_rows(session, firm, round_id)
    return _preferences_page(request, firm=firm, round_row=round_row, rows=rows)


@router.post(
    "/rounds/{round_id}/preferences", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def set_preferences(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    round_id: str,
    mission_id: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    rank: Annotated[list[str], Form()] = [],  # noqa: B006
    business_case_id: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    firm = _firm(session, user)
    if firm is None:
        return _see("/sme/firm")
    round_row = _round_for_preferences(session, round_id)
    if not len(mission_id) == len(rank) == len(business_case_id):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "the form is incomplete; reload it")
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
            firm=firm,
            round_row=round_row,
            rows=rows,
            errors=errors,
            error=str(refusal) if isinstance(refusal, Conflict) else None,
            status_code=400 if isinstance(refusal, Invalid) else 409,
        )
    return _see("/sme/applications?notice=preferences_saved")
