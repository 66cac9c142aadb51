"""The one-time invitation link: whoever holds it sets a password and has the invited account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from matchmaker.deps import SessionDep
from matchmaker.i18n import mark
from matchmaker.services import accounts as account_service
from matchmaker.services import invitations as invitation_service
from matchmaker.web.account_forms import HOME_BY_ROLE, ROLE_LABELS, Password, logged_in
from matchmaker.web.form_routes import form_post
from matchmaker.web.rendering import render

router = APIRouter(tags=["pages: invitations"])

UNUSABLE = mark(
    "This invitation link cannot be used: it is unknown, was used already, has expired or "
    "was withdrawn. Ask the person who invited you for a new link."
)


def _unusable() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, str(UNUSABLE))


def _accept_form(request: Request, session: Session, token: str, **shown: Any) -> Response:
    """The form that accepts the invitation of `token` (404 while the link is unusable)."""
    try:
        offer = invitation_service.pending(session=session, token=token)
    except invitation_service.InvitationUnusable:
        raise _unusable() from None
    return render(
        request, "invitations/accept.html", offer=offer, labels=ROLE_LABELS, token=token, **shown
    )


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_form(request: Request, session: SessionDep, token: str) -> Response:
    return _accept_form(request, session, token, errors={})


@form_post(router, "/invitations/{token}")
def accept_invitation(
    request: Request, session: SessionDep, token: str, password: Password
) -> Response:
    """Make the invited account with this password and log it in; the link is used up."""
    try:
        user = invitation_service.accept(session=session, token=token, password=password)
    except invitation_service.InvitationUnusable:
        raise _unusable() from None
    except account_service.AccountError as error:
        status_code = 409 if error.field == "email" else 400
        return _accept_form(request, session, token, status_code=status_code, errors=error.fields())
    # The acceptance's audit row stands for this first login as well.
    started = account_service.start_session(session=session, user=user, audited=False)
    return logged_in(HOME_BY_ROLE[str(user.role)], started.token)
