"""SME API of a placed firm's meetings: its requests for the mission's day, the partners it can
ask for, and its agenda once the schedule is published."""

from __future__ import annotations

from fastapi import HTTPException

from matchmaker.api.meeting_shapes import (
    AgendaOut,
    OwnRequestBody,
    PartnerOut,
    RequestOut,
    agenda_out,
    meeting_router,
    partner_out,
    request_input,
    request_out,
)
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import agendas as agenda_service
from matchmaker.services import meeting_requests as request_service
from matchmaker.services import meetings as meeting_service
from matchmaker.services.meeting_requests import RequestRow

router = meeting_router(
    not_found="No such placement among your firm's, or no agenda yet",
    invalid="Invalid input; `problems` names every field at fault",
)


def _unscheduled(row: RequestRow) -> RequestRow:
    """The request as a firm sees it before the day is published: without a slot, table or
    reason."""
    return RequestRow(row.request, row.firm, row.partner, None)


@router.get("/sme/placements/{placement_id}/meeting-requests")
def own_requests(session: SessionDep, user: CurrentUser, placement_id: int) -> list[RequestOut]:
    """The firm's requests; slot, table and reason only once the day is published."""
    view = request_service.firm_day(session=session, placement_id=placement_id, user=user)
    if view.day is None:
        return []
    rows = request_service.requests_of(session=session, day=view.day, firm_id=view.firm.id)
    return [request_out(row if view.published_day else _unscheduled(row)) for row in rows]


@router.post("/sme/placements/{placement_id}/meeting-requests", status_code=201)
def add_own_request(
    session: SessionDep, user: CurrentUser, placement_id: int, body: OwnRequestBody
) -> RequestOut:
    request = request_service.add_own_request(
        session=session,
        placement_id=placement_id,
        user=user,
        asked=request_input(body),
    )
    return request_out(_unscheduled(request_service.request_row(session=session, request=request)))


@router.get("/sme/placements/{placement_id}/meeting-partners")
def own_partners(session: SessionDep, user: CurrentUser, placement_id: int) -> list[PartnerOut]:
    """The partners of the firm's mission's meeting day (whom it can request)."""
    view = request_service.firm_day(session=session, placement_id=placement_id, user=user)
    if view.day is None:
        return []
    return [
        partner_out(p).model_copy(update={"email": None})
        for p in meeting_service.partners_of(session=session, day=view.day)
    ]


@router.get("/sme/placements/{placement_id}/agenda")
def own_agenda(session: SessionDep, user: CurrentUser, placement_id: int) -> AgendaOut:
    """The firm's agenda once the day is published (404 before)."""
    view = request_service.firm_day(session=session, placement_id=placement_id, user=user)
    day = view.published_day
    if day is None:
        raise HTTPException(404, "the agenda is not published yet")
    return agenda_out(agenda_service.agenda(session=session, day=day, firm=view.firm))
