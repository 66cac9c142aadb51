"""Organiser pages: the accounts an organiser manages, to disable or enable them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from matchmaker.deps import CurrentUser, SessionDep
from matchmaker.i18n import mark
from matchmaker.services import accounts as account_service
from matchmaker.web.form_routes import form_post
from matchmaker.web.pages import see_other
from matchmaker.web.rendering import render

router = APIRouter(prefix="/organiser/accounts", tags=["pages: organiser"])

NOTICES = {
    "disabled": mark("The account is disabled: its sessions and tokens have ended."),
    "enabled": mark("The account is enabled: its owner can log in again."),
}


@router.get("", response_class=HTMLResponse)
def accounts_page(
    request: Request, session: SessionDep, user: CurrentUser, notice: str | None = None
) -> Response:
    return render(
        request,
        "organiser/accounts.html",
        entries=account_service.manageable_accounts(session=session, actor=user),
        notice=NOTICES.get(notice or ""),
    )


def _change(session: SessionDep, user: CurrentUser, user_id: int, active: bool) -> Response:
    account_service.change_active(session=session, actor=user, user_id=user_id, active=active)
    notice = "enabled" if active else "disabled"
    return see_other(f"/organiser/accounts?notice={notice}")


@form_post(router, "/{user_id}/disable")
def disable(session: SessionDep, user: CurrentUser, user_id: int) -> Response:
    return _change(session, user, user_id, active=False)


@form_post(router, "/{user_id}/enable")
def enable(session: SessionDep, user: CurrentUser, user_id: int) -> Response:
    return _change(session, user, user_id, active=True)
