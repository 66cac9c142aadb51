"""Organiser downloads of a meeting day: its partners as CSV, its schedule as CSV or Excel."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_partners as partner_service
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services import spreadsheet_csv
from matchmaker.services.exports import file_name
from matchmaker.web.pages import download

router = APIRouter(prefix="/organiser/missions/{mission_id}/meetings", tags=["pages: meeting days"])


@router.get("/partners.csv")
def partners_csv(
    session: SessionDep, user: CurrentUser, mission_id: int, lang: str | None = None
) -> Response:
    """The day's partners as CSV, in the import's columns (lang=nl: `;`-separated)."""
    day = meeting_service.visible_day(session=session, mission_id=mission_id, user=user)
    language = spreadsheet_csv.export_language(lang)
    partners = meeting_service.partners_of(session=session, day=day)
    text = partner_service.partners_csv(partners, language)
    name = file_name("partners", f"mission-{mission_id}", extension="csv")
    return download(text.encode("utf-8"), "text/csv; charset=utf-8", name)


@router.get("/schedule.{extension}")
def schedule_export(
    session: SessionDep,
    user: CurrentUser,
    mission_id: int,
    extension: str,
    lang: str | None = None,
) -> Response:
    """The current schedule as CSV (lang=en or nl) or Excel: every meeting by slot and table,
    then the unscheduled requests with their reason."""
    day = meeting_service.visible_day(session=session, mission_id=mission_id, user=user)
    language = spreadsheet_csv.export_language(lang)
    if extension not in ("csv", "xlsx"):
        raise HTTPException(404, "schedule exports are .csv or .xlsx")
    rows = request_service.requests_of(session=session, day=day)
    name = file_name("schedule", f"mission-{mission_id}", day.day.isoformat(), extension=extension)
    if extension == "csv":
        return download(
            agenda_service.schedule_csv(day, rows, language).encode("utf-8"),
            "text/csv; charset=utf-8",
            name,
        )
    return download(
        agenda_service.schedule_xlsx(day, rows),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        name,
    )
