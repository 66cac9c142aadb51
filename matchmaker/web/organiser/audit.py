"""Organiser pages: the organisation's audit log, filtered and paged, and its CSV download."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.services import audit_export, audit_filters, audit_words
from matchmaker.services import audit_log as audit_log_service
from matchmaker.services.errors import Invalid
from matchmaker.services.exports import file_name
from matchmaker.web.pages import download
from matchmaker.web.rendering import refusal, render

router = APIRouter(prefix="/organiser", tags=["pages: organiser"])

PAGE = "/organiser/audit"
# The filter fields as the form and the links name them.
FIELDS = ("action", "object_type", "actor", "from", "to", "firm")

Text = Annotated[str | None, Query()]


def _typed(
    action: Text = None,
    object_type: Text = None,
    actor: Text = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    firm: Text = None,
) -> dict[str, str]:
    """The filters as typed (blank ones left out), for the form and the links."""
    given = zip(FIELDS, (action, object_type, actor, date_from, date_to, firm), strict=True)
    return {name: value for name, value in given if value is not None and value.strip()}


TypedFilters = Annotated[dict[str, str], Depends(_typed)]


def _filter(typed: dict[str, str]) -> audit_filters.AuditFilter:
    """The typed filters checked (Invalid naming each bad one)."""
    return audit_filters.parse_filter(
        action=typed.get("action"),
        object_type=typed.get("object_type"),
        actor=typed.get("actor"),
        date_from=typed.get("from"),
        date_to=typed.get("to"),
        firm=typed.get("firm"),
    )


def _link(typed: dict[str, str], **extra: str | int) -> str:
    query = urlencode({**typed, **{k: str(v) for k, v in extra.items()}})
    return f"{PAGE}?{query}" if query else PAGE


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    typed: TypedFilters,
    page: Text = None,
    page_size: Text = None,
) -> Response:
    context = {
        "typed": typed,
        "actions": sorted(audit_words.ACTIONS.items(), key=lambda item: item[1].nl),
        "families": sorted(audit_words.FAMILIES),
        "object_types": sorted(audit_words.OBJECT_TYPES.items(), key=lambda item: item[1].nl),
        "csv_nl": f"{PAGE}.csv?{urlencode({**typed, 'lang': 'nl'})}",
        "csv_en": f"{PAGE}.csv?{urlencode({**typed, 'lang': 'en'})}",
        "max_rows": audit_export.MAX_ROWS,
        "max_page_size": audit_filters.MAX_PAGE_SIZE,
    }
    try:
        paging = audit_filters.parse_paging(page=page, page_size=page_size)
        result = audit_log_service.organisation_page(
            session=session, user=user, audit_filter=_filter(typed), paging=paging
        )
    except Invalid as error:
        return render(request, "organiser/audit.html", result=None, **context, **refusal(error))
    sized = {"page_size": paging.page_size} if page_size else {}
    return render(
        request,
        "organiser/audit.html",
        result=result,
        previous=_link(typed, **sized, page=paging.page - 1) if result.has_previous else None,
        next=_link(typed, **sized, page=paging.page + 1) if result.has_next else None,
        firm_link=lambda firm_id: _link({**typed, "firm": str(firm_id)}),
        **context,
    )


@router.get("/audit.csv")
def audit_csv(
    session: SessionDep,
    user: CurrentUser,
    typed: TypedFilters,
    lang: Text = None,
) -> Response:
    """The matching rows (the newest 10,000) as CSV, in Dutch unless lang=en."""
    language = audit_export.language(lang)
    entries, _ = audit_log_service.organisation_rows(
        session=session, user=user, audit_filter=_filter(typed), limit=audit_export.MAX_ROWS
    )
    text = audit_export.csv_text(entries, language)
    return download(
        text.encode("utf-8"), "text/csv; charset=utf-8", file_name("audit", extension="csv")
    )
