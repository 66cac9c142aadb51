"""Public pages: the open missions with their filters, and one mission's detail (with the
apply form for a logged-in SME)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import OptionalUser, SessionDep
from matchmaker.services import catalogue
from matchmaker.services.errors import Invalid
from matchmaker.web.mission_detail import applied_missions, detail_context
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: missions"])


# The query parameters of the list's filters (each read as text; blank means no filter).
FILTER_KEYS = ("kind", "format", "country", "sector", "date_from", "date_to", "round")


@router.get("/missions", response_class=HTMLResponse)
def mission_list(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    raw = {key: request.query_params.get(key) for key in FILTER_KEYS}
    errors: dict[str, str] = {}
    try:
        filters = catalogue.parse_filters(raw)
    except Invalid as error:
        errors = error.fields()
        filters = catalogue.Filters()
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
