"""SME pages of the readiness scan: the questions, the answers' track and its advice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import CsrfChecked, CurrentUser, SessionDep
from matchmaker.models import Firm, ReadinessScan, ReadinessScanCreate, Track
from matchmaker.services import firms as firm_service
from matchmaker.services import readiness, readiness_referrals
from matchmaker.services.errors import Invalid
from matchmaker.web.form_shapes import unchecked
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render
from matchmaker.web.sme.common import FormFields, SmeFirm, own_firm

router = APIRouter(prefix="/sme", tags=["pages: sme"])


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
def readiness_form(request: Request, session: SessionDep, firm: SmeFirm) -> Response:
    scans = firm_service.scans_of(session=session, firm=firm)
    values = dict(scans[0].answers) if scans else {}
    return _scan_form(request, firm=firm, scans=scans, values=values)


@router.post("/readiness", response_class=HTMLResponse, dependencies=[CsrfChecked])
def take_readiness_scan(
    request: Request, session: SessionDep, user: CurrentUser, firm: SmeFirm, fields: FormFields
) -> Response:
    answers = {q.key: fields.get(q.key, "") for q in readiness.QUESTIONS}
    try:
        scan = firm_service.record_scan(
            session=session,
            actor=user,
            firm=firm,
            scan_in=unchecked(ReadinessScanCreate, answers=answers),
        )
    except Invalid as error:
        session.rollback()
        scans = firm_service.scans_of(session=session, firm=firm)
        return _scan_form(
            request, firm=firm, scans=scans, values=answers, errors=error.fields(), status_code=400
        )
    return see_other(f"/sme/readiness/{scan.id}")


@router.get("/readiness/{scan_id}", response_class=HTMLResponse)
def readiness_result(
    request: Request, session: SessionDep, user: CurrentUser, scan_id: int
) -> Response:
    firm = own_firm(session, user, "readiness scan")
    scan = firm_service.scan_of(session=session, firm=firm, scan_id=scan_id)
    return render(
        request, "sme/readiness_result.html", firm=firm, scan=scan, **scan_advice(firm, scan)
    )


def scan_advice(firm: Firm, scan: ReadinessScan) -> dict[str, Any]:
    """The onward references of a scan's track: organisations and a filtered mission list."""
    target = scan.answers.get("target_country")
    track = Track(scan.track)
    return {
        "advice": readiness.advice(scan.answers, scan.reason),  # in the reader's language
        "track_titles": readiness.TRACK_TITLES,
        "referrals": readiness_referrals.referrals(
            track, region=firm.region, sector=firm.sector, target_country=target
        ),
        "missions_url": readiness_referrals.missions_link(
            track, target_country=target, base="/missions"
        ),
    }
