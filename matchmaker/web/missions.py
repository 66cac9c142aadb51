"""Public pages: the open missions with their filters, and one mission's detail (with the
apply form for a logged-in SME)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import OptionalUser, SessionDep
from matchmaker.models import MissionFormat, MissionKind
from matchmaker.services import catalogue
from matchmaker.services.catalogue import Filters
from matchmaker.services.errors import Invalid
from matchmaker.services.firm_codes import is_country
from matchmaker.web.mission_detail import applied_missions, detail_context
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: missions"])


# The query parameters of the list's filters (each read as text; blank means no filter).
FILTER_KEYS = ("kind", "format", "country", "sector", "date_from", "date_to", "round")


def read_filters(raw: Mapping[str, str | None]) -> Filters:
    """The catalogue's filters from the list's query-string values (empty means no filter).
    Raises Invalid naming each bad one."""
    problems: dict[str, str] = {}
    filters = Filters()

    def value(key: str) -> str | None:
        text = raw.get(key)
        return text.strip() if text and text.strip() else None

    if (kind := value("kind")) is not None:
        if kind in {k.value for k in MissionKind}:
            filters = replace(filters, kind=MissionKind(kind))
        else:
            problems["kind"] = f"choose one of {', '.join(MissionKind)}"
    if (mission_format := value("format")) is not None:
        if mission_format in {f.value for f in MissionFormat}:
            filters = replace(filters, format=MissionFormat(mission_format))
        else:
            problems["format"] = f"choose one of {', '.join(MissionFormat)}"
    if (country := value("country")) is not None:
        if is_country(country.upper()):
            filters = replace(filters, country=country.upper())
        else:
            problems["country"] = f"{country!r} is not an ISO 3166-1 alpha-2 country code"
    if (sector := value("sector")) is not None:
        filters = replace(filters, sector=sector)
    for key in ("date_from", "date_to"):
        if (text := value(key)) is not None:
            try:
                filters = replace(filters, **{key: date.fromisoformat(text)})
            except ValueError:
                problems[key] = f"{text!r} is not a date (YYYY-MM-DD)"
    if (round_id := value("round")) is not None:
        filters = replace(filters, round_id=round_id)
    catalogue.check_range(filters, problems)
    if problems:
        raise Invalid(problems)
    return filters


@router.get("/missions", response_class=HTMLResponse)
def mission_list(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    raw = {key: request.query_params.get(key) for key in FILTER_KEYS}
    errors: dict[str, str] = {}
    try:
        filters = read_filters(raw)
    except Invalid as error:
        errors = error.fields()
        filters = Filters()
    entries = catalogue.open_missions(session=session, filters=filters)
    applied = applied_missions(session, user)
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


@router.get("/missions/{mission_id}", response_class=HTMLResponse)
def mission_detail(
    request: Request, session: SessionDep, user: OptionalUser, mission_id: int
) -> Response:
    entry = catalogue.public_mission(session=session, mission_id=mission_id)
    return render(request, "missions/detail.html", **detail_context(session, user, entry))
