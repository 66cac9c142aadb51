"""SME API: the decisions about the firm (its business cases reviewed, its places), newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from matchmaker.api.audit_shapes import DECISION_ERRORS as ERRORS
from matchmaker.api.audit_shapes import DecisionsPageOut, decisions_page_out
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import audit_log as audit_log_service
from matchmaker.services.audit_filters import parse_paging

router = APIRouter(prefix="/api/sme", tags=["sme"], responses=ERRORS)


@router.get("/decisions")
def decisions(
    session: SessionDep,
    user: CurrentUser,
    page: Annotated[str | None, Query(description="page number, from 1")] = None,
    page_size: Annotated[str | None, Query(description="decisions per page, at most 200")] = None,
) -> DecisionsPageOut:
    """Who decided what about your firm, and when: business cases verified or rejected,
    places offered, accepted, declined, withdrawn or lapsed."""
    paging = parse_paging(page=page, page_size=page_size)
    return decisions_page_out(
        audit_log_service.firm_decisions(session=session, user=user, paging=paging)
    )
