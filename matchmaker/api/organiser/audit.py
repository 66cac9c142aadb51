"""Organiser API: the audit log of the organiser's organisation, filtered and paged, and as CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from matchmaker.api.audit_shapes import AUDIT_ERRORS as ERRORS
from matchmaker.api.audit_shapes import AuditPageOut, audit_page_out
from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import audit_export
from matchmaker.services import audit_log as audit_log_service
from matchmaker.services.audit_filters import AuditFilter, parse_filter, parse_paging
from matchmaker.services.exports import file_name

router = APIRouter(prefix="/api/organiser", tags=["organiser"], responses=ERRORS)


def audit_filter(
    action: Annotated[
        str | None, Query(description="an action code (placement.accept) or family (placement)")
    ] = None,
    object_type: Annotated[str | None, Query(description="business_case, placement, ...")] = None,
    actor: Annotated[
        str | None, Query(description="the acting account's e-mail address or id, or 'system'")
    ] = None,
    date_from: Annotated[
        str | None, Query(alias="from", description="first day (YYYY-MM-DD, Amsterdam)")
    ] = None,
    date_to: Annotated[
        str | None, Query(alias="to", description="last day (YYYY-MM-DD, Amsterdam)")
    ] = None,
    firm: Annotated[str | None, Query(description="the id of the firm a row is about")] = None,
) -> AuditFilter:
    return parse_filter(
        action=action,
        object_type=object_type,
        actor=actor,
        date_from=date_from,
        date_to=date_to,
        firm=firm,
    )


Filter = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("/audit")
def audit(
    session: SessionDep,
    user: CurrentUser,
    filters: Filter,
    page: Annotated[str | None, Query(description="page number, from 1")] = None,
    page_size: Annotated[str | None, Query(description="rows per page, at most 200")] = None,
) -> AuditPageOut:
    """Your organisation's audit log, newest first: who did what to which object, when, with
    the state before and after. A page past the last one is empty."""
    paging = parse_paging(page=page, page_size=page_size)
    return audit_page_out(
        audit_log_service.organisation_page(
            session=session, user=user, audit_filter=filters, paging=paging
        )
    )


@router.get(
    "/audit.csv",
    responses={200: {"content": {"text/csv": {}}, "description": "the CSV file"}},
    response_class=Response,
)
def audit_csv(
    session: SessionDep,
    user: CurrentUser,
    filters: Filter,
    lang: Annotated[str | None, Query(description="nl (default) or en")] = None,
) -> Response:
    """The matching rows as CSV (the newest 10,000), in Dutch or English."""
    language = audit_export.language(lang)
    entries, more = audit_log_service.organisation_rows(
        session=session, user=user, audit_filter=filters, limit=audit_export.MAX_ROWS
    )
    return Response(
        audit_export.csv_text(entries, language).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name("audit", extension="csv")}"',
            "X-Rows-Left-Out": "yes" if more else "no",
        },
    )
