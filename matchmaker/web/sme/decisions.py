"""SME pages: the decisions about the firm (its cases reviewed, its places), newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import audit_log as audit_log_service
from matchmaker.services.audit_filters import parse_paging
from matchmaker.web.rendering import render
from matchmaker.web.sme.common import SmeFirm

router = APIRouter(prefix="/sme", tags=["pages: sme"])


@router.get("/decisions", response_class=HTMLResponse)
def decisions_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    _: SmeFirm,
    page: Annotated[str | None, Query()] = None,
) -> Response:
    """The decisions about the SME's firm (registering the firm first)."""
    paging = parse_paging(page=page)
    result = audit_log_service.firm_decisions(session=session, user=user, paging=paging)
    return render(request, "sme/decisions.html", result=result)
